// Package client speaks the gateway's key-management API and seven.io's
// webhook API (/hooks): one request path that authenticates, retries and
// decodes errors, and typed methods on top.
package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// DefaultEndpoint is the gateway's public base URL.
const DefaultEndpoint = "https://gateway.seven.io/api"

// Scopes lists every scope of the contract, sorted.
var Scopes = []string{"analytics", "api_keys", "balance", "contacts", "hooks", "journal", "lookup", "pricing", "rcs", "sms", "status", "subaccounts", "validate_for_voice", "voice", "waba"}

// The environments a key can belong to.
const EnvironmentLive, EnvironmentSandbox = "live", "sandbox"

const (
	defaultUserAgent    = "sms-gateway-client"
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second
)

// DefaultRateLimitWait is how long one call waits on 429 answers in all,
// unless Config.RateLimitWait says otherwise.
const DefaultRateLimitWait = 5 * time.Minute

// Config says how a Client reaches the gateway. Only APIKey is required;
// every zero value means the default named beside it.
type Config struct {
	// Endpoint is the base URL including /api, an absolute http or https URL
	// without query or fragment; a trailing slash is tolerated.
	// "" = DefaultEndpoint.
	Endpoint string
	// APIKey is sent as X-Api-Key.
	APIKey string
	// UserAgent names the caller; "" = a generic client name.
	UserAgent string
	// MaxRetries counts retries after the first attempt, for 5xx answers,
	// network errors and timeouts. 0 = none.
	MaxRetries int
	// RequestTimeout limits each attempt. 0 = none.
	RequestTimeout time.Duration
	// HTTPClient sends the requests; nil = cleanhttp.DefaultPooledClient().
	HTTPClient *http.Client
	// Log receives one entry per attempt and per retry wait; nil = none.
	Log func(ctx context.Context, msg string, fields map[string]any)
	// Rand draws the backoff jitter; nil = randomly seeded.
	Rand *rand.Rand
	// Sleep waits between attempts; nil = a timer that stops early with
	// ctx.Err().
	Sleep func(ctx context.Context, d time.Duration) error
	// RetryWaitMin is the first backoff; 0 = 500ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps the backoff; 0 = 30s.
	RetryWaitMax time.Duration
	// RateLimitWait bounds the total time one call waits on 429 answers;
	// 0 = 5m.
	RateLimitWait time.Duration
}

// Client is safe for concurrent use: Terraform works on many keys at once.
type Client struct {
	base           string
	apiKey         string
	userAgent      string
	maxRetries     int
	requestTimeout time.Duration
	httpClient     *http.Client
	log            func(ctx context.Context, msg string, fields map[string]any)
	sleep          func(ctx context.Context, d time.Duration) error
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration
	rateLimitWait  time.Duration
	now            func() time.Time

	// hookCreates lets one hook create at a time through, so that a create
	// whose answer was lost can tell its own hook from a sibling's (see
	// CreateHook).
	hookCreates chan struct{}

	// rand.Rand is not safe for concurrent use, so every draw holds randMu.
	randMu sync.Mutex
	rand   *rand.Rand
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required")
	}
	if strings.IndexFunc(cfg.APIKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		// Said without the key itself, which must never reach an error message.
		return nil, errors.New("the API key contains spaces or control characters")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must not be negative, got %d", cfg.MaxRetries)
	}
	for name, d := range map[string]time.Duration{
		"request timeout": cfg.RequestTimeout,
		"retry wait min":  cfg.RetryWaitMin,
		"retry wait max":  cfg.RetryWaitMax,
		"rate limit wait": cfg.RateLimitWait,
	} {
		if d < 0 {
			return nil, fmt.Errorf("%s must not be negative, got %s", name, d)
		}
	}

	c := &Client{
		base:           base,
		apiKey:         cfg.APIKey,
		userAgent:      cmp.Or(cfg.UserAgent, defaultUserAgent),
		maxRetries:     cfg.MaxRetries,
		requestTimeout: cfg.RequestTimeout,
		log:            cfg.Log,
		sleep:          cfg.Sleep,
		retryWaitMin:   cmp.Or(cfg.RetryWaitMin, defaultRetryWaitMin),
		retryWaitMax:   cmp.Or(cfg.RetryWaitMax, defaultRetryWaitMax),
		rateLimitWait:  cmp.Or(cfg.RateLimitWait, DefaultRateLimitWait),
		now:            time.Now,
		rand:           cfg.Rand,
		hookCreates:    make(chan struct{}, 1),
	}
	if c.retryWaitMax < c.retryWaitMin {
		return nil, fmt.Errorf("retry wait max (%s) must not be below retry wait min (%s)", c.retryWaitMax, c.retryWaitMin)
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.rand == nil {
		c.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) //nolint:gosec // jitter only spreads callers; it guards no secret
	}

	hc := cfg.HTTPClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
	}
	// A copy, so the caller's client keeps its own redirect policy. Redirects
	// are never followed: X-Api-Key is not a header Go strips on a redirect,
	// so following one could hand the key to another host.
	noRedirects := *hc
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.httpClient = &noRedirects
	return c, nil
}

const endpointRule = "the endpoint must be an absolute http or https URL with a host and without query, fragment or user info, such as " + DefaultEndpoint

func parseEndpoint(endpoint string) (string, error) {
	if endpoint == "" {
		return DefaultEndpoint, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		// The url.Error would repeat the whole endpoint, user info included.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", fmt.Errorf("invalid endpoint: %w; %s", err, endpointRule)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https",
		u.Host == "",
		u.Opaque != "",
		u.User != nil,
		u.RawQuery != "" || u.ForceQuery,
		u.Fragment != "":
		return "", fmt.Errorf("invalid endpoint %q: %s", u.Redacted(), endpointRule)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
