package keylife

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCheckRotationWindow(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		validFor, rotateBefore Value[time.Duration]
		want                   string // "" for no error
	}{
		"shorter":          {hours(720), hours(168), ""},
		"equal":            {hours(24), hours(24), "rotate_before (24h) must be shorter than valid_for (24h), or every plan would replace the key. Shorten rotate_before or lengthen valid_for."},
		"longer":           {hours(1), hours(2), "rotate_before (2h) must be shorter than valid_for (1h)"},
		"no valid_for":     {Null[time.Duration](), hours(2), ""},
		"no window":        {hours(1), Null[time.Duration](), ""},
		"unknown lifetime": {Unknown[time.Duration](), hours(2), ""},
		"unknown window":   {hours(1), Unknown[time.Duration](), ""},
	}
	for name, tc := range cases {
		got := CheckRotationWindow(tc.validFor, tc.rotateBefore)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%s: %+v, want none", name, got)
		case tc.want != "" && (got == nil || !strings.Contains(got.Detail, tc.want) ||
			got.Summary != "Invalid Rotation Window" || got.Attribute != "rotate_before"):
			t.Errorf("%s: %+v, want rotate_before: Invalid Rotation Window: %q", name, got, tc.want)
		}
	}
}

func TestCheckNewExpiry(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		validUntil      Value[time.Time]
		summary, detail string
	}{
		"ahead":           {knownAt("2027-06-01T00:00:00Z"), "", ""},
		"now":             {Known(now), "Expiry In The Past", "valid_until (2027-01-01T12:00:00Z) has passed, so a key with it could not be created. Move valid_until to a later time, or use valid_for so that every new key gets a fresh window."},
		"past":            {knownAt("2001-01-01T00:00:00Z"), "Expiry In The Past", "valid_until (2001-01-01T00:00:00Z) has passed"},
		"two years ahead": {knownAt("2029-01-01T12:00:00Z"), "", ""},
		"beyond":          {knownAt("2029-01-01T12:00:01Z"), "Expiry Too Far Ahead", "valid_until (2029-01-01T12:00:01Z) lies more than two years ahead; the gateway allows keys until 2029-01-01T12:00:00Z at most. Choose an earlier time."},
		"null":            {Null[time.Time](), "", ""},
		"unknown":         {Unknown[time.Time](), "", ""},
	}
	for name, tc := range cases {
		got := CheckNewExpiry(tc.validUntil, now)
		if tc.summary == "" {
			if len(got) != 0 {
				t.Errorf("%s: %+v, want none", name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Summary != tc.summary || got[0].Attribute != "valid_until" ||
			!strings.Contains(got[0].Detail, tc.detail) {
			t.Errorf("%s: %+v, want valid_until: %s: %q", name, got, tc.summary, tc.detail)
		}
	}
}

func TestNewExpiry(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		cfg  Config
		want string // "" for none
	}{
		"none":                              {Config{}, ""},
		"valid_for from now":                {Config{ValidFor: hours(720)}, "2027-01-31T12:00:00Z"},
		"valid_until":                       {Config{ValidUntil: knownAt("2027-06-01T00:00:00Z")}, "2027-06-01T00:00:00Z"},
		"valid_until in whole seconds, UTC": {Config{ValidUntil: knownAt("2027-06-01T02:00:00.75+02:00")}, "2027-06-01T00:00:00Z"},
	}
	for name, tc := range cases {
		got := NewExpiry(tc.cfg, now)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%s: %v, want none", name, got)
		case tc.want != "" && (got == nil || got.Format(time.RFC3339Nano) != tc.want):
			t.Errorf("%s: %v, want %s", name, got, tc.want)
		}
	}
	later := NewExpiry(Config{ValidFor: hours(1)}, now.Add(time.Hour+500*time.Millisecond))
	if want := at("2027-01-01T14:00:00Z"); !later.Equal(want) {
		t.Errorf("valid_for counts from the time of the create: %v, want %v", later, want)
	}
}

