package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeHooks plays seven.io's /hooks with a state of its own, and lets a test
// lose the answer of chosen requests after they were carried out.
type fakeHooks struct {
	mu     sync.Mutex
	hooks  []map[string]any
	nextID int
	// lose holds, per method, how many of the next requests are carried
	// out and then left without an answer.
	lose map[string]int
	// fail holds, per method, statuses to answer instead of handling the
	// next requests (after carrying them out when afterHandling is set).
	fail          map[string][]int
	afterHandling bool
}

func newFakeHooks() *fakeHooks {
	return &fakeHooks{nextID: 2045, lose: map[string]int{}, fail: map[string][]int{}}
}

func (f *fakeHooks) add(fields map[string]any) string {
	id := strconv.Itoa(f.nextID)
	f.nextID++
	h := map[string]any{"id": id, "event_filter": nil, "headers": "", "request_method": "POST", "enabled": true, "created": "2025-07-10 14:05:00"}
	for k, v := range fields {
		h[k] = v
	}
	f.hooks = append(f.hooks, h)
	return id
}

func (f *fakeHooks) handle(t *testing.T) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var status int
		if queued := f.fail[r.Method]; len(queued) > 0 {
			status, f.fail[r.Method] = queued[0], queued[1:]
			if !f.afterHandling {
				writeJSON(t, w, status, map[string]any{"success": false})
				return
			}
		}
		var answer map[string]any
		switch r.Method {
		case http.MethodGet:
			answer = map[string]any{"success": true, "code": nil, "hooks": f.hooks}
		case http.MethodPost:
			if err := r.ParseForm(); err != nil {
				t.Errorf("parsing the form: %v", err)
			}
			fields := map[string]any{}
			for name := range r.PostForm {
				fields[name] = r.PostForm.Get(name)
			}
			id, _ := strconv.Atoi(f.add(fields))
			answer = map[string]any{"success": true, "code": nil, "id": id}
		case http.MethodDelete:
			id := r.URL.Query().Get("id")
			i := slices.IndexFunc(f.hooks, func(h map[string]any) bool { return h["id"] == id })
			if i < 0 {
				answer = map[string]any{"success": false, "error_message": "Webhook not found"}
			} else {
				f.hooks = slices.Delete(f.hooks, i, i+1)
				answer = map[string]any{"success": true}
			}
		}
		if status != 0 {
			writeJSON(t, w, status, map[string]any{"success": false})
			return
		}
		if f.lose[r.Method] > 0 {
			f.lose[r.Method]--
			dropConnection(t, w)
			return
		}
		writeJSON(t, w, http.StatusOK, answer)
	}
}

func (f *fakeHooks) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, h := range f.hooks {
		ids = append(ids, fmt.Sprint(h["id"]))
	}
	return ids
}

func countRequests(reqs []seen, method string) int {
	n := 0
	for _, r := range reqs {
		if r.method == method {
			n++
		}
	}
	return n
}

var checkoutHook = HookInput{TargetURL: "https://receiver.example/events", EventType: "dlr"}

