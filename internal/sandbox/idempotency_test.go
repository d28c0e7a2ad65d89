package sandbox_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	const body = `{"label":"ci","permissions":["sms","balance"],"valid_until":"2030-03-01T00:00:00Z"}`

	first := e.request(t, http.MethodPost, "/api_keys", rootKey, body, "Idempotency-Key", "create-ci-1").want(t, http.StatusCreated)
	if got := first.Header.Get("Idempotent-Replayed"); got != "" {
		t.Errorf("first response Idempotent-Replayed = %q, want none", got)
	}
	var created keyView
	first.decode(t, &created)

	e.clock.Advance(23*time.Hour + 59*time.Minute)
	sameBodies := []string{
		body,
		// The same parsed request, spelled differently.
		`{ "valid_until": "2030-03-01T01:00:00+01:00", "permissions": ["balance", "sms"], "label": "ci" }`,
		`{"label":"ci","permissions":["sms","balance"],"valid_until":"2030-03-01T00:00:00.250Z","length":null}`,
	}
	for _, b := range sameBodies {
		again := e.request(t, http.MethodPost, "/api_keys", rootKey, b, "Idempotency-Key", "create-ci-1").want(t, http.StatusCreated)
		if got := again.Header.Get("Idempotent-Replayed"); got != "true" {
			t.Errorf("replay Idempotent-Replayed = %q, want true", got)
		}
		if string(again.Body) != string(first.Body) {
			t.Errorf("replayed body = %s, want the first %s", again.Body, first.Body)
		}
	}

	otherBodies := []string{
		`{"label":"ci2","permissions":["sms","balance"],"valid_until":"2030-03-01T00:00:00Z"}`,
		`{"label":"ci","permissions":["sms","balance"],"valid_until":"2030-03-01T00:00:00Z","environment":"live"}`,
		`{"label":"ci","permissions":["sms"],"valid_until":"2030-03-01T00:00:00Z"}`,
	}
	for _, b := range otherBodies {
		e.request(t, http.MethodPost, "/api_keys", rootKey, b, "Idempotency-Key", "create-ci-1").
			wantError(t, http.StatusUnprocessableEntity, "idempotency_key_reused", "")
	}
	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 2 {
		t.Errorf("keys after replays = %d, want 2 (first key and one created)", l.PagingMetadata.Total)
	}

	// A replay answers the first response even after the key is gone.
	e.request(t, http.MethodDelete, "/api_keys/"+created.ID, rootKey, "").want(t, http.StatusNoContent)
	again := e.request(t, http.MethodPost, "/api_keys", rootKey, body, "Idempotency-Key", "create-ci-1").want(t, http.StatusCreated)
	if string(again.Body) != string(first.Body) {
		t.Errorf("replay after delete = %s, want %s", again.Body, first.Body)
	}

	// After 24 hours the Idempotency-Key is free again.
	e.clock.Advance(time.Minute)
	fresh := e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"other"}`, "Idempotency-Key", "create-ci-1").want(t, http.StatusCreated)
	if fresh.Header.Get("Idempotent-Replayed") != "" {
		t.Error("a create 24 h later was answered as a replay")
	}
}

func TestIdempotencyKeysArePerAccount(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{Accounts: 2, APIKeys: []string{rootKey, otherRoot}})
	a := e.create(t, rootKey, `{"label":"x"}`, "Idempotency-Key", "shared")
	b := e.create(t, otherRoot, `{"label":"x"}`, "Idempotency-Key", "shared")
	if a.ID == b.ID || a.Key == b.Key {
		t.Errorf("two accounts with one Idempotency-Key got the same key %s", a.ID)
	}
	c := e.create(t, rootKey, `{"label":"x"}`, "Idempotency-Key", "other")
	if c.ID == a.ID {
		t.Error("another Idempotency-Key replayed the first create")
	}
	d := e.create(t, rootKey, `{"label":"x"}`)
	if d.ID == a.ID || d.ID == c.ID {
		t.Error("a create without Idempotency-Key replayed an earlier one")
	}
}

func TestIdempotencyKeyHeaderRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	e.create(t, rootKey, `{"label":"x"}`, "Idempotency-Key", strings.Repeat("k", 255))
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"x"}`, "Idempotency-Key", strings.Repeat("k", 256)).
		wantError(t, http.StatusUnprocessableEntity, "validation_failed", "Idempotency-Key")

	req, _ := http.NewRequest(http.MethodPost, e.Endpoint+"/api_keys", strings.NewReader(`{"label":"x"}`))
	req.Header.Set("X-Api-Key", rootKey)
	req.Header.Add("Idempotency-Key", "one")
	req.Header.Add("Idempotency-Key", "two")
	send(t, req).wantError(t, http.StatusUnprocessableEntity, "validation_failed", "Idempotency-Key")

	req, _ = http.NewRequest(http.MethodPost, e.Endpoint+"/api_keys", strings.NewReader(`{"label":"x"}`))
	req.Header.Set("X-Api-Key", rootKey)
	req.Header["Idempotency-Key"] = []string{""}
	send(t, req).wantError(t, http.StatusUnprocessableEntity, "validation_failed", "Idempotency-Key")
}

func TestIdempotentCreateUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	const workers = 16
	bodies := make([][]byte, workers)
	statuses := make([]int, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, e.Endpoint+"/api_keys", strings.NewReader(`{"label":"race"}`))
			req.Header.Set("X-Api-Key", rootKey)
			req.Header.Set("Idempotency-Key", "one-key-for-all")
			a := send(t, req)
			bodies[i], statuses[i] = a.Body, a.Status
		})
	}
	wg.Wait()
	for i := range workers {
		if statuses[i] != http.StatusCreated || string(bodies[i]) != string(bodies[0]) {
			t.Errorf("worker %d: %d %s, want 201 and the body all others got", i, statuses[i], bodies[i])
		}
	}
	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 2 {
		t.Errorf("keys = %d, want 2: one Idempotency-Key must create one key", l.PagingMetadata.Total)
	}
}

func TestFailedCreateLeavesTheIdempotencyKeyUnused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{KeyQuota: 2})
	filler := e.create(t, rootKey, `{"label":"filler"}`)
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"x"}`, "Idempotency-Key", "retry-me").
		wantError(t, http.StatusConflict, "key_quota_exceeded", "")

	// Only a 201 is kept for replay: once there is room, the retry creates.
	e.request(t, http.MethodDelete, "/api_keys/"+filler.ID, rootKey, "").want(t, http.StatusNoContent)
	a := e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"x"}`, "Idempotency-Key", "retry-me").want(t, http.StatusCreated)
	if a.Header.Get("Idempotent-Replayed") != "" {
		t.Error("the retry after a 409 was answered as a replay")
	}
}