func TestPlanCreate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		cfg         Config
		expiry      Value[time.Time]
		credentials Credentials
		errors      []string
	}{
		"no expiry":         {Config{}, Null[time.Time](), CredentialsPlain, nil},
		"valid_until":       {Config{ValidUntil: knownAt("2027-03-01T00:00:00.5Z")}, knownAt("2027-03-01T00:00:00Z"), CredentialsPlain, nil},
		"valid_until later": {Config{ValidUntil: Unknown[time.Time]()}, Unknown[time.Time](), CredentialsPlain, nil},
		"valid_for":         {Config{ValidFor: hours(1)}, Unknown[time.Time](), CredentialsPlain, nil},
		"valid_for later":   {Config{ValidFor: Unknown[time.Duration]()}, Unknown[time.Time](), CredentialsPlain, nil},
		"recipient":         {Config{Recipient: Known("age1x")}, Null[time.Time](), CredentialsEncrypted, nil},
		"recipient later":   {Config{Recipient: Unknown[string]()}, Null[time.Time](), CredentialsEither, nil},
		"past":              {Config{ValidUntil: knownAt("2026-01-01T00:00:00Z")}, knownAt("2026-01-01T00:00:00Z"), CredentialsPlain, []string{"Expiry In The Past"}},
	}
	for name, tc := range cases {
		p := PlanCreate(tc.cfg, now)
		if !sameInstant(p.Expiry, tc.expiry) || p.Credentials != tc.credentials || !slices.Equal(summaries(p.Errors), tc.errors) ||
			len(p.Warnings) != 0 || len(p.Replacements) != 0 {
			t.Errorf("%s: %+v, want expiry %+v, credentials %v, errors %v", name, p, tc.expiry, tc.credentials, tc.errors)
		}
	}
}

func summaries(notices []Notice) []string {
	var s []string
	for _, n := range notices {
		s = append(s, n.Summary)
	}
	return s
}

func attributes(replacements []Replacement) []string {
	var s []string
	for _, r := range replacements {
		s = append(s, r.Attribute)
	}
	return s
}

// details joins the warnings as "attribute: summary: detail" lines.
func details(notices []Notice) string {
	var lines []string
	for _, n := range notices {
		lines = append(lines, n.Attribute+": "+n.Summary+": "+n.Detail)
	}
	return strings.Join(lines, "\n")
}

// changeCase is a plan of an existing key: what it must replace for, the
// planned expiry, and the warnings and errors it must give, word for word
// where given whole.
type changeCase struct {
	key      Key
	cfg      Config
	now      time.Time
	replace  []string
	expiry   Value[time.Time]
	warnings []string // each "attribute: summary: detail"
	errors   []string // summaries
}

func (tc changeCase) check(t *testing.T, name string) {
	t.Helper()
	when := tc.now
	if when.IsZero() {
		when = now
	}
	p := PlanChange(tc.key, tc.cfg, when)
	if got := attributes(p.Replacements); !slices.Equal(got, tc.replace) {
		t.Errorf("%s: replaced for %v, want %v", name, got, tc.replace)
	}
	if !sameInstant(p.Expiry, tc.expiry) {
		t.Errorf("%s: planned expiry %+v, want %+v", name, p.Expiry, tc.expiry)
	}
	if got := details(p.Warnings); got != strings.Join(tc.warnings, "\n") {
		t.Errorf("%s: warnings\n%s\nwant\n%s", name, got, strings.Join(tc.warnings, "\n"))
	}
	if got := summaries(p.Errors); !slices.Equal(got, tc.errors) {
		t.Errorf("%s: errors %v, want %v", name, got, tc.errors)
	}
}

