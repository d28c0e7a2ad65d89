package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// The gateway lets a key be read again, as its web app does: imports get
// the key and secret, and a new recipient re-encrypts in place.

const credentialsRoute = "/api_keys/{id}/credentials"

// credentialReads counts the credentials the gateway showed.
func (e *testEnv) credentialReads() int {
	return e.sandbox.Stats().Count(http.MethodGet, credentialsRoute, http.StatusOK)
}

// existingKey makes a key outside Terraform, as the web app would, and
// deletes it when the test ends if it is still there.
func (e *testEnv) existingKey(t *testing.T, in client.CreateAPIKeyInput) *client.APIKey {
	t.Helper()
	if in.Environment == "" {
		in.Environment = e.keyEnvironment()
	}
	key, err := e.api.CreateAPIKey(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.api.DeleteAPIKey(context.Background(), key.ID); err != nil && !client.NotFound(err) {
			t.Errorf("deleting %s: %v", key.ID, err)
		}
	})
	return key
}

func importBlock(id string) string {
	return fmt.Sprintf("\nimport {\n  to = sms_api_key.test\n  id = %q\n}\n", id)
}

// An imported key gets its key and secret at the apply of its import, and
// a refresh never reads them again.
func TestAccAPIKeyResource_importRecoversCredentials(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	existing := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"balance"}})
	cfg := apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["balance"]`)
	var readsBefore int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg + importBlock(existing.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("key")),
					plancheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.StringExact(existing.Key)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("secret"), knownvalue.StringExact(existing.Secret)),
					env.expectKeyWorks(),
				},
			},
			{
				PreConfig: func() {
					if env.sandbox == nil {
						t.Log("against the real service: the credential reads of a refresh are not counted")
						return
					}
					readsBefore = env.credentialReads()
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if env.sandbox != nil && env.credentialReads() != readsBefore {
						return fmt.Errorf("refreshes read credentials %d times, want never", env.credentialReads()-readsBefore)
					}
					return nil
				},
			},
			{
				// Import by id cannot see the configuration, so it leaves
				// the key and secret to the next apply, which can encrypt
				// them where the configuration asks.
				Config:                  cfg,
				ResourceName:            testKeyAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"key", "secret"},
			},
		},
	})
}

// With a recipient, an import never puts the key in state in the clear, not
// even between two commands: whether by import block or by import command,
// it arrives only encrypted, at the next apply.
func TestAccAPIKeyResource_importWithRecipientNeverHoldsPlaintext(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	identity := newIdentity(t)
	for _, how := range []string{"import block", "import command"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			label := testLabel(t)
			existing := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"balance"}})
			w := env.cli(t)
			cfg := apiKeyConfig(label, env.keyEnvironment(),
				fmt.Sprintf("  permissions = [\"balance\"]\n  encryption_recipient = %q", identity.Recipient()))
			var outputs []*clitest.Result
			if how == "import block" {
				initialized(t, w, cfg+importBlock(existing.ID))
			} else {
				initialized(t, w, cfg)
				imported := w.MustRun("import", "-input=false", "-no-color", testKeyAddress, existing.ID)
				expectOutput(t, imported, "Imported API Key Secret Read On Apply", existing.ID)
				outputs = append(outputs, imported)
				expectNoPlaintext(t, w, existing)
			}
			outputs = append(outputs, w.MustRun("apply", "-auto-approve", "-input=false", "-no-color"))
			expectNoPlaintext(t, w, existing)
			inst := w.State().Managed("sms_api_key")[0]
			if got, err := decrypt(inst.Attr("encrypted_key"), identity); err != nil || got != existing.Key {
				t.Errorf("encrypted_key opens to %d characters (%v), want the imported key", len(got), err)
			}
			if got, err := decrypt(inst.Attr("encrypted_secret"), identity); err != nil || got != existing.Secret {
				t.Errorf("encrypted_secret does not open to the imported secret (%v)", err)
			}
			outputs = append(outputs, w.MustRun("show", "-no-color"))
			for _, r := range outputs {
				if strings.Contains(r.Output(), existing.Key) || strings.Contains(r.Output(), existing.Secret) {
					t.Errorf("the output shows the key or its secret:\n%s", r)
				}
			}
			w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
		})
	}
}

// expectNoPlaintext searches the whole state file for the key and secret.
func expectNoPlaintext(t *testing.T, w *clitest.Workdir, key *client.APIKey) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.Dir, clitest.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), key.Key) || strings.Contains(string(raw), key.Secret) {
		t.Errorf("the state file holds the key or its secret in the clear")
	}
	if !strings.Contains(string(raw), key.ID) {
		t.Errorf("the state file does not hold the key's id: the search proves nothing")
	}
}

// Setting, changing and removing encryption_recipient keep the same key:
// what state holds in the clear is encrypted, and what it holds only
// encrypted is read again, once.
func TestAccAPIKeyResource_recipientChangesInPlace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	first := newIdentity(t)
	second := newIdentity(t)
	label := testLabel(t)
	withRecipient := func(identity *age.X25519Identity) string {
		extra := `  permissions = ["balance"]`
		if identity != nil {
			extra += fmt.Sprintf("\n  encryption_recipient = %q", identity.Recipient())
		}
		return apiKeyConfig(label, env.keyEnvironment(), extra)
	}
	var plain string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	opensTo := func(identity *age.X25519Identity) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.StringFunc(func(armored string) error {
			got, err := decrypt(armored, identity)
			if err == nil && got != plain {
				err = fmt.Errorf("encrypted_key opens to another key")
			}
			return err
		}))
	}
	reads := 0
	inPlace := func(cfg string, newReads int, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { reads = env.credentialReads() },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				if got := env.credentialReads() - reads; got != newReads {
					return fmt.Errorf("the change read credentials %d times, want %d", got, newReads)
				}
				return nil
			},
			ConfigStateChecks: append(checks, sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id"))),
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: withRecipient(nil),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.StringFunc(func(key string) error {
						if !alphanumeric64.MatchString(key) {
							return fmt.Errorf("key %q is not 64 letters and digits", key)
						}
						plain = key
						return nil
					})),
				},
			},
			inPlace(withRecipient(first), 0, opensTo(first),
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.Null())),
			inPlace(withRecipient(second), 1, opensTo(second)),
			inPlace(withRecipient(nil), 1,
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.StringFunc(func(key string) error {
					if key != plain {
						return fmt.Errorf("the key in state is not the key created first")
					}
					return nil
				})),
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.Null())),
			{
				Config:           withRecipient(nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Where the gateway will not show a key again, an import still succeeds
// without key and secret, and a changed recipient takes a new key.
func TestAccAPIKeyResource_revealRefused(t *testing.T) {
	t.Parallel()
	identity := newIdentity(t)
	other := newIdentity(t)

	t.Run("turned off for the account", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, sandbox.Options{DisableReveal: true})
		env.requireSandbox(t)
		label := testLabel(t)
		existing := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"balance"}})
		encrypted := func(recipient *age.X25519Identity) string {
			return apiKeyConfig(label, env.keyEnvironment(),
				fmt.Sprintf("  permissions = [\"balance\"]\n  encryption_recipient = %q", recipient.Recipient()))
		}
		// The import says why the key and secret stay null.
		w := env.cliWithEnv(t, map[string]string{envEndpoint: env.endpoint, envAPIKey: env.apiKey})
		initialized(t, w, apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["balance"]`))
		expectOutput(t, w.MustRun("import", "-input=false", "-no-color", testKeyAddress, existing.ID),
			"Warning: API Key Secret Not Imported", "of the imported key "+existing.ID,
			"the account has turned reading keys again off")
		w.MustRun("state", "rm", testKeyAddress)

		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: env.factories(),
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: encrypted(identity) + importBlock(existing.ID),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.Null()),
						statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.Null()),
					},
				},
				{
					// A new key, made by Terraform, is encrypted at creation.
					Config: encrypted(identity),
					Taint:  []string{testKeyAddress},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.NotNull()),
					},
				},
				{
					Config: encrypted(other),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
					}},
				},
			},
		})
	})

	for name, tc := range map[string]struct {
		providerKey client.CreateAPIKeyInput
		target      client.CreateAPIKeyInput
	}{
		"a provider key with fewer scopes": {
			providerKey: client.CreateAPIKeyInput{Permissions: []string{"api_keys", "balance"}},
			target:      client.CreateAPIKeyInput{Permissions: []string{"balance", "sms"}},
		},
		"a sandbox provider key and a live key": {
			providerKey: client.CreateAPIKeyInput{Environment: client.EnvironmentSandbox, Permissions: []string{"api_keys", "balance"}},
			target:      client.CreateAPIKeyInput{Environment: client.EnvironmentLive, Permissions: []string{"balance"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, sandbox.Options{})
			env.requireSandbox(t)
			label := testLabel(t)
			tc.providerKey.Label, tc.target.Label = label+"-provider", label
			narrow := env.existingKey(t, tc.providerKey)
			existing := env.existingKey(t, tc.target)
			w := env.cliWithEnv(t, map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key})
			initialized(t, w, apiKeyConfig(label, cmp.Or(tc.target.Environment, env.keyEnvironment()),
				"  permissions = "+hclList(tc.target.Permissions)))
			imported := w.MustRun("import", "-input=false", "-no-color", testKeyAddress, existing.ID)
			expectOutput(t, imported, "Warning: API Key Secret Not Imported", "of the imported key "+existing.ID,
				"the provider's key may read only keys whose scopes it holds all of")
			plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
			if plan.ExitCode != 0 {
				t.Errorf("plan after an import that cannot read the key: exit %d, want 0 (no changes):\n%s", plan.ExitCode, plan)
			}
			if key := w.State().Managed("sms_api_key")[0].Attr("key"); key != "" {
				t.Error("state holds a key the gateway refused to show")
			}
			w.MustRun("state", "rm", testKeyAddress)
		})
	}
}

