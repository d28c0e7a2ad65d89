package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

// request is one call of the API. Its body is marshalled once by the caller
// so that every attempt sends the same bytes.
type request struct {
	method string
	path   string // below the endpoint, with its query
	// logged stands for path in logs and errors where the query holds
	// what they must not show; "": path.
	logged         string
	body           []byte // nil: none
	idempotencyKey string // "": none
	// untimed attempts are bounded by the caller's context alone.
	untimed bool
	// form sends body as a form (application/x-www-form-urlencoded)
	// rather than JSON.
	form bool
	// seven marks a call of seven.io's own API (/hooks), which answers
	// errors in its own way (see decodeSevenResponse).
	seven bool
	// lookup, set on a create that carries no Idempotency-Key, tells after
	// an attempt that may have taken effect whether it did: found means it
	// did, and lookup keeps what it found for the caller; otherwise nothing
	// was made and the create may be sent again.
	lookup func(ctx context.Context) (found bool, err error)
}

// where is the path as logs and errors show it.
func (r request) where() string {
	if r.logged != "" {
		return r.logged
	}
	return r.path
}

// retryable tells whether sending req twice is harmless: every method of the
// contract but POST is idempotent, and a POST is when the server can match
// the repeat to the first by its Idempotency-Key, or when the caller can
// find out whether an attempt took effect before the next one goes.
func (r request) retryable() bool {
	return r.method != http.MethodPost || r.idempotencyKey != "" || r.lookup != nil
}

// answer is what a caller needs to describe a 2xx answer that decoded but
// is of no use: its status and request id.
type answer struct {
	status    int
	requestID string
}

func (a answer) malformed(req request, problem, keyID string) error {
	return &MalformedAnswerError{Method: req.method, Path: req.where(), StatusCode: a.status,
		RequestID: a.requestID, Problem: problem, KeyID: keyID}
}

// do sends req until it is answered, retrying what is transient, and
// decodes a 2xx answer into out (nil: ignored).
func (c *Client) do(ctx context.Context, req request, out any) (answer, error) {
	var (
		attempts, retries, rateLimited int
		rateLimitSpent                 time.Duration
		// uncertain says that an attempt reached the gateway whole and no
		// later answer settled what it did: only a POST cares.
		uncertain bool
	)
	fail := func(err error) error {
		if uncertain && req.method == http.MethodPost {
			err = fmt.Errorf("%w; %w", err, ErrOutcomeUnknown)
		}
		return withAttempts(err, attempts)
	}
	for {
		attempts++
		sent, got, err := c.attempt(ctx, req, attempts, out)
		if err == nil {
			return got, nil
		}
		uncertain = outcomeStillOpen(err, sent, uncertain)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return answer{}, fail(fmt.Errorf("%s %s: %w", req.method, req.where(), ctxErr))
		}

		var wait time.Duration
		var reason string
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
			// A 429 was not acted on, so even a plain POST may go again; it is
			// bounded by time, not by MaxRetries, as the server says when.
			var ok bool
			if wait, ok = c.rateLimitDelay(apiErr.retryAfter, rateLimited, rateLimitSpent); !ok {
				return answer{}, fail(err)
			}
			rateLimited++
			rateLimitSpent += wait
			reason = "rate limited"
		} else {
			if uncertain && req.lookup != nil {
				// Asked before any retry, and before giving up, so that a
				// create that did take effect is never sent twice nor lost.
				found, lookupErr := req.lookup(ctx)
				switch {
				case lookupErr != nil:
					return answer{}, fail(fmt.Errorf("%w; looking for what it made: %w", err, lookupErr))
				case found:
					return answer{}, nil
				}
				uncertain = false
			}
			reason = transientReason(err)
			if reason == "" || !req.retryable() || retries >= c.maxRetries {
				return answer{}, fail(err)
			}
			wait = c.backoff(retries)
			retries++
		}

		c.logf(ctx, "gateway retry wait", map[string]any{
			"method":  req.method,
			"path":    req.where(),
			"attempt": attempts,
			"reason":  reason,
			"wait_ms": wait.Milliseconds(),
		})
		if err := c.sleep(ctx, wait); err != nil {
			return answer{}, fail(fmt.Errorf("%s %s: %w", req.method, req.where(), err))
		}
	}
}

// outcomeStillOpen returns whether the outcome of an idempotent create is
// still open after an attempt that failed with err: a request sent whole
// may have been carried out unless the gateway refused it (see
// RefusedCreate); an answer that comes before the gateway looks at the
// Idempotency-Key (401, 403, 429), or none at all, leaves the question
// where it was.
func outcomeStillOpen(err error, sent, uncertain bool) bool {
	var apiErr *APIError
	switch {
	case RefusedCreate(err):
		return false
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return true
	case errors.As(err, &apiErr):
		return uncertain
	}
	return uncertain || sent
}