func TestPlanChangeValidUntil(t *testing.T) {
	t.Parallel()
	expiring := func(validUntil string) Key {
		k := plainKey()
		k.ValidUntil, k.Expiry = knownAt(validUntil), knownAt(validUntil)
		return k
	}
	june := expiring("2027-06-01T00:00:00Z")
	imported := Key{ID: "ak_1", Expiry: knownAt("2027-06-01T00:00:00Z")}
	// An import writes the key's expiry down as valid_until.
	importedWrittenDown := Key{ID: "ak_1", Expiry: knownAt("2027-06-01T00:00:00Z"), ValidUntil: knownAt("2027-06-01T00:00:00Z")}
	cases := map[string]changeCase{
		"unchanged": {key: june, cfg: ConfigOf(june), expiry: june.Expiry},
		"same instant written otherwise": {key: june, cfg: Config{ValidUntil: knownAt("2027-06-01T02:00:00.9+02:00")},
			expiry: june.Expiry},
		"brought forward in place": {key: june, cfg: Config{ValidUntil: knownAt("2027-03-01T00:00:00.5Z")},
			expiry: knownAt("2027-03-01T00:00:00Z")},
		"set on a key without one, in place": {key: plainKey(), cfg: Config{ValidUntil: knownAt("2027-03-01T00:00:00Z")},
			expiry: knownAt("2027-03-01T00:00:00Z")},
		"moved later": {key: june, cfg: Config{ValidUntil: knownAt("2027-09-01T00:00:00Z")},
			replace: []string{"valid_until"}, expiry: june.Expiry,
			warnings: []string{"valid_until: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
				"because valid_until moves later, from 2027-06-01T00:00:00Z to 2027-09-01T00:00:00Z: the gateway only " +
				"brings an expiry forward."}},
		"removed": {key: june, cfg: Config{}, replace: []string{"valid_until"}, expiry: june.Expiry,
			warnings: []string{"valid_until: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
				"without an expiry because valid_until was removed: the gateway never clears an expiry."}},
		"known only at apply": {key: june, cfg: Config{ValidUntil: Unknown[time.Time]()},
			replace: []string{"valid_until"}, expiry: june.Expiry},
		"brought forward into the past": {key: june, cfg: Config{ValidUntil: knownAt("2026-12-01T00:00:00Z")},
			expiry: knownAt("2026-12-01T00:00:00Z"), errors: []string{"Expiry In The Past"}},
		"moved later, too far": {key: june, cfg: Config{ValidUntil: knownAt("2030-01-01T00:00:00Z")},
			replace: []string{"valid_until"}, expiry: june.Expiry, errors: []string{"Expiry Too Far Ahead"},
			warnings: []string{"valid_until: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
				"because valid_until moves later, from 2027-06-01T00:00:00Z to 2030-01-01T00:00:00Z: the gateway only " +
				"brings an expiry forward."}},
		"an import writes down the expiry the key has": {key: imported, cfg: Config{ValidUntil: knownAt("2027-06-01T00:00:00Z")},
			expiry: imported.Expiry},
		"an import's expiry left out of the configuration keeps the key": {key: importedWrittenDown, cfg: Config{},
			expiry: importedWrittenDown.Expiry},
		"an import's expiry moved later still replaces": {key: importedWrittenDown,
			cfg: Config{ValidUntil: knownAt("2027-09-01T00:00:00Z")}, replace: []string{"valid_until"}, expiry: importedWrittenDown.Expiry,
			warnings: []string{"valid_until: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
				"because valid_until moves later, from 2027-06-01T00:00:00Z to 2027-09-01T00:00:00Z: the gateway only " +
				"brings an expiry forward."}},
		"an import's expiry brought forward in place": {key: importedWrittenDown,
			cfg: Config{ValidUntil: knownAt("2027-03-01T00:00:00Z")}, expiry: knownAt("2027-03-01T00:00:00Z")},
		"an import writes down an expiry that has passed": {
			key:    Key{ID: "ak_1", Expiry: knownAt("2026-06-01T00:00:00Z")},
			cfg:    Config{ValidUntil: knownAt("2026-06-01T00:00:00Z")},
			expiry: knownAt("2026-06-01T00:00:00Z"),
			warnings: []string{"valid_until: API Key Expired: The key ak_1 expired at 2026-06-01T00:00:00Z (its " +
				"valid_until) and no longer works. A key is never renewed: set valid_until to a later time, or use " +
				"valid_for, and apply to replace it with a new key; until then plans leave it as it is."}},
	}
	for name, tc := range cases {
		tc.check(t, name)
	}
}

