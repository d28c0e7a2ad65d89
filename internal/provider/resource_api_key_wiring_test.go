package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// These tests drive the resource through the protocol, without a CLI, to
// prove its wiring: keylife's decisions reach plan and state, and the
// gateway sees the requests they call for. keylife's own tests cover the
// rules; the acceptance tests, what the CLIs make of it all.

func TestResourceCreateUpdateDestroy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "billing", "permissions": []string{"balance"}}
	k := h.create(cfg)
	id := k.attr("id")
	if !alphanumeric64.MatchString(k.attr("key")) || len(k.attr("secret")) != 64 || k.attr("expires_at") != "" ||
		k.attr("environment") != "live" || k.attr("length") != "64" || k.attr("encrypted_key") != "" {
		t.Fatalf("created %s", k.state)
	}
	if got := h.key(id); got == nil || got.Label != "billing" || !slices.Equal(got.Permissions, []string{"balance"}) {
		t.Fatalf("the gateway holds %+v", got)
	}
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Errorf("the same configuration plans %s", p.state)
	}

	cfg["label"], cfg["valid_until"] = "billing-2", "2027-06-01T02:00:00+02:00"
	p := h.plan(k, cfg)
	if p.attr("expires_at") != "2027-06-01T00:00:00Z" || p.attr("key") != k.attr("key") || len(p.replaces()) != 0 {
		t.Fatalf("an expiry brought forward and a new label plan %s, replacing %v", p.state, p.replaces())
	}
	k, diags := h.apply(p)
	expectDiagnostics(t, diags, false)
	if got := h.key(id); got.Label != "billing-2" || got.ValidUntil == nil || got.ValidUntil.Format(time.RFC3339) != "2027-06-01T00:00:00Z" {
		t.Errorf("after the update the gateway holds %+v", got)
	}
	if k.attr("id") != id || k.attr("key") == "" {
		t.Errorf("the update changed the key: %s", k.state)
	}
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Errorf("after the update the same configuration plans %s", p.state)
	}

	read, diags := h.read(k)
	expectDiagnostics(t, diags, false)
	if !read.state.Equal(k.state) {
		t.Errorf("a refresh changed state:\n%s\nto\n%s", k.state, read.state)
	}

	gone, diags := h.apply(h.plan(k, nil))
	expectDiagnostics(t, diags, false)
	if gone != nil || h.key(id) != nil {
		t.Errorf("after the destroy, state %v and the gateway %+v", gone, h.key(id))
	}
}

func TestResourceDeletedOutsideIsDropped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	k := h.create(map[string]any{"label": "drift"})
	if err := h.api.DeleteAPIKey(h.ctx, k.attr("id")); err != nil {
		t.Fatal(err)
	}
	read, diags := h.read(k)
	expectDiagnostics(t, diags, false)
	if read != nil {
		t.Errorf("a key deleted by hand stays in state: %s", read.state)
	}
	// A destroy that finds it gone succeeds all the same.
	_, diags = h.apply(h.plan(k, nil))
	expectDiagnostics(t, diags, false)
}

