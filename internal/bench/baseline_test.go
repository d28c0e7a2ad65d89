package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
)

// baseline is this provider as built from another revision of the
// repository, installed under the same address, so that one run times
// a change against the build before it.
type baseline struct {
	revision string // as given
	commit   string // abbreviated, for the report
	binary   string
	in       *clitest.Installation
}

// buildBaseline exports revision of the repository that holds this
// package into a temporary directory, builds its provider there and
// writes a CLI configuration that serves it in place of the one under
// test.
func buildBaseline(b *testing.B, revision string) *baseline {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), baselineBuildTimeout)
	defer cancel()
	commit, err := output(ctx, "", "git", "rev-parse", "--short", "--verify", revision+"^{commit}")
	if err != nil {
		b.Fatalf("%s=%s names no commit of this repository: %v", baselineVariable, revision, err)
	}
	root, err := output(ctx, "", "git", "rev-parse", "--show-toplevel")
	if err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	src, bin := filepath.Join(dir, "src"), filepath.Join(dir, "bin")
	for _, d := range []string{src, bin} {
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	archive := filepath.Join(dir, "src.tar")
	if _, err := output(ctx, "", "git", "-C", root, "archive", "--output", archive, commit); err != nil {
		b.Fatal(err)
	}
	if _, err := output(ctx, "", "tar", "-x", "-f", archive, "-C", src); err != nil {
		b.Fatal(err)
	}
	binary := filepath.Join(bin, "terraform-provider-sms")
	if _, err := output(ctx, src, "go", "build", "-o", binary, "."); err != nil {
		b.Fatalf("building the provider of %s: %v", revision, err)
	}

	config := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(config, []byte(overrideConfig(clitest.SMSProvider.Source, bin)), 0o600); err != nil {
		b.Fatal(err)
	}
	return &baseline{revision: revision, commit: commit, binary: binary, in: &clitest.Installation{ConfigFile: config}}
}

// baselineBuildTimeout allows for a first build on a cold module cache.
const baselineBuildTimeout = 10 * time.Minute

// output runs a command in dir ("" for the current one) and returns what
// it printed, trimmed.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// overrideConfig is a CLI configuration that serves source from dir and
// every other provider as usual.
func overrideConfig(source, dir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %s = %s\n  }\n  direct {}\n}\n",
		hclString(source), hclString(dir))
}

// hclString quotes s for HCL, which reads Go's quoting as it is but would
// start a template at "${" or "%{".
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}
