package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"

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

func (d *apiKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (d *apiKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one API key by id. The key and its secret are never shown: the gateway " +
			"shows them only once, when the key is created.",
		Attributes: apiKeySummaryAttributes(true),
	}
}

func (d *apiKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.requireClient(&resp.Diagnostics) {
		return
	}
	var id string
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}

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
	resp.Diagnostics.Append(resp.State.Set(ctx, newAPIKeySummary(key))...)
}
