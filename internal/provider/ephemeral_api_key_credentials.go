package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource              = (*apiKeyCredentialsEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*apiKeyCredentialsEphemeralResource)(nil)
)

func newAPIKeyCredentialsEphemeralResource() ephemeral.EphemeralResource {
	return &apiKeyCredentialsEphemeralResource{}
}

type apiKeyCredentialsEphemeralResource struct {
	data *providerData
}

type apiKeyCredentialsModel struct {
	ID     types.String `tfsdk:"id"`
	Key    types.String `tfsdk:"key"`
	Secret types.String `tfsdk:"secret"`
}

func (e *apiKeyCredentialsEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key_credentials"
}

func (e *apiKeyCredentialsEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The key and secret of an existing API key, fetched from the gateway each time " +
			"Terraform opens it (during plan as well as apply) and never written to plan or state: for a " +
			"provider block or a write-only argument. The gateway shows them only " +
			"[where it shows a key again](../guides/keeping-keys-out-of-state.md#when-the-gateway-shows-a-key-again), and each fetch sets the key's `last_revealed_at`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id, such as `ak_0123456789abcdefghij`.",
				Required:            true,
				Validators:          keyIDValidators(),
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The key itself.",
				Computed:            true,
				Sensitive:           true,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key's secret for verifying webhook signatures.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *apiKeyCredentialsEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *apiKeyCredentialsEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !e.data.requireClient(&resp.Diagnostics) {
		return
	}
	var model apiKeyCredentialsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creds, err := e.data.client.GetCredentials(ctx, model.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read API Key Credentials",
			fmt.Sprintf("The gateway did not show the key and secret of %s again.", model.ID.ValueString()), err, e.data)
		return
	}
	model.Key, model.Secret = types.StringValue(creds.Key), types.StringValue(creds.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
}
