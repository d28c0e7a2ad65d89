package reliability

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

var slowConfig = header + `
provider "sms" {
  request_timeout = "1s"
  max_retries     = 1
}

resource "sms_api_key" "k" {
  label = "slow"
}
`

const (
	attemptTimeout = time.Second
	attempts       = 2 // max_retries = 1
	// firstBackoff is the most the client waits before its first retry:
	// twice its minimum wait of 500ms, which the provider keeps.
	firstBackoff = time.Second
	// resolveBudget is how long the provider asks once more, after the
	// attempts, what became of a create whose answer did not come.
	resolveBudget = 5 * time.Second
	// slack absorbs scheduling noise of a busy machine on top of the
	// measured cost of the CLI itself.
	slack = 3 * time.Second
	// clientGone is the status the sandbox counts for a request whose
	// client left before it was handled.
	clientGone = 499
)

// slowGateway is a sandbox that waits latency before it handles each
// request, and a workdir that asks it for one key with a request_timeout
// shorter than that.
type slowGateway struct {
	*gateway
	sb   *sandboxtest.Sandbox
	w    *clitest.Workdir
	plan time.Duration // what the CLI costs here on its own
}

func newSlowGateway(t *testing.T, latency time.Duration) *slowGateway {
	t.Helper()
	cliPath(t)
	sb := sandboxtest.Start(t, sandbox.Options{})
	g := newGateway(t, sb.Endpoint, sb.APIKey)
	sb.Server.SetFaults(latency, 0)
	w := g.workdir(t)
	w.WriteFile("main.tf", slowConfig)

	// Planning a new key calls no API, so a plan measures what the CLI
	// costs here on its own: start-up, the provider's start, one walk of
	// the graph. An apply walks twice (plan, then apply).
	before := sb.Server.Stats().Total
	plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if plan.ExitCode != 2 {
		t.Fatalf("plan should propose the key (exit 2):\n%s", plan)
	}
	if n := sb.Server.Stats().Total - before; n != 0 {
		t.Fatalf("the plan sent %d requests, want none", n)
	}
	return &slowGateway{gateway: g, sb: sb, w: w, plan: plan.Elapsed}
}

// posts counts the creates the gateway saw with status (0: any).
func (s *slowGateway) posts(status int) int {
	return s.sb.Server.Stats().Count(http.MethodPost, "/api_keys", status)
}

// TestAccSlowGatewayAnswerIsAwaited applies a key against a gateway slower
// than request_timeout: each attempt is abandoned at the timeout, and the
// provider then asks once more, waiting longer, with the same request. The
// key is created exactly once and kept, within a bounded time.
func TestAccSlowGatewayAnswerIsAwaited(t *testing.T) {
	t.Parallel()
	const latency = 3 * time.Second
	s := newSlowGateway(t, latency)

	bound := attempts*attemptTimeout + firstBackoff + latency + 2*s.plan + slack
	r := apply(s.w)
	t.Logf("apply took %s (bound %s; plan alone %s)", r.Elapsed, bound, s.plan)
	if r.Elapsed > bound {
		t.Errorf("apply took %s, longer than %s", r.Elapsed, bound)
	}

	// The sandbox counts a request whose client left during the latency as
	// 499 once it notices the closed connection.
	if !eventually(t, latency, func() bool { return s.posts(clientGone) >= attempts }) {
		t.Errorf("the gateway saw %d abandoned creates, want %d", s.posts(clientGone), attempts)
	}
	if handled := s.posts(http.StatusCreated); handled != 1 {
		t.Errorf("the gateway handled %d creates, want 1", handled)
	}
	s.sb.Server.SetFaults(0, 0)
	s.expectKeys(t, s.w.State().Managed("sms_api_key"))
}

// TestAccGatewayTooSlowToConfirm applies a key against a gateway too slow
// even for the provider's last question: the apply fails with an error
// that says the creation is unconfirmed and keeps the request, tainted, in
// state. Once the gateway is quick again, the next plan looks the key up
// and writes nothing, and the next apply replaces the tainted instance: the
// account ends with exactly the key in state, and destroy leaves none.
func TestAccGatewayTooSlowToConfirm(t *testing.T) {
	t.Parallel()
	const latency = 8 * time.Second
	s := newSlowGateway(t, latency)

	bound := attempts*attemptTimeout + firstBackoff + resolveBudget + 2*s.plan + slack
	r := s.w.Run("apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("apply failed after %s (bound %s; plan alone %s)", r.Elapsed, bound, s.plan)
	if r.ExitCode != 1 {
		t.Fatalf("apply against a gateway slower than every wait did not fail:\n%s", r)
	}
	if out := strings.Join(strings.Fields(r.Output()), " "); !strings.Contains(out, "API Key Creation Unconfirmed") ||
		!strings.Contains(out, "request_timeout") {
		t.Errorf("the error does not say that the creation is unconfirmed after request_timeout ran out:\n%s", r)
	}
	if r.Elapsed > bound {
		t.Errorf("apply took %s, longer than %s", r.Elapsed, bound)
	}
	pending := s.w.State().Managed("sms_api_key")
	if len(pending) != 1 || pending[0].Status != "tainted" || pending[0].Attr("id") != "" || len(pending[0].Private) == 0 {
		t.Fatalf("state after the unconfirmed create holds %+v, want one tainted instance without id, with its request", pending)
	}

	if made := s.posts(http.StatusCreated); made != 0 {
		t.Fatalf("the gateway made %d keys for requests whose clients had left, want 0", made)
	}

	// The next plan only looks the key up: it finds none, and writes
	// nothing. The apply replaces the tainted instance with a new key,
	// making no key only to delete it.
	s.sb.Server.SetFaults(0, 0)
	before := s.sb.Server.Stats()
	plan := s.w.Run("plan", "-input=false", "-no-color")
	after := s.sb.Server.Stats()
	if plan.ExitCode != 0 || !strings.Contains(strings.Join(strings.Fields(plan.Output()), " "), "API Key Creation Still Unconfirmed") {
		t.Errorf("the plan after the unconfirmed create does not say it is still unconfirmed:\n%s", plan)
	}
	if writes := after.Total - before.Total - (after.Count(http.MethodGet, "/api_keys", 0) - before.Count(http.MethodGet, "/api_keys", 0)); writes != 0 {
		t.Errorf("the plan sent %d requests besides the lookup", writes)
	}
	apply(s.w)
	adopted := s.w.State().Managed("sms_api_key")
	if len(adopted) != 1 || adopted[0].Status != "" {
		t.Fatalf("state after the next apply holds %+v, want one sound key", adopted)
	}
	st := s.sb.Server.Stats()
	if made, deleted := s.posts(http.StatusCreated), st.Count(http.MethodDelete, "/api_keys/{id}", 0); made != 1 || deleted != 0 {
		t.Errorf("the next apply made %d keys and deleted %d, want the one key in state made and none deleted", made, deleted)
	}
	s.expectKeys(t, adopted)

	s.w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	s.expectKeys(t, nil)
}