func TestListHooks_readsTheRecordedAnswer(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		// As seven.io lists hooks: string ids, Berlin time without zone.
		_, _ = w.Write([]byte(`{"success":true,"code":null,"hooks":[
			{"id":"2045","target_url":"https://a.example/x","event_type":"sms_mo","request_method":"JSON","event_filter":"+491701234567","headers":"","enabled":true,"created":"2023-07-10 14:05:00"},
			{"id":2046,"target_url":"https://b.example/y","event_type":"dlr","request_method":"GET","event_filter":null,"headers":null,"enabled":"1","created":"2023-01-10T14:05:00+01:00"},
			{"id":"2047","target_url":"https://c.example/z","event_type":"all","request_method":"POST","enabled":0,"created":"2023-01-10 14:05:00"}]}`))
	})
	c, _ := newTestClient(t, g, nil)
	hooks, err := c.ListHooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Hook{
		{ID: "2045", TargetURL: "https://a.example/x", EventType: "sms_mo", RequestMethod: "JSON", EventFilter: "+491701234567", Enabled: true,
			Created: time.Date(2023, 7, 10, 12, 5, 0, 0, time.UTC)}, // summer time: UTC+2
		{ID: "2046", TargetURL: "https://b.example/y", EventType: "dlr", RequestMethod: "GET", Enabled: true,
			Created: time.Date(2023, 1, 10, 13, 5, 0, 0, time.UTC)},
		{ID: "2047", TargetURL: "https://c.example/z", EventType: "all", RequestMethod: "POST", Enabled: false,
			Created: time.Date(2023, 1, 10, 13, 5, 0, 0, time.UTC)}, // winter time: UTC+1
	}
	if !slices.Equal(hooks, want) {
		t.Errorf("hooks:\n got %+v\nwant %+v", hooks, want)
	}
	reqs := g.requests()
	if len(reqs) != 1 || reqs[0].method != http.MethodGet || reqs[0].path != "/api/hooks" || reqs[0].header.Get("X-Api-Key") != testAPIKey {
		t.Errorf("requests: %+v", reqs)
	}
}

func TestListHooks_answersThatCannotBeUsed(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body string
		want string // in the error; "" = no error
	}{
		"no hooks member":  {body: `{"success":true}`, want: "no hooks member"},
		"hooks null":       {body: `{"success":true,"hooks":null}`},
		"success missing":  {body: `{"hooks":[]}`, want: "does not say whether it succeeded"},
		"id not digits":    {body: `{"success":true,"hooks":[{"id":"../x"}]}`, want: "only digits"},
		"id a float":       {body: `{"success":true,"hooks":[{"id":1.5}]}`, want: "id must be"},
		"created garbage":  {body: `{"success":true,"hooks":[{"id":"1","created":"yesterday"}]}`, want: "created must be"},
		"headers a number": {body: `{"success":true,"hooks":[{"id":"1","headers":7}]}`, want: "headers is a JSON number"},
		"enabled word":     {body: `{"success":true,"hooks":[{"id":"1","enabled":"yes"}]}`, want: "enabled must be"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			})
			c, _ := newTestClient(t, g, nil)
			hooks, err := c.ListHooks(context.Background())
			if tc.want == "" {
				if err != nil || hooks == nil || len(hooks) != 0 {
					t.Fatalf("got %v, %v; want no hooks, no error", hooks, err)
				}
				return
			}
			var malformed *MalformedAnswerError
			if !errors.As(err, &malformed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a malformed answer saying %q", err, tc.want)
			}
		})
	}
}

// seven.io answers a key it does not take with a bare 900, and a key
// without the hooks scope with 902, as HTTP 200 or 401 (403 tolerated).
func TestHooks_numericCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		body   string
		want   error
	}{
		{http.StatusOK, "900", ErrUnknownKey},
		{http.StatusUnauthorized, "900", ErrUnknownKey},
		{http.StatusOK, "902\n", ErrMissingScope},
		{http.StatusUnauthorized, "902", ErrMissingScope},
		{http.StatusForbidden, "902", ErrMissingScope},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", tc.status, strings.TrimSpace(tc.body)), func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
			for name, call := range map[string]func() error{
				"list":   func() error { _, err := c.ListHooks(context.Background()); return err },
				"create": func() error { _, err := c.CreateHook(context.Background(), checkoutHook); return err },
				"delete": func() error { return c.DeleteHook(context.Background(), "2045") },
			} {
				err := call()
				var apiErr *APIError
				if !errors.Is(err, tc.want) || !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
					t.Errorf("%s: error %v, want %v with status %d", name, err, tc.want, tc.status)
				}
				if errors.Is(err, ErrRefused) || errors.Is(err, ErrOutcomeUnknown) {
					t.Errorf("%s: error %v also reads as a refusal or an unknown outcome", name, err)
				}
			}
			// Neither is worth a retry: one request per call, the create
			// stopping at its listing.
			if n := len(g.requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
		})
	}
}

