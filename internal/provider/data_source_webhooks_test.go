package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// The data source lists webhooks by event type, with header names and
// never their values.
func TestAccWebhooksDataSource(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	env.requireSandbox(t) // counts every hook of the account
	cfg := config(fmt.Sprintf(`
resource "sms_webhook" "reports" {
  target_url = %q
  event_type = "dlr"
  headers    = "Authorization: Bearer data-source-secret\nX-Team: checkout"
}

resource "sms_webhook" "inbound" {
  target_url     = %q
  event_type     = "sms_mo"
  event_filter   = "+4930123456"
  request_method = "GET"
}

data "sms_webhooks" "reports" {
  event_type = "dlr"
  depends_on = [sms_webhook.reports, sms_webhook.inbound]
}

data "sms_webhooks" "all" {
  depends_on = [sms_webhook.reports, sms_webhook.inbound]
}
`, webhookTarget(t, "/dlr"), webhookTarget(t, "/mo")))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkWebhooksDestroyed,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sms_webhooks.reports", tfjsonpath.New("webhooks"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":             knownvalue.NotNull(),
						"target_url":     knownvalue.StringExact(webhookTarget(t, "/dlr")),
						"event_type":     knownvalue.StringExact("dlr"),
						"request_method": knownvalue.StringExact("POST"),
						"event_filter":   knownvalue.Null(),
						"header_names":   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Authorization"), knownvalue.StringExact("X-Team")}),
						"enabled":        knownvalue.Bool(true),
						"created_at":     knownvalue.StringRegexp(rfc3339Pattern),
					}),
				})),
				statecheck.ExpectKnownValue("data.sms_webhooks.all", tfjsonpath.New("webhooks"), knownvalue.ListSizeExact(2)),
				statecheck.CompareValuePairs("data.sms_webhooks.reports", tfjsonpath.New("webhooks").AtSliceIndex(0).AtMapKey("id"),
					"sms_webhook.reports", tfjsonpath.New("id"), compare.ValuesSame()),
			},
		}},
	})
}