// Rotation runs on the provider's clock: valid_for counts from the create,
// rotate_before opens the window, and each rotation makes a key that the
// gateway holds while the old one is gone.
func TestResourceRotatesOnTheInjectedClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "rotating", "valid_for": "720h", "rotate_before": "168h"}
	k := h.create(cfg)
	first := k.attr("id")
	if want := h.clock.Now().Add(720 * time.Hour).Format(time.RFC3339); k.attr("expires_at") != want {
		t.Fatalf("expires_at = %s, want %s", k.attr("expires_at"), want)
	}

	h.clock.Advance(551 * time.Hour)
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Fatalf("an hour before the window the plan is %s, replacing %v", p.state, p.replaces())
	}
	h.clock.Advance(2 * time.Hour)
	p := h.plan(k, cfg)
	if !slices.Equal(p.replaces(), []string{`AttributeName("expires_at")`}) || p.attr("expires_at") != "<unknown>" {
		t.Fatalf("inside the window the plan replaces %v with expires_at %s", p.replaces(), p.attr("expires_at"))
	}
	expectDiagnostics(t, p.resp.Diagnostics, false, "API Key Replacement Planned", "within rotate_before (168h)")
	k, diags := h.apply(p)
	expectDiagnostics(t, diags, false)
	if k.attr("id") == first || h.key(first) != nil || h.key(k.attr("id")) == nil {
		t.Errorf("the rotation left %s, the old key %+v", k.attr("id"), h.key(first))
	}
	if want := h.clock.Now().Add(720 * time.Hour).Format(time.RFC3339); k.attr("expires_at") != want {
		t.Errorf("the new key expires at %s, want %s", k.attr("expires_at"), want)
	}

	// A trigger changes: a new key, and the warning names the trigger only.
	cfg["rotation_triggers"] = map[string]string{"release": "v2-secret-value"}
	p = h.plan(k, cfg)
	expectDiagnostics(t, p.resp.Diagnostics, false, "rotation_triggers changed (of release)")
	if strings.Contains(describe(p.resp.Diagnostics), "v2-secret-value") {
		t.Error("the warning repeats a trigger's value")
	}
	second := k.attr("id")
	k, diags = h.apply(p)
	expectDiagnostics(t, diags, false)
	if k.attr("id") == second {
		t.Error("a changed trigger kept the key")
	}
	// A trigger known only at apply replaces the key in the same plan.
	cfg["rotation_triggers"] = map[string]any{"release": unknown}
	p = h.plan(k, cfg)
	if !slices.Contains(p.replaces(), `AttributeName("rotation_triggers")`) {
		t.Errorf("an unknown trigger replaces %v", p.replaces())
	}
}

// A fixed valid_until that has passed only warns: no new key would live
// longer.
func TestResourceFixedExpiryPassedOnlyWarns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "fixed", "valid_until": "2027-01-01T13:00:00Z"}
	k := h.create(cfg)
	h.clock.Advance(2 * time.Hour)
	p := h.plan(k, cfg)
	if len(p.replaces()) != 0 {
		t.Errorf("an expired fixed key is replaced for %v", p.replaces())
	}
	expectDiagnostics(t, p.resp.Diagnostics, false, "API Key Expired", "expired at 2027-01-01T13:00:00Z (its valid_until)")
	// Moving it later replaces the key.
	cfg["valid_until"] = "2027-02-01T00:00:00Z"
	p = h.plan(k, cfg)
	if !slices.Contains(p.replaces(), `AttributeName("valid_until")`) {
		t.Errorf("a later valid_until replaces %v", p.replaces())
	}
	expectDiagnostics(t, p.resp.Diagnostics, false, "because valid_until moves later")
	first := k.attr("id")
	k, diags := h.apply(p)
	expectDiagnostics(t, diags, false)
	if got := h.key(k.attr("id")); k.attr("id") == first || got == nil || got.Expired || h.key(first) != nil {
		t.Errorf("the new valid_until left %s (%+v), the old key %+v", k.attr("id"), got, h.key(first))
	}
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Errorf("after the new key the plan is %s", p.state)
	}
}

// Without rotate_before a key is replaced once it has expired, not a
// second before.
func TestResourceExpiredKeyIsReplaced(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "hourly", "valid_for": "1h"}
	k := h.create(cfg)
	h.clock.Advance(time.Hour - time.Second)
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Fatalf("a second before its expiry the plan is %s, replacing %v", p.state, p.replaces())
	}
	h.clock.Advance(time.Second)
	first := k.attr("id")
	k = h.step(k, cfg)
	if k.attr("id") == first || h.key(k.attr("id")) == nil || h.key(first) != nil {
		t.Errorf("at its expiry the key %s became %s", first, k.attr("id"))
	}
}

