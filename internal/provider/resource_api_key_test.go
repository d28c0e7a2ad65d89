package provider

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

const testKeyAddress = "sms_api_key.test"

var alphanumeric64 = regexp.MustCompile(`^[A-Za-z0-9]{64}$`)

func apiKeyConfig(label, environment, extra string) string {
	return config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label       = %q
  environment = %q
%s
}
`, label, environment, extra))
}

func TestAccAPIKeyResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["sms", "balance"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("length"), knownvalue.Int64Exact(64)),
						plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("key")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("label"), knownvalue.StringExact(label)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("environment"), knownvalue.StringExact(env.keyEnvironment())),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("length"), knownvalue.Int64Exact(64)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("balance"), knownvalue.StringExact("sms"),
					})),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.StringRegexp(alphanumeric64)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("secret"), knownvalue.StringRegexp(alphanumeric64)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key_hint"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{4}$`))),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("created_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue(testKeyAddress, tfjsonpath.New("key")),
					statecheck.ExpectSensitiveValue(testKeyAddress, tfjsonpath.New("secret")),
					env.expectKeyWorks(),
					sameKey.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
					sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:      testKeyAddress,
				ImportState:       true,
				ImportStateVerify: true,
				// Import cannot see whether the configuration wants the key
				// and secret encrypted, so it leaves them to the next apply.
				ImportStateVerifyIgnore: []string{"key", "secret"},
			},
			{
				// An import block plans to read the key and secret again,
				// which its import cannot: it sees no configuration.
				Config:             apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["sms", "balance"]`),
				ResourceName:       testKeyAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("key")),
				}},
			},
			{
				Config: apiKeyConfig(label+"-renamed", env.keyEnvironment(), `  permissions = ["sms", "balance", "status"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("label"), knownvalue.StringExact(label+"-renamed")),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("balance"), knownvalue.StringExact("sms"), knownvalue.StringExact("status"),
					})),
					sameKey.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
					sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id")),
					env.expectKeyWorks(),
				},
			},
			{
				Config: apiKeyConfig(label+"-renamed", env.keyEnvironment(), `  permissions = ["sms", "balance", "status"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAPIKeyResource_defaults(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	var defaults []knownvalue.Check
	for _, scope := range client.Scopes {
		if scope != "api_keys" {
			defaults = append(defaults, knownvalue.StringExact(scope))
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config(`
resource "sms_api_key" "test" {
  label = "defaults"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("environment"), knownvalue.StringExact("live")),
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("length"), knownvalue.Int64Exact(64)),
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), knownvalue.SetExact(defaults)),
				env.expectKeyWorks(),
			},
		}},
	})
}

// Each input the gateway cannot change in place gives a new key.
func TestAccAPIKeyResource_replaceOnImmutableChange(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	keys := statecheck.CompareValue(compare.ValuesDiffer())
	replaced := func(cfg string, attribute string, want knownvalue.Check) resource.TestStep {
		return resource.TestStep{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New(attribute), want),
				keys.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
				env.expectKeyWorks(),
			},
		}
	}
	environment := env.keyEnvironment()

	steps := []resource.TestStep{
		{
			Config: apiKeyConfig(label, environment, `  length = 32`),
			ConfigStateChecks: []statecheck.StateCheck{
				keys.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
				statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{32}$`))),
			},
		},
		replaced(apiKeyConfig(label, environment, `  length = 16`),
			"key", knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{16}$`))),
		replaced(apiKeyConfig(label, environment, "  length = 16\n  rotation_triggers = { release = \"1\" }"),
			"rotation_triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("1")})),
		replaced(apiKeyConfig(label, environment, "  length = 16\n  rotation_triggers = { release = \"2\" }"),
			"rotation_triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("2")})),
	}
	if env.sandbox != nil {
		// A real account's tests make sandbox keys only, so only the local
		// sandbox can show a key moving between environments.
		steps = append(steps, replaced(apiKeyConfig(label, client.EnvironmentSandbox, "  length = 16\n  rotation_triggers = { release = \"2\" }"),
			"environment", knownvalue.StringExact("sandbox")))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps:                    steps,
	})
}

