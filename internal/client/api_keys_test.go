package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func createdKeyJSON(t *testing.T) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/api_key_created.json")
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestCreateAPIKey(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, nil)

	validUntil := time.Date(2030, 1, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*60*60))
	key, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{
		Label:       "ci deploys",
		Environment: EnvironmentSandbox,
		Length:      32,
		Permissions: []string{"balance", "sms"},
		ValidUntil:  &validUntil,
	})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}

	want := &APIKey{
		ID:             "ak_0123456789abcdefghij",
		Label:          "ci deploys",
		Environment:    "sandbox",
		Length:         32,
		Permissions:    []string{"balance", "sms"},
		ValidUntil:     ptr(time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)),
		CreatedAt:      time.Date(2025, 11, 27, 12, 0, 0, 0, time.UTC),
		LastRevealedAt: ptr(time.Date(2025, 11, 28, 8, 30, 0, 0, time.UTC)),
		Revealable:     true,
		KeyHint:        "WXYZ",
		Key:            "abcdefghijklmnopqrstuvwxyzABWXYZ",
		Secret:         "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tABCD",
	}
	if !reflect.DeepEqual(key, want) {
		t.Errorf("key = %+v, want %+v", key, want)
	}

	reqs := g.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	got := reqs[0]
	if got.method != http.MethodPost || got.path != "/api/api_keys" || got.query != "" {
		t.Errorf("request = %s %s?%s, want POST /api/api_keys", got.method, got.path, got.query)
	}
	for header, want := range map[string]string{
		"X-Api-Key":    testAPIKey,
		"User-Agent":   "client-test/1.0",
		"Accept":       "application/json",
		"Content-Type": "application/json",
	} {
		if v := got.header.Get(header); v != want {
			t.Errorf("%s = %q, want %q", header, v, want)
		}
	}
	if idem := got.header.Get("Idempotency-Key"); len(idem) < 1 || len(idem) > 255 {
		t.Errorf("Idempotency-Key = %q, want 1 to 255 characters", idem)
	}
	wantBody := `{"label":"ci deploys","environment":"sandbox","length":32,"permissions":["balance","sms"],"valid_until":"2030-01-01T10:00:00Z"}`
	if string(got.body) != wantBody {
		t.Errorf("body = %s, want %s", got.body, wantBody)
	}
}

func TestCreateAPIKeyLeavesDefaultsToTheGateway(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, nil)

	if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "only a label"}); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if body := string(g.requests()[0].body); body != `{"label":"only a label"}` {
		t.Errorf("body = %s, want only the label", body)
	}
}

func TestCreateAPIKeyRetriesWithTheSameIdempotencyKeyAndBody(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			// The gateway may have created the key before the answer was lost.
			dropConnection(t, w)
		case 2:
			writeError(t, w, http.StatusServiceUnavailable, "internal", "try again")
		default:
			w.Header().Set("Idempotent-Replayed", "true")
			writeCreated(t, w)
		}
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 2 })

	key, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "ci deploys", Permissions: []string{"sms"}})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if key.ID != "ak_0123456789abcdefghij" {
		t.Errorf("id = %q", key.ID)
	}
	reqs := g.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	first := reqs[0]
	for i, r := range reqs[1:] {
		if r.header.Get("Idempotency-Key") != first.header.Get("Idempotency-Key") {
			t.Errorf("attempt %d: Idempotency-Key %q, want %q as in the first", i+2, r.header.Get("Idempotency-Key"), first.header.Get("Idempotency-Key"))
		}
		if !bytes.Equal(r.body, first.body) {
			t.Errorf("attempt %d: body %s, want %s as in the first", i+2, r.body, first.body)
		}
	}
	if n := len(waits.all()); n != 2 {
		t.Errorf("%d waits, want 2", n)
	}
}

func TestCreateAPIKeyUsesAFreshIdempotencyKeyPerCall(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeCreated(t, w)
	})
	c, _ := newTestClient(t, g, nil)

	for range 2 {
		if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "same"}); err != nil {
			t.Fatalf("CreateAPIKey: %v", err)
		}
	}
	reqs := g.requests()
	if a, b := reqs[0].header.Get("Idempotency-Key"), reqs[1].header.Get("Idempotency-Key"); a == b {
		t.Errorf("two calls share Idempotency-Key %q", a)
	}
}

