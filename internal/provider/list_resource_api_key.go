package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ list.ListResource              = (*apiKeyListResource)(nil)
	_ list.ListResourceWithConfigure = (*apiKeyListResource)(nil)
)

func newAPIKeyListResource() list.ListResource {
	return &apiKeyListResource{}
}

// apiKeyListResource finds keys for `terraform query` (Terraform 1.14 and
// later), so that keys made elsewhere can be brought under management in
// bulk with the import blocks and configuration it generates.
type apiKeyListResource struct {
	data *providerData
}

func (r *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the account's API keys for `terraform query`, every page of them, ordered by " +
			"`created_at` and then `id`, with the filters of the `sms_api_keys` data source; all filters must " +
			"match, and the results stop at the list block's `limit` (100 unless set). Each result is the key's " +
			"identity (its id) and a display name, its label and id; with " +
			"`include_resource = true`, also the key as `sms_api_key` would hold it after an import, without " +
			"key or secret. `terraform query -generate-config-out=FILE` writes a resource and an import block " +
			"for each: their first apply reads the key and secret where the gateway shows keys again.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Only keys of this environment, `live` or `sandbox`.",
				Optional:            true,
				Validators:          environmentValidators(),
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
		},
	}
}

func (r *apiKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !r.data.requireClient(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var filter keyFilterModel
	diags.Append(req.Config.Get(ctx, &filter)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	keys := filter.matchingKeys(ctx, r.data, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	// Terraform stops asking after limit results too; stopping here as well
	// spares building results that it would throw away.
	if req.Limit > 0 && int64(len(keys)) > req.Limit {
		keys = keys[:req.Limit]
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range keys {
			if !push(r.result(ctx, req, &keys[i])) {
				return
			}
		}
	}
}

// result describes one key as an import of sms_api_key would find it.
func (r *apiKeyListResource) result(ctx context.Context, req list.ListRequest, key *client.APIKey) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s)", key.Label, key.ID)
	result.Diagnostics.Append(result.Identity.Set(ctx, apiKeyIdentityModel{ID: types.StringValue(key.ID)})...)
	if req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(ctx, importedKey(key))...)
	}
	return result
}

// importedKey is the state that importing key leaves before any apply: what
// the gateway tells of it, and null for what lives only in configuration
// and for the key and secret, which a listing never shows.
func importedKey(key *client.APIKey) apiKeyResourceModel {
	return apiKeyResourceModel{
		keyFacts:         newKeyFacts(key),
		RotationTriggers: types.MapNull(types.StringType),
	}
}
