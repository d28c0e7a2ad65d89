package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// The rules the gateway puts on a new key, checked at plan time by both the
// resource and the ephemeral resource.

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

func lengthValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(minKeyLength, maxKeyLength)}
}

func permissionsValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.OneOf(client.Scopes...)),
	}
}
