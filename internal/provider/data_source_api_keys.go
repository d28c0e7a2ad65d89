package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ datasource.DataSource              = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiKeysDataSource)(nil)
)

func newAPIKeysDataSource() datasource.DataSource {
	return &apiKeysDataSource{}
}

type apiKeysDataSource struct {
	data *providerData
}

type apiKeysDataSourceModel struct {
	keyFilterModel
	APIKeys []apiKeySummaryModel `tfsdk:"api_keys"`
	IDs     []types.String       `tfsdk:"ids"`
}

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_keys"
}

func (d *apiKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's API keys, every page of them, ordered by `created_at` and then " +
			"`id`, optionally filtered. All filters must match. Keys and secrets are never listed: read them " +
			"with the `sms_api_key` data source (`include_credentials`) or the `sms_api_key_credentials` " +
			"ephemeral resource.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Only keys of this environment, `live` or `sandbox`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.EnvironmentLive, client.EnvironmentSandbox)},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only keys with exactly this label: 1 to %d characters without "+
					"control characters, as every label is.", maxLabelLength),
				Optional:   true,
				Validators: labelValidators(),
			},
			"label_regex": schema.StringAttribute{
				MarkdownDescription: "Only keys whose label matches this regular expression (RE2 syntax, " +
					"unanchored: use `^` and `$` to match the whole label). It must not be empty.",
				Optional:   true,
				Validators: []validator.String{validRegexp()},
			},
			"permission": schema.StringAttribute{
				MarkdownDescription: "Only keys that hold this scope, one of " + scopeList() + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.Scopes...)},
			},
			"expired": schema.BoolAttribute{
				MarkdownDescription: "Only expired keys (`true`) or only keys that still work (`false`).",
				Optional:            true,
			},
			"api_keys": schema.ListNestedAttribute{
				MarkdownDescription: "The keys that match, without key or secret.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: apiKeySummaryAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The ids of the keys that match, in the same order.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *apiKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.requireClient(&resp.Diagnostics) {
		return
	}
	var config apiKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	keys := config.matchingKeys(ctx, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	config.APIKeys = make([]apiKeySummaryModel, len(keys))
	config.IDs = make([]types.String, len(keys))
	for i := range keys {
		k := &keys[i]
		config.APIKeys[i] = newAPIKeySummary(k)
		config.IDs[i] = types.StringValue(k.ID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
