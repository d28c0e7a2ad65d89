package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	receiver "github.com/sms-gateway/terraform-provider-sms/examples/webhook-receiver"
	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

const testWebhookAddress = "sms_webhook.test"

var rfc3339Pattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// newWebhookTestEnv is the gateway of a webhook test: the local sandbox, or
// a real account, whose key needs the hooks scope only.
func newWebhookTestEnv(t *testing.T, opts sandbox.Options) *testEnv {
	t.Helper()
	return newGatewayEnv(t, opts)
}

// webhookTarget is a target URL of the test's own, so that tests sharing a
// real account tell their hooks apart. Nothing listens there: on a real
// account events to it go nowhere, and the sandbox calls loopback only.
func webhookTarget(t *testing.T, suffix string) string {
	return "https://receiver.example.com/" + testLabel(t) + suffix
}

func webhookConfig(attrs string) string {
	return config(`resource "sms_webhook" "test" {
` + attrs + `
}
`)
}

// checkWebhooksDestroyed asks the gateway that no sms_webhook of state is
// listed any more.
func (e *testEnv) checkWebhooksDestroyed(s *terraform.State) error {
	hooks, err := e.api.ListHooks(context.Background())
	if err != nil {
		return fmt.Errorf("listing webhooks: %w", err)
	}
	listed := map[string]bool{}
	for _, h := range hooks {
		listed[h.ID] = true
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type == "sms_webhook" && listed[rs.Primary.ID] {
			return fmt.Errorf("webhook %s still exists after destroy", rs.Primary.ID)
		}
	}
	return nil
}

func TestAccWebhookResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	target := webhookTarget(t, "/events")
	base := fmt.Sprintf("target_url = %q\n  event_type = \"dlr\"\n", target)
	withHeaders := base + `  headers = "Authorization: Bearer receiver-token\nX-Team: checkout"` + "\n"
	replaced := func(attrs string) resource.TestStep {
		return resource.TestStep{
			Config: webhookConfig(attrs),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testWebhookAddress, plancheck.ResourceActionDestroyBeforeCreate),
			}},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkWebhooksDestroyed,
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(withHeaders),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testWebhookAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testWebhookAddress, tfjsonpath.New("id")),
					plancheck.ExpectKnownValue(testWebhookAddress, tfjsonpath.New("request_method"), knownvalue.StringExact("POST")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testWebhookAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`))),
					statecheck.ExpectKnownValue(testWebhookAddress, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testWebhookAddress, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Pattern)),
					statecheck.ExpectKnownValue(testWebhookAddress, tfjsonpath.New("event_filter"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue(testWebhookAddress, tfjsonpath.New("headers")),
					env.expectWebhookListed(target, "dlr", "POST", "", "Authorization: Bearer receiver-token\nX-Team: checkout"),
				},
			},
			{
				ResourceName:      testWebhookAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: webhookConfig(withHeaders),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			// Every input replaces the webhook: the gateway has no update.
			replaced(base + "  headers = \"Authorization: Bearer rotated\"\n"),
			replaced(base + "  headers = \"Authorization: Bearer rotated\"\n  event_filter = \"+4930123456\"\n"),
			replaced(base + "  event_filter = \"+4930123456\"\n  request_method = \"JSON\"\n"),
			replaced(fmt.Sprintf("target_url = %q\n  event_type = \"sms_mo\"\n  request_method = \"JSON\"\n", target)),
			replaced(fmt.Sprintf("target_url = %q\n  event_type = \"sms_mo\"\n  request_method = \"JSON\"\n", target+"?v=2")),
			{
				Config: webhookConfig(fmt.Sprintf("target_url = %q\n  event_type = \"sms_mo\"\n  request_method = \"JSON\"\n", target+"?v=2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					env.expectWebhookListed(target+"?v=2", "sms_mo", "JSON", "", ""),
				},
			},
		},
	})
}

// A webhook deleted outside Terraform is planned again, not an error.
func TestAccWebhookResource_deletedOutOfBand(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	cfg := webhookConfig(fmt.Sprintf("target_url = %q\n  event_type = \"all\"\n  request_method = \"GET\"\n", webhookTarget(t, "")))
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkWebhooksDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[testWebhookAddress].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := env.api.DeleteHook(context.Background(), id); err != nil {
						t.Fatalf("deleting webhook %s out of band: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testWebhookAddress, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					env.expectWebhookListed(webhookTarget(t, ""), "all", "GET", "", ""),
				},
			},
		},
	})
}

func TestAccWebhookResource_invalidInputs(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	cases := map[string]struct {
		attrs string
		want  *regexp.Regexp
	}{
		"relative URL": {`target_url = "/events"
  event_type = "dlr"`, errorMatching("Invalid URL", "target_url", "does not start with http")},
		"ftp URL": {`target_url = "ftp://receiver.example.com/x"
  event_type = "dlr"`, errorMatching("Invalid URL", "target_url", "absolute http or https URL")},
		"no host": {`target_url = "https:///x"
  event_type = "dlr"`, errorMatching("Invalid URL", "target_url", "has no host")},
		"password in URL": {`target_url = "https://user:hunter2@receiver.example.com/x"
  event_type = "dlr"`, errorMatching("Credentials In URL", "target_url", "headers")},
		"event type spelled": {`target_url = "https://receiver.example.com/x"
  event_type = "DLR"`, errorMatching("event_type", `value must be one of`, `"dlr"`)},
		"method lower case": {`target_url = "https://receiver.example.com/x"
  event_type = "dlr"
  request_method = "post"`, errorMatching("request_method", `value must be one of`, `"POST"`)},
		"header without colon": {`target_url = "https://receiver.example.com/x"
  event_type = "dlr"
  headers = "Authorization Bearer hunter2"`, errorMatching("Invalid Headers", "headers", "line 1 has no colon")},
		"empty line between headers": {`target_url = "https://receiver.example.com/x"
  event_type = "dlr"
  headers = "A: b\n\nC: d"`, errorMatching("Invalid Headers", "headers", "line 2 has no colon")},
		"two-line filter": {`target_url = "https://receiver.example.com/x"
  event_type = "sms_mo"
  event_filter = "1\n2"`, errorMatching("event_filter", "must be one line")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      webhookConfig(tc.attrs),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// Webhooks alone work against a gateway without the key-management API,
// with a key that holds only the hooks scope.
func TestAccWebhookResource_hooksScopeOnly(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	narrow, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{Label: testLabel(t), Permissions: []string{"hooks"}})
	if err != nil {
		t.Fatal(err)
	}
	// Only /hooks reaches the sandbox: any other path would be a key call.
	sb := env.local
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/hooks" {
			t.Errorf("the provider called %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		sb.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factoriesWithEnv(map[string]string{envEndpoint: gate.URL + "/api", envAPIKey: narrow.Key}),
		CheckDestroy:             env.checkWebhooksDestroyed,
		Steps: []resource.TestStep{{
			Config: webhookConfig(fmt.Sprintf("target_url = %q\n  event_type = \"dlr\"\n", webhookTarget(t, ""))) + `
data "sms_webhooks" "all" {
  depends_on = [sms_webhook.test]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sms_webhooks.all", tfjsonpath.New("webhooks"), knownvalue.ListSizeExact(1)),
			},
		}},
	})
}

// A key without the hooks scope hears what it lacks.
func TestAccWebhookResource_keyWithoutHooksScope(t *testing.T) {
	t.Parallel()
	env := newWebhookTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	narrow, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{Label: testLabel(t), Permissions: []string{"sms"}})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factoriesWithEnv(map[string]string{envEndpoint: env.endpoint, envAPIKey: narrow.Key}),
		Steps: []resource.TestStep{{
			Config:      webhookConfig(fmt.Sprintf("target_url = %q\n  event_type = \"dlr\"\n", webhookTarget(t, ""))),
			ExpectError: errorMatching("Unable to Create Webhook", "hooks scope", "902"),
		}},
	})
}

