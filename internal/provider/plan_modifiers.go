package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// replaceUnlessAdoptingExpiry replaces the key when valid_until changes,
// except when an imported key (no valid_until in state yet) is given the
// expiry it already has: that only writes down what is true.
func replaceUnlessAdoptingExpiry() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = true
			if !req.StateValue.IsNull() || req.PlanValue.IsUnknown() {
				return
			}
			var expiresAt timetypes.RFC3339
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expires_at"), &expiresAt)...)
			if !isKnown(expiresAt) {
				return
			}
			current, diags := expiresAt.ValueRFC3339Time()
			resp.Diagnostics.Append(diags...)
			wanted, err := time.Parse(time.RFC3339, req.PlanValue.ValueString())
			resp.RequiresReplace = err != nil || !wanted.Equal(current)
		},
		"Changing valid_until replaces the key, unless it names the expiry an imported key already has.",
		"Changing `valid_until` replaces the key, unless it names the expiry an imported key already has.",
	)
}

// replaceUnlessKeyAlreadyExpires replaces the key when valid_for changes.
// Setting valid_for where it was unset (after an import) keeps a key that
// already expires: valid_for then shapes the keys that rotation makes.
func replaceUnlessKeyAlreadyExpires() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = true
			if !req.StateValue.IsNull() {
				return
			}
			var expiresAt timetypes.RFC3339
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expires_at"), &expiresAt)...)
			resp.RequiresReplace = expiresAt.IsNull()
		},
		"Changing valid_for replaces the key, unless it is first set on a key that already expires.",
		"Changing `valid_for` replaces the key, unless it is first set on a key that already expires.",
	)
}

const replaceUnlessImportedDescription = "Changing it replaces the key, unless it is first set on an imported key."

// replaceUnlessImported replaces the key when the attribute changes, except
// when it is first set on an imported key. Such a key has neither its key
// nor its secret in state, so there is nothing to re-issue or re-encrypt
// for: the value is written down and shapes the keys that rotation makes.
func replaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() || !wasImported(ctx, req.State, &resp.Diagnostics)
		},
		replaceUnlessImportedDescription,
		replaceUnlessImportedDescription,
	)
}

// replaceMapUnlessImported is replaceUnlessImported for map attributes.
func replaceMapUnlessImported() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() || !wasImported(ctx, req.State, &resp.Diagnostics)
		},
		replaceUnlessImportedDescription,
		replaceUnlessImportedDescription,
	)
}

// wasImported tells a key that came into state by import: the gateway
// showed its key to no one, so state holds it neither plain nor encrypted.
func wasImported(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) bool {
	var key, encryptedKey types.String
	diags.Append(state.GetAttribute(ctx, path.Root("key"), &key)...)
	diags.Append(state.GetAttribute(ctx, path.Root("encrypted_key"), &encryptedKey)...)
	return key.IsNull() && encryptedKey.IsNull()
}
