package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestAccAPIKeyDataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	label := testLabel(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: apiKeyConfig(label, env.keyEnvironment(), `  permissions = ["sms", "balance"]`) + `
data "sms_api_key" "test" {
  id = sms_api_key.test.id
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(testKeyAddress, tfjsonpath.New("id"), "data.sms_api_key.test", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(testKeyAddress, tfjsonpath.New("key_hint"), "data.sms_api_key.test", tfjsonpath.New("key_hint"), compare.ValuesSame()),
				statecheck.CompareValuePairs(testKeyAddress, tfjsonpath.New("created_at"), "data.sms_api_key.test", tfjsonpath.New("created_at"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.sms_api_key.test", tfjsonpath.New("label"), knownvalue.StringExact(label)),
				statecheck.ExpectKnownValue("data.sms_api_key.test", tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("balance"), knownvalue.StringExact("sms"),
				})),
				statecheck.ExpectKnownValue("data.sms_api_key.test", tfjsonpath.New("expired"), knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccAPIKeyDataSource_notFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(`data "sms_api_key" "test" {
  id = "ak_00000000000000000000"
}
`),
			ExpectError: errorMatching("API Key Not Found", `no key with id "ak_00000000000000000000"`),
		}},
	})
}
