package sandbox_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // the signature's format
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

const signingKey = "SigningKeyOfAccountOne0123456789"

// hookRequest sends a /hooks request; contentType "" sends none.
func (e *env) hookRequest(t *testing.T, method, query, contentType, body string, auth ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	target := e.Endpoint + "/hooks"
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if len(auth) == 0 {
		auth = []string{"X-Api-Key", rootKey}
	}
	for i := 0; i+1 < len(auth); i += 2 {
		req.Header.Set(auth[i], auth[i+1])
	}
	return send(t, req)
}

type listedHook struct {
	ID            string  `json:"id"`
	TargetURL     string  `json:"target_url"`
	EventType     string  `json:"event_type"`
	RequestMethod string  `json:"request_method"`
	EventFilter   *string `json:"event_filter"`
	Headers       string  `json:"headers"`
	Enabled       bool    `json:"enabled"`
	Created       string  `json:"created"`
}

type hookList struct {
	Success bool         `json:"success"`
	Code    *string      `json:"code"`
	Hooks   []listedHook `json:"hooks"`
}

type hookAnswer struct {
	Success      bool    `json:"success"`
	Code         *string `json:"code"`
	ID           *int64  `json:"id"`
	ErrorMessage string  `json:"error_message"`
}

func (e *env) listHooks(t *testing.T, key string) []listedHook {
	t.Helper()
	var list hookList
	e.hookRequest(t, http.MethodGet, "", "", "", "X-Api-Key", key).want(t, http.StatusOK).decode(t, &list)
	if !list.Success || list.Hooks == nil {
		t.Fatalf("list %+v", list)
	}
	return list.Hooks
}

func (e *env) createHook(t *testing.T, form url.Values) int64 {
	t.Helper()
	var created hookAnswer
	e.hookRequest(t, http.MethodPost, "", "application/x-www-form-urlencoded", form.Encode()).want(t, http.StatusOK).decode(t, &created)
	if !created.Success || created.ID == nil {
		t.Fatalf("create %+v", created)
	}
	return *created.ID
}

func TestHooks_createListDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	id := e.createHook(t, url.Values{"target_url": {"https://receiver.example/dlr"}, "event_type": {"dlr"}})
	if id != 2045 {
		t.Errorf("first id %d, want 2045", id)
	}
	// The answer carries the id as a number, the listing as a string.
	raw := e.hookRequest(t, http.MethodPost, "", "", `target_url=https%3A%2F%2Fr.example&event_type=sms_mo&request_method=JSON&event_filter=%2B491701234567&headers=Authorization%3A+Bearer+x%0AX-Team%3A+a`).want(t, http.StatusOK)
	if !bytes.Contains(raw.Body, []byte(`"id":2046`)) {
		t.Errorf("create answer %s, want the id as an integer", raw.Body)
	}

	hooks := e.listHooks(t, rootKey)
	filter := "+491701234567"
	want := []listedHook{
		{ID: "2045", TargetURL: "https://receiver.example/dlr", EventType: "dlr", RequestMethod: "POST", Enabled: true, Created: "2030-01-15 10:30:00"},
		{ID: "2046", TargetURL: "https://r.example", EventType: "sms_mo", RequestMethod: "JSON", EventFilter: &filter,
			Headers: "Authorization: Bearer x\nX-Team: a", Enabled: true, Created: "2030-01-15 10:30:00"},
	}
	if !reflect.DeepEqual(hooks, want) {
		t.Errorf("listed\n %+v\nwant\n %+v", hooks, want)
	}
	list := e.hookRequest(t, http.MethodGet, "", "", "").want(t, http.StatusOK)
	if !bytes.Contains(list.Body, []byte(`"event_filter":null`)) || !bytes.Contains(list.Body, []byte(`"code":null`)) {
		t.Errorf("listing %s, want event_filter and code null where unset", list.Body)
	}

	var deleted hookAnswer
	e.hookRequest(t, http.MethodDelete, "id=2045", "", "").want(t, http.StatusOK).decode(t, &deleted)
	if !deleted.Success {
		t.Errorf("delete %+v", deleted)
	}
	var again hookAnswer
	e.hookRequest(t, http.MethodDelete, "id=2045", "", "").want(t, http.StatusOK).decode(t, &again)
	if again.Success || again.ErrorMessage == "" {
		t.Errorf("second delete %+v, want success false with a message", again)
	}
	if hooks := e.listHooks(t, rootKey); len(hooks) != 1 || hooks[0].ID != "2046" {
		t.Errorf("after delete: %+v", hooks)
	}
}

