package bench

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

const (
	// roundTripKeys is how many keys BenchmarkRoundTrips counts the
	// requests of.
	roundTripKeys = 100
	// latency per request of the slow gateway, and the CLI's default
	// parallelism that bounds how many requests overlap.
	latency     = 50 * time.Millisecond
	parallelism = 10
	// listed keys in the account for the data source, its own key
	// included, and the most the gateway returns per page.
	listed   = 1000
	pageSize = 100
)

func requireProvider(name, source string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %s = {
      source = %q
    }
  }
}
`, name, source)
}

func terraformDataConfig(n int) string {
	return fmt.Sprintf(`
resource "terraform_data" "r" {
  count = %d
  input = "bench-${count.index}"
}
`, n)
}

func nullItemConfig(n int) string {
	return requireProvider("null", nullProvider.Source) + fmt.Sprintf(`
resource "null_item" "r" {
  count = %d
  label = "bench-${count.index}"
}
`, n)
}

// tokenConfig sets only what a typical configuration of such a resource
// sets, its length, and leaves the rest to the defaults.
func tokenConfig(n int) string {
	return requireProvider("null", nullProvider.Source) + fmt.Sprintf(`
resource "null_token" "r" {
  count  = %d
  length = 16
}
`, n)
}

func keysConfig(n int) string {
	return requireProvider("sms", clitest.SMSProvider.Source) + fmt.Sprintf(`
variable "label" {
  type    = string
  default = "bench"
}

resource "sms_api_key" "r" {
  count = %d
  label = "${var.label}-${count.index}"
}
`, n)
}

var listingConfig = requireProvider("sms", clitest.SMSProvider.Source) + `
data "sms_api_keys" "all" {}

