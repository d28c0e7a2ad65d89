package keylife

import (
	"testing"
	"time"
)

func TestReplayable(t *testing.T) {
	t.Parallel()
	u := Unconfirmed{SentAt: now}
	for after, want := range map[time.Duration]bool{
		0:                              true,
		ReplayWindow - time.Second:     true,
		ReplayWindow:                   false,
		30 * 24 * time.Hour:            false,
		-time.Minute:                   true, // a clock set back
		ReplayWindow - time.Nanosecond: true,
	} {
		if got := u.Replayable(now.Add(after)); got != want {
			t.Errorf("Replayable %s after = %v, want %v", after, got, want)
		}
	}
}

// The plan of an unconfirmed create: before a lookup finds its key, the
// apply learns everything the gateway says of it, and its credentials come
// as for a new key; once found, the replay answers its credentials while
// the gateway remembers the request.
func TestPlanChangeUnconfirmed(t *testing.T) {
	t.Parallel()
	sent := Unconfirmed{SentAt: now.Add(-time.Hour)}
	old := Unconfirmed{SentAt: now.Add(-ReplayWindow)}
	// State holds the inputs of the create, and no id until a lookup finds
	// its key.
	notFound := func(u Unconfirmed, cfg Config) Key {
		return Key{ValidUntil: cfg.ValidUntil, ValidFor: cfg.ValidFor, Recipient: cfg.Recipient, RetireAfter: hours(24), Unconfirmed: &u}
	}
	found := func(u Unconfirmed, revealable bool) Key {
		return Key{ID: "ak_1", Expiry: knownAt("2027-06-01T00:00:00Z"), Revealable: revealable, Unconfirmed: &u}
	}
	june := knownAt("2027-06-01T00:00:00Z")
	cases := map[string]struct {
		key         Key
		cfg         Config
		unsettled   bool
		expiry      Value[time.Time]
		credentials Credentials
	}{
		"not found":                               {notFound(sent, Config{}), Config{}, true, Null[time.Time](), CredentialsPlain},
		"not found, with a recipient":             {notFound(sent, Config{Recipient: Known("age1x")}), Config{Recipient: Known("age1x")}, true, Null[time.Time](), CredentialsEncrypted},
		"not found, valid_until":                  {notFound(sent, Config{ValidUntil: june}), Config{ValidUntil: june}, true, june, CredentialsPlain},
		"not found, valid_for":                    {notFound(sent, Config{ValidFor: hours(720)}), Config{ValidFor: hours(720)}, true, Unknown[time.Time](), CredentialsPlain},
		"not found after the replays":             {notFound(old, Config{}), Config{}, true, Null[time.Time](), CredentialsPlain},
		"found: the replay answers credentials":   {found(sent, false), Config{}, false, june, CredentialsPlain},
		"found, encrypted":                        {found(sent, false), Config{Recipient: Known("age1x")}, false, june, CredentialsEncrypted},
		"found after the replays, not revealable": {found(old, false), Config{}, false, june, CredentialsHeld},
		"found after the replays, revealable":     {found(old, true), Config{}, false, june, CredentialsPlain},
	}
	for name, tc := range cases {
		p := PlanChange(tc.key, tc.cfg, now)
		if p.Unsettled != tc.unsettled || !sameInstant(p.Expiry, tc.expiry) || p.Credentials != tc.credentials {
			t.Errorf("%s: unsettled %v, expiry %+v, credentials %v; want %v, %+v, %v", name, p.Unsettled, p.Expiry,
				p.Credentials, tc.unsettled, tc.expiry, tc.credentials)
		}
		// Nothing is known to retire of a key no lookup found, and a
		// replacement of a found one is Terraform's, for its taint.
		if len(p.Warnings) != 0 || len(p.Replacements) != 0 || len(p.Errors) != 0 {
			t.Errorf("%s: %+v", name, p)
		}
	}
	if p := PlanDestroy(notFound(sent, Config{}), now); len(p.Warnings) != 0 {
		t.Errorf("a destroy of a create not found announces %+v", p.Warnings)
	}
}