// valid_until changes the key in place where the gateway allows it (set on
// a key without one, brought forward) and replaces it where not (moved
// later, removed); every step leaves a key the gateway holds as planned.
func TestResourceValidUntilInPlaceOrReplaced(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "expiring"}
	k := h.create(cfg)
	for _, step := range []struct {
		validUntil string // "" removes it
		replaced   bool
	}{
		{"2027-01-08T12:00:00Z", false},
		{"2027-01-02T12:00:00Z", false},
		{"2027-01-03T12:00:00Z", true},
		{"", true},
	} {
		delete(cfg, "valid_until")
		if step.validUntil != "" {
			cfg["valid_until"] = step.validUntil
		}
		p := h.plan(k, cfg)
		if replaced := len(p.replaces()) > 0; replaced != step.replaced {
			t.Fatalf("valid_until %q: replaces %v, want replaced %v", step.validUntil, p.replaces(), step.replaced)
		}
		before := k.attr("id")
		k = h.step(k, cfg)
		got := h.key(k.attr("id"))
		if got == nil || (k.attr("id") != before) != step.replaced || k.attr("expires_at") != step.validUntil ||
			(got.ValidUntil == nil) != (step.validUntil == "") ||
			(got.ValidUntil != nil && got.ValidUntil.Format(time.RFC3339) != step.validUntil) {
			t.Errorf("valid_until %q: state %s (was %s), the gateway %+v", step.validUntil, k.attr("id"), before, got)
		}
	}
}

func TestResourceRetiresInsteadOfDeleting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	k := h.create(map[string]any{"label": "retiring", "retire_after": "24h"})
	id := k.attr("id")

	destroy := h.plan(k, nil)
	expectDiagnostics(t, destroy.resp.Diagnostics, false, "API Key Will Be Retired", "until about 2027-01-02T12:00:00Z")
	h.clock.Advance(time.Hour) // the apply comes later than its plan
	_, diags := h.apply(destroy)
	expectDiagnostics(t, diags, false, "API Key Retired", "keeps working until 2027-01-02T13:00:00Z (retire_after)")
	if got := h.key(id); got == nil || got.ValidUntil == nil || !got.ValidUntil.Equal(h.clock.Now().Add(24*time.Hour)) {
		t.Errorf("the retired key is %+v, want it expiring 24h after the destroy", got)
	}
}

// A key that expires before retire_after would end keeps its expiry; one
// whose expiry was brought forward behind state's back too; one that has
// expired is only forgotten.
func TestResourceRetirementKeepsAnEarlierExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cfg := map[string]any{"label": "short", "retire_after": "24h", "valid_until": "2027-01-01T18:00:00Z"}

	soon := h.create(cfg)
	requests := h.sb.Server.Stats().Count("PATCH", "/api_keys/{id}", 0)
	_, diags := h.apply(h.plan(soon, nil))
	expectDiagnostics(t, diags, false, "API Key Retired", "keeps working until 2027-01-01T18:00:00Z, its expiry")
	if got := h.sb.Server.Stats().Count("PATCH", "/api_keys/{id}", 0); got != requests {
		t.Errorf("a key that expires first was patched (%d PATCH, before %d)", got, requests)
	}

	byHand := h.create(map[string]any{"label": "by-hand", "retire_after": "24h"})
	earlier := time.Date(2027, 1, 1, 20, 0, 0, 0, time.UTC)
	if _, err := h.api.UpdateAPIKey(h.ctx, byHand.attr("id"), client.UpdateAPIKeyInput{ValidUntil: &earlier}); err != nil {
		t.Fatal(err)
	}
	_, diags = h.apply(h.plan(byHand, nil))
	expectDiagnostics(t, diags, false, "API Key Retired", "until 2027-01-01T20:00:00Z, its expiry")

	expired := h.create(cfg)
	h.clock.Advance(7 * time.Hour)
	gets := h.sb.Server.Stats().Count("GET", "/api_keys/{id}", 0)
	gone, diags := h.apply(h.plan(expired, nil))
	expectDiagnostics(t, diags, false)
	if gone != nil || len(diags) != 0 || h.sb.Server.Stats().Count("GET", "/api_keys/{id}", 0) != gets {
		t.Errorf("an expired key: state %v, diagnostics %s", gone, describe(diags))
	}
}

