package client

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// A create is uncertain when a request went out whole and no answer said
// what the gateway did with it; the caller then replays it to find out.
func TestCreateOutcome(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		answers []func(t *testing.T, w http.ResponseWriter, r *http.Request)
		unknown bool
	}{
		"answer lost every time": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){dropAfterReading, dropAfterReading},
			unknown: true,
		},
		"server error": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){answerError(503, "internal"), answerError(502, "internal")},
			unknown: true,
		},
		"lost, then rate limited for too long": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){dropAfterReading, answerRateLimited("3600")},
			unknown: true,
		},
		"lost, then the caller's key is refused": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){dropAfterReading, answerError(401, "unauthorized")},
			unknown: true,
		},
		"lost, then a refusal that rules a key out": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){dropAfterReading, answerError(409, "key_quota_exceeded")},
			unknown: false,
		},
		"lost, then told the Idempotency-Key was used": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){dropAfterReading, answerError(422, "idempotency_key_reused")},
			unknown: true,
		},
		"refused at once": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){answerError(422, "validation_failed")},
			unknown: false,
		},
		"forbidden at once": {
			answers: []func(*testing.T, http.ResponseWriter, *http.Request){answerError(403, "forbidden")},
			unknown: false,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				tc.answers[min(n, len(tc.answers))-1](t, w, r)
			})
			c, _ := newTestClient(t, g, func(cfg *Config) {
				cfg.MaxRetries = len(tc.answers) - 1
				cfg.RateLimitWait = time.Minute
			})

			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "x"})
			if err == nil {
				t.Fatal("CreateAPIKey succeeded")
			}
			if got := errors.Is(err, ErrOutcomeUnknown); got != tc.unknown {
				t.Errorf("err = %v: outcome unknown %v, want %v", err, got, tc.unknown)
			}
			if n := len(g.requests()); n != len(tc.answers) {
				t.Errorf("%d requests, want %d", n, len(tc.answers))
			}
		})
	}
}

// A request that never left (the host refused the connection) made
// nothing, however often it was tried.
func TestCreateNeverSentIsNotUncertain(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String() + "/api"
	ln.Close()
	w := &waits{}
	c, err := New(Config{Endpoint: endpoint, APIKey: testAPIKey, MaxRetries: 2, Sleep: w.sleep})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "x"})
	var netErr *networkError
	if !errors.As(err, &netErr) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v, want a network error with a known outcome", err)
	}
	if n := len(w.all()); n != 2 {
		t.Errorf("%d retries, want 2: a refused connection is worth retrying", n)
	}
}

// Cancelling a create whose request was sent leaves its outcome open.
func TestCreateCancelledInFlightIsUncertain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel()
		blockUntilGone(w, r)
	})
	c, _ := newTestClient(t, g, nil)

	_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Label: "x"})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v, want cancelled with an unknown outcome", err)
	}
}

// Sending a prepared create again repeats it byte for byte, so that the
// gateway answers with the key it made the first time.
func TestCreateRequestReplaysExactly(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropAfterReading(t, w, r)
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, nil)
	req, err := NewCreateRequest(CreateAPIKeyInput{Label: "x", Permissions: []string{"sms"}})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := c.Create(t.Context(), req); !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("first send: err = %v, want an unknown outcome", err)
	}
	key, err := c.Create(t.Context(), req)
	if err != nil || key.ID != "ak_0123456789abcdefghij" {
		t.Fatalf("replay: key %+v, err %v", key, err)
	}
	reqs := g.requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].body, reqs[1].body) || !bytes.Equal(reqs[1].body, req.Body) ||
		reqs[0].header.Get("Idempotency-Key") != req.IdempotencyKey || reqs[1].header.Get("Idempotency-Key") != req.IdempotencyKey {
		t.Errorf("the replay is not the same request: %+v", reqs)
	}
	if _, err := c.Create(t.Context(), CreateRequest{Body: req.Body}); err == nil {
		t.Error("a create without an Idempotency-Key was sent")
	}
}

// dropAfterReading is a gateway that received the request whole and lost
// its answer.
func dropAfterReading(t *testing.T, w http.ResponseWriter, _ *http.Request) {
	dropConnection(t, w)
}

func answerError(status int, code string) func(*testing.T, http.ResponseWriter, *http.Request) {
	return func(t *testing.T, w http.ResponseWriter, _ *http.Request) {
		writeError(t, w, status, code, "refused")
	}
}

func answerRateLimited(retryAfter string) func(*testing.T, http.ResponseWriter, *http.Request) {
	return func(t *testing.T, w http.ResponseWriter, _ *http.Request) {
		rateLimited(t, w, retryAfter)
	}
}

// ConfirmCreate waits for a slow answer that every timed attempt gave up on.
func TestConfirmCreateWaitsLongerThanRequestTimeout(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		time.Sleep(300 * time.Millisecond) // slower than RequestTimeout, as a gateway can be
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond })
	req, err := NewCreateRequest(CreateAPIKeyInput{Label: "x"})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := c.Create(t.Context(), req); !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("Create: err = %v, want a timeout with an unknown outcome", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if key, err := c.ConfirmCreate(ctx, req); err != nil || key.ID != "ak_0123456789abcdefghij" {
		t.Fatalf("ConfirmCreate: key %+v, err %v", key, err)
	}
}
