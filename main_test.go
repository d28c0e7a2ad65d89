package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCommands builds the binary as a release would and runs it the ways a
// user and Terraform do.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	binary := filepath.Join(t.TempDir(), "terraform-provider-sms")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The release build stamps the version; both spellings print it.
	for _, arg := range []string{"version", "--version"} {
		t.Run(arg, func(t *testing.T) {
			out, err := exec.Command(binary, arg).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", arg, err, out)
			}
			if got, want := strings.TrimSpace(string(out)), "terraform-provider-sms 1.2.3"; got != want {
				t.Errorf("%s printed %q, want %q", arg, got, want)
			}
		})
	}

	for _, arg := range []string{"--help", "-h", "-help", "help"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(binary, arg)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v, want exit status 0\n%s", arg, err, stderr.String())
			}
			checkUsage(t, stdout.String())
			if stderr.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
		})
	}

	// A mistyped command must not serve the provider as if none was given.
	for name, args := range map[string][]string{
		"unknown flag":             {"-no-such-flag"},
		"unknown command":          {"sandbx"},
		"argument after the flags": {"-debug", "sandbox"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(binary, args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			var exitErr *exec.ExitError
			if err := cmd.Run(); !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
				t.Fatalf("exit = %v, want status 2", err)
			}
			if stdout.Len() != 0 || !strings.Contains(stderr.String(), args[len(args)-1]) {
				t.Errorf("stdout %q, stderr %q: want the error and the usage on stderr", stdout.String(), stderr.String())
			}
			checkUsage(t, stderr.String())
		})
	}

	// Terraform starts the binary without arguments and a handshake in the
	// environment; without it the plugin library refuses to serve. Either
	// way the binary must serve the provider, not print our usage.
	t.Run("no command", func(t *testing.T) {
		out, _ := exec.Command(binary).CombinedOutput()
		if !strings.Contains(string(out), "This binary is a plugin") || strings.Contains(string(out), "usage:") {
			t.Errorf("output = %q, want the plugin library's refusal to run outside Terraform", out)
		}
	})

	t.Run("debug", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, "-debug")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}()
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if strings.Contains(lines.Text(), "TF_REATTACH_PROVIDERS='") {
				return
			}
		}
		t.Errorf("-debug ended without printing TF_REATTACH_PROVIDERS (%v)", lines.Err())
	})
}

func checkUsage(t *testing.T, usage string) {
	t.Helper()
	for _, want := range []string{"\n  sandbox ", "\n  version ", "-debug", "Without a command the binary serves the provider"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
}
