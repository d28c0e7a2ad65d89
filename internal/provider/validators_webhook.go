package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The rules the gateway puts on a webhook, checked at plan time.
const maxHookFilterLength = 255

var singleLine = regexp.MustCompile(`^[^\r\n]*$`)

// hookTargetURL accepts an absolute http or https URL with a host; unlike
// the endpoint, it may carry a query.
func hookTargetURL() validator.String {
	return hookTargetURLValidator{}
}

type hookTargetURLValidator struct{}

func (hookTargetURLValidator) Description(context.Context) string {
	return "an absolute http or https URL with a host, such as \"https://receiver.example/events\""
}

func (v hookTargetURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v hookTargetURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	var problem string
	switch {
	case err != nil:
		problem = "is not a URL"
	case u.User != nil:
		// Without the value: it holds a password.
		resp.Diagnostics.AddAttributeError(req.Path, "Credentials In URL",
			fmt.Sprintf("%s carries a user name or password. Send the receiver's credentials as a header "+
				"instead (headers, which is sensitive), and change that password if the configuration has been shared.", req.Path))
		return
	case u.Scheme != "http" && u.Scheme != "https":
		problem = "does not start with http:// or https://"
	case u.Host == "":
		problem = "has no host"
	case u.Fragment != "":
		problem = "carries a fragment, which is never sent"
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
		fmt.Sprintf("%s %q %s; it must be %s.", req.Path, req.ConfigValue.ValueString(), problem, v.Description(ctx)))
}

// headerLines accepts one "Name: value" per line. Its errors name the line,
// never its value, which is usually a credential.
func headerLines() validator.String {
	return headerLinesValidator{}
}

type headerLinesValidator struct{}

func (headerLinesValidator) Description(context.Context) string {
	return `one "Name: value" header per line, names of letters, digits and !#$%&'*+-.^_` + "`" + `|~`
}

func (v headerLinesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v headerLinesValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkHeaderLines(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Headers",
			fmt.Sprintf("%s must be %s: %s. The value is not shown, since it is sensitive.", req.Path, v.Description(ctx), problem))
	}
}

// checkHeaderLines says what is wrong with headers, or "". A trailing
// newline, as a heredoc leaves it, is allowed.
func checkHeaderLines(headers string) string {
	if strings.TrimSpace(headers) == "" {
		return "it is empty; leave headers out instead"
	}
	if strings.Contains(headers, "\r") {
		return "it holds a carriage return; separate lines with \\n alone"
	}
	for i, line := range strings.Split(strings.TrimSuffix(headers, "\n"), "\n") {
		name, value, found := strings.Cut(line, ":")
		switch {
		case !found:
			return fmt.Sprintf("line %d has no colon", i+1)
		case !isHeaderToken(strings.TrimSpace(name)) || strings.TrimSpace(name) != name:
			return fmt.Sprintf("line %d does not start with a header name followed by a colon", i+1)
		case strings.TrimSpace(value) == "":
			return fmt.Sprintf("line %d has no value", i+1)
		case strings.ContainsRune(value, 0):
			return fmt.Sprintf("line %d holds a NUL character", i+1)
		}
	}
	return ""
}

func isHeaderToken(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		letterOrDigit := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !letterOrDigit && !strings.ContainsRune("!#$%&'*+-.^_`|~", r) {
			return false
		}
	}
	return true
}