func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// The sms_api_key data source reads the key and secret only when asked,
// and says why when the gateway refuses.
func TestAccAPIKeyDataSource_includeCredentials(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	key := apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["balance", "sms"]`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: key + `
data "sms_api_key" "with" {
  id                  = sms_api_key.test.id
  include_credentials = true
}

data "sms_api_key" "without" {
  id = sms_api_key.test.id
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(testKeyAddress, tfjsonpath.New("key"), "data.sms_api_key.with", tfjsonpath.New("key"), compare.ValuesSame()),
				statecheck.CompareValuePairs(testKeyAddress, tfjsonpath.New("secret"), "data.sms_api_key.with", tfjsonpath.New("secret"), compare.ValuesSame()),
				statecheck.ExpectSensitiveValue("data.sms_api_key.with", tfjsonpath.New("key")),
				statecheck.ExpectKnownValue("data.sms_api_key.with", tfjsonpath.New("revealable"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.sms_api_key.without", tfjsonpath.New("key"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.sms_api_key.without", tfjsonpath.New("secret"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccAPIKeyDataSource_includeCredentialsRefused(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	label := testLabel(t)
	narrow := env.existingKey(t, client.CreateAPIKeyInput{Label: label + "-provider", Permissions: []string{"api_keys", "balance"}})
	wider := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"balance", "sms"}})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factoriesWithEnv(map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key}),
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
data "sms_api_key" "wider" {
  id                  = %q
  include_credentials = true
}
`, wider.ID)),
			ExpectError: errorMatching("Unable to Read API Key Credentials", "include_credentials",
				"can read only keys with no more scopes than its own", "403 forbidden"),
		}},
	})
}

// The credentials of an existing key, read into a provider block and never
// into state.
func TestAccAPIKeyCredentialsEphemeralResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	manager := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"api_keys", "balance"}})

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
ephemeral "sms_api_key_credentials" "manager" {
  id = %[1]q
}

provider "sms" {
  alias    = "manager"
  endpoint = %[2]q
  api_key  = ephemeral.sms_api_key_credentials.manager.key
}

data "sms_api_key" "itself" {
  provider = sms.manager
  id       = %[1]q
}
`, manager.ID, env.endpoint)),
			ConfigStateChecks: []statecheck.StateCheck{
				// Only a key that authenticated can see its own last use.
				statecheck.ExpectKnownValue("data.sms_api_key.itself", tfjsonpath.New("last_used_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.sms_api_key.itself", tfjsonpath.New("last_revealed_at"), knownvalue.NotNull()),
			},
		}},
	})
}

