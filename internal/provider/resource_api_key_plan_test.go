package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// A plan shows what the provider already knows: which of key and secret or
// their encrypted forms state will hold, and the expiry valid_until gives,
// at the gateway's precision. Only what the gateway makes stays unknown.
func TestAccAPIKeyResource_planShowsWhatItKnows(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	identity := newIdentity(t)
	// An offset and a fraction of a second; the gateway keeps UTC seconds.
	expiry := env.clock.Now().Add(36 * time.Hour).Truncate(time.Second)
	written := expiry.In(time.FixedZone("", 2*3600)).Add(400 * time.Millisecond).Format(time.RFC3339Nano)
	cfg := config(fmt.Sprintf(`
resource "sms_api_key" "plain" {
  label       = "plain"
  environment = %[1]q
  permissions = ["balance"]
}

resource "sms_api_key" "encrypted" {
  label                = "encrypted"
  environment          = %[1]q
  permissions          = ["balance"]
  encryption_recipient = %[2]q
  valid_until          = %[3]q
}

resource "sms_api_key" "rotating" {
  label       = "rotating"
  environment = %[1]q
  permissions = ["balance"]
  valid_for   = "24h"
}
`, env.keyEnvironment(), identity.Recipient(), written))
	known := func(address, attribute string, check knownvalue.Check) plancheck.PlanCheck {
		return plancheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check)
	}
	unknown := func(address, attribute string) plancheck.PlanCheck {
		return plancheck.ExpectUnknownValue(address, tfjsonpath.New(attribute))
	}
	utc := knownvalue.StringExact(expiry.UTC().Format(time.RFC3339))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				unknown("sms_api_key.plain", "key"),
				unknown("sms_api_key.plain", "secret"),
				known("sms_api_key.plain", "encrypted_key", knownvalue.Null()),
				known("sms_api_key.plain", "encrypted_secret", knownvalue.Null()),
				known("sms_api_key.plain", "expires_at", knownvalue.Null()),
				known("sms_api_key.encrypted", "key", knownvalue.Null()),
				known("sms_api_key.encrypted", "secret", knownvalue.Null()),
				unknown("sms_api_key.encrypted", "encrypted_key"),
				unknown("sms_api_key.encrypted", "encrypted_secret"),
				known("sms_api_key.encrypted", "expires_at", utc),
				unknown("sms_api_key.rotating", "expires_at"),
				unknown("sms_api_key.plain", "id"),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("sms_api_key.encrypted", tfjsonpath.New("expires_at"), utc),
				statecheck.ExpectKnownValue("sms_api_key.plain", tfjsonpath.New("encrypted_key"), knownvalue.Null()),
			},
		}},
	})
}

// The same value written another way plans nothing at all, not even an
// update in place: durations, instants and empty triggers compare by what
// they mean.
func TestAccAPIKeyResource_equivalentValuesPlanNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	expiry := env.clock.Now().Add(48 * time.Hour).Truncate(time.Second)
	cfg := func(validFor, rotateBefore, validUntil, triggers string) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "rotating" {
  label         = "rotating"
  environment   = %[1]q
  permissions   = ["balance"]
  valid_for     = %[2]q
  rotate_before = %[3]q
  %[5]s
}

