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
