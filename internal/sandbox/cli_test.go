package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestMainRejectsBadFlags(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"--no-such-flag"},
		{"--accounts", "many"},
		{"--accounts", "0"},
		{"--accounts", "1001"},
		{"--key-quota", "0"},
		{"--fail-rate", "1.5"},
		{"--fail-rate", "-0.5"},
		{"--fail-rate", "NaN"},
		{"--latency", "-1s"},
		{"--latency", "soon"},
		{"--rate-limit", "-1"},
		{"--api-key", "tooShort"},
		{"--api-key", "has-a-dash-0123456789"},
		{"--api-key", strings.Repeat("k", 65)},
		{"--listen"},
		{"--listen", "127.0.0.1:0", "extra"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := sandbox.Main(context.Background(), args, &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit status = %d, want 2", code)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n"); len(lines) != 1 || lines[0] == "" {
				t.Errorf("stderr = %q, want one line", stderr.String())
			}
		})
	}
}

func TestMainHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := sandbox.Main(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("exit status = %d, want 0", code)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "-rate-limit") {
		t.Errorf("stdout %q, stderr %q: want the usage on stderr only", stdout.String(), stderr.String())
	}
}

func TestMainFailsToStart(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(dataFile, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"corrupt data file":  {"--listen", "127.0.0.1:0", "--data", dataFile},
		"address not usable": {"--listen", "256.0.0.1:0"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := sandbox.Main(context.Background(), args, &stdout, &stderr); code != 1 {
				t.Errorf("exit status = %d, want 1", code)
			}
			if stdout.Len() != 0 || stderr.Len() == 0 {
				t.Errorf("stdout %q, stderr %q: want an error on stderr only", stdout.String(), stderr.String())
			}
		})
	}
	if raw, _ := os.ReadFile(dataFile); string(raw) != "{broken" {
		t.Error("the corrupt data file was overwritten")
	}
}

// TestMainServesUntilCancelled runs the command in process: it prints the
// endpoint and keys, serves them, logs each request and stops cleanly,
// saving last_used_at, when its context ends.
func TestMainServesUntilCancelled(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	stderr := &lockedBuffer{}
	exit := make(chan int, 1)
	go func() {
		exit <- sandbox.Main(ctx, []string{"--listen", "127.0.0.1:0", "--api-key", rootKey, "--accounts", "2", "--data", dataFile}, stdoutW, stderr)
		stdoutW.Close()
	}()

	lines := bufio.NewScanner(stdoutR)
	env := map[string]string{}
	var order []string
	for len(order) < 3 && lines.Scan() {
		name, value, _ := strings.Cut(lines.Text(), "=")
		env[name] = value
		order = append(order, name)
	}
	if strings.Join(order, " ") != "SMS_ENDPOINT SMS_API_KEY SMS_API_KEY_2" {
		t.Fatalf("stdout names %q, want SMS_ENDPOINT SMS_API_KEY SMS_API_KEY_2", order)
	}
	if env["SMS_API_KEY"] != rootKey || len(env["SMS_API_KEY_2"]) != 64 || !strings.HasPrefix(env["SMS_ENDPOINT"], "http://127.0.0.1:") ||
		!strings.HasSuffix(env["SMS_ENDPOINT"], "/api") || strings.HasSuffix(env["SMS_ENDPOINT"], ":0/api") {
		t.Fatalf("stdout = %v", env)
	}

	req := getRequest(t, env["SMS_ENDPOINT"]+"/api_keys")
	req.Header.Set("X-Api-Key", env["SMS_API_KEY_2"])
	send(t, req).want(t, http.StatusOK)

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit status = %d, want 0; stderr %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Main did not return after its context ended")
	}
	if rest, _ := io.ReadAll(stdoutR); len(rest) != 0 {
		t.Errorf("stdout goes on with %q, want nothing after the keys", rest)
	}
	log := stderr.String()
	if !strings.Contains(log, "GET /api/api_keys 200 ") || strings.Contains(log, rootKey) || strings.Contains(log, env["SMS_API_KEY_2"]) {
		t.Errorf("stderr = %q, want the request logged without keys", log)
	}
	raw, err := os.ReadFile(dataFile)
	if err != nil || !bytes.Contains(raw, []byte(`"last_used_at": "20`)) {
		t.Errorf("data file after shutdown lacks last_used_at (%v):\n%s", err, raw)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
