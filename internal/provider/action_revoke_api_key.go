package provider

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

var (
	_ action.Action              = (*revokeAPIKeyAction)(nil)
	_ action.ActionWithConfigure = (*revokeAPIKeyAction)(nil)
)

func newRevokeAPIKeyAction() action.Action {
	return &revokeAPIKeyAction{}
}

// revokeAPIKeyAction stops a key at once, for a key that has leaked:
// deleted, whatever retire_after of the resource that manages it says.
type revokeAPIKeyAction struct {
	data *providerData
}

type revokeAPIKeyModel struct {
	ID types.String `tfsdk:"id"`
}

func (a *revokeAPIKeyAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_api_key"
}

func (a *revokeAPIKeyAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes an API key at once, for a key that has leaked: the gateway deletes it, and " +
			"its next request is refused. A rotation with `retire_after` keeps the old key working on purpose; " +
			"this does not. Run it with `terraform apply -invoke=action.sms_revoke_api_key.NAME` (Terraform " +
			"1.14 and later). A key already gone is a warning, not an error. An `sms_api_key` that managed the " +
			"key finds it gone at its next plan, and plans a new one.\n\n" +
			"The action refuses to revoke the key that the provider itself is configured with, which would " +
			"lock the provider out. The gateway shows the last 4 characters and the length of every key; only " +
			"for a key that matches the provider's own in both does the provider read the key again (which sets " +
			"its `last_revealed_at`) and compare it. Where the account has turned reading keys again off, such " +
			"a key is refused: revoke it in the gateway's web app, or configure the provider with another key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The id of the key to revoke, such as `ak_0123456789abcdefghij`.",
				Required:            true,
				Validators:          keyIDValidators(),
			},
		},
	}
}

func (a *revokeAPIKeyAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *revokeAPIKeyAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !a.data.requireClient(&resp.Diagnostics) {
		return
	}
	var config revokeAPIKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := config.ID.ValueString()
	progress := func(format string, args ...any) {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
	}

	progress("Looking up the key %s.", id)
	key, err := a.data.client.GetAPIKey(ctx, id)
	switch {
	case client.NotFound(err):
		alreadyGone(&resp.Diagnostics, id)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Revoke API Key",
			fmt.Sprintf("The provider could not read the key %s, so it did not revoke it.", id), err, a.data)
		return
	}
	if a.data.ownKey.couldBe(key) {
		progress("The key %s ends like the provider's own key; making sure it is another.", id)
		if !a.isAnotherKey(ctx, key, &resp.Diagnostics) {
			return
		}
	}

	progress("Deleting the key %s (%q, ending in %s).", id, key.Label, key.KeyHint)
	err = a.data.client.DeleteAPIKey(ctx, id)
	switch {
	case client.NotFound(err):
		alreadyGone(&resp.Diagnostics, id)
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Revoke API Key",
			fmt.Sprintf("The provider could not delete the key %s, which may still work. Run the action again, "+
				"or delete the key in the gateway's web app.", id), err, a.data)
	default:
		progress("Revoked the key %s: the gateway refuses it from now on.", id)
	}
}

// isAnotherKey makes sure that key, which ends like the provider's own
// key, is not it, by reading it again. Where it cannot tell, it reports
// why and answers false.
func (a *revokeAPIKeyAction) isAnotherKey(ctx context.Context, key *client.APIKey, diags *diag.Diagnostics) bool {
	creds, err := a.data.client.GetCredentials(ctx, key.ID)
	var apiErr *client.APIError
	switch {
	case err == nil && a.data.ownKey.is(creds.Key):
		diags.AddError("Cannot Revoke The Provider's Own API Key",
			fmt.Sprintf("The key %s is the key that the provider is configured with (api_key, or the %s "+
				"environment variable). Revoking it would lock the provider out. Configure the provider with "+
				"another key that holds the api_keys scope, then run the action again.", key.ID, envAPIKey))
		return false
	case err == nil:
		return true
	case client.NotFound(err):
		alreadyGone(diags, key.ID)
		return false
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && apiErr.Code != "reveal_disabled":
		// A key may always read itself again unless the account forbids
		// it: one that the gateway keeps from the provider's key is another.
		return true
	case errors.As(err, &apiErr) && apiErr.Code == "reveal_disabled":
		diags.AddError("Unable to Tell API Key From The Provider's Own",
			fmt.Sprintf("The key %s has the same length and last 4 characters as the key that the provider is "+
				"configured with, and the account has turned reading keys again off, so the provider cannot "+
				"make sure that it is another key. Nothing was revoked. Revoke it in the gateway's web app, or "+
				"run the action with the provider configured with another key.", key.ID))
		return false
	default:
		addAPIError(diags, "Unable to Revoke API Key",
			fmt.Sprintf("The key %s ends like the key that the provider is configured with, and the provider "+
				"could not make sure that it is another key, so it did not revoke it.", key.ID), err, a.data)
		return false
	}
}

func alreadyGone(diags *diag.Diagnostics, id string) {
	diags.AddWarning("API Key Already Gone",
		fmt.Sprintf("The key %s does not exist in this account: it was deleted already (or expired more than 30 "+
			"days ago), or the id belongs to another account. There was nothing to revoke.", id))
}

// ownKey recognises the provider's own key without keeping it in the
// clear: by the length and last 4 characters that the gateway shows of
// every key, and by a digest to compare a key read again with.
type ownKey struct {
	hint   string
	length int64
	digest [sha256.Size]byte
}

func newOwnKey(key string) ownKey {
	return ownKey{hint: key[max(0, len(key)-4):], length: int64(len(key)), digest: sha256.Sum256([]byte(key))}
}

// couldBe says whether key may be the provider's own: false is certain.
func (o ownKey) couldBe(key *client.APIKey) bool {
	return o.length > 0 && key.Length == o.length && subtle.ConstantTimeCompare([]byte(key.KeyHint), []byte(o.hint)) == 1
}

func (o ownKey) is(key string) bool {
	digest := sha256.Sum256([]byte(key))
	return o.length > 0 && subtle.ConstantTimeCompare(digest[:], o.digest[:]) == 1
}
