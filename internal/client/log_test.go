package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type logEntry struct {
	msg    string
	fields map[string]any
}

func TestLogNamesAttemptsButNoSecrets(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			writeError(t, w, http.StatusServiceUnavailable, "internal", "busy")
		case 2:
			w.Header().Set("X-Request-Id", "req_created")
			writeCreated(t, w)
		default:
			dropConnection(t, w)
		}
	})
	var mu sync.Mutex
	var entries []logEntry
	c, _ := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 1
		cfg.Log = func(ctx context.Context, msg string, fields map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			entries = append(entries, logEntry{msg, fields})
		}
	})

	key, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "ci"})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if _, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{Label: "ci"}); err == nil {
		t.Fatal("ListAPIKeys over a dropped connection succeeded")
	}

	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"gateway request POST /api_keys attempt=1 status=503 request_id=req_test",
		"gateway retry wait POST /api_keys attempt=1 reason=status 503",
		"gateway request POST /api_keys attempt=2 status=201 request_id=req_created",
		"gateway request GET /api_keys?label=ci&limit=100&offset=0 attempt=1 status=0 request_id=",
		"gateway retry wait GET /api_keys?label=ci&limit=100&offset=0 attempt=1 reason=network error",
		"gateway request GET /api_keys?label=ci&limit=100&offset=0 attempt=2 status=0 request_id=",
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d: %v", len(entries), len(want), entries)
	}
	idem := g.requests()[0].header.Get("Idempotency-Key")
	for i, e := range entries {
		f := e.fields
		var got string
		if e.msg == "gateway request" {
			got = fmt.Sprintf("%s %s %s attempt=%v status=%v request_id=%v", e.msg, f["method"], f["path"], f["attempt"], f["status"], f["request_id"])
			if ms, ok := f["duration_ms"].(int64); !ok || ms < 0 {
				t.Errorf("entry %d: duration_ms = %#v", i, f["duration_ms"])
			}
			if _, hasError := f["error"]; hasError != (f["status"] == 0) {
				t.Errorf("entry %d: error field %v with status %v", i, f["error"], f["status"])
			}
		} else {
			got = fmt.Sprintf("%s %s %s attempt=%v reason=%v", e.msg, f["method"], f["path"], f["attempt"], f["reason"])
			if ms, ok := f["wait_ms"].(int64); !ok || ms < 500 {
				t.Errorf("entry %d: wait_ms = %#v, want at least RetryWaitMin", i, f["wait_ms"])
			}
		}
		if got != want[i] {
			t.Errorf("entry %d = %q, want %q", i, got, want[i])
		}
		all := fmt.Sprint(e)
		for name, secret := range map[string]string{"API key": testAPIKey, "new key": key.Key, "secret": key.Secret, "idempotency key": idem} {
			if strings.Contains(all, secret) {
				t.Errorf("entry %d holds the %s: %s", i, name, all)
			}
		}
	}
}
