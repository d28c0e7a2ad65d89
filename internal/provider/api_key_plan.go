package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ModifyPlan plans what the schema alone cannot: the expiry and the
// credentials that state will hold, and the replacements that depend on
// more than one attribute or on the clock. Rotation is planned here, from
// the clock, rather than by dropping the key from state in Read, so that
// plan shows it and create_before_destroy and replace_triggered_by
// elsewhere see it.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	now := r.data.clock.Now()
	switch {
	case req.Plan.Raw.IsNull():
		r.planDestroy(ctx, req, resp, now)
	case req.State.Raw.IsNull():
		r.planCreate(ctx, req, resp, now)
	case req.Plan.Raw.Equal(req.State.Raw):
		// Most plans of most keys: read only what the clock decides on.
		r.planUnchanged(ctx, req, resp, now)
	default:
		r.planUpdate(ctx, req, resp, now)
	}
}

// planDestroy says where a destroy will retire the key rather than delete
// it. Terraform 1.3 and later plan destroys through the provider; a
// replacement is told in planUpdate, and one that only Terraform knows of
// (-replace, taint, replace_triggered_by) at apply.
func (r *apiKeyResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, now time.Time) {
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if notice := retirement(state, now); notice != "" {
		resp.Diagnostics.AddWarning("API Key Will Be Retired", notice)
	}
}

// retirement tells when a key with retire_after that is destroyed now stops
// working, or is "" for a key that is deleted or has expired.
func retirement(state apiKeyResourceModel, now time.Time) string {
	if !isKnown(state.RetireAfter) || !isKnown(state.ID) {
		return ""
	}
	window, _ := time.ParseDuration(state.RetireAfter.ValueString())
	until := wholeSeconds(now.Add(window))
	if expiry, known := expiryOf(state); known {
		if !expiry.After(now) {
			return ""
		}
		if !expiry.After(until) {
			until = expiry
		}
	}
	return fmt.Sprintf("The key %s will not be deleted: it is retired, and keeps working until about %s "+
		"(retire_after %s after the apply), so that services that still hold it have time to take the new "+
		"one. To delete it at once, remove retire_after and apply first.",
		state.ID.ValueString(), until.Format(time.RFC3339), formatDuration(window))
}

// planCreate shows at plan what is known before the key exists: its expiry
// when valid_until gives it, and which of key and secret or their encrypted
// forms state will hold.
func (r *apiKeyResource) planCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, now time.Time) {
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkNewExpiry(plan.ValidUntil, now)...)
	plan.ExpiresAt = plannedExpiry(plan)
	plan.planCredentialsFor(plan.Recipient)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func plannedExpiry(plan apiKeyResourceModel) timetypes.RFC3339 {
	switch {
	case plan.ValidUntil.IsUnknown(), !plan.ValidFor.IsNull():
		return timetypes.NewRFC3339Unknown()
	case plan.ValidUntil.IsNull():
		return timetypes.NewRFC3339Null()
	}
	t, _ := plan.ValidUntil.ValueRFC3339Time()
	return timetypes.NewRFC3339TimeValue(wholeSeconds(t))
}

// planUnconfirmed plans what the apply learns of a key that an unconfirmed
// create made, or makes when it asks again.
func (m *apiKeyResourceModel) planUnconfirmed() {
	m.ID, m.KeyHint, m.CreatedAt = types.StringUnknown(), types.StringUnknown(), timetypes.NewRFC3339Unknown()
	m.ExpiresAt = plannedExpiry(*m)
	if m.Permissions.IsNull() {
		m.Permissions = types.SetUnknown(types.StringType)
	}
	m.planCredentialsFor(m.Recipient)
}

// planCredentialsFor plans key and secret, or their encrypted forms, as a
// new key will have them: null where the recipient rules them out, else
// known only after apply.
func (m *apiKeyResourceModel) planCredentialsFor(recipient types.String) {
	plain, encrypted := types.StringUnknown(), types.StringUnknown()
	switch {
	case recipient.IsNull():
		encrypted = types.StringNull()
	case !recipient.IsUnknown():
		plain = types.StringNull()
	}
	m.Key, m.Secret = plain, plain
	m.EncryptedKey, m.EncryptedSecret = encrypted, encrypted
}

