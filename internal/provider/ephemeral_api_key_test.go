package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// A second provider configured with an ephemeral key lists keys through it;
// once the run is over the key is gone.
func TestAccAPIKeyEphemeralResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
ephemeral "sms_api_key" "scoped" {
  label       = %[1]q
  environment = %[2]q
  permissions = ["api_keys"]
  valid_for   = "10m"
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
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sms_api_keys.through_scoped", tfjsonpath.New("api_keys"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"label":       knownvalue.StringExact(label),
						"permissions": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("api_keys")}),
						"expires_at":  knownvalue.NotNull(),
					}),
				})),
				env.expectNoKeyLabelled(label),
			},
		}},
	})
}

func TestAccAPIKeyEphemeralResource_invalidInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(`
ephemeral "sms_api_key" "test" {
  label     = "x"
  valid_for = "forever"
}
`),
			ExpectError: errorMatching("valid_for must be a duration", `got "forever"`),
		}},
	})
}

// expectNoKeyLabelled asks the gateway that no key with the label exists.
func (e *testEnv) expectNoKeyLabelled(label string) statecheck.StateCheck {
	return noKeyLabelledCheck{env: e, label: label}
}

type noKeyLabelledCheck struct {
	env   *testEnv
	label string
}

func (c noKeyLabelledCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	keys, err := c.env.api.ListAPIKeys(ctx, client.ListAPIKeysInput{Label: c.label})
	switch {
	case err != nil:
		resp.Error = err
	case len(keys) > 0:
		resp.Error = fmt.Errorf("key %s labelled %q still exists after the run", keys[0].ID, c.label)
	}
}
