package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

func scopeList() string {
	return "`" + strings.Join(client.Scopes, "`, `") + "`"
}

func isKnown(v attr.Value) bool {
	return !v.IsNull() && !v.IsUnknown()
}