output "listed" {
  value = length(data.sms_api_keys.all.ids)
}
`

// BenchmarkOverhead times, for each number of resources N (BENCH_N), an
// apply that creates N resources and then a plan that must find nothing
// to do (which refreshes each), of:
//   - terraform_data: Terraform alone, no provider process;
//   - null_item: the framework floor, a two-attribute resource that does
//     nothing;
//   - null_token: the peer, a framework resource of typical size that
//     does no I/O;
//   - sms_api_key: this provider against an in-process gateway, and with
//     BENCH_BASELINE the same built from another revision;
//   - the apply of sms_api_key against a gateway that takes latency per
//     request, whose lower bound is the floor plus N/parallelism rounds
//     of latency.
//
// Each of BENCH_RUNS runs times all of them, in an order that rotates
// from run to run, so that the machine's drift hits all alike; the load
// average is recorded at the start and end of each run. It reads the
// state bytes per resource of each; then, with the CLI attached to a
// provider process of the benchmark's own, that process's peak memory
// and the CPU time of the CLI and of the provider through an apply and a
// plan of N resources, for the peer, this provider and the baseline.
func BenchmarkOverhead(b *testing.B) {
	k, err := readKnobs(os.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	s := newSetup(b)
	o := &overhead{s: s, runs: k.runs}
	if k.baseline != "" {
		o.base = buildBaseline(b, k.baseline)
	}
	// One untimed validate per configuration loads every binary from disk
	// before anything is timed.
	_, env := s.sandbox(0, 0)
	for _, config := range []string{terraformDataConfig(1), nullItemConfig(1), tokenConfig(1), keysConfig(1)} {
		s.workdir(env, config).MustRun("validate", "-no-color")
	}
	if o.base != nil {
		s.workdirIn(o.base.in, env, keysConfig(1)).MustRun("validate", "-no-color")
	}

	for _, n := range k.sizes {
		o.measure(n)
	}
	o.printInstance()
	b.ReportMetric(0, "ns/op")
}

// overhead is one run of BenchmarkOverhead.
type overhead struct {
	s    *setup
	runs int
	base *baseline // nil without BENCH_BASELINE
}

// contender is a configuration that BenchmarkOverhead times.
type contender struct {
	name string
	// run creates n resources and, unless applyOnly, plans them again.
	run       func(n int) measurement
	applyOnly bool
}

type measurement struct {
	apply, plan cost
	// stateBytes is the state file's size per resource after the apply.
	stateBytes float64
}

const (
	ours     = "sms_api_key"
	peer     = "null_token"
	floor    = "null_item"
	alone    = "terraform_data"
	withWait = "sms_api_key, latency"
)

func (o *overhead) contenders() []contender {
	s := o.s
	plain := func(config func(int) string) func(int) measurement {
		return func(n int) measurement { return s.measure(s.workdir(nil, config(n)), n) }
	}
	list := []contender{
		{name: alone, run: plain(terraformDataConfig)},
		{name: floor, run: plain(nullItemConfig)},
		{name: peer, run: plain(tokenConfig)},
		{name: ours, run: func(n int) measurement { return s.measureKeys(s.in, n) }},
		{name: withWait, applyOnly: true, run: func(n int) measurement {
			_, env := s.sandbox(n, latency)
			return measurement{apply: s.apply(s.workdir(env, keysConfig(n)), n)}
		}},
	}
	if o.base != nil {
		list = append(list, contender{name: o.baseName(), run: func(n int) measurement { return s.measureKeys(o.base.in, n) }})
	}
	return list
}

func (o *overhead) baseName() string {
	if strings.HasPrefix(o.base.commit, o.base.revision) {
		return "sms_api_key at " + o.base.commit
	}
	return fmt.Sprintf("sms_api_key at %s (%s)", o.base.revision, o.base.commit)
}

// measure times n resources of every contender, runs times, and prints
// what it found.
func (o *overhead) measure(n int) {
	contenders := o.contenders()
	wall, cpu := timings{}, timings{}
	bytes := map[string][]float64{}
	var loads []string
	for run := range o.runs {
		start := loadAverage()
		for i := range contenders {
			c := contenders[(i+run)%len(contenders)]
			m := c.run(n)
			wall.add("apply "+c.name, m.apply.wall)
			cpu.add("apply "+c.name, m.apply.cpu)
			if !c.applyOnly {
				wall.add("plan "+c.name, m.plan.wall)
				cpu.add("plan "+c.name, m.plan.cpu)
				bytes[c.name] = append(bytes[c.name], m.stateBytes)
			}
		}
		loads = append(loads, fmt.Sprintf("run %d: %s → %s", run+1, start, loadAverage()))
	}
	memory := o.attached(n)

	table(fmt.Sprintf("Overhead, N = %d, wall time, medians of %d runs: %s\nload average (1, 5, 15 min) at start → end of each run: %s",
		n, o.runs, o.s.header(), strings.Join(loads, "; ")), append(o.timeRows(wall), o.latencyRow(n, wall)))
	table(fmt.Sprintf("Overhead, N = %d, CPU time (user + system) of the CLI and its provider processes, medians of the same runs", n),
		o.timeRows(cpu))
	table(fmt.Sprintf("State and memory, N = %d", n), o.footprintRows(n, bytes, memory))

	b := o.s.b
	for _, step := range []string{"apply", "plan"} {
		b.ReportMetric(wall.ratio(step+" "+ours, step+" "+peer), fmt.Sprintf("%s-ours/peer@%d", step, n))
		b.ReportMetric(cpu.ratio(step+" "+ours, step+" "+peer), fmt.Sprintf("%s-cpu-ours/peer@%d", step, n))
	}
	b.ReportMetric(float64(memory[ours][0].peakKB)/1024, fmt.Sprintf("apply-peak-MiB@%d", n))
	b.ReportMetric(float64(memory[ours][1].peakKB)/1024, fmt.Sprintf("plan-peak-MiB@%d", n))
}

// measure applies n resources in w, reads the state's size, and plans
// them again.
func (s *setup) measure(w *clitest.Workdir, n int) measurement {
	s.b.Helper()
	m := measurement{apply: s.apply(w, n)}
	var err error
	if m.stateBytes, err = stateBytesPerResource(filepath.Join(w.Dir, clitest.StateFile), n); err != nil {
		s.b.Fatal(err)
	}
	m.plan = s.planNoChanges(w)
	return m
}

// measureKeys is measure for n keys of the provider installed by in,
// against a gateway of their own, which must have created n keys.
func (s *setup) measureKeys(in *clitest.Installation, n int) measurement {
	s.b.Helper()
	sb, env := s.sandbox(n, 0)
	m := s.measure(s.workdirIn(in, env, keysConfig(n)), n)
	if created := sb.Server.Stats().Count(http.MethodPost, "/api_keys", http.StatusCreated); created != n {
		s.b.Fatalf("the gateway created %d keys, want %d", created, n)
	}
	return m
}

// attached is what one provider process served: an apply of N keys, or
// the plan after it, with the CLI attached to it.
type attached struct {
	// peakKB is the process's peak resident memory.
	peakKB int
	// cli and provider split the CPU time of the command between the
	// CLI and the one provider process.
	cli, provider time.Duration
}

// attached runs an apply of n resources and, in a process of its own,
// the plan after it, each through a provider the CLI attaches to: for the
// peer, this provider and the baseline.
func (o *overhead) attached(n int) map[string][2]attached {
	s := o.s
	got := map[string][2]attached{
		peer: s.tokensAttached(n),
		ours: s.keysAttached(s.in, s.in.Binary(clitest.SMSProvider.Source), n),
	}
	if o.base != nil {
		got[o.baseName()] = s.keysAttached(o.base.in, o.base.binary, n)
	}
	return got
}

// keysAttached applies and plans n keys of binary, installed by in.
func (s *setup) keysAttached(in *clitest.Installation, binary string, n int) [2]attached {
	s.b.Helper()
	sb, env := s.sandbox(n, 0)
	// The CLI gets a wrong API key: only the attached provider, which has
	// the right one, can create the keys.
	w := s.workdirIn(in, map[string]string{"SMS_ENDPOINT": sb.Endpoint, "SMS_API_KEY": strings.Repeat("x", 32)}, keysConfig(n))
	return s.attachedRuns(binary, env, w, n)
}

// tokensAttached applies and plans n tokens. The CLI is configured
// without the benchmark's provider: only the attached one can serve them.
func (s *setup) tokensAttached(n int) [2]attached {
	s.b.Helper()
	sms := filepath.Dir(s.in.Binary(clitest.SMSProvider.Source))
	config := filepath.Join(s.b.TempDir(), "cli.tfrc")
	if err := os.WriteFile(config, []byte(overrideConfig(clitest.SMSProvider.Source, sms)), 0o600); err != nil {
		s.b.Fatal(err)
	}
	w := s.workdirIn(&clitest.Installation{ConfigFile: config}, nil, tokenConfig(n))
	return s.attachedRuns(s.in.Binary(nullProvider.Source), nil, w, n)
}

// attachedRuns applies n resources in w and then plans them, each with
// the CLI attached to a fresh process of binary started with env.
func (s *setup) attachedRuns(binary string, env map[string]string, w *clitest.Workdir, n int) [2]attached {
	s.b.Helper()
	var got [2]attached
	for i, args := range [][]string{applyArgs, planArgs} {
		p := s.startDebugProvider(binary, env)
		before := s.childrenCPU()
		r := p.run(w, args...)
		got[i].cli = s.childrenCPU() - before
		if i == 0 {
			s.checkApply(r, n)
		} else {
			s.checkNoChanges(r)
		}
		got[i].peakKB = p.peakKB()
		got[i].provider = p.stop()
	}
	return got
}

// timeRows compares the contenders' times of apply and plan.
func (o *overhead) timeRows(t timings) [][]string {
	row := func(name, compared string) []string {
		return []string{name, seconds(t.median(name)), t.all(name), compared}
	}
	versus := func(step, name, other, what string) string {
		a, b := step+" "+name, step+" "+other
		return fmt.Sprintf("%.2f × %s (per run %s)", t.ratio(a, b), what, t.perRun(a, b))
	}
	rows := [][]string{{"measurement", "median", "runs", "compared"}}
	for _, step := range []string{"apply", "plan"} {
		rows = append(rows,
			row(step+" "+alone, "Terraform alone"),
			row(step+" "+floor, "framework floor; "+versus(step, floor, alone, "Terraform alone")),
			row(step+" "+peer, "peer; "+versus(step, peer, floor, "floor")),
			row(step+" "+ours, versus(step, ours, peer, "peer")+", target ≤ 0.8; "+versus(step, ours, floor, "floor")),
		)
		if o.base != nil {
			rows = append(rows, row(step+" "+o.baseName(), "before; sms_api_key is "+versus(step, ours, o.baseName(), "this")))
		}
	}
	return rows
}

// latencyRow compares the apply against a slow gateway with its bound.
func (o *overhead) latencyRow(n int, t timings) []string {
	name := "apply " + withWait
	bound := t.median("apply "+floor) + time.Duration(n/parallelism)*latency
	return []string{name, seconds(t.median(name)), t.all(name), fmt.Sprintf(
		"%s per request: %.2f × bound %s = floor + %d/%d × %s; %.2f × without latency",
		latency, t.median(name).Seconds()/bound.Seconds(), seconds(bound), n, parallelism, latency,
		t.ratio(name, "apply "+ours))}
}

func (o *overhead) footprintRows(n int, bytes map[string][]float64, memory map[string][2]attached) [][]string {
	rows := [][]string{{"measurement", "value", "how"}}
	for _, name := range []string{alone, floor, peer, ours} {
		rows = append(rows, []string{"state bytes per resource, " + name, fmt.Sprintf("%.0f", median(bytes[name])),
			fmt.Sprintf("state file size / %d after the apply", n)})
	}
	names := []string{peer, ours}
	if o.base != nil {
		names = append(names, o.baseName())
	}
	for _, name := range names {
		for i, step := range []string{"apply", "plan"} {
			a := memory[name][i]
			rows = append(rows,
				[]string{fmt.Sprintf("provider peak memory, %s, %s", step, name), mebibytes(a.peakKB),
					"VmHWM of the one provider process the CLI attaches to (target for sms_api_key ≤ 256 MiB at N = 1000)"},
				[]string{fmt.Sprintf("CPU time of that %s, %s", step, name), fmt.Sprintf("CLI %s, provider %s", seconds(a.cli), seconds(a.provider)),
					"user + system, of the CLI and of the one provider process"},
			)
		}
	}
	return rows
}

// printInstance prints what each field of one key takes in a state file.
func (o *overhead) printInstance() {
	s := o.s
	sb, env := s.sandbox(1, 0)
	w := s.workdir(env, keysConfig(1))
	s.apply(w, 1)
	if created := sb.Server.Stats().Count(http.MethodPost, "/api_keys", http.StatusCreated); created != 1 {
		s.b.Fatalf("the gateway created %d keys, want 1", created)
	}
	fields, err := instanceFieldBytes(filepath.Join(w.Dir, clitest.StateFile), ours)
	if err != nil {
		s.b.Fatal(err)
	}
	rows := [][]string{{"field", "bytes", "value"}}
	total := 0
	for _, f := range fields {
		value := "set"
		if f.null {
			value = "null"
		}
		rows = append(rows, []string{f.name, fmt.Sprint(f.bytes), value})
		total += f.bytes
	}
	table(fmt.Sprintf("One sms_api_key in the state, created with a label only: %d bytes in its fields", total), rows)
}

// BenchmarkListing reads the sms_api_keys data source over an account of
// listed keys: the wall time of a plan and of an apply that read it
// (BENCH_RUNS each), the requests per read (the bound is one per page),
// and the provider's peak memory.
func BenchmarkListing(b *testing.B) {
	k, err := readKnobs(os.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	s := newSetup(b)
	startLoad := loadAverage()
	sb, env := s.sandbox(listed-1, 0)
	fill(b, sb, listed-1)
	w := s.workdir(env, listingConfig)
	want := fmt.Sprintf("listed = %d", listed)
	lists := func() int { return sb.Server.Stats().Count(http.MethodGet, "/api_keys", 0) }

	t := timings{}
	var perRead []int
	for _, command := range []string{"plan", "apply"} {
		for range k.runs {
			before := lists()
			args := []string{command, "-input=false", "-no-color"}
			if command == "apply" {
				args = append(args, "-auto-approve")
			}
			r := w.MustRun(args...)
			if !strings.Contains(r.Stdout, want) {
				b.Fatalf("the %s did not list %d keys:\n%s", command, listed, r)
			}
			t.add(command, r.Elapsed)
			perRead = append(perRead, lists()-before)
		}
	}
	for _, got := range perRead {
		if got != perRead[0] {
			b.Errorf("requests per read differ between runs: %v", perRead)
		}
	}

	// The CLI gets a wrong API key: only the attached provider, which has
	// the right one, can make the plan succeed.
	p := s.startDebugProvider(s.in.Binary(clitest.SMSProvider.Source), env)
	idle := p.peakKB()
	attached := s.workdir(map[string]string{"SMS_ENDPOINT": sb.Endpoint, "SMS_API_KEY": strings.Repeat("x", 32)}, listingConfig)
	if r := p.run(attached, "plan", "-input=false", "-no-color"); r.Err != nil || !strings.Contains(r.Stdout, want) {
		b.Fatalf("the plan through the attached provider failed:\n%s", r)
	}
	peak := p.peakKB()
	p.stop()

	bound := (listed + pageSize - 1) / pageSize
	table(fmt.Sprintf("sms_api_keys over %d keys, medians of %d runs: %s\nload average (1, 5, 15 min) at start → end: %s → %s",
		listed, k.runs, s.header(), startLoad, loadAverage()), [][]string{
		{"measurement", "median", "runs", "compared"},
		{"plan that reads it", seconds(t.median("plan")), t.all("plan"), ""},
		{"apply that reads it", seconds(t.median("apply")), t.all("apply"), ""},
		{"requests per read", fmt.Sprint(perRead[0]), fmt.Sprint(perRead), fmt.Sprintf("bound %d (%d keys / %d per page)", bound, listed, pageSize)},
		{"provider peak memory (VmHWM)", mebibytes(peak), "1", mebibytes(idle) + " right after start-up"},
	})
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(t.median("plan").Seconds(), "plan-s")
	b.ReportMetric(float64(perRead[0]), "requests/read")
	b.ReportMetric(float64(peak)/1024, "peak-MiB")
}

// BenchmarkRoundTrips counts the requests that each operation on
// roundTripKeys keys sends, from the sandbox's stats: create (apply), read
// (the refresh of a plan), update and delete. Update and delete run with
// -refresh=false so that their count is theirs alone; the read count is
// measured on its own.
func BenchmarkRoundTrips(b *testing.B) {
	const n = roundTripKeys
	s := newSetup(b)
	startLoad := loadAverage()
	sb, env := s.sandbox(n, 0)
	w := s.workdir(env, keysConfig(n))
	ops := []struct {
		name, method, route string
		run                 func()
	}{
		{"create", http.MethodPost, "/api_keys", func() { s.apply(w, n) }},
		{"read", http.MethodGet, "/api_keys/{id}", func() { s.planNoChanges(w) }},
		{"update", http.MethodPatch, "/api_keys/{id}", func() {
			r := w.MustRun("apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-var=label=renamed")
			if want := fmt.Sprintf("%d changed", n); !strings.Contains(r.Stdout, want) {
				b.Fatalf("the relabel did not report %q:\n%s", want, r)
			}
		}},
		{"delete", http.MethodDelete, "/api_keys/{id}", func() {
			r := w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-var=label=renamed")
			if want := fmt.Sprintf("%d destroyed", n); !strings.Contains(r.Stdout, want) {
				b.Fatalf("the destroy did not report %q:\n%s", want, r)
			}
		}},
	}

	rows := [][]string{{"operation", "requests", "per key", "target", "requests seen"}}
	for _, op := range ops {
		before := sb.Server.Stats()
		op.run()
		seen, total := difference(before, sb.Server.Stats())
		perKey := float64(total) / n
		rows = append(rows, []string{op.name, fmt.Sprint(total), fmt.Sprintf("%.2f", perKey),
			fmt.Sprintf("1 × %s %s", op.method, op.route), seen})
		b.ReportMetric(perKey, op.name+"-requests/key")
	}
	table(fmt.Sprintf("Round trips, N = %d: %s\nload average (1, 5, 15 min) at start → end: %s → %s",
		n, s.header(), startLoad, loadAverage()), rows)
	b.ReportMetric(0, "ns/op")
}

// difference describes the requests between two snapshots of the stats,
// and counts them.
func difference(before, after sandbox.Stats) (string, int) {
	var parts []string
	total := 0
	for _, rc := range after.Requests {
		if d := rc.Count - before.Count(rc.Method, rc.Route, rc.Status); d > 0 {
			parts = append(parts, fmt.Sprintf("%d × %s %s %d", d, rc.Method, rc.Route, rc.Status))
			total += d
		}
	}
	return strings.Join(parts, ", "), total
}

// fill creates count keys through the gateway's API, a few at a time.
func fill(b *testing.B, sb *sandboxtest.Sandbox, count int) {
	b.Helper()
	api, err := client.New(client.Config{Endpoint: sb.Endpoint, APIKey: sb.APIKey})
	if err != nil {
		b.Fatal(err)
	}
	const workers = 8
	labels := make(chan string)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for label := range labels {
				if _, err := api.CreateAPIKey(b.Context(), client.CreateAPIKeyInput{Label: label}); err != nil {
					select {
					case errs <- err:
					default: // one error is enough to report
					}
				}
			}
		})
	}
	for i := range count {
		labels <- fmt.Sprintf("listed-%04d", i)
	}
	close(labels)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("creating the keys to list: %v", err)
	}
}
