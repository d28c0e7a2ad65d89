package sandbox_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestPatchValidUntil(t *testing.T) {
	t.Parallel()
	// Each key is made at epoch; the PATCH comes a minute later.
	now := epoch.Add(time.Minute)
	in := func(d time.Duration) string { return rfc3339(now.Add(d)) }
	day := 24 * time.Hour
	current := now.Add(day)

	tests := []struct {
		name    string
		current *time.Time // the key's valid_until before the PATCH
		body    string
		status  int
		code    string
		field   string
		want    *string // valid_until after the PATCH
	}{
		{name: "set where there was none", body: `{"valid_until":"` + in(time.Hour) + `"}`, status: 200, want: ptr(in(time.Hour))},
		{name: "a fraction is cut off", body: `{"valid_until":"` + now.Add(time.Hour).Format("2006-01-02T15:04:05") + `.999Z"}`, status: 200, want: ptr(in(time.Hour))},
		{name: "an offset becomes UTC", body: `{"valid_until":"` + now.Add(time.Hour).In(time.FixedZone("", 2*3600)).Format(time.RFC3339) + `"}`, status: 200, want: ptr(in(time.Hour))},
		{name: "a second ahead", body: `{"valid_until":"` + in(time.Second) + `"}`, status: 200, want: ptr(in(time.Second))},
		{name: "exactly 2 years ahead where there was none", body: `{"valid_until":"` + rfc3339(now.AddDate(2, 0, 0)) + `"}`, status: 200, want: ptr(rfc3339(now.AddDate(2, 0, 0)))},
		{name: "beyond 2 years where there was none", body: `{"valid_until":"` + rfc3339(now.AddDate(2, 0, 0).Add(time.Second)) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "now", body: `{"valid_until":"` + in(0) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "a fraction ahead is now", body: `{"valid_until":"` + now.Format("2006-01-02T15:04:05") + `.9Z"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "in the past", body: `{"valid_until":"` + in(-time.Second) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "not a time", body: `{"valid_until":"soon"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "without a zone", body: `{"valid_until":"2030-01-15T12:00:00"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "a number", body: `{"valid_until":1893456000}`, status: 400, code: "invalid_json", field: "valid_until"},
		{name: "null is absent", body: `{"valid_until":null}`, status: 200},

		{name: "brought forward", current: &current, body: `{"valid_until":"` + in(time.Hour) + `"}`, status: 200, want: ptr(in(time.Hour))},
		{name: "brought forward by a second", current: &current, body: `{"valid_until":"` + rfc3339(current.Add(-time.Second)) + `"}`, status: 200, want: ptr(rfc3339(current.Add(-time.Second)))},
		{name: "the same again", current: &current, body: `{"valid_until":"` + rfc3339(current) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "the same spelled otherwise", current: &current, body: `{"valid_until":"` + current.In(time.FixedZone("", -5*3600)).Format("2006-01-02T15:04:05") + `.5-05:00"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "pushed back by a second", current: &current, body: `{"valid_until":"` + rfc3339(current.Add(time.Second)) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "pushed back", current: &current, body: `{"valid_until":"` + rfc3339(current.Add(day)) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "forward but in the past", current: &current, body: `{"valid_until":"` + in(-time.Second) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "null does not clear it", current: &current, body: `{"valid_until":null}`, status: 200, want: ptr(rfc3339(current))},
		{name: "with a label", current: &current, body: `{"label":"retiring","valid_until":"` + in(time.Hour) + `"}`, status: 200, want: ptr(in(time.Hour))},
		{name: "a bad label refuses the whole patch", current: &current, body: `{"label":"","valid_until":"` + in(time.Hour) + `"}`, status: 422, code: "validation_failed", field: "label"},
		{name: "pushed back with a good label", current: &current, body: `{"label":"retiring","valid_until":"` + rfc3339(current.Add(day)) + `"}`, status: 422, code: "validation_failed", field: "valid_until"},
		{name: "an immutable field as well", current: &current, body: `{"valid_until":"` + in(time.Hour) + `","length":32}`, status: 422, code: "immutable_field", field: "length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sandbox.Options{})
			body := `{"label":"before","permissions":["sms"]}`
			if tt.current != nil {
				body = `{"label":"before","permissions":["sms"],"valid_until":"` + rfc3339(*tt.current) + `"}`
			}
			k := e.create(t, rootKey, body)
			e.clock.Advance(time.Minute)

			a := e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, tt.body)
			got := e.get(t, rootKey, k.ID)
			if tt.status != http.StatusOK {
				a.wantError(t, tt.status, tt.code, tt.field)
				if !equalPtr(got.ValidUntil, k.ValidUntil) || got.Label != "before" {
					t.Errorf("key after a refused patch = %+v, want it unchanged", got)
				}
				return
			}
			var answered keyView
			a.want(t, http.StatusOK).decode(t, &answered)
			if !equalPtr(answered.ValidUntil, tt.want) || !equalPtr(got.ValidUntil, tt.want) {
				t.Errorf("valid_until answered %v, stored %v, want %v", deref(answered.ValidUntil), deref(got.ValidUntil), deref(tt.want))
			}
			if answered.Expired || !answered.Revealable {
				t.Errorf("patched key = %+v, want it not expired and revealable", answered)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// Bringing an expiry forward only narrows a key: the api_keys scope is all
// it takes, whatever the target holds, even a sandbox key retiring a live
// key (as it may delete one).
func TestRetiringNeedsOnlyTheAPIKeysScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	keysOnly := e.create(t, rootKey, `{"label":"keys only","environment":"sandbox","permissions":["api_keys"]}`)
	target := e.create(t, rootKey, `{"label":"target","permissions":["balance","sms"]}`)
	until := rfc3339(epoch.Add(time.Hour))

	e.request(t, http.MethodPatch, "/api_keys/"+target.ID, keysOnly.Key, `{"valid_until":"`+until+`"}`).want(t, http.StatusOK)
	// New scopes still need the caller to hold them; the rules (422) come
	// before the grant (403).
	e.request(t, http.MethodPatch, "/api_keys/"+target.ID, keysOnly.Key, `{"permissions":["sms"],"valid_until":"`+rfc3339(epoch.Add(2*time.Hour))+`"}`).
		wantError(t, http.StatusUnprocessableEntity, "validation_failed", "valid_until")
	e.request(t, http.MethodPatch, "/api_keys/"+target.ID, keysOnly.Key, `{"permissions":["sms"],"valid_until":"`+rfc3339(epoch.Add(30*time.Minute))+`"}`).
		wantError(t, http.StatusForbidden, "forbidden", "")
	if got := e.get(t, rootKey, target.ID); deref(got.ValidUntil) != until || len(got.Permissions) != 2 {
		t.Errorf("target = %+v, want valid_until %s and both scopes", got, until)
	}
}

// A retired key works until its new valid_until, then answers 401 and is
// listed as expired.
func TestARetiredKeyExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	k := e.create(t, rootKey, `{"label":"old","permissions":["balance"],"valid_until":"`+rfc3339(epoch.AddDate(1, 0, 0))+`"}`)
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{"valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`).want(t, http.StatusOK)

	e.clock.Advance(time.Hour - time.Second)
	e.request(t, http.MethodGet, "/balance", k.Key, "").want(t, http.StatusOK)
	e.clock.Advance(time.Second)
	e.request(t, http.MethodGet, "/balance", k.Key, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	for _, listed := range e.list(t, rootKey, "").Data {
		if listed.ID == k.ID && !listed.Expired {
			t.Error("the retired key is listed as not expired after its valid_until")
		}
	}
	// Its credentials can still be read, and it can no longer be brought
	// forward: every time before its valid_until is past.
	e.credentials(t, rootKey, k.ID)
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{"valid_until":"`+rfc3339(epoch.Add(2*time.Hour))+`"}`).
		wantError(t, http.StatusUnprocessableEntity, "validation_failed", "valid_until")
}

func TestExpiredKeysArePurgedAfter30Days(t *testing.T) {
	t.Parallel()
	const month = 30 * 24 * time.Hour
	expiry := epoch.Add(time.Hour)
	tests := []struct {
		name  string
		after time.Duration // time since the key expired
		kept  bool
	}{
		{"just expired", 0, true},
		{"29 days later", 29 * 24 * time.Hour, true},
		{"a second short of 30 days", month - time.Second, true},
		{"30 days later", month, false},
		{"a year later", 365 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sandbox.Options{KeyQuota: 3})
			expiring := e.create(t, rootKey, `{"label":"expiring","valid_until":"`+rfc3339(expiry)+`"}`)
			// Retired later, by PATCH, to the same time: purged alike.
			retired := e.create(t, rootKey, `{"label":"retired"}`)
			e.request(t, http.MethodPatch, "/api_keys/"+retired.ID, rootKey, `{"valid_until":"`+rfc3339(expiry)+`"}`).want(t, http.StatusOK)

			e.clock.Advance(expiry.Sub(epoch) + tt.after)
			l := e.list(t, rootKey, "")
			if tt.kept {
				if l.PagingMetadata.Total != 3 {
					t.Fatalf("keys = %q, want the first key and both expired keys", ids(l.Data))
				}
				// Kept, but no longer counted against the quota: beside the
				// first key, two working keys fit, and only a third does not.
				e.create(t, rootKey, `{"label":"more"}`)
				e.create(t, rootKey, `{"label":"more"}`)
				e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"more"}`).wantError(t, http.StatusConflict, "key_quota_exceeded", "")
				return
			}
			if l.PagingMetadata.Total != 1 {
				t.Fatalf("keys = %q, want the first key only", ids(l.Data))
			}
			for _, id := range []string{expiring.ID, retired.ID} {
				e.request(t, http.MethodGet, "/api_keys/"+id, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
				e.request(t, http.MethodGet, "/api_keys/"+id+"/credentials", rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
			}
			e.create(t, rootKey, `{"label":"room again"}`)
		})
	}
}

// Keys without valid_until and keys not yet expired long enough stay.
func TestPurgeKeepsTheOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	forever := e.create(t, rootKey, `{"label":"forever"}`)
	early := e.create(t, rootKey, `{"label":"early","valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`)
	late := e.create(t, rootKey, `{"label":"late","valid_until":"`+rfc3339(epoch.Add(20*24*time.Hour))+`"}`)

	e.clock.Advance(31 * 24 * time.Hour)
	e.request(t, http.MethodGet, "/api_keys/"+early.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	if got := e.get(t, rootKey, late.ID); !got.Expired {
		t.Errorf("late key = %+v, want it listed as expired, not yet purged", got)
	}
	e.get(t, rootKey, forever.ID)

	e.clock.Advance(19 * 24 * time.Hour)
	e.request(t, http.MethodGet, "/api_keys/"+late.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	e.get(t, rootKey, forever.ID)
}

func TestPurgeIsSavedAndSurvivesRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dataFile := filepath.Join(dir, "state.json")
	expiry := epoch.Add(time.Hour)
	due := expiry.Add(30 * 24 * time.Hour)
	var onTime, atStartUp keyView

	runSandbox(t, "make keys", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		onTime = e.create(t, rootKey, `{"label":"on time","valid_until":"`+rfc3339(expiry)+`"}`)
		atStartUp = e.create(t, rootKey, `{"label":"at start-up","valid_until":"`+rfc3339(expiry.Add(time.Hour))+`"}`)
	})
	// Stopped over the day both keys expire; back before they are due.
	runSandbox(t, "before they are due", sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(due.Add(-time.Second))}, func(t *testing.T, e *env) {
		if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 3 {
			t.Fatalf("keys = %q, want both expired keys kept", ids(l.Data))
		}
		e.clock.Advance(time.Second)
		e.request(t, http.MethodGet, "/balance", rootKey, "").want(t, http.StatusOK)
		if onDisk := dirContents(t, dir)["state.json"]; strings.Contains(onDisk, onTime.ID) || !strings.Contains(onDisk, atStartUp.ID) {
			t.Error("after the request that purged it, the data file still holds the key due, or lost the other")
		}
	})
	// Stopped while the other key fell due: the start-up purges it.
	runSandbox(t, "after the other is due", sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(due.Add(2 * time.Hour))}, func(t *testing.T, e *env) {
		if strings.Contains(dirContents(t, dir)["state.json"], atStartUp.ID) {
			t.Error("the data file still holds a key purged at start-up")
		}
		if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 1 {
			t.Errorf("keys = %q, want the first key only", ids(l.Data))
		}
	})
}

// A purge that cannot be saved is undone and tried again, so the data file
// never holds a key that memory has lost, nor the other way round.
func TestAPurgeThatCannotBeSavedIsUndone(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sandbox.Options{DataFile: filepath.Join(dir, "state.json")})
	k := e.create(t, rootKey, `{"label":"due","valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	if got := e.get(t, rootKey, k.ID); !got.Expired {
		t.Errorf("key = %+v, want it still there and expired while the purge cannot be saved", got)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e.request(t, http.MethodGet, "/api_keys/"+k.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	if strings.Contains(dirContents(t, dir)["state.json"], k.ID) {
		t.Error("the data file still holds the purged key")
	}
}
