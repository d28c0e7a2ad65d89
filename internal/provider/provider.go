// Package provider implements the sms Terraform provider: API keys of an SMS
// gateway, managed through the gateway's key-management API.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

const (
	envAPIKey       = "SMS_API_KEY"   //nolint:gosec // a variable's name
	envAPIKeySeven  = "SEVEN_API_KEY" //nolint:gosec // a variable's name
	envEndpoint     = "SMS_ENDPOINT"
	defaultRetries  = 5
	defaultTimeout  = 30 * time.Second
	minimumTimeout  = time.Second
	maximumTimeout  = 10 * time.Minute
	maximumRetries  = 20
	providerTypeKey = "sms"
)

var (
	_ provider.Provider                       = (*smsProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*smsProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*smsProvider)(nil)
	_ provider.ProviderWithListResources      = (*smsProvider)(nil)
	_ provider.ProviderWithActions            = (*smsProvider)(nil)
)

// options holds what the provider takes from its surroundings, so that tests
// can hand it a moving clock, an environment of their own and a transport.
type options struct {
	clock      clock.Clock
	getenv     func(string) string
	httpClient *http.Client
}

// New returns the provider as Terraform runs it.
func New(version string) func() provider.Provider {
	return newWithOptions(version, options{clock: clock.System(), getenv: os.Getenv})
}

func newWithOptions(version string, opts options) func() provider.Provider {
	return func() provider.Provider {
		return &smsProvider{version: version, opts: opts}
	}
}

type smsProvider struct {
	version string
	opts    options
}

type providerModel struct {
	APIKey            types.String `tfsdk:"api_key"`
	Endpoint          types.String `tfsdk:"endpoint"`
	AllowInsecureHTTP types.Bool   `tfsdk:"allow_insecure_http"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
}

func (p *smsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeKey
	resp.Version = p.version
}

func (p *smsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the API keys of an SMS gateway in the style of seven.io: " +
			"create, rotate and list the keys that services use to send SMS.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "A key of the gateway that holds the `api_keys` scope; the provider manages " +
					"keys with it. Defaults to the `" + envAPIKey + "` environment variable, then to `" +
					envAPIKeySeven + "`; an empty string is an error rather than a fall back to them.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), apiKeyCharacters()},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the gateway's API, of the form `https://HOST/api`, with no user " +
					"name, password, query or fragment; the provider appends the paths of the resources itself. Defaults to the `" +
					envEndpoint + "` environment variable, then to `" + client.DefaultEndpoint + "`. Plain " +
					"`http://` is accepted only for a host on this machine's loopback (`localhost`, `127.0.0.1`, " +
					"`::1`), such as the local sandbox (`terraform-provider-sms sandbox`), which lets you try the " +
					"provider without an account; see `allow_insecure_http`.",
				Optional:   true,
				Validators: []validator.String{endpointURL()},
			},
			"allow_insecure_http": schema.BoolAttribute{
				MarkdownDescription: "Set to `true` to send the API key in clear text over plain `http://` to " +
					"an endpoint that is not on this machine's loopback, such as a sandbox on another test host. " +
					"Anyone on the network between can read the key and use it, so every plan warns while it is " +
					"in effect. Defaults to `false`: such an endpoint is refused before any request.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a server error, a network "+
					"error or a timeout, with exponential backoff and jitter. Answers that ask the provider to slow "+
					"down (429) are waited out as the gateway says and do not count, but one request waits at most "+
					"%s for them in all, then fails. Between 0 and %d; defaults to %d.",
					keylife.FormatDuration(client.DefaultRateLimitWait), maximumRetries, defaultRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maximumRetries)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may take before it is abandoned "+
					"(and retried, see `max_retries`), as a Go duration such as `30s` or `2m`. Between %s and %s; "+
					"defaults to `%s`.", keylife.FormatDuration(minimumTimeout), keylife.FormatDuration(maximumTimeout), keylife.FormatDuration(defaultTimeout)),
				Optional:   true,
				Validators: []validator.String{durationBetween(minimumTimeout, maximumTimeout)},
			},
		},
	}
}

// ValidateConfig refuses, at plan and before any request, an endpoint
// that would carry the key across the network in clear text. An endpoint
// from SMS_ENDPOINT is checked by Configure, which sees the environment.
func (p *smsProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var endpoint types.String
	var allowInsecure types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("endpoint"), &endpoint)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("allow_insecure_http"), &allowInsecure)...)
	if resp.Diagnostics.HasError() || !isKnown(endpoint) || allowInsecure.IsUnknown() || allowInsecure.ValueBool() {
		return
	}
	if _, err := checkEndpoint(endpoint.ValueString()); err == nil && sendsKeyInClear(endpoint.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Insecure Endpoint",
			insecureEndpointDetail("endpoint", endpoint.ValueString()))
	}
}

func insecureEndpointDetail(source, endpoint string) string {
	return fmt.Sprintf("%s (%q) uses plain http:// to a host that is not this machine's loopback, so every "+
		"request would carry the API key across the network in clear text. Use https://, such as %q; plain "+
		"http:// is for the local sandbox on localhost, 127.0.0.1 or ::1. If this is a test gateway and you "+
		"accept that the key can be read on the way, set allow_insecure_http = true in the provider block.",
		source, endpoint, httpsForm(endpoint))
}