// RefusedCreate tells whether err is the gateway's refusal of a create for
// what it asked (400, 409, 422): the gateway looks at the Idempotency-Key
// before those rules and would have answered with a key that the same
// request had made, so none was made.
func RefusedCreate(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code == "idempotency_key_reused" {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// transientReason names why err is worth another attempt, or is "" when it
// is not: a 4xx will fail the same way again, and so will a host that does
// not exist or a certificate that does not verify.
func transientReason(err error) string {
	var apiErr *APIError
	var netErr *networkError
	switch {
	case errors.Is(err, ErrUnknownHost), errors.Is(err, ErrCertificate), errors.Is(err, ErrProtocol):
		return ""
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.As(err, &netErr):
		return "network error"
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500 && apiErr.StatusCode <= 599:
		return fmt.Sprintf("status %d", apiErr.StatusCode)
	}
	return ""
}

// attempt sends req once. It reports whether the request went out whole,
// which is what makes an unanswered create uncertain.
func (c *Client) attempt(ctx context.Context, req request, attempt int, out any) (bool, answer, error) {
	attemptCtx := ctx
	if c.requestTimeout > 0 && !req.untimed {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, c.requestTimeout)
		defer cancel()
	}
	var sent atomic.Bool
	attemptCtx = httptrace.WithClientTrace(attemptCtx, &httptrace.ClientTrace{
		// The transport may write a request again on a fresh connection; once
		// one write went out whole, the gateway may have acted on it.
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				sent.Store(true)
			}
		},
	})
	httpReq, err := c.newHTTPRequest(attemptCtx, req)
	if err != nil {
		return false, answer{}, err
	}

	start := time.Now()
	status, requestID := 0, ""
	resp, err := c.httpClient.Do(httpReq)
	if err == nil {
		status, requestID = resp.StatusCode, sanitize(resp.Header.Get("X-Request-Id"), tokenRunes)
		if req.seven {
			err = decodeSevenResponse(req.method, req.where(), resp, maxBodyBytes, out)
		} else {
			err = decodeResponse(req.method, req.where(), resp, maxBodyBytes, out)
		}
		resp.Body.Close()
	} else {
		err = fmt.Errorf("%s %s: %w", req.method, req.where(), sendError(err))
	}
	var netErr *networkError
	if errors.As(err, &netErr) && ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%s %s: %w: no answer within %s", req.method, req.where(), ErrTimeout, c.requestTimeout)
	}

	fields := map[string]any{
		"method":      req.method,
		"path":        req.where(),
		"status":      status,
		"duration_ms": time.Since(start).Milliseconds(),
		"request_id":  requestID,
		"attempt":     attempt,
	}
	if status == 0 && err != nil {
		fields["error"] = err.Error()
	}
	c.logf(ctx, "gateway request", fields)
	return sent.Load(), answer{status: status, requestID: requestID}, err
}

// sendError names what kept a request from being answered, marking the
// causes that no retry cures.
func sendError(err error) error {
	// The method and path say where; the url.Error would say it again.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authorityErr x509.UnknownAuthorityError
	var invalidErr x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Errorf("%w: no such host %s", ErrUnknownHost, dnsErr.Name)
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authorityErr), errors.As(err, &invalidErr):
		return fmt.Errorf("%w: %w", ErrCertificate, err)
	case errors.As(err, &recordErr), errors.Is(err, http.ErrSchemeMismatch):
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	return &networkError{op: "request failed", err: err}
}

func (c *Client) newHTTPRequest(ctx context.Context, req request) (*http.Request, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, c.base+req.path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, req.where(), err)
	}
	httpReq.Header.Set("X-Api-Key", c.apiKey)
	httpReq.Header.Set("User-Agent", c.userAgent)
	httpReq.Header.Set("Accept", "application/json")
	switch {
	case req.body != nil && req.form:
		httpReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case req.body != nil:
		httpReq.Header.Set("Content-Type", "application/json")
	}
	if req.idempotencyKey != "" {
		httpReq.Header.Set("Idempotency-Key", req.idempotencyKey)
	}
	return httpReq, nil
}

// logf passes only what the caller built: never headers or bodies, which
// hold the API key, a new key or its secret.
func (c *Client) logf(ctx context.Context, msg string, fields map[string]any) {
	if c.log != nil {
		c.log(ctx, msg, fields)
	}
}