// JSON bodies and seven.io's older style, action=…, are served too.
func TestHooks_otherStyles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	var created hookAnswer
	e.hookRequest(t, http.MethodPost, "", "application/json", `{"target_url":"http://127.0.0.1:9/x","event_type":"all","request_method":"GET"}`).
		want(t, http.StatusOK).decode(t, &created)
	e.hookRequest(t, http.MethodPost, "", "application/x-www-form-urlencoded", "action=subscribe&target_url=https%3A%2F%2Fa.example&event_type=tracking").
		want(t, http.StatusOK).decode(t, &created)
	var list hookList
	e.hookRequest(t, http.MethodGet, "action=read", "", "").want(t, http.StatusOK).decode(t, &list)
	if len(list.Hooks) != 2 || list.Hooks[0].RequestMethod != "GET" || list.Hooks[1].EventType != "tracking" {
		t.Fatalf("list %+v", list)
	}
	var deleted hookAnswer
	e.hookRequest(t, http.MethodPost, "", "application/x-www-form-urlencoded", "action=unsubscribe&id=2045").want(t, http.StatusOK).decode(t, &deleted)
	e.hookRequest(t, http.MethodDelete, "", "application/json", `{"id": 2046}`).want(t, http.StatusOK).decode(t, &deleted)
	if !deleted.Success || len(e.listHooks(t, rootKey)) != 0 {
		t.Errorf("deletes by form and JSON body left %+v", e.listHooks(t, rootKey))
	}
}

func TestHooks_refusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	cases := map[string]struct {
		body string
		want string
	}{
		"no URL":            {"event_type=dlr", "Invalid URL"},
		"relative URL":      {"target_url=%2Fevents&event_type=dlr", "Invalid URL"},
		"ftp URL":           {"target_url=ftp%3A%2F%2Fa.example&event_type=dlr", "Invalid URL"},
		"user info":         {"target_url=https%3A%2F%2Fu%3Ap%40a.example&event_type=dlr", "Invalid URL"},
		"event type case":   {"target_url=https%3A%2F%2Fa.example&event_type=DLR", "Invalid event type"},
		"unknown event":     {"target_url=https%3A%2F%2Fa.example&event_type=sms", "Invalid event type"},
		"method lower case": {"target_url=https%3A%2F%2Fa.example&event_type=dlr&request_method=post", "Invalid request method"},
		"method PUT":        {"target_url=https%3A%2F%2Fa.example&event_type=dlr&request_method=PUT", "Invalid request method"},
		"header no colon":   {"target_url=https%3A%2F%2Fa.example&event_type=dlr&headers=Authorization+Bearer", "Invalid headers"},
		"header bad name":   {"target_url=https%3A%2F%2Fa.example&event_type=dlr&headers=X+Y%3A+z", "Invalid headers"},
		"filter two lines":  {"target_url=https%3A%2F%2Fa.example&event_type=dlr&event_filter=1%0A2", "Invalid event filter"},
		"unknown action":    {"action=update&id=1", "Invalid action"},
	}
	for name, tc := range cases {
		var got hookAnswer
		// HTTP 200, as seven.io answers every refusal.
		e.hookRequest(t, http.MethodPost, "", "application/x-www-form-urlencoded", tc.body).want(t, http.StatusOK).decode(t, &got)
		if got.Success || got.ID != nil || !strings.HasPrefix(got.ErrorMessage, tc.want) {
			t.Errorf("%s: %+v, want success false saying %q", name, got, tc.want)
		}
	}
	var got hookAnswer
	e.hookRequest(t, http.MethodPost, "", "application/json", `{"target_url": ["https://a.example"]}`).want(t, http.StatusOK).decode(t, &got)
	if got.Success || !strings.Contains(got.ErrorMessage, "target_url must be a string") {
		t.Errorf("JSON of the wrong type: %+v", got)
	}
	if hooks := e.listHooks(t, rootKey); len(hooks) != 0 {
		t.Errorf("refused creates left %+v", hooks)
	}
	if a := e.hookRequest(t, http.MethodPut, "", "", ""); a.Status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", a.Status)
	}
}

