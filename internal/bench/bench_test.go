package bench

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
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
	// n resources per configuration.
	n = 100
	// runs of each timing; the report gives their median.
	runs = 3
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

var (
	terraformDataConfig = fmt.Sprintf(`
resource "terraform_data" "r" {
  count = %d
  input = "bench-${count.index}"
}
`, n)

	nullConfig = requireProvider("null", nullProvider.Source) + fmt.Sprintf(`
resource "null_item" "r" {
  count = %d
  label = "bench-${count.index}"
}
`, n)

	keysConfig = requireProvider("sms", clitest.SMSProvider.Source) + fmt.Sprintf(`
variable "label" {
  type    = string
  default = "bench"
}

resource "sms_api_key" "r" {
  count = %d
  label = "${var.label}-${count.index}"
}
`, n)

	listingConfig = requireProvider("sms", clitest.SMSProvider.Source) + `
data "sms_api_keys" "all" {}

output "listed" {
  value = length(data.sms_api_keys.all.ids)
}
`
)

// sdkLogsOff keeps the plugin SDK from producing its trace logs, which it
// does by default and Terraform drops unless TF_LOG asks for them.
var sdkLogsOff = map[string]string{"TF_LOG_SDK": "OFF"}

// BenchmarkOverhead times an apply of n keys and a no-change plan of them
// (which refreshes each), next to the same for n terraform_data (Terraform
// alone) and n null_item (the framework floor), interleaved run by run so
// that the machine's drift hits all of them alike; then the apply of n keys
// against a gateway that takes latency per request, whose lower bound is
// the framework floor plus n/parallelism rounds of latency. More runs take
// the gateway out (plan -refresh=false) and the plugin SDK's trace logs
// (TF_LOG_SDK=OFF), to show where the time goes.
func BenchmarkOverhead(b *testing.B) {
	s := newSetup(b)
	// One untimed validate per configuration loads every binary from disk
	// before anything is timed.
	_, env := s.sandbox(0, 0)
	for _, config := range []string{terraformDataConfig, nullConfig, keysConfig} {
		s.workdir(env, config).MustRun("validate", "-no-color")
	}

	t := timings{}
	for range runs {
		w := s.workdir(nil, terraformDataConfig)
		t.add("apply terraform_data", s.apply(w))
		t.add("plan terraform_data", s.planNoChanges(w, nil))

		w = s.workdir(nil, nullConfig)
		t.add("apply null_item", s.apply(w))
		t.add("plan null_item", s.planNoChanges(w, nil))
		t.add("plan -refresh=false null_item", s.planNoChanges(w, nil, "-refresh=false"))
		t.add("plan -refresh=false null_item, TF_LOG_SDK=OFF", s.planNoChanges(w, sdkLogsOff, "-refresh=false"))
		t.add("apply null_item, TF_LOG_SDK=OFF", s.applyEnv(s.workdir(nil, nullConfig), sdkLogsOff))

		sb, env := s.sandbox(n, 0)
		w = s.workdir(env, keysConfig)
		t.add("apply sms_api_key", s.apply(w))
		t.add("plan sms_api_key", s.planNoChanges(w, nil))
		t.add("plan -refresh=false sms_api_key", s.planNoChanges(w, nil, "-refresh=false"))
		t.add("plan -refresh=false sms_api_key, TF_LOG_SDK=OFF", s.planNoChanges(w, sdkLogsOff, "-refresh=false"))
		if created := sb.Server.Stats().Count(http.MethodPost, "/api_keys", http.StatusCreated); created != n {
			b.Fatalf("the gateway created %d keys, want %d", created, n)
		}

		_, env = s.sandbox(n, 0)
		t.add("apply sms_api_key, TF_LOG_SDK=OFF", s.applyEnv(s.workdir(env, keysConfig), sdkLogsOff))

		_, env = s.sandbox(n, latency)
		t.add("apply sms_api_key, latency", s.apply(s.workdir(env, keysConfig)))
	}

	ratio := func(a, b string) float64 { return t.median(a).Seconds() / t.median(b).Seconds() }
	bound := t.median("apply null_item") + n/parallelism*latency
	slowRatio := t.median("apply sms_api_key, latency").Seconds() / bound.Seconds()
	row := func(name, versus string) []string {
		return []string{name, seconds(t.median(name)), t.all(name), versus}
	}
	versus := func(name, floor, alone string) string {
		return fmt.Sprintf("%.2f × framework floor; %.2f × Terraform alone", ratio(name, floor), ratio(name, alone))
	}
	table(fmt.Sprintf("Overhead, n = %d, medians of %d runs: %s", n, runs, s.header()), [][]string{
		{"measurement", "median", "runs", "compared"},
		row("apply terraform_data", "Terraform alone"),
		row("apply null_item", fmt.Sprintf("framework floor; %.2f × Terraform alone", ratio("apply null_item", "apply terraform_data"))),
		row("apply sms_api_key", versus("apply sms_api_key", "apply null_item", "apply terraform_data")+" (target ≤ 1.15 × floor)"),
		row("plan terraform_data", "Terraform alone"),
		row("plan null_item", fmt.Sprintf("framework floor; %.2f × Terraform alone", ratio("plan null_item", "plan terraform_data"))),
		row("plan sms_api_key", versus("plan sms_api_key", "plan null_item", "plan terraform_data")+" (target ≤ 1.15 × floor)"),
		row("apply sms_api_key, latency", fmt.Sprintf("%.2f × bound %s = floor + %d/%d × %s (target ≤ 1.2); %.2f × without latency",
			slowRatio, seconds(bound), n, parallelism, latency, ratio("apply sms_api_key, latency", "apply sms_api_key"))),
		row("apply null_item, TF_LOG_SDK=OFF", "no SDK trace logs"),
		row("apply sms_api_key, TF_LOG_SDK=OFF", fmt.Sprintf("%.2f × the same for null_item",
			ratio("apply sms_api_key, TF_LOG_SDK=OFF", "apply null_item, TF_LOG_SDK=OFF"))),
		row("plan -refresh=false null_item", "no gateway calls"),
		row("plan -refresh=false sms_api_key", fmt.Sprintf("%.2f × the same for null_item",
			ratio("plan -refresh=false sms_api_key", "plan -refresh=false null_item"))),
		row("plan -refresh=false null_item, TF_LOG_SDK=OFF", "no gateway calls, no SDK trace logs"),
		row("plan -refresh=false sms_api_key, TF_LOG_SDK=OFF", fmt.Sprintf("%.2f × the same for null_item",
			ratio("plan -refresh=false sms_api_key, TF_LOG_SDK=OFF", "plan -refresh=false null_item, TF_LOG_SDK=OFF"))),
	})
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(t.median("apply sms_api_key").Seconds(), "apply-s")
	b.ReportMetric(ratio("apply sms_api_key", "apply null_item"), "apply/floor")
	b.ReportMetric(ratio("plan sms_api_key", "plan null_item"), "plan/floor")
	b.ReportMetric(slowRatio, "latency-apply/bound")
}

