package keylife

import (
	"testing"
	"time"
)

func retiring(window time.Duration, expiry Value[time.Time]) Key {
	k := plainKey()
	k.RetireAfter, k.Expiry = Known(window), expiry
	return k
}

func TestRetire(t *testing.T) {
	t.Parallel()
	deadline := at("2027-01-02T12:00:00Z")
	cases := map[string]struct {
		key      Key
		now      time.Time
		action   RetireAction
		deadline time.Time
	}{
		"no retire_after":            {plainKey(), now, Delete, time.Time{}},
		"retire_after at apply only": {Key{ID: "ak_1", RetireAfter: Unknown[time.Duration]()}, now, Delete, time.Time{}},
		"no id":                      {Key{RetireAfter: hours(24)}, now, Forget, time.Time{}},
		"no id, no retire_after":     {Key{}, now, Forget, time.Time{}},
		"made by an unconfirmed create": {Key{ID: "ak_1", RetireAfter: hours(24), Unconfirmed: &Unconfirmed{SentAt: now}},
			now, Delete, time.Time{}},
		"never expires":               {retiring(24*time.Hour, Null[time.Time]()), now, BringForward, deadline},
		"expires later":               {retiring(24*time.Hour, knownAt("2027-06-01T00:00:00Z")), now, BringForward, deadline},
		"expires at the deadline":     {retiring(24*time.Hour, Known(deadline)), now, ConfirmExpiry, deadline},
		"expires before the deadline": {retiring(24*time.Hour, knownAt("2027-01-01T18:00:00Z")), now, ConfirmExpiry, deadline},
		"expired":                     {retiring(24*time.Hour, Known(now)), now, Forget, deadline},
		"deadline in whole seconds":   {retiring(time.Minute, Null[time.Time]()), now.Add(1500 * time.Millisecond), BringForward, at("2027-01-01T12:01:01Z")},
	}
	for name, tc := range cases {
		got := Retire(tc.key, tc.now)
		if got.Action != tc.action || !got.Deadline.Equal(tc.deadline) {
			t.Errorf("%s: %v until %v, want %v until %v", name, got.Action, got.Deadline, tc.action, tc.deadline)
		}
	}
}

func TestRetirementNotice(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		key  Key
		want string // "" for none
	}{
		"deleted":                       {plainKey(), ""},
		"expired":                       {retiring(24*time.Hour, knownAt("2026-01-01T00:00:00Z")), ""},
		"made by an unconfirmed create": {Key{ID: "ak_1", RetireAfter: hours(24), Unconfirmed: &Unconfirmed{SentAt: now}}, ""},
		"retired until the deadline": {retiring(24*time.Hour, Null[time.Time]()), "The key ak_1 will not be deleted: it is " +
			"retired, and keeps working until about 2027-01-02T12:00:00Z (retire_after 24h after the apply), so that " +
			"services that still hold it have time to take the new one. To delete it at once, remove retire_after " +
			"and apply first."},
		"retired until its earlier expiry": {retiring(24*time.Hour, knownAt("2027-01-01T18:00:00Z")), "The key ak_1 will " +
			"not be deleted: it is retired, and keeps working until about 2027-01-01T18:00:00Z (retire_after 24h after " +
			"the apply), so that services that still hold it have time to take the new one. To delete it at once, " +
			"remove retire_after and apply first."},
	}
	for name, tc := range cases {
		got := RetirementNotice(tc.key, now)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%s: %+v, want none", name, got)
		case tc.want != "" && (got == nil || got.Detail != tc.want || got.Summary != "API Key Will Be Retired" || got.Attribute != ""):
			t.Errorf("%s: %+v, want API Key Will Be Retired: %q", name, got, tc.want)
		}
		destroy := PlanDestroy(tc.key, now)
		if (tc.want == "") != (len(destroy.Warnings) == 0) || len(destroy.Replacements) != 0 || len(destroy.Errors) != 0 {
			t.Errorf("%s: the destroy's plan is %+v", name, destroy)
		}
	}
}

