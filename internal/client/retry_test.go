package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n < 3 {
					writeError(t, w, status, "internal", "transient")
					return
				}
				writeJSON(t, w, http.StatusOK, Balance{Amount: 2, Currency: "EUR"})
			})
			c, waits := newTestClient(t, g, func(cfg *Config) {
				cfg.MaxRetries = 3
				cfg.RetryWaitMin = 100 * time.Millisecond
				cfg.RetryWaitMax = time.Second
			})

			balance, err := c.Balance(t.Context())
			if err != nil {
				t.Fatalf("Balance: %v", err)
			}
			if balance.Amount != 2 {
				t.Errorf("amount = %v, want 2", balance.Amount)
			}
			if n := len(g.requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
			assertBackoff(t, waits.all(), 100*time.Millisecond, time.Second)
		})
	}
}

// assertBackoff checks that wait i lies in the window [upper/2, upper] with
// upper = min·2^(i+1), capped at max, and never below min.
func assertBackoff(t *testing.T, waits []time.Duration, minWait, maxWait time.Duration) {
	t.Helper()
	if len(waits) == 0 {
		t.Fatal("no waits")
	}
	for i, wait := range waits {
		upper := min(minWait<<(i+1), maxWait)
		low := max(upper/2, minWait)
		if wait < low || wait > upper {
			t.Errorf("wait %d = %s, want within [%s, %s]", i, wait, low, upper)
		}
	}
}

func TestNetworkErrorsAreRetried(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(t, w, http.StatusOK, testKey("ak_1"))
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 1 })

	key, err := c.GetAPIKey(t.Context(), "ak_1")
	if err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	if key.ID != "ak_1" {
		t.Errorf("id = %q", key.ID)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	assertBackoff(t, waits.all(), 500*time.Millisecond, 30*time.Second)
}

func TestNetworkErrorAfterRetries(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { dropConnection(t, w) })
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 2 })

	err := c.DeleteAPIKey(t.Context(), "ak_1")
	if err == nil || !strings.HasPrefix(err.Error(), "DELETE /api_keys/ak_1: request failed: ") || !strings.HasSuffix(err.Error(), " (after 3 attempts)") {
		t.Errorf("err = %v, want a network error after 3 attempts", err)
	}
	if strings.Contains(err.Error(), g.server.URL) {
		t.Errorf("err = %v repeats the URL", err)
	}
	if n := len(g.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// blockUntilGone holds a request until the client gives it up.
func blockUntilGone(_ http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func TestTimeoutsAreRetried(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			blockUntilGone(w, r)
			return
		}
		writeJSON(t, w, http.StatusOK, Balance{Amount: 1, Currency: "EUR"})
	})
	c, waits := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 1
		cfg.RequestTimeout = 50 * time.Millisecond
	})

	if _, err := c.Balance(t.Context()); err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if n := len(waits.all()); n != 1 {
		t.Errorf("%d waits, want 1", n)
	}
}

func TestTimeoutAfterRetries(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { blockUntilGone(w, r) })
	c, _ := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 1
		cfg.RequestTimeout = 50 * time.Millisecond
	})

	_, err := c.GetAPIKey(t.Context(), "ak_1")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if want := "GET /api_keys/ak_1: request timed out: no answer within 50ms (after 2 attempts)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if errors.Is(err, context.DeadlineExceeded) || NotFound(err) {
		t.Errorf("err = %v looks like the caller's deadline or a 404", err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRetriesRunOut(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(t, w, http.StatusServiceUnavailable, "internal", "down for maintenance")
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 2 })

	_, err := c.UpdateAPIKey(t.Context(), "ak_1", UpdateAPIKeyInput{Label: ptr("x")})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != "internal" {
		t.Fatalf("err = %v, want the 503", err)
	}
	if want := "PATCH /api_keys/ak_1: 503 internal: down for maintenance (request id req_test) (after 3 attempts)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if n := len(g.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if n := len(waits.all()); n != 2 {
		t.Errorf("%d waits, want 2", n)
	}
}

func TestNoRetriesWhenMaxRetriesIsZero(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(t, w, http.StatusInternalServerError, "internal", "boom")
	})
	c, waits := newTestClient(t, g, nil)

	_, err := c.Balance(t.Context())
	if err == nil || err.Error() != "GET /balance: 500 internal: boom (request id req_test)" {
		t.Errorf("err = %v, want the 500 without an attempt count", err)
	}
	if len(g.requests()) != 1 || len(waits.all()) != 0 {
		t.Errorf("%d requests and %d waits, want 1 and none", len(g.requests()), len(waits.all()))
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	for status, code := range map[int]string{
		400: "invalid_json",
		401: "unauthorized",
		403: "forbidden",
		404: "not_found",
		409: "key_quota_exceeded",
		422: "validation_failed",
	} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeError(t, w, status, code, "refused")
			})
			c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })

			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "x"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Code != code {
				t.Fatalf("err = %v, want %d %s", err, status, code)
			}
			if len(g.requests()) != 1 || len(waits.all()) != 0 {
				t.Errorf("%d requests and %d waits, want 1 and none", len(g.requests()), len(waits.all()))
			}
		})
	}
}

