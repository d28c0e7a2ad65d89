package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// distSpec names what checkDist compares: goreleaser's output folder, the
// configuration and registry manifest it was built from, and the version.
type distSpec struct {
	dir, config, manifest, version string
}

// goreleaserBookkeeping are the files goreleaser writes into dist/ for
// itself; they are never uploaded.
var goreleaserBookkeeping = []string{"artifacts.json", "config.yaml", "metadata.json"}

// snapshotVersion reads the version goreleaser gave the release in dir.
func snapshotVersion(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json")) //nolint:gosec // G703: this command checks the files its caller names
	if err != nil {
		return "", err
	}
	var metadata struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &metadata); err != nil {
		return "", fmt.Errorf("%s/metadata.json: %w", dir, err)
	}
	if metadata.Version == "" {
		return "", fmt.Errorf("%s/metadata.json names no version", dir)
	}
	return metadata.Version, nil
}

// checkDist checks every file of the release in spec.dir, reports each
// archive on w, and returns every problem it found, not just the first.
func checkDist(w io.Writer, spec distSpec) error {
	platforms, err := configuredPlatforms(spec.config)
	if err != nil {
		return err
	}
	var problems []error
	if spec.version != strings.ToLower(spec.version) {
		problems = append(problems, fmt.Errorf("version %s has capitals; Terraform reads the file names in a mirror in lower case, so no version constraint would match it", spec.version))
	}
	expected := map[string]bool{sumsName(spec.version): true}
	for _, name := range goreleaserBookkeeping {
		expected[name] = true
	}
	for _, p := range platforms {
		name := archiveName(spec.version, p)
		expected[name] = true
		entries, err := checkArchive(filepath.Join(spec.dir, name), p, spec.version)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		fmt.Fprintf(w, "%s  %s\n", name, strings.Join(entries, ", "))
	}
	problems = append(problems, unexpectedFiles(spec.dir, expected)...)
	problems = append(problems, checkSums(spec, platforms)...)
	if err := checkManifest(spec.manifest); err != nil {
		problems = append(problems, err)
	}
	if err := checkHostBinary(w, spec, platforms); err != nil {
		problems = append(problems, err)
	}
	return errors.Join(problems...)
}

func archiveName(version string, p platform) string {
	return fmt.Sprintf("%s_%s_%s_%s.zip", projectName, version, p.goos, p.goarch)
}

func sumsName(version string) string {
	return fmt.Sprintf("%s_%s_SHA256SUMS", projectName, version)
}

func manifestName(version string) string {
	return fmt.Sprintf("%s_%s_manifest.json", projectName, version)
}

// binaryName is the name the registry and both CLIs look for in an
// archive: terraform-provider-TYPE_vVERSION, with .exe on Windows.
func binaryName(version string, p platform) string {
	name := fmt.Sprintf("%s_v%s", projectName, version)
	if p.goos == "windows" {
		name += ".exe"
	}
	return name
}

// companionFile matches what may sit beside the binary in an archive.
var companionFile = regexp.MustCompile(`^(?i:license|readme)(\.[a-z]+)?$`)

// checkArchive checks that path is a zip holding, at its root, the
// provider binary built for p and at most the license and readme, and
// returns the names of its entries.
func checkArchive(path string, p platform, version string) ([]string, error) {
	archive, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer archive.Close()
	var names []string
	var problems []error
	binaries := 0
	for _, f := range archive.File {
		names = append(names, f.Name)
		switch {
		case f.Name == binaryName(version, p):
			binaries++
			if err := checkBinaryEntry(f, p); err != nil {
				problems = append(problems, err)
			}
		case companionFile.MatchString(f.Name) && f.Mode().IsRegular():
		default:
			problems = append(problems, fmt.Errorf("holds %q; only %s and the license and readme belong there", f.Name, binaryName(version, p)))
		}
	}
	if binaries != 1 {
		problems = append(problems, fmt.Errorf("holds %d entries named %s, want 1", binaries, binaryName(version, p)))
	}
	return names, errors.Join(problems...)
}

func checkBinaryEntry(f *zip.File, p platform) error {
	if !f.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (mode %v)", f.Name, f.Mode())
	}
	if p.goos != "windows" && f.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable (mode %v)", f.Name, f.Mode())
	}
	data, err := readEntry(f)
	if err != nil {
		return err
	}
	built, err := binaryPlatform(data)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	if built != p {
		return fmt.Errorf("%s is built for %s, not %s", f.Name, built, p)
	}
	return nil
}

