package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

func seeded(seed byte) *rand.ChaCha8 {
	return rand.NewChaCha8([32]byte{seed})
}

func TestFailRateOneFailsEveryAPIRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Rand: seeded(1)})
	e.Server.SetFaults(0, 1)

	seen := map[int]bool{}
	for range 30 {
		a := e.request(t, http.MethodGet, "/balance", rootKey, "")
		a.wantError(t, a.Status, "internal", "")
		if a.Status != 500 && a.Status != 502 && a.Status != 503 {
			t.Fatalf("status = %d, want 500, 502 or 503", a.Status)
		}
		seen[a.Status] = true
	}
	if len(seen) != 3 {
		t.Errorf("statuses seen = %v, want all of 500, 502, 503", seen)
	}
	// Faults hit the API only.
	send(t, getRequest(t, e.URL+"/_sandbox/stats")).want(t, http.StatusOK)
	send(t, getRequest(t, e.URL+"/elsewhere")).wantError(t, http.StatusNotFound, "unknown_path", "")
}

// TestLostAnswers checks that a fault after handling keeps the write while
// a fault before it does not, and that retries with the same
// Idempotency-Key end with exactly one key per request.
func TestLostAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Rand: seeded(2), FailRate: 0.6})

	const creates = 40
	var before, after, ok int
	expectKey := map[string]bool{}
	for i := range creates {
		idem := fmt.Sprintf("lost-%d", i)
		a := e.request(t, http.MethodPost, "/api_keys", rootKey, fmt.Sprintf(`{"label":"%s"}`, idem), "Idempotency-Key", idem)
		var body errorBody
		switch {
		case a.Status == http.StatusCreated:
			ok++
			expectKey[idem] = true
		case a.decodeError(&body) && strings.Contains(body.Error.Message, "after handling"):
			after++
			expectKey[idem] = true
		case a.decodeError(&body) && strings.Contains(body.Error.Message, "before handling"):
			before++
		default:
			t.Fatalf("create %d: %d %s", i, a.Status, a.Body)
		}
	}
	if before == 0 || after == 0 || ok == 0 {
		t.Fatalf("before=%d after=%d ok=%d, want each at least once", before, after, ok)
	}

	e.Server.SetFaults(0, 0)
	l := e.list(t, rootKey, "?limit=100")
	if got := l.PagingMetadata.Total - 1; got != len(expectKey) {
		t.Errorf("keys made = %d, want %d (successes and faults after handling)", got, len(expectKey))
	}
	for i := range creates {
		idem := fmt.Sprintf("lost-%d", i)
		a := e.request(t, http.MethodPost, "/api_keys", rootKey, fmt.Sprintf(`{"label":"%s"}`, idem), "Idempotency-Key", idem).
			want(t, http.StatusCreated)
		if replayed := a.Header.Get("Idempotent-Replayed") == "true"; replayed != expectKey[idem] {
			t.Errorf("retry of %s replayed = %v, want %v", idem, replayed, expectKey[idem])
		}
	}
	if l := e.list(t, rootKey, "?limit=100"); l.PagingMetadata.Total != creates+1 {
		t.Errorf("keys after retries = %d, want %d", l.PagingMetadata.Total, creates+1)
	}
}

func TestFaultsFollowTheInjectedRandomSource(t *testing.T) {
	t.Parallel()
	run := func() []int {
		e := newEnv(t, sandbox.Options{Rand: seeded(3), FailRate: 0.5})
		var statuses []int
		for range 20 {
			statuses = append(statuses, e.request(t, http.MethodGet, "/balance", rootKey, "").Status)
		}
		return statuses
	}
	first, second := run(), run()
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("same seed, different faults:\n%v\n%v", first, second)
	}
	// Half of 20 requests fail: a run without a fault, or without an
	// answer, would prove nothing about the faults' source.
	if !slices.ContainsFunc(first, func(status int) bool { return status >= 500 }) ||
		!slices.Contains(first, http.StatusOK) {
		t.Errorf("at a fail rate of 0.5 the statuses are %v, want faults and answers both", first)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	const latency = 30 * time.Millisecond
	e.Server.SetFaults(latency, 0)
	started := time.Now()
	e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	if took := time.Since(started); took < latency {
		t.Errorf("request took %v, want at least the latency of %v", took, latency)
	}
}

func TestAClientGoneDuringTheLatencyIsNeverHandled(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.New(sandbox.Options{APIKeys: []string{rootKey}, Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/api_keys", strings.NewReader(`{"label":"never"}`))
	req.Header.Set("X-Api-Key", rootKey)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		srv.ServeHTTP(rec, req)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the request waited out its latency although the client was gone")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("X-Request-Id") != "" {
		t.Errorf("a gone client got an answer: %d %s", rec.Code, rec.Body)
	}
	if got := srv.Stats().Count(http.MethodPost, "/api_keys", 499); got != 1 {
		t.Errorf("stats POST /api_keys 499 = %d, want 1", got)
	}

	srv.SetFaults(0, 0)
	list := httptest.NewRequest(http.MethodGet, "/api/api_keys", nil)
	list.Header.Set("X-Api-Key", rootKey)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, list)
	if strings.Contains(rec.Body.String(), "never") || !strings.Contains(rec.Body.String(), `"total":1`) {
		t.Errorf("list after the gone request = %s, want only the first key", rec.Body)
	}
}

