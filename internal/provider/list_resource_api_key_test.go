package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// listsAndActions skips a plugin-testing case under a CLI without list
// resources and actions; the skip message names the version.
var listsAndActions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// requireListsAndActions skips a test that drives the CLI itself when the
// CLI has no `terraform query` and no actions: Terraform before 1.14, and
// OpenTofu (1.12.6 here), which has neither.
func requireListsAndActions(t *testing.T, w *clitest.Workdir) {
	t.Helper()
	v, err := w.Version()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.MustRun("version").Stdout, "OpenTofu") {
		t.Skipf("needs Terraform 1.14 or later (list resources and actions); OpenTofu %s has neither", v)
	}
	m, n, ok := parseMinorVersion(v)
	if !ok {
		t.Fatalf("cannot read the CLI's version %q", v)
	}
	if m < 1 || (m == 1 && n < 14) {
		t.Skipf("needs Terraform 1.14 or later (list resources and actions); this CLI is %s", v)
	}
}

// expectListed checks that a list block found exactly these keys, in this
// order, each with its identity and its display name.
func expectListed(address string, keys ...client.APIKey) querycheck.QueryResultCheck {
	return listedCheck{address: address, keys: keys}
}

type listedCheck struct {
	address string
	keys    []client.APIKey
}

func (c listedCheck) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var got []string
	for _, found := range req.Query {
		if strings.TrimPrefix(found.Address, "list.") == c.address {
			got = append(got, fmt.Sprintf("%v %q", found.Identity["id"], found.DisplayName))
		}
	}
	want := make([]string, len(c.keys))
	for i, k := range c.keys {
		want[i] = fmt.Sprintf("%s %q", k.ID, k.Label+" ("+k.ID+")")
	}
	if !slices.Equal(got, want) {
		resp.Error = fmt.Errorf("%s found\n  %s\nwant\n  %s", c.address, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var _ querycheck.QueryResultCheck = listedCheck{}

func listBlock(name, body string) string {
	return fmt.Sprintf("list \"sms_api_key\" %q {\n  provider = sms\n%s\n}\n", name, body)
}

// The filters of the sms_api_keys data source, each alone and together,
// over keys of both environments, with and without expiry.
func TestAccAPIKeyListResource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	own, err := env.api.GetAPIKey(context.Background(), env.ownKeyID)
	if err != nil {
		t.Fatal(err)
	}
	// One second apart, so that the expected order is the order of creation.
	create := func(label, environment string, permissions ...string) client.APIKey {
		env.advance(time.Second)
		return env.createKeys(t, client.CreateAPIKeyInput{Label: label, Environment: environment, Permissions: permissions})[0]
	}
	webLive := create("web-live", "live", "sms", "balance")
	webSandbox := create("web-sandbox", "sandbox", "sms")
	reports := create("reports", "live", "analytics")
	env.advance(time.Second)
	soon := env.clock.Now().Add(time.Hour)
	webExpiring := env.createKeys(t, client.CreateAPIKeyInput{Label: "web-expiring", Permissions: []string{"sms"}, ValidUntil: &soon})[0]
	env.advance(2 * time.Hour)

	query := strings.Join([]string{
		listBlock("all", ""),
		listBlock("environment", "  config {\n    environment = \"sandbox\"\n  }"),
		listBlock("label", "  config {\n    label = \"reports\"\n  }"),
		listBlock("label_regex", "  config {\n    label_regex = \"^web-\"\n  }"),
		listBlock("permission", "  config {\n    permission = \"balance\"\n  }"),
		listBlock("expired", "  config {\n    expired = true\n  }"),
		listBlock("together", "  config {\n    label_regex = \"^web-\"\n    environment = \"live\"\n    expired     = false\n  }"),
		listBlock("none", "  config {\n    label = \"no such label\"\n  }"),
		listBlock("limited", "  limit = 2"),
	}, "\n")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   listsAndActions,
		Steps: []resource.TestStep{
			{Config: config("")},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectListed("sms_api_key.all", *own, webLive, webSandbox, reports, webExpiring),
					expectListed("sms_api_key.environment", webSandbox),
					expectListed("sms_api_key.label", reports),
					expectListed("sms_api_key.label_regex", webLive, webSandbox, webExpiring),
					expectListed("sms_api_key.permission", *own, webLive),
					expectListed("sms_api_key.expired", webExpiring),
					expectListed("sms_api_key.together", webLive),
					expectListed("sms_api_key.none"),
					expectListed("sms_api_key.limited", *own, webLive),
					querycheck.ExpectLength("sms_api_key.limited", 2),
				},
			},
		},
	})
}

