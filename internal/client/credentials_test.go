package client

import (
	"errors"
	"net/http"
	"testing"
)

func TestGetCredentials(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusOK, Credentials{ID: "ak_1", Key: "k3y", Secret: "s3cret"})
	})
	c, _ := newTestClient(t, g, nil)

	creds, err := c.GetCredentials(t.Context(), "ak_1")
	if err != nil {
		t.Fatalf("GetCredentials: %v", err)
	}
	if *creds != (Credentials{ID: "ak_1", Key: "k3y", Secret: "s3cret"}) {
		t.Errorf("credentials = %+v", creds)
	}
	if got := g.requests()[0]; got.method != http.MethodGet || got.path != "/api/api_keys/ak_1/credentials" || len(got.body) != 0 {
		t.Errorf("request = %s %s with %d body bytes, want GET /api/api_keys/ak_1/credentials", got.method, got.path, len(got.body))
	}
}

func TestGetCredentialsRefused(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(t, w, http.StatusForbidden, "reveal_disabled", "reading keys again is turned off for this account")
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })

	_, err := c.GetCredentials(t.Context(), "ak_1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Code != "reveal_disabled" {
		t.Fatalf("err = %v, want 403 reveal_disabled", err)
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d requests, want 1: a refusal is final", n)
	}
}

func TestGetCredentialsRejectsAnIncompleteAnswer(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		answer Credentials
		want   string
	}{
		"no key":      {Credentials{ID: "ak_1", Secret: "s"}, "GET /api_keys/ak_1/credentials: 200 response (request id req_test): the answer lacks the key or its secret"},
		"no secret":   {Credentials{ID: "ak_1", Key: "k"}, "GET /api_keys/ak_1/credentials: 200 response (request id req_test): the answer lacks the key or its secret"},
		"another key": {Credentials{ID: "ak_2", Key: "k", Secret: "s"}, "GET /api_keys/ak_1/credentials: 200 response (request id req_test): the answer is for another key"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(t, w, http.StatusOK, tc.answer)
			})
			c, _ := newTestClient(t, g, nil)

			creds, err := c.GetCredentials(t.Context(), "ak_1")
			var malformed *MalformedAnswerError
			if creds != nil || !errors.As(err, &malformed) || err.Error() != tc.want {
				t.Errorf("credentials %+v, err = %v, want %q", creds, err, tc.want)
			}
		})
	}
}