// Keys as seven.io takes them, and refused with its bare codes.
func TestHooks_authentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	smsOnly := e.create(t, rootKey, `{"label":"sms only","permissions":["sms"]}`).Key
	for name, auth := range map[string][]string{
		"X-Api-Key":          {"X-Api-Key", rootKey},
		"Basic with the key": {"Authorization", "Basic " + rootKey},
		"Bearer":             {"Authorization", "Bearer " + rootKey},
	} {
		if a := e.hookRequest(t, http.MethodGet, "", "", "", auth...); a.Status != http.StatusOK {
			t.Errorf("%s: %d %s", name, a.Status, a.Body)
		}
	}
	for name, tc := range map[string]struct {
		auth   []string
		status int
		body   string
	}{
		"no key":         {[]string{"X-None", "x"}, http.StatusUnauthorized, "900"},
		"unknown key":    {[]string{"X-Api-Key", "NoSuchKey0123456789"}, http.StatusUnauthorized, "900"},
		"no hooks scope": {[]string{"X-Api-Key", smsOnly}, http.StatusForbidden, "902"},
	} {
		a := e.hookRequest(t, http.MethodPost, "", "application/x-www-form-urlencoded", "target_url=https%3A%2F%2Fa.example&event_type=dlr", tc.auth...)
		if a.Status != tc.status || string(a.Body) != tc.body {
			t.Errorf("%s: %d %q, want %d %q", name, a.Status, a.Body, tc.status, tc.body)
		}
	}
	if hooks := e.listHooks(t, rootKey); len(hooks) != 0 {
		t.Errorf("refused keys made %+v", hooks)
	}
}

func TestHooks_accountsAreIsolated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Accounts: 2})
	other := e.Server.APIKeys()[1]
	id := e.createHook(t, url.Values{"target_url": {"https://a.example"}, "event_type": {"dlr"}})
	if hooks := e.listHooks(t, other); len(hooks) != 0 {
		t.Errorf("the other account lists %+v", hooks)
	}
	var got hookAnswer
	e.hookRequest(t, http.MethodDelete, fmt.Sprintf("id=%d", id), "", "", "X-Api-Key", other).want(t, http.StatusOK).decode(t, &got)
	if got.Success || len(e.listHooks(t, rootKey)) != 1 {
		t.Errorf("the other account deleted hook %d: %+v", id, got)
	}
}

// receiver is an HTTP server on loopback that records what it receives and
// answers with the statuses queued, then 200.
type receiver struct {
	*httptest.Server
	got      chan received
	statuses chan int
}

type received struct {
	method string
	url    string // as signed: scheme, host, path and query
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	rc := &receiver{got: make(chan received, 100), statuses: make(chan int, len(statuses))}
	for _, s := range statuses {
		rc.statuses <- s
	}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.got <- received{method: r.Method, url: "http://" + r.Host + r.URL.RequestURI(), header: r.Header.Clone(), body: body}
		select {
		case s := <-rc.statuses:
			w.WriteHeader(s)
		default:
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-rc.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
		return received{}
	}
}

// verify checks a delivery's signature as a receiver must: written here
// again from the contract, not taken from the sandbox.
func verify(t *testing.T, key string, r received) {
	t.Helper()
	ts, nonce, sig := r.header.Get("X-Timestamp"), r.header.Get("X-Nonce"), r.header.Get("X-Signature")
	if len(nonce) != 32 || !alnumPattern.MatchString(nonce) {
		t.Errorf("X-Nonce %q, want 32 letters and digits", nonce)
	}
	if ts != fmt.Sprint(epoch.Unix()) {
		t.Errorf("X-Timestamp %q, want the sandbox's clock, %d", ts, epoch.Unix())
	}
	sum := md5.Sum(r.body) //nolint:gosec // the signature's format
	mac := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(mac, "%s\n%s\n%s\n%s\n%s", ts, nonce, r.method, r.url, hex.EncodeToString(sum[:]))
	if want := hex.EncodeToString(mac.Sum(nil)); sig != want {
		t.Errorf("X-Signature %q, want %q", sig, want)
	}
}