func TestPostWithoutIdempotencyKeyIsNotRetried(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(t, w, http.StatusBadGateway, "internal", "upstream lost")
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })

	_, err := c.do(t.Context(), request{method: http.MethodPost, path: "/sms", body: []byte(`{}`)}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("err = %v, want the 502", err)
	}
	if len(g.requests()) != 1 || len(waits.all()) != 0 {
		t.Errorf("%d requests and %d waits, want 1 and none", len(g.requests()), len(waits.all()))
	}
}

func rateLimited(t *testing.T, w http.ResponseWriter, retryAfter string) {
	t.Helper()
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeError(t, w, http.StatusTooManyRequests, "rate_limited", "slow down")
}

func TestRateLimitWaitsForRetryAfter(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			rateLimited(t, w, "2")
			return
		}
		writeJSON(t, w, http.StatusOK, Balance{Amount: 1, Currency: "EUR"})
	})
	// MaxRetries 0: waiting out a 429 is no retry of a failure.
	c, waits := newTestClient(t, g, nil)

	if _, err := c.Balance(t.Context()); err != nil {
		t.Fatalf("Balance: %v", err)
	}
	got := waits.all()
	if len(got) != 2 {
		t.Fatalf("waits = %v, want 2", got)
	}
	for _, wait := range got {
		if wait < 2*time.Second || wait > 2*time.Second+500*time.Millisecond {
			t.Errorf("wait = %s, want Retry-After plus at most RetryWaitMin", wait)
		}
	}
	if got[0] == got[1] {
		t.Errorf("waits %v carry no jitter", got)
	}
}

func TestRateLimitWaitsForAnHTTPDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 27, 12, 0, 0, 0, time.UTC)
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			rateLimited(t, w, now.Add(10*time.Second).Format(http.TimeFormat))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c, waits := newTestClient(t, g, nil)
	c.now = func() time.Time { return now }

	if err := c.DeleteAPIKey(t.Context(), "ak_1"); err != nil {
		t.Fatalf("DeleteAPIKey: %v", err)
	}
	if got := waits.all(); len(got) != 1 || got[0] < 10*time.Second || got[0] > 10*time.Second+500*time.Millisecond {
		t.Errorf("waits = %v, want one of 10s plus jitter", got)
	}
}

func TestRateLimitWithoutRetryAfterBacksOff(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			rateLimited(t, w, "")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c, waits := newTestClient(t, g, nil)

	if err := c.DeleteAPIKey(t.Context(), "ak_1"); err != nil {
		t.Fatalf("DeleteAPIKey: %v", err)
	}
	got := waits.all()
	if len(got) != 2 || got[0] < 750*time.Millisecond || got[1] < 1250*time.Millisecond || got[1] > 2500*time.Millisecond {
		t.Errorf("waits = %v, want a growing backoff plus jitter", got)
	}
}

func TestRateLimitWaitIsBounded(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { rateLimited(t, w, "2") })
	c, waits := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 5
		cfg.RateLimitWait = 5 * time.Second
	})

	_, err := c.GetAPIKey(t.Context(), "ak_1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Code != "rate_limited" {
		t.Fatalf("err = %v, want the 429", err)
	}
	if !strings.HasSuffix(err.Error(), "(after 3 attempts)") {
		t.Errorf("message = %q, want 3 attempts", err.Error())
	}
	got := waits.all()
	var total time.Duration
	for _, wait := range got {
		total += wait
	}
	if len(got) != 2 || total > 5*time.Second {
		t.Errorf("waits = %v (total %s), want 2 within 5s", got, total)
	}
}

func TestRateLimitLongerThanTheBoundIsReturnedAtOnce(t *testing.T) {
	t.Parallel()
	for _, retryAfter := range []string{"301", "99999999999999999999", time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat)} {
		g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { rateLimited(t, w, retryAfter) })
		c, waits := newTestClient(t, g, nil)

		err := c.DeleteAPIKey(t.Context(), "ak_1")
		if want := "DELETE /api_keys/ak_1: 429 rate_limited: slow down (request id req_test)"; err == nil || err.Error() != want {
			t.Errorf("Retry-After %s: err = %v, want %q", retryAfter, err, want)
		}
		if len(g.requests()) != 1 || len(waits.all()) != 0 {
			t.Errorf("Retry-After %s: %d requests and %d waits, want 1 and none", retryAfter, len(g.requests()), len(waits.all()))
		}
	}
}