func readEntry(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func unexpectedFiles(dir string, expected map[string]bool) []error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{err}
	}
	var problems []error
	for _, e := range entries {
		// Folders hold goreleaser's unpacked builds; only files are released.
		if !e.IsDir() && !expected[e.Name()] {
			problems = append(problems, fmt.Errorf("%s: not expected in a release of the configured platforms", e.Name()))
		}
	}
	return problems
}

// sumLine is a line of a SHA256SUMS file: 64 hex digits, two spaces, a name.
var sumLine = regexp.MustCompile(`^([0-9a-f]{64})  (\S+)$`)

// checkSums checks that the SHA256SUMS file lists every archive and the
// manifest copy, each once and with its digest, and nothing else.
func checkSums(spec distSpec, platforms []platform) []error {
	want := map[string]string{manifestName(spec.version): spec.manifest}
	for _, p := range platforms {
		want[archiveName(spec.version, p)] = filepath.Join(spec.dir, archiveName(spec.version, p))
	}
	sums := filepath.Join(spec.dir, sumsName(spec.version))
	file, err := os.Open(sums)
	if err != nil {
		return []error{err}
	}
	defer file.Close()
	var problems []error
	seen := map[string]bool{}
	scanner := bufio.NewScanner(file)
	for n := 1; scanner.Scan(); n++ {
		m := sumLine.FindStringSubmatch(scanner.Text())
		if m == nil {
			problems = append(problems, fmt.Errorf("%s line %d is not DIGEST  NAME: %q", filepath.Base(sums), n, scanner.Text()))
			continue
		}
		digest, name := m[1], m[2]
		source, ok := want[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Errorf("%s lists %s, which is not part of the release", filepath.Base(sums), name))
		case seen[name]:
			problems = append(problems, fmt.Errorf("%s lists %s twice", filepath.Base(sums), name))
		default:
			if actual, err := fileSHA256(source); err != nil {
				problems = append(problems, err)
			} else if actual != digest {
				problems = append(problems, fmt.Errorf("%s gives %s for %s, but %s has %s", filepath.Base(sums), digest, name, source, actual))
			}
		}
		seen[name] = true
	}
	if err := scanner.Err(); err != nil {
		problems = append(problems, err)
	}
	for name := range want {
		if !seen[name] {
			problems = append(problems, fmt.Errorf("%s does not list %s", filepath.Base(sums), name))
		}
	}
	return problems
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkManifest checks that the registry manifest announces plugin
// protocol 6.0, the only one a terraform-plugin-framework provider serves.
func checkManifest(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&manifest); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if manifest.Version != 1 || !slices.Equal(manifest.Metadata.ProtocolVersions, []string{"6.0"}) {
		return fmt.Errorf("%s: want version 1 and protocol_versions [\"6.0\"], got version %d and %q",
			path, manifest.Version, manifest.Metadata.ProtocolVersions)
	}
	return nil
}

// checkHostBinary runs the binary built for this machine and checks that
// it reports the release's version: the ldflags reached main.version.
func checkHostBinary(w io.Writer, spec distSpec, platforms []platform) error {
	host := platform{runtime.GOOS, runtime.GOARCH}
	if !slices.Contains(platforms, host) {
		return fmt.Errorf("no archive is configured for this machine (%s), so none can be run here", host)
	}
	archive, err := zip.OpenReader(filepath.Join(spec.dir, archiveName(spec.version, host)))
	if err != nil {
		return err
	}
	defer archive.Close()
	entry, err := archive.Open(binaryName(spec.version, host))
	if err != nil {
		return err
	}
	defer entry.Close()
	dir, err := os.MkdirTemp("", "distcheck")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, binaryName(spec.version, host))
	if err := writeExecutable(bin, entry); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "version").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s version: %w\n%s", filepath.Base(bin), err, out)
	}
	if !slices.Contains(strings.Fields(string(out)), spec.version) {
		return fmt.Errorf("%s version printed %q, which does not name %s", filepath.Base(bin), out, spec.version)
	}
	fmt.Fprintf(w, "%s version: %s", binaryName(spec.version, host), out)
	return nil
}

func writeExecutable(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
