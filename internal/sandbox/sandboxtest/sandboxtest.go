// Package sandboxtest starts the sandbox for a test, on a loopback port of
// its own, and stops it when the test ends.
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
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

	gate *gate
}

// Start runs a sandbox with opts on 127.0.0.1 and closes it in t.Cleanup.
func Start(t testing.TB, opts sandbox.Options) *Sandbox {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	g := &gate{next: srv}
	ts := httptest.NewServer(g)
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing the sandbox: %v", err)
		}
	})
	return &Sandbox{URL: ts.URL, Endpoint: ts.URL + "/api", APIKey: srv.APIKeys()[0], Server: srv, gate: g}
}

// Down takes the gateway down until Up: every request that arrives from
// now on has its connection closed without an answer and is never handled,
// as when the gateway's host is gone mid-request. Requests already inside
// the sandbox finish and are answered.
func (sb *Sandbox) Down() {
	sb.gate.down.Store(true)
}

// Up brings the gateway back on the same URL, with the state it had.
func (sb *Sandbox) Up() {
	sb.gate.down.Store(false)
}

// Dropped returns how many requests found the gateway down.
func (sb *Sandbox) Dropped() int {
	return int(sb.gate.dropped.Load())
}

// gate lets requests through to the sandbox, or drops them while down.
type gate struct {
	next    http.Handler
	down    atomic.Bool
	dropped atomic.Int64
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.down.Load() {
		g.next.ServeHTTP(w, r)
		return
	}
	g.dropped.Add(1)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Without the connection in hand, abort: the server then closes
		// it without an answer all the same.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