// With include_resource, each result is the key as an import would hold
// it: what the gateway shows, no key and no secret, no inputs that live
// only in configuration.
func TestAccAPIKeyListResource_includeResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	validUntil := env.clock.Now().Add(48 * time.Hour)
	key := env.createKeys(t, client.CreateAPIKeyInput{
		Label: "described", Environment: "sandbox", Length: 20, Permissions: []string{"sms", "balance"}, ValidUntil: &validUntil,
	})[0]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   listsAndActions,
		Steps: []resource.TestStep{
			{Config: config("")},
			{
				Query:  true,
				Config: listBlock("described", "  include_resource = true\n  config {\n    label = \"described\"\n  }"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectListed("sms_api_key.described", key),
					querycheck.ExpectIdentity("sms_api_key.described", map[string]knownvalue.Check{
						"id": knownvalue.StringExact(key.ID),
					}),
					querycheck.ExpectResourceKnownValues("sms_api_key.described",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(key.ID)}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(key.ID)},
							{Path: tfjsonpath.New("label"), KnownValue: knownvalue.StringExact("described")},
							{Path: tfjsonpath.New("environment"), KnownValue: knownvalue.StringExact("sandbox")},
							{Path: tfjsonpath.New("length"), KnownValue: knownvalue.Int64Exact(20)},
							{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
								knownvalue.StringExact("balance"), knownvalue.StringExact("sms"),
							})},
							{Path: tfjsonpath.New("key_hint"), KnownValue: knownvalue.StringExact(key.KeyHint)},
							{Path: tfjsonpath.New("created_at"), KnownValue: knownvalue.StringExact(key.CreatedAt.UTC().Format(time.RFC3339))},
							{Path: tfjsonpath.New("expires_at"), KnownValue: knownvalue.StringExact(validUntil.UTC().Truncate(time.Second).Format(time.RFC3339))},
							{Path: tfjsonpath.New("key"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("secret"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("encrypted_key"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("valid_until"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("retire_after"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("rotation_triggers"), KnownValue: knownvalue.Null()},
						}),
				},
			},
		},
	})
}

// More keys than two pages hold: every page is read, once.
func TestAccAPIKeyListResource_paging(t *testing.T) {
	t.Parallel()
	const count = 230
	env := newTestEnv(t, sandbox.Options{KeyQuota: count + 1})
	env.requireSandbox(t)
	w := env.cli(t)
	requireListsAndActions(t, w)
	inputs := make([]client.CreateAPIKeyInput, count)
	for i := range inputs {
		inputs[i] = client.CreateAPIKeyInput{Label: fmt.Sprintf("paged-%03d", i), Permissions: []string{"sms"}}
	}
	env.createKeys(t, inputs...)
	initialized(t, w, config(""))
	w.WriteFile("keys.tfquery.hcl", listBlock("paged", "  limit = 1000\n  config {\n    label_regex = \"^paged-\"\n  }"))

	before := env.sandbox.Stats().Count("GET", "/api_keys", 200)
	r := w.MustRun("query", "-no-color", "-json")
	if lists := env.sandbox.Stats().Count("GET", "/api_keys", 200) - before; lists != 3 {
		t.Errorf("one query sent %d list requests, want 3 (pages of 100, 100 and 31)", lists)
	}
	if n := strings.Count(r.Stdout, `"type":"list_resource_found"`); n != count {
		t.Errorf("the query found %d keys, want %d:\n%s", n, count, r)
	}
}

// `terraform query -generate-config-out` writes what imports the keys
// without replacing them; the apply reads their credentials where the
// gateway shows keys again, and the next plan is empty.
func TestAccAPIKeyListResource_generateConfig(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	requireListsAndActions(t, w)
	validUntil := env.clock.Now().Add(72 * time.Hour)
	env.createKeys(t,
		client.CreateAPIKeyInput{Label: "made-by-hand-a", Permissions: []string{"sms", "status"}},
		client.CreateAPIKeyInput{Label: "made-by-hand-b", Environment: "sandbox", Length: 32, Permissions: []string{"balance"}, ValidUntil: &validUntil},
	)
	initialized(t, w, config(""))
	w.WriteFile("keys.tfquery.hcl", listBlock("by_hand", "  include_resource = true\n  config {\n    label_regex = \"^made-by-hand-\"\n  }"))

	w.MustRun("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if credentials := regexp.MustCompile(`(?m)^\s*(key|secret)\s*=`); credentials.Match(generated) {
		t.Errorf("the generated configuration sets a key or secret:\n%s", generated)
	}

	plan := w.MustRun("plan", "-input=false", "-no-color")
	expectOutput(t, plan, "2 to import, 0 to add, 2 to change, 0 to destroy")
	if strings.Contains(plan.Output(), "must be replaced") {
		t.Errorf("the plan replaces an imported key:\n%s", plan)
	}
	reads := env.credentialReads()
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if got := env.credentialReads() - reads; got != 2 {
		t.Errorf("the apply read %d keys again, want 2 (each imported key once)", got)
	}

	var shown tfjson.State
	if err := shown.UnmarshalJSON([]byte(w.MustRun("show", "-json").Stdout)); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, res := range shown.Values.RootModule.Resources {
		labels = append(labels, stringAttribute(t, res, "label"))
		creds, err := env.api.GetCredentials(context.Background(), stringAttribute(t, res, "id"))
		if err != nil {
			t.Fatal(err)
		}
		if res.AttributeValues["key"] != creds.Key || res.AttributeValues["secret"] != creds.Secret {
			t.Errorf("%s holds another key or secret than the gateway's", res.Address)
		}
		if strings.Contains(string(generated), creds.Key) || strings.Contains(string(generated), creds.Secret) {
			t.Errorf("the generated configuration holds the key or secret of %s", res.Address)
		}
	}
	slices.Sort(labels)
	if want := []string{"made-by-hand-a", "made-by-hand-b"}; !slices.Equal(labels, want) {
		t.Errorf("state holds the keys %q, want %q", labels, want)
	}

	empty := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if empty.ExitCode != 0 {
		t.Errorf("the plan after the import apply proposes changes:\n%s", empty)
	}
}

// parseMinorVersion reads the major and minor numbers of a CLI's version,
// such as 1 and 16 of "1.16.4".
func parseMinorVersion(v string) (major, minor int, ok bool) {
	majorText, rest, _ := strings.Cut(v, ".")
	minorText, _, _ := strings.Cut(rest, ".")
	major, errMajor := strconv.Atoi(majorText)
	minor, errMinor := strconv.Atoi(minorText)
	return major, minor, errMajor == nil && errMinor == nil
}
