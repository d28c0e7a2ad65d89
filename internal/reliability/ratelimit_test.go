package reliability

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

const rateLimitedKeys = 50

var rateLimitConfig = header + `
resource "sms_api_key" "k" {
  count = 50
  label = "busy-${count.index}"
}
`

// A 429 as the user would see it: the status on its own (a key id can
// hold the digits 429, but never with a word boundary on both sides), the
// contract's code, the provider's advice, or any error at all.
var rateLimitShown = regexp.MustCompile(`(?i:\b429\b|rate_limited|too many requests|slow down)|Error:`)

// TestAccRateLimitIsWaitedOut creates 50 keys, 20 at a time, against a
// gateway that allows 5 requests a second (burst 10): the gateway must
// refuse many of them with 429, and the provider must wait each out so
// that the apply succeeds and the user never sees one.
func TestAccRateLimitIsWaitedOut(t *testing.T) {
	t.Parallel()
	cliPath(t)
	sb := sandboxtest.Start(t, sandbox.Options{})
	g := newGateway(t, sb.Endpoint, sb.APIKey)
	sb.Server.SetRateLimit(5)

	w := g.workdir(t)
	w.WriteFile("main.tf", rateLimitConfig)
	r := apply(w, "-parallelism=20")

	st := sb.Server.Stats()
	limited := st.Count(http.MethodPost, "/api_keys", http.StatusTooManyRequests)
	created := st.Count(http.MethodPost, "/api_keys", http.StatusCreated)
	t.Logf("POST /api_keys: %d created, %d answered 429, apply took %s", created, limited, r.Elapsed)
	if limited == 0 {
		t.Error("the gateway never answered 429: the test did not exercise the rate limit")
	}
	if created != rateLimitedKeys {
		t.Errorf("the gateway created %d keys, want %d", created, rateLimitedKeys)
	}
	if m := rateLimitShown.FindString(r.Output()); m != "" {
		t.Errorf("the apply showed the user %q:\n%s", m, r)
	}

	sb.Server.SetRateLimit(0)
	instances := w.State().Managed("sms_api_key")
	if len(instances) != rateLimitedKeys {
		t.Fatalf("state holds %d keys, want %d", len(instances), rateLimitedKeys)
	}
	g.expectKeys(t, instances)
}
