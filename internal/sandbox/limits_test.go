package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{RateLimit: 2, Accounts: 2, APIKeys: []string{rootKey, otherRoot}})

	// A burst of twice the rate passes, whatever the route or answer.
	for _, path := range []string{"/balance", "/api_keys", "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA", "/balance"} {
		if a := e.request(t, http.MethodGet, path, rootKey, ""); a.Status == http.StatusTooManyRequests {
			t.Fatalf("GET %s within the burst = 429", path)
		}
	}
	limited := e.request(t, http.MethodGet, "/balance", rootKey, "")
	limited.wantError(t, http.StatusTooManyRequests, "rate_limited", "")
	if got := limited.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}

	// Another account has a bucket of its own; a request without a key has none.
	e.request(t, http.MethodGet, "/balance", otherRoot, "").want(t, http.StatusOK)
	e.request(t, http.MethodGet, "/balance", "", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")

	// Half a second at 2/s refills one token, and no more.
	e.clock.Advance(500 * time.Millisecond)
	e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	e.request(t, http.MethodGet, "/balance", rootKey, "").wantError(t, http.StatusTooManyRequests, "rate_limited", "")

	// Long idleness refills the burst, never more.
	e.clock.Advance(time.Hour)
	for range 4 {
		e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	}
	e.request(t, http.MethodGet, "/balance", rootKey, "").wantError(t, http.StatusTooManyRequests, "rate_limited", "")

	e.Server.SetRateLimit(0)
	for range 10 {
		e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	}
	e.Server.SetRateLimit(1)
	e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	e.request(t, http.MethodGet, "/balance", rootKey, "").wantError(t, http.StatusTooManyRequests, "rate_limited", "")
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts sandbox.Options
	}{
		{"key too short", sandbox.Options{APIKeys: []string{"abc"}}},
		{"key too long", sandbox.Options{APIKeys: []string{"a234567890123456789012345678901234567890123456789012345678901234X"}}},
		{"key with a dash", sandbox.Options{APIKeys: []string{"abcdefgh-12345678"}}},
		{"same key twice", sandbox.Options{APIKeys: []string{rootKey, rootKey}}},
		{"more keys than accounts", sandbox.Options{Accounts: 1, APIKeys: []string{rootKey, "RootKeyOfAccountTwo0123456789"}}},
		{"negative accounts", sandbox.Options{Accounts: -1}},
		{"negative quota", sandbox.Options{KeyQuota: -1}},
		{"negative rate", sandbox.Options{RateLimit: -1}},
		{"negative latency", sandbox.Options{Latency: -time.Second}},
		{"fail rate above 1", sandbox.Options{FailRate: 1.5}},
		{"fail rate below 0", sandbox.Options{FailRate: -0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sandbox.New(tt.opts); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}

	srv, err := sandbox.New(sandbox.Options{APIKeys: []string{rootKey, "RootKeyOfAccountTwo0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.APIKeys()); n != 2 {
		t.Errorf("Accounts 0 with two keys gives %d accounts, want 2", n)
	}
	srv, err = sandbox.New(sandbox.Options{Accounts: 3})
	if err != nil {
		t.Fatal(err)
	}
	keys := srv.APIKeys()
	if len(keys) != 3 || keys[0] == keys[1] || len(keys[2]) != 64 || !alnumPattern.MatchString(keys[2]) {
		t.Errorf("random first keys = %q, want 3 distinct keys of 64 characters", keys)
	}
}
