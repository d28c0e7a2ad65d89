package provider

import (
	"context"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// finding is the one diagnostic a validator reported, or none.
type finding struct {
	severity diag.Severity
	summary  string
	detail   string
	// atAttribute: Terraform shows the configuration line, and the values
	// it refers to, of a diagnostic with an attribute path.
	atAttribute bool
}

func findingOf(t *testing.T, diags diag.Diagnostics) finding {
	t.Helper()
	switch len(diags) {
	case 0:
		return finding{}
	case 1:
		_, atAttribute := diags[0].(diag.DiagnosticWithPath)
		return finding{diags[0].Severity(), diags[0].Summary(), diags[0].Detail(), atAttribute}
	}
	t.Fatalf("%d diagnostics, want at most one: %v", len(diags), diags)
	return finding{}
}

func validateString(t *testing.T, v validator.String, value types.String) finding {
	t.Helper()
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}, &resp)
	return findingOf(t, resp.Diagnostics)
}

func validateNumber(t *testing.T, v validator.Number, value types.Number) finding {
	t.Helper()
	var resp validator.NumberResponse
	v.ValidateNumber(context.Background(), validator.NumberRequest{Path: path.Root("attr"), ConfigValue: value}, &resp)
	return findingOf(t, resp.Diagnostics)
}

// check compares a finding with the wanted error, "" for none.
func (f finding) check(t *testing.T, wantError string) {
	t.Helper()
	switch {
	case wantError == "" && f.severity == diag.SeverityError:
		t.Errorf("got error %q, want none", f.detail)
	case wantError != "" && (f.severity != diag.SeverityError || !strings.Contains(f.detail, wantError)):
		t.Errorf("got %v %q, want an error containing %q", f.severity, f.detail, wantError)
	}
}