func TestCreateHook_sendsAFormAndReadsTheID(t *testing.T) {
	t.Parallel()
	for name, idJSON := range map[string]string{"integer": `2045`, "string": `"2045"`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json")
				if r.Method == http.MethodGet {
					_, _ = w.Write([]byte(`{"success":true,"code":null,"hooks":[]}`))
					return
				}
				_, _ = w.Write([]byte(`{"success":true,"code":null,"id":` + idJSON + `}`))
			})
			c, _ := newTestClient(t, g, nil)
			id, err := c.CreateHook(context.Background(), HookInput{
				TargetURL: "https://receiver.example/events?x=1", EventType: "sms_mo", RequestMethod: "JSON",
				EventFilter: "+491701234567", Headers: "Authorization: Bearer abc\nX-Team: checkout",
			})
			if err != nil || id != "2045" {
				t.Fatalf("got %q, %v; want 2045", id, err)
			}
			reqs := g.requests()
			if len(reqs) != 2 || reqs[1].method != http.MethodPost || reqs[1].path != "/api/hooks" {
				t.Fatalf("requests: %+v", reqs)
			}
			post := reqs[1]
			if ct := post.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", ct)
			}
			form, err := url.ParseQuery(string(post.body))
			if err != nil {
				t.Fatal(err)
			}
			want := url.Values{"target_url": {"https://receiver.example/events?x=1"}, "event_type": {"sms_mo"}, "request_method": {"JSON"},
				"event_filter": {"+491701234567"}, "headers": {"Authorization: Bearer abc\nX-Team: checkout"}}
			if form.Encode() != want.Encode() {
				t.Errorf("form %v, want %v", form, want)
			}
		})
	}
}

// Fields left empty are left out, so that the gateway's defaults apply.
func TestCreateHook_leavesOutEmptyFields(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	g := newFakeGateway(t, f.handle(t))
	c, _ := newTestClient(t, g, nil)
	if _, err := c.CreateHook(context.Background(), checkoutHook); err != nil {
		t.Fatal(err)
	}
	post := g.requests()[1]
	if got, want := string(post.body), "event_type=dlr&target_url=https%3A%2F%2Freceiver.example%2Fevents"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}

func TestCreateHook_refusedIsNotRetried(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method == http.MethodGet {
			writeJSON(t, w, http.StatusOK, map[string]any{"success": true, "hooks": []any{}})
			return
		}
		writeJSON(t, w, http.StatusOK, map[string]any{"success": false, "code": nil, "error_message": "Invalid URL"})
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	_, err := c.CreateHook(context.Background(), checkoutHook)
	var apiErr *APIError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &apiErr) || apiErr.Message != "Invalid URL" || apiErr.StatusCode != http.StatusOK {
		t.Fatalf("error %v, want the refusal with its message", err)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("a refusal is a settled outcome: %v", err)
	}
	if n := countRequests(g.requests(), http.MethodPost); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

// A create whose answer is lost is found again by listing, and never sent
// twice.
func TestCreateHook_lostAnswerFoundByListing(t *testing.T) {
	t.Parallel()
	for name, lose := range map[string]func(f *fakeHooks){
		"connection dropped": func(f *fakeHooks) { f.lose[http.MethodPost] = 1 },
		"503 after handling": func(f *fakeHooks) { f.fail[http.MethodPost] = []int{503}; f.afterHandling = true },
		"504 after handling": func(f *fakeHooks) { f.fail[http.MethodPost] = []int{504}; f.afterHandling = true },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHooks()
			// The same hook exists already: it was there before, so it is
			// not the one this create made.
			old := f.add(map[string]any{"target_url": checkoutHook.TargetURL, "event_type": "dlr"})
			lose(f)
			g := newFakeGateway(t, f.handle(t))
			c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
			id, err := c.CreateHook(context.Background(), checkoutHook)
			if err != nil {
				t.Fatal(err)
			}
			if id == old || !slices.Equal(f.ids(), []string{old, id}) {
				t.Errorf("id %s; the gateway holds %v", id, f.ids())
			}
			reqs := g.requests()
			if posts, gets := countRequests(reqs, http.MethodPost), countRequests(reqs, http.MethodGet); posts != 1 || gets != 2 {
				t.Errorf("%d POSTs and %d GETs, want 1 and 2", posts, gets)
			}
			if len(waits.all()) != 0 {
				t.Errorf("waited %v before looking", waits.all())
			}
		})
	}
}

