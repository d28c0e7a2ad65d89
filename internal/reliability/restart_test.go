package reliability

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
)

// sandboxStartTimeout bounds the wait for the sandbox's two lines.
const sandboxStartTimeout = 30 * time.Second

var restartConfig = header + `
variable "max_retries" {
  type    = number
  default = 3
}

provider "sms" {
  max_retries = var.max_retries
}

resource "sms_api_key" "k" {
  count = 5
  label = "survivor-${count.index}"
}
`

// sandboxProcess is `terraform-provider-sms sandbox` running as a process
// of its own, as users run it.
type sandboxProcess struct {
	cmd      *exec.Cmd
	endpoint string
	apiKey   string
	stderr   string // the request log's file
	exited   chan struct{}
	err      error // of Wait, once exited is closed
}

// startSandbox runs the provider binary's sandbox with args and returns
// once it has printed SMS_ENDPOINT and SMS_API_KEY; t's cleanup kills it
// if the test has not stopped it.
func startSandbox(t *testing.T, bin string, args ...string) *sandboxProcess {
	t.Helper()
	p := &sandboxProcess{stderr: filepath.Join(t.TempDir(), "sandbox.log"), exited: make(chan struct{})}
	stderr, err := os.Create(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	p.cmd = exec.Command(bin, append([]string{"sandbox"}, args...)...)
	p.cmd.Stderr = stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan map[string]string, 1)
	go func() {
		vars := map[string]string{}
		scanner := bufio.NewScanner(stdout)
		for len(vars) < 2 && scanner.Scan() {
			name, value, _ := strings.Cut(scanner.Text(), "=")
			vars[name] = value
		}
		lines <- vars
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})

	select {
	case vars := <-lines:
		p.endpoint, p.apiKey = vars["SMS_ENDPOINT"], vars["SMS_API_KEY"]
	case <-time.After(sandboxStartTimeout):
	}
	if p.endpoint == "" || p.apiKey == "" {
		t.Fatalf("the sandbox printed no SMS_ENDPOINT and SMS_API_KEY; its log:\n%s", p.log())
	}
	return p
}

// stop sends SIGTERM, as a service manager would, and expects a clean exit.
func (p *sandboxProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(sandboxStartTimeout):
		t.Fatalf("the sandbox did not stop on SIGTERM; its log:\n%s", p.log())
	}
	if p.err != nil {
		t.Fatalf("the sandbox exited with %v after SIGTERM; its log:\n%s", p.err, p.log())
	}
}

func (p *sandboxProcess) log() string {
	b, err := os.ReadFile(p.stderr)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// freePort finds a loopback port that nothing listens on now, for a server
// that must come back on the same one.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listening on %v: not a TCP address", ln.Addr())
	}
	return addr.Port
}

// TestAccGatewayRestart stops the gateway after the keys were created and
// starts it again on the same address: a plan while it is gone must fail
// cleanly and leave the state alone, and once it is back the next plan
// must be empty with every key still there and working.
func TestAccGatewayRestart(t *testing.T) {
	t.Parallel()
	cli := cliPath(t)
	in := providers.Installation(t)
	// rand.Text is 26 characters of A–Z and 2–7, a valid first key.
	args := []string{
		"--data", filepath.Join(t.TempDir(), "sandbox.json"),
		"--listen", net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t))),
		"--api-key", rand.Text(),
	}
	first := startSandbox(t, in.Binary(clitest.SMSProvider.Source), args...)
	g := newGateway(t, first.endpoint, first.apiKey)
	w := clitest.NewWorkdir(t, cli, in, map[string]string{"SMS_ENDPOINT": g.endpoint, "SMS_API_KEY": g.apiKey})
	w.WriteFile("main.tf", restartConfig)

	apply(w)
	created := w.State().Managed("sms_api_key")
	if len(created) != 5 {
		t.Fatalf("state holds %d keys, want 5", len(created))
	}
	g.expectKeys(t, created)

	first.stop(t)
	stateFile := filepath.Join(w.Dir, clitest.StateFile)
	before, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	r := w.Run("plan", "-input=false", "-no-color", "-var=max_retries=0")
	if r.ExitCode != 1 || !strings.Contains(r.Output(), "could not be reached") {
		t.Errorf("a plan while the gateway is gone should fail saying it could not be reached:\n%s", r)
	}
	after, err := os.ReadFile(stateFile)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the failed plan changed the state file (%v)", err)
	}

	second := startSandbox(t, in.Binary(clitest.SMSProvider.Source), args...)
	if second.endpoint != first.endpoint || second.apiKey != first.apiKey {
		t.Fatalf("the sandbox came back as %s with another key, want %s and the same key", second.endpoint, first.endpoint)
	}
	expectNoChanges(t, w)
	g.expectKeys(t, w.State().Managed("sms_api_key"))
	if got, want := ids(w.State().Managed("sms_api_key")), ids(created); !slices.Equal(got, want) {
		t.Errorf("ids after the restart = %v, want %v", got, want)
	}

	w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	g.expectKeys(t, nil)
	second.stop(t)
	if strings.Contains(second.log()+first.log(), g.apiKey) {
		t.Error("the sandbox logged its own API key")
	}
}
