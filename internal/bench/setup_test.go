package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

var (
	nullProvider = clitest.Plugin{Source: "registry.terraform.io/bench/null", Package: "./testdata/nullprovider"}
	providers    = clitest.NewBuild(clitest.SMSProvider, nullProvider)
)

func TestMain(m *testing.M) {
	os.Exit(providers.Main(m))
}

// setup is what every benchmark drives: the CLI, the providers built for
// this run, and the CLI's version for the report.
type setup struct {
	b       *testing.B
	cli     string
	version string
	in      *clitest.Installation
}

func newSetup(b *testing.B) *setup {
	b.Helper()
	cli := clitest.CLIPath()
	if cli == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			b.Skip("set TF_ACC_TERRAFORM_PATH to the Terraform or OpenTofu CLI to benchmark with")
		}
		cli = found
	}
	s := &setup{b: b, cli: cli, in: providers.Installation(b)}
	version, err := s.workdir(nil, "").Version()
	if err != nil {
		b.Fatal(err)
	}
	s.version = version
	return s
}

// workdir is a fresh directory holding config, whose CLI runs with env.
func (s *setup) workdir(env map[string]string, config string) *clitest.Workdir {
	s.b.Helper()
	w := clitest.NewWorkdir(s.b, s.cli, s.in, env)
	w.WriteFile("main.tf", config)
	return w
}

// sandbox starts an in-process gateway for one measurement, with room for
// the keys it will hold.
func (s *setup) sandbox(keys int, latency time.Duration) (*sandboxtest.Sandbox, map[string]string) {
	sb := sandboxtest.Start(s.b, sandbox.Options{KeyQuota: keys + 1, Latency: latency})
	return sb, map[string]string{"SMS_ENDPOINT": sb.Endpoint, "SMS_API_KEY": sb.APIKey}
}

// apply runs an apply that must create n resources, and returns its wall
// time.
func (s *setup) apply(w *clitest.Workdir) time.Duration {
	s.b.Helper()
	return s.applyEnv(w, nil)
}

// applyEnv is apply with env added to the workdir's.
func (s *setup) applyEnv(w *clitest.Workdir, env map[string]string) time.Duration {
	s.b.Helper()
	r := w.RunEnv(env, "apply", "-auto-approve", "-input=false", "-no-color")
	if r.Err != nil {
		s.b.Fatalf("%s", r)
	}
	if want := fmt.Sprintf("Resources: %d added", n); !strings.Contains(r.Stdout, want) {
		s.b.Fatalf("the apply did not report %q:\n%s", want, r)
	}
	return r.Elapsed
}

// planNoChanges runs a plan that must find nothing to do, with env added
// to the workdir's, and returns its wall time.
func (s *setup) planNoChanges(w *clitest.Workdir, env map[string]string, args ...string) time.Duration {
	s.b.Helper()
	r := w.RunEnv(env, append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, args...)...)
	if r.ExitCode != 0 {
		s.b.Fatalf("the plan was not empty:\n%s", r)
	}
	return r.Elapsed
}

// header describes the run, for the report.
func (s *setup) header() string {
	return fmt.Sprintf("%s %s (%s), %d CPUs, %s/%s",
		filepath.Base(s.cli), s.version, s.cli, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

// timings collects the wall times of repeated measurements by name.
type timings map[string][]time.Duration

func (t timings) add(name string, d time.Duration) {
	t[name] = append(t[name], d)
}

func (t timings) median(name string) time.Duration {
	d := slices.Clone(t[name])
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}

// all lists the runs of name, for the report.
func (t timings) all(name string) string {
	parts := make([]string, len(t[name]))
	for i, d := range t[name] {
		parts[i] = seconds(d)
	}
	return strings.Join(parts, " ")
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

// table prints rows under a header, aligned, on stdout, where go test shows
// it as it is.
func table(title string, rows [][]string) {
	fmt.Printf("\n%s\n", title)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

// peakMemoryKB reads VmHWM, the most resident memory the process has had,
// from /proc.
func peakMemoryKB(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if value, ok := strings.CutPrefix(lines.Text(), "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
