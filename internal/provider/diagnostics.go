package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/keylife"
)

// addAPIError reports a failed call to the gateway: what the provider was
// doing, what the user can do about it, and last the gateway's own words
// with the request id that its support will ask for.
func addAPIError(diags *diag.Diagnostics, summary, doing string, err error, data *providerData) {
	diags.AddError(summary, apiErrorDetail(doing, err, data))
}

func apiErrorDetail(doing string, err error, data *providerData) string {
	var detail strings.Builder
	detail.WriteString(doing)
	detail.WriteString(" ")
	detail.WriteString(remedy(err, data))

	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(&detail, "\n\nThe gateway answered %d", apiErr.StatusCode)
		if apiErr.Code != "" {
			fmt.Fprintf(&detail, " %s", apiErr.Code)
		}
		if apiErr.Message != "" {
			fmt.Fprintf(&detail, ": %s", apiErr.Message)
		}
		if apiErr.RequestID != "" {
			fmt.Fprintf(&detail, " (request id %s)", apiErr.RequestID)
		}
		detail.WriteString(".")
	} else {
		fmt.Fprintf(&detail, "\n\nError: %s", err)
	}
	return detail.String()
}

// remedy says what went wrong, from the cause the client found, and what
// the user can do. The order matters: an interrupt or a cause no retry
// cures explains the error better than the last status seen.
func remedy(err error, data *providerData) string {
	var apiErr *client.APIError
	var malformed *client.MalformedAnswerError
	var quota *quotaError
	switch {
	case errors.Is(err, context.Canceled):
		return "The run was interrupted before the gateway answered."
	case errors.Is(err, context.DeadlineExceeded):
		return "Terraform's time for this operation ran out before the gateway answered."
	case errors.Is(err, client.ErrUnknownHost):
		return "The endpoint's host name does not exist. Check " + data.endpointSetting() + " for a typo; it " +
			"is the API's base URL, such as " + client.DefaultEndpoint + "."
	case errors.Is(err, client.ErrCertificate):
		return "The endpoint's TLS certificate does not verify, so the provider did not send its key there. " +
			"Check that endpoint names the gateway itself, and not a host or proxy that presents another certificate."
	case errors.Is(err, client.ErrProtocol):
		return "The endpoint does not speak the protocol its URL names. Check http:// against https:// in " +
			data.endpointSetting() + "."
	case errors.Is(err, client.ErrTimeout):
		return fmt.Sprintf("The gateway did not answer within request_timeout (%s), %d retries included. "+
			"Raise request_timeout or max_retries in the provider block, or check that the endpoint is "+
			"reachable and healthy.", keylife.FormatDuration(data.requestTimeout), data.maxRetries)
	case errors.As(err, &malformed):
		return "The gateway's answer could not be used. This is a fault of the gateway or of a proxy in " +
			"between; try again, and give the request id to the gateway's support if it happens again."
	case errors.As(err, &quota):
		return quota.remedy()
	case !errors.As(err, &apiErr):
		return "The gateway could not be reached. Check " + data.endpointSetting() + " and the network, " +
			"then try again."
	}
	return statusRemedy(apiErr, data)
}

