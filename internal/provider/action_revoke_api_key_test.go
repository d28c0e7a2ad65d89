package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func revokeAction(id string) string {
	return fmt.Sprintf("\naction \"sms_revoke_api_key\" \"leaked\" {\n  config {\n    id = %s\n  }\n}\n", id)
}

func invokeRevoke(w *clitest.Workdir) *clitest.Result {
	return w.Run("apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.sms_revoke_api_key.leaked")
}

// keyWorks says whether the gateway accepts key, by asking for the balance.
func (e *testEnv) keyWorks(t *testing.T, key string) bool {
	t.Helper()
	api, err := client.New(client.Config{Endpoint: e.endpoint, APIKey: key, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.Balance(context.Background())
	var apiErr *client.APIError
	switch {
	case err == nil:
		return true
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		return false
	}
	t.Fatalf("asking for the balance: %v", err)
	return false
}

// A leaked key that a resource keeps with retire_after is deleted at once,
// not retired; the resource's next plan proposes a new key, and its apply
// makes one.
func TestAccRevokeAPIKeyAction_managedKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	requireListsAndActions(t, w)
	initialized(t, w, config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label        = %q
  permissions  = ["balance"]
  retire_after = "24h"
}
`, testLabel(t))+revokeAction("sms_api_key.test.id")))
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	leakedID, leakedKey := keyInState(t, w)
	if !env.keyWorks(t, leakedKey) {
		t.Fatal("the new key does not work")
	}

	patches := env.sandbox.Stats().Count(http.MethodPatch, "/api_keys/{id}", 0)
	revoked := invokeRevoke(w)
	if revoked.Err != nil {
		t.Fatalf("%s", revoked)
	}
	expectOutput(t, revoked, "Looking up the key "+leakedID, "Deleting the key "+leakedID, "Revoked the key "+leakedID)
	if env.keyWorks(t, leakedKey) {
		t.Error("the revoked key still works")
	}
	if _, err := env.api.GetAPIKey(context.Background(), leakedID); !client.NotFound(err) {
		t.Errorf("the revoked key is still listed (%v)", err)
	}
	if n := env.sandbox.Stats().Count(http.MethodPatch, "/api_keys/{id}", 0) - patches; n != 0 {
		t.Errorf("the action sent %d PATCH requests; a revoked key is deleted, never retired", n)
	}
	if strings.Contains(revoked.Output(), leakedKey) {
		t.Error("the output shows the key")
	}

	plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if plan.ExitCode != 2 {
		t.Fatalf("plan after the revocation: exit %d, want 2 (a new key):\n%s", plan.ExitCode, plan)
	}
	expectOutput(t, plan, "sms_api_key.test will be created", "1 to add, 0 to change, 0 to destroy")
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	replacementID, replacementKey := keyInState(t, w)
	if replacementID == leakedID || !env.keyWorks(t, replacementKey) {
		t.Errorf("the apply after the revocation did not make a new working key: %s", replacementID)
	}
}

// A key already gone is a warning, and nothing is deleted.
func TestAccRevokeAPIKeyAction_alreadyGone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	requireListsAndActions(t, w)
	gone := env.createKeys(t, client.CreateAPIKeyInput{Label: "gone", Permissions: []string{"sms"}})[0]
	if err := env.api.DeleteAPIKey(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}
	initialized(t, w, config(revokeAction(fmt.Sprintf("%q", gone.ID))))

	deletes := env.sandbox.Stats().Count(http.MethodDelete, "/api_keys/{id}", 0)
	r := invokeRevoke(w)
	if r.Err != nil {
		t.Fatalf("%s", r)
	}
	// Terraform 1.14 prints an action's diagnostics as "Warning when
	// invoking action" followed by the summary; 1.16 as the summary alone.
	expectOutput(t, r, "Warning", "API Key Already Gone", "The key "+gone.ID+" does not exist in this account",
		"Actions: 1 invoked")
	if n := env.sandbox.Stats().Count(http.MethodDelete, "/api_keys/{id}", 0) - deletes; n != 0 {
		t.Errorf("the action sent %d DELETE requests for a key already gone", n)
	}
}

// The provider never revokes the key it is configured with; where the
// account forbids reading keys again it cannot tell a key that ends like
// its own from its own, and refuses that too, but revokes any other.
func TestAccRevokeAPIKeyAction_ownKey(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		options sandbox.Options
		want    []string
	}{
		"read again": {
			want: []string{"Cannot Revoke The Provider's Own API Key", "is the key that the provider is configured with"},
		},
		"reading again turned off": {
			options: sandbox.Options{DisableReveal: true},
			want:    []string{"Unable to Tell API Key From The Provider's Own", "Nothing was revoked"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.options)
			env.requireSandbox(t)
			w := env.cli(t)
			requireListsAndActions(t, w)
			other := env.createKeys(t, client.CreateAPIKeyInput{Label: "other", Permissions: []string{"sms"}})[0]
			initialized(t, w, config(revokeAction(fmt.Sprintf("%q", env.ownKeyID))))

			r := invokeRevoke(w)
			if r.Err == nil {
				t.Fatalf("the action revoked the provider's own key:\n%s", r)
			}
			expectOutput(t, r, tc.want...)
			if !env.keyWorks(t, env.apiKey) {
				t.Fatal("the provider's own key no longer works")
			}
			if n := env.sandbox.Stats().Count(http.MethodDelete, "/api_keys/{id}", 0); n != 0 {
				t.Errorf("the action sent %d DELETE requests", n)
			}

			// Another key ends otherwise, and goes without being read again.
			initialized(t, w, config(revokeAction(fmt.Sprintf("%q", other.ID))))
			reads := env.sandbox.Stats().Count(http.MethodGet, credentialsRoute, 0)
			if r := invokeRevoke(w); r.Err != nil {
				t.Fatalf("%s", r)
			}
			if _, err := env.api.GetAPIKey(context.Background(), other.ID); !client.NotFound(err) {
				t.Errorf("another key was not revoked (%v)", err)
			}
			if n := env.sandbox.Stats().Count(http.MethodGet, credentialsRoute, 0) - reads; n != 0 {
				t.Errorf("revoking a key that ends otherwise read %d keys again", n)
			}
		})
	}
}

// keyInState returns the id and key of sms_api_key.test in w's state.
func keyInState(t *testing.T, w *clitest.Workdir) (id, key string) {
	t.Helper()
	var state tfjson.State
	if err := state.UnmarshalJSON([]byte(w.MustRun("show", "-json").Stdout)); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == testKeyAddress {
			return stringAttribute(t, r, "id"), stringAttribute(t, r, "key")
		}
	}
	t.Fatalf("%s is not in state", testKeyAddress)
	return "", ""
}

func stringAttribute(t *testing.T, r *tfjson.StateResource, name string) string {
	t.Helper()
	v, ok := r.AttributeValues[name].(string)
	if !ok || v == "" {
		t.Fatalf("%s.%s is not a non-empty string in state: %v", r.Address, name, r.AttributeValues[name])
	}
	return v
}

func TestOwnKey(t *testing.T) {
	t.Parallel()
	own := newOwnKey("k3yOfTheProviderAbCd")
	cases := map[string]struct {
		key         client.APIKey
		couldBe, is bool
	}{
		"the same":               {key: client.APIKey{KeyHint: "AbCd", Length: 20, Key: "k3yOfTheProviderAbCd"}, couldBe: true, is: true},
		"same end, same length":  {key: client.APIKey{KeyHint: "AbCd", Length: 20, Key: "anotherKeyOfOursAbCd"}, couldBe: true},
		"same end, other length": {key: client.APIKey{KeyHint: "AbCd", Length: 64, Key: "k3yOfTheProviderAbCd"}, is: true},
		"other end":              {key: client.APIKey{KeyHint: "abcd", Length: 20, Key: "k3yOfTheProviderabcd"}},
	}
	for name, tc := range cases {
		if got := own.couldBe(&tc.key); got != tc.couldBe {
			t.Errorf("%s: couldBe = %v, want %v", name, got, tc.couldBe)
		}
		if got := own.is(tc.key.Key); got != tc.is {
			t.Errorf("%s: is = %v, want %v", name, got, tc.is)
		}
	}
	if short := newOwnKey("ab"); !short.couldBe(&client.APIKey{KeyHint: "ab", Length: 2}) {
		t.Error("a key shorter than a hint is not recognised")
	}
	var unset ownKey
	if unset.couldBe(&client.APIKey{}) || unset.is("") {
		t.Error("a provider without a key takes a key for its own")
	}
}

// A key that ends like the provider's own is read again and compared; the
// gateway's answer decides, and any doubt refuses.
func TestRevokeAPIKeyAction_lookalike(t *testing.T) {
	t.Parallel()
	const ownSecret = "ownKeyOfTheProviderxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAbCd"
	lookalike := &client.APIKey{ID: "ak_lookalike000000000", KeyHint: "AbCd", Length: int64(len(ownSecret))}
	cases := map[string]struct {
		status  int
		body    string
		another bool
		want    string
	}{
		"another key":   {status: 200, body: `{"id":"ak_lookalike000000000","key":"otherKeyxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAbCd","secret":"s"}`, another: true},
		"its own key":   {status: 200, body: `{"id":"ak_lookalike000000000","key":"` + ownSecret + `","secret":"s"}`, want: "Cannot Revoke The Provider's Own API Key"},
		"wider scopes":  {status: 403, body: `{"error":{"code":"forbidden","message":"no"}}`, another: true},
		"reveal off":    {status: 403, body: `{"error":{"code":"reveal_disabled","message":"off"}}`, want: "Unable to Tell API Key From The Provider's Own"},
		"gone meantime": {status: 404, body: `{"error":{"code":"not_found","message":"no such key"}}`, want: "API Key Already Gone"},
		"server error":  {status: 500, body: `{"error":{"code":"internal","message":"oops"}}`, want: "Unable to Revoke API Key"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet || r.URL.Path != "/api_keys/"+lookalike.ID+"/credentials" {
					t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			c, err := client.New(client.Config{Endpoint: srv.URL, APIKey: ownSecret, MaxRetries: 0})
			if err != nil {
				t.Fatal(err)
			}
			a := &revokeAPIKeyAction{data: &providerData{client: c, ownKey: newOwnKey(ownSecret)}}
			var diags diag.Diagnostics
			if got := a.isAnotherKey(context.Background(), lookalike, &diags); got != tc.another {
				t.Errorf("isAnotherKey = %v, want %v (%v)", got, tc.another, diags)
			}
			var summaries []string
			for _, d := range diags {
				summaries = append(summaries, d.Summary())
				if strings.Contains(d.Detail(), ownSecret) {
					t.Errorf("a diagnostic shows the provider's key: %s", d.Detail())
				}
			}
			if got := strings.Join(summaries, "; "); got != tc.want {
				t.Errorf("diagnostics %q, want %q", got, tc.want)
			}
		})
	}
}

// A provider key without the api_keys scope can neither revoke nor list,
// and says so; an id that the gateway never issues fails before any
// request.
func TestAccRevokeAPIKeyAction_refused(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	narrow := env.createKeys(t, client.CreateAPIKeyInput{Label: "narrow", Permissions: []string{"sms", "balance"}})[0]
	target := env.createKeys(t, client.CreateAPIKeyInput{Label: "target", Permissions: []string{"sms"}})[0]
	w := env.cliWithEnv(t, map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key})
	requireListsAndActions(t, w)
	initialized(t, w, config(revokeAction(fmt.Sprintf("%q", target.ID))))
	w.WriteFile("keys.tfquery.hcl", listBlock("all", ""))

	r := invokeRevoke(w)
	if r.Err == nil {
		t.Fatalf("a key without the api_keys scope revoked a key:\n%s", r)
	}
	expectOutput(t, r, "Unable to Revoke API Key", "may not do this", "api_keys scope", "403 forbidden")
	if _, err := env.api.GetAPIKey(context.Background(), target.ID); err != nil {
		t.Errorf("the key is gone after a refused revocation: %v", err)
	}
	q := w.Run("query", "-no-color")
	if q.Err == nil {
		t.Fatalf("a key without the api_keys scope listed keys:\n%s", q)
	}
	expectOutput(t, q, "Unable to List API Keys", "api_keys scope", "403 forbidden")
	if strings.Contains(r.Output()+q.Output(), narrow.Key) {
		t.Error("the output shows the provider's key")
	}

	requests := env.requestCount()
	initialized(t, w, config(revokeAction(`"ak_no such key"`)))
	invalid := invokeRevoke(w)
	if invalid.Err == nil {
		t.Fatalf("the action took an invalid id:\n%s", invalid)
	}
	expectOutput(t, invalid, "Invalid Key ID", `"ak_no such key" is not a key id`)
	if n := env.requestCount() - requests; n != 0 {
		t.Errorf("an invalid id sent %d requests", n)
	}
}

// requestCount is how many requests the sandbox has answered in all.
func (e *testEnv) requestCount() int {
	n := 0
	for _, r := range e.sandbox.Stats().Requests {
		n += r.Count
	}
	return n
}
