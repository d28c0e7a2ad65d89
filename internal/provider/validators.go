package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationBetween accepts a Go duration string within [lowest, highest].
func durationBetween(lowest, highest time.Duration) validator.String {
	return durationValidator{lowest: lowest, highest: highest}
}

type durationValidator struct {
	lowest, highest time.Duration
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"90s\", \"30m\" or \"720h\", between %s and %s",
		formatDuration(v.lowest), formatDuration(v.highest))
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

// httpURL accepts an absolute http or https URL with a host.
func httpURL() validator.String {
	return httpURLValidator{}
}

type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "an absolute http or https URL, such as \"https://gateway.example/api\""
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkHTTPURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %q %s; it must be %s.", req.Path, req.ConfigValue.ValueString(), err, v.Description(ctx)))
	}
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("does not start with http:// or https://")
	case u.Host == "":
		return errors.New("has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("carries a query or a fragment")
	}
	return nil
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
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%s must be %s: %s.", req.Path, v.Description(ctx), err))
	}
}

// formatDuration writes whole hours and minutes as people do: 720h rather
// than Go's 720h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