// Over a real connection: a client that times out during the latency hangs
// up, and the key it asked for is never created.
func TestAClientThatHangsUpDuringTheLatencyIsNeverHandled(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{APIKeys: []string{rootKey}, Latency: 2 * time.Second})
	req, err := http.NewRequest(http.MethodPost, sb.Endpoint+"/api_keys", strings.NewReader(`{"label":"never"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Api-Key", rootKey)
	req.Header.Set("Content-Type", "application/json")
	impatient := &http.Client{Timeout: 50 * time.Millisecond}
	if resp, err := impatient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer (%d) despite two seconds of latency", resp.StatusCode)
	}

	// The request ends as a 499 as soon as the server sees the connection
	// close; a server that missed it would create the key once the latency
	// has passed.
	deadline := time.Now().Add(10 * time.Second)
	for sb.Server.Stats().Count(http.MethodPost, "/api_keys", 0) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the request had not ended 10s after the client hung up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := sb.Server.Stats().Count(http.MethodPost, "/api_keys", 499); got != 1 {
		t.Fatalf("POST /api_keys ended %d times as 499, want 1: the request was handled although its client was gone", got)
	}
	sb.Server.SetFaults(0, 0)
	list, err := http.NewRequest(http.MethodGet, sb.Endpoint+"/api_keys", nil)
	if err != nil {
		t.Fatal(err)
	}
	list.Header.Set("X-Api-Key", rootKey)
	resp, err := http.DefaultClient.Do(list)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "never") || !strings.Contains(string(body), `"total":1`) {
		t.Errorf("list after the hang-up = %s, want only the first key", body)
	}
}

func (a answer) decodeError(body *errorBody) bool {
	return a.Status >= 500 && checkErrorShape(a.Body) == "" && json.Unmarshal(a.Body, body) == nil
}

func getRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// An answer delay holds the answer back after the write is on disk: a
// client that gives up sooner loses the answer while the key exists, and a
// retry with the same Idempotency-Key gets that key, not a second one.
func TestAnswerDelayLosesTheAnswerNotTheWrite(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.Options{DataFile: dataFile})
	e.Server.SetAnswerDelay(time.Hour)

	// The client gives up once the key is made, as one whose timeout is
	// shorter than the delay would; giving up earlier could mean it never
	// sent the request.
	ctx, giveUp := context.WithCancel(context.Background())
	defer giveUp()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Endpoint+"/api_keys", strings.NewReader(`{"label":"made unseen"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Api-Key", rootKey)
	req.Header.Set("Idempotency-Key", "lost-answer")
	answered := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("answered %d despite an hour of answer delay", resp.StatusCode)
		}
		answered <- err
	}()
	waitForCount(t, e.Server, http.MethodPost, "/api_keys")
	if raw, err := os.ReadFile(dataFile); err != nil || !strings.Contains(string(raw), "made unseen") {
		t.Fatalf("the data file lacks the key whose answer is held back (%v)", err)
	}
	giveUp()
	if err := <-answered; !errors.Is(err, context.Canceled) {
		t.Fatalf("the client that gave up: %v, want no answer", err)
	}

	e.Server.SetAnswerDelay(0)
	st := e.Server.Stats()
	if st.Count(http.MethodPost, "/api_keys", http.StatusCreated) != 1 || st.Count(http.MethodPost, "/api_keys", 499) != 0 {
		t.Errorf("stats = %+v, want the delayed create counted once as 201", st.Requests)
	}
	retry := e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"made unseen"}`, "Idempotency-Key", "lost-answer").want(t, http.StatusCreated)
	if retry.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("the retry made a key instead of answering the first one")
	}
	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 2 {
		t.Errorf("keys = %q, want the first key and one made", ids(l.Data))
	}
}

func TestAnswerDelayWaitsAfterHandling(t *testing.T) {
	t.Parallel()
	const delay = 50 * time.Millisecond
	e := newEnv(t, sandbox.Options{AnswerDelay: delay})
	started := time.Now()
	e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
	if took := time.Since(started); took < delay {
		t.Errorf("answer came after %v, want at least the delay of %v", took, delay)
	}
	// Refusals wait too: every /api answer is delayed.
	started = time.Now()
	e.request(t, http.MethodGet, "/balance", "", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	if took := time.Since(started); took < delay {
		t.Errorf("a 401 came after %v, want at least the delay of %v", took, delay)
	}
	// The stats are not: with an hour of delay they still answer.
	e.Server.SetAnswerDelay(time.Hour)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(e.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatalf("the stats waited for the answer delay: %v", err)
	}
	resp.Body.Close()
}

// waitForCount waits until the stats count a request of method and route,
// which happens as soon as it was handled.
func waitForCount(t *testing.T, srv *sandbox.Server, method, route string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Stats().Count(method, route, 0) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no %s %s was handled within 10s", method, route)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
