package reliability

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
)

var providers = clitest.NewBuild(clitest.SMSProvider)

func TestMain(m *testing.M) {
	os.Exit(providers.Main(m))
}

// header names the provider by the address that dev_overrides serves.
var header = fmt.Sprintf(`terraform {
  required_providers {
    sms = {
      source = %q
    }
  }
}
`, clitest.SMSProvider.Source)

// cliPath skips the test unless acceptance tests are asked for, and returns
// the CLI to run them with.
func cliPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (scripts/testacc does) to drive the Terraform CLI")
	}
	if cli := clitest.CLIPath(); cli != "" {
		return cli
	}
	cli, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH names no CLI and no terraform is on PATH")
	}
	return cli
}

// gateway is a sandbox seen from outside: its API, and a client of its
// first key for the checks.
type gateway struct {
	endpoint string
	apiKey   string
	api      *client.Client
	// firstKeyID is the account's own key, which holds every scope; every
	// other key in the account was made by the test.
	firstKeyID string
}

// checkClient talks to the gateway for the test's own checks. Faults may
// still be on while it runs, so it retries far more than the provider
// and waits little: 21 attempts that each fail with probability 0.3 fail
// together with probability 0.3^21 ≈ 1e-11.
func checkClient(t *testing.T, endpoint, key string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoint:       endpoint,
		APIKey:         key,
		MaxRetries:     20,
		RequestTimeout: 30 * time.Second,
		RetryWaitMin:   10 * time.Millisecond,
		RetryWaitMax:   100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newGateway(t *testing.T, endpoint, apiKey string) *gateway {
	t.Helper()
	g := &gateway{endpoint: endpoint, apiKey: apiKey, api: checkClient(t, endpoint, apiKey)}
	keys := g.keys(t)
	if len(keys) != 1 {
		t.Fatalf("a fresh account holds %d keys, want only its own", len(keys))
	}
	g.firstKeyID = keys[0].ID
	return g
}

// workdir is an empty configuration directory whose CLI runs the provider
// against this gateway, through SMS_ENDPOINT and SMS_API_KEY.
func (g *gateway) workdir(t *testing.T) *clitest.Workdir {
	t.Helper()
	return clitest.NewWorkdir(t, cliPath(t), providers.Installation(t),
		map[string]string{"SMS_ENDPOINT": g.endpoint, "SMS_API_KEY": g.apiKey})
}

// keys lists every key of the account.
func (g *gateway) keys(t *testing.T) []client.APIKey {
	t.Helper()
	keys, err := g.api.ListAPIKeys(t.Context(), client.ListAPIKeysInput{})
	if err != nil {
		t.Fatalf("listing the account's keys: %v", err)
	}
	return keys
}

// expectKeys checks that the account holds exactly the keys of instances,
// besides its own, and that each instance's key is that key (its hint,
// length and label match) and authenticates. It returns the keys by id.
func (g *gateway) expectKeys(t *testing.T, instances []clitest.Instance) map[string]client.APIKey {
	t.Helper()
	held := map[string]client.APIKey{}
	for _, k := range g.keys(t) {
		if k.ID != g.firstKeyID {
			held[k.ID] = k
		}
	}
	if len(held) != len(instances) {
		t.Errorf("the account holds %d keys besides its own, want the %d in state", len(held), len(instances))
	}
	for _, inst := range instances {
		id, key := inst.Attr("id"), inst.Attr("key")
		k, ok := held[id]
		switch {
		case !ok:
			t.Errorf("%s: key %s is in state but not in the account", inst.Address, id)
			continue
		case key == "" || !strings.HasSuffix(key, k.KeyHint) || int64(len(key)) != k.Length:
			t.Errorf("%s: the key in state (%d characters) is not key %s (hint %s, length %d)",
				inst.Address, len(key), id, k.KeyHint, k.Length)
		case inst.Attr("label") != k.Label:
			t.Errorf("%s: label %q in state, %q in the account", inst.Address, inst.Attr("label"), k.Label)
		}
		expectWorks(t, g.endpoint, key, inst.Address)
	}
	return held
}

// expectWorks proves that key authenticates, by asking for the balance.
func expectWorks(t *testing.T, endpoint, key, what string) {
	t.Helper()
	if key == "" {
		t.Errorf("%s: state holds no key to try", what)
		return
	}
	if _, err := checkClient(t, endpoint, key).Balance(t.Context()); err != nil {
		t.Errorf("%s: the key does not work: %v", what, err)
	}
}

// ids returns the sorted ids of instances.
func ids(instances []clitest.Instance) []string {
	out := make([]string, 0, len(instances))
	for _, i := range instances {
		out = append(out, i.Attr("id"))
	}
	slices.Sort(out)
	return out
}

// apply applies the configuration in w, failing the test unless it
// succeeds.
func apply(w *clitest.Workdir, args ...string) *clitest.Result {
	return w.MustRun(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
}

// expectNoChanges fails the test unless a plan of w (with refresh) finds
// nothing to do.
func expectNoChanges(t *testing.T, w *clitest.Workdir, args ...string) {
	t.Helper()
	r := w.Run(append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, args...)...)
	if r.ExitCode != 0 {
		t.Fatalf("the plan is not empty (exit 2 means changes):\n%s", r)
	}
}

// eventually polls cond until it holds or a deadline passes; for what the
// sandbox records asynchronously, when a client closes a connection.
func eventually(t *testing.T, within time.Duration, cond func() bool) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}
