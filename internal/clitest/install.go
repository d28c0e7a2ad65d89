// Package clitest runs the real Terraform or OpenTofu CLI against provider
// binaries built from source, the way a user runs a provider under
// development: a CLI configuration whose dev_overrides point at the fresh
// binaries, so that no registry and no `init` is involved.
package clitest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMSProvider is this repository's provider, under the address that test
// configurations give as its source.
var SMSProvider = Plugin{
	Source:  "registry.terraform.io/sms-gateway/sms",
	Package: "github.com/sms-gateway/terraform-provider-sms",
}

// buildTimeout allows for a first build on a cold module and build cache.
const buildTimeout = 10 * time.Minute

// Plugin is a provider to build and install.
type Plugin struct {
	// Source is the provider's address in configurations:
	// hostname/namespace/type.
	Source string
	// Package is the Go main package to build: an import path, or a
	// directory relative to the test's package directory.
	Package string
}

// binaryName is the file name both CLIs look for in a dev_overrides
// directory: terraform-provider-TYPE.
func (p Plugin) binaryName() string {
	return "terraform-provider-" + path.Base(p.Source)
}

// Installation is a directory of freshly built providers and the CLI
// configuration that makes Terraform and OpenTofu run them.
type Installation struct {
	// ConfigFile is the CLI configuration, for TF_CLI_CONFIG_FILE.
	ConfigFile string
	binaries   map[string]string
	// env is what every command under this installation needs besides.
	env map[string]string
}

// Binary returns the path of the provider built for source, or "".
func (in *Installation) Binary(source string) string {
	return in.binaries[source]
}

// Install builds every plugin into a directory of its own below dir, since
// dev_overrides maps an address to a directory, and writes dir/cli.tfrc.
func Install(ctx context.Context, dir string, plugins ...Plugin) (*Installation, error) {
	in := &Installation{ConfigFile: filepath.Join(dir, "cli.tfrc"), binaries: map[string]string{}}
	overrides := map[string]string{}
	for i, p := range plugins {
		pluginDir := filepath.Join(dir, strconv.Itoa(i))
		if err := os.MkdirAll(pluginDir, 0o755); err != nil {
			return nil, err
		}
		bin := filepath.Join(pluginDir, p.binaryName())
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, p.Package)
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s from %s: %w\n%s", p.Source, p.Package, err, out)
		}
		in.binaries[p.Source] = bin
		overrides[p.Source] = pluginDir
	}
	if err := os.WriteFile(in.ConfigFile, []byte(cliConfig(overrides)), 0o600); err != nil {
		return nil, err
	}
	return in, nil
}

// cliConfig is a CLI configuration that serves each address in overrides
// from its directory and every other provider as usual.
func cliConfig(overrides map[string]string) string {
	sources := make([]string, 0, len(overrides))
	for source := range overrides {
		sources = append(sources, source)
	}
	sort.Strings(sources)

	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range sources {
		fmt.Fprintf(&b, "    %s = %s\n", hclString(source), hclString(overrides[source]))
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// hclString quotes s for HCL, which reads Go's quoting of valid UTF-8
// (\", \\, \n, \uXXXX) as it is, but would start a template at "${" or
// "%{".
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// Build installs its plugins when a test first asks for them, once per test
// binary, so that skipped or filtered-out tests cost no build. Use one per
// package, from a package-level variable, and call Remove from TestMain
// after m.Run. The installation it hands out is only ever read.
type Build struct {
	plugins []Plugin
	once    sync.Once
	dir     string
	in      *Installation
	err     error
}

// NewBuild returns a Build of plugins.
func NewBuild(plugins ...Plugin) *Build {
	return &Build{plugins: plugins}
}

// Installation returns the installed plugins, building them on the first
// call; it fails t when they cannot be built.
func (b *Build) Installation(t testing.TB) *Installation {
	t.Helper()
	b.once.Do(func() {
		// Not t.TempDir, which would go with the test that asks first.
		b.dir, b.err = os.MkdirTemp("", "clitest-") //nolint:usetesting // Remove deletes it
		if b.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		b.in, b.err = Install(ctx, b.dir, b.plugins...)
	})
	if b.err != nil {
		t.Fatalf("installing the providers under test: %v", b.err)
	}
	return b.in
}

// Remove deletes what was built, if anything.
func (b *Build) Remove() error {
	if b.dir == "" {
		return nil
	}
	return os.RemoveAll(b.dir)
}

// Main runs a package's tests and then removes what they built; call it
// from TestMain: os.Exit(build.Main(m)).
func (b *Build) Main(m *testing.M) int {
	code := m.Run()
	if err := b.Remove(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	return code
}
