package reliability

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

var slowConfig = header + `
provider "sms" {
  request_timeout = "1s"
  max_retries     = 1
}

resource "sms_api_key" "k" {
  label = "never-created"
}
`

const (
	slowLatency    = 3 * time.Second
	attemptTimeout = time.Second
	attempts       = 2 // max_retries = 1
	// firstBackoff is the most the client waits before its first retry:
	// twice its minimum wait of 500ms, which the provider keeps.
	firstBackoff = time.Second
	// slack absorbs scheduling noise of a busy machine on top of the
	// measured cost of the CLI itself.
	slack = 3 * time.Second
	// clientGone is the status the sandbox counts for a request whose
	// client left before it was handled.
	clientGone = 499
)

// TestAccSlowGatewayTimesOut applies a key against a gateway slower than
// request_timeout: each attempt must be abandoned at the timeout, the apply
// must fail with an error that names request_timeout within a bounded
// time, and the gateway must have handled none of the abandoned requests,
// so that no key was created behind the user's back.
func TestAccSlowGatewayTimesOut(t *testing.T) {
	t.Parallel()
	cliPath(t)
	sb := sandboxtest.Start(t, sandbox.Options{})
	g := newGateway(t, sb.Endpoint, sb.APIKey)
	sb.Server.SetFaults(slowLatency, 0)
	before := sb.Server.Stats().Total

	w := g.workdir(t)
	w.WriteFile("main.tf", slowConfig)

	// Planning a new key calls no API, so a plan measures what the CLI
	// costs here on its own: start-up, the provider's start, one walk of
	// the graph. An apply walks twice (plan, then apply).
	plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if plan.ExitCode != 2 {
		t.Fatalf("plan should propose the key (exit 2):\n%s", plan)
	}
	if n := sb.Server.Stats().Total - before; n != 0 {
		t.Fatalf("the plan sent %d requests, want none", n)
	}

	// Bound: every attempt ends at request_timeout, with one backoff
	// between the two attempts, plus twice the CLI's own cost and slack.
	bound := attempts*attemptTimeout + firstBackoff + 2*plan.Elapsed + slack
	r := w.Run("apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("apply failed after %s (bound %s; plan alone %s)", r.Elapsed, bound, plan.Elapsed)
	if r.ExitCode != 1 {
		t.Fatalf("apply against a gateway slower than request_timeout did not fail:\n%s", r)
	}
	if out := r.Output(); !strings.Contains(out, "request_timeout") || !strings.Contains(out, "Unable to Create API Key") {
		t.Errorf("the error does not say that request_timeout ran out while creating the key:\n%s", r)
	}
	if r.Elapsed > bound {
		t.Errorf("apply took %s, longer than %s", r.Elapsed, bound)
	}

	// The sandbox counts a request whose client left during the latency
	// as 499 once it notices the closed connection, which may come just
	// after the CLI has exited.
	posts := func() int { return sb.Server.Stats().Count(http.MethodPost, "/api_keys", 0) }
	if !eventually(t, slowLatency, func() bool { return posts() >= attempts }) {
		t.Fatalf("the gateway saw %d creates, want %d", posts(), attempts)
	}
	sb.Server.SetFaults(0, 0)
	for _, k := range g.keys(t) {
		if k.ID != g.firstKeyID {
			t.Errorf("the failed apply left key %s (%q) behind in the account", k.ID, k.Label)
		}
	}
	st := sb.Server.Stats()
	if abandoned, all := st.Count(http.MethodPost, "/api_keys", clientGone), st.Count(http.MethodPost, "/api_keys", 0); abandoned != attempts || all != attempts {
		t.Errorf("creates: %d abandoned of %d, want both of %d abandoned and none handled", abandoned, all, attempts)
	}
	if n := len(w.State().Managed("sms_api_key")); n != 0 {
		t.Errorf("state holds %d keys after the failed apply, want none", n)
	}
}
