package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
)

// debugProvider is a provider process that the benchmark starts in debug
// mode (-debug), so that it can read the process's memory: the CLI
// attaches to it through the TF_REATTACH_PROVIDERS line it prints, rather
// than starting providers of its own.
type debugProvider struct {
	s      *setup
	cmd    *exec.Cmd
	attach string
	exited chan error
}

// startDebugProvider starts binary in debug mode with env and nothing else
// of the benchmark's environment but TMPDIR.
func (s *setup) startDebugProvider(binary string, env map[string]string) *debugProvider {
	s.b.Helper()
	cmd := exec.Command(binary, "-debug")
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	}
	sort.Strings(cmd.Env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.b.Fatal(err)
	}
	p := &debugProvider{s: s, cmd: cmd, exited: make(chan error, 1)}
	reattach := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if _, value, ok := strings.Cut(lines.Text(), "TF_REATTACH_PROVIDERS='"); ok {
				reattach <- strings.TrimSuffix(value, "'")
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.exited <- cmd.Wait()
	}()
	s.b.Cleanup(func() {
		_ = cmd.Process.Kill()
	})

	select {
	case p.attach = <-reattach:
	case <-time.After(30 * time.Second):
		s.b.Fatal("the provider printed no TF_REATTACH_PROVIDERS in debug mode")
	}
	return p
}

// run runs the CLI in w, attached to the provider.
func (p *debugProvider) run(w *clitest.Workdir, args ...string) *clitest.Result {
	p.s.b.Helper()
	return w.RunEnv(map[string]string{"TF_REATTACH_PROVIDERS": p.attach}, args...)
}

// peakKB is the most resident memory the process has had so far, in KiB.
func (p *debugProvider) peakKB() int {
	p.s.b.Helper()
	kb, err := peakMemoryKB(p.cmd.Process.Pid)
	if err != nil {
		p.s.b.Fatal(err)
	}
	return kb
}

// stop interrupts the provider, as the CLI would, waits for it, and
// returns the user and system time it took in all.
func (p *debugProvider) stop() time.Duration {
	p.s.b.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		p.s.b.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			p.s.b.Errorf("the provider in debug mode exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		p.s.b.Fatal("the provider in debug mode did not stop on SIGINT")
	}
	return p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
}

// peakMemoryKB reads VmHWM, the most resident memory the process has had,
// from /proc.
func peakMemoryKB(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if value, ok := strings.CutPrefix(lines.Text(), "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

func mebibytes(kb int) string {
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}
