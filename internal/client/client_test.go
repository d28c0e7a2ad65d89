package client

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewAcceptsEndpoints(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]string{
		"":                                  DefaultEndpoint,
		"https://gateway.seven.io/api":      "https://gateway.seven.io/api",
		"https://gateway.seven.io/api/":     "https://gateway.seven.io/api",
		"http://127.0.0.1:8080/api":         "http://127.0.0.1:8080/api",
		"HTTPS://Gateway.example.com:8443/": "https://Gateway.example.com:8443",
	} {
		c, err := New(Config{Endpoint: endpoint, APIKey: testAPIKey})
		if err != nil {
			t.Errorf("New(%q): %v", endpoint, err)
			continue
		}
		if c.base != want {
			t.Errorf("New(%q) base = %q, want %q", endpoint, c.base, want)
		}
	}
}

func TestNewRejectsEndpoints(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{
		"gateway.seven.io/api",
		"/api",
		"ftp://gateway.seven.io/api",
		"https:///api",
		"https://gateway.seven.io/api?key=1",
		"https://gateway.seven.io/api?",
		"https://gateway.seven.io/api#top",
		"https://user:hunter2@gateway.seven.io/api",
		"mailto:ops@example.com",
		"https://gateway.seven.io:port/api",
		"http://[::1/api",
	} {
		_, err := New(Config{Endpoint: endpoint, APIKey: testAPIKey})
		if err == nil {
			t.Errorf("New(%q) accepted it", endpoint)
			continue
		}
		if !strings.Contains(err.Error(), "must be an absolute http or https URL with a host") {
			t.Errorf("New(%q): %q does not say what is allowed", endpoint, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("New(%q): %q repeats a password", endpoint, err)
		}
	}
}

func TestNewRejectsConfig(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cfg  Config
		want string
	}{
		"no key":          {cfg: Config{}, want: "an API key is required"},
		"key with space":  {cfg: Config{APIKey: "abc def"}, want: "the API key contains spaces or control characters"},
		"key with CRLF":   {cfg: Config{APIKey: "abc\r\nX-Evil: 1"}, want: "the API key contains spaces or control characters"},
		"negative retry":  {cfg: Config{APIKey: "k", MaxRetries: -1}, want: "max retries must not be negative, got -1"},
		"negative wait":   {cfg: Config{APIKey: "k", RetryWaitMin: -time.Second}, want: "retry wait min must not be negative, got -1s"},
		"max below min":   {cfg: Config{APIKey: "k", RetryWaitMin: 2 * time.Second, RetryWaitMax: time.Second}, want: "retry wait max (1s) must not be below retry wait min (2s)"},
		"default max low": {cfg: Config{APIKey: "k", RetryWaitMin: time.Minute}, want: "retry wait max (30s) must not be below retry wait min (1m0s)"},
	} {
		_, err := New(tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	if c.retryWaitMin != 500*time.Millisecond || c.retryWaitMax != 30*time.Second || c.rateLimitWait != 5*time.Minute {
		t.Errorf("waits = %s, %s, %s; want 500ms, 30s, 5m", c.retryWaitMin, c.retryWaitMax, c.rateLimitWait)
	}
	if c.maxRetries != 0 || c.requestTimeout != 0 || c.userAgent == "" || c.rand == nil || c.sleep == nil || c.httpClient == nil {
		t.Errorf("defaults not set: %+v", c)
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusOK, Balance{Amount: 1, Currency: "EUR"})
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.HTTPClient = nil; cfg.UserAgent = "" })

	if _, err := c.Balance(t.Context()); err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if ua := g.requests()[0].header.Get("User-Agent"); ua != defaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", ua, defaultUserAgent)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	elsewhere := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusOK, Balance{Amount: 1, Currency: "EUR"})
	})
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, elsewhere.server.URL+"/api/balance", http.StatusFound)
	})
	// The caller's client follows redirects; the gateway client must not.
	callers := &http.Client{}
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.HTTPClient = callers })

	_, err := c.Balance(t.Context())
	if err == nil || !strings.Contains(err.Error(), "GET /balance: 302: redirect to "+elsewhere.server.URL+"/api/balance not followed") {
		t.Errorf("err = %v, want the redirect refused", err)
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the key went to the redirect target %d times", n)
	}
	if callers.CheckRedirect != nil {
		t.Error("the caller's client was changed")
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	if len(Scopes) != 15 || !slices.IsSorted(Scopes) || len(slices.Compact(slices.Clone(Scopes))) != 15 || !slices.Contains(Scopes, "api_keys") {
		t.Errorf("Scopes = %v, want the contract's 15, sorted and unique", Scopes)
	}
}
