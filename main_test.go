package main

import (
	"os"
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

// t.Setenv restores each variable after the test, also the TF_LOG_SDK that
// quietSDKUnlessLogging sets.
func TestQuietSDKUnlessLogging(t *testing.T) {
	for _, asked := range []string{"", "TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		t.Run("asked "+asked, func(t *testing.T) {
			for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
				t.Setenv(name, "")
			}
			if asked != "" {
				t.Setenv(asked, "DEBUG")
			}

			quietSDKUnlessLogging()

			want := "OFF"
			switch asked {
			case "TF_LOG_SDK":
				want = "DEBUG"
			case "":
			default:
				want = ""
			}
			if got := os.Getenv("TF_LOG_SDK"); got != want {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, want)
			}
		})
	}
}
