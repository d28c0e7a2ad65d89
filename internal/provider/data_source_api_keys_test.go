package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// createKeys makes keys straight through the API, for tests that need many.
func (e *testEnv) createKeys(t *testing.T, inputs ...client.CreateAPIKeyInput) []client.APIKey {
	t.Helper()
	keys := make([]client.APIKey, len(inputs))
	for i, in := range inputs {
		key, err := e.api.CreateAPIKey(context.Background(), in)
		if err != nil {
			t.Fatalf("create key %q: %s", in.Label, err)
		}
		keys[i] = *key
	}
	return keys
}

func idsOf(keys []client.APIKey) []knownvalue.Check {
	checks := make([]knownvalue.Check, len(keys))
	for i, k := range keys {
		checks[i] = knownvalue.StringExact(k.ID)
	}
	return checks
}

func TestAccAPIKeysDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	accountKeys, err := env.api.ListAPIKeys(context.Background(), client.ListAPIKeysInput{})
	if err != nil || len(accountKeys) != 1 {
		t.Fatalf("the new account should hold only its own key: %v, %v", accountKeys, err)
	}
	own := accountKeys[0] // live, every scope, never expires
	// One second apart, so that the expected order is the order of creation.
	create := func(label, environment string, permissions ...string) client.APIKey {
		env.advance(time.Second)
		return env.createKeys(t, client.CreateAPIKeyInput{Label: label, Environment: environment, Permissions: permissions})[0]
	}
	webLive := create("web-live", "live", "sms", "balance")
	webSandbox := create("web-sandbox", "sandbox", "sms")
	reports := create("reports", "live", "analytics")
	ciSmoke := create("ci-smoke", "sandbox", "sms", "status")
	soon := env.clock.Now().Add(time.Hour)
	webExpiring := env.createKeys(t, client.CreateAPIKeyInput{Label: "web-expiring", Permissions: []string{"sms"}, ValidUntil: &soon})[0]
	env.advance(2 * time.Hour)

	cases := map[string]struct {
		filters string
		want    []client.APIKey
	}{
		"environment":          {`environment = "sandbox"`, []client.APIKey{webSandbox, ciSmoke}},
		"label":                {`label = "reports"`, []client.APIKey{reports}},
		"label_regex":          {`label_regex = "^web-"`, []client.APIKey{webLive, webSandbox, webExpiring}},
		"permission":           {`permission = "status"`, []client.APIKey{own, ciSmoke}},
		"expired":              {`expired = true`, []client.APIKey{webExpiring}},
		"regex and permission": {"label_regex = \"^web-\"\npermission = \"balance\"", []client.APIKey{webLive}},
		"environment and sms":  {"environment = \"live\"\npermission = \"sms\"\nexpired = false", []client.APIKey{own, webLive}},
		"nothing matches":      {`label = "no such label"`, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config: config(fmt.Sprintf("data \"sms_api_keys\" \"test\" {\n%s\n}\n", tc.filters)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.sms_api_keys.test", tfjsonpath.New("ids"), knownvalue.ListExact(idsOf(tc.want))),
					},
				}},
			})
		})
	}
}

