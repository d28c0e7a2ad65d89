package main

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// lockedProvider is one provider block of a dependency lock file.
type lockedProvider struct {
	version, constraints string
	hashes               []string
}

// checkLock checks that the lock file records provider at version, with
// the h1: hash of the archive it was installed from, and prints the block.
func checkLock(w io.Writer, lockFile, provider, version, archive string) error {
	f, err := os.Open(lockFile) //nolint:gosec // G703: this command checks the files its caller names
	if err != nil {
		return err
	}
	defer f.Close()
	locked, err := readLockedProvider(f, provider)
	if err != nil {
		return fmt.Errorf("%s: %w", lockFile, err)
	}
	h1, err := archiveHash1(archive)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: version %s, constraints %q\n", provider, locked.version, locked.constraints)
	for _, h := range locked.hashes {
		fmt.Fprintf(w, "  %s\n", h)
	}
	var problems []error
	if locked.version != version {
		problems = append(problems, fmt.Errorf("%s: %s is locked at version %q, want %q", lockFile, provider, locked.version, version))
	}
	if c := locked.constraints; c != version && c != "= "+version {
		problems = append(problems, fmt.Errorf("%s: %s has constraints %q, which do not pin %s", lockFile, provider, locked.constraints, version))
	}
	if !slices.Contains(locked.hashes, h1) {
		problems = append(problems, fmt.Errorf("%s: the hashes of %s do not include %s, the h1: hash of %s", lockFile, provider, h1, archive))
	}
	return errors.Join(problems...)
}

// readLockedProvider reads the block of provider from a lock file as both
// CLIs write it: one attribute a line, and one hash a line in the list.
func readLockedProvider(r io.Reader, provider string) (lockedProvider, error) {
	var locked lockedProvider
	header := fmt.Sprintf("provider %q {", provider)
	found, inBlock, inHashes := false, false, false
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		switch {
		case !inBlock:
			if line == header {
				if found {
					return locked, fmt.Errorf("locks %s twice", provider)
				}
				found, inBlock = true, true
			}
		case inHashes:
			if line == "]" {
				inHashes = false
				continue
			}
			hash, err := strconv.Unquote(strings.TrimSuffix(line, ","))
			if err != nil {
				return locked, fmt.Errorf("hash line %q of %s: %w", line, provider, err)
			}
			locked.hashes = append(locked.hashes, hash)
		case line == "}":
			inBlock = false
		case line == "hashes = [":
			inHashes = true
		default:
			name, value, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			unquoted, err := strconv.Unquote(strings.TrimSpace(value))
			if err != nil {
				continue
			}
			switch strings.TrimSpace(name) {
			case "version":
				locked.version = unquoted
			case "constraints":
				locked.constraints = unquoted
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return locked, err
	}
	if !found {
		return locked, fmt.Errorf("does not lock %s", provider)
	}
	if inBlock {
		return locked, fmt.Errorf("the block of %s does not end", provider)
	}
	return locked, nil
}

// archiveHash1 computes the h1: hash that both CLIs record for a provider
// package: the Go module "dirhash" version 1 of the files in the zip.
// It is written out here, not imported, so that the check does not share
// code with what it checks.
func archiveHash1(path string) (string, error) {
	archive, err := zip.OpenReader(path)
	if err != nil {
		return "", err
	}
	defer archive.Close()
	files := slices.Clone(archive.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	summary := sha256.New()
	for _, f := range files {
		if strings.Contains(f.Name, "\n") {
			return "", fmt.Errorf("%s: the entry name %q holds a newline", path, f.Name)
		}
		digest, err := entrySHA256(f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(summary, "%x  %s\n", digest, f.Name)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(summary.Sum(nil)), nil
}

func entrySHA256(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil { //nolint:gosec // G110: a release archive this repository built
		return nil, err
	}
	return h.Sum(nil), nil
}
