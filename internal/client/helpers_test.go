package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const testAPIKey = "TESTKEYabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU"

// seen is one request as the fake gateway received it.
type seen struct {
	method string
	path   string // escaped, as sent
	query  string
	header http.Header
	body   []byte
}

// fakeGateway answers with handle, given the 1-based number of the request,
// and keeps every request it saw.
type fakeGateway struct {
	server *httptest.Server
	mu     sync.Mutex
	seen   []seen
}

func newFakeGateway(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeGateway {
	t.Helper()
	g := &fakeGateway{}
	g.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		// Handed on, so that a handler can read the body too.
		r.Body = io.NopCloser(bytes.NewReader(body))
		g.mu.Lock()
		g.seen = append(g.seen, seen{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
		n := len(g.seen)
		g.mu.Unlock()
		handle(w, r, n)
	}))
	t.Cleanup(g.server.Close)
	return g
}

func (g *fakeGateway) requests() []seen {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]seen(nil), g.seen...)
}

// waits records the backoff instead of sleeping through it.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newTestClient points a client at g, seeded and with recorded waits; edit
// changes the configuration before New.
func newTestClient(t *testing.T, g *fakeGateway, edit func(*Config)) (*Client, *waits) {
	t.Helper()
	w := &waits{}
	cfg := Config{
		Endpoint:   g.server.URL + "/api",
		APIKey:     testAPIKey,
		UserAgent:  "client-test/1.0",
		HTTPClient: g.server.Client(),
		Rand:       seededRand(1),
		Sleep:      w.sleep,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, w
}

// seededRand makes jitter repeatable, so a failing wait can be replayed.
func seededRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed)) //nolint:gosec // test jitter, no secret
}

// writeCreated answers a create with the key of testdata, byte for byte.
func writeCreated(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	if _, err := w.Write(createdKeyJSON(t)); err != nil {
		t.Errorf("writing the answer: %v", err)
	}
}

func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_test")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("writing the answer: %v", err)
	}
}

func writeError(t *testing.T, w http.ResponseWriter, status int, code, message string) {
	t.Helper()
	writeJSON(t, w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// dropConnection ends the request without an answer, as a dying proxy does.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijacking: %v", err)
		return
	}
	conn.Close()
}

func testKey(id string) map[string]any {
	return map[string]any{
		"id":           id,
		"label":        "label of " + id,
		"environment":  "live",
		"length":       64,
		"permissions":  []string{"balance", "sms"},
		"valid_until":  nil,
		"expired":      false,
		"created_at":   "2025-11-27T12:00:00Z",
		"last_used_at": nil,
		"key_hint":     "abcd",
	}
}
