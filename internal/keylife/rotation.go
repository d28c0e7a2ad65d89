package keylife

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// A key's expiry and its rotation. valid_until fixes an expiry, which the
// gateway only ever brings forward; valid_for gives every new key the same
// lifetime from its creation, and rotate_before replaces it that long
// before it expires; rotation_triggers replace it whenever they change.

// CheckRotationWindow refuses a rotate_before that is not shorter than
// valid_for: the key would be due for rotation the moment it is created.
func CheckRotationWindow(validFor, rotateBefore Value[time.Duration]) *Notice {
	lifetime, knownFor := validFor.Get()
	window, knownBefore := rotateBefore.Get()
	if !knownFor || !knownBefore || window < lifetime {
		return nil
	}
	return &Notice{Attribute: "rotate_before", Summary: "Invalid Rotation Window",
		Detail: fmt.Sprintf("rotate_before (%s) must be shorter than valid_for (%s), or every plan would replace "+
			"the key. Shorten rotate_before or lengthen valid_for.", FormatDuration(window), FormatDuration(lifetime))}
}

// CheckNewExpiry refuses a valid_until that the gateway would refuse: one
// that has passed, or one more than two years ahead.
func CheckNewExpiry(validUntil Value[time.Time], now time.Time) []Notice {
	t, known := validUntil.Get()
	switch {
	case !known:
		return nil
	case !t.After(now):
		return []Notice{{Attribute: "valid_until", Summary: "Expiry In The Past",
			Detail: fmt.Sprintf("valid_until (%s) has passed, so a key with it could not be created. Move "+
				"valid_until to a later time, or use valid_for so that every new key gets a fresh window.",
				t.Format(time.RFC3339))}}
	case t.After(LatestExpiry(now)):
		return []Notice{{Attribute: "valid_until", Summary: "Expiry Too Far Ahead",
			Detail: fmt.Sprintf("valid_until (%s) lies more than two years ahead; the gateway allows keys until %s "+
				"at most. Choose an earlier time.", t.Format(time.RFC3339), LatestExpiry(now).Format(time.RFC3339))}}
	}
	return nil
}

// NewExpiry is the expiry a key created now is asked for: valid_until, or
// valid_for counted from now, once, at creation; nil for none.
func NewExpiry(cfg Config, now time.Time) *time.Time {
	if t, ok := cfg.ValidUntil.Get(); ok {
		t = WholeSeconds(t)
		return &t
	}
	if lifetime, ok := cfg.ValidFor.Get(); ok {
		t := WholeSeconds(now.Add(lifetime))
		return &t
	}
	return nil
}

// plannedExpiry is a new key's expires_at as far as plan knows it.
func plannedExpiry(cfg Config) Value[time.Time] {
	switch {
	case cfg.ValidUntil.IsUnknown(), !cfg.ValidFor.IsNull():
		return Unknown[time.Time]()
	case cfg.ValidUntil.IsNull():
		return Null[time.Time]()
	}
	t, _ := cfg.ValidUntil.Get()
	return Known(WholeSeconds(t))
}

// planValidUntil compares a changed valid_until with the key's expiry. The
// gateway brings an expiry forward in place, but never pushes it back or
// clears it: that takes a new key.
func planValidUntil(k Key, cfg Config, now time.Time, p *Plan) *Replacement {
	if sameInstant(cfg.ValidUntil, k.ValidUntil) {
		return nil
	}
	if cfg.ValidUntil.IsUnknown() {
		return &Replacement{Attribute: "valid_until"}
	}
	wanted, ok := cfg.ValidUntil.Get()
	if !ok && k.Held == HeldNone {
		// The expiry that an import wrote down, left out of the
		// configuration: the key keeps it, as expires_at says.
		return nil
	}
	if !ok {
		return &Replacement{Attribute: "valid_until", Warning: fmt.Sprintf("The key %s will be replaced by a new "+
			"one without an expiry because valid_until was removed: the gateway never clears an expiry.", k.ID)}
	}
	wanted = WholeSeconds(wanted)
	current, known := k.Expiry.Get()
	if known && wanted.Equal(current) {
		// Writing down the expiry the key already has, as after an import.
		return nil
	}
	p.Errors = append(p.Errors, CheckNewExpiry(cfg.ValidUntil, now)...)
	if known && wanted.After(current) {
		return &Replacement{Attribute: "valid_until", Warning: fmt.Sprintf("The key %s will be replaced by a new "+
			"one because valid_until moves later, from %s to %s: the gateway only brings an expiry forward.",
			k.ID, current.Format(time.RFC3339), wanted.Format(time.RFC3339))}
	}
	p.Expiry = Known(wanted)
	return nil
}

