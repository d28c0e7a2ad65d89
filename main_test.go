package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The release build stamps the version; both spellings print it.
func TestVersionCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	binary := filepath.Join(t.TempDir(), "terraform-provider-sms")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(binary, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", arg, err, out)
		}
		if got, want := strings.TrimSpace(string(out)), "terraform-provider-sms 1.2.3"; got != want {
			t.Errorf("%s printed %q, want %q", arg, got, want)
		}
	}
}