func TestStringValidators(t *testing.T) {
	t.Parallel()
	recipient := newIdentity(t)
	cases := []struct {
		name      string
		validator validator.String
		value     types.String
		wantError string // "" means valid
	}{
		{"duration ok", durationBetween(time.Minute, time.Hour), types.StringValue("30m"), ""},
		{"duration at lowest", durationBetween(time.Minute, time.Hour), types.StringValue("60s"), ""},
		{"duration at highest", durationBetween(time.Minute, time.Hour), types.StringValue("1h"), ""},
		{"duration too short", durationBetween(time.Minute, time.Hour), types.StringValue("59s"), `attr must be a duration such as "90s", "5m" or "30m", between 1m and 1h; got "59s".`},
		{"duration too long", durationBetween(time.Minute, time.Hour), types.StringValue("61m"), `between 1m and 1h; got "61m"`},
		{"duration garbage", durationBetween(time.Minute, time.Hour), types.StringValue("1 hour"), `got "1 hour"`},
		{"duration negative", durationBetween(0, time.Hour), types.StringValue("-1s"), `got "-1s"`},
		{"duration null", durationBetween(time.Minute, time.Hour), types.StringNull(), ""},
		{"duration unknown", durationBetween(time.Minute, time.Hour), types.StringUnknown(), ""},
		{"url https", endpointURL(), types.StringValue("https://gateway.example/api"), ""},
		{"url http with port", endpointURL(), types.StringValue("http://127.0.0.1:8787/api"), ""},
		{"url trailing slash", endpointURL(), types.StringValue("https://gateway.example/api/"), ""},
		{"url upper-case scheme", endpointURL(), types.StringValue("HTTPS://gateway.example/api"), ""},
		{"url ftp", endpointURL(), types.StringValue("ftp://gateway.example/api"), `attr "ftp://gateway.example/api" does not start with http:// or https://`},
		{"url no host", endpointURL(), types.StringValue("https:///api"), "has no host"},
		{"url only a port", endpointURL(), types.StringValue("http://:8787/api"), "has no host"},
		{"url without slashes", endpointURL(), types.StringValue("https:gateway.example/api"), "has no host"},
		{"url query", endpointURL(), types.StringValue("https://gateway.example/api?key=x"), "carries a query or a fragment"},
		{"url empty query", endpointURL(), types.StringValue("https://gateway.example/api?"), "carries a query or a fragment"},
		{"url empty fragment", endpointURL(), types.StringValue("https://gateway.example/api#"), "carries a query or a fragment"},
		{"url not a url", endpointURL(), types.StringValue("http://[::1"), "attr (not shown) is not a URL"},
		{"url leading space", endpointURL(), types.StringValue(" https://gateway.example/api"), `attr "https://gateway.example/api" has white space or a line break around it`},
		{"url trailing line break", endpointURL(), types.StringValue("https://gateway.example/api\n"), "has white space or a line break around it"},
		{"url space inside", endpointURL(), types.StringValue("https://gateway.example/my api"), "has white space in it"},
		{"url port too high", endpointURL(), types.StringValue("https://gateway.example:99999/api"), "has the port 99999; a port is a number from 1 to 65535"},
		{"url port zero", endpointURL(), types.StringValue("https://gateway.example:0/api"), "has the port 0"},
		{"url keys resource", endpointURL(), types.StringValue("https://gateway.example/api/api_keys"), `attr "https://gateway.example/api/api_keys" names a resource of the API rather than the API itself (/api_keys). The endpoint is the API's base URL, of the form https://HOST/api`},
		{"url keys resource slash", endpointURL(), types.StringValue("https://gateway.example/api/api_keys/"), "(/api_keys)"},
		{"url one key", endpointURL(), types.StringValue("https://gateway.example/api/api_keys/ak_1/credentials"), "(/api_keys)"},
		{"url balance", endpointURL(), types.StringValue("https://gateway.example/api/balance"), "(/balance)"},
		{"url sms", endpointURL(), types.StringValue("http://127.0.0.1:8787/api/sms"), "(/sms)"},
		{"url hooks", endpointURL(), types.StringValue("https://gateway.example/api/hooks//"), "(/hooks)"},
		{"url sms in the host", endpointURL(), types.StringValue("https://sms.example/api"), ""},
		{"url unknown", endpointURL(), types.StringUnknown(), ""},
		{"regexp ok", validRegexp(), types.StringValue("^ci-[0-9]+$"), ""},
		{"regexp broken", validRegexp(), types.StringValue("(ci"), "attr must be a regular expression in RE2 syntax: error parsing regexp: missing closing )"},
		{"regexp lookahead", validRegexp(), types.StringValue("(?=x)"), "invalid or unsupported Perl syntax"},
		{"regexp empty", validRegexp(), types.StringValue(""), "attr is empty, which would match every label"},
		{"recipient ok", ageRecipient(), types.StringValue(recipient.Recipient().String()), ""},
		{"recipient with a line break", ageRecipient(), types.StringValue(recipient.Recipient().String() + "\n"), ""},
		{"recipient damaged", ageRecipient(), types.StringValue("age1nope"), "The value of attr starts like an age recipient but is damaged or incomplete"},
		{"recipient mixed case", ageRecipient(), types.StringValue("Age1" + recipient.Recipient().String()[4:]), "damaged or incomplete"},
		{"recipient ssh key", ageRecipient(), types.StringValue("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG"), "is an SSH public key"},
		{"recipient other", ageRecipient(), types.StringValue("hello"), "The value of attr is not an age recipient. It must be an age X25519 recipient"},
		{"recipient empty", ageRecipient(), types.StringValue(""), "The value of attr is empty"},
		{"key id ok", keyID(), types.StringValue("ak_0123456789abcdefghij"), ""},
		{"key id empty", keyID(), types.StringValue(""), `attr "" is not a key id: a key id must not be empty`},
		{"key id with a slash", keyID(), types.StringValue("ak_1/credentials"), "has only letters, digits, _ and -"},
		{"key id with a space", keyID(), types.StringValue("ak 1"), "has only letters, digits, _ and -"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := validateString(t, tc.validator, tc.value)
			got.check(t, tc.wantError)
			if tc.wantError != "" && !got.atAttribute {
				t.Errorf("the error names no attribute path")
			}
		})
	}
}

