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
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// The unconfirmed creates of the resource: what keylife decides of one
// (keylife/unconfirmed.go) carried out against the gateway. Plans only look
// the key up, which is a GET; applies and destroys settle it.

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

// unconfirmed is the create as keylife takes it.
func (p pendingCreate) unconfirmed() keylife.Unconfirmed {
	return keylife.Unconfirmed{SentAt: p.SentAt}
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
	switch pending.unconfirmed().Settle(key != nil, false, r.data.clock.Now()) {
	case keylife.Adopt:
		state.keyFacts = newKeyFacts(key)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key.ID)...)
		resp.Diagnostics.Append(writeRevealable(ctx, resp.Private, key.Revealable)...)
		addNotice(&resp.Diagnostics, keylife.Adopted(key.ID), false)
	case keylife.Await:
		addNotice(&resp.Diagnostics, keylife.StillUnconfirmed(label, pending.unconfirmed()), false)
	case keylife.Drop:
		resp.State.RemoveResource(ctx)
		addNotice(&resp.Diagnostics, keylife.Dropped(label, pending.unconfirmed(), false), false)
	}
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
	switch pending.unconfirmed().Settle(found != nil, true, now) {
	case keylife.Adopt:
		return found, r.replayedCredentials(ctx, found.ID, pending, now), settledKey
	case keylife.Replay:
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
	addNotice(diags, keylife.Dropped(label, pending.unconfirmed(), false), true)
	return nil, nil, settledNothing
}

// replayedCredentials asks the gateway for the first answer of the create
// again, which holds the key and secret even where the account does not
// let keys be read again; nil once that answer is forgotten, or when it is
// not for id.
func (r *apiKeyResource) replayedCredentials(ctx context.Context, id string, pending *pendingCreate, now time.Time) *client.Credentials {
	if !pending.unconfirmed().Replayable(now) {
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

// deleteUnconfirmed destroys what an unconfirmed create that no lookup has
// found made: the key that the lookup finds now, or else, while the
// request may still arrive, the key that sending it again answers. Nobody
// has received such a key's credentials, so it is deleted at once,
// retire_after or not (keylife.Retire says the same of a key found).
func (r *apiKeyResource) deleteUnconfirmed(ctx context.Context, state apiKeyResourceModel, pending *pendingCreate, resp *resource.DeleteResponse) {
	label := state.Label.ValueString()
	found, err := r.data.client.FindCreated(ctx, pending.Request)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Look Up API Key Creation",
			fmt.Sprintf("The provider could not ask the gateway whether an earlier, unconfirmed create made the "+
				"key %q, so it cannot delete it yet; try again once the gateway answers.", label), err, r.data)
		return
	}
	switch pending.unconfirmed().Settle(found != nil, true, r.data.clock.Now()) {
	case keylife.Adopt:
		r.deleteKey(ctx, found.ID, &resp.Diagnostics)
	case keylife.Replay:
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
	case keylife.Drop:
		addNotice(&resp.Diagnostics, keylife.Dropped(label, pending.unconfirmed(), true), false)
	}
}