func TestPlanChangeValidFor(t *testing.T) {
	t.Parallel()
	rotating := plainKey()
	rotating.ValidFor, rotating.Expiry = hours(720), knownAt("2027-01-31T00:00:00Z")
	imported := Key{ID: "ak_1", Expiry: knownAt("2027-06-01T00:00:00Z")}
	neverExpires := plainKey()
	cases := map[string]changeCase{
		"unchanged": {key: rotating, cfg: ConfigOf(rotating), expiry: rotating.Expiry},
		"changed":   {key: rotating, cfg: Config{ValidFor: hours(24)}, replace: []string{"valid_for"}, expiry: rotating.Expiry},
		"removed":   {key: rotating, cfg: Config{}, replace: []string{"valid_for"}, expiry: rotating.Expiry},
		"at apply":  {key: rotating, cfg: Config{ValidFor: Unknown[time.Duration]()}, replace: []string{"valid_for"}, expiry: rotating.Expiry},
		"first set on a key that expires shapes the next keys": {key: imported, cfg: Config{ValidFor: hours(720)}, expiry: imported.Expiry},
		"set on a key that never expires": {key: neverExpires, cfg: Config{ValidFor: hours(720)},
			replace: []string{"valid_for"}, expiry: Null[time.Time]()},
	}
	for name, tc := range cases {
		tc.check(t, name)
	}
}

func TestPlanChangeTriggers(t *testing.T) {
	t.Parallel()
	withTriggers := func(triggers Value[map[string]Value[string]]) Key {
		k := plainKey()
		k.Triggers = triggers
		return k
	}
	v1 := withTriggers(triggerMap("release", "1", "region", "eu"))
	imported := Key{ID: "ak_1"}
	importedWithEmpty := Key{ID: "ak_1", Triggers: triggerMap()}
	unknownElement := Known(map[string]Value[string]{"release": Unknown[string](), "region": Known("eu")})
	warning := func(changed string) []string {
		return []string{"rotation_triggers: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
			"because rotation_triggers changed (" + changed + ")."}
	}
	cases := map[string]changeCase{
		"unchanged":                        {key: v1, cfg: ConfigOf(v1)},
		"a value changed":                  {key: v1, cfg: Config{Triggers: triggerMap("release", "2", "region", "eu")}, replace: []string{"rotation_triggers"}, warnings: warning("of release")},
		"one added":                        {key: v1, cfg: Config{Triggers: triggerMap("release", "1", "region", "eu", "zone", "b")}, replace: []string{"rotation_triggers"}, warnings: warning("of zone")},
		"one removed, one changed":         {key: v1, cfg: Config{Triggers: triggerMap("region", "us")}, replace: []string{"rotation_triggers"}, warnings: warning("of region, release")},
		"all removed":                      {key: v1, cfg: Config{}, replace: []string{"rotation_triggers"}, warnings: warning("of region, release")},
		"known at apply":                   {key: v1, cfg: Config{Triggers: Unknown[map[string]Value[string]]()}, replace: []string{"rotation_triggers"}, warnings: warning("they are not known until apply")},
		"a value known at apply":           {key: v1, cfg: Config{Triggers: unknownElement}, replace: []string{"rotation_triggers"}, warnings: warning("of release")},
		"first set":                        {key: plainKey(), cfg: Config{Triggers: triggerMap("release", "1")}, replace: []string{"rotation_triggers"}, warnings: warning("of release")},
		"{} is none":                       {key: plainKey(), cfg: Config{Triggers: triggerMap()}},
		"none is {}":                       {key: withTriggers(triggerMap()), cfg: Config{}},
		"first set on a key just imported": {key: imported, cfg: Config{Triggers: triggerMap("release", "1")}},
		"first set on an import with {}":   {key: importedWithEmpty, cfg: Config{Triggers: triggerMap("release", "1")}},
		"first set at apply on a key just imported": {key: imported, cfg: Config{Triggers: Unknown[map[string]Value[string]]()}},
	}
	for name, tc := range cases {
		tc.check(t, name)
	}
}

