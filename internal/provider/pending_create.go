package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// A create whose answer was lost leaves nobody knowing whether the gateway
// made the key: an unconfirmed create. Everything the resource does about
// one is here. Plans only look the key up, which is a GET; applies settle
// it by sending the same request again, which the gateway answers with the
// key it made, or makes now, but never makes twice.
//
// A failed create is tainted by Terraform (and OpenTofu), and only the user
// can lift a taint: a tainted object is refreshed, with its private state,
// but planned as if it did not exist and then replaced, and neither the
// delete nor the create of that replacement gets its private state. So the
// key a refresh finds is adopted into state, and the apply deletes it by
// its id and makes another; where the refresh found none, the apply gives
// the request up and makes a new key. After untaint, Update settles the
// create in place instead: it adopts the key found, or sends the request
// again and keeps the key it answers. The plan's warning says which.

// pendingCreate is kept in private state while the outcome of a create is
// unknown, and until the key it made has its key and secret in state. It
// holds what the gateway needs to replay it, and nothing secret: the body
// names the label, environment, length, scopes and expiry.
type pendingCreate struct {
	Request client.CreateRequest `json:"request"`
	SentAt  time.Time            `json:"sent_at"`
}

// privatePendingCreate is the private-state slot of a pendingCreate.
const privatePendingCreate = "pending_create"

// replayWindow is how long the gateway keeps an Idempotency-Key: after it,
// a replay would make a new key rather than find the first.
const replayWindow = 24 * time.Hour

// replayable says that sending the request again still answers the key it
// made, with its key and secret, rather than making another.
func (p pendingCreate) replayable(now time.Time) bool {
	return now.Sub(p.SentAt) < replayWindow
}

// pendingAction is what becomes of an unconfirmed create.
type pendingAction int

const (
	// adoptCreated takes the key that the lookup found into state.
	adoptCreated pendingAction = iota + 1
	// awaitReplay keeps the create unconfirmed, at plan: a lookup that
	// finds nothing proves nothing while the request may still arrive, and
	// only sending it again settles that, which a plan never does.
	awaitReplay
	// replayCreate sends the same request again, at apply.
	replayCreate
	// dropCreate forgets the create: the lookup found nothing, and after
	// the replay window the request can no longer arrive (a gateway holds
	// no request that long), while sending it again would make a new key.
	dropCreate
)

// decidePending says what to do with an unconfirmed create, given whether
// the lookup found its key and whether this is an apply, which may write.
func decidePending(p pendingCreate, found, atApply bool, now time.Time) pendingAction {
	switch {
	case found:
		return adoptCreated
	case !p.replayable(now):
		return dropCreate
	case atApply:
		return replayCreate
	}
	return awaitReplay
}

func readPendingCreate(ctx context.Context, private privateData) (*pendingCreate, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privatePendingCreate)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var p pendingCreate
	if err := json.Unmarshal(raw, &p); err != nil || p.Request.IdempotencyKey == "" {
		diags.AddError("Unreadable Pending Create",
			"The record of a create whose outcome is unknown could not be read back from private state. "+
				"This is a bug in the provider; please report it.")
		return nil, diags
	}
	return &p, diags
}

func writePendingCreate(ctx context.Context, private privateSetter, p *pendingCreate) diag.Diagnostics {
	if p == nil {
		return private.SetKey(ctx, privatePendingCreate, nil)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Record Pending Create", err.Error())
		return diags
	}
	return private.SetKey(ctx, privatePendingCreate, raw)
}