// A replacement, whatever its cause, announces the retirement of the old
// key; a plan that replaces nothing does not.
func TestPlanChangeAnnouncesRetirement(t *testing.T) {
	t.Parallel()
	k := retiring(24*time.Hour, knownAt("2027-01-01T13:00:00Z"))
	k.ValidFor, k.RotateBefore = hours(1), Known(30*time.Minute)
	notice := RetirementNotice(k, now)
	cases := map[string]struct {
		cfg  Config
		when time.Time
		want int // warnings
	}{
		"nothing changes":                    {ConfigOf(k), now, 0},
		"rotation":                           {ConfigOf(k), at("2027-01-01T12:30:00Z"), 2},
		"rotation of a key that has expired": {ConfigOf(k), at("2027-01-01T13:00:00Z"), 1},
		"environment or length":              {Config{ValidFor: hours(1), RotateBefore: Known(30 * time.Minute), Replaced: true}, now, 1},
		"valid_for, without its own warning": {Config{ValidFor: hours(2), RotateBefore: Known(30 * time.Minute)}, now, 1},
	}
	for name, tc := range cases {
		p := PlanChange(k, tc.cfg, tc.when)
		if len(p.Warnings) != tc.want {
			t.Errorf("%s: warnings %v, want %d", name, summaries(p.Warnings), tc.want)
			continue
		}
		if tc.want > 0 && tc.when.Before(at("2027-01-01T13:00:00Z")) && p.Warnings[len(p.Warnings)-1].Summary != notice.Summary {
			t.Errorf("%s: the last warning is %q, want the retirement", name, p.Warnings[len(p.Warnings)-1].Summary)
		}
	}
}

func TestRetired(t *testing.T) {
	t.Parallel()
	got := Retired("ak_1", at("2027-01-02T12:00:00Z"))
	want := "The key ak_1 was not deleted: it keeps working until 2027-01-02T12:00:00Z (retire_after), and the gateway deletes it 30 days after that."
	if got.Summary != "API Key Retired" || got.Detail != want {
		t.Errorf("Retired = %+v, want API Key Retired: %q", got, want)
	}
}

func TestConfirmRetired(t *testing.T) {
	t.Parallel()
	deadline := at("2027-01-02T12:00:00Z")
	ptr := func(s string) *time.Time { t := at(s); return &t }
	cases := map[string]struct {
		expiry          *time.Time
		retired, failed string // "" for none
	}{
		"no expiry": {nil, "", "The gateway refused to bring the expiry of the key ak_1 forward to 2027-01-02T12:00:00Z, " +
			"and the key does not expire by then. It is kept in state and still works; try again."},
		"expires after the deadline": {ptr("2027-01-02T12:00:01Z"), "", "The gateway refused to bring the expiry"},
		"expires at the deadline": {ptr("2027-01-02T12:00:00Z"), "The key ak_1 was not deleted: it keeps working until " +
			"2027-01-02T12:00:00Z, its expiry, which is before retire_after would end.", ""},
		"expires in another offset": {ptr("2027-01-02T08:00:00-04:00"), "until 2027-01-02T12:00:00Z, its expiry", ""},
		"has expired":               {ptr("2027-01-01T12:00:00Z"), "", ""},
	}
	for name, tc := range cases {
		retired, failed := ConfirmRetired("ak_1", deadline, now, tc.expiry)
		check := func(kind string, got *Notice, want, summary string) {
			switch {
			case want == "" && got != nil:
				t.Errorf("%s: %s %+v, want none", name, kind, got)
			case want != "" && (got == nil || got.Summary != summary || !contains(got.Detail, want)):
				t.Errorf("%s: %s %+v, want %s: %q", name, kind, got, summary, want)
			}
		}
		check("retired", retired, tc.retired, "API Key Retired")
		check("failed", failed, tc.failed, "Unable to Retire API Key")
	}
}
