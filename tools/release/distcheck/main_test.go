package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeVersionTrailer marks the version a copy of this test binary prints
// when run as a provider: tests append it to the copy they put in an
// archive.
const fakeVersionTrailer = "\nfake-provider-version="

// TestMain lets the test binary stand in for a provider built for this
// machine: under the provider's binary name, `version` prints the version
// appended to the file, as the real binary prints its ldflags version.
func TestMain(m *testing.M) {
	if strings.HasPrefix(filepath.Base(os.Args[0]), projectName+"_v") {
		os.Exit(fakeProvider())
	}
	os.Exit(m.Run())
}

func fakeProvider() int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	data, err := os.ReadFile(self)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	i := bytes.LastIndex(data, []byte(fakeVersionTrailer))
	if i < 0 || len(os.Args) != 2 || os.Args[1] != "version" {
		fmt.Fprintln(os.Stderr, "not a fake provider, or not asked for its version")
		return 1
	}
	fmt.Printf("%s %s\n", projectName, data[i+len(fakeVersionTrailer):])
	return 0
}

func TestRunRejectsBadUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"publish"},
		{"version"},
		{"version", "a", "b"},
		{"archives", "dist"},
		{"lock", "-provider", "x/y/z", ".terraform.lock.hcl"},
		{"tamper", "-archive", "a.zip"},
		{"tamper", "-archive", "a.zip", "-out", "b.zip", "extra"},
	} {
		var out bytes.Buffer
		if err := run(args, &out); err == nil {
			t.Errorf("run(%q) succeeded, printing %q; want a usage error", args, out.String())
		}
	}
}

func TestVersionReadsGoreleaserMetadata(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "metadata.json"), `{"project_name":"terraform-provider-sms","tag":"v0.0.0","version":"0.0.1-snapshot-0a1b2c3"}`)
	var out bytes.Buffer
	if err := run([]string{"version", dir}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "0.0.1-snapshot-0a1b2c3\n" {
		t.Errorf("version printed %q", got)
	}

	writeFile(t, filepath.Join(dir, "metadata.json"), `{"project_name":"terraform-provider-sms"}`)
	if err := run([]string{"version", dir}, &out); err == nil || !strings.Contains(err.Error(), "no version") {
		t.Errorf("metadata without a version: got %v, want an error saying so", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
