package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// request is one call of the API. Its body is marshalled once by the caller
// so that every attempt sends the same bytes.
type request struct {
	method         string
	path           string // below the endpoint, with its query
	body           []byte // nil: none
	idempotencyKey string // "": none
}

// retryable tells whether sending req twice is harmless: every method of the
// contract but POST is idempotent, and a POST is when the server can match
// the repeat to the first by its Idempotency-Key.
func (r request) retryable() bool {
	return r.method != http.MethodPost || r.idempotencyKey != ""
}

// do sends req until it is answered, retrying what is transient, and
// decodes a 2xx answer into out (nil: ignored).
func (c *Client) do(ctx context.Context, req request, out any) error {
	var (
		attempts, retries, rateLimited int
		rateLimitSpent                 time.Duration
	)
	for {
		attempts++
		err := c.attempt(ctx, req, attempts, out)
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return withAttempts(fmt.Errorf("%s %s: %w", req.method, req.path, ctxErr), attempts)
		}

		var wait time.Duration
		var reason string
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
			// A 429 was not acted on, so even a plain POST may go again; it is
			// bounded by time, not by MaxRetries, as the server says when.
			var ok bool
			if wait, ok = c.rateLimitDelay(apiErr.retryAfter, rateLimited, rateLimitSpent); !ok {
				return withAttempts(err, attempts)
			}
			rateLimited++
			rateLimitSpent += wait
			reason = "rate limited"
		} else {
			reason = transientReason(err)
			if reason == "" || !req.retryable() || retries >= c.maxRetries {
				return withAttempts(err, attempts)
			}
			wait = c.backoff(retries)
			retries++
		}

		c.logf(ctx, "gateway retry wait", map[string]any{
			"method":  req.method,
			"path":    req.path,
			"attempt": attempts,
			"reason":  reason,
			"wait_ms": wait.Milliseconds(),
		})
		if err := c.sleep(ctx, wait); err != nil {
			return withAttempts(fmt.Errorf("%s %s: %w", req.method, req.path, err), attempts)
		}
	}
}

// transientReason names why err is worth another attempt, or is "" when it
// is not: a 4xx will fail the same way again.
func transientReason(err error) string {
	var apiErr *APIError
	var netErr *networkError
	switch {
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.As(err, &netErr):
		return "network error"
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500 && apiErr.StatusCode <= 599:
		return fmt.Sprintf("status %d", apiErr.StatusCode)
	}
	return ""
}

func (c *Client) attempt(ctx context.Context, req request, attempt int, out any) error {
	attemptCtx := ctx
	if c.requestTimeout > 0 {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, c.requestTimeout)
		defer cancel()
	}
	httpReq, err := c.newHTTPRequest(attemptCtx, req)
	if err != nil {
		return err
	}

	start := time.Now()
	status, requestID := 0, ""
	resp, err := c.httpClient.Do(httpReq)
	if err == nil {
		status, requestID = resp.StatusCode, sanitize(resp.Header.Get("X-Request-Id"), tokenRunes)
		err = decodeResponse(req.method, req.path, resp, maxBodyBytes, out)
		resp.Body.Close()
	} else {
		// The method and path say where; the url.Error would say it again.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		err = fmt.Errorf("%s %s: %w", req.method, req.path, &networkError{op: "request failed", err: err})
	}
	var netErr *networkError
	if errors.As(err, &netErr) && ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%s %s: %w: no answer within %s", req.method, req.path, ErrTimeout, c.requestTimeout)
	}

	fields := map[string]any{
		"method":      req.method,
		"path":        req.path,
		"status":      status,
		"duration_ms": time.Since(start).Milliseconds(),
		"request_id":  requestID,
		"attempt":     attempt,
	}
	if status == 0 && err != nil {
		fields["error"] = err.Error()
	}
	c.logf(ctx, "gateway request", fields)
	return err
}

func (c *Client) newHTTPRequest(ctx context.Context, req request) (*http.Request, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, c.base+req.path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	httpReq.Header.Set("X-Api-Key", c.apiKey)
	httpReq.Header.Set("User-Agent", c.userAgent)
	httpReq.Header.Set("Accept", "application/json")
	if req.body != nil {
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
