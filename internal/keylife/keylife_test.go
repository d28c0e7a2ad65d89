package keylife

import (
	"testing"
	"time"
)

var now = time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func knownAt(s string) Value[time.Time] { return Known(at(s)) }

func hours(h int) Value[time.Duration] { return Known(time.Duration(h) * time.Hour) }

func triggerMap(pairs ...string) Value[map[string]Value[string]] {
	m := map[string]Value[string]{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = Known(pairs[i+1])
	}
	return Known(m)
}

// plainKey is a key created with key and secret in the clear.
func plainKey() Key {
	return Key{ID: "ak_1", Held: HeldPlain, Revealable: true}
}

func TestValue(t *testing.T) {
	t.Parallel()
	if v := Null[int](); !v.IsNull() || v.IsUnknown() {
		t.Errorf("Null: IsNull %v, IsUnknown %v", v.IsNull(), v.IsUnknown())
	}
	if v := (Value[int]{}); !v.IsNull() {
		t.Error("the zero Value is not null")
	}
	if v := Unknown[int](); v.IsNull() || !v.IsUnknown() {
		t.Errorf("Unknown: IsNull %v, IsUnknown %v", v.IsNull(), v.IsUnknown())
	}
	if _, known := Unknown[int]().Get(); known {
		t.Error("an unknown value is known")
	}
	if v, known := Known(7).Get(); !known || v != 7 || Known(7).IsNull() || Known(7).IsUnknown() {
		t.Errorf("Known(7) = %v, %v", v, known)
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Second:                "1s",
		90 * time.Second:           "1m30s",
		time.Minute:                "1m",
		10 * time.Minute:           "10m",
		time.Hour:                  "1h",
		17520 * time.Hour:          "17520h",
		time.Hour + 30*time.Minute: "1h30m",
		time.Hour + time.Second:    "1h0m1s",
		1500 * time.Millisecond:    "1.5s",
		0:                          "0s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestWholeSecondsIsUTC(t *testing.T) {
	t.Parallel()
	got := WholeSeconds(time.Date(2027, 1, 1, 13, 0, 0, 999_999_999, time.FixedZone("CET", 3600)))
	if want := at("2027-01-01T12:00:00Z"); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("WholeSeconds = %v, want %v in UTC", got, want)
	}
}

func TestLatestExpiryIsTwoCalendarYears(t *testing.T) {
	t.Parallel()
	if got, want := LatestExpiry(at("2028-02-29T00:00:00Z")), at("2030-03-01T00:00:00Z"); !got.Equal(want) {
		t.Errorf("LatestExpiry = %v, want %v", got, want)
	}
}

func TestConfigOfIsTheAppliedConfiguration(t *testing.T) {
	t.Parallel()
	k := Key{ValidUntil: knownAt("2027-06-01T00:00:00Z"), ValidFor: hours(1), RotateBefore: hours(2),
		Triggers: triggerMap("a", "1"), Recipient: Known("age1x"), RetireAfter: hours(3)}
	cfg := ConfigOf(k)
	if cfg.ValidUntil != k.ValidUntil || cfg.ValidFor != k.ValidFor || cfg.RotateBefore != k.RotateBefore ||
		!sameTriggers(cfg.Triggers, k.Triggers) || cfg.Recipient != k.Recipient || cfg.Replaced {
		t.Errorf("ConfigOf(%+v) = %+v", k, cfg)
	}
}