func TestCreateAPIKeyRejectsAnIncompleteAnswer(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		drop []string
		want string
	}{
		"no id":     {drop: []string{"id"}, want: "POST /api_keys: 201 response (request id req_test): the answer names no key id"},
		"no key":    {drop: []string{"key"}, want: "POST /api_keys: 201 response (request id req_test): the answer for key ak_0123456789abcdefghij lacks its key or secret"},
		"no secret": {drop: []string{"secret"}, want: "POST /api_keys: 201 response (request id req_test): the answer for key ak_0123456789abcdefghij lacks its key or secret"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var answer map[string]any
			if err := json.Unmarshal(createdKeyJSON(t), &answer); err != nil {
				t.Fatal(err)
			}
			for _, field := range tc.drop {
				delete(answer, field)
			}
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(t, w, http.StatusCreated, answer)
			})
			c, _ := newTestClient(t, g, nil)

			key, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Label: "x"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if key != nil {
				t.Errorf("key = %+v, want nil", key)
			}
			// The key exists when the answer named it, and the caller must
			// be able to say which one to remove.
			var malformed *MalformedAnswerError
			wantID, _ := answer["id"].(string)
			if !errors.As(err, &malformed) || malformed.KeyID != wantID {
				t.Errorf("err = %#v, want a malformed answer naming key %v", err, answer["id"])
			}
		})
	}
}

func TestGetAPIKey(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		key := testKey("ak_1")
		key["valid_until"] = "2026-06-01T00:00:00Z"
		key["last_used_at"] = "2025-12-01T08:30:00Z"
		key["expired"] = true
		key["a_field_from_a_later_version"] = 7
		writeJSON(t, w, http.StatusOK, key)
	})
	c, _ := newTestClient(t, g, nil)

	key, err := c.GetAPIKey(t.Context(), "ak_1")
	if err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	want := &APIKey{
		ID:          "ak_1",
		Label:       "label of ak_1",
		Environment: "live",
		Length:      64,
		Permissions: []string{"balance", "sms"},
		ValidUntil:  ptr(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)),
		Expired:     true,
		CreatedAt:   time.Date(2025, 11, 27, 12, 0, 0, 0, time.UTC),
		LastUsedAt:  ptr(time.Date(2025, 12, 1, 8, 30, 0, 0, time.UTC)),
		KeyHint:     "abcd",
	}
	if !reflect.DeepEqual(key, want) {
		t.Errorf("key = %+v, want %+v", key, want)
	}
	got := g.requests()[0]
	if got.method != http.MethodGet || got.path != "/api/api_keys/ak_1" || len(got.body) != 0 {
		t.Errorf("request = %s %s with %d body bytes, want GET /api/api_keys/ak_1 without body", got.method, got.path, len(got.body))
	}
	if got.header.Get("X-Api-Key") != testAPIKey || got.header.Get("Idempotency-Key") != "" || got.header.Get("Content-Type") != "" {
		t.Errorf("headers = %v, want the API key, no Idempotency-Key and no Content-Type", got.header)
	}
}

// A 404 that is not the gateway's not_found, such as a proxy's page or the
// answer to a wrong base URL, must not pass for a deleted key.
func TestNotFoundNeedsTheContractsCode(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		contentType, body string
		want              bool
	}{
		"not_found":       {"application/json", `{"error": {"code": "not_found", "message": "no such key"}}`, true},
		"other code":      {"application/json", `{"error": {"code": "unknown_path", "message": "no such path"}}`, false},
		"html from proxy": {"text/html", `<html><body><h1>404 Not Found</h1></body></html>`, false},
		"empty body":      {"", ``, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, tc.body)
			})
			c, _ := newTestClient(t, g, nil)
			_, err := c.GetAPIKey(t.Context(), "ak_x")
			if err == nil || NotFound(err) != tc.want {
				t.Errorf("NotFound(%v) = %v, want %v", err, NotFound(err), tc.want)
			}
		})
	}
}

func TestGetAPIKeyNotFound(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req_1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error": {"code": "not_found", "message": "no such key"}}`)
	})
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })

	key, err := c.GetAPIKey(t.Context(), "ak_x")
	if key != nil {
		t.Errorf("key = %+v, want nil", key)
	}
	if !NotFound(err) {
		t.Fatalf("NotFound(%v) = false", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %T is no *APIError", err)
	}
	want := APIError{StatusCode: 404, Code: "not_found", Message: "no such key", RequestID: "req_1", Method: "GET", Path: "/api_keys/ak_x"}
	if *apiErr != want {
		t.Errorf("APIError = %+v, want %+v", *apiErr, want)
	}
	if msg, want := err.Error(), "GET /api_keys/ak_x: 404 not_found: no such key (request id req_1)"; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
	if len(g.requests()) != 1 || len(waits.all()) != 0 {
		t.Errorf("%d requests and %d waits, want 1 and none: a 404 is final", len(g.requests()), len(waits.all()))
	}
}

