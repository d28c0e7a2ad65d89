package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
)

// providerData is what Configure hands to every resource and data source.
// client is nil while the provider's configuration is still unknown.
type providerData struct {
	client         *client.Client
	clock          clock.Clock
	requestTimeout time.Duration
	maxRetries     int
	// endpoint and the names of the settings that the endpoint and the
	// API key came from ("" for the default endpoint), for messages that
	// point at the setting to change.
	endpoint       string
	endpointSource string
	apiKeySource   string
	// ownKey recognises the key the provider is configured with, which
	// sms_revoke_api_key refuses to revoke.
	ownKey ownKey
}

// providerDataFrom checks the value Terraform passed to a resource's or data
// source's Configure. It is nil before the provider is configured (during
// validation), which is not an error.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil
	}
	return data
}

// requireClient reports whether API calls can be made, and says why not.
func (d *providerData) requireClient(diags *diag.Diagnostics) bool {
	if d != nil && d.client != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The sms provider cannot call the gateway yet: its configuration depends on values that are "+
			"only known after apply. Apply the resources that the provider block depends on first "+
			"(for example with -target), then run this again.")
	return false
}