// The provider's own rotation under create_before_destroy: a changed
// rotation_triggers and then the rotate_before window, opened by moving
// the injected clock, each make the new key before the old one goes.
func TestAccAPIKeyResource_rotation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	label := testLabel(t)
	keys := statecheck.CompareValue(compare.ValuesDiffer())
	withTrigger := func(release string) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label             = %q
  environment       = %q
  permissions       = ["balance"]
  valid_for         = "720h"
  rotate_before     = "168h"
  rotation_triggers = { release = %q }

  lifecycle {
    create_before_destroy = true
  }
}
`, label, env.keyEnvironment(), release))
	}
	// The clock stands still between an apply and its checks.
	expiresIn720h := statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("expires_at"), knownvalue.StringFunc(func(got string) error {
		if want := env.clock.Now().Add(720 * time.Hour).Format(time.RFC3339); got != want {
			return fmt.Errorf("expires_at = %s, want %s (now + valid_for)", got, want)
		}
		return nil
	}))
	newKey := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			keys.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
			expiresIn720h,
			env.expectKeyWorks(),
		}
	}
	createdFirst := func(also ...plancheck.PlanCheck) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{
			plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreateBeforeDestroy),
		}, also...)}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: withTrigger("v1"), ConfigStateChecks: newKey()},
			{Config: withTrigger("v2"), ConfigPlanChecks: createdFirst(), ConfigStateChecks: newKey()},
			{
				// 553h after the create: 167h before expiry, inside rotate_before.
				PreConfig: func() { env.advance(553 * time.Hour) },
				Config:    withTrigger("v2"),
				ConfigPlanChecks: createdFirst(
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("expires_at")),
				),
				ConfigStateChecks: newKey(),
			},
			{
				PreConfig:        func() { env.advance(551 * time.Hour) }, // an hour before the next window
				Config:           withTrigger("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A trigger whose value is known only at apply, as time_rotating's id is
// when its time has come, replaces the key in the same plan.
func TestAccAPIKeyResource_unknownTriggerReplaces(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	keys := statecheck.CompareValue(compare.ValuesDiffer())
	cfg := func(release string) string {
		return config(fmt.Sprintf(`
resource "terraform_data" "release" {
  input = %q
}

resource "sms_api_key" "test" {
  label             = %q
  environment       = %q
  permissions       = ["balance"]
  rotation_triggers = { release = terraform_data.release.output }
}
`, release, label, env.keyEnvironment()))
	}
	newKey := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{keys.AddStateValue(testKeyAddress, tfjsonpath.New("id")), env.expectKeyWorks()}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg("v1"), ConfigStateChecks: newKey()},
			{
				Config: cfg("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("rotation_triggers").AtMapKey("release")),
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: newKey(),
			},
			{
				Config:           cfg("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccAPIKeyResource_drift(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	cfg := apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["balance", "sms"]`)
	var id string
	rememberID := func(s *terraform.State) error {
		id = s.RootModule().Resources[testKeyAddress].Primary.ID
		return nil
	}
	ctx := context.Background()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg, Check: rememberID},
			{
				PreConfig: func() {
					relabel := "changed-by-hand"
					if _, err := env.api.UpdateAPIKey(ctx, id, client.UpdateAPIKeyInput{
						Label: &relabel, Permissions: []string{"sms"},
					}); err != nil {
						t.Fatalf("relabel by hand: %s", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("label"), knownvalue.StringExact(label)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("label"), knownvalue.StringExact(label)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("balance"), knownvalue.StringExact("sms"),
					})),
				},
			},
			{
				PreConfig: func() {
					if err := env.api.DeleteAPIKey(ctx, id); err != nil {
						t.Fatalf("delete by hand: %s", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{env.expectKeyWorks()},
			},
		},
	})
}