// Only the key that made the first request gets its answer again: another
// key of the account, here one that may create keys but lacks the sms
// scope, must not obtain the sms key through a known Idempotency-Key.
func TestIdempotentReplayOnlyToTheSameKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	var manager keyView
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"manager","permissions":["api_keys"]}`).
		want(t, http.StatusCreated).decode(t, &manager)
	const body = `{"label":"sender","permissions":["sms"]}`
	e.request(t, http.MethodPost, "/api_keys", rootKey, body, "Idempotency-Key", "shared-1").want(t, http.StatusCreated)

	e.request(t, http.MethodPost, "/api_keys", manager.Key, body, "Idempotency-Key", "shared-1").
		wantError(t, http.StatusUnprocessableEntity, "idempotency_key_reused", "")
	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 3 {
		t.Errorf("keys = %d, want 3 (first key, manager, sender)", l.PagingMetadata.Total)
	}
}

// A create can be looked up by its Idempotency-Key without repeating it:
// the listing holds the key it made, never its key or secret, for the
// key's whole life, and nothing once the key is gone.
func TestLookingACreateUp(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	const body = `{"label":"looked-up","permissions":["balance"]}`
	var made keyView
	runSandbox(t, "first run", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		if l := e.list(t, rootKey, "?idempotency_key=never-sent"); len(l.Data) != 0 || l.PagingMetadata.Total != 0 {
			t.Errorf("a lookup before any create lists %q, want none", ids(l.Data))
		}
		made = e.create(t, rootKey, body, "Idempotency-Key", "lookup-1")
		e.create(t, rootKey, body, "Idempotency-Key", "lookup-2")
		e.create(t, rootKey, body)
		before := e.Server.Stats().Count(http.MethodPost, "/api_keys", 0)

		found := e.request(t, http.MethodGet, "/api_keys?idempotency_key=lookup-1", rootKey, "").want(t, http.StatusOK)
		var l keyList
		found.decode(t, &l)
		if got := ids(l.Data); len(got) != 1 || got[0] != made.ID || l.PagingMetadata.Total != 1 {
			t.Errorf("the lookup lists %q, want only %s", got, made.ID)
		}
		if strings.Contains(string(found.Body), made.Key) || strings.Contains(string(found.Body), made.Secret) ||
			strings.Contains(string(found.Body), `"key"`) || strings.Contains(string(found.Body), `"secret"`) {
			t.Errorf("the lookup shows a key or secret: %s", found.Body)
		}
		if n := len(e.list(t, rootKey, "?idempotency_key=lookup-1&environment=sandbox").Data); n != 0 {
			t.Errorf("a lookup filtered to sandbox keys lists %d keys of a live create", n)
		}
		if after := e.Server.Stats().Count(http.MethodPost, "/api_keys", 0); after != before {
			t.Errorf("looking up made %d creates", after-before)
		}
		if n := e.list(t, rootKey, "").PagingMetadata.Total; n != 4 {
			t.Errorf("the account holds %d keys after the lookups, want 4", n)
		}

		// Past the 24 hours of replays the lookup still finds the key.
		e.clock.Advance(48 * time.Hour)
		if got := ids(e.list(t, rootKey, "?idempotency_key=lookup-1").Data); len(got) != 1 || got[0] != made.ID {
			t.Errorf("two days later the lookup lists %q, want %s", got, made.ID)
		}
	})
	runSandbox(t, "after a restart", sandbox.Options{DataFile: dataFile, APIKeys: []string{rootKey}}, func(t *testing.T, e *env) {
		if got := ids(e.list(t, rootKey, "?idempotency_key=lookup-1").Data); len(got) != 1 || got[0] != made.ID {
			t.Errorf("after a restart the lookup lists %q, want %s", got, made.ID)
		}
		raw, err := os.ReadFile(dataFile)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "lookup-1") {
			t.Error("the data file holds an Idempotency-Key in the clear")
		}
		e.request(t, http.MethodDelete, "/api_keys/"+made.ID, rootKey, "").want(t, http.StatusNoContent)
		if l := e.list(t, rootKey, "?idempotency_key=lookup-1"); len(l.Data) != 0 {
			t.Errorf("the lookup of a deleted key's create lists %q, want none", ids(l.Data))
		}
	})
}

// The lookup is per account, and a malformed or repeated idempotency_key
// is refused like any bad parameter.
func TestLookingACreateUpIsCheckedAndPerAccount(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{Accounts: 2, APIKeys: []string{rootKey, otherRoot}})
	e.create(t, rootKey, `{"label":"x"}`, "Idempotency-Key", "shared")
	if n := len(e.list(t, otherRoot, "?idempotency_key=shared").Data); n != 0 {
		t.Errorf("another account's lookup lists %d keys", n)
	}
	for _, query := range []string{
		"?idempotency_key=",
		"?idempotency_key=a&idempotency_key=b",
		"?idempotency_key=" + strings.Repeat("k", 256),
		"?idempotency_key=%ff",
	} {
		e.request(t, http.MethodGet, "/api_keys"+query, rootKey, "").
			wantError(t, http.StatusUnprocessableEntity, "validation_failed", "idempotency_key")
	}
	if n := len(e.list(t, rootKey, "?idempotency_key="+strings.Repeat("k", 255)).Data); n != 0 {
		t.Errorf("a lookup of 255 characters lists %d keys", n)
	}
}
