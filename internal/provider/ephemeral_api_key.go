package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

const (
	defaultEphemeralValidFor = time.Hour
	// privateEphemeralKeyID is the private-state slot where Open leaves the
	// id of the key that Close deletes.
	privateEphemeralKeyID = "id"
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
	keyFacts
	ValidFor types.String `tfsdk:"valid_for"`
	Key      types.String `tfsdk:"key"`
	Secret   types.String `tfsdk:"secret"`
}

func (e *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (e *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived API key that exists only while Terraform runs: it is created when " +
			"Terraform opens it, deleted when Terraform closes it, and never written to plan or state. Use it " +
			"to configure another provider, or a CI smoke test, with a scoped key for one run. Terraform opens " +
			"ephemeral resources during plan as well as apply, so each plan and each apply makes (and deletes) " +
			"its own key.",
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
			"length": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("How many characters the key has, a whole number from %d to %d; "+
					"defaults to %d, which the gateway recommends.", minKeyLength, maxKeyLength, defaultKeyLength),
				Optional:   true,
				Computed:   true,
				Validators: lengthValidators(),
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the key grants. When left out, the gateway grants every scope " +
					"that the provider's key holds except `api_keys`, as for the `sms_api_key` resource.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators:  permissionsValidators(),
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long the key works if Terraform never closes it (it is deleted at " +
					"close), as a duration such as `30m`; defaults to `1h`. A run that crashes, or whose answer " +
					"is lost, leaves no key that works longer than this (the gateway deletes it 30 days after it " +
					"expires).",
				Optional:   true,
				Validators: []validator.String{durationBetween(minValidFor, maxValidFor)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id.",
				Computed:            true,
			},
			"key_hint": schema.StringAttribute{
				MarkdownDescription: "The key's last 4 characters.",
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the key was created (RFC 3339).",
				CustomType:          timetypes.RFC3339Type{},
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
	input := model.createInput(ctx, e.data.clock.Now(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	out := e.data.createKey(ctx, input)
	switch {
	case out.key != nil && out.err != nil:
		e.deleteAfterInterrupt(ctx, out, &resp.Diagnostics)
		return
	case out.key == nil:
		e.reportFailedOpen(input, out, &resp.Diagnostics)
		return
	}

	id, err := json.Marshal(out.key.ID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Remember Ephemeral API Key", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateEphemeralKeyID, id)...)
	model.keyFacts = newKeyFacts(out.key)
	model.Key = types.StringValue(out.key.Key)
	model.Secret = types.StringValue(out.key.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
}

// createInput asks for the key as configured; permissions left out leave
// the gateway's default, as for the resource.
func (m apiKeyEphemeralModel) createInput(ctx context.Context, now time.Time, diags *diag.Diagnostics) client.CreateAPIKeyInput {
	validFor := duration(m.ValidFor, "valid_for", diags)
	if validFor.IsNull() {
		validFor = keylife.Known(defaultEphemeralValidFor)
	}
	in := client.CreateAPIKeyInput{
		Label:       m.Label.ValueString(),
		Environment: m.Environment.ValueString(),
		ValidUntil:  keylife.NewExpiry(keylife.Config{ValidFor: validFor}, now),
	}
	if !m.Length.IsNull() {
		in.Length, _ = m.Length.ValueBigFloat().Int64()
	}
	if !m.Permissions.IsNull() {
		diags.Append(m.Permissions.ElementsAs(ctx, &in.Permissions, false)...)
		slices.Sort(in.Permissions)
	}
	return in
}

// deleteAfterInterrupt deletes a key that was found only after the run was
// interrupted: nothing will use it, and Close is not called for an Open
// that failed.
func (e *apiKeyEphemeralResource) deleteAfterInterrupt(ctx context.Context, out createOutcome, diags *diag.Diagnostics) {
	deleteCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveBudget)
	defer cancel()
	doing := fmt.Sprintf("The run was interrupted while the short-lived key %s was being created; it was deleted again.", out.key.ID)
	if err := e.data.client.DeleteAPIKey(deleteCtx, out.key.ID); err != nil && !client.NotFound(err) {
		doing = fmt.Sprintf("The run was interrupted while the short-lived key %s was being created, and it could "+
			"not be deleted: it stops working at %s, or delete it by hand (%s).", out.key.ID,
			out.key.ValidUntil.Format(time.RFC3339), err)
	}
	addAPIError(diags, "Unable to Create Ephemeral API Key", doing, out.err, e.data)
}

// reportFailedOpen explains a key that was not made, or may have been.
func (e *apiKeyEphemeralResource) reportFailedOpen(in client.CreateAPIKeyInput, out createOutcome, diags *diag.Diagnostics) {
	doing := fmt.Sprintf("The provider could not create the short-lived key %q.", in.Label)
	switch {
	case out.orphanID != "":
		doing = fmt.Sprintf("The gateway created the short-lived key %s but its answer could not be used; it stops "+
			"working at %s, or delete it by hand.", out.orphanID, in.ValidUntil.Format(time.RFC3339))
	case out.pending != nil:
		doing = fmt.Sprintf("The gateway did not say whether it created the short-lived key %q. If it did, the key "+
			"stops working at %s (its valid_for).", in.Label, in.ValidUntil.Format(time.RFC3339))
	}
	addAPIError(diags, "Unable to Create Ephemeral API Key", doing, out.err, e.data)
}

func (e *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	if !e.data.requireClient(&resp.Diagnostics) {
		return
	}
	raw, diags := req.Private.GetKey(ctx, privateEphemeralKeyID)
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
