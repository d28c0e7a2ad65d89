package keylife

import (
	"fmt"
	"strings"
)

// A key's key and secret: the gateway shows them once, when it creates the
// key, and again only where it lets the provider's key read them
// (revealable). State holds them in the clear (sensitive), or only
// encrypted to encryption_recipient, or, after an import, not at all.

// Credentials is what a plan shows of key, secret and their encrypted
// forms.
type Credentials int

const (
	// CredentialsHeld keeps what state holds.
	CredentialsHeld Credentials = iota
	// CredentialsPlain is key and secret, known after apply; the encrypted
	// forms are null.
	CredentialsPlain
	// CredentialsEncrypted is the encrypted forms, known after apply; key
	// and secret are null.
	CredentialsEncrypted
	// CredentialsEither is all four unknown: the recipient is known only
	// after apply.
	CredentialsEither
)

// CredentialsFor is what state will hold of credentials that come at
// apply, as the recipient asks.
func CredentialsFor(recipient Value[string]) Credentials {
	switch {
	case recipient.IsNull():
		return CredentialsPlain
	case recipient.IsUnknown():
		return CredentialsEither
	}
	return CredentialsEncrypted
}

// planCredentials plans what state will hold of the key and its secret. A
// recipient set, changed or removed changes the key in place: what state
// holds in the clear is encrypted at apply, and what it holds only
// encrypted is read again from the gateway, where the gateway lets the
// provider's key. An imported key, which has neither, gets them at the
// next apply the same way. Where the gateway will not show the key again,
// a changed or removed recipient takes a new key.
func planCredentials(k Key, cfg Config, p *Plan) *Replacement {
	changed := !sameRecipient(cfg.Recipient, k.Recipient)
	switch {
	case !changed && k.Held != HeldNone:
		return nil
	case k.Held == HeldNone:
		if k.Revealable {
			p.Credentials = CredentialsFor(cfg.Recipient)
		}
		return nil
	case k.Held == HeldPlain || k.Revealable:
		p.Credentials = CredentialsFor(cfg.Recipient)
		return nil
	}
	return &Replacement{Attribute: "encryption_recipient", Warning: fmt.Sprintf("The key %s will be replaced by "+
		"a new one because encryption_recipient changed: state holds it only encrypted to the old recipient, and "+
		"the gateway does not let the provider's key read it again to encrypt it anew (the key's revealable is "+
		"false).", k.ID)}
}

// sameRecipient ignores the white space around a recipient.
func sameRecipient(a, b Value[string]) bool {
	ra, knownA := a.Get()
	rb, knownB := b.Get()
	if knownA && knownB {
		return strings.TrimSpace(ra) == strings.TrimSpace(rb)
	}
	return a == b
}

// Source is where an apply takes the key and secret from that it must
// encrypt anew or bring into state.
type Source int

const (
	// FromState takes them from what state holds in the clear.
	FromState Source = iota
	// FromGateway reads them again: state holds them only encrypted, or
	// not at all.
	FromGateway
)

// SourceOf tells where the credentials of k come from at apply.
func SourceOf(k Key) Source {
	if k.Held == HeldPlain {
		return FromState
	}
	return FromGateway
}

// ImportedCredentials tells what becomes of the key and secret of a key
// just imported, which state holds neither of. Import cannot see the
// configuration, and so cannot know whether they must be encrypted: the
// apply that completes the import, which can, reads them where the gateway
// shows them again (revealable); where it does not, refusal says why.
//
// Terraform prints the warnings of an import block's plan after the apply
// that completes it too (apply -auto-approve), and the provider cannot
// tell that plan from a plan alone: the text is true in both places, so it
// speaks of the apply that completes the import, never of "the next".
func ImportedCredentials(id string, revealable bool, refusal string) Notice {
	if revealable {
		return Notice{Summary: "Imported API Key Secret Read On Apply", Detail: fmt.Sprintf("The key %s is "+
			"imported without its key and secret, which the gateway shows again: the apply that completes this "+
			"import reads them (after an import command, the next apply) and keeps them as the configuration "+
			"says, encrypted when encryption_recipient is set, so that they never reach state in the clear.", id)}
	}
	return Notice{Summary: "API Key Secret Not Imported", Detail: fmt.Sprintf("The key and secret of the imported "+
		"key %s stay null in state: %s. If a service needs them, issue a new key with `terraform apply "+
		"-replace=<address>`.", id, refusal)}
}