// planUnchanged handles a key whose configuration has not changed: only
// time can change its plan, and the credentials of an imported key that
// the gateway will show again.
func (r *apiKeyResource) planUnchanged(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, now time.Time) {
	var state apiKeyResourceModel
	for name, target := range map[string]any{
		"id": &state.ID, "rotate_before": &state.RotateBefore, "valid_until": &state.ValidUntil,
		"expires_at": &state.ExpiresAt, "retire_after": &state.RetireAfter,
		"key": &state.Key, "encrypted_key": &state.EncryptedKey,
	} {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(name), target)...)
	}
	revealable, diags := readRevealable(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	pending, diags := readPendingCreate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if (state.imported() && revealable) || pending != nil {
		r.planUpdate(ctx, req, resp, now)
		return
	}
	if due := rotationDue(state.ID, state.ValidUntil, state.ExpiresAt, state.RotateBefore, now, &resp.Diagnostics); due != nil {
		due.apply(ctx, resp)
		if notice := retirement(state, now); notice != "" {
			resp.Diagnostics.AddWarning("API Key Will Be Retired", notice)
		}
	}
}

// rotationDue returns the replacement of a key whose expiry is near or
// past, or nil. A key with a fixed valid_until cannot be rotated to the same
// expiry, so once that has passed plans only warn: only a new valid_until
// renews it.
func rotationDue(id types.String, validUntil, expiresAt timetypes.RFC3339, rotateBefore types.String, now time.Time, diags *diag.Diagnostics) *replacement {
	if !isKnown(expiresAt) {
		return nil
	}
	expiry, d := expiresAt.ValueRFC3339Time()
	diags.Append(d...)
	var window time.Duration
	if isKnown(rotateBefore) {
		// The schema validator has already proved that this parses.
		window, _ = time.ParseDuration(rotateBefore.ValueString())
	}
	if d.HasError() || now.Before(expiry.Add(-window)) {
		return nil
	}
	at := expiry.Format(time.RFC3339)
	if !validUntil.IsNull() {
		if !now.Before(expiry) {
			diags.AddAttributeWarning(path.Root("valid_until"), "API Key Expired",
				fmt.Sprintf("The key %s expired at %s (its valid_until) and no longer works. A key is never "+
					"renewed: set valid_until to a later time, or use valid_for, and apply to replace it with a "+
					"new key; until then plans leave it as it is.", id.ValueString(), at))
		}
		return nil
	}
	why := "it expires at " + at
	if !now.Before(expiry) {
		why = "it expired at " + at
	} else if window > 0 {
		why += fmt.Sprintf(", within rotate_before (%s)", formatDuration(window))
	}
	return &replacement{
		attribute: path.Root("expires_at"),
		warning: fmt.Sprintf("The key %s will be replaced by a new one because %s. Services that use it must be "+
			"given the new key; with create_before_destroy the old key keeps working until the new one exists.",
			id.ValueString(), why),
	}
}

// replacement is one reason to replace a key that ModifyPlan found, with
// the warning that tells it where the user did not ask for it themselves.
type replacement struct {
	attribute path.Path
	warning   string // "" for a change the user made in the configuration
}

func (rp *replacement) apply(ctx context.Context, resp *resource.ModifyPlanResponse) {
	resp.RequiresReplace = append(resp.RequiresReplace, rp.attribute)
	if rp.attribute.Equal(path.Root("expires_at")) {
		// Terraform replaces only for an attribute whose planned value
		// differs; the new key's expiry is not known yet anyway.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, rp.attribute, timetypes.NewRFC3339Unknown())...)
	}
	if rp.warning != "" {
		resp.Diagnostics.AddAttributeWarning(rp.attribute, "API Key Replacement Planned", rp.warning)
	}
}