// sameInstant compares expiries at the gateway's precision.
func sameInstant(a, b Value[time.Time]) bool {
	ta, knownA := a.Get()
	tb, knownB := b.Get()
	if knownA && knownB {
		return WholeSeconds(ta).Equal(WholeSeconds(tb))
	}
	return a.IsNull() == b.IsNull() && a.IsUnknown() == b.IsUnknown() && !knownA && !knownB
}

// planValidFor replaces the key when valid_for changes, except when it is
// first set on a key that already expires (after an import): valid_for then
// shapes the keys that rotation makes.
func planValidFor(k Key, cfg Config) *Replacement {
	if cfg.ValidFor == k.ValidFor || (k.ValidFor.IsNull() && !k.Expiry.IsNull() && !k.Expiry.IsUnknown()) {
		return nil
	}
	return &Replacement{Attribute: "valid_for"}
}

// planTriggers replaces the key when rotation_triggers changes, except
// when they are first set on a key just imported, and names the triggers
// that changed: their values come from elsewhere and may be secret.
func planTriggers(k Key, cfg Config) *Replacement {
	if sameTriggers(cfg.Triggers, k.Triggers) || (noTriggers(cfg.Triggers) && noTriggers(k.Triggers)) ||
		(noTriggers(k.Triggers) && k.Held == HeldNone) {
		return nil
	}
	changed := "they are not known until apply"
	if !cfg.Triggers.IsUnknown() {
		changed = "of " + changedTriggers(cfg.Triggers, k.Triggers)
	}
	return &Replacement{Attribute: "rotation_triggers", Warning: fmt.Sprintf("The key %s will be replaced by a "+
		"new one because rotation_triggers changed (%s).", k.ID, changed)}
}

// noTriggers is true for none and for {}.
func noTriggers(v Value[map[string]Value[string]]) bool {
	m, known := v.Get()
	return v.IsNull() || (known && len(m) == 0)
}

func sameTriggers(a, b Value[map[string]Value[string]]) bool {
	ma, knownA := a.Get()
	mb, knownB := b.Get()
	if knownA != knownB || a.IsUnknown() != b.IsUnknown() {
		return false
	}
	return maps.Equal(ma, mb)
}

// changedTriggers lists the triggers whose values differ, without the
// values.
func changedTriggers(planned, prior Value[map[string]Value[string]]) string {
	after, _ := planned.Get()
	before, _ := prior.Get()
	var names []string
	for name, v := range after {
		if old, ok := before[name]; !ok || old != v {
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

// rotationDue returns the replacement of a key whose expiry is near or
// past. A key with a fixed valid_until cannot be rotated to the same
// expiry, so once that has passed plans only warn: only a new valid_until
// renews it.
func rotationDue(id string, validUntil, expiry Value[time.Time], rotateBefore Value[time.Duration], now time.Time) (*Replacement, *Notice) {
	expires, known := expiry.Get()
	if !known {
		return nil, nil
	}
	window, _ := rotateBefore.Get()
	if now.Before(expires.Add(-window)) {
		return nil, nil
	}
	at := expires.Format(time.RFC3339)
	if !validUntil.IsNull() {
		if now.Before(expires) {
			return nil, nil
		}
		return nil, &Notice{Attribute: "valid_until", Summary: "API Key Expired",
			Detail: fmt.Sprintf("The key %s expired at %s (its valid_until) and no longer works. A key is never "+
				"renewed: set valid_until to a later time, or use valid_for, and apply to replace it with a "+
				"new key; until then plans leave it as it is.", id, at)}
	}
	why := "it expires at " + at
	if !now.Before(expires) {
		why = "it expired at " + at
	} else if window > 0 {
		why += fmt.Sprintf(", within rotate_before (%s)", FormatDuration(window))
	}
	return &Replacement{Attribute: "expires_at", Warning: fmt.Sprintf("The key %s will be replaced by a new one "+
		"because %s. Services that use it must be given the new key; with create_before_destroy the old key "+
		"keeps working until the new one exists.", id, why)}, nil
}
