package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	deleted := e.create(t, rootKey, `{"label":"deleted","permissions":["balance"]}`)
	e.request(t, http.MethodDelete, "/api_keys/"+deleted.ID, rootKey, "").want(t, http.StatusNoContent)
	expiring := e.create(t, rootKey, `{"label":"expiring","permissions":["balance"],"valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`)
	e.clock.Advance(time.Hour)

	tests := []struct {
		name    string
		query   string
		headers []string
		want    int
	}{
		{name: "no key", want: http.StatusUnauthorized},
		{name: "X-Api-Key", headers: []string{"X-Api-Key", rootKey}, want: http.StatusOK},
		{name: "bearer", headers: []string{"Authorization", "Bearer " + rootKey}, want: http.StatusOK},
		{name: "bearer in lower case", headers: []string{"Authorization", "bearer " + rootKey}, want: http.StatusOK},
		{name: "basic scheme", headers: []string{"Authorization", "Basic " + rootKey}, want: http.StatusUnauthorized},
		{name: "unknown key", headers: []string{"X-Api-Key", "UnknownKey0123456789abcdef"}, want: http.StatusUnauthorized},
		{name: "empty key", headers: []string{"X-Api-Key", ""}, want: http.StatusUnauthorized},
		{name: "deleted key", headers: []string{"X-Api-Key", deleted.Key}, want: http.StatusUnauthorized},
		{name: "expired key", headers: []string{"X-Api-Key", expiring.Key}, want: http.StatusUnauthorized},
		{name: "key in the query is ignored", query: "?api_key=" + rootKey, want: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.request(t, http.MethodGet, "/balance"+tt.query, "", "", tt.headers...)
			if tt.want == http.StatusOK {
				a.want(t, http.StatusOK)
				return
			}
			a.wantError(t, tt.want, "unauthorized", "")
		})
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	balanceOnly := e.create(t, rootKey, `{"label":"b","permissions":["balance"]}`)
	smsOnly := e.create(t, rootKey, `{"label":"s","permissions":["sms"]}`)
	keysOnly := e.create(t, rootKey, `{"label":"k","permissions":["api_keys"]}`)
	sms := `{"to":"+491701234567","text":"hi"}`

	tests := []struct {
		name   string
		key    string
		method string
		path   string
		body   string
		want   int
	}{
		{"balance key reads the balance", balanceOnly.Key, http.MethodGet, "/balance", "", http.StatusOK},
		{"balance key cannot list keys", balanceOnly.Key, http.MethodGet, "/api_keys", "", http.StatusForbidden},
		{"balance key cannot read a key", balanceOnly.Key, http.MethodGet, "/api_keys/" + smsOnly.ID, "", http.StatusForbidden},
		{"balance key cannot create keys", balanceOnly.Key, http.MethodPost, "/api_keys", `{"label":"x"}`, http.StatusForbidden},
		{"balance key cannot patch keys", balanceOnly.Key, http.MethodPatch, "/api_keys/" + smsOnly.ID, `{}`, http.StatusForbidden},
		{"balance key cannot delete keys", balanceOnly.Key, http.MethodDelete, "/api_keys/" + smsOnly.ID, "", http.StatusForbidden},
		{"balance key cannot send", balanceOnly.Key, http.MethodPost, "/sms", sms, http.StatusForbidden},
		{"sms key sends", smsOnly.Key, http.MethodPost, "/sms", sms, http.StatusOK},
		{"sms key cannot read the balance", smsOnly.Key, http.MethodGet, "/balance", "", http.StatusForbidden},
		{"api_keys key lists keys", keysOnly.Key, http.MethodGet, "/api_keys", "", http.StatusOK},
		{"api_keys key cannot read the balance", keysOnly.Key, http.MethodGet, "/balance", "", http.StatusForbidden},
		// The scope is checked before the body is read.
		{"scope before a broken body", balanceOnly.Key, http.MethodPost, "/api_keys", `{`, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.request(t, tt.method, tt.path, tt.key, tt.body)
			if tt.want == http.StatusForbidden {
				a.wantError(t, http.StatusForbidden, "forbidden", "")
				return
			}
			a.want(t, tt.want)
		})
	}
}

func TestAuthenticationComesBeforeTheBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	e.request(t, http.MethodPost, "/api_keys", "", `{not json`).wantError(t, http.StatusUnauthorized, "unauthorized", "")
	e.request(t, http.MethodPost, "/api_keys", "", `{"label":"`+string(make([]byte, 70<<10))+`"}`).
		wantError(t, http.StatusUnauthorized, "unauthorized", "")
}

func TestLastUsedAt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	k := e.create(t, rootKey, `{"label":"reader","permissions":["balance"]}`)
	if k.LastUsedAt != nil {
		t.Errorf("last_used_at of a new key = %q, want null", *k.LastUsedAt)
	}

	e.clock.Advance(90*time.Second + 400*time.Millisecond)
	e.request(t, http.MethodGet, "/balance", k.Key, "").want(t, http.StatusOK)
	got := e.get(t, rootKey, k.ID)
	if want := rfc3339(epoch.Add(90 * time.Second)); got.LastUsedAt == nil || *got.LastUsedAt != want {
		t.Errorf("last_used_at after use = %v, want %s", got.LastUsedAt, want)
	}

	// A refused request was still authenticated by the key.
	e.clock.Advance(time.Minute)
	e.request(t, http.MethodGet, "/api_keys", k.Key, "").want(t, http.StatusForbidden)
	got = e.get(t, rootKey, k.ID)
	if want := rfc3339(epoch.Add(150 * time.Second)); got.LastUsedAt == nil || *got.LastUsedAt != want {
		t.Errorf("last_used_at after a 403 = %v, want %s", got.LastUsedAt, want)
	}
}
