package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// fuzzTargets are the endpoints that read a body.
var fuzzTargets = []struct{ method, path string }{
	{http.MethodPost, "/api/api_keys"},
	{http.MethodPatch, "/api/api_keys/{first}"},
	{http.MethodPost, "/api/sms"},
}

// FuzzRequestBody sends arbitrary bodies (and Idempotency-Keys) to every
// endpoint that reads one: the answer is never a 5xx, and every error has
// the contract's shape.
func FuzzRequestBody(f *testing.F) {
	seeds := []string{
		``,
		`{}`,
		`null`,
		`[]`,
		`{"label":"ci"}`,
		`{"label":"ci","environment":"sandbox","length":16,"permissions":["sms","balance"],"valid_until":"2030-02-01T00:00:00Z"}`,
		`{"label":"ci","length":1e400}`,
		`{"label":"ci","length":-0}`,
		`{"label":"ci","length":99999999999999999999999}`,
		`{"label":"ci","permissions":["sms","sms"]}`,
		`{"label":"\u0000"}`,
		`{"label":"ci","valid_until":"9999-12-31T23:59:59Z"}`,
		`{"label":"ci","valid_until":"2030-01-15T09:30:00.999999999+14:00"}`,
		`{"label":"ci","label":"ci"}`,
		`{"label":"ci"} trailing`,
		`{"permissions":null,"label":null}`,
		`{"environment":"live"}`,
		`{"to":"+491701234567,4917012345","text":"hello","from":"Shop"}`,
		`{"to":"","text":""}`,
		`{"a":{"b":{"c":[1,2,{"d":null}]}}}`,
		"\xef\xbb\xbf{\"label\":\"bom\"}",
		`{"label":"ci",`,
		`{"valid_until":"2030-01-15T10:30:00Z"}`,
		`{"label":"retiring","valid_until":"2030-01-15T09:30:00.5Z"}`,
		`{"valid_until":"2032-01-15T09:30:01Z","permissions":["sms"]}`,
		`{"valid_until":""}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s), "")
	}
	f.Add(uint8(0), []byte(`{"label":"ci"}`), "idem-1")
	f.Add(uint8(0), []byte(`{"label":"ci"}`), "\x00")

	f.Fuzz(func(t *testing.T, target uint8, body []byte, idempotencyKey string) {
		srv, err := sandbox.New(sandbox.Options{APIKeys: []string{rootKey}, Clock: clock.NewManual(epoch)})
		if err != nil {
			t.Fatal(err)
		}
		tgt := fuzzTargets[int(target)%len(fuzzTargets)]
		path := tgt.path
		if path == "/api/api_keys/{first}" {
			path = "/api/api_keys/" + firstKeyID(t, srv)
		}
		// Twice, so that replays and reuse of the Idempotency-Key are fuzzed too.
		for range 2 {
			req := httptest.NewRequest(tgt.method, path, bytes.NewReader(body))
			req.Header.Set("X-Api-Key", rootKey)
			req.Header.Set("Content-Type", "application/json")
			if idempotencyKey != "" {
				req.Header["Idempotency-Key"] = []string{idempotencyKey}
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			checkFuzzAnswer(t, rec)
		}
	})
}

// keyPathMethods are the methods FuzzKeyPath sends, GET twice as often.
var keyPathMethods = []string{http.MethodGet, http.MethodGet, http.MethodPatch, http.MethodDelete, http.MethodPost}

// FuzzKeyPath sends arbitrary ids to the routes of one key and of its
// credentials: the answer is never a 5xx, every error has the contract's
// shape, and credentials come only for the one key there is, the first.
func FuzzKeyPath(f *testing.F) {
	for _, id := range []string{"{first}", "", "ak_AAAAAAAAAAAAAAAAAAAA", "..", "a/b", "%2F", "{first}/credentials", " ", "\x00"} {
		f.Add(uint8(0), id, true)
		f.Add(uint8(2), id, false)
	}
	f.Fuzz(func(t *testing.T, method uint8, id string, credentials bool) {
		srv, err := sandbox.New(sandbox.Options{APIKeys: []string{rootKey}, Clock: clock.NewManual(epoch)})
		if err != nil {
			t.Fatal(err)
		}
		id = strings.ReplaceAll(id, "{first}", firstKeyID(t, srv))
		target := "/api/api_keys/" + url.PathEscape(id)
		if credentials {
			target += "/credentials"
		}
		req, err := http.NewRequest(keyPathMethods[int(method)%len(keyPathMethods)], "http://sandbox"+target, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Api-Key", rootKey)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusNoContent {
			return
		}
		checkFuzzAnswer(t, rec)
		if credentials && rec.Code == http.StatusOK && !strings.Contains(rec.Body.String(), `"key":"`+rootKey+`"`) {
			t.Fatalf("credentials of %q answered %s, which is not the first key", id, rec.Body)
		}
	})
}

func checkFuzzAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Fatal("no X-Request-Id")
	}
	if rec.Code >= 400 {
		if msg := checkErrorShape(rec.Body.Bytes()); msg != "" {
			t.Fatalf("status %d, error body %s: %s", rec.Code, rec.Body, msg)
		}
	} else if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("status %d with a body that is not JSON: %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("Content-Type = %q", rec.Header().Get("Content-Type"))
	}
}

func firstKeyID(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/api_keys", nil)
	req.Header.Set("X-Api-Key", rootKey)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var l keyList
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil || len(l.Data) != 1 {
		t.Fatalf("listing the first key: %d %s", rec.Code, rec.Body)
	}
	return l.Data[0].ID
}