// refreshPending is Read for an unconfirmed create that no lookup has found
// yet. It sends nothing but the lookup.
func (r *apiKeyResource) refreshPending(ctx context.Context, state apiKeyResourceModel, pending *pendingCreate, resp *resource.ReadResponse) {
	label := state.Label.ValueString()
	key, err := r.data.client.FindCreated(ctx, pending.Request)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Look Up API Key Creation",
			fmt.Sprintf("The provider could not ask the gateway whether an earlier, unconfirmed create made the "+
				"key %q; nothing was changed, and the next plan asks again.", label), err, r.data)
		return
	}
	// The framework wants an identity from every Read, even one that drops
	// the resource; a create not settled has none but an empty one yet.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, "")...)
	switch decidePending(*pending, key != nil, false, r.data.clock.Now()) {
	case adoptCreated:
		state.keyFacts = newKeyFacts(key)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key.ID)...)
		resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
		resp.Diagnostics.AddWarning("Unconfirmed API Key Found", adoptedNotice(key.ID))
	case awaitReplay:
		resp.Diagnostics.AddWarning("API Key Creation Still Unconfirmed",
			fmt.Sprintf("The gateway holds no key from the create of %q sent at %s, whose answer was lost: the "+
				"request may never have reached it, or may still be on its way. This plan changed nothing. "+
				"Terraform marks a resource whose create failed tainted, and replaces a tainted resource without "+
				"handing the record of that request to the replacement: unless `terraform untaint` (`tofu "+
				"untaint`) is run on it first, the apply gives the request up and creates a new key. After "+
				"untaint, the apply asks the gateway again with the same request, which makes the key at most "+
				"once, and keeps the key it answers.",
				label, pending.SentAt.Format(time.RFC3339)))
	case dropCreate:
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.AddWarning("Unconfirmed API Key Creation Expired",
			expiredNotice(label, pending.SentAt)+" The next apply creates the key anew.")
	}
}

// adoptedNotice tells what becomes of a key that an unconfirmed create made.
func adoptedNotice(id string) string {
	return fmt.Sprintf("The gateway did make the key %s in an earlier apply whose answer was lost; it is now in "+
		"state. Nobody has received its key and secret yet. Terraform marks a resource whose create failed "+
		"tainted, and replaces a tainted resource: unless `terraform untaint` (`tofu untaint`) is run on it "+
		"first, the apply deletes %s and creates a new key. After untaint, the apply keeps %s and puts its key "+
		"and secret into state.", id, id, id)
}

func expiredNotice(label string, sentAt time.Time) string {
	return fmt.Sprintf("The create of the key %q at %s was never confirmed, and the gateway holds no key that it "+
		"made. More than 24 hours later that request can no longer arrive, and the gateway no longer answers it "+
		"again, so it is dropped from state.", label, sentAt.Format(time.RFC3339))
}

// settled is how an apply's attempt to settle an unconfirmed create ended.
type settled int

const (
	// settledKey: the key is known, and its credentials where they could
	// be had.
	settledKey settled = iota + 1
	// settledNothing: the create made no key, and never will.
	settledNothing
	// settledLater: the gateway did not say; the record stays for the next
	// apply.
	settledLater
)

// settlePending learns at apply which key an unconfirmed create made, and
// its key and secret where they can be had (nil where not).
func (r *apiKeyResource) settlePending(ctx context.Context, state apiKeyResourceModel, pending *pendingCreate, diags *diag.Diagnostics) (*client.APIKey, *client.Credentials, settled) {
	label := state.Label.ValueString()
	now := r.data.clock.Now()
	if isKnown(state.ID) {
		key, err := r.data.client.GetAPIKey(ctx, state.ID.ValueString())
		if err != nil {
			addAPIError(diags, "Unable to Read API Key",
				fmt.Sprintf("The provider could not read the key %s.", state.ID.ValueString()), err, r.data)
			return nil, nil, settledLater
		}
		return key, r.replayedCredentials(ctx, key.ID, pending, now), settledKey
	}
	found, err := r.data.client.FindCreated(ctx, pending.Request)
	if err != nil {
		addAPIError(diags, "Unable to Look Up API Key Creation",
			fmt.Sprintf("The provider could not ask the gateway whether an earlier, unconfirmed create made the "+
				"key %q; try again.", label), err, r.data)
		return nil, nil, settledLater
	}
	switch decidePending(*pending, found != nil, true, now) {
	case adoptCreated:
		return found, r.replayedCredentials(ctx, found.ID, pending, now), settledKey
	case replayCreate:
		key, err := r.data.client.Create(ctx, pending.Request)
		switch {
		case client.RefusedCreate(err):
			addAPIError(diags, "Unable to Create API Key",
				fmt.Sprintf("The gateway refused the create of %q when it was asked again, so it never made the "+
					"key; the next apply creates it anew.", label), err, r.data)
			return nil, nil, settledNothing
		case err != nil:
			addAPIError(diags, "Unable to Confirm API Key Creation",
				fmt.Sprintf("The provider could not learn whether the gateway created the key %q; the next apply "+
					"asks again with the same request.", label), err, r.data)
			return nil, nil, settledLater
		}
		return key, &client.Credentials{ID: key.ID, Key: key.Key, Secret: key.Secret}, settledKey
	}
	diags.AddError("Unconfirmed API Key Creation Expired", expiredNotice(label, pending.SentAt)+" The next apply creates the key anew.")
	return nil, nil, settledNothing
}

