// Package keylife decides an API key's life from plain values: when it
// expires and is replaced, what a destroy retires, and where its key and
// secret come from. It knows neither Terraform's types nor the gateway's
// client. The provider turns what state holds and what the plan asks into
// these values, asks for a decision, and carries it out, so that every rule
// and every warning is tested here by plain `go test`.
package keylife

import (
	"strings"
	"time"
)

// Value is an attribute's value as a plan holds it: null, known only after
// apply, or known. The zero Value is null.
type Value[T any] struct {
	value   T
	known   bool
	unknown bool
}

// Known is a value known now.
func Known[T any](v T) Value[T] { return Value[T]{value: v, known: true} }

// Unknown is a value known only after apply.
func Unknown[T any]() Value[T] { return Value[T]{unknown: true} }

// Null is no value.
func Null[T any]() Value[T] { return Value[T]{} }

// IsNull tells a value that is not set.
func (v Value[T]) IsNull() bool { return !v.known && !v.unknown }

// IsUnknown tells a value known only after apply.
func (v Value[T]) IsUnknown() bool { return v.unknown }

// Get returns the value and whether it is known.
func (v Value[T]) Get() (T, bool) { return v.value, v.known }

// Key is what state holds of a key: what the gateway said of it and the
// inputs as they were last applied.
type Key struct {
	ID string
	// Expiry is expires_at, when the gateway says the key stops working.
	Expiry       Value[time.Time]
	ValidUntil   Value[time.Time]
	ValidFor     Value[time.Duration]
	RotateBefore Value[time.Duration]
	RetireAfter  Value[time.Duration]
	Triggers     Value[map[string]Value[string]]
	Recipient    Value[string]
	Held         Held
	// Revealable is the gateway's word, from the last read, that the
	// provider's key may read the key and secret again.
	Revealable bool
	// Unconfirmed is the create that made the key, while its outcome is
	// not settled; ID is "" until a lookup finds the key.
	Unconfirmed *Unconfirmed
}

// Held says what state holds of a key's key and secret.
type Held int

const (
	// HeldNone is a key that came into state by import: neither form.
	HeldNone Held = iota
	// HeldPlain is key and secret in the clear (sensitive).
	HeldPlain
	// HeldEncrypted is key and secret only encrypted to the recipient.
	HeldEncrypted
)

// Config is what a plan asks of a key: its inputs as planned.
type Config struct {
	ValidUntil   Value[time.Time]
	ValidFor     Value[time.Duration]
	RotateBefore Value[time.Duration]
	Triggers     Value[map[string]Value[string]]
	Recipient    Value[string]
	// Replaced tells that an input that replaces the key by its own schema
	// (environment, length) changed.
	Replaced bool
}

// ConfigOf is the configuration that state was applied with: what a plan
// asks when nothing changed.
func ConfigOf(k Key) Config {
	return Config{ValidUntil: k.ValidUntil, ValidFor: k.ValidFor, RotateBefore: k.RotateBefore,
		Triggers: k.Triggers, Recipient: k.Recipient}
}

// Notice is a warning or an error for the user. Attribute names the
// attribute it is about, or is "" for the key as a whole.
type Notice struct {
	Attribute string
	Summary   string
	Detail    string
}

// Replacement is one reason to replace a key, with the warning that tells
// it where the user did not ask for it in the configuration ("" where the
// user did).
type Replacement struct {
	Attribute string
	Warning   string
}

// WholeSeconds is the gateway's precision for times.
func WholeSeconds(t time.Time) time.Time {
	return t.UTC().Truncate(time.Second)
}

// LatestExpiry is the gateway's limit for an expiry: two calendar years.
func LatestExpiry(now time.Time) time.Time {
	return now.AddDate(2, 0, 0)
}

// FormatDuration writes a duration as users write it: "24h", not
// "24h0m0s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Plan is what a plan shows of a key: its planned expiry and credentials,
// the reasons to replace it, and what to tell the user, in order.
type Plan struct {
	// Expiry is the planned expires_at.
	Expiry       Value[time.Time]
	Credentials  Credentials
	Replacements []Replacement
	Warnings     []Notice
	Errors       []Notice
	// Unsettled tells the plan of an unconfirmed create whose key no lookup
	// has found: the apply learns its id and all the gateway says of it.
	Unsettled bool
}

func (p *Plan) warn(n *Notice) {
	if n != nil {
		p.Warnings = append(p.Warnings, *n)
	}
}

func (p *Plan) replace(r *Replacement) {
	if r == nil {
		return
	}
	p.Replacements = append(p.Replacements, *r)
	if r.Warning != "" {
		p.Warnings = append(p.Warnings, Notice{Attribute: r.Attribute, Summary: "API Key Replacement Planned", Detail: r.Warning})
	}
}

// PlanCreate shows what is known before a key exists: its expiry when
// valid_until gives it, and which of key and secret or their encrypted
// forms state will hold.
func PlanCreate(cfg Config, now time.Time) Plan {
	return Plan{
		Expiry:      plannedExpiry(cfg),
		Credentials: CredentialsFor(cfg.Recipient),
		Errors:      CheckNewExpiry(cfg.ValidUntil, now),
	}
}

// PlanChange plans a key that exists, or that an unconfirmed create may
// have made: in place what the gateway or state can change, a replacement
// for the rest, and a rotation when the clock says so. A plan that changes
// nothing asks it with ConfigOf(k): only time, an imported key's
// credentials and an unconfirmed create can change it then.
func PlanChange(k Key, cfg Config, now time.Time) Plan {
	p := Plan{Expiry: k.Expiry, Credentials: CredentialsHeld}
	if k.Unconfirmed != nil {
		// Sending the request again at apply answers the key and secret,
		// whatever the account says about reading keys again.
		k.Revealable = k.Revealable || k.Unconfirmed.Replayable(now)
		if k.ID == "" {
			p.Unsettled = true
			p.Expiry, p.Credentials = plannedExpiry(cfg), CredentialsFor(cfg.Recipient)
		}
	}
	p.replace(planValidUntil(k, cfg, now, &p))
	p.replace(planValidFor(k, cfg))
	p.replace(planTriggers(k, cfg))
	p.replace(planCredentials(k, cfg, &p))
	if len(p.Replacements) == 0 {
		due, expired := rotationDue(k.ID, cfg.ValidUntil, k.Expiry, cfg.RotateBefore, now)
		p.warn(expired)
		if due != nil {
			// Terraform replaces only for an attribute whose planned value
			// differs; the new key's expiry is not known yet anyway.
			p.Expiry = Unknown[time.Time]()
			p.replace(due)
		}
	}
	if len(p.Replacements) > 0 || cfg.Replaced {
		p.warn(RetirementNotice(k, now))
	}
	return p
}

// PlanDestroy says where a destroy will retire the key rather than delete
// it.
func PlanDestroy(k Key, now time.Time) Plan {
	var p Plan
	p.warn(RetirementNotice(k, now))
	return p
}
