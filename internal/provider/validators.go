package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// durationBetween accepts a Go duration string within [lowest, highest].
func durationBetween(lowest, highest time.Duration) validator.String {
	return durationValidator{lowest: lowest, highest: highest}
}

type durationValidator struct {
	lowest, highest time.Duration
}

func (v durationValidator) Description(context.Context) string {
	quoted := make([]string, 0, 3)
	for _, example := range v.examples() {
		quoted = append(quoted, strconv.Quote(example))
	}
	such := strings.Join(quoted, " or ")
	if len(quoted) > 2 {
		such = strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	}
	return fmt.Sprintf("a duration such as %s, between %s and %s", such, keylife.FormatDuration(v.lowest), keylife.FormatDuration(v.highest))
}

// durationExamples are what a duration's message may suggest, in the order
// preferred; only those within the attribute's range are shown.
var durationExamples = []string{"90s", "30m", "720h", "30s", "5m", "24h", "2h"}

// examples returns up to three suggestions within [lowest, highest],
// shortest first; the bounds themselves where no example fits.
func (v durationValidator) examples() []string {
	type example struct {
		text     string
		duration time.Duration
	}
	var fit []example
	for _, text := range durationExamples {
		d, _ := time.ParseDuration(text)
		if d >= v.lowest && d <= v.highest && len(fit) < 3 {
			fit = append(fit, example{text, d})
		}
	}
	if len(fit) == 0 {
		fit = append(fit, example{keylife.FormatDuration(v.lowest), v.lowest})
		if v.highest != v.lowest {
			fit = append(fit, example{keylife.FormatDuration(v.highest), v.highest})
		}
	}
	slices.SortFunc(fit, func(a, b example) int { return cmp.Compare(a.duration, b.duration) })
	texts := make([]string, len(fit))
	for i, e := range fit {
		texts[i] = e.text
	}
	return texts
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(raw)
	if err != nil || d < v.lowest || d > v.highest {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s must be %s; got %q.", req.Path, v.Description(ctx), raw))
	}
}

// endpointURL accepts the gateway's base URL (see checkEndpoint). Whether
// plain http is allowed depends on allow_insecure_http as well, and is
// checked by the provider's ValidateConfig.
func endpointURL() validator.String {
	return endpointURLValidator{}
}

type endpointURLValidator struct{}

func (endpointURLValidator) Description(context.Context) string {
	return "the API's base URL, such as \"" + client.DefaultEndpoint + "\""
}

func (v endpointURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v endpointURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	shown, err := checkEndpoint(req.ConfigValue.ValueString())
	switch {
	case errors.Is(err, errUserInfo):
		// Without an attribute path, so that Terraform does not print the
		// configuration line, or the variable's value, that holds it.
		resp.Diagnostics.AddError("Credentials In URL",
			fmt.Sprintf("%s (%s) carries a user name or password. The gateway takes its key from api_key, "+
				"never from the URL: remove the user info from %s, and change that password if the "+
				"configuration has been shared.", req.Path, shown, req.Path))
	case errors.Is(err, errResourcePath):
		resp.Diagnostics.AddAttributeError(req.Path, "Endpoint Names A Resource",
			fmt.Sprintf("%s %s %s. %s", req.Path, shown, err, endpointRemedy(err)))
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s %s. %s", req.Path, shown, err, endpointRemedy(err)))
	}
}

// apiKeyCharacters refuses a provider key with white space or control
// characters, which no key of the gateway has; most often a line break
// that came along from a file.
func apiKeyCharacters() validator.String {
	return apiKeyCharactersValidator{}
}

type apiKeyCharactersValidator struct{}

func (apiKeyCharactersValidator) Description(context.Context) string {
	return "a key without white space or control characters"
}

func (v apiKeyCharactersValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (apiKeyCharactersValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !hasSpaceOrControl(req.ConfigValue.ValueString()) {
		return
	}
	// Without an attribute path and without the key: Terraform would
	// print the configuration line that holds it.
	resp.Diagnostics.AddError("Invalid API Key", invalidAPIKeyDetail(req.Path.String()))
}

// validRegexp accepts a pattern that Go's RE2 engine compiles.
func validRegexp() validator.String {
	return regexpValidator{}
}

type regexpValidator struct{}

func (regexpValidator) Description(context.Context) string {
	return "a regular expression in RE2 syntax"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v regexpValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty Regular Expression",
			fmt.Sprintf("%s is empty, which would match every label; remove %s to list every key.", req.Path, req.Path))
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%s must be %s: %s.", req.Path, v.Description(ctx), err))
	}
}

// wholeNumberBetween accepts a whole number within [lowest, highest]. It
// serves number attributes that hold integers, so that 32.5 is an error
// that names the attribute rather than a conversion error.
func wholeNumberBetween(lowest, highest int64) validator.Number {
	return wholeNumberValidator{lowest: lowest, highest: highest}
}

type wholeNumberValidator struct {
	lowest, highest int64
}

func (v wholeNumberValidator) Description(context.Context) string {
	return fmt.Sprintf("a whole number from %d to %d", v.lowest, v.highest)
}

func (v wholeNumberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v wholeNumberValidator) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	if !n.IsInt() || n.Cmp(big.NewFloat(float64(v.lowest))) < 0 || n.Cmp(big.NewFloat(float64(v.highest))) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Number",
			fmt.Sprintf("%s must be %s; got %s.", req.Path, v.Description(ctx), n.Text('g', -1)))
	}
}

// recommendedKeyLength warns about keys shorter than the gateway
// recommends; they remain allowed for clients that cannot take 64
// characters.
func recommendedKeyLength() validator.Number {
	return recommendedKeyLengthValidator{}
}

type recommendedKeyLengthValidator struct{}

func (recommendedKeyLengthValidator) Description(context.Context) string {
	return fmt.Sprintf("%d characters are recommended", maxKeyLength)
}

func (v recommendedKeyLengthValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (recommendedKeyLengthValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	if n.IsInt() && n.Cmp(big.NewFloat(maxKeyLength)) < 0 && n.Cmp(big.NewFloat(minKeyLength)) >= 0 {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Short API Key",
			fmt.Sprintf("A key of %s characters is easier to guess than one of %d. The gateway recommends %d "+
				"characters unless a client cannot take them; keep %s only for such a client.",
				n.Text('g', -1), maxKeyLength, maxKeyLength, req.Path))
	}
}

// keyID accepts what the gateway issues as a key id (see client.CheckKeyID).
func keyID() validator.String {
	return keyIDValidator{}
}

type keyIDValidator struct{}

func (keyIDValidator) Description(context.Context) string {
	return fmt.Sprintf("a key id such as \"ak_0123456789abcdefghij\": 1 to %d letters, digits, _ and -", client.MaxKeyIDLength)
}

func (v keyIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v keyIDValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.CheckKeyID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Key ID", invalidKeyIDDetail(req.Path.String(), req.ConfigValue.ValueString(), err))
	}
}

// invalidKeyIDDetail explains a key id that the gateway never issues. The
// id is quoted: it names a key and grants nothing.
func invalidKeyIDDetail(attribute, id string, err error) string {
	return fmt.Sprintf("%s %q is not a key id: %s. The gateway's ids look like \"ak_0123456789abcdefghij\"; "+
		"the sms_api_keys data source lists them.", attribute, id, err)
}
