// Package sandboxtest starts the sandbox for a test, on a loopback port of
// its own, and stops it when the test ends.
package sandboxtest

import (
	"net/http/httptest"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// Sandbox is a running sandbox.
type Sandbox struct {
	// URL is the server's base URL, without /api: the stats live there.
	URL string
	// Endpoint is the API's base URL, URL + "/api", as the provider takes it.
	Endpoint string
	// APIKey is the first account's first key, holding every scope.
	APIKey string
	// Server is the sandbox itself, to change faults or read stats.
	Server *sandbox.Server
}

// Start runs a sandbox with opts on 127.0.0.1 and closes it in t.Cleanup.
func Start(t testing.TB, opts sandbox.Options) *Sandbox {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing the sandbox: %v", err)
		}
	})
	return &Sandbox{URL: ts.URL, Endpoint: ts.URL + "/api", APIKey: srv.APIKeys()[0], Server: srv}
}
