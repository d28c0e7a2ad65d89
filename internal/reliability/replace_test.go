package reliability

import (
	"errors"
	"net/http"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

var replaceConfig = header + `
resource "sms_api_key" "x" {
  label = "rotated-by-hand"
}
`

// TestAccReplaceIssuesANewKey runs apply -replace, the way a user rotates a
// key at will: a new key must take the old one's place in state and work,
// and the old one must be gone from the account and stop working.
func TestAccReplaceIssuesANewKey(t *testing.T) {
	t.Parallel()
	cliPath(t)
	sb := sandboxtest.Start(t, sandbox.Options{})
	g := newGateway(t, sb.Endpoint, sb.APIKey)
	w := g.workdir(t)
	w.WriteFile("main.tf", replaceConfig)

	apply(w)
	old := w.State().Managed("sms_api_key")
	if len(old) != 1 {
		t.Fatalf("state holds %d keys, want 1", len(old))
	}
	g.expectKeys(t, old)

	apply(w, "-replace=sms_api_key.x")
	replaced := w.State().Managed("sms_api_key")
	if len(replaced) != 1 || replaced[0].Attr("id") == old[0].Attr("id") || replaced[0].Attr("key") == old[0].Attr("key") {
		t.Fatalf("after -replace, state holds %+v; want one key with a new id and a new key", ids(replaced))
	}
	g.expectKeys(t, replaced)

	if _, err := g.api.GetAPIKey(t.Context(), old[0].Attr("id")); !client.NotFound(err) {
		t.Errorf("the replaced key %s: %v, want 404", old[0].Attr("id"), err)
	}
	oldKey := checkClient(t, g.endpoint, old[0].Attr("key"))
	var apiErr *client.APIError
	if _, err := oldKey.Balance(t.Context()); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the replaced key still authenticates, or fails otherwise than 401: %v", err)
	}
}