// The test plays the receiver: the guide's receiver verifies the signed
// delivery reports that the sandbox sends for an SMS, in all three request
// methods.
func TestAccWebhook_receivesSignedEvents(t *testing.T) {
	t.Parallel()
	const signingKey = "SigningKeyOfTheTestAccount0123456789"
	env := newWebhookTestEnv(t, sandbox.Options{SigningKeys: []string{signingKey}})
	env.requireSandbox(t)

	events := make(chan receiver.Event, 10)
	rejected := make(chan string, 10)
	var publicBase string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		receiver.Handler(signingKey, publicBase, func(e receiver.Event) {
			e.Fields["path"] = r.URL.Path
			events <- e
		}).ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			rejected <- fmt.Sprintf("%s %s: %d %s", r.Method, r.URL.Path, rec.Code, rec.Body.String())
		}
		w.WriteHeader(rec.Code)
	}))
	t.Cleanup(srv.Close)
	publicBase = srv.URL

	hooks := ""
	for _, method := range []string{"POST", "JSON", "GET"} {
		hooks += fmt.Sprintf(`
resource "sms_webhook" %q {
  target_url     = "%s/events/%s"
  event_type     = "dlr"
  request_method = %q
  headers        = "Authorization: Bearer receiver-token"
}
`, strings.ToLower(method), srv.URL, method, method)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkWebhooksDestroyed,
		Steps: []resource.TestStep{{
			Config: config(hooks),
			Check: func(*terraform.State) error {
				msgID, err := env.sendSMS("+491701234567")
				if err != nil {
					return err
				}
				got := map[string]bool{}
				for len(got) < 3 {
					select {
					case e := <-events:
						if e.Type != "dlr" || e.Fields["msg_id"] != msgID || e.Fields["status"] != "DELIVERED" {
							return fmt.Errorf("event %+v, want the dlr of %s", e, msgID)
						}
						got[e.Fields["path"]] = true
					case r := <-rejected:
						return fmt.Errorf("the receiver rejected a delivery: %s", r)
					case <-time.After(30 * time.Second):
						return fmt.Errorf("only %v arrived", got)
					}
				}
				return nil
			},
		}},
	})
}

// sendSMS sends a message with the test's key and returns its id.
func (e *testEnv) sendSMS(to string) (string, error) {
	req, err := http.NewRequest(http.MethodPost, e.endpoint+"/sms", strings.NewReader(fmt.Sprintf(`{"to":%q,"text":"hello"}`, to)))
	if err != nil {
		return "", err
	}
	req.Header.Set("X-Api-Key", e.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var answer struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK || len(answer.Messages) != 1 {
		return "", fmt.Errorf("POST /sms: %d, %w", resp.StatusCode, err)
	}
	return answer.Messages[0].ID, nil
}

// expectWebhookListed asks the gateway for the webhook of sms_webhook.test.
func (e *testEnv) expectWebhookListed(target, eventType, method, filter, headers string) statecheck.StateCheck {
	return webhookListedCheck{env: e, want: client.HookInput{TargetURL: target, EventType: eventType, RequestMethod: method, EventFilter: filter, Headers: headers}}
}

type webhookListedCheck struct {
	env  *testEnv
	want client.HookInput
}

func (c webhookListedCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	id, err := stateString(req.State, testWebhookAddress, "id")
	if err != nil {
		resp.Error = err
		return
	}
	hooks, err := c.env.api.ListHooks(ctx)
	if err != nil {
		resp.Error = err
		return
	}
	for _, h := range hooks {
		if h.ID != id {
			continue
		}
		got := client.HookInput{TargetURL: h.TargetURL, EventType: h.EventType, RequestMethod: h.RequestMethod, EventFilter: h.EventFilter, Headers: h.Headers}
		if got != c.want || !h.Enabled {
			resp.Error = fmt.Errorf("webhook %s is listed as %+v (enabled %v), want %+v", id, got, h.Enabled, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("webhook %s is not listed", id)
}
