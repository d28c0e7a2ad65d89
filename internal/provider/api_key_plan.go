package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// ModifyPlan plans what the schema alone cannot: the expiry and the
// credentials that state will hold, and the replacements that depend on
// more than one attribute or on the clock; keylife decides them all.
// Rotation is planned here, from the clock, rather than by dropping the
// key from state in Read, so that plan shows it and create_before_destroy
// and replace_triggered_by elsewhere see it. Terraform 1.3 and later plan
// destroys through the provider too; a replacement that only Terraform
// knows of (-replace, taint, replace_triggered_by) is told at apply.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	now := r.data.clock.Now()
	var planned, prior apiKeyResourceModel
	var k keylife.Key
	if !req.Plan.Raw.IsNull() {
		var diags diag.Diagnostics
		planned, diags = readLife(ctx, req.Plan)
		resp.Diagnostics.Append(diags...)
	}
	if !req.State.Raw.IsNull() {
		var diags diag.Diagnostics
		prior, diags = readLife(ctx, req.State)
		resp.Diagnostics.Append(diags...)
		revealable, diags := readRevealable(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		pending, diags := readPendingCreate(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		k = prior.key(revealable, pending, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	switch {
	case req.Plan.Raw.IsNull():
		addNotices(&resp.Diagnostics, keylife.PlanDestroy(k, now))
	case req.State.Raw.IsNull():
		writePlan(ctx, keylife.PlanCreate(planned.config(&resp.Diagnostics), now), planned, planned, resp)
	case req.Plan.Raw.Equal(req.State.Raw):
		// Most plans of most keys: only the clock, the credentials of an
		// imported key and an unconfirmed create can change them, and
		// mostly nothing does.
		decision := keylife.PlanChange(k, keylife.ConfigOf(k), now)
		if len(decision.Replacements) == 0 && decision.Credentials == keylife.CredentialsHeld && !decision.Unsettled {
			addNotices(&resp.Diagnostics, decision)
			return
		}
		writePlan(ctx, decision, prior, planned, resp)
	default:
		cfg := planned.config(&resp.Diagnostics)
		// Environment and length replace the key through their own modifiers.
		cfg.Replaced = !planned.Environment.Equal(prior.Environment) || !planned.Length.Equal(prior.Length)
		writePlan(ctx, keylife.PlanChange(k, cfg, now), prior, planned, resp)
	}
}

// writePlan sets what keylife decided: the planned expiry and credentials
// (those of prior where they stay), the attributes that replace the key,
// and the notices.
func writePlan(ctx context.Context, decision keylife.Plan, prior, planned apiKeyResourceModel, resp *resource.ModifyPlanResponse) {
	addNotices(&resp.Diagnostics, decision)
	planDecision(decision, prior, &planned)
	for name, value := range map[string]any{
		"expires_at": planned.ExpiresAt, "key": planned.Key, "secret": planned.Secret,
		"encrypted_key": planned.EncryptedKey, "encrypted_secret": planned.EncryptedSecret,
	} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), value)...)
	}
	for _, replacement := range decision.Replacements {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(replacement.Attribute))
	}
	if decision.Unsettled {
		planUnsettled(ctx, resp)
	}
}

// planUnsettled plans what the apply learns of the key that an unconfirmed
// create made, or makes when it asks again.
func planUnsettled(ctx context.Context, resp *resource.ModifyPlanResponse) {
	for _, name := range []string{"id", "key_hint"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("created_at"), timetypes.NewRFC3339Unknown())...)
	var permissions types.Set
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("permissions"), &permissions)...)
	if permissions.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("permissions"), types.SetUnknown(types.StringType))...)
	}
}
