package client

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff returns the wait before retry number retry (from 0): equal jitter
// over a window that doubles each time, so that callers failing together
// do not come back together, kept between RetryWaitMin and RetryWaitMax.
func (c *Client) backoff(retry int) time.Duration {
	upper := c.retryWaitMin
	for range retry + 1 {
		if upper > c.retryWaitMax/2 {
			upper = c.retryWaitMax
			break
		}
		upper *= 2
	}
	wait := upper/2 + c.randDuration(upper-upper/2)
	return max(c.retryWaitMin, wait)
}

// rateLimitDelay returns the wait after a 429: at least what Retry-After
// asks, plus a jitter that spreads parallel callers. It reports false when
// that wait would take the call past RateLimitWait in total.
func (c *Client) rateLimitDelay(retryAfter string, limited int, spent time.Duration) (time.Duration, bool) {
	floor, ok := parseRetryAfter(retryAfter, c.now())
	if !ok {
		floor = c.backoff(limited)
	}
	remaining := c.rateLimitWait - spent
	if floor > remaining {
		return 0, false
	}
	wait := floor + c.retryWaitMin/2 + c.randDuration(c.retryWaitMin-c.retryWaitMin/2)
	return wait, wait <= remaining
}

// parseRetryAfter reads both forms the header may take: seconds, or an
// HTTP date. A number too large to wait for stays too large, rather than
// wrapping around.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if strings.Trim(value, "0123456789") == "" {
		seconds, err := strconv.ParseInt(value, 10, 64)
		if err != nil || seconds > math.MaxInt64/int64(time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(seconds) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// randDuration returns a duration in [0, n].
func (c *Client) randDuration(n time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	c.randMu.Lock()
	defer c.randMu.Unlock()
	return time.Duration(c.rand.Int64N(int64(n) + 1))
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
