package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const testVersion = "0.0.1-snapshot-0a1b2c3"

var hostPlatform = platform{runtime.GOOS, runtime.GOARCH}

// testPlatforms is what testConfig builds: this machine's platform and
// one of each executable format.
func testPlatforms() []platform {
	ps := []platform{hostPlatform}
	for _, p := range []platform{{"linux", "arm64"}, {"darwin", "arm64"}, {"windows", "amd64"}, {"freebsd", "386"}} {
		if p != hostPlatform {
			ps = append(ps, p)
		}
	}
	return ps
}

// testConfig writes a goreleaser configuration that builds exactly
// testPlatforms, and a registry manifest.
func testConfig(t *testing.T) (config, manifest string) {
	t.Helper()
	dir := t.TempDir()
	var goos, goarch []string
	for _, p := range testPlatforms() {
		if !slices.Contains(goos, p.goos) {
			goos = append(goos, p.goos)
		}
		if !slices.Contains(goarch, p.goarch) {
			goarch = append(goarch, p.goarch)
		}
	}
	var ignore strings.Builder
	for _, os := range goos {
		for _, arch := range goarch {
			if !slices.Contains(testPlatforms(), platform{os, arch}) {
				fmt.Fprintf(&ignore, "      - goos: %s\n        goarch: %s\n", os, arch)
			}
		}
	}
	config = filepath.Join(dir, "goreleaser.yml")
	writeFile(t, config, fmt.Sprintf("version: 2\nbuilds:\n  - goos: [%s]\n    goarch: [%s]\n    ignore:\n%s",
		strings.Join(goos, ", "), strings.Join(quoted(goarch), ", "), ignore.String()))
	manifest = filepath.Join(dir, "terraform-registry-manifest.json")
	writeFile(t, manifest, `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`)
	return config, manifest
}

func quoted(s []string) []string {
	var q []string
	for _, v := range s {
		q = append(q, fmt.Sprintf("%q", v))
	}
	return q
}

type zipEntry struct {
	name string
	data []byte
	mode fs.FileMode
}

// writeZip stores the entries uncompressed unless told otherwise: the
// checks read entries whatever their method, and storing keeps the tests,
// which pack a copy of the test binary, quick.
func writeZip(t *testing.T, path string, entries []zipEntry) {
	t.Helper()
	writeZipMethod(t, path, zip.Store, entries)
}

func writeZipMethod(t *testing.T, path string, method uint16, entries []zipEntry) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		header := &zip.FileHeader{Name: e.name, Method: method}
		header.SetMode(e.mode)
		f, err := w.CreateHeader(header)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// archiveEntries is what a good archive for p holds.
func archiveEntries(t *testing.T, p platform) []zipEntry {
	return []zipEntry{
		{binaryName(testVersion, p), fakeExecutable(t, p, testVersion), 0o755},
		{"LICENSE", []byte("license text\n"), 0o644},
		{"README.md", []byte("# readme\n"), 0o644},
	}
}

// fakeExecutable returns, for this machine, a copy of the test binary that
// prints version when run as a provider (see TestMain), and for any other
// platform an executable header that names it.
func fakeExecutable(t *testing.T, p platform, version string) []byte {
	t.Helper()
	if p == hostPlatform {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		return append(data, fakeVersionTrailer+version...)
	}
	return executableHeader(t, p)
}