// A create that the listing shows was not made is sent again.
func TestCreateHook_lostBeforeHandlingIsSentAgain(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.fail[http.MethodPost] = []int{502}
	g := newFakeGateway(t, f.handle(t))
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	id, err := c.CreateHook(context.Background(), checkoutHook)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.ids(), []string{id}) {
		t.Errorf("id %s; the gateway holds %v", id, f.ids())
	}
	reqs := g.requests()
	if posts, gets := countRequests(reqs, http.MethodPost), countRequests(reqs, http.MethodGet); posts != 2 || gets != 2 {
		t.Errorf("%d POSTs and %d GETs, want 2 and 2", posts, gets)
	}
	if len(waits.all()) != 1 {
		t.Errorf("waits %v, want one backoff", waits.all())
	}
}

// A 429 was not acted on: the create goes again without a lookup.
func TestCreateHook_rateLimitedGoesAgain(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.fail[http.MethodPost] = []int{429}
	g := newFakeGateway(t, f.handle(t))
	c, _ := newTestClient(t, g, nil)
	if _, err := c.CreateHook(context.Background(), checkoutHook); err != nil {
		t.Fatal(err)
	}
	reqs := g.requests()
	if posts, gets := countRequests(reqs, http.MethodPost), countRequests(reqs, http.MethodGet); posts != 2 || gets != 1 {
		t.Errorf("%d POSTs and %d GETs, want 2 and 1", posts, gets)
	}
}

// Two new hooks like it: someone else made one meanwhile, and which is this
// create's is unknown.
func TestCreateHook_ambiguousOutcome(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.lose[http.MethodPost] = 1
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost {
			f.mu.Lock()
			f.add(map[string]any{"target_url": checkoutHook.TargetURL, "event_type": "dlr"})
			f.mu.Unlock()
		}
		f.handle(t)(w, r, n)
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	_, err := c.CreateHook(context.Background(), checkoutHook)
	if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "ids 2045, 2046") {
		t.Fatalf("error %v, want an unknown outcome naming both hooks", err)
	}
	if n := countRequests(g.requests(), http.MethodPost); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

// Out of retries, a lost create is still looked for, and so not lost.
func TestCreateHook_lookupWithoutRetries(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.lose[http.MethodPost] = 1
	g := newFakeGateway(t, f.handle(t))
	c, _ := newTestClient(t, g, nil) // MaxRetries 0
	id, err := c.CreateHook(context.Background(), checkoutHook)
	if err != nil || !slices.Equal(f.ids(), []string{id}) {
		t.Fatalf("got %q, %v; the gateway holds %v", id, err, f.ids())
	}
}

// A lookup that cannot list leaves the outcome unknown.
func TestCreateHook_lookupFails(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.lose[http.MethodPost] = 1
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodGet && n > 1 {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("900"))
			return
		}
		f.handle(t)(w, r, n)
	})
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	_, err := c.CreateHook(context.Background(), checkoutHook)
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("error %v, want an unknown outcome with the listing's cause", err)
	}
}

