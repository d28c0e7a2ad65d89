package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"
)

const testProvider = "registry.terraform.io/sms-gateway/sms"

func testArchive(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), archiveName(testVersion, platform{"linux", "amd64"}))
	writeZipMethod(t, path, zip.Deflate, []zipEntry{
		{binaryName(testVersion, platform{"linux", "amd64"}), executableHeader(t, platform{"linux", "amd64"}), 0o755},
		{"README.md", []byte("# readme\n"), 0o644},
		{"LICENSE", []byte("license text\n"), 0o644},
	})
	return path
}

// The h1: hash must be the one both CLIs compute, which is Go's dirhash.
func TestArchiveHash1IsGoDirhash(t *testing.T) {
	archive := testArchive(t)
	got, err := archiveHash1(archive)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dirhash.HashZip(archive, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("archiveHash1 = %s, dirhash.HashZip = %s", got, want)
	}
}

func lockFile(version, constraints string, hashes ...string) string {
	var b strings.Builder
	b.WriteString("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n\n")
	b.WriteString("provider \"" + testProvider + "\" {\n")
	b.WriteString("  version     = \"" + version + "\"\n")
	b.WriteString("  constraints = \"" + constraints + "\"\n")
	b.WriteString("  hashes = [\n")
	for _, h := range hashes {
		b.WriteString("    \"" + h + "\",\n")
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

func TestLockAcceptsTheInstalledArchive(t *testing.T) {
	archive := testArchive(t)
	h1, err := archiveHash1(archive)
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
	otherHash := "zh:" + strings.Repeat("ab", 32)
	writeFile(t, lock, lockFile(testVersion, testVersion, h1, otherHash))
	var out bytes.Buffer
	if err := run([]string{"lock", "-provider", testProvider, "-version", testVersion, "-archive", archive, lock}, &out); err != nil {
		t.Fatal(err)
	}
	want := testProvider + ": version " + testVersion + ", constraints \"" + testVersion + "\"\n  " + h1 + "\n  " + otherHash + "\n"
	if out.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
	}
}

func TestLockFindsEachDefect(t *testing.T) {
	archive := testArchive(t)
	h1, err := archiveHash1(archive)
	if err != nil {
		t.Fatal(err)
	}
	otherH1 := "h1:" + strings.Repeat("A", 43) + "="
	for name, tt := range map[string]struct{ lock, want string }{
		"another version":                 {lockFile("1.0.0", "1.0.0", h1), `locked at version "1.0.0"`},
		"a loose constraint":              {lockFile(testVersion, ">= 0.0.1", h1), "do not pin"},
		"a constraint that only names it": {lockFile(testVersion, ">= "+testVersion, h1), "do not pin"},
		"no hash of the archive":          {lockFile(testVersion, testVersion, otherH1), "do not include " + h1},
		"no hashes":                       {lockFile(testVersion, testVersion), "do not include " + h1},
		"another provider":                {strings.ReplaceAll(lockFile(testVersion, testVersion, h1), "sms-gateway", "other"), "does not lock " + testProvider},
		"an unended block":                {strings.TrimSuffix(lockFile(testVersion, testVersion, h1), "}\n"), "does not end"},
		"a block twice":                   {lockFile(testVersion, testVersion, h1) + lockFile(testVersion, testVersion, h1), "twice"},
		"an unquoted hash":                {strings.Replace(lockFile(testVersion, testVersion, h1), `"`+h1+`"`, h1, 1), "hash line"},
	} {
		lock := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
		writeFile(t, lock, tt.lock)
		err := run([]string{"lock", "-provider", testProvider, "-version", testVersion, "-archive", archive, lock}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error saying %q", name, err, tt.want)
		}
	}
}

func TestTamperChangesOneByteOfTheBinary(t *testing.T) {
	archive := testArchive(t)
	tampered := filepath.Join(t.TempDir(), "tampered.zip")
	if err := run([]string{"tamper", "-archive", archive, "-out", tampered}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	original, changed := zipContents(t, archive), zipContents(t, tampered)
	if len(original) != len(changed) {
		t.Fatalf("the tampered archive holds %d entries, the original %d", len(changed), len(original))
	}
	for name, data := range original {
		want := 0
		if strings.HasPrefix(name, projectName+"_v") {
			want = 1
		}
		if got := bytesChanged(data, changed[name]); got != want {
			t.Errorf("%s: %d bytes changed, want %d", name, got, want)
		}
	}
	before, _ := archiveHash1(archive)
	after, err := archiveHash1(tampered)
	if err != nil {
		t.Fatal(err)
	}
	if before == after {
		t.Errorf("the tampered archive has the original's h1: hash %s", after)
	}
}

func TestTamperRawChangesOneByteOfTheFile(t *testing.T) {
	archive := testArchive(t)
	corrupted := filepath.Join(t.TempDir(), "corrupted.zip")
	if err := run([]string{"tamper", "-raw", "-archive", archive, "-out", corrupted}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := os.ReadFile(corrupted)
	if err != nil {
		t.Fatal(err)
	}
	if len(original) != len(changed) || bytesChanged(original, changed) != 1 {
		t.Fatalf("%d of %d bytes changed and the size went to %d; want one byte changed", bytesChanged(original, changed), len(original), len(changed))
	}
	if _, err := archiveHash1(corrupted); err == nil {
		t.Error("the corrupted archive still unpacks")
	}
}

func TestTamperNeedsAProviderBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.zip")
	writeZip(t, path, []zipEntry{{"README.md", []byte("# readme\n"), 0o644}})
	for _, raw := range []string{"-raw=false", "-raw=true"} {
		err := run([]string{"tamper", raw, "-archive", path, "-out", filepath.Join(t.TempDir(), "out.zip")}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "holds no provider binary") {
			t.Errorf("tamper %s: got %v, want an error saying the archive holds no provider binary", raw, err)
		}
	}
}

func zipContents(t *testing.T, path string) map[string][]byte {
	t.Helper()
	archive, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Close()
	contents := map[string][]byte{}
	for _, f := range archive.File {
		data, err := readEntry(f)
		if err != nil {
			t.Fatal(err)
		}
		contents[f.Name] = data
	}
	return contents
}

func bytesChanged(a, b []byte) int {
	n := max(len(a), len(b)) - min(len(a), len(b))
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