// Every bad input fails at plan, naming the attribute, and creates nothing.
func TestAccAPIKeyResource_invalidInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	cases := map[string]struct {
		body string
		want *regexp.Regexp
	}{
		"empty label":          {`label = ""`, errorMatching("label", "character count must be between 1 and 64, got: 0")},
		"long label":           {`label = "` + strings.Repeat("x", 65) + `"`, errorMatching("label", "must be between 1 and 64, got: 65")},
		"control in label":     {`label = "bell\u0007"`, errorMatching("label", "must not contain control characters")},
		"unknown environment":  {"label = \"x\"\nenvironment = \"prod\"", errorMatching("environment value must be one of", "live", "sandbox", "prod")},
		"short length":         {"label = \"x\"\nlength = 15", errorMatching("length must be a whole number from 16 to 64; got 15.")},
		"long length":          {"label = \"x\"\nlength = 65", errorMatching("length must be a whole number from 16 to 64; got 65.")},
		"no permissions":       {"label = \"x\"\npermissions = []", errorMatching("permissions", "at least 1")},
		"unknown permission":   {"label = \"x\"\npermissions = [\"sms\", \"fax\"]", errorMatching("permissions", "value must be one of", "fax")},
		"valid_until garbage":  {"label = \"x\"\nvalid_until = \"tomorrow\"", errorMatching("Invalid RFC3339 String Value", "tomorrow")},
		"valid_until past":     {"label = \"x\"\nvalid_until = \"2001-01-01T00:00:00Z\"", errorMatching("Expiry In The Past", "valid_until (2001-01-01T00:00:00Z) has passed", "use valid_for")},
		"valid_until far":      {"label = \"x\"\nvalid_until = \"2999-01-01T00:00:00Z\"", errorMatching("Expiry Too Far Ahead", "more than two years ahead")},
		"both expiries":        {"label = \"x\"\nvalid_for = \"24h\"\nvalid_until = \"2099-01-01T00:00:00Z\"", errorMatching("cannot be configured together", "valid_until", "valid_for")},
		"valid_for too short":  {"label = \"x\"\nvalid_for = \"30s\"", errorMatching("valid_for must be a duration", `between 1m and 17520h; got "30s"`)},
		"valid_for garbage":    {"label = \"x\"\nvalid_for = \"a month\"", errorMatching("valid_for must be a duration", `got "a month"`)},
		"rotate_before alone":  {"label = \"x\"\nrotate_before = \"1h\"", errorMatching(`"valid_for" must be specified when "rotate_before" is specified`)},
		"rotate_before longer": {"label = \"x\"\nvalid_for = \"1h\"\nrotate_before = \"2h\"", errorMatching("Invalid Rotation Window", "rotate_before (2h) must be shorter than valid_for (1h)")},
		"bad recipient":        {"label = \"x\"\nencryption_recipient = \"age1nope\"", errorMatching("Invalid Encryption Recipient", "The value of encryption_recipient starts like an age recipient but is damaged")},
		"fractional length":    {"label = \"x\"\nlength = 32.5", errorMatching("Invalid Number", "length must be a whole number from 16 to 64; got 32.5.")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      config("resource \"sms_api_key\" \"test\" {\n" + tc.body + "\n}\n"),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
	if env.sandbox == nil {
		return // a shared account's key count says nothing about these plans
	}
	t.Cleanup(func() {
		keys, err := env.api.ListAPIKeys(context.Background(), client.ListAPIKeysInput{})
		if err != nil {
			t.Errorf("list keys: %s", err)
		} else if len(keys) != 1 {
			t.Errorf("the account holds %d keys after invalid plans, want only its own 1", len(keys))
		}
	})
}

func TestAccAPIKeyResource_quotaExceeded(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{KeyQuota: 2})
	env.requireSandbox(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config(`
resource "sms_api_key" "test" {
  count = 2
  label = "quota-${count.index}"
}
`),
			ExpectError: errorMatching("Unable to Create API Key", "already holds as many keys that still work as it may: 2 of them",
				"sms_api_keys data source and expired = false", "409 key_quota_exceeded"),
		}},
	})
}

// A key with valid_for and rotate_before is replaced from
// expires_at - rotate_before on; the test moves the clock, not the wall.
func TestAccAPIKeyResource_expiryRotation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	cfg := apiKeyConfig(testLabel(t), env.keyEnvironment(),
		"  permissions   = [\"balance\"]\n  valid_for     = \"720h\"\n  rotate_before = \"168h\"")
	keys := statecheck.CompareValue(compare.ValuesDiffer())
	// The clock stands still between an apply and its checks.
	expiresIn720h := statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("expires_at"), knownvalue.StringFunc(func(got string) error {
		if want := env.clock.Now().Add(720 * time.Hour).Format(time.RFC3339); got != want {
			return fmt.Errorf("expires_at = %s, want %s (now + valid_for)", got, want)
		}
		return nil
	}))
	rotated := func(advance time.Duration) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { env.advance(advance) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("expires_at")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				keys.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
				expiresIn720h,
				env.expectKeyWorks(),
			},
		}
	}
	unchanged := func(advance time.Duration) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { env.advance(advance) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					keys.AddStateValue(testKeyAddress, tfjsonpath.New("key")),
					expiresIn720h,
				},
			},
			unchanged(551 * time.Hour), // 1h before the rotation window opens
			rotated(2 * time.Hour),     // inside the window: 167h before expiry
			unchanged(24 * time.Hour),
			rotated(1000 * time.Hour), // long expired
		},
	})
}

