package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ datasource.DataSource              = (*apiKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiKeyDataSource)(nil)
)

func newAPIKeyDataSource() datasource.DataSource {
	return &apiKeyDataSource{}
}

type apiKeyDataSource struct {
	data *providerData
}

type apiKeyDataSourceModel struct {
	apiKeySummaryModel
	IncludeCredentials types.Bool   `tfsdk:"include_credentials"`
	Key                types.String `tfsdk:"key"`
	Secret             types.String `tfsdk:"secret"`
}

func (d *apiKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (d *apiKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := apiKeySummaryAttributes()
	// The key is looked up by its id.
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "The key's id, such as `ak_0123456789abcdefghij`.",
		Required:            true,
		Validators:          keyIDValidators(),
	}
	attributes["include_credentials"] = schema.BoolAttribute{
		MarkdownDescription: "Whether to fetch the key and its secret too (default `false`), where the gateway " +
			"shows them again (see `revealable`); where it does not, the read fails with the reason. " +
			"They are then kept in state, as sensitive values, like " +
			"every data source's results; to keep them out of state, use the `sms_api_key_credentials` " +
			"ephemeral resource instead. Terraform reads a data source at every plan and refresh, so each " +
			"one fetches them again and moves the key's `last_revealed_at`.",
		Optional: true,
	}
	attributes["key"] = schema.StringAttribute{
		MarkdownDescription: "With `include_credentials`: the key itself; else null.",
		Computed:            true,
		Sensitive:           true,
	}
	attributes["secret"] = schema.StringAttribute{
		MarkdownDescription: "With `include_credentials`: the key's secret for verifying webhook signatures; else null.",
		Computed:            true,
		Sensitive:           true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one API key by id, and optionally fetches its key and secret.",
		Attributes:          attributes,
	}
}

func (d *apiKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.requireClient(&resp.Diagnostics) {
		return
	}
	var config apiKeyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := config.ID.ValueString()

	key, err := d.data.client.GetAPIKey(ctx, id)
	if client.NotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "API Key Not Found",
			fmt.Sprintf("The account holds no key with id %q: it was deleted, or the id belongs to another "+
				"account. Check the id, or list the keys with the sms_api_keys data source.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read API Key", fmt.Sprintf("The provider could not read the key %s.", id), err, d.data)
		return
	}
	config.apiKeySummaryModel = newAPIKeySummary(key)
	config.Key, config.Secret = types.StringNull(), types.StringNull()
	if config.IncludeCredentials.ValueBool() {
		creds, err := d.data.client.GetCredentials(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Read API Key Credentials",
				fmt.Sprintf("The gateway did not show the key and secret of %s again (include_credentials).", id), err, d.data)
			return
		}
		config.Key, config.Secret = types.StringValue(creds.Key), types.StringValue(creds.Secret)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