// A PATCH whose answer was lost is sent again, and the gateway refuses the
// same expiry a second time: the key is retired all the same.
func TestResourceRetirementWhoseAnswerWasLost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	h.configure(map[string]any{"endpoint": h.sb.Endpoint, "api_key": h.sb.APIKey, "max_retries": 2})
	k := h.create(map[string]any{"label": "retiring", "retire_after": "24h"})
	h.loseAnswers("PATCH", 1)
	_, diags := h.apply(h.plan(k, nil))
	expectDiagnostics(t, diags, false, "API Key Retired", "keeps working until 2027-01-02T12:00:00Z, its expiry")
	st := h.sb.Server.Stats()
	if st.Count("PATCH", "/api_keys/{id}", 200) != 1 || st.Count("PATCH", "/api_keys/{id}", 422) != 1 {
		t.Errorf("PATCH answered 200 %d times and 422 %d times, want once each",
			st.Count("PATCH", "/api_keys/{id}", 200), st.Count("PATCH", "/api_keys/{id}", 422))
	}
	if got := h.key(k.attr("id")); got == nil || got.ValidUntil == nil || got.ValidUntil.Format(time.RFC3339) != "2027-01-02T12:00:00Z" {
		t.Errorf("the key is %+v", got)
	}
}

func TestResourceEncryptsToTheRecipient(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	first, second := newIdentity(t), newIdentity(t)
	cfg := map[string]any{"label": "sealed", "encryption_recipient": first.Recipient().String() + "\n"}
	p := h.plan(nil, cfg)
	if p.attr("key") != "" || p.attr("encrypted_key") != "<unknown>" {
		t.Fatalf("the plan of an encrypted key: %s", p.state)
	}
	k, diags := h.apply(p)
	expectDiagnostics(t, diags, false)
	key, err := decrypt(k.attr("encrypted_key"), first)
	if err != nil || !alphanumeric64.MatchString(key) || k.attr("key") != "" {
		t.Fatalf("encrypted_key opens to %q (%v); key %q", key, err, k.attr("key"))
	}

	cfg["encryption_recipient"] = first.Recipient().String()
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Errorf("white space around the recipient plans %s", p.state)
	}
	cfg["encryption_recipient"] = second.Recipient().String()
	reveals := h.sb.Server.Stats().Count("GET", "/api_keys/{id}/credentials", 0)
	k = h.step(k, cfg)
	if got, err := decrypt(k.attr("encrypted_key"), second); err != nil || got != key {
		t.Errorf("after a new recipient encrypted_key opens to %q (%v), want the same key", got, err)
	}
	if h.sb.Server.Stats().Count("GET", "/api_keys/{id}/credentials", 0) != reveals+1 {
		t.Error("a key held only encrypted was not read again once")
	}

	delete(cfg, "encryption_recipient")
	k = h.step(k, cfg)
	if k.attr("key") != key || k.attr("encrypted_key") != "" {
		t.Errorf("without a recipient state holds key %q, encrypted_key %q", k.attr("key"), k.attr("encrypted_key"))
	}
	cfg["encryption_recipient"] = first.Recipient().String()
	k = h.step(k, cfg)
	if got, err := decrypt(k.attr("encrypted_key"), first); err != nil || got != key {
		t.Errorf("a key in the clear encrypted anew opens to %q (%v)", got, err)
	}
}