func statusRemedy(apiErr *client.APIError, data *providerData) string {
	switch {
	case errors.Is(apiErr, client.ErrMissingScope):
		return "The provider's API key may not use this endpoint: webhooks need a key with the hooks scope. " +
			"Use such a key in api_key (or " + envAPIKey + ")."
	case errors.Is(apiErr, client.ErrRefused):
		return "The gateway refused the request; its reason follows. Correct the configuration and apply again."
	case apiErr.StatusCode == http.StatusUnauthorized, errors.Is(apiErr, client.ErrUnknownKey):
		return "The gateway did not accept the provider's API key: it is unknown, deleted or expired. " +
			"Check " + data.apiKeySetting() + "."
	case apiErr.Code == "reveal_disabled":
		return "The account has turned reading keys again off (a security setting in the gateway's web " +
			"app), so the gateway shows a key only when it is created."
	case apiErr.StatusCode == http.StatusForbidden:
		return "The provider's API key may not do this. Managing keys needs the api_keys scope, a key can " +
			"grant only scopes that it holds itself, a sandbox key can create only sandbox keys, and a key " +
			"can read only keys with no more scopes than its own. Use a key with more rights, or ask for less."
	case apiErr.StatusCode == http.StatusMethodNotAllowed,
		apiErr.StatusCode == http.StatusNotFound && apiErr.Code != "not_found":
		return fmt.Sprintf("The gateway has no such resource there, so the endpoint is probably wrong. Check %s: "+
			"it must be the API's base URL, of the form https://HOST/api, such as %s.",
			data.endpointSetting(), client.DefaultEndpoint)
	case apiErr.StatusCode == http.StatusNotFound:
		return "The key does not exist in this account: it was deleted, or the id belongs to another account."
	case apiErr.Code == codeKeyQuotaExceeded:
		return "The account already holds as many keys that still work as it may. " + quotaAdvice
	case apiErr.StatusCode == http.StatusUnprocessableEntity && apiErr.Field != "":
		return fmt.Sprintf("The gateway rejected the value of %q. Correct it in the configuration.", apiErr.Field)
	case apiErr.StatusCode == http.StatusTooManyRequests:
		return "The gateway kept asking the provider to slow down for longer than it waits. Run with a " +
			"lower -parallelism, or try again later."
	case apiErr.StatusCode >= http.StatusInternalServerError:
		return fmt.Sprintf("The gateway failed with a server error, %d retries included. Try again later, "+
			"or raise max_retries in the provider block.", data.maxRetries)
	default:
		return "The gateway rejected the request."
	}
}

const codeKeyQuotaExceeded = "key_quota_exceeded"

// quotaAdvice is what to do about a full account. Expired keys stay listed
// for 30 days but hold no slot, so the advice points at working keys only.
const quotaAdvice = "Expired keys do not count, however many the account lists; only keys that still work do. " +
	"List those with the sms_api_keys data source and expired = false, then retire or delete the ones that " +
	"nothing uses (a retired key stops counting once it expires), and apply again."

// quotaError is a create refused by the quota, with the number of the
// account's keys that still work, or why they could not be counted.
type quotaError struct {
	err      error // the gateway's refusal
	working  int
	countErr error // nil when working is the count
}

func (e *quotaError) Error() string { return e.err.Error() }

// Unwrap gives the refusal only: a count that failed, even by an
// interrupt, does not change what happened to the create.
func (e *quotaError) Unwrap() error { return e.err }

func (e *quotaError) remedy() string {
	if e.countErr != nil {
		return fmt.Sprintf("The account already holds as many keys that still work as it may; the provider could "+
			"not count them (%s). %s", e.countErr, quotaAdvice)
	}
	return fmt.Sprintf("The account already holds as many keys that still work as it may: %d of them. %s",
		e.working, quotaAdvice)
}

// apiKeySetting names where the provider's key came from.
func (d *providerData) apiKeySetting() string {
	if d == nil || d.apiKeySource == "" {
		return "api_key in the provider block, or the " + envAPIKey + " environment variable"
	}
	if d.apiKeySource == "api_key" {
		return "api_key in the provider block"
	}
	return sourceName(d.apiKeySource)
}

// endpointSetting names the endpoint the provider called and where it came
// from. A URL with user info never gets this far.
func (d *providerData) endpointSetting() string {
	switch {
	case d == nil || d.endpoint == "":
		return "endpoint in the provider block (or " + envEndpoint + ")"
	case d.endpointSource == "":
		return fmt.Sprintf("the default endpoint %q", d.endpoint)
	case d.endpointSource == "endpoint":
		return fmt.Sprintf("endpoint %q in the provider block", d.endpoint)
	}
	return fmt.Sprintf("%s, %q", sourceName(d.endpointSource), d.endpoint)
}
