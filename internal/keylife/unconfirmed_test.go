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

// What becomes of an unconfirmed create, decided from what the lookup
// found, the phase and the clock alone.
func TestSettle(t *testing.T) {
	t.Parallel()
	u := Unconfirmed{SentAt: now}
	cases := map[string]struct {
		found, atApply bool
		after          time.Duration
		want           Step
	}{
		"found at plan":                        {true, false, time.Minute, Adopt},
		"found at apply":                       {true, true, time.Minute, Adopt},
		"found long after the replays":         {true, false, 30 * 24 * time.Hour, Adopt},
		"not found at plan":                    {false, false, time.Minute, Await},
		"not found at plan, the last second":   {false, false, ReplayWindow - time.Second, Await},
		"not found at apply":                   {false, true, time.Minute, Replay},
		"not found at apply, the last second":  {false, true, ReplayWindow - time.Second, Replay},
		"not found at plan after the replays":  {false, false, ReplayWindow, Drop},
		"not found at apply after the replays": {false, true, ReplayWindow, Drop},
	}
	for name, tc := range cases {
		if got := u.Settle(tc.found, tc.atApply, now.Add(tc.after)); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

// A plan never replays: whatever the lookup says, the decision at plan
// sends nothing but the lookup.
func TestSettleNeverReplaysAtPlan(t *testing.T) {
	t.Parallel()
	for after := -time.Hour; after <= 2*ReplayWindow; after += time.Hour {
		for _, found := range []bool{false, true} {
			if (Unconfirmed{SentAt: now}).Settle(found, false, now.Add(after)) == Replay {
				t.Fatalf("a plan %s after the create (found %v) would send it again", after, found)
			}
		}
	}
}

func TestUnconfirmedNotices(t *testing.T) {
	t.Parallel()
	u := Unconfirmed{SentAt: at("2027-01-01T10:00:00Z")}
	cases := map[string]struct {
		notice          Notice
		summary, detail string
	}{
		"create unconfirmed": {CreateUnconfirmed("billing"), "API Key Creation Unconfirmed", "The gateway did not say " +
			"whether it created the key \"billing\". The request is kept in state (marked tainted): the next plan " +
			"looks the key up without sending anything else, and the next apply or destroy settles it by asking " +
			"the gateway again with the same request, so that no key is left behind and none is made twice."},
		"adopted": {Adopted("ak_1"), "Unconfirmed API Key Found", "The gateway did make the key ak_1 in an earlier " +
			"apply whose answer was lost; it is now in state. Nobody has received its key and secret yet. Terraform " +
			"marks a resource whose create failed tainted, and replaces a tainted resource: unless `terraform " +
			"untaint` (`tofu untaint`) is run on it first, the apply deletes ak_1 and creates a new key. After " +
			"untaint, the apply keeps ak_1 and puts its key and secret into state."},
		"still unconfirmed": {StillUnconfirmed("billing", u), "API Key Creation Still Unconfirmed", "The gateway " +
			"holds no key from the create of \"billing\" sent at 2027-01-01T10:00:00Z, whose answer was lost: the " +
			"request may never have reached it, or may still be on its way. This plan changed nothing. Terraform " +
			"marks a resource whose create failed tainted, and replaces a tainted resource without handing the " +
			"record of that request to the replacement: unless `terraform untaint` (`tofu untaint`) is run on it " +
			"first, the apply gives the request up and creates a new key. After untaint, the apply asks the " +
			"gateway again with the same request, which makes the key at most once, and keeps the key it answers."},
		"dropped at plan or apply": {Dropped("billing", u, false), "Unconfirmed API Key Creation Expired", "The " +
			"create of the key \"billing\" at 2027-01-01T10:00:00Z was never confirmed, and the gateway holds no key " +
			"that it made. More than 24 hours later that request can no longer arrive, and the gateway no longer " +
			"answers it again, so it is dropped from state. The next apply creates the key anew."},
		"dropped at destroy": {Dropped("billing", u, true), "Unconfirmed API Key Creation Expired", "The create of " +
			"the key \"billing\" at 2027-01-01T10:00:00Z was never confirmed, and the gateway holds no key that it " +
			"made. More than 24 hours later that request can no longer arrive, and the gateway no longer answers it " +
			"again, so it is dropped from state."},
	}
	for name, tc := range cases {
		if tc.notice.Summary != tc.summary || tc.notice.Detail != tc.detail || tc.notice.Attribute != "" {
			t.Errorf("%s: %+v\nwant %s: %s", name, tc.notice, tc.summary, tc.detail)
		}
	}
}
