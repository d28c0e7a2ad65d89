package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// quotaGateway is a sandbox at a quota of 3 whose account holds two
// expired keys beside its three working ones (the first key among them);
// listing answers as a test asks.
type quotaGateway struct {
	data *providerData
	// listing answers GET /api/api_keys instead of the sandbox when set.
	listing http.HandlerFunc
}

func newQuotaGateway(t *testing.T) *quotaGateway {
	t.Helper()
	manual := clock.NewManual(time.Date(2030, 1, 15, 9, 30, 0, 0, time.UTC))
	srv, err := sandbox.New(sandbox.Options{Clock: manual, KeyQuota: 3})
	if err != nil {
		t.Fatal(err)
	}
	g := &quotaGateway{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.listing != nil && r.Method == http.MethodGet && r.URL.Path == "/api/api_keys" {
			g.listing(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	api, err := client.New(client.Config{Endpoint: ts.URL + "/api", APIKey: srv.APIKeys()[0],
		MaxRetries: 1, RequestTimeout: 5 * time.Second, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	g.data = &providerData{client: api, clock: manual, requestTimeout: 5 * time.Second, maxRetries: 1}

	ctx := context.Background()
	soon := manual.Now().Add(time.Hour)
	create := func(in client.CreateAPIKeyInput) {
		if _, err := api.CreateAPIKey(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	create(client.CreateAPIKeyInput{Label: "retired", ValidUntil: &soon})
	create(client.CreateAPIKeyInput{Label: "retired", ValidUntil: &soon})
	manual.Advance(time.Hour)
	create(client.CreateAPIKeyInput{Label: "working"})
	create(client.CreateAPIKeyInput{Label: "working"})
	return g
}

// createDetail tries one more key and returns the error's detail.
func (g *quotaGateway) createDetail(t *testing.T, ctx context.Context) string {
	t.Helper()
	out := g.data.createKey(ctx, client.CreateAPIKeyInput{Label: "one too many"})
	var apiErr *client.APIError
	if out.key != nil || !errors.As(out.err, &apiErr) || apiErr.Code != "key_quota_exceeded" {
		t.Fatalf("create = %+v, want the gateway's 409 key_quota_exceeded", out)
	}
	return apiErrorDetail("Creating.", out.err, g.data)
}

// A create refused by the quota says how many keys still work, counting
// none of the expired ones the account still lists, and what to do.
func TestQuotaErrorCountsWorkingKeys(t *testing.T) {
	t.Parallel()
	g := newQuotaGateway(t)
	detail := g.createDetail(t, context.Background())
	for _, want := range []string{
		"holds as many keys that still work as it may: 3 of them.",
		"Expired keys do not count",
		"sms_api_keys data source and expired = false",
		"retire or delete the ones that nothing uses",
		"The gateway answered 409 key_quota_exceeded: the account holds 3 keys that have not expired",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail = %q\nwant it to contain %q", detail, want)
		}
	}
}

// A count that fails, or would hang, leaves the create's error as it was
// with the count missing, and returns when the caller's time runs out.
func TestQuotaErrorWithoutCount(t *testing.T) {
	t.Parallel()
	for name, listing := range map[string]http.HandlerFunc{
		"listing fails": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"code":"internal","message":"down for the count"}}`))
		},
		"listing hangs": func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"listing is junk": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data": "not keys"}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newQuotaGateway(t)
			g.listing = listing
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			started := time.Now()
			detail := g.createDetail(t, ctx)
			if took := time.Since(started); took > 4*time.Second {
				t.Errorf("the create's error took %s, want it within the caller's 2s", took)
			}
			for _, want := range []string{
				"holds as many keys that still work as it may; the provider could not count them (",
				"sms_api_keys data source and expired = false",
				"The gateway answered 409 key_quota_exceeded:",
			} {
				if !strings.Contains(detail, want) {
					t.Errorf("detail = %q\nwant it to contain %q", detail, want)
				}
			}
			if strings.Contains(detail, "interrupted") || strings.Contains(detail, "ran out") {
				t.Errorf("detail = %q, blames the create for the count's failure", detail)
			}
		})
	}
}