// Where the gateway will not show a key again, a new recipient takes a new
// key, and the plan says why.
func TestResourceRecipientChangeWithoutRevealReplaces(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{DisableReveal: true})
	cfg := map[string]any{"label": "sealed", "encryption_recipient": newIdentity(t).Recipient().String()}
	k := h.create(cfg)
	cfg["encryption_recipient"] = newIdentity(t).Recipient().String()
	p := h.plan(k, cfg)
	if !slices.Equal(p.replaces(), []string{`AttributeName("encryption_recipient")`}) {
		t.Errorf("a new recipient without reveal replaces %v", p.replaces())
	}
	expectDiagnostics(t, p.resp.Diagnostics, false, "because encryption_recipient changed", "revealable is false")
}

func TestResourceImport(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	made, err := h.api.CreateAPIKey(h.ctx, client.CreateAPIKeyInput{Label: "outside", Permissions: []string{"sms"}})
	if err != nil {
		t.Fatal(err)
	}
	k, diags := h.importKey(made.ID)
	expectDiagnostics(t, diags, false, "Imported API Key Secret Read On Apply", made.ID)
	if k.attr("label") != "outside" || k.attr("key") != "" || k.attr("permissions") == "" {
		t.Fatalf("imported %s", k.state)
	}
	cfg := map[string]any{"label": "outside", "rotation_triggers": map[string]string{"release": "1"}}
	p := h.plan(k, cfg)
	if len(p.replaces()) != 0 || p.attr("key") != "<unknown>" {
		t.Fatalf("the first plan after an import replaces %v and plans key %s", p.replaces(), p.attr("key"))
	}
	k, diags = h.apply(p)
	expectDiagnostics(t, diags, false)
	if k.attr("key") != made.Key || k.attr("secret") != made.Secret {
		t.Error("the apply after an import did not bring the key and secret")
	}
	if p := h.plan(k, cfg); !p.unchanged() {
		t.Errorf("after that apply the plan is %s", p.state)
	}

	_, diags = h.importKey("ak_/../x")
	expectDiagnostics(t, diags, true, "Invalid Key ID")
}

// The warning about an imported key's credentials belongs to the import,
// whose plan Terraform may print again after the apply: it speaks of the
// apply that completes the import. That apply, and every read and plan
// after it, say nothing more of credentials, with a recipient or without,
// and neither does a recipient changed later: the credentials are no
// longer to come.
func TestResourceImportCredentialsWarnedOnlyWhileToCome(t *testing.T) {
	t.Parallel()
	first, second := newIdentity(t).Recipient().String(), newIdentity(t).Recipient().String()
	for name, recipient := range map[string]string{"in the clear": "", "encrypted": first} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, sandbox.Options{})
			made, err := h.api.CreateAPIKey(h.ctx, client.CreateAPIKeyInput{Label: "outside"})
			if err != nil {
				t.Fatal(err)
			}
			k, diags := h.importKey(made.ID)
			expectDiagnostics(t, diags, false, "Imported API Key Secret Read On Apply",
				"the apply that completes this import reads them")
			cfg := map[string]any{"label": "outside"}
			if recipient != "" {
				cfg["encryption_recipient"] = recipient
			}
			p := h.plan(k, cfg)
			k, diags = h.apply(p)
			if all := append(p.resp.Diagnostics, diags...); len(all) != 0 {
				t.Errorf("the plan and apply of the import said:\n%s", describe(all))
			}
			if held := k.attr("key") + k.attr("encrypted_key"); held == "" {
				t.Fatalf("the apply of the import brought no credentials: %s", k.state)
			}
			k, diags = h.read(k)
			if p := h.plan(k, cfg); len(diags) != 0 || len(p.resp.Diagnostics) != 0 || !p.unchanged() {
				t.Errorf("after the apply, the read said %q and the plan %q, planning %s",
					describe(diags), describe(p.resp.Diagnostics), p.state)
			}

			cfg["encryption_recipient"] = second
			p = h.plan(k, cfg)
			k, diags = h.apply(p)
			if all := append(p.resp.Diagnostics, diags...); len(all) != 0 || len(p.replaces()) != 0 {
				t.Errorf("a new recipient replaces %v and says:\n%s", p.replaces(), describe(all))
			}
			if k.attr("encrypted_key") == "" {
				t.Errorf("the new recipient left %s", k.state)
			}
		})
	}
}