// BenchmarkListing reads the sms_api_keys data source over an account of
// listed keys: the wall time of a plan and of an apply that read it, the
// requests per read (the bound is one per page), and the provider's peak
// memory.
func BenchmarkListing(b *testing.B) {
	s := newSetup(b)
	sb, env := s.sandbox(listed-1, 0)
	fill(b, sb, listed-1)
	w := s.workdir(env, listingConfig)
	want := fmt.Sprintf("listed = %d", listed)
	lists := func() int { return sb.Server.Stats().Count(http.MethodGet, "/api_keys", 0) }

	t := timings{}
	var perRead []int
	for _, command := range []string{"plan", "apply"} {
		for range runs {
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
	idle, peak := s.providerMemory(sb, listingConfig, want)

	bound := (listed + pageSize - 1) / pageSize
	table(fmt.Sprintf("sms_api_keys over %d keys, medians of %d runs: %s", listed, runs, s.header()), [][]string{
		{"measurement", "median", "runs", "compared"},
		{"plan that reads it", seconds(t.median("plan")), t.all("plan"), ""},
		{"apply that reads it", seconds(t.median("apply")), t.all("apply"), ""},
		{"requests per read", fmt.Sprint(perRead[0]), fmt.Sprint(perRead), fmt.Sprintf("bound %d (%d keys / %d per page)", bound, listed, pageSize)},
		{"provider peak memory (VmHWM)", fmt.Sprintf("%.1f MiB", float64(peak)/1024), "1", fmt.Sprintf("%.1f MiB right after start-up", float64(idle)/1024)},
	})
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(t.median("plan").Seconds(), "plan-s")
	b.ReportMetric(float64(perRead[0]), "requests/read")
	b.ReportMetric(float64(peak)/1024, "peak-MiB")
}

// BenchmarkRoundTrips counts the requests that each operation on n keys
// sends, from the sandbox's stats: create (apply), read (the refresh of a
// plan), update and delete. Update and delete run with -refresh=false so
// that their count is theirs alone; the read count is measured on its own.
func BenchmarkRoundTrips(b *testing.B) {
	s := newSetup(b)
	sb, env := s.sandbox(n, 0)
	w := s.workdir(env, keysConfig)
	ops := []struct {
		name, method, route string
		run                 func()
	}{
		{"create", http.MethodPost, "/api_keys", func() { s.apply(w) }},
		{"read", http.MethodGet, "/api_keys/{id}", func() { s.planNoChanges(w, nil) }},
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
	table(fmt.Sprintf("Round trips, n = %d: %s", n, s.header()), rows)
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

// providerMemory starts the provider as a process of its own in debug mode,
// has the CLI attach to it for one plan of config, and returns the
// process's peak resident memory before and after that plan, in KiB. The
// CLI is given a wrong API key: only the attached provider, which has the
// right one, can make the plan succeed.
func (s *setup) providerMemory(sb *sandboxtest.Sandbox, config, want string) (idle, peak int) {
	s.b.Helper()
	cmd := exec.Command(s.in.Binary(clitest.SMSProvider.Source), "-debug")
	cmd.Env = []string{"SMS_ENDPOINT=" + sb.Endpoint, "SMS_API_KEY=" + sb.APIKey}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.b.Fatal(err)
	}
	exited := make(chan error, 1)
	reattach := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if _, value, ok := strings.Cut(lines.Text(), "TF_REATTACH_PROVIDERS='"); ok {
				reattach <- strings.TrimSuffix(value, "'")
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	s.b.Cleanup(func() {
		_ = cmd.Process.Kill()
	})

	var attach string
	select {
	case attach = <-reattach:
	case <-time.After(30 * time.Second):
		s.b.Fatal("the provider printed no TF_REATTACH_PROVIDERS in debug mode")
	}
	if idle, err = peakMemoryKB(cmd.Process.Pid); err != nil {
		s.b.Fatal(err)
	}

	w := s.workdir(map[string]string{"SMS_ENDPOINT": sb.Endpoint, "SMS_API_KEY": strings.Repeat("x", 32)}, config)
	r := w.RunEnv(map[string]string{"TF_REATTACH_PROVIDERS": attach}, "plan", "-input=false", "-no-color")
	if r.Err != nil || !strings.Contains(r.Stdout, want) {
		s.b.Fatalf("the plan through the attached provider failed:\n%s", r)
	}
	if peak, err = peakMemoryKB(cmd.Process.Pid); err != nil {
		s.b.Fatal(err)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		s.b.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			s.b.Errorf("the provider in debug mode exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		s.b.Error("the provider in debug mode did not stop on SIGINT")
	}
	return idle, peak
}
