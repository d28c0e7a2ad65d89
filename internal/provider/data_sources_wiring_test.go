package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// The data sources and ephemeral resources through the protocol, without
// a CLI.

func TestDataSourcesWithoutCLI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	made := map[string]*client.APIKey{}
	for _, in := range []client.CreateAPIKeyInput{
		{Label: "web-1", Permissions: []string{"sms"}},
		{Label: "web-2", Permissions: []string{"balance"}, Environment: "sandbox"},
	} {
		k, err := h.api.CreateAPIKey(h.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		made[in.Label] = k
	}

	list, diags := h.readData("sms_api_keys", map[string]any{"label_regex": "^web-", "permission": "sms"})
	expectDiagnostics(t, diags, false)
	if got := attrOf(list, "ids"); got != `tftypes.List[tftypes.String]<tftypes.String<"`+made["web-1"].ID+`">>` {
		t.Errorf("filtered ids = %s, want only web-1", got)
	}
	_, diags = h.readData("sms_api_keys", map[string]any{"label_regex": "("})
	expectDiagnostics(t, diags, true, "label_regex")

	one, diags := h.readData("sms_api_key", map[string]any{"id": made["web-2"].ID, "include_credentials": true})
	expectDiagnostics(t, diags, false)
	if attrOf(one, "label") != "web-2" || attrOf(one, "key") != made["web-2"].Key || attrOf(one, "environment") != "sandbox" {
		t.Errorf("sms_api_key read %s", one)
	}
	withoutCredentials, diags := h.readData("sms_api_key", map[string]any{"id": made["web-1"].ID})
	expectDiagnostics(t, diags, false)
	if attrOf(withoutCredentials, "key") != "" {
		t.Error("a read without include_credentials holds the key")
	}
	_, diags = h.readData("sms_api_key", map[string]any{"id": "ak_00000000000000000000"})
	expectDiagnostics(t, diags, true, "API Key Not Found")
}

func TestEphemeralResourcesWithoutCLI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	opened, private, diags := h.open("sms_api_key", map[string]any{"label": "one run", "permissions": []string{"balance"}})
	expectDiagnostics(t, diags, false)
	id := attrOf(opened, "id")
	got := h.key(id)
	if got == nil || got.ValidUntil == nil || !got.ValidUntil.Equal(h.clock.Now().Add(defaultEphemeralValidFor)) {
		t.Fatalf("the short-lived key is %+v, want it expiring in %s", got, defaultEphemeralValidFor)
	}

	creds, _, diags := h.open("sms_api_key_credentials", map[string]any{"id": id})
	expectDiagnostics(t, diags, false)
	if attrOf(creds, "key") != attrOf(opened, "key") || attrOf(creds, "secret") != attrOf(opened, "secret") {
		t.Error("the credentials read again differ from the ones created")
	}

	expectDiagnostics(t, h.close("sms_api_key", private), false)
	if h.key(id) != nil {
		t.Error("close left the short-lived key behind")
	}
	_, _, diags = h.open("sms_api_key_credentials", map[string]any{"id": id})
	expectDiagnostics(t, diags, true, "Unable to Read API Key Credentials")

	_, _, diags = h.open("sms_api_key", map[string]any{"label": "x", "valid_for": "30s"})
	expectDiagnostics(t, diags, true, "valid_for")
	expectDiagnostics(t, h.close("sms_api_key", nil), true, "lost the id")
}

// Without a usable configuration the provider says so, and every call to
// the gateway says why it cannot be made.
func TestProviderConfigurationWithoutCLI(t *testing.T) {
	t.Parallel()
	h := newUnconfiguredHarness(t, sandbox.Options{})
	expectDiagnostics(t, h.configure(map[string]any{"endpoint": h.sb.Endpoint}), true, "Missing API Key")
	expectDiagnostics(t, h.configure(map[string]any{"api_key": "k", "endpoint": "ftp://x"}), true, "endpoint")

	unknownKey := map[string]any{"endpoint": h.sb.Endpoint, "api_key": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}
	expectDiagnostics(t, h.configure(unknownKey), false)
	p := h.plan(nil, map[string]any{"label": "later"})
	expectDiagnostics(t, p.resp.Diagnostics, false)
	_, diags := h.apply(p)
	expectDiagnostics(t, diags, true, "Provider Not Configured")

	fromEnv := newUnconfiguredHarness(t, sandbox.Options{})
	fromEnv.env[envEndpoint], fromEnv.env[envAPIKeySeven] = fromEnv.sb.Endpoint, fromEnv.sb.APIKey
	expectDiagnostics(t, fromEnv.configure(map[string]any{}), false)
	if k := fromEnv.create(map[string]any{"label": "from the environment"}); fromEnv.key(k.attr("id")) == nil {
		t.Error("a provider configured from SMS_ENDPOINT and SEVEN_API_KEY made no key")
	}
}
