// Package provider implements the sms Terraform provider: API keys of an SMS
// gateway, managed through the gateway's key-management API.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
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
	APIKey         types.String `tfsdk:"api_key"`
	Endpoint       types.String `tfsdk:"endpoint"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
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
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the gateway's API, an `http` or `https` URL with a host and " +
					"without user name, password, query or fragment. Defaults to the `" + envEndpoint + "` environment variable, then to `" +
					client.DefaultEndpoint + "`. " +
					"Point it at the local sandbox (`terraform-provider-sms sandbox`) to try the provider " +
					"without an account.",
				Optional:   true,
				Validators: []validator.String{httpURL()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a server error, a network "+
					"error or a timeout, with exponential backoff and jitter. Answers that ask the provider to slow "+
					"down (429) are waited out as the gateway says and do not count, but one request waits at most "+
					"%s for them in all, then fails. Between 0 and %d; defaults to %d.",
					formatDuration(client.DefaultRateLimitWait), maximumRetries, defaultRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maximumRetries)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may take before it is abandoned "+
					"(and retried, see `max_retries`), as a Go duration such as `30s` or `2m`. Between %s and %s; "+
					"defaults to `%s`.", formatDuration(minimumTimeout), formatDuration(maximumTimeout), formatDuration(defaultTimeout)),
				Optional:   true,
				Validators: []validator.String{durationBetween(minimumTimeout, maximumTimeout)},
			},
		},
	}
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

	// A value that depends on a resource not yet created is unknown during
	// plan. Plans that need no API call still work; any that does says why
	// it cannot run (see providerData.requireClient).
	if config.APIKey.IsUnknown() || config.Endpoint.IsUnknown() ||
		config.MaxRetries.IsUnknown() || config.RequestTimeout.IsUnknown() {
		tflog.Debug(ctx, "provider configuration holds unknown values; API calls wait for apply")
		return
	}

	apiKey := firstSet(config.APIKey.ValueString(), p.opts.getenv(envAPIKey), p.opts.getenv(envAPIKeySeven))
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing API Key",
			"The provider needs a key of the gateway that holds the api_keys scope. Set api_key in the "+
				"provider block, or the "+envAPIKey+" (or "+envAPIKeySeven+") environment variable.")
	}

	endpoint := config.Endpoint.ValueString()
	endpointSource := "endpoint"
	if endpoint == "" {
		endpoint, endpointSource = p.opts.getenv(envEndpoint), "the "+envEndpoint+" environment variable"
	}
	if endpoint == "" {
		endpoint = client.DefaultEndpoint
	}
	if shown, err := checkHTTPURL(endpoint); err != nil {
		detail := fmt.Sprintf("The endpoint taken from %s, %s, %s. Set it to the gateway's base URL, such as %q.",
			endpointSource, shown, err, client.DefaultEndpoint)
		if errors.Is(err, errUserInfo) {
			// No attribute path: Terraform would print the value it came from.
			resp.Diagnostics.AddError("Invalid Endpoint", detail)
		} else {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Endpoint", detail)
		}
	}

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
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Provider Configuration",
			"The gateway client could not be set up: "+err.Error())
		return
	}
	data.client = c
	data.requestTimeout = timeout
	data.maxRetries = int(maxRetries)
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
	}
}

func (p *smsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAPIKeysDataSource,
		newAPIKeyDataSource,
	}
}

func (p *smsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newAPIKeyEphemeralResource,
		newAPIKeyCredentialsEphemeralResource,
	}
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