func TestHooks_deliversSignedReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{SigningKeys: []string{signingKey}})
	rc := newReceiver(t)
	for _, method := range []string{"POST", "JSON", "GET"} {
		e.createHook(t, url.Values{"target_url": {rc.URL + "/events/" + method + "?team=checkout"}, "event_type": {"dlr"},
			"request_method": {method}, "headers": {"Authorization: Bearer receiver-secret"}})
	}
	e.createHook(t, url.Values{"target_url": {rc.URL + "/inbound"}, "event_type": {"sms_mo"}})
	var sent struct {
		Success  string `json:"success"`
		Messages []struct {
			ID        string `json:"id"`
			Recipient string `json:"recipient"`
			Sandbox   bool   `json:"sandbox"`
		} `json:"messages"`
	}
	e.request(t, http.MethodPost, "/sms", rootKey, `{"to":"+491701234567","text":"hi"}`).want(t, http.StatusOK).decode(t, &sent)

	byPath := map[string]received{}
	for range 3 {
		r := rc.next(t)
		u, _ := url.Parse(r.url)
		byPath[u.Path] = r
	}
	wantFields := map[string]string{"webhook_event": "dlr", "webhook_timestamp": "2030-01-15 10:30:00",
		"msg_id": sent.Messages[0].ID, "status": "DELIVERED", "timestamp": "2030-01-15 10:30:00.000"}

	post := byPath["/events/POST"]
	form, _ := url.ParseQuery(string(post.body))
	if post.method != http.MethodPost || post.header.Get("Content-Type") != "application/x-www-form-urlencoded" || len(form) != len(wantFields) {
		t.Errorf("POST delivery: %s %q %s", post.method, post.header.Get("Content-Type"), post.body)
	}
	for name, value := range wantFields {
		if form.Get(name) != value {
			t.Errorf("POST delivery: %s = %q, want %q", name, form.Get(name), value)
		}
	}

	jsonDelivery := byPath["/events/JSON"]
	var payload struct {
		Data             map[string]string `json:"data"`
		WebhookEvent     string            `json:"webhook_event"`
		WebhookTimestamp string            `json:"webhook_timestamp"`
	}
	if err := json.Unmarshal(jsonDelivery.body, &payload); err != nil || jsonDelivery.header.Get("Content-Type") != "application/json" {
		t.Errorf("JSON delivery %s: %v", jsonDelivery.body, err)
	}
	if payload.WebhookEvent != "dlr" || payload.Data["msg_id"] != sent.Messages[0].ID || payload.Data["status"] != "DELIVERED" || len(payload.Data) != 3 {
		t.Errorf("JSON delivery %+v", payload)
	}

	get := byPath["/events/GET"]
	query, _ := url.ParseQuery(strings.SplitN(get.url, "?", 2)[1])
	if get.method != http.MethodGet || len(get.body) != 0 || query.Get("team") != "checkout" || query.Get("msg_id") != sent.Messages[0].ID {
		t.Errorf("GET delivery %s %s", get.method, get.url)
	}

	for _, r := range []received{post, jsonDelivery, get} {
		verify(t, signingKey, r)
		if r.header.Get("Authorization") != "Bearer receiver-secret" {
			t.Errorf("%s delivery lacks the hook's header: %v", r.method, r.header)
		}
	}
	select {
	case r := <-rc.got:
		t.Errorf("an sms_mo hook got a delivery report: %s", r.url)
	default:
	}
}

