package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

type smsResult struct {
	Success  string `json:"success"`
	Messages []struct {
		ID        string `json:"id"`
		Recipient string `json:"recipient"`
		Sandbox   bool   `json:"sandbox"`
	} `json:"messages"`
}

func TestSendSMS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	sandboxKey := e.create(t, rootKey, `{"label":"sb","environment":"sandbox","permissions":["sms"]}`)

	tests := []struct {
		name        string
		key         string
		body        string
		recipients  []string
		wantSandbox bool
	}{
		{"live key", rootKey, `{"to":"+491701234567","text":"hello"}`, []string{"+491701234567"}, false},
		{"sandbox key", sandboxKey.Key, `{"to":"491701234567","text":"hello","from":"Shop"}`, []string{"491701234567"}, true},
		{"several recipients", rootKey, `{"to":"4917012345, +4917099999","text":"hi","from":"+4930123456"}`, []string{"4917012345", "+4917099999"}, false},
		{"null from is absent", rootKey, `{"to":"4917012345","text":"hi","from":null}`, []string{"4917012345"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got smsResult
			e.request(t, http.MethodPost, "/sms", tt.key, tt.body).want(t, http.StatusOK).decode(t, &got)
			if got.Success != "100" || len(got.Messages) != len(tt.recipients) {
				t.Fatalf("answer = %+v, want success 100 and %d messages", got, len(tt.recipients))
			}
			for i, m := range got.Messages {
				if m.ID == "" || m.Recipient != tt.recipients[i] || m.Sandbox != tt.wantSandbox {
					t.Errorf("message %d = %+v, want recipient %s, sandbox %v", i, m, tt.recipients[i], tt.wantSandbox)
				}
			}
		})
	}
}

func TestSendSMSRefusesBadBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	tests := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"no to", `{"text":"hi"}`, 422, "validation_failed", "to"},
		{"no text", `{"to":"4917012345"}`, 422, "validation_failed", "text"},
		{"empty text", `{"to":"4917012345","text":""}`, 422, "validation_failed", "text"},
		{"text too long", `{"to":"4917012345","text":"` + strings.Repeat("a", 1521) + `"}`, 422, "validation_failed", "text"},
		{"letters as recipient", `{"to":"mum","text":"hi"}`, 422, "validation_failed", "to"},
		{"empty recipient", `{"to":"4917012345,","text":"hi"}`, 422, "validation_failed", "to"},
		{"sender too long", `{"to":"4917012345","text":"hi","from":"ABCDEFGHIJKL"}`, 422, "validation_failed", "from"},
		{"to as a number", `{"to":4917012345,"text":"hi"}`, 400, "invalid_json", "to"},
		{"unknown field", `{"to":"4917012345","text":"hi","flash":true}`, 400, "invalid_json", "flash"},
		{"not JSON", `to=4917012345`, 400, "invalid_json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.request(t, http.MethodPost, "/sms", rootKey, tt.body).wantError(t, tt.status, tt.code, tt.field)
		})
	}
}