// replayedCredentials asks the gateway for the first answer of the create
// again, which holds the key and secret even where the account does not
// let keys be read again; nil once that answer is forgotten, or when it is
// not for id.
func (r *apiKeyResource) replayedCredentials(ctx context.Context, id string, pending *pendingCreate, now time.Time) *client.Credentials {
	if !pending.replayable(now) {
		return nil
	}
	key, err := r.data.client.Create(ctx, pending.Request)
	if err != nil || key.ID != id {
		return nil
	}
	return &client.Credentials{ID: key.ID, Key: key.Key, Secret: key.Secret}
}

// updatePending is the part of Update that settles an unconfirmed create
// (after untaint). It returns the state to update from, holding the key's
// facts and, where they could be had, its key and secret in the clear; on
// false the apply stops, and state holds what the next run needs.
func (r *apiKeyResource) updatePending(ctx context.Context, plan *apiKeyResourceModel, state apiKeyResourceModel, pending *pendingCreate, resp *resource.UpdateResponse) (apiKeyResourceModel, bool) {
	key, creds, outcome := r.settlePending(ctx, state, pending, &resp.Diagnostics)
	switch outcome {
	case settledLater:
		return state, false
	case settledNothing:
		// Without the record, the next refresh drops the resource, and the
		// next plan creates it.
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		resp.Diagnostics.Append(writePendingCreate(ctx, resp.Private, nil)...)
		return state, false
	}
	state.keyFacts = newKeyFacts(key)
	if creds != nil {
		state.Key, state.Secret = types.StringValue(creds.Key), types.StringValue(creds.Secret)
	}
	plan.ID, plan.KeyHint, plan.CreatedAt = state.ID, state.KeyHint, state.CreatedAt
	if plan.ExpiresAt.IsUnknown() {
		plan.ExpiresAt = state.ExpiresAt
	}
	if plan.Permissions.IsUnknown() {
		plan.Permissions = state.Permissions
	}
	resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
	resp.Diagnostics.Append(writePendingCreate(ctx, resp.Private, nil)...)
	return state, true
}

// deletePending destroys what an unconfirmed create made: the key that the
// lookup finds, or else, while the request may still arrive, the key that
// sending it again answers. Nobody has received such a key's credentials,
// so it is deleted at once, retire_after or not.
func (r *apiKeyResource) deletePending(ctx context.Context, state apiKeyResourceModel, pending *pendingCreate, resp *resource.DeleteResponse) {
	if isKnown(state.ID) {
		r.deleteKey(ctx, state.ID.ValueString(), &resp.Diagnostics)
		return
	}
	label := state.Label.ValueString()
	found, err := r.data.client.FindCreated(ctx, pending.Request)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Look Up API Key Creation",
			fmt.Sprintf("The provider could not ask the gateway whether an earlier, unconfirmed create made the "+
				"key %q, so it cannot delete it yet; try again once the gateway answers.", label), err, r.data)
		return
	}
	switch decidePending(*pending, found != nil, true, r.data.clock.Now()) {
	case adoptCreated:
		r.deleteKey(ctx, found.ID, &resp.Diagnostics)
	case replayCreate:
		key, err := r.data.client.Create(ctx, pending.Request)
		switch {
		case client.RefusedCreate(err):
		case err != nil:
			addAPIError(&resp.Diagnostics, "Unable to Confirm API Key Creation",
				fmt.Sprintf("The provider could not learn whether the gateway created the key %q in an earlier "+
					"run, so it cannot delete it yet; try again once the gateway answers.", label), err, r.data)
		default:
			r.deleteKey(ctx, key.ID, &resp.Diagnostics)
		}
	case dropCreate:
		resp.Diagnostics.AddWarning("Unconfirmed API Key Creation Expired", expiredNotice(label, pending.SentAt))
	}
}
