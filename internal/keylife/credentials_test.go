package keylife

import (
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestCredentialsFor(t *testing.T) {
	t.Parallel()
	for recipient, want := range map[Value[string]]Credentials{
		Null[string]():    CredentialsPlain,
		Known("age1x"):    CredentialsEncrypted,
		Unknown[string](): CredentialsEither,
	} {
		if got := CredentialsFor(recipient); got != want {
			t.Errorf("CredentialsFor(%+v) = %v, want %v", recipient, got, want)
		}
	}
}

func TestPlanChangeCredentials(t *testing.T) {
	t.Parallel()
	key := func(held Held, recipient Value[string], revealable bool) Key {
		return Key{ID: "ak_1", Held: held, Recipient: recipient, Revealable: revealable}
	}
	const replaced = "encryption_recipient: API Key Replacement Planned: The key ak_1 will be replaced by a new one " +
		"because encryption_recipient changed: state holds it only encrypted to the old recipient, and the gateway " +
		"does not let the provider's key read it again to encrypt it anew (the key's revealable is false)."
	cases := map[string]struct {
		key       Key
		recipient Value[string]
		want      Credentials
		replace   bool
	}{
		"plain, unchanged":                           {key(HeldPlain, Null[string](), false), Null[string](), CredentialsHeld, false},
		"encrypted, unchanged":                       {key(HeldEncrypted, Known("age1a"), false), Known("age1a"), CredentialsHeld, false},
		"white space around is no change":            {key(HeldEncrypted, Known("age1a\n"), false), Known(" age1a"), CredentialsHeld, false},
		"plain, recipient set: encrypted from state": {key(HeldPlain, Null[string](), false), Known("age1a"), CredentialsEncrypted, false},
		"plain, recipient at apply":                  {key(HeldPlain, Null[string](), false), Unknown[string](), CredentialsEither, false},
		"encrypted, changed, revealable":             {key(HeldEncrypted, Known("age1a"), true), Known("age1b"), CredentialsEncrypted, false},
		"encrypted, removed, revealable":             {key(HeldEncrypted, Known("age1a"), true), Null[string](), CredentialsPlain, false},
		"encrypted, changed, not revealable":         {key(HeldEncrypted, Known("age1a"), false), Known("age1b"), CredentialsHeld, true},
		"encrypted, removed, not revealable":         {key(HeldEncrypted, Known("age1a"), false), Null[string](), CredentialsHeld, true},
		"encrypted, at apply, not revealable":        {key(HeldEncrypted, Known("age1a"), false), Unknown[string](), CredentialsHeld, true},
		"imported, revealable: read at apply":        {key(HeldNone, Null[string](), true), Null[string](), CredentialsPlain, false},
		"imported, revealable, with a recipient":     {key(HeldNone, Null[string](), true), Known("age1a"), CredentialsEncrypted, false},
		"imported, not revealable: stays null":       {key(HeldNone, Null[string](), false), Known("age1a"), CredentialsHeld, false},
	}
	for name, tc := range cases {
		p := PlanChange(tc.key, Config{Recipient: tc.recipient}, now)
		if p.Credentials != tc.want {
			t.Errorf("%s: credentials %v, want %v", name, p.Credentials, tc.want)
		}
		wantWarnings := ""
		if tc.replace {
			wantWarnings = replaced
		}
		if got := details(p.Warnings); got != wantWarnings || (len(p.Replacements) == 1) != tc.replace {
			t.Errorf("%s: replaced for %v with %q, want replaced %v", name, attributes(p.Replacements), got, tc.replace)
		}
	}
}

func TestSourceOf(t *testing.T) {
	t.Parallel()
	for held, want := range map[Held]Source{HeldPlain: FromState, HeldEncrypted: FromGateway, HeldNone: FromGateway} {
		if got := SourceOf(Key{Held: held, Revealable: true}); got != want {
			t.Errorf("SourceOf(held %v) = %v, want %v", held, got, want)
		}
	}
}

func TestImportedCredentials(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		notice          Notice
		summary, detail string
	}{
		"revealable": {ImportedCredentials("ak_1", true, ""), "Imported API Key Secret Read On Apply", "The key " +
			"ak_1 is imported without its key and secret, which the gateway shows again: the apply that completes " +
			"this import reads them (after an import command, the next apply) and keeps them as the configuration " +
			"says, encrypted when encryption_recipient is set, so that they never reach state in the clear."},
		"not revealable": {ImportedCredentials("ak_1", false, "the account has turned reading keys again off"),
			"API Key Secret Not Imported", "The key and secret of the imported key ak_1 stay null in state: the " +
				"account has turned reading keys again off. If a service needs them, issue a new key with `terraform " +
				"apply -replace=<address>`."},
	}
	for name, tc := range cases {
		if tc.notice.Summary != tc.summary || tc.notice.Detail != tc.detail || tc.notice.Attribute != "" {
			t.Errorf("%s: %+v\nwant %s: %s", name, tc.notice, tc.summary, tc.detail)
		}
	}
}