// A secret given in the wrong place is refused without being repeated, and
// without an attribute path, so that Terraform does not print the
// configuration line or variable that holds it.
func TestValidatorsNeverRepeatASecret(t *testing.T) {
	t.Parallel()
	identity := newIdentity(t)
	for name, tc := range map[string]struct {
		validator validator.String
		value     string
		secret    string
		want      string
	}{
		"age identity as recipient": {ageRecipient(), identity.String(), identity.String(),
			"is an age identity (a private key); give its public recipient, age1…"},
		"age identity in lower case": {ageRecipient(), strings.ToLower(identity.String()), strings.ToLower(identity.String()),
			"is an age identity (a private key)"},
		"password in the endpoint": {endpointURL(), "https://deploy:hunter2@gateway.example/api", "hunter2",
			`attr ("https://deploy:xxxxx@gateway.example/api") carries a user name or password`},
		"password in an endpoint with a line break": {endpointURL(), "https://deploy:hunter2@gateway.example/api\n", "hunter2",
			"carries a user name or password"},
		"api key with a line break": {apiKeyCharacters(), "k3yK3yK3y\n", "k3yK3yK3y",
			"The API key taken from attr has white space or a control character in it"},
		"api key with a space inside": {apiKeyCharacters(), "k3yK3y k3y", "k3yK3y",
			"remove the rest from attr"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := validateString(t, tc.validator, types.StringValue(tc.value))
			got.check(t, tc.want)
			if got.atAttribute {
				t.Error("the error has an attribute path, so Terraform would print the value")
			}
			if strings.Contains(got.summary+got.detail, tc.secret) {
				t.Errorf("the error repeats the secret: %s", got.detail)
			}
		})
	}
}

// Every duration attribute's message suggests only values that it accepts:
// the advice of an error never leads to another error.
func TestDurationSuggestionsWithinBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	found := map[string]bool{}
	check := func(owner, name string, attribute any) {
		withValidators, ok := attribute.(interface{ StringValidators() []validator.String })
		if !ok {
			return
		}
		for _, v := range withValidators.StringValidators() {
			duration, ok := v.(durationValidator)
			if !ok {
				continue
			}
			found[owner+"."+name] = true
			examples := regexp.MustCompile(`such as (.*), between`).FindStringSubmatch(duration.Description(ctx))
			if examples == nil {
				t.Errorf("%s.%s: no suggestion in %q", owner, name, duration.Description(ctx))
				continue
			}
			suggested := regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(examples[1], -1)
			if len(suggested) == 0 {
				t.Errorf("%s.%s: no suggestion in %q", owner, name, duration.Description(ctx))
			}
			for _, s := range suggested {
				var resp validator.StringResponse
				duration.ValidateString(ctx, validator.StringRequest{Path: path.Root(name), ConfigValue: types.StringValue(s[1])}, &resp)
				if resp.Diagnostics.HasError() {
					t.Errorf("%s.%s suggests %q, which it refuses: %v", owner, name, s[1], resp.Diagnostics)
				}
			}
		}
	}

	var providerSchema provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &providerSchema)
	for name, a := range providerSchema.Schema.Attributes {
		check("provider", name, a)
	}
	var resourceSchema resource.SchemaResponse
	newAPIKeyResource().Schema(ctx, resource.SchemaRequest{}, &resourceSchema)
	for name, a := range resourceSchema.Schema.Attributes {
		check("sms_api_key", name, a)
	}
	for _, newEphemeral := range []func() ephemeral.EphemeralResource{newAPIKeyEphemeralResource, newAPIKeyCredentialsEphemeralResource} {
		var schema ephemeral.SchemaResponse
		var metadata ephemeral.MetadataResponse
		e := newEphemeral()
		e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "sms"}, &metadata)
		e.Schema(ctx, ephemeral.SchemaRequest{}, &schema)
		for name, a := range schema.Schema.Attributes {
			check("ephemeral "+metadata.TypeName, name, a)
		}
	}
	for _, newDataSource := range []func() datasource.DataSource{newAPIKeysDataSource, newAPIKeyDataSource} {
		var schema datasource.SchemaResponse
		var metadata datasource.MetadataResponse
		d := newDataSource()
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "sms"}, &metadata)
		d.Schema(ctx, datasource.SchemaRequest{}, &schema)
		for name, a := range schema.Schema.Attributes {
			check("data "+metadata.TypeName, name, a)
		}
	}
	for _, want := range []string{"provider.request_timeout", "sms_api_key.valid_for", "sms_api_key.rotate_before",
		"sms_api_key.retire_after", "ephemeral sms_api_key.valid_for"} {
		if !found[want] {
			t.Errorf("no duration validator found on %s: the test checks less than it claims (found %v)", want, found)
		}
	}

	// The bounds themselves, when no example fits between them.
	narrow := durationBetween(2*time.Second, 3*time.Second)
	if got, want := narrow.Description(ctx), `a duration such as "2s" or "3s", between 2s and 3s`; got != want {
		t.Errorf("narrow range: %q, want %q", got, want)
	}
}