func TestResourceImportWithoutReveal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{DisableReveal: true})
	made, err := h.api.CreateAPIKey(h.ctx, client.CreateAPIKeyInput{Label: "outside"})
	if err != nil {
		t.Fatal(err)
	}
	k, diags := h.importKey(made.ID)
	expectDiagnostics(t, diags, false, "API Key Secret Not Imported", "the account has turned reading keys again off")
	p := h.plan(k, map[string]any{"label": "outside"})
	if !p.unchanged() {
		t.Errorf("an import whose key cannot be read again plans %s", p.state)
	}
}

// Every rule that needs more than one attribute, and the clock, refuses a
// bad configuration at plan, before any request.
func TestResourceRefusesAtPlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	cases := map[string]struct {
		cfg  map[string]any
		want []string
	}{
		"rotation window":       {map[string]any{"label": "x", "valid_for": "1h", "rotate_before": "1h"}, []string{"Invalid Rotation Window", "rotate_before (1h) must be shorter than valid_for (1h)"}},
		"expiry in the past":    {map[string]any{"label": "x", "valid_until": "2026-12-31T00:00:00Z"}, []string{"Expiry In The Past"}},
		"expiry too far ahead":  {map[string]any{"label": "x", "valid_until": "2029-01-02T00:00:00Z"}, []string{"Expiry Too Far Ahead"}},
		"both expiries":         {map[string]any{"label": "x", "valid_until": "2027-06-01T00:00:00Z", "valid_for": "1h"}, []string{"Invalid Attribute Combination"}},
		"bad duration":          {map[string]any{"label": "x", "retire_after": "a day"}, []string{"Invalid Duration", "retire_after"}},
		"identity as recipient": {map[string]any{"label": "x", "encryption_recipient": "AGE-SECRET-KEY-1QQQ"}, []string{"Private Key Given As Encryption Recipient"}},
	}
	for name, tc := range cases {
		p := h.plan(nil, tc.cfg)
		if !hasError(p.resp.Diagnostics) {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(describe(p.resp.Diagnostics), want) {
				t.Errorf("%s: diagnostics lack %q:\n%s", name, want, describe(p.resp.Diagnostics))
			}
		}
	}
	if keys, err := h.api.ListAPIKeys(h.ctx, client.ListAPIKeysInput{}); err != nil || len(keys) != 1 {
		t.Errorf("the account holds %d keys after refused plans (%v), want only its own", len(keys), err)
	}
}

func TestResourceCreateRefusedByTheGateway(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{KeyQuota: 1})
	p := h.plan(nil, map[string]any{"label": "one too many"})
	k, diags := h.apply(p)
	expectDiagnostics(t, diags, true, "Unable to Create API Key", "409 key_quota_exceeded")
	if k != nil {
		t.Errorf("a refused create left state %s", k.state)
	}
}

// createUnconfirmed creates a key whose create and its one confirmation
// both lose their answers: the gateway made the key, and the provider
// keeps only the request.
func (h *harness) createUnconfirmed(cfg map[string]any) *instance {
	h.t.Helper()
	h.loseAnswers("POST", 2)
	k, diags := h.apply(h.plan(nil, cfg))
	expectDiagnostics(h.t, diags, true, "API Key Creation Unconfirmed", `the key "unconfirmed"`)
	if k == nil || k.attr("id") != "" || len(k.private) == 0 {
		h.t.Fatalf("an unconfirmed create left %v", k)
	}
	return k
}

