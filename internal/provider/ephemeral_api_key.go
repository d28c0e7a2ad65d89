package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

const (
	defaultEphemeralValidFor = time.Hour
	privateKeyID             = "id"
)

var (
	_ ephemeral.EphemeralResource              = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiKeyEphemeralResource)(nil)
)

func newAPIKeyEphemeralResource() ephemeral.EphemeralResource {
	return &apiKeyEphemeralResource{}
}

type apiKeyEphemeralResource struct {
	data *providerData
}

type apiKeyEphemeralModel struct {
	Label       types.String      `tfsdk:"label"`
	Environment types.String      `tfsdk:"environment"`
	Length      types.Int64       `tfsdk:"length"`
	Permissions types.Set         `tfsdk:"permissions"`
	ValidFor    types.String      `tfsdk:"valid_for"`
	ID          types.String      `tfsdk:"id"`
	KeyHint     types.String      `tfsdk:"key_hint"`
	ExpiresAt   timetypes.RFC3339 `tfsdk:"expires_at"`
	Key         types.String      `tfsdk:"key"`
	Secret      types.String      `tfsdk:"secret"`
}

func (e *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (e *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived API key that exists only while Terraform runs: it is created when " +
			"Terraform opens it, deleted when Terraform closes it, and never written to plan or state. Use it " +
			"to configure another provider, or a CI smoke test, with a scoped key for one run. Terraform opens " +
			"ephemeral resources during plan as well as apply, so each run makes a new key.",
		Attributes: map[string]schema.Attribute{
			"label": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A name for the key, 1 to %d characters without control characters.", maxLabelLength),
				Required:            true,
				Validators:          labelValidators(),
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "`live` (the default) or `sandbox`.",
				Optional:            true,
				Computed:            true,
				Validators:          environmentValidators(),
			},
			"length": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many characters the key has, %d to %d; defaults to %d.", minKeyLength, maxKeyLength, maxKeyLength),
				Optional:            true,
				Computed:            true,
				Validators:          lengthValidators(),
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the key grants; defaults to every scope but `api_keys`.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Validators:          permissionsValidators(),
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long the key works if Terraform never closes it (it is deleted at " +
					"close), as a duration such as `30m`; defaults to `1h`. A run that crashes leaves no key " +
					"that outlives this.",
				Optional:   true,
				Validators: []validator.String{durationBetween(minValidFor, maxValidity)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id.",
				Computed:            true,
			},
			"key_hint": schema.StringAttribute{
				MarkdownDescription: "The key's last 4 characters.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key stops working (RFC 3339).",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
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

func (e *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !e.data.requireClient(&resp.Diagnostics) {
		return
	}
	var model apiKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	validFor := defaultEphemeralValidFor
	if !model.ValidFor.IsNull() {
		// The schema validator has already proved that this parses.
		validFor, _ = time.ParseDuration(model.ValidFor.ValueString())
	}
	validUntil := e.data.clock.Now().Add(validFor).UTC().Truncate(time.Second)
	input := client.CreateAPIKeyInput{
		Label:       model.Label.ValueString(),
		Environment: model.Environment.ValueString(),
		Length:      model.Length.ValueInt64(),
		ValidUntil:  &validUntil,
	}
	if !model.Permissions.IsNull() {
		resp.Diagnostics.Append(model.Permissions.ElementsAs(ctx, &input.Permissions, false)...)
		slices.Sort(input.Permissions)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	key, err := e.data.client.CreateAPIKey(ctx, input)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Create Ephemeral API Key",
			fmt.Sprintf("The provider could not create the short-lived key %q.", input.Label), err, e.data)
		return
	}

	id, err := json.Marshal(key.ID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Remember Ephemeral API Key", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyID, id)...)

	model.ID = types.StringValue(key.ID)
	model.Environment = types.StringValue(key.Environment)
	model.Length = types.Int64Value(key.Length)
	model.Permissions = stringSet(key.Permissions)
	model.KeyHint = types.StringValue(key.KeyHint)
	model.ExpiresAt = rfc3339OrNull(key.ValidUntil)
	model.Key = types.StringValue(key.Key)
	model.Secret = types.StringValue(key.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
}

func (e *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	if !e.data.requireClient(&resp.Diagnostics) {
		return
	}
	raw, diags := req.Private.GetKey(ctx, privateKeyID)
	resp.Diagnostics.Append(diags...)
	var id string
	if err := json.Unmarshal(raw, &id); err != nil || id == "" {
		resp.Diagnostics.AddError("Unable to Delete Ephemeral API Key",
			"The provider lost the id of the short-lived key it created, so it cannot delete it; the key "+
				"stops working when it expires. This is a bug in the provider; please report it.")
		return
	}

	err := e.data.client.DeleteAPIKey(ctx, id)
	if err != nil && !client.NotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete Ephemeral API Key",
			fmt.Sprintf("The provider could not delete the short-lived key %s; it stops working when it "+
				"expires, or delete it by hand.", id), err, e.data)
	}
}