func TestNumberValidators(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		value       types.Number
		wantError   string
		wantWarning string
	}{
		"default":   {value: types.NumberValue(big.NewFloat(64))},
		"shortest":  {value: types.NumberValue(big.NewFloat(16)), wantWarning: "A key of 16 characters is easier to guess than one of 64"},
		"short":     {value: types.NumberValue(big.NewFloat(32)), wantWarning: "The gateway recommends 64 characters unless a client cannot take them"},
		"fraction":  {value: types.NumberValue(big.NewFloat(32.5)), wantError: "attr must be a whole number from 16 to 64; got 32.5."},
		"too short": {value: types.NumberValue(big.NewFloat(15)), wantError: "got 15."},
		"too long":  {value: types.NumberValue(big.NewFloat(65)), wantError: "got 65."},
		"huge":      {value: types.NumberValue(big.NewFloat(1e300)), wantError: "got 1e+300."},
		"null":      {value: types.NumberNull()},
		"unknown":   {value: types.NumberUnknown()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			for _, v := range lengthValidators() {
				var resp validator.NumberResponse
				v.ValidateNumber(context.Background(), validator.NumberRequest{Path: path.Root("attr"), ConfigValue: tc.value}, &resp)
				diags.Append(resp.Diagnostics...)
			}
			errs, warnings := diags.Errors(), diags.Warnings()
			switch {
			case tc.wantError == "" && len(errs) > 0:
				t.Errorf("errors %v, want none", errs)
			case tc.wantError != "" && (len(errs) != 1 || !strings.Contains(errs[0].Detail(), tc.wantError)):
				t.Errorf("errors %v, want one containing %q", errs, tc.wantError)
			case tc.wantWarning == "" && len(warnings) > 0:
				t.Errorf("warnings %v, want none", warnings)
			case tc.wantWarning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), tc.wantWarning)):
				t.Errorf("warnings %v, want one containing %q", warnings, tc.wantWarning)
			}
		})
	}
	if got := validateNumber(t, wholeNumberBetween(1, 2), types.NumberValue(big.NewFloat(1.5))); !got.atAttribute {
		t.Error("the error names no attribute path")
	}
}

func TestEncryptToOpensWithIdentity(t *testing.T) {
	t.Parallel()
	identity := newIdentity(t)
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

	other := newIdentity(t)
	if _, err := decrypt(armored, other); err == nil {
		t.Fatal("another identity opened the file")
	}
}
