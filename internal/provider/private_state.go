package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
