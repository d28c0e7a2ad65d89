package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validate runs a string validator on one value and returns the error
// detail, or "" when the value passes.
func validate(t *testing.T, v validator.String, value types.String) string {
	t.Helper()
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	return resp.Diagnostics.Errors()[0].Detail()
}

func TestStringValidators(t *testing.T) {
	t.Parallel()
	recipient, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		validator validator.String
		value     types.String
		wantError string // "" means valid
	}{
		{"duration ok", durationBetween(time.Minute, time.Hour), types.StringValue("30m"), ""},
		{"duration at lowest", durationBetween(time.Minute, time.Hour), types.StringValue("60s"), ""},
		{"duration at highest", durationBetween(time.Minute, time.Hour), types.StringValue("1h"), ""},
		{"duration too short", durationBetween(time.Minute, time.Hour), types.StringValue("59s"), `attr must be a duration such as "90s", "30m" or "720h", between 1m and 1h; got "59s".`},
		{"duration too long", durationBetween(time.Minute, time.Hour), types.StringValue("61m"), `between 1m and 1h; got "61m"`},
		{"duration garbage", durationBetween(time.Minute, time.Hour), types.StringValue("1 hour"), `got "1 hour"`},
		{"duration negative", durationBetween(0, time.Hour), types.StringValue("-1s"), `got "-1s"`},
		{"duration null", durationBetween(time.Minute, time.Hour), types.StringNull(), ""},
		{"duration unknown", durationBetween(time.Minute, time.Hour), types.StringUnknown(), ""},
		{"url https", httpURL(), types.StringValue("https://gateway.example/api"), ""},
		{"url http with port", httpURL(), types.StringValue("http://127.0.0.1:8787/api"), ""},
		{"url ftp", httpURL(), types.StringValue("ftp://gateway.example/api"), "does not start with http:// or https://"},
		{"url no host", httpURL(), types.StringValue("https:///api"), "has no host"},
		{"url query", httpURL(), types.StringValue("https://gateway.example/api?key=x"), "carries a query or a fragment"},
		{"url not a url", httpURL(), types.StringValue("http://[::1"), "is not a URL"},
		{"url unknown", httpURL(), types.StringUnknown(), ""},
		{"regexp ok", validRegexp(), types.StringValue("^ci-[0-9]+$"), ""},
		{"regexp broken", validRegexp(), types.StringValue("(ci"), "attr must be a regular expression in RE2 syntax: error parsing regexp: missing closing )"},
		{"regexp lookahead", validRegexp(), types.StringValue("(?=x)"), "invalid or unsupported Perl syntax"},
		{"recipient ok", ageRecipient(), types.StringValue(recipient.Recipient().String()), ""},
		{"recipient identity given", ageRecipient(), types.StringValue(recipient.String()), "attr must be an age X25519 recipient"},
		{"recipient garbage", ageRecipient(), types.StringValue("age1nope"), "attr must be an age X25519 recipient"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := validate(t, tc.validator, tc.value)
			switch {
			case tc.wantError == "" && got != "":
				t.Errorf("got error %q, want none", got)
			case tc.wantError != "" && !strings.Contains(got, tc.wantError):
				t.Errorf("got error %q, want one containing %q", got, tc.wantError)
			}
		})
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
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestEncryptToOpensWithIdentity(t *testing.T) {
	t.Parallel()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	armored, err := encryptTo(identity.Recipient(), "the-key")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(armored, "-----BEGIN AGE ENCRYPTED FILE-----") || strings.Contains(armored, "the-key") {
		t.Fatalf("not an armored age file hiding the plaintext:\n%s", armored)
	}
	plain, err := decrypt(armored, identity)
	if err != nil || plain != "the-key" {
		t.Fatalf("decrypt = %q, %v; want %q", plain, err, "the-key")
	}

	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decrypt(armored, other); err == nil {
		t.Fatal("another identity opened the file")
	}
}
