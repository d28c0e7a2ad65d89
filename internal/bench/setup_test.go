package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
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
	return s.workdirIn(s.in, env, config)
}

// sandbox starts an in-process gateway for one measurement, with room for
// the keys it will hold.
func (s *setup) sandbox(keys int, latency time.Duration) (*sandboxtest.Sandbox, map[string]string) {
	sb := sandboxtest.Start(s.b, sandbox.Options{KeyQuota: keys + 1, Latency: latency})
	return sb, map[string]string{"SMS_ENDPOINT": sb.Endpoint, "SMS_API_KEY": sb.APIKey}
}

// workdirIn is workdir for the providers of another installation.
func (s *setup) workdirIn(in *clitest.Installation, env map[string]string, config string) *clitest.Workdir {
	s.b.Helper()
	w := clitest.NewWorkdir(s.b, s.cli, in, env)
	w.WriteFile("main.tf", config)
	return w
}

// cost is what one command took.
type cost struct {
	wall time.Duration
	// cpu is the user and system time of the CLI and of the provider
	// processes it started and waited for: less at the mercy of other
	// work on the machine than wall time.
	cpu time.Duration
}

// timed runs the CLI in w. Nothing else may start or reap child processes
// of the benchmark meanwhile, as its CPU time is read from theirs.
func (s *setup) timed(w *clitest.Workdir, args ...string) (*clitest.Result, cost) {
	s.b.Helper()
	before := s.childrenCPU()
	r := w.Run(args...)
	return r, cost{wall: r.Elapsed, cpu: s.childrenCPU() - before}
}

// childrenCPU is the user and system time of every child process of the
// benchmark that has been waited for, and of theirs.
func (s *setup) childrenCPU() time.Duration {
	s.b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		s.b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// apply runs an apply that must create n resources.
func (s *setup) apply(w *clitest.Workdir, n int) cost {
	s.b.Helper()
	r, c := s.timed(w, applyArgs...)
	s.checkApply(r, n)
	return c
}

var applyArgs = []string{"apply", "-auto-approve", "-input=false", "-no-color"}

// checkApply fails the benchmark unless r is an apply that created n
// resources.
func (s *setup) checkApply(r *clitest.Result, n int) {
	s.b.Helper()
	if r.Err != nil {
		s.b.Fatalf("%s", r)
	}
	if want := fmt.Sprintf("Resources: %d added", n); !strings.Contains(r.Stdout, want) {
		s.b.Fatalf("the apply did not report %q:\n%s", want, r)
	}
}

var planArgs = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}

// planNoChanges runs a plan that must find nothing to do.
func (s *setup) planNoChanges(w *clitest.Workdir) cost {
	s.b.Helper()
	r, c := s.timed(w, planArgs...)
	s.checkNoChanges(r)
	return c
}

// checkNoChanges fails the benchmark unless r is a plan that found
// nothing to do.
func (s *setup) checkNoChanges(r *clitest.Result) {
	s.b.Helper()
	if r.ExitCode != 0 {
		s.b.Fatalf("the plan was not empty:\n%s", r)
	}
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

// ratio is the median of a over the median of b.
func (t timings) ratio(a, b string) float64 {
	return t.median(a).Seconds() / t.median(b).Seconds()
}

// perRun lists a over b run by run, for the report: the runs of a and b
// that took place close together.
func (t timings) perRun(a, b string) string {
	var parts []string
	for i := range min(len(t[a]), len(t[b])) {
		parts = append(parts, strconv.FormatFloat(t[a][i].Seconds()/t[b][i].Seconds(), 'f', 2, 64))
	}
	return strings.Join(parts, " ")
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
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
