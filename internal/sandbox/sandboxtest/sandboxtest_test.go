package sandboxtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

func TestStartServesTheAPIOnLoopback(t *testing.T) {
	t.Parallel()

	const key = "StartTestKey0123456789"
	sb := sandboxtest.Start(t, sandbox.Options{APIKeys: []string{key}})

	if sb.APIKey != key {
		t.Errorf("APIKey = %q, want %q", sb.APIKey, key)
	}
	if sb.Endpoint != sb.URL+"/api" {
		t.Errorf("Endpoint = %q, want URL + /api (%q)", sb.Endpoint, sb.URL+"/api")
	}
	u, err := url.Parse(sb.URL)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Errorf("URL = %q, want a 127.0.0.1 address", sb.URL)
	}

	req, _ := http.NewRequest(http.MethodGet, sb.Endpoint+"/balance", nil)
	req.Header.Set("X-Api-Key", sb.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var balance struct {
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&balance); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || balance.Amount != 12.5 || balance.Currency != "EUR" {
		t.Errorf("GET /balance = %d %+v, want 200 12.5 EUR", resp.StatusCode, balance)
	}
	if got := sb.Server.Stats().Count(http.MethodGet, "/balance", http.StatusOK); got != 1 {
		t.Errorf("stats count GET /balance 200 = %d, want 1", got)
	}
}

func TestStartFailsTheTestOnBadOptions(t *testing.T) {
	t.Parallel()

	rec := &recordingTB{TB: t}
	func() {
		defer func() { _ = recover() }() // Fatalf of the recorder stops here
		sandboxtest.Start(rec, sandbox.Options{APIKeys: []string{"short"}})
	}()
	if !rec.failed || !strings.Contains(rec.message, "API key 1") {
		t.Errorf("Start with a bad key: failed=%v message=%q, want a fatal error naming API key 1", rec.failed, rec.message)
	}
}

func TestCleanupFlushesTheDataFile(t *testing.T) {
	t.Parallel()

	dataFile := filepath.Join(t.TempDir(), "sandbox.json")
	t.Run("serve", func(t *testing.T) {
		sb := sandboxtest.Start(t, sandbox.Options{DataFile: dataFile})
		req, _ := http.NewRequest(http.MethodGet, sb.Endpoint+"/balance", nil)
		req.Header.Set("X-Api-Key", sb.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})

	// A read is saved at shutdown only, so finding last_used_at in the file
	// proves the cleanup closed the server.
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	var content struct {
		Accounts []struct {
			Keys []struct {
				LastUsedAt *string `json:"last_used_at"`
			} `json:"keys"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(raw, &content); err != nil {
		t.Fatal(err)
	}
	if len(content.Accounts) != 1 || len(content.Accounts[0].Keys) != 1 || content.Accounts[0].Keys[0].LastUsedAt == nil {
		t.Errorf("data file after cleanup = %s, want the first key with last_used_at set", raw)
	}
}

// While down, every request loses its connection without an answer and is
// never handled; back up, the same URL serves the same state.
func TestDownAndUp(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	// One connection per request, so that Go's transport sends no request
	// twice and Dropped counts exactly what was sent.
	oneShot := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	do := func(client *http.Client, method, path, body string) (*http.Response, error) {
		req, err := http.NewRequest(method, sb.Endpoint+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Api-Key", sb.APIKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "while-down")
		return client.Do(req)
	}
	// A pooled connection, from before the gateway went down.
	resp, err := do(http.DefaultClient, http.MethodGet, "/balance", "")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	sb.Down()
	for _, r := range []struct{ method, path string }{{http.MethodGet, "/balance"}, {http.MethodPost, "/api_keys"}} {
		if resp, err := do(oneShot, r.method, r.path, `{"label":"never"}`); err == nil {
			resp.Body.Close()
			t.Errorf("%s %s while down: answered %d, want no answer", r.method, r.path, resp.StatusCode)
		}
	}
	if got := sb.Dropped(); got != 2 {
		t.Errorf("Dropped() = %d, want the 2 requests sent", got)
	}
	if resp, err := do(http.DefaultClient, http.MethodGet, "/balance", ""); err == nil {
		resp.Body.Close()
		t.Errorf("a request on a pooled connection was answered %d while down", resp.StatusCode)
	}
	if got := sb.Server.Stats().Total; got != 1 {
		t.Errorf("the sandbox handled %d requests, want only the one before it went down", got)
	}

	sb.Up()
	resp, err = do(oneShot, http.MethodGet, "/api_keys", "")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		PagingMetadata struct {
			Total int `json:"total"`
		} `json:"pagingMetadata"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list once up: %d %v", resp.StatusCode, err)
	}
	if list.PagingMetadata.Total != 1 {
		t.Errorf("keys once up = %d, want the first key only: a create sent while down made one", list.PagingMetadata.Total)
	}
}

// A request that is inside the sandbox when it goes down still finishes
// and is answered.
func TestDownLetsARequestInsideFinish(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{AnswerDelay: 2 * time.Second})
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, sb.Endpoint+"/balance", nil)
		req.Header.Set("X-Api-Key", sb.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	// The request is inside once it was handled; its answer waits 2s.
	deadline := time.Now().Add(10 * time.Second)
	for sb.Server.Stats().Total == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the request was not handled within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sb.Down()
	if status := <-answered; status != http.StatusOK {
		t.Errorf("the request inside the sandbox ended with %d, want 200", status)
	}
	if got := sb.Dropped(); got != 0 {
		t.Errorf("Dropped() = %d, want 0", got)
	}
}

// recordingTB catches a Fatalf so a test can look at it instead of failing.
type recordingTB struct {
	testing.TB
	failed  bool
	message string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = true
	r.message = fmt.Sprintf(format, args...)
	panic("fatal")
}