func TestHooks_inboundMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	rc := newReceiver(t)
	e.createHook(t, url.Values{"target_url": {rc.URL + "/mine"}, "event_type": {"sms_mo"}, "event_filter": {"+4930123456"}, "request_method": {"JSON"}})
	e.createHook(t, url.Values{"target_url": {rc.URL + "/other"}, "event_type": {"sms_mo"}, "event_filter": {"4930999999"}})
	e.createHook(t, url.Values{"target_url": {rc.URL + "/all"}, "event_type": {"all"}})
	e.createHook(t, url.Values{"target_url": {"https://192.0.2.1/never"}, "event_type": {"all"}})

	inbound := func(body string) answer {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/_sandbox/inbound_sms", strings.NewReader(body))
		req.Header.Set("X-Api-Key", rootKey)
		return send(t, req)
	}
	var result struct {
		ID    string `json:"id"`
		Hooks int    `json:"hooks"`
	}
	inbound(`{"from":"+491701234567","to":"004930123456","text":"Stop"}`).want(t, http.StatusOK).decode(t, &result)
	// /mine (its filter matches), /all, and the hook that is never called.
	if result.Hooks != 3 || !strings.HasPrefix(result.ID, "mo_") {
		t.Errorf("result %+v", result)
	}
	got := map[string]received{}
	for range 2 {
		r := rc.next(t)
		u, _ := url.Parse(r.url)
		got[u.Path] = r
	}
	var payload struct {
		Data         map[string]string `json:"data"`
		WebhookEvent string            `json:"webhook_event"`
	}
	if err := json.Unmarshal(got["/mine"].body, &payload); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"id": result.ID, "sender": "+491701234567", "system": "004930123456", "text": "Stop",
		"time": fmt.Sprint(epoch.Unix()), "message_type": "SMS"}
	if payload.WebhookEvent != "sms_mo" || fmt.Sprint(payload.Data) != fmt.Sprint(want) {
		t.Errorf("sms_mo payload %+v, want data %v", payload, want)
	}
	if _, ok := got["/all"]; !ok {
		t.Errorf("the all hook got nothing: %v", got)
	}
	select {
	case r := <-rc.got:
		t.Errorf("unexpected delivery to %s", r.url)
	default:
	}
	for _, body := range []string{`{"from":"+491701234567","to":"x","text":"a"}`, `{"from":"+491701234567","to":"4930123456"}`, `{"to":"4930123456","text":"a","x":1}`} {
		if a := inbound(body); a.Status != http.StatusUnprocessableEntity && a.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, a.Status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/_sandbox/inbound_sms", strings.NewReader(`{}`))
	send(t, req).want(t, http.StatusUnauthorized)
}

// waitRecorder plays the delivery's clock: it records every wait and lets
// it pass at once.
type waitRecorder struct {
	waits chan time.Duration
}

func (w *waitRecorder) wait(ctx context.Context, d time.Duration) error {
	w.waits <- d
	return ctx.Err()
}

func TestHooks_deliveryRetries(t *testing.T) {
	t.Parallel()
	minutes := func(ms ...int) []time.Duration {
		var out []time.Duration
		for _, m := range ms {
			out = append(out, time.Duration(m)*time.Minute)
		}
		return out
	}
	cases := map[string]struct {
		statuses  []int
		attempts  int
		wantWaits []time.Duration
	}{
		"503 503 then 200":  {[]int{503, 503}, 3, minutes(1, 2)},
		"every retried one": {[]int{429, 500, 502, 503, 504}, 6, minutes(1, 2, 4, 8, 16)},
		"404 is final":      {[]int{404}, 1, nil},
		"301 counts":        {[]int{301}, 1, nil},
		"always 500": {slices.Repeat([]int{500}, 20), 14,
			minutes(1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := &waitRecorder{waits: make(chan time.Duration, 100)}
			e := newEnv(t, sandbox.Options{DeliveryWait: rec.wait})
			rc := newReceiver(t, tc.statuses...)
			e.createHook(t, url.Values{"target_url": {rc.URL}, "event_type": {"dlr"}})
			e.request(t, http.MethodPost, "/sms", rootKey, `{"to":"+491701234567","text":"hi"}`).want(t, http.StatusOK)
			var first received
			for i := range tc.attempts {
				r := rc.next(t)
				if i == 0 {
					first = r
				} else if r.header.Get("X-Nonce") == first.header.Get("X-Nonce") {
					t.Errorf("attempt %d repeats the nonce", i+1)
				}
			}
			// Close waits for the delivery to end; nothing more may come.
			if err := e.Server.Close(); err != nil {
				t.Fatal(err)
			}
			close(rec.waits)
			var waits []time.Duration
			for w := range rec.waits {
				waits = append(waits, w)
			}
			if !slices.Equal(waits, tc.wantWaits) {
				t.Errorf("waits %v, want %v", waits, tc.wantWaits)
			}
			if n := len(rc.got); n != 0 {
				t.Errorf("%d attempts more than %d", n, tc.attempts)
			}
		})
	}
}

