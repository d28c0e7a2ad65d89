package keylife

import "time"

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