// Every attribute of a listed key, and no key or secret among them.
func TestAccAPIKeysDataSource_attributes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	validUntil := env.clock.Now().Add(48 * time.Hour)
	key := env.createKeys(t, client.CreateAPIKeyInput{
		Label: "described", Environment: "sandbox", Length: 20, Permissions: []string{"sms", "balance"}, ValidUntil: &validUntil,
	})[0]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(`data "sms_api_keys" "test" {
  label = "described"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sms_api_keys.test", tfjsonpath.New("api_keys"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":               knownvalue.StringExact(key.ID),
						"label":            knownvalue.StringExact("described"),
						"environment":      knownvalue.StringExact("sandbox"),
						"length":           knownvalue.Int64Exact(20),
						"permissions":      knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("balance"), knownvalue.StringExact("sms")}),
						"key_hint":         knownvalue.StringExact(key.KeyHint),
						"created_at":       knownvalue.StringExact(key.CreatedAt.UTC().Format(time.RFC3339)),
						"last_used_at":     knownvalue.Null(),
						"last_revealed_at": knownvalue.Null(),
						"revealable":       knownvalue.Bool(true),
						"expires_at":       knownvalue.StringExact(validUntil.UTC().Truncate(time.Second).Format(time.RFC3339)),
						"expired":          knownvalue.Bool(false),
					}),
				})),
			},
		}},
	})
}

// More keys than two pages hold, all created at one instant: the list is
// whole, ordered by created_at and then id, and one read fetches each page
// once.
func TestAccAPIKeysDataSource_paging(t *testing.T) {
	t.Parallel()
	const count = 260
	env := newTestEnv(t, sandbox.Options{KeyQuota: count + 1})
	env.requireSandbox(t)
	inputs := make([]client.CreateAPIKeyInput, count)
	for i := range inputs {
		inputs[i] = client.CreateAPIKeyInput{Label: fmt.Sprintf("paged-%03d", i), Permissions: []string{"sms"}}
	}
	keys := env.createKeys(t, inputs...)
	slices.SortFunc(keys, func(a, b client.APIKey) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	cfg := config(`data "sms_api_keys" "test" {
  label_regex = "^paged-"
}

output "ids" {
  value = data.sms_api_keys.test.ids
}
`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.sms_api_keys.test", tfjsonpath.New("ids"), knownvalue.ListExact(idsOf(keys))),
			},
		}},
	})

	// A plan reads the data source once: 261 keys, 100 a page, are three
	// requests, however often a test step happens to read it.
	w := env.cli(t)
	initialized(t, w, cfg)
	before := env.sandbox.Stats().Count("GET", "/api_keys", 200)
	w.MustRun("plan", "-input=false", "-no-color")
	if lists := env.sandbox.Stats().Count("GET", "/api_keys", 200) - before; lists != 3 {
		t.Errorf("one read sent %d list requests, want 3 (pages of 100, 100 and 61)", lists)
	}
}

// A key relabelled between two reads shows its new label.
func TestAccAPIKeysDataSource_relabelledBetweenReads(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	key := env.createKeys(t, client.CreateAPIKeyInput{Label: "before", Permissions: []string{"sms"}})[0]
	cfg := config(`data "sms_api_keys" "test" {
  permission = "sms"
  label_regex = "^(before|after)$"
}
`)
	labels := func(label string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.sms_api_keys.test", tfjsonpath.New("api_keys"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(key.ID), "label": knownvalue.StringExact(label)}),
		}))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{labels("before")}},
			{
				PreConfig: func() {
					after := "after"
					if _, err := env.api.UpdateAPIKey(context.Background(), key.ID, client.UpdateAPIKeyInput{Label: &after}); err != nil {
						t.Fatalf("relabel: %s", err)
					}
				},
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{labels("after")},
			},
		},
	})
}

func TestAccAPIKeysDataSource_invalidFilters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	cases := map[string]struct {
		filters string
		want    string
	}{
		"bad regex":        {`label_regex = "(unclosed"`, "label_regex must be a regular expression in RE2 syntax"},
		"empty regex":      {`label_regex = ""`, "label_regex is empty, which would match every label"},
		"empty label":      {`label = ""`, "label UTF-8 character count must be between 1 and 64, got: 0"},
		"label too long":   {`label = "` + strings.Repeat("x", 65) + `"`, "label UTF-8 character count must be between 1 and 64, got: 65"},
		"label with a tab": {`label = "a\tb"`, "label must not contain control characters"},
		"bad environment":  {`environment = "staging"`, "environment value must be one of"},
		"bad permission":   {`permission = "fax"`, "permission value must be one of"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      config(fmt.Sprintf("data \"sms_api_keys\" \"test\" {\n%s\n}\n", tc.filters)),
					PlanOnly:    true,
					ExpectError: errorMatching(tc.want),
				}},
			})
		})
	}
}

// A pattern unknown at plan fails as clearly, once known, as one written
// out.
func TestAccAPIKeysDataSource_invalidRegexKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config(`
resource "terraform_data" "pattern" {
  input = "(unclosed"
}

data "sms_api_keys" "test" {
  label_regex = terraform_data.pattern.output
}
`),
			ExpectError: errorMatching("label_regex must be a regular expression in RE2 syntax"),
		}},
	})
}
