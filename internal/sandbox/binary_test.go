package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds the provider and runs `terraform-provider-sms sandbox`
// as a user would: it must print its endpoint and key, serve them, and exit
// 0 on SIGTERM; a bad flag must end it with status 2 and one line.
func TestBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "terraform-provider-sms")
	build := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/sms-gateway/terraform-provider-sms")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("bad flag", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, bin, "sandbox", "--fail-rate", "2")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
			t.Errorf("exit = %v, want status 2", err)
		}
		if stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("stdout %q, stderr %q: want one line on stderr", stdout.String(), stderr.String())
		}
	})

	// The one command that the getting-started guide gives, run by a shell:
	// it must return while the sandbox serves on, with the settings and the
	// process to stop exported.
	t.Run("eval export", func(t *testing.T) {
		shell, err := exec.LookPath("bash")
		if err != nil {
			t.Skip("no bash to run the command with")
		}
		script := `eval "$("$BIN" sandbox --listen 127.0.0.1:0 --export 2>"$LOG" &)"` + "\n" +
			`printf '%s\n' "$SMS_ENDPOINT" "$SMS_API_KEY" "$SMS_SANDBOX_PID"`
		cmd := exec.CommandContext(ctx, shell, "-c", script)
		cmd.Env = append(cmd.Environ(), "BIN="+bin, "LOG="+filepath.Join(t.TempDir(), "sandbox.log"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("the shell did not return: %v", err)
		}
		values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(values) != 3 || values[0] == "" || len(values[1]) != 64 {
			t.Fatalf("exported %q, want an endpoint, a key and a process id", values)
		}
		pid, err := strconv.Atoi(values[2])
		if err != nil {
			t.Fatalf("SMS_SANDBOX_PID = %q: %v", values[2], err)
		}
		process, err := os.FindProcess(pid)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = process.Kill() })

		req := getRequest(t, values[0]+"/api_keys")
		req.Header.Set("X-Api-Key", values[1])
		send(t, req).want(t, http.StatusOK)
		if err := process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("stopping the sandbox by SMS_SANDBOX_PID: %v", err)
		}
	})

	t.Run("serve and stop", func(t *testing.T) {
		cmd := exec.CommandContext(ctx, bin, "sandbox", "--listen", "127.0.0.1:0")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill() })

		lines := bufio.NewScanner(stdout)
		env := map[string]string{}
		for range 2 {
			if !lines.Scan() {
				t.Fatalf("stdout ended early: %v", lines.Err())
			}
			name, value, _ := strings.Cut(lines.Text(), "=")
			env[name] = value
		}
		if env["SMS_ENDPOINT"] == "" || len(env["SMS_API_KEY"]) != 64 {
			t.Fatalf("stdout = %v, want SMS_ENDPOINT and a 64-character SMS_API_KEY", env)
		}

		req := getRequest(t, env["SMS_ENDPOINT"]+"/api_keys")
		req.Header.Set("X-Api-Key", env["SMS_API_KEY"])
		send(t, req).want(t, http.StatusOK)

		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("after SIGTERM: %v, want exit status 0; stderr %s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "GET /api/api_keys 200 ") {
			t.Errorf("stderr = %q, want the request logged", stderr.String())
		}
	})
}