// An unconfirmed create is looked up by plans and refreshes, which send
// nothing else (the harness's guard fails any other request), and settled
// by an apply or a destroy: the key the gateway made is kept, with its key
// and secret, or deleted, and never made twice.
func TestResourceUnconfirmedCreate(t *testing.T) {
	t.Parallel()
	cfg := map[string]any{"label": "unconfirmed", "permissions": []string{"balance"}}
	keys := func(h *harness) []client.APIKey {
		t.Helper()
		all, err := h.api.ListAPIKeys(h.ctx, client.ListAPIKeysInput{Label: "unconfirmed"})
		if err != nil {
			t.Fatal(err)
		}
		return all
	}

	t.Run("refreshed, then kept (untaint)", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, sandbox.Options{DisableReveal: true})
		k := h.createUnconfirmed(cfg)
		k, diags := h.read(k)
		expectDiagnostics(t, diags, false, "Unconfirmed API Key Found")
		made := keys(h)
		if len(made) != 1 || k.attr("id") != made[0].ID {
			t.Fatalf("the refresh adopted %q; the gateway holds %+v", k.attr("id"), made)
		}
		// Reading keys again is off: only the replay can bring the secret.
		p := h.plan(k, cfg)
		if len(p.replaces()) != 0 || p.attr("key") != "<unknown>" || p.attr("id") != made[0].ID {
			t.Fatalf("the plan after the refresh replaces %v, plans key %s and id %s", p.replaces(), p.attr("key"), p.attr("id"))
		}
		k, diags = h.apply(p)
		expectDiagnostics(t, diags, false)
		if k.attr("key") == "" || !alphanumeric64.MatchString(k.attr("key")) || len(keys(h)) != 1 {
			t.Errorf("the apply kept key %q; the gateway holds %d keys", k.attr("key"), len(keys(h)))
		}
		if p := h.plan(k, cfg); !p.unchanged() {
			t.Errorf("once settled the plan is %s", p.state)
		}
	})

	t.Run("settled by the apply without a refresh", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, sandbox.Options{})
		k := h.createUnconfirmed(cfg)
		p := h.plan(k, cfg)
		for _, name := range []string{"id", "key_hint", "created_at", "key"} {
			if p.attr(name) != "<unknown>" {
				t.Errorf("the plan of an unsettled create plans %s = %s", name, p.attr(name))
			}
		}
		if p.attr("permissions") != k.attr("permissions") {
			t.Errorf("the plan changed the configured permissions to %s", p.attr("permissions"))
		}
		k, diags := h.apply(p)
		expectDiagnostics(t, diags, false)
		made := keys(h)
		if len(made) != 1 || k.attr("id") != made[0].ID || k.attr("key") == "" || strings.Contains(string(k.private), privatePendingCreate) {
			t.Errorf("the apply settled %q with key %q; the gateway holds %+v", k.attr("id"), k.attr("key"), made)
		}
	})

	t.Run("destroyed", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, sandbox.Options{})
		k := h.createUnconfirmed(map[string]any{"label": "unconfirmed", "retire_after": "24h"})
		destroy := h.plan(k, nil)
		if len(destroy.resp.Diagnostics) != 0 {
			t.Errorf("the destroy plan of an unconfirmed create says:\n%s", describe(destroy.resp.Diagnostics))
		}
		gone, diags := h.apply(destroy)
		expectDiagnostics(t, diags, false)
		if gone != nil || len(keys(h)) != 0 {
			t.Errorf("the destroy left state %v and keys %+v", gone, keys(h))
		}
	})

	t.Run("adopted, then destroyed at once despite retire_after", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, sandbox.Options{})
		k := h.createUnconfirmed(map[string]any{"label": "unconfirmed", "retire_after": "24h"})
		k, _ = h.read(k)
		destroy := h.plan(k, nil)
		if len(destroy.resp.Diagnostics) != 0 {
			t.Errorf("the destroy plan of an adopted key says:\n%s", describe(destroy.resp.Diagnostics))
		}
		if _, diags := h.apply(destroy); len(diags) != 0 || len(keys(h)) != 0 {
			t.Errorf("the destroy said %q and left %+v", describe(diags), keys(h))
		}
	})
}