// With encryption_recipient the state holds the key and secret only as age
// files that the recipient's identity opens.
func TestAccAPIKeyResource_encrypted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	first := newIdentity(t)
	second := newIdentity(t)
	encryptedTo := func(identity *age.X25519Identity) string {
		return apiKeyConfig(label, env.keyEnvironment(),
			fmt.Sprintf("  permissions = [\"balance\"]\n  encryption_recipient = %q", identity.Recipient()))
	}
	opensTo := func(identity *age.X25519Identity) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.Null()),
			statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("secret"), knownvalue.Null()),
			statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.StringFunc(func(armored string) error {
				key, err := decrypt(armored, identity)
				if err != nil {
					return err
				}
				if !alphanumeric64.MatchString(key) {
					return fmt.Errorf("decrypted key %q is not 64 characters of [A-Za-z0-9]", key)
				}
				api, err := client.New(client.Config{Endpoint: env.endpoint, APIKey: key})
				if err != nil {
					return err
				}
				_, err = api.Balance(context.Background())
				return err
			})),
			statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_secret"), knownvalue.StringFunc(func(armored string) error {
				secret, err := decrypt(armored, identity)
				if err == nil && !alphanumeric64.MatchString(secret) {
					err = fmt.Errorf("decrypted secret is not 64 characters of [A-Za-z0-9]")
				}
				return err
			})),
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: encryptedTo(first), ConfigStateChecks: opensTo(first)},
			{
				// The same key, read again and encrypted to the new recipient.
				Config: encryptedTo(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: opensTo(second),
			},
			{
				Config:           encryptedTo(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func decrypt(armored string, identity *age.X25519Identity) (string, error) {
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), identity)
	if err != nil {
		return "", fmt.Errorf("decrypt: %w", err)
	}
	plain, err := io.ReadAll(r)
	return string(plain), err
}

// Terraform 1.12 and OpenTofu 1.12 keep an identity beside the state and
// import by it.
func TestAccAPIKeyResource_identity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	cfg := apiKeyConfig(testLabel(t), env.keyEnvironment(), `  permissions = ["sms"]`)

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testKeyAddress, map[string]knownvalue.Check{
						"id": knownvalue.StringRegexp(regexp.MustCompile(`^ak_`)),
					}),
				},
			},
			{
				// As by id, the key and secret are read again at the apply.
				Config:             cfg,
				ResourceName:       testKeyAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// A key made outside Terraform and adopted with an import block keeps
// working: giving it rotation_triggers and an encryption_recipient in the
// same change writes them down, and encrypts the key read again, instead
// of replacing the key.
func TestAccAPIKeyResource_importThenAdopt(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	existing, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{
		Label: label, Environment: env.keyEnvironment(), Permissions: []string{"balance"},
	})
	if err != nil {
		t.Fatal(err)
	}
	identity := newIdentity(t)
	cfg := config(fmt.Sprintf(`
import {
  to = sms_api_key.test
  id = %q
}

resource "sms_api_key" "test" {
  label                = %q
  environment          = %q
  permissions          = ["balance"]
  encryption_recipient = %q

  rotation_triggers = {
    release = "1"
  }
}
`, existing.ID, label, env.keyEnvironment(), identity.Recipient()))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.StringFunc(func(armored string) error {
						got, err := decrypt(armored, identity)
						if err == nil && got != existing.Key {
							err = fmt.Errorf("encrypted_key opens to another key")
						}
						return err
					})),
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("rotation_triggers"),
						knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("1")})),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Once adopted, a trigger works as on any key.
				Config: strings.Replace(cfg, `release = "1"`, `release = "2"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("encrypted_key"), knownvalue.NotNull()),
				},
			},
		},
	})
}
