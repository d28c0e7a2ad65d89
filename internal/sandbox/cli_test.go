package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
		{"--answer-delay", "-1ms"},
		{"--answer-delay", "later"},
		{"--allow-reveal=maybe"},
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
	for len(order) < 5 && lines.Scan() {
		name, value, _ := strings.Cut(lines.Text(), "=")
		env[name] = value
		order = append(order, name)
	}
	if strings.Join(order, " ") != "SMS_ENDPOINT SMS_API_KEY SMS_API_KEY_2 SMS_SIGNING_KEY SMS_SIGNING_KEY_2" {
		t.Fatalf("stdout names %q, want SMS_ENDPOINT SMS_API_KEY SMS_API_KEY_2 SMS_SIGNING_KEY SMS_SIGNING_KEY_2", order)
	}
	if len(env["SMS_SIGNING_KEY"]) != 64 || env["SMS_SIGNING_KEY"] == env["SMS_SIGNING_KEY_2"] {
		t.Fatalf("signing keys %q and %q, want two different ones of 64 characters", env["SMS_SIGNING_KEY"], env["SMS_SIGNING_KEY_2"])
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

// With --export the settings are shell commands that name the process to
// stop, and stdout ends after them while the sandbox serves on, so that
// `eval "$(terraform-provider-sms sandbox --export &)"` returns.
func TestMainExportsSettingsForEval(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	stderr := &lockedBuffer{}
	exit := make(chan int, 1)
	go func() {
		exit <- sandbox.Main(ctx, []string{"--listen", "127.0.0.1:0", "--api-key", rootKey, "--accounts", "2", "--export"}, stdoutW, stderr)
	}()

	// ReadAll returns only once Main has closed stdout; Main is still serving.
	out, err := io.ReadAll(stdoutR)
	if err != nil {
		t.Fatal(err)
	}
	exported := regexp.MustCompile(`^export ([A-Z_0-9]+)='([^']*)'$`)
	env := map[string]string{}
	var order []string
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		m := exported.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("stdout line %q is not an export command; stdout:\n%s", line, out)
		}
		env[m[1]] = m[2]
		order = append(order, m[1])
	}
	const wantOrder = "SMS_ENDPOINT SMS_API_KEY SMS_API_KEY_2 SMS_SIGNING_KEY SMS_SIGNING_KEY_2 SMS_SANDBOX_PID"
	if got := strings.Join(order, " "); got != wantOrder {
		t.Fatalf("stdout names %s, want %s", got, wantOrder)
	}
	if env["SMS_API_KEY"] != rootKey || env["SMS_SANDBOX_PID"] != strconv.Itoa(os.Getpid()) {
		t.Errorf("exported %v, want the given key and this process's id", env)
	}

	req := getRequest(t, env["SMS_ENDPOINT"]+"/api_keys")
	req.Header.Set("X-Api-Key", env["SMS_API_KEY"])
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
}

// runningMain is `sandbox` run in process until stop.
type runningMain struct {
	env    map[string]string // the NAME=value lines on stdout
	stderr *lockedBuffer
	stop   func() int // cancels the context and returns the exit status
}

func startMain(t *testing.T, args ...string) runningMain {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	stderr := &lockedBuffer{}
	exit := make(chan int, 1)
	go func() {
		exit <- sandbox.Main(ctx, args, stdoutW, stderr)
		stdoutW.Close()
	}()
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-exit:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("Main did not return after its context ended")
			return -1
		}
	}
	t.Cleanup(func() { stop() })

	env := map[string]string{}
	lines := bufio.NewScanner(stdoutR)
	for len(env) < 2 && lines.Scan() {
		name, value, _ := strings.Cut(lines.Text(), "=")
		env[name] = value
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	if env["SMS_ENDPOINT"] == "" {
		t.Fatalf("Main printed no endpoint; stderr %s", stderr.String())
	}
	return runningMain{env: env, stderr: stderr, stop: stop}
}

func TestMainFlagsReachTheServer(t *testing.T) {
	t.Parallel()
	m := startMain(t, "--listen", "127.0.0.1:0", "--allow-reveal=false", "--answer-delay", "30ms")
	first := getRequest(t, m.env["SMS_ENDPOINT"]+"/api_keys?label=default")
	first.Header.Set("X-Api-Key", m.env["SMS_API_KEY"])
	started := time.Now()
	var l keyList
	send(t, first).want(t, http.StatusOK).decode(t, &l)
	if took := time.Since(started); took < 30*time.Millisecond {
		t.Errorf("answer after %v, want the answer delay of 30ms", took)
	}
	req := getRequest(t, m.env["SMS_ENDPOINT"]+"/api_keys/"+l.Data[0].ID+"/credentials")
	req.Header.Set("X-Api-Key", m.env["SMS_API_KEY"])
	send(t, req).wantError(t, http.StatusForbidden, "reveal_disabled", "")
	if code := m.stop(); code != 0 {
		t.Errorf("exit status = %d, want 0", code)
	}
}

// The sandbox has no TLS and prints its keys: listening where other
// machines can reach it earns a warning, loopback none.
func TestMainWarnsWhenReachableFromTheNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		listen string
		warn   bool
	}{
		{"127.0.0.1:0", false},
		{"localhost:0", false},
		{"[::1]:0", false},
		{"0.0.0.0:0", true},
		{"[::]:0", true},
	}
	if lan := lanAddress(); lan != "" {
		tests = append(tests, struct {
			listen string
			warn   bool
		}{net.JoinHostPort(lan, "0"), true})
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			t.Parallel()
			if ln, err := net.Listen("tcp", tt.listen); err != nil {
				t.Skipf("this machine cannot listen on %s: %v", tt.listen, err)
			} else {
				ln.Close()
			}
			m := startMain(t, "--listen", tt.listen)
			if code := m.stop(); code != 0 {
				t.Fatalf("exit status = %d; stderr %s", code, m.stderr.String())
			}
			warned := strings.Contains(m.stderr.String(), "warning: listening on")
			if warned != tt.warn {
				t.Errorf("warned = %v, want %v; stderr %q", warned, tt.warn, m.stderr.String())
			}
			if tt.warn && !strings.Contains(m.stderr.String(), "no TLS") {
				t.Errorf("the warning does not say why: %q", m.stderr.String())
			}
		})
	}
}

// lanAddress returns an IPv4 address of this machine that is not
// loopback, or "" if it has none.
func lanAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ipNet, ok := a.(*net.IPNet); ok && ipNet.IP.To4() != nil && !ipNet.IP.IsLoopback() {
			return ipNet.IP.String()
		}
	}
	return ""
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
