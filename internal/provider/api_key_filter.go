package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// keyFilterModel holds the filters that the sms_api_keys data source and
// the sms_api_key list resource share, under the same names.
type keyFilterModel struct {
	Environment types.String `tfsdk:"environment"`
	Label       types.String `tfsdk:"label"`
	LabelRegex  types.String `tfsdk:"label_regex"`
	Permission  types.String `tfsdk:"permission"`
	Expired     types.Bool   `tfsdk:"expired"`
}

// matchingKeys lists, over every page, the keys that pass every filter, in
// the gateway's order. The gateway filters by environment and label
// itself; the other filters apply here. It adds an error to diags and
// returns nil when it could not list them.
func (f keyFilterModel) matchingKeys(ctx context.Context, data *providerData, diags *diag.Diagnostics) []client.APIKey {
	// The schema validator has checked the pattern; it is compiled once,
	// before any request, and an error here is reported rather than panicked.
	var labelPattern *regexp.Regexp
	if !f.LabelRegex.IsNull() {
		var err error
		if labelPattern, err = regexp.Compile(f.LabelRegex.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("label_regex"), "Invalid Regular Expression",
				fmt.Sprintf("label_regex must be a regular expression in RE2 syntax: %s.", err))
			return nil
		}
	}

	keys, err := data.client.ListAPIKeys(ctx, client.ListAPIKeysInput{
		Environment: f.Environment.ValueString(),
		Label:       f.Label.ValueString(),
	})
	if err != nil {
		addAPIError(diags, "Unable to List API Keys", "The provider could not list the account's keys.", err, data)
		return nil
	}
	return slices.DeleteFunc(keys, func(k client.APIKey) bool {
		return (labelPattern != nil && !labelPattern.MatchString(k.Label)) ||
			(!f.Permission.IsNull() && !slices.Contains(k.Permissions, f.Permission.ValueString())) ||
			(!f.Expired.IsNull() && k.Expired != f.Expired.ValueBool())
	})
}
