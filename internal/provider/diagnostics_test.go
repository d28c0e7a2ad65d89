package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// Every cause the client can report gets its own advice; each case is one
// branch of remedy.
func TestRemedyNamesTheCause(t *testing.T) {
	t.Parallel()
	data := &providerData{requestTimeout: 30 * time.Second, maxRetries: 5, endpoint: "https://gateway.example/api/v2",
		endpointSource: "endpoint", apiKeySource: envAPIKeySeven}
	apiError := func(status int, code, field string) error {
		return fmt.Errorf("wrapped: %w", &client.APIError{StatusCode: status, Code: code, Field: field,
			Message: "the gateway's words", RequestID: "req_123", Method: "POST", Path: "/api_keys"})
	}
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"interrupted":             {fmt.Errorf("POST /api_keys: %w", context.Canceled), "The run was interrupted before the gateway answered."},
		"out of time":             {fmt.Errorf("POST /api_keys: %w", context.DeadlineExceeded), "Terraform's time for this operation ran out"},
		"unknown host":            {fmt.Errorf("GET /x: %w: no such host gateway.invalid", client.ErrUnknownHost), "The endpoint's host name does not exist. Check endpoint \"https://gateway.example/api/v2\" in the provider block for a typo"},
		"bad certificate":         {fmt.Errorf("GET /x: %w: x509", client.ErrCertificate), "The endpoint's TLS certificate does not verify"},
		"wrong protocol":          {fmt.Errorf("GET /x: %w", client.ErrProtocol), "Check http:// against https://"},
		"timeout":                 {fmt.Errorf("GET /x: %w: no answer within 30s", client.ErrTimeout), "did not answer within request_timeout (30s), 5 retries included"},
		"malformed answer":        {&client.MalformedAnswerError{Method: "GET", Path: "/x", StatusCode: 200, RequestID: "req_9", Problem: "the answer names no key id"}, "The gateway's answer could not be used"},
		"network":                 {errors.New("GET /x: request failed: connection refused"), "The gateway could not be reached"},
		"unauthorized":            {apiError(401, "unauthorized", ""), "did not accept the provider's API key: it is unknown, deleted or expired. Check the SEVEN_API_KEY environment variable."},
		"reveal disabled":         {apiError(403, "reveal_disabled", ""), "The account has turned reading keys again off"},
		"forbidden":               {apiError(403, "forbidden", ""), "The provider's API key may not do this"},
		"unknown path":            {apiError(404, "unknown_path", ""), "so the endpoint is probably wrong. Check endpoint \"https://gateway.example/api/v2\" in the provider block: it must be the API's base URL, of the form https://HOST/api"},
		"proxy 404":               {apiError(404, "", ""), "so the endpoint is probably wrong"},
		"method not allowed":      {apiError(405, "method_not_allowed", ""), "so the endpoint is probably wrong"},
		"not found":               {apiError(404, "not_found", ""), "The key does not exist in this account"},
		"quota":                   {apiError(409, "key_quota_exceeded", ""), "already holds as many keys that still work as it may. Expired keys do not count"},
		"quota, counted":          {&quotaError{err: apiError(409, "key_quota_exceeded", ""), working: 100}, "as it may: 100 of them. Expired keys do not count"},
		"quota, count failed":     {&quotaError{err: apiError(409, "key_quota_exceeded", ""), countErr: context.Canceled}, "the provider could not count them (context canceled). Expired keys"},
		"field rejected":          {apiError(422, "validation_failed", "label"), `The gateway rejected the value of "label"`},
		"rate limited":            {apiError(429, "rate_limited", ""), "Run with a lower -parallelism"},
		"server error":            {apiError(503, "internal", ""), "failed with a server error, 5 retries included"},
		"other refusal":           {apiError(400, "invalid_json", ""), "The gateway rejected the request."},
		"unprocessable, no field": {apiError(422, "idempotency_key_reused", ""), "The gateway rejected the request."},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := remedy(tc.err, data); !strings.Contains(got, tc.want) {
				t.Errorf("remedy = %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

// The advice names the setting that the endpoint or key came from.
func TestRemedyNamesTheSetting(t *testing.T) {
	t.Parallel()
	notFound := &client.APIError{StatusCode: 404, Message: "unexpected text/html response: Not Found"}
	unauthorized := &client.APIError{StatusCode: 401, Code: "unauthorized"}
	for name, tc := range map[string]struct {
		data *providerData
		err  error
		want string
	}{
		"endpoint from the environment": {&providerData{endpoint: "https://gw.example/v1", endpointSource: envEndpoint}, notFound,
			`Check the SMS_ENDPOINT environment variable, "https://gw.example/v1": it must be`},
		"default endpoint": {&providerData{endpoint: client.DefaultEndpoint}, notFound,
			`Check the default endpoint "https://gateway.seven.io/api"`},
		"key from the provider block": {&providerData{apiKeySource: "api_key"}, unauthorized, "Check api_key in the provider block."},
		"key from SMS_API_KEY":        {&providerData{apiKeySource: envAPIKey}, unauthorized, "Check the SMS_API_KEY environment variable."},
	} {
		if got := remedy(tc.err, tc.data); !strings.Contains(got, tc.want) {
			t.Errorf("%s: remedy = %q, want it to contain %q", name, got, tc.want)
		}
	}
}

// The detail says what was attempted, then the advice, then the gateway's
// own words and its request id, or the error itself when there were none.
func TestAPIErrorDetail(t *testing.T) {
	t.Parallel()
	data := &providerData{requestTimeout: time.Second, maxRetries: 1}
	withAnswer := apiErrorDetail("The provider could not read the key ak_1.",
		&client.APIError{StatusCode: 409, Code: "key_quota_exceeded", Message: "100 keys", RequestID: "req_7"}, data)
	if want := "The provider could not read the key ak_1. The account already holds as many keys that still work as " +
		"it may. " + quotaAdvice + "\n\nThe gateway answered 409 key_quota_exceeded: 100 keys (request id req_7)."; withAnswer != want {
		t.Errorf("detail = %q\nwant     %q", withAnswer, want)
	}
	bare := apiErrorDetail("Doing.", &client.APIError{StatusCode: 502}, data)
	if !strings.HasSuffix(bare, "\n\nThe gateway answered 502.") {
		t.Errorf("detail = %q, want the bare status last", bare)
	}
	withoutAnswer := apiErrorDetail("Doing.", errors.New("GET /x: request failed: EOF"), data)
	if !strings.HasSuffix(withoutAnswer, "\n\nError: GET /x: request failed: EOF") {
		t.Errorf("detail = %q, want the error last", withoutAnswer)
	}
}