// Hooks created in parallel, every answer lost, each find their own.
func TestCreateHook_parallelCreatesFindTheirOwn(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.lose[http.MethodPost] = 4
	g := newFakeGateway(t, f.handle(t))
	c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
	ids := make([]string, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = c.CreateHook(context.Background(), checkoutHook) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	if got := f.ids(); !slices.Equal(ids, got) {
		t.Errorf("creates returned %v; the gateway holds %v", ids, got)
	}
}

func TestCreateHook_cancelledWhileWaitingItsTurn(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	g := newFakeGateway(t, f.handle(t))
	c, _ := newTestClient(t, g, nil)
	c.hookCreates <- struct{}{} // another create holds the turn
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.CreateHook(ctx, checkoutHook); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestDeleteHook(t *testing.T) {
	t.Parallel()
	t.Run("by query id", func(t *testing.T) {
		t.Parallel()
		f := newFakeHooks()
		id := f.add(map[string]any{"target_url": "https://a.example", "event_type": "dlr"})
		g := newFakeGateway(t, f.handle(t))
		c, _ := newTestClient(t, g, nil)
		if err := c.DeleteHook(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		reqs := g.requests()
		if len(reqs) != 1 || reqs[0].method != http.MethodDelete || reqs[0].path != "/api/hooks" || reqs[0].query != "id="+id || len(reqs[0].body) != 0 {
			t.Errorf("requests %+v", reqs)
		}
		if len(f.ids()) != 0 {
			t.Errorf("still held: %v", f.ids())
		}
	})
	t.Run("answer lost, retried, refused, gone", func(t *testing.T) {
		t.Parallel()
		f := newFakeHooks()
		id := f.add(map[string]any{"target_url": "https://a.example", "event_type": "dlr"})
		f.lose[http.MethodDelete] = 1
		g := newFakeGateway(t, f.handle(t))
		c, _ := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 3 })
		if err := c.DeleteHook(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if n := countRequests(g.requests(), http.MethodDelete); n != 2 {
			t.Errorf("%d DELETEs, want 2", n)
		}
	})
	t.Run("refused and still listed", func(t *testing.T) {
		t.Parallel()
		g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.Method == http.MethodGet {
				writeJSON(t, w, http.StatusOK, map[string]any{"success": true, "hooks": []any{map[string]any{"id": "7"}}})
				return
			}
			writeJSON(t, w, http.StatusOK, map[string]any{"success": false, "error_message": "Not allowed"})
		})
		c, _ := newTestClient(t, g, nil)
		err := c.DeleteHook(context.Background(), "7")
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "Not allowed") {
			t.Fatalf("error %v, want the refusal", err)
		}
	})
	t.Run("bad id never sent", func(t *testing.T) {
		t.Parallel()
		g := newFakeGateway(t, func(http.ResponseWriter, *http.Request, int) {})
		c, _ := newTestClient(t, g, nil)
		for _, id := range []string{"", "1&id=2", "../x", strings.Repeat("1", 21)} {
			if err := c.DeleteHook(context.Background(), id); err == nil {
				t.Errorf("%q: no error", id)
			}
		}
		if n := len(g.requests()); n != 0 {
			t.Errorf("%d requests, want none", n)
		}
	})
}

// Listing is safe to repeat: it is retried on every transient failure the
// contract names.
func TestListHooks_retries(t *testing.T) {
	t.Parallel()
	f := newFakeHooks()
	f.fail[http.MethodGet] = []int{500, 502, 503, 504}
	g := newFakeGateway(t, f.handle(t))
	c, waits := newTestClient(t, g, func(cfg *Config) { cfg.MaxRetries = 5 })
	if _, err := c.ListHooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
	if n := len(waits.all()); n != 4 {
		t.Errorf("%d waits, want 4", n)
	}
}

func TestParseHookTime(t *testing.T) {
	t.Parallel()
	cases := map[string]time.Time{
		"2025-03-30 01:59:59":       time.Date(2025, 3, 30, 0, 59, 59, 0, time.UTC),
		"2025-03-30 03:00:00":       time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC),
		"2025-10-26 03:30:00":       time.Date(2025, 10, 26, 2, 30, 0, 0, time.UTC),
		"2025-12-31T23:00:00":       time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC),
		"2025-07-01T10:00:00Z":      time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC),
		"2025-07-01 10:00:00+02:00": time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := ParseHookTime(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2025-07-01", "01.07.2025 10:00", "2025-13-01 10:00:00"} {
		if _, err := ParseHookTime(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