// A receiver that does not answer within the 5 seconds (here scaled down)
// is tried again, like one that cannot be reached at all.
func TestHooks_deliveryTimeoutAndUnreachable(t *testing.T) {
	t.Parallel()
	rec := &waitRecorder{waits: make(chan time.Duration, 100)}
	e := newEnv(t, sandbox.Options{DeliveryWait: rec.wait, DeliveryTimeScale: 0.001})
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	var calls atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		if calls.Add(1) == 1 {
			<-release // the first attempt is never answered in time
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	e.createHook(t, url.Values{"target_url": {slow.URL}, "event_type": {"dlr"}})
	// A port nobody listens on: the connection is refused.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	e.createHook(t, url.Values{"target_url": {gone.URL}, "event_type": {"dlr"}})
	e.request(t, http.MethodPost, "/sms", rootKey, `{"to":"+491701234567","text":"hi"}`).want(t, http.StatusOK)
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the slow receiver was not tried again")
		}
	}
	if err := e.Server.Close(); err != nil {
		t.Fatal(err)
	}
	close(rec.waits)
	var waits []time.Duration
	for w := range rec.waits {
		waits = append(waits, w)
	}
	// At least one retry of each: the first wait of both is a minute,
	// scaled to 60ms.
	if n := len(slices.DeleteFunc(waits, func(d time.Duration) bool { return d != 60*time.Millisecond })); n != 2 {
		t.Errorf("waits %v, want 60ms twice", waits)
	}
}

// Hooks, their headers and the signing key survive a restart from the data
// file; neither headers nor the signing key are in it in the clear.
func TestHooks_dataFile(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	first := newEnv(t, sandbox.Options{DataFile: dataFile})
	id := first.createHook(t, url.Values{"target_url": {"https://a.example"}, "event_type": {"dlr"}, "headers": {"Authorization: Bearer header-secret"}})
	deleted := first.createHook(t, url.Values{"target_url": {"https://b.example"}, "event_type": {"dlr"}})
	first.hookRequest(t, http.MethodDelete, fmt.Sprintf("id=%d", deleted), "", "").want(t, http.StatusOK)
	key := first.Server.SigningKeys()[0]
	if err := first.Server.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("header-secret")) || bytes.Contains(raw, []byte(key)) {
		t.Fatalf("the data file holds a header or the signing key in the clear:\n%s", raw)
	}

	second := newEnv(t, sandbox.Options{DataFile: dataFile})
	hooks := second.listHooks(t, rootKey)
	if len(hooks) != 1 || hooks[0].ID != fmt.Sprint(id) || hooks[0].Headers != "Authorization: Bearer header-secret" {
		t.Errorf("after restart: %+v", hooks)
	}
	if got := second.Server.SigningKeys()[0]; got != key {
		t.Errorf("signing key after restart %q, want %q", got, key)
	}
	// The id of the deleted hook does not come back.
	if next := second.createHook(t, url.Values{"target_url": {"https://c.example"}, "event_type": {"dlr"}}); next != deleted+1 {
		t.Errorf("next id %d, want %d", next, deleted+1)
	}
	// A signing key given replaces the one kept.
	if err := second.Server.Close(); err != nil {
		t.Fatal(err)
	}
	third := newEnv(t, sandbox.Options{DataFile: dataFile, SigningKeys: []string{signingKey}})
	if got := third.Server.SigningKeys()[0]; got != signingKey {
		t.Errorf("signing key %q, want the one given", got)
	}
}

func TestHooks_badOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]sandbox.Options{
		"short signing key":  {SigningKeys: []string{"short"}},
		"signing key symbol": {SigningKeys: []string{"SigningKey-With-Dashes-0123"}},
		"too many":           {Accounts: 1, SigningKeys: []string{signingKey, signingKey + "2"}},
		"scale above 1":      {DeliveryTimeScale: 2},
		"negative scale":     {DeliveryTimeScale: -1},
	} {
		if _, err := sandbox.New(opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
