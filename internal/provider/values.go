package provider

import (
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// scopeAPIKeys is the one scope a new key gets only when asked for.
const scopeAPIKeys = "api_keys"

func defaultScopes() []string {
	return slices.DeleteFunc(slices.Clone(client.Scopes), func(s string) bool { return s == scopeAPIKeys })
}

func scopeList() string {
	return "`" + strings.Join(client.Scopes, "`, `") + "`"
}

func isKnown(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}

func stringSet(values []string) types.Set {
	elements := make([]attr.Value, len(values))
	for i, v := range values {
		elements[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elements)
}

func rfc3339OrNull(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t.UTC())
}