// executableHeader builds the smallest header debug/elf, debug/macho or
// debug/pe accept for p.
func executableHeader(t *testing.T, p platform) []byte {
	t.Helper()
	var buf bytes.Buffer
	put := func(v any) {
		if err := binary.Write(&buf, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	switch p.goos {
	case "linux", "freebsd":
		osabi := map[string]byte{"linux": 0, "freebsd": 9}[p.goos]
		machine := map[string]uint16{"386": 3, "amd64": 62, "arm": 40, "arm64": 183}[p.goarch]
		put([16]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, osabi})
		put(struct {
			Type, Machine                                        uint16
			Version                                              uint32
			Entry, Phoff, Shoff                                  uint64
			Flags                                                uint32
			Ehsize, Phentsize, Phnum, Shentsize, Shnum, Shstrndx uint16
		}{Type: 2, Machine: machine, Version: 1, Ehsize: 64, Phentsize: 56, Shentsize: 64})
	case "darwin":
		cpu := map[string]uint32{"amd64": 0x01000007, "arm64": 0x0100000c}[p.goarch]
		put([8]uint32{0xfeedfacf, cpu, 0, 2, 0, 0, 0, 0})
	case "windows":
		machine := map[string]uint16{"386": 0x14c, "amd64": 0x8664, "arm64": 0xaa64}[p.goarch]
		dos := make([]byte, 0x40)
		copy(dos, "MZ")
		binary.LittleEndian.PutUint32(dos[0x3c:], 0x40)
		put(dos)
		put([]byte("PE\x00\x00"))
		put(struct {
			Machine, Sections             uint16
			Time, Symbols, NumSymbols     uint32
			OptionalSize, Characteristics uint16
		}{Machine: machine, Characteristics: 2})
		put(make([]byte, 16)) // debug/pe reads at least 96 bytes
	default:
		t.Fatalf("no header for %s", p)
	}
	return buf.Bytes()
}

// goodDist writes the release testConfig describes, as goreleaser would.
func goodDist(t *testing.T, manifest string) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range testPlatforms() {
		writeZip(t, filepath.Join(dir, archiveName(testVersion, p)), archiveEntries(t, p))
	}
	for _, name := range goreleaserBookkeeping {
		writeFile(t, filepath.Join(dir, name), "{}")
	}
	if err := os.Mkdir(filepath.Join(dir, "terraform-provider-sms_linux_amd64_v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeSums(t, dir, manifest)
	return dir
}

// writeSums writes the SHA256SUMS of the archives now in dir and of the
// manifest, sorted by name as goreleaser does.
func writeSums(t *testing.T, dir, manifest string) {
	t.Helper()
	zips, err := filepath.Glob(filepath.Join(dir, "*.zip"))
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{sumOf(t, manifest, manifestName(testVersion))}
	for _, z := range zips {
		lines = append(lines, sumOf(t, z, filepath.Base(z)))
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	writeFile(t, filepath.Join(dir, sumsName(testVersion)), strings.Join(lines, "\n")+"\n")
}

func sumOf(t *testing.T, path, name string) string {
	t.Helper()
	digest, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return digest + "  " + name
}

func editSums(t *testing.T, dir string, edit func(lines []string) []string) {
	t.Helper()
	path := filepath.Join(dir, sumsName(testVersion))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := edit(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
	writeFile(t, path, strings.Join(lines, "\n")+"\n")
}

func checkTestDist(t *testing.T, dir, config, manifest string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run([]string{"archives", "-config", config, "-manifest", manifest, "-version", testVersion, dir}, &out)
	return out.String(), err
}

func TestArchivesAcceptsAGoodRelease(t *testing.T) {
	config, manifest := testConfig(t)
	dir := goodDist(t, manifest)
	out, err := checkTestDist(t, dir, config, manifest)
	if err != nil {
		t.Fatalf("a good release failed the check: %v", err)
	}
	for _, p := range testPlatforms() {
		want := archiveName(testVersion, p) + "  " + binaryName(testVersion, p) + ", LICENSE, README.md\n"
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks the line %q:\n%s", want, out)
		}
	}
	if want := binaryName(testVersion, hostPlatform) + " version: " + projectName + " " + testVersion + "\n"; !strings.Contains(out, want) {
		t.Errorf("the report lacks the line %q:\n%s", want, out)
	}
}

func TestArchivesFindsEachDefect(t *testing.T) {
	other := testPlatforms()[1] // a platform that is not this machine's
	tests := []struct {
		name   string
		breaks func(t *testing.T, dir, manifest string)
		want   string
	}{
		{"a changelog beside the binary", func(t *testing.T, dir, manifest string) {
			writeZip(t, filepath.Join(dir, archiveName(testVersion, other)),
				append(archiveEntries(t, other), zipEntry{"CHANGELOG.md", []byte("# changes\n"), 0o644}))
			writeSums(t, dir, manifest)
		}, `holds "CHANGELOG.md"`},
		{"the binary in a folder", func(t *testing.T, dir, manifest string) {
			entries := archiveEntries(t, other)
			entries[0].name = "bin/" + entries[0].name
			writeZip(t, filepath.Join(dir, archiveName(testVersion, other)), entries)
			writeSums(t, dir, manifest)
		}, "holds 0 entries named " + binaryName(testVersion, other)},
		{"a binary without its version in the name", func(t *testing.T, dir, manifest string) {
			entries := archiveEntries(t, other)
			entries[0].name = projectName
			writeZip(t, filepath.Join(dir, archiveName(testVersion, other)), entries)
			writeSums(t, dir, manifest)
		}, `holds "terraform-provider-sms"`},
		{"a binary for another platform", func(t *testing.T, dir, manifest string) {
			entries := archiveEntries(t, other)
			entries[0].data = executableHeader(t, platform{"linux", "arm"})
			writeZip(t, filepath.Join(dir, archiveName(testVersion, other)), entries)
			writeSums(t, dir, manifest)
		}, "is built for linux_arm, not " + other.String()},
		{"a binary that is not executable", func(t *testing.T, dir, manifest string) {
			entries := archiveEntries(t, other)
			entries[0].mode = 0o644
			writeZip(t, filepath.Join(dir, archiveName(testVersion, other)), entries)
			writeSums(t, dir, manifest)
		}, "is not executable"},
		{"a missing archive", func(t *testing.T, dir, manifest string) {
			if err := os.Remove(filepath.Join(dir, archiveName(testVersion, other))); err != nil {
				t.Fatal(err)
			}
			writeSums(t, dir, manifest)
		}, archiveName(testVersion, other) + ": open"},
		{"an archive the configuration does not build", func(t *testing.T, dir, manifest string) {
			extra := platform{"linux", "arm"}
			writeZip(t, filepath.Join(dir, archiveName(testVersion, extra)), archiveEntries(t, extra))
		}, archiveName(testVersion, platform{"linux", "arm"}) + ": not expected"},
		{"a wrong digest", func(t *testing.T, dir, _ string) {
			editSums(t, dir, func(lines []string) []string {
				lines[0] = strings.Repeat("0", 64) + lines[0][64:]
				return lines
			})
		}, "gives " + strings.Repeat("0", 64)},
		{"a missing manifest line", func(t *testing.T, dir, _ string) {
			editSums(t, dir, func(lines []string) []string {
				return slices.DeleteFunc(lines, func(l string) bool { return strings.HasSuffix(l, "_manifest.json") })
			})
		}, "does not list " + manifestName(testVersion)},
		{"a line for a file outside the release", func(t *testing.T, dir, _ string) {
			editSums(t, dir, func(lines []string) []string {
				return append(lines, strings.Repeat("a", 64)+"  "+projectName+"_"+testVersion+"_plan9_amd64.zip")
			})
		}, "which is not part of the release"},
		{"a line listed twice", func(t *testing.T, dir, _ string) {
			editSums(t, dir, func(lines []string) []string { return append(lines, lines[0]) })
		}, "twice"},
		{"a malformed line", func(t *testing.T, dir, _ string) {
			editSums(t, dir, func(lines []string) []string { return append(lines, "not a checksum") })
		}, "is not DIGEST  NAME"},
		{"a manifest for protocol 5", func(t *testing.T, _, manifest string) {
			writeFile(t, manifest, `{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`)
		}, `protocol_versions ["6.0"], got version 1 and ["5.0"]`},
		{"a binary that reports another version", func(t *testing.T, dir, manifest string) {
			entries := archiveEntries(t, hostPlatform)
			entries[0].data = fakeExecutable(t, hostPlatform, "dev")
			writeZip(t, filepath.Join(dir, archiveName(testVersion, hostPlatform)), entries)
			writeSums(t, dir, manifest)
		}, "does not name " + testVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			config, manifest := testConfig(t)
			dir := goodDist(t, manifest)
			tt.breaks(t, dir, manifest)
			_, err := checkTestDist(t, dir, config, manifest)
			if err == nil {
				t.Fatal("the check passed")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("the error does not say %q:\n%v", tt.want, err)
			}
		})
	}
}

func TestArchivesRejectsCapitalsInTheVersion(t *testing.T) {
	config, manifest := testConfig(t)
	dir := goodDist(t, manifest)
	var out bytes.Buffer
	err := run([]string{"archives", "-config", config, "-manifest", manifest, "-version", strings.ToUpper(testVersion), dir}, &out)
	if err == nil || !strings.Contains(err.Error(), "has capitals") {
		t.Errorf("got %v, want an error about the capitals", err)
	}
}

func TestConfiguredPlatformsOfTheRepository(t *testing.T) {
	platforms, err := configuredPlatforms("../../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []platform{{"linux", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}, {"freebsd", "arm"}} {
		if !slices.Contains(platforms, want) {
			t.Errorf("%s is missing from %v", want, platforms)
		}
	}
	for _, ignored := range []platform{{"darwin", "386"}, {"windows", "arm"}} {
		if slices.Contains(platforms, ignored) {
			t.Errorf("%s is built, but the configuration ignores it", ignored)
		}
	}
	if slices.Contains(platforms, platform{"darwin", "arm"}) {
		t.Error("darwin_arm is expected, but Go cannot build for it")
	}
}

func TestConfiguredPlatformsRejects(t *testing.T) {
	for name, config := range map[string]string{
		"two builds":        "builds:\n  - goos: [linux]\n    goarch: [amd64]\n  - goos: [darwin]\n    goarch: [arm64]\n",
		"default platforms": "builds:\n  - binary: x\n",
		"not YAML":          "builds: [\n",
	} {
		path := filepath.Join(t.TempDir(), "goreleaser.yml")
		writeFile(t, path, config)
		if platforms, err := configuredPlatforms(path); err == nil {
			t.Errorf("%s: got %v, want an error", name, platforms)
		}
	}
}

func TestBinaryPlatformRejectsUnknownExecutables(t *testing.T) {
	for name, data := range map[string][]byte{
		"a shell script": []byte("#!/bin/sh\necho hi\n"),
		"an ELF for MIPS": func() []byte {
			h := executableHeader(t, platform{"linux", "amd64"})
			binary.LittleEndian.PutUint16(h[18:], 8) // EM_MIPS
			return h
		}(),
	} {
		if p, err := binaryPlatform(data); err == nil {
			t.Errorf("%s: got %s, want an error", name, p)
		}
	}
}
