package sandbox_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// Only keys that still work count against the quota: expired keys stay
// listed until they are purged, but never fill the account.

// wantQuotaExceeded checks a 409 key_quota_exceeded whose message gives
// the count of keys that still work.
func (a answer) wantQuotaExceeded(t *testing.T, working int) {
	t.Helper()
	a.wantError(t, http.StatusConflict, "key_quota_exceeded", "")
	var body errorBody
	_ = json.Unmarshal(a.Body, &body)
	if want := "holds " + strconv.Itoa(working) + " keys that have not expired"; !strings.Contains(body.Error.Message, want) {
		t.Errorf("quota message = %q, want it to say %q", body.Error.Message, want)
	}
}

// countKeys lists every key of the account, page by page, and counts the
// expired ones and those that still work.
func (e *env) countKeys(t *testing.T) (expired, working int) {
	t.Helper()
	for offset := 0; ; {
		l := e.list(t, rootKey, "?limit=100&offset="+strconv.Itoa(offset))
		for _, k := range l.Data {
			if k.Expired {
				expired++
			} else {
				working++
			}
		}
		offset += len(l.Data)
		if !l.PagingMetadata.HasMore {
			return expired, working
		}
	}
}

// The real quota: 100 expired keys and 100 working keys coexist, in memory
// and after a restart from the data file; the 101st working key is refused,
// while a replay of a create made before the account filled is answered.
func TestExpiredKeysDoNotCountAgainstTheQuota(t *testing.T) {
	t.Parallel()
	const quota = 100
	const lastBody = `{"label":"last slot"}`
	dataFile := filepath.Join(t.TempDir(), "state.json")
	now := epoch
	var last keyView

	checkFull := func(t *testing.T, e *env) {
		if expired, working := e.countKeys(t); expired != quota || working != quota {
			t.Fatalf("keys: %d expired, %d working; want %d of each", expired, working, quota)
		}
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"one too many"}`).wantQuotaExceeded(t, quota)
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"one too many"}`, "Idempotency-Key", "new").
			wantQuotaExceeded(t, quota)

		// A replay makes no key: the quota does not refuse it.
		a := e.request(t, http.MethodPost, "/api_keys", rootKey, lastBody, "Idempotency-Key", "last-slot").want(t, http.StatusCreated)
		var replayed keyView
		a.decode(t, &replayed)
		if a.Header.Get("Idempotent-Replayed") != "true" || replayed.ID != last.ID || replayed.Key != last.Key {
			t.Errorf("replay = %q %+v, want the first answer (%s) again", a.Header.Get("Idempotent-Replayed"), replayed.ID, last.ID)
		}
		if expired, working := e.countKeys(t); expired != quota || working != quota {
			t.Errorf("keys after the refusals and the replay: %d expired, %d working; want %d of each", expired, working, quota)
		}
	}

	runSandbox(t, "fill", sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(now)}, func(t *testing.T, e *env) {
		// Two rounds of keys that expire an hour after they are made: the
		// first round fills the account beside the first key, so it must
		// expire before the second can be made.
		for _, round := range []int{quota - 1, 1} {
			until := rfc3339(e.clock.Now().Add(time.Hour))
			for range round {
				e.create(t, rootKey, `{"label":"retired","valid_until":"`+until+`"}`)
			}
			if round == quota-1 {
				// While they work, they count.
				e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"early"}`).wantQuotaExceeded(t, quota)
			}
			e.clock.Advance(time.Hour)
		}
		for range quota - 2 {
			e.create(t, rootKey, `{"label":"working"}`)
		}
		last = e.create(t, rootKey, lastBody, "Idempotency-Key", "last-slot")
		now = e.clock.Now()
		checkFull(t, e)
	})
	runSandbox(t, "after a restart", sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(now)}, checkFull)
}

// A key stops counting the moment it expires, judged by the clock at the
// time of the request; no write is needed for the slot to come free.
func TestAKeyStopsCountingWhenItExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{KeyQuota: 3})
	e.create(t, rootKey, `{"label":"retiring","valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`)
	retired := e.create(t, rootKey, `{"label":"retired by patch"}`)
	e.request(t, http.MethodPatch, "/api_keys/"+retired.ID, rootKey, `{"valid_until":"`+rfc3339(epoch.Add(2*time.Hour))+`"}`).want(t, http.StatusOK)
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantQuotaExceeded(t, 3)

	e.clock.Advance(time.Hour - time.Second)
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantQuotaExceeded(t, 3)
	e.clock.Advance(time.Second)
	e.create(t, rootKey, `{"label":"more"}`)
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"yet more"}`).wantQuotaExceeded(t, 3)

	e.clock.Advance(time.Hour)
	e.create(t, rootKey, `{"label":"yet more"}`)
	if expired, working := e.countKeys(t); expired != 2 || working != 3 {
		t.Errorf("keys: %d expired, %d working; want 2 and 3", expired, working)
	}
}

// A replay answers the first response even when the account has filled
// up since, also once the key it made was deleted and its slot taken.
func TestReplayIsNotRefusedByTheQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{KeyQuota: 2})
	const body = `{"label":"replayed"}`
	first := e.request(t, http.MethodPost, "/api_keys", rootKey, body, "Idempotency-Key", "k-1").want(t, http.StatusCreated)
	var made keyView
	first.decode(t, &made)

	replayTwice := func(when string) {
		t.Helper()
		for range 2 {
			a := e.request(t, http.MethodPost, "/api_keys", rootKey, body, "Idempotency-Key", "k-1")
			if a.Status != http.StatusCreated || string(a.Body) != string(first.Body) || a.Header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replay %s = %d %s, want 201 with the first body, replayed", when, a.Status, a.Body)
			}
		}
	}
	replayTwice("with the account full")
	e.request(t, http.MethodDelete, "/api_keys/"+made.ID, rootKey, "").want(t, http.StatusNoContent)
	e.create(t, rootKey, `{"label":"filler"}`)
	replayTwice("after its key was deleted and its slot taken")
	if expired, working := e.countKeys(t); expired != 0 || working != 2 {
		t.Errorf("keys: %d expired, %d working; want none expired and 2 working: a replay makes nothing", expired, working)
	}
}

// Start-up never applies the quota: a data file holding more working keys
// than a smaller quota allows keeps them all, and a first key that was
// deleted is made anew even then. Creates are refused until enough keys
// have expired or been deleted.
func TestStartUpKeepsKeysBeyondASmallerQuota(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	var manager keyView
	var others []keyView
	runSandbox(t, "before", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		manager = e.create(t, rootKey, `{"label":"manager","permissions":["api_keys"]}`)
		for range 3 {
			others = append(others, e.create(t, rootKey, `{"label":"other","permissions":["balance"]}`))
		}
		e.request(t, http.MethodDelete, "/api_keys/"+firstKeyIDOf(t, e), manager.Key, "").want(t, http.StatusNoContent)
	})
	runSandbox(t, "quota 3", sandbox.Options{DataFile: dataFile, KeyQuota: 3}, func(t *testing.T, e *env) {
		// The first key (made anew), the manager and three others.
		if expired, working := e.countKeys(t); expired != 0 || working != 5 {
			t.Fatalf("keys: %d expired, %d working; want all 5 working", expired, working)
		}
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantQuotaExceeded(t, 5)
		e.request(t, http.MethodPatch, "/api_keys/"+others[0].ID, rootKey, `{"valid_until":"`+rfc3339(epoch.Add(time.Minute))+`"}`).want(t, http.StatusOK)
		e.request(t, http.MethodDelete, "/api_keys/"+others[1].ID, rootKey, "").want(t, http.StatusNoContent)
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantQuotaExceeded(t, 4)
		e.clock.Advance(time.Minute)
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantQuotaExceeded(t, 3)
		e.request(t, http.MethodDelete, "/api_keys/"+others[2].ID, rootKey, "").want(t, http.StatusNoContent)
		e.create(t, rootKey, `{"label":"more"}`)
	})
}