// An id the gateway never issues is refused before any request: an empty
// one would list every key, and one with "/" or ".." reach another path.
func TestKeyIDsTheGatewayNeverIssuesAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusOK, testKey("ak_1"))
	})
	c, _ := newTestClient(t, g, nil)
	ctx := t.Context()

	for id, want := range map[string]string{
		"":                       "a key id must not be empty",
		"../balance":             "a key id has only letters, digits, _ and -",
		"ak_1/credentials":       "a key id has only letters, digits, _ and -",
		"ak 1":                   "a key id has only letters, digits, _ and -",
		"ak_1?x=1":               "a key id has only letters, digits, _ and -",
		"ak_ü":                   "a key id has only letters, digits, _ and -",
		strings.Repeat("a", 129): "a key id has at most 128 characters",
	} {
		_, getErr := c.GetAPIKey(ctx, id)
		_, updateErr := c.UpdateAPIKey(ctx, id, UpdateAPIKeyInput{Label: ptr("x")})
		deleteErr := c.DeleteAPIKey(ctx, id)
		_, credentialsErr := c.GetCredentials(ctx, id)
		for _, err := range []error{getErr, updateErr, deleteErr, credentialsErr, CheckKeyID(id)} {
			if err == nil || err.Error() != want {
				t.Errorf("id %q: err = %v, want %q", id, err, want)
			}
		}
	}
	for _, id := range []string{"ak_0123456789abcdefghij", "a", "key-1_B", strings.Repeat("z", 128)} {
		if err := CheckKeyID(id); err != nil {
			t.Errorf("CheckKeyID(%q) = %v, want nil", id, err)
		}
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestGetAPIKeyWithoutID(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusOK, map[string]any{"label": "x"})
	})
	c, _ := newTestClient(t, g, nil)

	_, err := c.GetAPIKey(t.Context(), "ak_1")
	var malformed *MalformedAnswerError
	if !errors.As(err, &malformed) || err.Error() != "GET /api_keys/ak_1: 200 response (request id req_test): the answer names no key id" {
		t.Errorf("err = %v, want the missing id named with the request id", err)
	}
}