func TestRateLimitsAndFailuresAreCountedApart(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1, 3:
			rateLimited(t, w, "1")
		case 2:
			writeError(t, w, http.StatusServiceUnavailable, "internal", "busy")
		default:
			writeJSON(t, w, http.StatusOK, testKey("ak_1"))
		}
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 1 })

	if _, err := c.GetAPIKey(t.Context(), "ak_1"); err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	if len(g.requests()) != 4 || len(waits.all()) != 3 {
		t.Errorf("%d requests and %d waits, want 4 and 3", len(g.requests()), len(waits.all()))
	}
}

func TestRateLimitedCreateIsRetriedWithTheSameKey(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			rateLimited(t, w, "1")
			return
		}
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, nil)

	if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "x"}); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	reqs := g.requests()
	if len(reqs) != 2 || reqs[0].header.Get("Idempotency-Key") != reqs[1].header.Get("Idempotency-Key") {
		t.Errorf("%d requests, want 2 with one Idempotency-Key", len(reqs))
	}
}

func TestCancelStopsARunningRequest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel()
		blockUntilGone(w, r)
	})
	c, waits := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 3
		cfg.RequestTimeout = time.Minute
	})

	_, err := c.Balance(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err.Error() != "GET /balance: context canceled" {
		t.Errorf("message = %q", err.Error())
	}
	if len(g.requests()) != 1 || len(waits.all()) != 0 {
		t.Errorf("%d requests and %d waits, want 1 and none", len(g.requests()), len(waits.all()))
	}
}

func TestCancelStopsAWait(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(t, w, http.StatusServiceUnavailable, "internal", "busy")
	})
	c, _ := newTestClient(t, g, func(cfg *Config) {
		cfg.MaxRetries = 3
		cfg.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			return sleepContext(ctx, time.Hour)
		}
	})

	_, err := c.Balance(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestCanceledContextSendsNothing(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusNoContent) })
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	if err := c.DeleteAPIKey(ctx, "ak_1"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestSleepContext(t *testing.T) {
	t.Parallel()
	if err := sleepContext(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("short sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled sleep: %v, want context.Canceled", err)
	}
}

func TestBackoffStaysInItsWindow(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: time.Second, rand: seededRand(seed)}
		var waits []time.Duration
		for retry := range 8 {
			waits = append(waits, c.backoff(retry))
		}
		assertBackoff(t, waits, 100*time.Millisecond, time.Second)
	}

	c := &Client{retryWaitMin: time.Second, retryWaitMax: math.MaxInt64, rand: seededRand(1)}
	if wait := c.backoff(100); wait < math.MaxInt64/2 {
		t.Errorf("backoff(100) = %s, want it capped near the maximum, not wrapped around", wait)
	}
	c = &Client{retryWaitMin: time.Second, retryWaitMax: time.Second, rand: seededRand(1)}
	if wait := c.backoff(3); wait != time.Second {
		t.Errorf("backoff with min = max = 1s: %s", wait)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 27, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]struct {
		wait time.Duration
		ok   bool
	}{
		"":                              {0, false},
		"0":                             {0, true},
		" 7 ":                           {7 * time.Second, true},
		"-3":                            {0, false},
		"1.5":                           {0, false},
		"soon":                          {0, false},
		"99999999999999999999":          {math.MaxInt64, true},
		"9223372037":                    {math.MaxInt64, true},
		"Thu, 27 Nov 2025 12:00:30 GMT": {30 * time.Second, true},
		"Thu, 27 Nov 2025 11:00:00 GMT": {0, true},
	} {
		wait, ok := parseRetryAfter(value, now)
		if wait != want.wait || ok != want.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", value, wait, ok, want.wait, want.ok)
		}
	}
}

func TestConcurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	failed := map[string]bool{}
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		first := !failed[r.URL.Path]
		failed[r.URL.Path] = true
		mu.Unlock()
		if first {
			writeError(t, w, http.StatusServiceUnavailable, "internal", "busy")
			return
		}
		writeJSON(t, w, http.StatusOK, testKey(strings.TrimPrefix(r.URL.Path, "/api/api_keys/")))
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 1 })

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := fmt.Sprintf("ak_%d", i)
			key, err := c.GetAPIKey(t.Context(), id)
			if err != nil || key.ID != id {
				t.Errorf("GetAPIKey(%s) = %v, %v", id, key, err)
			}
		})
	}
	wg.Wait()
	if len(g.requests()) != 16 || len(waits.all()) != 8 {
		t.Errorf("%d requests and %d waits, want 16 and 8", len(g.requests()), len(waits.all()))
	}
}