resource "sms_api_key" "fixed" {
  label       = "fixed"
  environment = %[1]q
  permissions = ["balance"]
  valid_until = %[4]q
}
`, env.keyEnvironment(), validFor, rotateBefore, validUntil, triggers))
	}
	sameRotating, sameFixed := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesSame())
	keep := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			sameRotating.AddStateValue("sms_api_key.rotating", tfjsonpath.New("id")),
			sameFixed.AddStateValue("sms_api_key.fixed", tfjsonpath.New("id")),
		}
	}
	nothing := func(c string) resource.TestStep {
		return resource.TestStep{
			Config:            c,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: keep(),
		}
	}
	offset := expiry.In(time.FixedZone("", -5*3600))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: cfg("24h", "1h", expiry.Format(time.RFC3339), "rotation_triggers = {}"), ConfigStateChecks: keep()},
			nothing(cfg("1440m", "60m", offset.Format(time.RFC3339), "rotation_triggers = {}")),
			nothing(cfg("86400s", "3600s", offset.Add(900*time.Millisecond).Format(time.RFC3339Nano), "")),
			nothing(cfg("24h0m0s", "1h", expiry.Format(time.RFC3339), "rotation_triggers = {}")),
		},
	})
}

// Where permissions are left out, the gateway chooses them from the
// provider's own key, so a narrow provider key can still create keys, and
// leaving them out later keeps what the key holds.
func TestAccAPIKeyResource_defaultPermissionsFollowTheProviderKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	narrow, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{
		Label: testLabel(t) + "-provider", Environment: env.keyEnvironment(), Permissions: []string{"api_keys", "balance", "sms"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.api.DeleteAPIKey(context.Background(), narrow.ID); err != nil {
			t.Errorf("deleting the narrow provider key: %v", err)
		}
	})
	factories := env.factoriesWithEnv(map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key})
	withoutPermissions := apiKeyConfig(testLabel(t), env.keyEnvironment(), "")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	scopes := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.StringExact(n)
		}
		return knownvalue.SetExact(checks)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: withoutPermissions,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(testKeyAddress, tfjsonpath.New("permissions")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), scopes("balance", "sms")),
					sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id")),
					env.expectKeyWorks(),
				},
			},
			{
				Config: apiKeyConfig(testLabel(t), env.keyEnvironment(), `  permissions = ["sms"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), scopes("sms")),
					sameID.AddStateValue(testKeyAddress, tfjsonpath.New("id")),
				},
			},
			{
				Config:           withoutPermissions,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testKeyAddress, tfjsonpath.New("permissions"), scopes("sms")),
				},
			},
		},
	})
}

// The ephemeral resource makes its key through the same path, with the
// same default.
func TestAccAPIKeyEphemeralResource_defaultPermissionsFollowTheProviderKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)
	narrow, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{
		Label: label + "-provider", Environment: env.keyEnvironment(), Permissions: []string{"api_keys", "balance"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.api.DeleteAPIKey(context.Background(), narrow.ID); err != nil {
			t.Errorf("deleting the narrow provider key: %v", err)
		}
	})

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: env.factoriesWithEnv(map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key}),
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
ephemeral "sms_api_key" "scoped" {
  label       = %[1]q
  environment = %[2]q
}

provider "sms" {
  alias    = "scoped"
  endpoint = %[3]q
  api_key  = ephemeral.sms_api_key.scoped.key
}

data "sms_api_keys" "through_scoped" {
  provider = sms.scoped
  label    = %[1]q
}
`, label, env.keyEnvironment(), env.endpoint)),
			// That the key is made at all shows that the default follows
			// the narrow provider key: the gateway refuses to grant a scope
			// the caller lacks. It could list keys only if the default had
			// granted api_keys, which it must not.
			ExpectError: regexp.MustCompile(`(?s)Unable to List API Keys.*403 forbidden`),
		}},
	})
}

// Bad input fails at plan and names the attribute, for the provider block,
// the data sources and import ids as for the resource.
func TestAccProvider_invalidInputNamesTheAttribute(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	for name, tc := range map[string]struct {
		body string
		want *regexp.Regexp
	}{
		"empty api_key": {`provider "sms" {
  api_key = ""
}

data "sms_api_keys" "all" {}`, errorMatching("api_key string length must be at least 1, got: 0")},
		"data source id with a slash": {`data "sms_api_key" "one" {
  id = "ak_1/credentials"
}`, errorMatching("Invalid Key ID", `id "ak_1/credentials" is not a key id`, "only letters, digits, _ and -")},
		"data source id empty": {`data "sms_api_key" "one" {
  id = ""
}`, errorMatching("Invalid Key ID", "a key id must not be empty")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      config(tc.body),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// An import id that the gateway never issues is refused before any
// request, naming the id, rather than reaching another path.
func TestAccAPIKeyResource_importInvalidID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"../balance", "ak 1"} {
		t.Run(strings.ReplaceAll(id, "/", "_"), func(t *testing.T) {
			t.Parallel()
			// A gateway of its own, so that its request count is this import's.
			env := newTestEnv(t, sandbox.Options{})
			env.requireSandbox(t)
			before := env.sandbox.Stats().Total
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:        apiKeyConfig("x", env.keyEnvironment(), ""),
					ResourceName:  testKeyAddress,
					ImportState:   true,
					ImportStateId: id,
					ExpectError:   errorMatching("Invalid Key ID", fmt.Sprintf("The import id %q is not a key id", id)),
				}},
			})
			if n := env.sandbox.Stats().Total - before; n != 0 {
				t.Errorf("the import sent %d requests, want none", n)
			}
		})
	}
}
