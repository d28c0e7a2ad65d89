package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// What the resource keeps beside its state, where plans and later runs
// find it and users never have to look at it.

// privateData reads private state, as the framework's requests offer it.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateSetter writes private state, as the framework's responses offer it.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateRevealable is where the gateway's word that the provider's key may
// not read this key's credentials again is kept, so that a plan can tell
// that a new encryption_recipient needs a new key. Only a refusal is kept:
// most keys are revealable, and every byte of state is written again after
// each resource Terraform applies. A state that no refresh has seen since
// an older version of the provider wrote it counts as revealable, and an
// apply that finds otherwise says so.
const privateRevealable = "revealable"

func writeRevealable(ctx context.Context, private privateSetter, revealable bool) diag.Diagnostics {
	if revealable {
		return private.SetKey(ctx, privateRevealable, nil)
	}
	return private.SetKey(ctx, privateRevealable, []byte("false"))
}

func readRevealable(ctx context.Context, private privateData) (bool, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateRevealable)
	return string(raw) != "false", diags
}

// pendingCreate is kept in private state while the outcome of a create is
// unknown. It holds what the gateway needs to replay it, and nothing
// secret: the body names the label, environment, length, scopes and expiry.
type pendingCreate struct {
	Request client.CreateRequest `json:"request"`
	SentAt  time.Time            `json:"sent_at"`
}

// privatePendingCreate is the private-state slot of a pendingCreate.
const privatePendingCreate = "pending_create"

// replayWindow is how long the gateway keeps an Idempotency-Key: after it,
// a replay would make a new key rather than find the first.
const replayWindow = 24 * time.Hour

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