func (p *smsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{clock: p.opts.clock}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data

	// A value that depends on a resource not yet created is unknown during
	// plan. Plans that need no API call still work; any that does says why
	// it cannot run (see providerData.requireClient).
	if config.APIKey.IsUnknown() || config.Endpoint.IsUnknown() || config.AllowInsecureHTTP.IsUnknown() ||
		config.MaxRetries.IsUnknown() || config.RequestTimeout.IsUnknown() {
		tflog.Debug(ctx, "provider configuration holds unknown values; API calls wait for apply")
		return
	}

	apiKey, keySource := p.apiKey(config.APIKey)
	switch {
	case apiKey == "":
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing API Key",
			"The provider needs a key of the gateway: one that holds the api_keys scope to manage keys, or "+
				"hooks for webhooks alone. Set api_key in the "+
				"provider block, or the "+envAPIKey+" (or "+envAPIKeySeven+") environment variable.")
	case hasSpaceOrControl(apiKey):
		// Without an attribute path and without the key: Terraform would
		// print the configuration line that holds it.
		resp.Diagnostics.AddError("Invalid API Key", invalidAPIKeyDetail(keySource))
	}

	endpoint, endpointSource := p.endpoint(config.Endpoint)
	resp.Diagnostics.Append(checkConfiguredEndpoint(endpoint, endpointSource, config.AllowInsecureHTTP.ValueBool())...)

	maxRetries := int64(defaultRetries)
	if !config.MaxRetries.IsNull() {
		maxRetries = config.MaxRetries.ValueInt64()
	}
	timeout := defaultTimeout
	if !config.RequestTimeout.IsNull() {
		// The schema validator has already proved that this parses.
		timeout, _ = time.ParseDuration(config.RequestTimeout.ValueString())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	c, err := client.New(client.Config{
		Endpoint:       endpoint,
		APIKey:         apiKey,
		UserAgent:      fmt.Sprintf("terraform-provider-sms/%s (+terraform %s)", p.version, req.TerraformVersion),
		MaxRetries:     int(maxRetries),
		RequestTimeout: timeout,
		HTTPClient:     p.opts.httpClient,
		Log:            httpLogger(apiKey),
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Configuration",
			"The gateway client could not be set up: "+err.Error())
		return
	}
	data.client = c
	data.ownKey = newOwnKey(apiKey)
	data.requestTimeout = timeout
	data.maxRetries = int(maxRetries)
	data.endpoint = endpoint
	data.endpointSource = endpointSource
	data.apiKeySource = keySource
}

// apiKey returns the provider's key and the name of the setting it came
// from, for messages that must point there without repeating the key.
func (p *smsProvider) apiKey(configured types.String) (key, source string) {
	if v := configured.ValueString(); v != "" {
		return v, "api_key"
	}
	for _, name := range []string{envAPIKey, envAPIKeySeven} {
		if v := p.opts.getenv(name); v != "" {
			return v, name
		}
	}
	return "", ""
}

// endpoint returns the gateway's base URL and the setting it came from, ""
// for the default.
func (p *smsProvider) endpoint(configured types.String) (endpoint, source string) {
	if v := configured.ValueString(); v != "" {
		return v, "endpoint"
	}
	if v := p.opts.getenv(envEndpoint); v != "" {
		return v, envEndpoint
	}
	return client.DefaultEndpoint, ""
}

// checkConfiguredEndpoint applies the endpoint's rules once its value and
// source are known: the schema's validators never see SMS_ENDPOINT, nor a
// value that was unknown at validation.
func checkConfiguredEndpoint(endpoint, source string, allowInsecure bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if source == "" {
		return diags
	}
	// An attribute path would make Terraform point at the provider block
	// for a value from the environment, and print a password in a URL.
	shown, err := checkEndpoint(endpoint)
	switch {
	case err != nil:
		diags.AddError("Invalid Endpoint", fmt.Sprintf("The endpoint taken from %s, %s, %s. %s",
			sourceName(source), shown, err, endpointRemedy(err)))
	case !sendsKeyInClear(endpoint):
	case !allowInsecure:
		diags.AddError("Insecure Endpoint", insecureEndpointDetail(sourceName(source), endpoint))
	default:
		diags.AddWarning("Insecure Endpoint Allowed",
			fmt.Sprintf("allow_insecure_http is set, so the provider sends its API key in clear text over plain "+
				"http:// to %q (from %s). Anyone on the network between can read the key and use it. Use "+
				"https:// (%q) once the gateway offers it, and remove allow_insecure_http.",
				endpoint, sourceName(source), httpsForm(endpoint)))
	}
	return diags
}

// sourceName names a setting in a sentence: the attribute as it is, an
// environment variable as one.
func sourceName(source string) string {
	if strings.ToUpper(source) == source {
		return "the " + source + " environment variable"
	}
	return source
}

func invalidAPIKeyDetail(source string) string {
	return fmt.Sprintf("The API key taken from %s has white space or a control character in it, such as a "+
		"line break at its end. The gateway's keys are letters and digits only: remove the rest from %s.",
		sourceName(source), source)
}

func hasSpaceOrControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}

// httpLogger sends the client's request log to Terraform's provider log
// (shown with TF_LOG=DEBUG). The client never hands it a header, a body or a
// key; the masks make sure that a slip would still print none.
func httpLogger(apiKey string) func(ctx context.Context, msg string, fields map[string]any) {
	return func(ctx context.Context, msg string, fields map[string]any) {
		ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "api_key", "x_api_key", "X-Api-Key", "key", "secret")
		ctx = tflog.MaskAllFieldValuesStrings(ctx, apiKey)
		ctx = tflog.MaskMessageStrings(ctx, apiKey)
		tflog.Debug(ctx, msg, fields)
	}
}

func (p *smsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newAPIKeyResource,
		newWebhookResource,
	}
}

func (p *smsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAPIKeysDataSource,
		newAPIKeyDataSource,
		newWebhooksDataSource,
	}
}

func (p *smsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newAPIKeyEphemeralResource,
		newAPIKeyCredentialsEphemeralResource,
	}
}

func (p *smsProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		newAPIKeyListResource,
	}
}

func (p *smsProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		newRevokeAPIKeyAction,
	}
}