// The configuration that -generate-config-out writes for an imported key
// tells its expiry, and plans to keep the key: no replacement, and after
// the apply of the import nothing left to change.
func TestAccAPIKeyResource_generatedConfigTellsTheExpiry(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	expiry := env.clock.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second)
	for name, tc := range map[string]struct {
		validUntil *time.Time
		written    bool // the configuration is written by hand, without valid_until
	}{
		"with an expiry":                      {validUntil: &expiry},
		"without an expiry":                   {},
		"written by hand without valid_until": {validUntil: &expiry, written: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			label := testLabel(t)
			existing := env.existingKey(t, client.CreateAPIKeyInput{Label: label, Permissions: []string{"balance"}, ValidUntil: tc.validUntil})
			w := env.cli(t)
			if tc.written {
				initialized(t, w, apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["balance"]`)+importBlock(existing.ID))
			} else {
				initialized(t, w, config(importBlock(existing.ID)))
				w.MustRun("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
				generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
				if err != nil {
					t.Fatal(err)
				}
				want := regexp.MustCompile(`(?m)^\s*valid_until\s*=\s*null\s*$`)
				if tc.validUntil != nil {
					want = regexp.MustCompile(`(?m)^\s*valid_until\s*=\s*"` + regexp.QuoteMeta(expiry.Format(time.RFC3339)) + `"\s*$`)
				}
				if !want.Match(generated) {
					t.Errorf("the generated configuration does not match %s:\n%s", want, generated)
				}
			}

			w.MustRun("plan", "-input=false", "-no-color", "-out=import.tfplan")
			var plan struct {
				ResourceChanges []struct {
					Address string `json:"address"`
					Change  struct {
						Actions []string `json:"actions"`
					} `json:"change"`
				} `json:"resource_changes"`
			}
			if err := json.Unmarshal([]byte(w.MustRun("show", "-json", "import.tfplan").Stdout), &plan); err != nil {
				t.Fatal(err)
			}
			if len(plan.ResourceChanges) != 1 || slices.Contains(plan.ResourceChanges[0].Change.Actions, "delete") ||
				slices.Contains(plan.ResourceChanges[0].Change.Actions, "create") {
				t.Errorf("the plan of the import is %+v, want the key kept", plan.ResourceChanges)
			}
			w.MustRun("apply", "-input=false", "-no-color", "import.tfplan")
			inst := w.State().Managed("sms_api_key")[0]
			if got := inst.Attr("id"); got != existing.ID {
				t.Errorf("state holds %s, want the imported %s", got, existing.ID)
			}
			if tc.validUntil != nil && inst.Attr("expires_at") != expiry.Format(time.RFC3339) {
				t.Errorf("expires_at = %q, want the key's %s", inst.Attr("expires_at"), expiry.Format(time.RFC3339))
			}
			if again := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode"); again.ExitCode != 0 {
				t.Errorf("the plan after the import is not empty:\n%s", again)
			}
		})
	}
}