// planUpdate handles a key whose configuration changed: it plans in place
// what the gateway or state can change, and replaces the key for the rest.
func (r *apiKeyResource) planUpdate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, now time.Time) {
	var plan, state apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// In place, state keeps what it holds unless the plan changes it below.
	plan.ExpiresAt = state.ExpiresAt
	plan.Key, plan.Secret = state.Key, state.Secret
	plan.EncryptedKey, plan.EncryptedSecret = state.EncryptedKey, state.EncryptedSecret

	revealable, diags := readRevealable(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	pending, diags := readPendingCreate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if pending != nil {
		// The replay at apply answers the key and secret, whatever the
		// account says about reading keys again.
		revealable = revealable || pending.replayable(now)
		if !isKnown(state.ID) {
			plan.planUnconfirmed()
		}
	}

	var reasons []*replacement
	reasons = append(reasons, planValidUntil(&plan, state, now, &resp.Diagnostics)...)
	reasons = append(reasons, planValidFor(plan, state)...)
	reasons = append(reasons, planTriggers(plan, state)...)
	reasons = append(reasons, planCredentials(&plan, state, revealable)...)
	if len(reasons) == 0 {
		if due := rotationDue(state.ID, plan.ValidUntil, state.ExpiresAt, plan.RotateBefore, now, &resp.Diagnostics); due != nil {
			reasons = append(reasons, due)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	for _, reason := range reasons {
		reason.apply(ctx, resp)
	}
	// Environment and length replace the key through their own modifiers.
	replaced := len(reasons) > 0 || !plan.Environment.Equal(state.Environment) || !plan.Length.Equal(state.Length)
	if notice := retirement(state, now); replaced && notice != "" {
		resp.Diagnostics.AddWarning("API Key Will Be Retired", notice)
	}
}

// planValidUntil compares a changed valid_until with the key's expiry. The
// gateway brings an expiry forward in place, but never pushes it back or
// clears it: that takes a new key.
func planValidUntil(plan *apiKeyResourceModel, state apiKeyResourceModel, now time.Time, diags *diag.Diagnostics) []*replacement {
	if plan.ValidUntil.Equal(state.ValidUntil) {
		return nil
	}
	at := path.Root("valid_until")
	if plan.ValidUntil.IsUnknown() {
		return []*replacement{{attribute: at}}
	}
	if plan.ValidUntil.IsNull() && state.imported() {
		// The expiry that the import wrote down, left out of the
		// configuration: the key keeps it (expires_at says so).
		return nil
	}
	if plan.ValidUntil.IsNull() {
		return []*replacement{{attribute: at, warning: fmt.Sprintf("The key %s will be replaced by a new one "+
			"without an expiry because valid_until was removed: the gateway never clears an expiry.", state.ID.ValueString())}}
	}
	wanted, d := plan.ValidUntil.ValueRFC3339Time()
	diags.Append(d...)
	wanted = wholeSeconds(wanted)
	current, known := expiryOf(state)
	switch {
	case known && wanted.Equal(current):
		// Writing down the expiry the key already has, as after an import.
		return nil
	case known && wanted.After(current):
		diags.Append(checkNewExpiry(plan.ValidUntil, now)...)
		return []*replacement{{attribute: at, warning: fmt.Sprintf("The key %s will be replaced by a new one "+
			"because valid_until moves later, from %s to %s: the gateway only brings an expiry forward.",
			state.ID.ValueString(), current.Format(time.RFC3339), wanted.Format(time.RFC3339))}}
	}
	diags.Append(checkNewExpiry(plan.ValidUntil, now)...)
	plan.ExpiresAt = timetypes.NewRFC3339TimeValue(wanted)
	return nil
}

func expiryOf(state apiKeyResourceModel) (time.Time, bool) {
	if !isKnown(state.ExpiresAt) {
		return time.Time{}, false
	}
	t, d := state.ExpiresAt.ValueRFC3339Time()
	return t, !d.HasError()
}

// planValidFor replaces the key when valid_for changes, except when it is
// first set on a key that already expires (after an import): valid_for then
// shapes the keys that rotation makes.
func planValidFor(plan, state apiKeyResourceModel) []*replacement {
	if plan.ValidFor.Equal(state.ValidFor) || (state.ValidFor.IsNull() && isKnown(state.ExpiresAt)) {
		return nil
	}
	return []*replacement{{attribute: path.Root("valid_for")}}
}

// planTriggers replaces the key when rotation_triggers changes, except
// when they are first set on a key just imported, and names the triggers
// that changed: their values come from elsewhere and may be secret.
func planTriggers(plan, state apiKeyResourceModel) []*replacement {
	if plan.RotationTriggers.Equal(state.RotationTriggers) ||
		(isEmptyMap(plan.RotationTriggers) && isEmptyMap(state.RotationTriggers)) ||
		(isEmptyMap(state.RotationTriggers) && state.imported()) {
		return nil
	}
	changed := "they are not known until apply"
	if !plan.RotationTriggers.IsUnknown() {
		changed = "of " + changedKeys(plan.RotationTriggers, state.RotationTriggers)
	}
	return []*replacement{{attribute: path.Root("rotation_triggers"), warning: fmt.Sprintf("The key %s will be "+
		"replaced by a new one because rotation_triggers changed (%s).", state.ID.ValueString(), changed)}}
}

// changedKeys lists the map keys whose values differ, without the values.
func changedKeys(planned, prior types.Map) string {
	var names []string
	before, after := prior.Elements(), planned.Elements()
	for name, v := range after {
		if old, ok := before[name]; !ok || !old.Equal(v) {
			names = append(names, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ", ")
}

// planCredentials plans what state will hold of the key and its secret.
// A recipient set, changed or removed changes the key in place: what state
// holds in the clear is encrypted at apply, and what it holds only
// encrypted is read again from the gateway, where the gateway lets the
// provider's key. An imported key, which has neither, gets them at the next
// apply the same way. Where the gateway will not show the key again, a
// changed or removed recipient takes a new key.
func planCredentials(plan *apiKeyResourceModel, state apiKeyResourceModel, revealable bool) []*replacement {
	changed := !plan.Recipient.Equal(state.Recipient)
	held := isKnown(state.Key) || isKnown(state.EncryptedKey)
	switch {
	case !changed && held:
		return nil
	case !held:
		if revealable {
			plan.planCredentialsFor(plan.Recipient)
		}
		return nil
	case isKnown(state.Key) || revealable:
		plan.planCredentialsFor(plan.Recipient)
		return nil
	}
	return []*replacement{{attribute: path.Root("encryption_recipient"), warning: fmt.Sprintf("The key %s will "+
		"be replaced by a new one because encryption_recipient changed: state holds it only encrypted to the "+
		"old recipient, and the gateway does not let the provider's key read it again to encrypt it anew "+
		"(the key's revealable is false).", state.ID.ValueString())}}
}

// imported tells a key that came into state by import: state holds its key
// neither plain nor encrypted.
func (m apiKeyResourceModel) imported() bool {
	return m.Key.IsNull() && m.EncryptedKey.IsNull()
}

// checkNewExpiry refuses a valid_until that the gateway would refuse: one
// that has passed, or one more than two years ahead.
func checkNewExpiry(validUntil timetypes.RFC3339, now time.Time) diag.Diagnostics {
	if !isKnown(validUntil) {
		return nil
	}
	t, diags := validUntil.ValueRFC3339Time()
	if diags.HasError() {
		return diags
	}
	if !t.After(now) {
		diags.AddAttributeError(path.Root("valid_until"), "Expiry In The Past",
			fmt.Sprintf("valid_until (%s) has passed, so a key with it could not be created. Move "+
				"valid_until to a later time, or use valid_for so that every new key gets a fresh window.",
				t.Format(time.RFC3339)))
	} else if limit := latestExpiry(now); t.After(limit) {
		diags.AddAttributeError(path.Root("valid_until"), "Expiry Too Far Ahead",
			fmt.Sprintf("valid_until (%s) lies more than two years ahead; the gateway allows keys until %s "+
				"at most. Choose an earlier time.", t.Format(time.RFC3339), limit.Format(time.RFC3339)))
	}
	return diags
}