func TestUpdateAPIKey(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   UpdateAPIKeyInput
		body string
	}{
		"label":       {in: UpdateAPIKeyInput{Label: ptr("renamed")}, body: `{"label":"renamed"}`},
		"permissions": {in: UpdateAPIKeyInput{Permissions: []string{"sms", "status"}}, body: `{"permissions":["sms","status"]}`},
		"both":        {in: UpdateAPIKeyInput{Label: ptr(""), Permissions: []string{"sms"}}, body: `{"label":"","permissions":["sms"]}`},
		"valid_until in UTC": {
			in:   UpdateAPIKeyInput{ValidUntil: ptr(time.Date(2030, 1, 2, 5, 0, 0, 0, time.FixedZone("CET", 3600)))},
			body: `{"valid_until":"2030-01-02T04:00:00Z"}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				key := testKey("ak_1")
				key["label"] = "renamed"
				writeJSON(t, w, http.StatusOK, key)
			})
			c, _ := newTestClient(t, g, nil)

			key, err := c.UpdateAPIKey(t.Context(), "ak_1", tc.in)
			if err != nil {
				t.Fatalf("UpdateAPIKey: %v", err)
			}
			if key.ID != "ak_1" || key.Label != "renamed" {
				t.Errorf("key = %+v", key)
			}
			got := g.requests()[0]
			if got.method != http.MethodPatch || got.path != "/api/api_keys/ak_1" {
				t.Errorf("request = %s %s, want PATCH /api/api_keys/ak_1", got.method, got.path)
			}
			if string(got.body) != tc.body || got.header.Get("Content-Type") != "application/json" {
				t.Errorf("body = %s (%s), want %s as JSON", got.body, got.header.Get("Content-Type"), tc.body)
			}
		})
	}
}

func TestUpdateAPIKeyImmutableField(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(t, w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]string{
			"code": "immutable_field", "message": "environment cannot change", "field": "environment",
		}})
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 2 })

	_, err := c.UpdateAPIKey(t.Context(), "ak_1", UpdateAPIKeyInput{Label: ptr("x")})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "immutable_field" || apiErr.Field != "environment" {
		t.Fatalf("err = %v, want immutable_field on environment", err)
	}
	if want := "PATCH /api_keys/ak_1: 422 immutable_field: environment cannot change (field environment) (request id req_test)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDeleteAPIKey(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(t, w, http.StatusNotFound, "not_found", "no such key")
	})
	c, _ := newTestClient(t, g, nil)

	if err := c.DeleteAPIKey(t.Context(), "ak_1"); err != nil {
		t.Fatalf("DeleteAPIKey: %v", err)
	}
	if err := c.DeleteAPIKey(t.Context(), "ak_1"); !NotFound(err) {
		t.Errorf("second delete: err = %v, want not found", err)
	}
	got := g.requests()[0]
	if got.method != http.MethodDelete || got.path != "/api/api_keys/ak_1" || len(got.body) != 0 {
		t.Errorf("request = %s %s with body %q, want DELETE /api/api_keys/ak_1", got.method, got.path, got.body)
	}
}

// pagedGateway serves total keys by offset and limit, as the contract does.
func pagedGateway(t *testing.T, total int) *fakeGateway {
	return newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		offset, err1 := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err2 := strconv.Atoi(r.URL.Query().Get("limit"))
		if err1 != nil || err2 != nil {
			t.Errorf("query %q lacks offset or limit", r.URL.RawQuery)
		}
		data := []map[string]any{}
		for i := offset; i < min(offset+limit, total); i++ {
			data = append(data, testKey(fmt.Sprintf("ak_%03d", i)))
		}
		writeJSON(t, w, http.StatusOK, map[string]any{
			"data": data,
			"pagingMetadata": map[string]any{
				"offset": offset, "count": len(data), "total": total, "limit": limit,
				"has_more": offset+len(data) < total,
			},
		})
	})
}

func TestListAPIKeysFollowsEveryPage(t *testing.T) {
	t.Parallel()
	g := pagedGateway(t, 250)
	c, _ := newTestClient(t, g, nil)

	keys, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	if len(keys) != 250 {
		t.Fatalf("%d keys, want 250", len(keys))
	}
	for i, key := range keys {
		if want := fmt.Sprintf("ak_%03d", i); key.ID != want {
			t.Fatalf("key %d = %q, want %q: the API's order", i, key.ID, want)
		}
	}
	var queries []string
	for _, r := range g.requests() {
		queries = append(queries, r.method+" "+r.path+"?"+r.query)
	}
	want := []string{
		"GET /api/api_keys?limit=100&offset=0",
		"GET /api/api_keys?limit=100&offset=100",
		"GET /api/api_keys?limit=100&offset=200",
	}
	if !reflect.DeepEqual(queries, want) {
		t.Errorf("requests = %q, want %q", queries, want)
	}
}

func TestListAPIKeysFiltersAndPageSize(t *testing.T) {
	t.Parallel()
	g := pagedGateway(t, 30)
	c, _ := newTestClient(t, g, nil)

	keys, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{Environment: EnvironmentSandbox, Label: "a & b", PageSize: 25})
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	if len(keys) != 30 {
		t.Errorf("%d keys, want 30", len(keys))
	}
	reqs := g.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if want := "environment=sandbox&label=a+%26+b&limit=25&offset=25"; reqs[1].query != want {
		t.Errorf("query = %q, want %q", reqs[1].query, want)
	}
}

func TestListAPIKeysEmpty(t *testing.T) {
	t.Parallel()
	g := pagedGateway(t, 0)
	c, _ := newTestClient(t, g, nil)

	keys, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	if keys == nil || len(keys) != 0 {
		t.Errorf("keys = %#v, want an empty list", keys)
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestListAPIKeysStopsOnABrokenPager(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		page map[string]any
		want string
	}{
		"offset ignored": {
			page: map[string]any{"data": []any{testKey("ak_1")}, "pagingMetadata": map[string]any{"offset": 0, "has_more": true}},
			want: "GET /api_keys?limit=100&offset=1: 200 response (request id req_test): the answer is the page at offset 0",
		},
		"more promised, none given": {
			page: map[string]any{"data": []any{}, "pagingMetadata": map[string]any{"offset": 0, "has_more": true}},
			want: "GET /api_keys?limit=100&offset=0: 200 response (request id req_test): the answer promises more keys but holds none",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(t, w, http.StatusOK, tc.page)
			})
			c, _ := newTestClient(t, g, nil)

			keys, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if keys != nil {
				t.Errorf("keys = %v, want nil", keys)
			}
			if n := len(g.requests()); n > 2 {
				t.Errorf("%d requests, want at most 2", n)
			}
		})
	}
}

func TestListAPIKeysRejectsAPageSizeOutOfRange(t *testing.T) {
	t.Parallel()
	g := pagedGateway(t, 1)
	c, _ := newTestClient(t, g, nil)

	for _, size := range []int{-1, 101} {
		_, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{PageSize: size})
		if want := fmt.Sprintf("page size must be between 1 and 100, got %d", size); err == nil || err.Error() != want {
			t.Errorf("page size %d: err = %v, want %q", size, err, want)
		}
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestBalance(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			fmt.Fprint(w, `{"amount": 12.5, "currency": "EUR"}`)
			return
		}
		fmt.Fprint(w, `{"amount": 3}`)
	})
	c, _ := newTestClient(t, g, nil)

	balance, err := c.Balance(t.Context())
	if err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if *balance != (Balance{Amount: 12.5, Currency: "EUR"}) {
		t.Errorf("balance = %+v", balance)
	}
	if got := g.requests()[0]; got.method != http.MethodGet || got.path != "/api/balance" || got.header.Get("X-Api-Key") != testAPIKey {
		t.Errorf("request = %s %s, want GET /api/balance with the key", got.method, got.path)
	}
	if _, err := c.Balance(t.Context()); err == nil || !strings.Contains(err.Error(), "GET /balance: 200 response: the answer names no currency") {
		t.Errorf("err = %v, want the missing currency named", err)
	}
}

func ptr[T any](v T) *T { return &v }

// A create is looked up by its Idempotency-Key with a GET, retried like any,
// that never shows the Idempotency-Key in logs or errors.
func TestFindCreated(t *testing.T) {
	t.Parallel()
	create, err := NewCreateRequest(CreateAPIKeyInput{Label: "looked-up"})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		listed  []map[string]any
		wantID  string
		wantErr string
	}{
		"found":       {listed: []map[string]any{testKey("ak_found")}, wantID: "ak_found"},
		"not found":   {listed: []map[string]any{}},
		"two for one": {listed: []map[string]any{testKey("ak_a"), testKey("ak_b")}, wantErr: "lists 2 keys for one create"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					writeError(t, w, http.StatusServiceUnavailable, "internal", "busy")
					return
				}
				writeJSON(t, w, http.StatusOK, map[string]any{"data": tc.listed,
					"pagingMetadata": map[string]any{"offset": 0, "count": len(tc.listed), "total": len(tc.listed), "limit": 100, "has_more": false}})
			})
			var logged strings.Builder
			c, _ := newTestClient(t, g, func(cfg *Config) {
				cfg.MaxRetries = 1
				cfg.Log = func(_ context.Context, _ string, fields map[string]any) { fmt.Fprint(&logged, fields) }
			})
			key, err := c.FindCreated(t.Context(), create)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FindCreated = %v, %v; want an error saying %q", key, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), create.IdempotencyKey) {
					t.Errorf("the error shows the Idempotency-Key: %v", err)
				}
			case err != nil:
				t.Fatalf("FindCreated: %v", err)
			case tc.wantID == "" && key != nil:
				t.Errorf("FindCreated = %s, want none", key.ID)
			case tc.wantID != "" && (key == nil || key.ID != tc.wantID):
				t.Errorf("FindCreated = %v, want %s", key, tc.wantID)
			}
			reqs := g.requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want the first and one retry", len(reqs))
			}
			for _, r := range reqs {
				want := url.Values{"idempotency_key": {create.IdempotencyKey}, "limit": {"100"}, "offset": {"0"}}.Encode()
				if r.method != http.MethodGet || r.path != "/api/api_keys" || r.query != want || len(r.body) != 0 {
					t.Errorf("request %s %s?%s, want GET /api/api_keys?%s", r.method, r.path, r.query, want)
				}
				if r.header.Get("Idempotency-Key") != "" {
					t.Error("the lookup sent an Idempotency-Key header, as a create would")
				}
			}
			if !strings.Contains(logged.String(), "idempotency_key=redacted") || strings.Contains(logged.String(), create.IdempotencyKey) {
				t.Errorf("the log shows the Idempotency-Key, or no lookup at all: %s", logged.String())
			}
		})
	}
}

func TestFindCreatedNeedsAnIdempotencyKey(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("a request was sent") })
	c, _ := newTestClient(t, g, nil)
	if _, err := c.FindCreated(t.Context(), CreateRequest{Body: []byte(`{}`)}); err == nil {
		t.Error("FindCreated without an Idempotency-Key succeeded")
	}
}
