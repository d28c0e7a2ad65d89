package provider

import (
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// The rules the gateway puts on a key, checked at plan time by the
// resource, the ephemeral resource and the data sources alike.
const (
	minKeyLength = 16
	maxKeyLength = 64
	// defaultKeyLength is also the length the gateway recommends.
	defaultKeyLength = 64
	maxLabelLength   = 64
	minValidFor      = time.Minute
	minRetireAfter   = time.Minute
	// maxValidFor is two years of 365 days, so that a duration never
	// reaches past keylife.LatestExpiry.
	maxValidFor = 2 * 365 * 24 * time.Hour
)

var labelCharacters = regexp.MustCompile(`^[^\p{Cc}]*$`)

func labelValidators() []validator.String {
	return []validator.String{
		stringvalidator.UTF8LengthBetween(1, maxLabelLength),
		stringvalidator.RegexMatches(labelCharacters, "must not contain control characters"),
	}
}

func environmentValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(client.EnvironmentLive, client.EnvironmentSandbox)}
}

func lengthValidators() []validator.Number {
	return []validator.Number{wholeNumberBetween(minKeyLength, maxKeyLength), recommendedKeyLength()}
}

// scopeList names every scope, for the descriptions of the attributes that
// take one.
func scopeList() string {
	return "`" + strings.Join(client.Scopes, "`, `") + "`"
}

func permissionsValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.OneOf(client.Scopes...)),
	}
}

func keyIDValidators() []validator.String {
	return []validator.String{keyID()}
}