func TestPlanChangeRotation(t *testing.T) {
	t.Parallel()
	// A key created at now - 553h with valid_for 720h and rotate_before
	// 168h: its window opens at 2027-01-01T13:00:00Z.
	rotating := plainKey()
	rotating.ValidFor, rotating.RotateBefore = hours(720), hours(168)
	rotating.Expiry = knownAt("2027-01-08T13:00:00Z")
	noWindow := plainKey()
	noWindow.ValidFor, noWindow.Expiry = hours(1), knownAt("2027-01-01T13:00:00Z")
	fixed := plainKey()
	fixed.ValidUntil, fixed.Expiry = knownAt("2027-01-01T13:00:00Z"), knownAt("2027-01-01T13:00:00Z")
	replaced := func(why string) []string {
		return []string{"expires_at: API Key Replacement Planned: The key ak_1 will be replaced by a new one because " +
			why + ". Services that use it must be given the new key; with create_before_destroy the old key keeps " +
			"working until the new one exists."}
	}
	cases := map[string]changeCase{
		"before the window": {key: rotating, cfg: ConfigOf(rotating), now: at("2027-01-01T12:59:59Z"), expiry: rotating.Expiry},
		"the window opens": {key: rotating, cfg: ConfigOf(rotating), now: at("2027-01-01T13:00:00Z"),
			replace: []string{"expires_at"}, expiry: Unknown[time.Time](),
			warnings: replaced("it expires at 2027-01-08T13:00:00Z, within rotate_before (168h)")},
		"expired": {key: rotating, cfg: ConfigOf(rotating), now: at("2027-03-01T00:00:00Z"),
			replace: []string{"expires_at"}, expiry: Unknown[time.Time](),
			warnings: replaced("it expired at 2027-01-08T13:00:00Z")},
		"the window as planned, not as held": {key: rotating, cfg: Config{ValidFor: hours(720), RotateBefore: hours(24)},
			now: at("2027-01-01T13:00:00Z"), expiry: rotating.Expiry},
		"a window planned wider": {key: noWindow, cfg: Config{ValidFor: hours(1), RotateBefore: hours(2)},
			replace: []string{"expires_at"}, expiry: Unknown[time.Time](),
			warnings: replaced("it expires at 2027-01-01T13:00:00Z, within rotate_before (2h)")},
		"no window, a second before": {key: noWindow, cfg: ConfigOf(noWindow), now: at("2027-01-01T12:59:59Z"), expiry: noWindow.Expiry},
		"no window, at expiry": {key: noWindow, cfg: ConfigOf(noWindow), now: at("2027-01-01T13:00:00Z"),
			replace: []string{"expires_at"}, expiry: Unknown[time.Time](), warnings: replaced("it expired at 2027-01-01T13:00:00Z")},
		"never expires":      {key: plainKey(), cfg: Config{}, now: at("2099-01-01T00:00:00Z")},
		"fixed expiry ahead": {key: fixed, cfg: ConfigOf(fixed), now: at("2027-01-01T12:59:59Z"), expiry: fixed.Expiry},
		"fixed expiry passed only warns": {key: fixed, cfg: ConfigOf(fixed), now: at("2027-01-01T13:00:00Z"), expiry: fixed.Expiry,
			warnings: []string{"valid_until: API Key Expired: The key ak_1 expired at 2027-01-01T13:00:00Z (its valid_until) " +
				"and no longer works. A key is never renewed: set valid_until to a later time, or use valid_for, and " +
				"apply to replace it with a new key; until then plans leave it as it is."}},
		"another reason first": {key: rotating, cfg: Config{ValidFor: hours(24), RotateBefore: hours(168)}, now: at("2027-03-01T00:00:00Z"),
			replace: []string{"valid_for"}, expiry: rotating.Expiry},
	}
	for name, tc := range cases {
		tc.check(t, name)
	}
}
