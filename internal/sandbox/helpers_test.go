package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

// epoch is where the manual clocks of these tests start.
var epoch = time.Date(2030, 1, 15, 9, 30, 0, 0, time.UTC)

var (
	keyIDPattern     = regexp.MustCompile(`^ak_[A-Za-z0-9]{20}$`)
	requestIDPattern = regexp.MustCompile(`^req_[A-Za-z0-9]+$`)
	alnumPattern     = regexp.MustCompile(`^[A-Za-z0-9]*$`)
)

const rootKey = "RootKeyOfAccountOne0123456789"

// env is a sandbox on httptest with a manual clock, as most tests need it.
type env struct {
	*sandboxtest.Sandbox
	clock *clock.Manual
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = clock.NewManual(epoch)
	}
	// A test that brings its own clock moves it through e.clock too.
	c, _ := opts.Clock.(*clock.Manual)
	if opts.APIKeys == nil {
		opts.APIKeys = []string{rootKey}
	}
	return &env{Sandbox: sandboxtest.Start(t, opts), clock: c}
}

// answer is a response read in full.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// request sends body (raw, so tests can send broken JSON) with the key in
// X-Api-Key, and extra headers as name, value pairs.
func (e *env) request(t *testing.T, method, path, key, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.Endpoint+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if id := resp.Header.Get("X-Request-Id"); !requestIDPattern.MatchString(id) {
		t.Errorf("%s %s: X-Request-Id = %q, want req_ and random characters", req.Method, req.URL.Path, id)
	}
	if len(body) > 0 && resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s: Content-Type = %q with a body, want application/json", req.Method, req.URL.Path, resp.Header.Get("Content-Type"))
	}
	return a
}

// decode reads the body strictly into v, so a field the contract does not
// name fails the test.
func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", a.Body, err)
	}
}

func (a answer) want(t *testing.T, status int) answer {
	t.Helper()
	if a.Status != status {
		t.Fatalf("status = %d, want %d; body %s", a.Status, status, a.Body)
	}
	return a
}

// wantError checks the status and the contract's error shape; field "" means
// the error must name no field.
func (a answer) wantError(t *testing.T, status int, code, field string) {
	t.Helper()
	if a.Status != status {
		t.Errorf("status = %d, want %d; body %s", a.Status, status, a.Body)
	}
	if err := checkErrorShape(a.Body); err != "" {
		t.Errorf("error body %s: %s", a.Body, err)
		return
	}
	var body errorBody
	_ = json.Unmarshal(a.Body, &body)
	if body.Error.Code != code || body.Error.Field != field {
		t.Errorf("error = {code %q, field %q}, want {code %q, field %q}; message %q",
			body.Error.Code, body.Error.Field, code, field, body.Error.Message)
	}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// checkErrorShape says what is wrong with an error body, or "" when it is
// exactly {"error": {"code", "message", "field"?}}.
func checkErrorShape(body []byte) string {
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(body, &outer); err != nil {
		return "not a JSON object"
	}
	if len(outer) != 1 || outer["error"] == nil {
		return "want exactly one member, error"
	}
	var inner map[string]any
	if err := json.Unmarshal(outer["error"], &inner); err != nil {
		return "error is not an object"
	}
	for name, v := range inner {
		s, ok := v.(string)
		if !ok || s == "" {
			return name + " is not a non-empty string"
		}
		if name != "code" && name != "message" && name != "field" {
			return "unexpected member " + name
		}
	}
	if inner["code"] == nil || inner["message"] == nil {
		return "code or message missing"
	}
	return ""
}

// keyView is the ApiKey object as the contract defines it.
type keyView struct {
	ID             string   `json:"id"`
	Label          string   `json:"label"`
	Environment    string   `json:"environment"`
	Length         int      `json:"length"`
	Permissions    []string `json:"permissions"`
	ValidUntil     *string  `json:"valid_until"`
	Expired        bool     `json:"expired"`
	CreatedAt      string   `json:"created_at"`
	LastUsedAt     *string  `json:"last_used_at"`
	LastRevealedAt *string  `json:"last_revealed_at"`
	Revealable     bool     `json:"revealable"`
	KeyHint        string   `json:"key_hint"`
	Key            string   `json:"key"`
	Secret         string   `json:"secret"`
}

type keyList struct {
	Data           []keyView `json:"data"`
	PagingMetadata struct {
		Offset  int  `json:"offset"`
		Count   int  `json:"count"`
		Total   int  `json:"total"`
		Limit   int  `json:"limit"`
		HasMore bool `json:"has_more"`
	} `json:"pagingMetadata"`
}

// create makes a key and returns it with its key and secret.
func (e *env) create(t *testing.T, key, body string, headers ...string) keyView {
	t.Helper()
	var k keyView
	e.request(t, http.MethodPost, "/api_keys", key, body, headers...).want(t, http.StatusCreated).decode(t, &k)
	if k.Key == "" || k.Secret == "" {
		t.Fatalf("create answered no key or secret: %+v", k)
	}
	return k
}

func (e *env) get(t *testing.T, key, id string) keyView {
	t.Helper()
	var k keyView
	e.request(t, http.MethodGet, "/api_keys/"+id, key, "").want(t, http.StatusOK).decode(t, &k)
	return k
}

func (e *env) list(t *testing.T, key, query string) keyList {
	t.Helper()
	var l keyList
	e.request(t, http.MethodGet, "/api_keys"+query, key, "").want(t, http.StatusOK).decode(t, &l)
	return l
}

// credentialsView is the answer of GET /api_keys/{id}/credentials.
type credentialsView struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// credentials reads a key's credentials, which must come exactly in the
// contract's shape and never be cached.
func (e *env) credentials(t *testing.T, key, id string) credentialsView {
	t.Helper()
	var c credentialsView
	a := e.request(t, http.MethodGet, "/api_keys/"+id+"/credentials", key, "").want(t, http.StatusOK)
	a.decode(t, &c)
	if got := a.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("credentials Cache-Control = %q, want no-store", got)
	}
	if c.ID != id || !alnumPattern.MatchString(c.Key) || len(c.Key) < 16 || len(c.Secret) != 64 || !alnumPattern.MatchString(c.Secret) {
		t.Errorf("credentials of %s = %+v, want its id, a key and a 64-character secret", id, c)
	}
	return c
}

// firstKeyIDOf returns the id of the account's first key, labelled default.
func firstKeyIDOf(t *testing.T, e *env) string {
	t.Helper()
	l := e.list(t, e.APIKey, "?label=default")
	if len(l.Data) != 1 {
		t.Fatalf("keys labelled default = %q, want one", ids(l.Data))
	}
	return l.Data[0].ID
}

func ids(keys []keyView) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID
	}
	return out
}

// rfc3339 formats a time as the sandbox returns it.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
