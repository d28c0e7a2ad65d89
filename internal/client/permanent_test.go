package client

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A cause no retry can cure ends the call at once: the user learns in
// milliseconds, not after max_retries backoffs, that the endpoint is wrong.
func TestPermanentErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request reached the TLS server through an untrusted certificate")
	}))
	// The refused handshake is the point; the server need not log it.
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsServer.StartTLS()
	t.Cleanup(tlsServer.Close)
	plainServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a TLS handshake was answered as a request")
	}))
	t.Cleanup(plainServer.Close)

	for name, tc := range map[string]struct {
		endpoint string
		dial     func(ctx context.Context, network, addr string) (net.Conn, error)
		want     error
		message  string
	}{
		"host does not exist": {
			endpoint: "https://gateway.example.invalid/api",
			dial:     failDial(&net.DNSError{Err: "no such host", Name: "gateway.example.invalid", IsNotFound: true}),
			want:     ErrUnknownHost,
			message:  "GET /balance: the endpoint's host does not exist: no such host gateway.example.invalid",
		},
		"certificate not trusted": {
			endpoint: tlsServer.URL + "/api",
			want:     ErrCertificate,
			message:  "GET /balance: the endpoint's TLS certificate does not verify: tls: failed to verify certificate",
		},
		"https to a plain HTTP server": {
			endpoint: strings.Replace(plainServer.URL, "http://", "https://", 1) + "/api",
			want:     ErrProtocol,
			message:  "GET /balance: the endpoint does not speak the protocol of its URL",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			transport := newTransport(t)
			if tc.dial != nil {
				transport.DialContext = tc.dial
			}
			w := &waits{}
			c, err := New(Config{Endpoint: tc.endpoint, APIKey: testAPIKey, MaxRetries: 5, Sleep: w.sleep,
				HTTPClient: &http.Client{Transport: transport}})
			if err != nil {
				t.Fatal(err)
			}

			_, err = c.Balance(t.Context())
			if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), tc.message) {
				t.Errorf("err = %v, want %v starting %q", err, tc.want, tc.message)
			}
			if n := len(w.all()); n != 0 {
				t.Errorf("%d retries, want none", n)
			}
		})
	}
}

// A lookup that fails for now (no answer from the resolver) may work on
// the next attempt, unlike a name that does not exist.
func TestTemporaryDNSFailuresAreRetried(t *testing.T) {
	t.Parallel()
	transport := newTransport(t)
	transport.DialContext = failDial(&net.DNSError{Err: "server misbehaving", Name: "gateway.example", IsTemporary: true})
	w := &waits{}
	c, err := New(Config{Endpoint: "https://gateway.example/api", APIKey: testAPIKey, MaxRetries: 2, Sleep: w.sleep,
		HTTPClient: &http.Client{Transport: transport}})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.Balance(t.Context())
	var netErr *networkError
	if !errors.As(err, &netErr) || errors.Is(err, ErrUnknownHost) {
		t.Errorf("err = %v, want a network error", err)
	}
	if n := len(w.all()); n != 2 {
		t.Errorf("%d retries, want 2", n)
	}
}

func failDial(err error) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: err}
	}
}

func newTransport(t *testing.T) *http.Transport {
	t.Helper()
	transport, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	return transport.Clone()
}
