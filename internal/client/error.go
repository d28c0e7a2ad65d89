package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an answer of the gateway outside 2xx.
type APIError struct {
	StatusCode int
	Code       string // the API's error.code, "" when the body was not the contract's JSON
	Message    string
	Field      string
	RequestID  string // X-Request-Id
	Method     string
	Path       string

	// retryAfter is the raw Retry-After header, kept for the rate-limit wait.
	retryAfter string
	// refused marks seven.io's "success": false answer (see ErrRefused).
	refused bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// NotFound tells whether err is, or wraps, the gateway's answer that a key
// does not exist. A 404 without the contract's not_found code (a proxy's
// page, a wrong base URL) is not: taking it for one would make Terraform
// forget keys that still work.
func NotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Code == "not_found"
}

// ErrTimeout is wrapped by the error of a call whose last attempt ran out of
// Config.RequestTimeout.
var ErrTimeout = errors.New("request timed out")

// ErrOutcomeUnknown is wrapped by the error of a create that may have made a
// key all the same: an attempt was sent whole and then went unanswered,
// failed on the gateway's side or was abandoned, and no later answer said
// what became of it. Sending the same CreateRequest again tells.
var ErrOutcomeUnknown = errors.New("the gateway may have created it")

// Causes that no retry can cure; they end a call at once.
var (
	// ErrUnknownHost: the endpoint's host name does not exist.
	ErrUnknownHost = errors.New("the endpoint's host does not exist")
	// ErrCertificate: the endpoint's TLS certificate does not verify.
	ErrCertificate = errors.New("the endpoint's TLS certificate does not verify")
	// ErrProtocol: the endpoint does not speak the scheme it was given, such
	// as plain HTTP where https:// was asked for.
	ErrProtocol = errors.New("the endpoint does not speak the protocol of its URL")
)

// MalformedAnswerError is a 2xx answer that cannot be used: not JSON, too
// large, or without a field the contract promises. The body is never quoted,
// since a 2xx answer may hold a key and its secret.
type MalformedAnswerError struct {
	Method     string
	Path       string
	StatusCode int
	RequestID  string
	Problem    string
	// KeyID names the key that a create answer announced, when it did: the
	// key exists even though the answer is of no other use.
	KeyID string
}

func (e *MalformedAnswerError) Error() string {
	msg := fmt.Sprintf("%s %s: %d response", e.Method, e.Path, e.StatusCode)
	if e.RequestID != "" {
		msg += " (request id " + e.RequestID + ")"
	}
	return msg + ": " + e.Problem
}

// networkError marks a failure to send a request or to read its answer.
type networkError struct {
	op  string
	err error
}

func (e *networkError) Error() string { return e.op + ": " + e.err.Error() }
func (e *networkError) Unwrap() error { return e.err }

// withAttempts lets the caller tell the user that retries were tried
// already. A single attempt says nothing worth adding.
func withAttempts(err error, attempts int) error {
	if attempts < 2 {
		return err
	}
	return fmt.Errorf("%w (after %d attempts)", err, attempts)
}
