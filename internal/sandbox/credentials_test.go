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

func TestReadingAKeyAgain(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{Accounts: 2, APIKeys: []string{rootKey, otherRoot}})
	narrow := e.create(t, rootKey, `{"label":"narrow","permissions":["api_keys","sms"]}`)
	sandboxCaller := e.create(t, rootKey, `{"label":"sandbox caller","environment":"sandbox","permissions":["api_keys","balance","sms"]}`)
	balanceOnly := e.create(t, rootKey, `{"label":"balance only","permissions":["balance"]}`)
	smsLive := e.create(t, rootKey, `{"label":"sms live","permissions":["sms"]}`)
	smsBalanceLive := e.create(t, rootKey, `{"label":"sms balance live","permissions":["balance","sms"]}`)
	smsSandbox := e.create(t, rootKey, `{"label":"sms sandbox","environment":"sandbox","permissions":["sms"]}`)
	expired := e.create(t, rootKey, `{"label":"expired","permissions":["sms"],"valid_until":"`+rfc3339(epoch.Add(time.Minute))+`"}`)
	deleted := e.create(t, rootKey, `{"label":"deleted","permissions":["sms"]}`)
	e.request(t, http.MethodDelete, "/api_keys/"+deleted.ID, rootKey, "").want(t, http.StatusNoContent)
	foreign := e.create(t, otherRoot, `{"label":"foreign","permissions":["sms"]}`)
	first := firstKeyIDOf(t, e)
	// A fraction of a second more, so that last_revealed_at must drop it.
	e.clock.Advance(time.Hour + 500*time.Millisecond)

	tests := []struct {
		name   string
		caller keyView
		target keyView
		status int
		code   string
	}{
		{"the first key reads a narrower key", keyView{Key: rootKey}, smsLive, 200, ""},
		{"a key reads a key with its own scopes", narrow, smsLive, 200, ""},
		{"a key reads itself", narrow, narrow, 200, ""},
		{"a sandbox key reads a sandbox key", sandboxCaller, smsSandbox, 200, ""},
		{"a sandbox key reads itself", sandboxCaller, sandboxCaller, 200, ""},
		{"an expired key can still be read", narrow, expired, 200, ""},
		{"a key lacking one of the target's scopes", narrow, smsBalanceLive, 403, "forbidden"},
		{"a key lacking most of the first key's scopes", narrow, keyView{ID: first}, 403, "forbidden"},
		{"a sandbox key reads a live key with its scopes", sandboxCaller, smsLive, 403, "forbidden"},
		{"a key without the api_keys scope", balanceOnly, smsLive, 403, "forbidden"},
		{"a key of another account", keyView{Key: rootKey}, foreign, 404, "not_found"},
		{"a narrow key asks for another account's key", narrow, foreign, 404, "not_found"},
		{"a deleted key", keyView{Key: rootKey}, deleted, 404, "not_found"},
		{"no such id", keyView{Key: rootKey}, keyView{ID: "ak_AAAAAAAAAAAAAAAAAAAA"}, 404, "not_found"},
		{"no key", keyView{}, smsLive, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(time.Second)
			now := rfc3339(e.clock.Now())
			path := "/api_keys/" + tt.target.ID + "/credentials"
			if tt.status != http.StatusOK {
				a := e.request(t, http.MethodGet, path, tt.caller.Key, "")
				a.wantError(t, tt.status, tt.code, "")
				if tt.target.Key != "" && strings.Contains(string(a.Body), tt.target.Key) {
					t.Errorf("a refusal shows the key: %s", a.Body)
				}
				if tt.status != http.StatusForbidden {
					return
				}
				if got := e.get(t, rootKey, tt.target.ID).LastRevealedAt; got != nil && *got == now {
					t.Error("a refused read set last_revealed_at")
				}
				if tt.caller.ID != balanceOnly.ID && e.get(t, tt.caller.Key, tt.target.ID).Revealable {
					t.Error("revealable = true for a caller that is refused the credentials")
				}
				return
			}
			if !e.get(t, tt.caller.Key, tt.target.ID).Revealable {
				t.Error("revealable = false for a caller that may read the credentials")
			}
			creds := e.credentials(t, tt.caller.Key, tt.target.ID)
			if creds != (credentialsView{ID: tt.target.ID, Key: tt.target.Key, Secret: tt.target.Secret}) {
				t.Errorf("credentials = %+v, want the key and secret its create answered", creds)
			}
			if got := e.get(t, rootKey, tt.target.ID).LastRevealedAt; got == nil || *got != now {
				t.Errorf("last_revealed_at = %v, want %s", got, now)
			}
		})
	}
}

// revealable is computed for the calling key, in every answer that holds
// an ApiKey object.
func TestRevealableFollowsTheCaller(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	narrow := e.create(t, rootKey, `{"label":"narrow","environment":"sandbox","permissions":["api_keys","sms"]}`)
	smsSandbox := e.create(t, narrow.Key, `{"label":"child","environment":"sandbox"}`)
	if !smsSandbox.Revealable {
		t.Error("create answer: revealable = false for the key that made it")
	}
	wide := e.create(t, rootKey, `{"label":"wide","environment":"sandbox","permissions":["balance","sms"]}`)
	smsLive := e.create(t, rootKey, `{"label":"sms live","permissions":["sms"]}`)
	first := firstKeyIDOf(t, e)

	want := map[string]map[string]bool{ // caller → target id → revealable
		rootKey:    {first: true, narrow.ID: true, smsSandbox.ID: true, wide.ID: true, smsLive.ID: true},
		narrow.Key: {first: false, narrow.ID: true, smsSandbox.ID: true, wide.ID: false, smsLive.ID: false},
	}
	for caller, targets := range want {
		listed := map[string]bool{}
		for _, k := range e.list(t, caller, "").Data {
			listed[k.ID] = k.Revealable
		}
		for id, revealable := range targets {
			if listed[id] != revealable {
				t.Errorf("list by %s…: %s revealable = %v, want %v", caller[:4], id, listed[id], revealable)
			}
			if got := e.get(t, caller, id).Revealable; got != revealable {
				t.Errorf("GET by %s…: %s revealable = %v, want %v", caller[:4], id, got, revealable)
			}
		}
	}
	var patched keyView
	e.request(t, http.MethodPatch, "/api_keys/"+wide.ID, narrow.Key, `{"label":"renamed"}`).want(t, http.StatusOK).decode(t, &patched)
	if patched.Revealable {
		t.Error("PATCH answer: revealable = true for a caller lacking the balance scope")
	}
}

func TestRevealCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{Accounts: 2, APIKeys: []string{rootKey, otherRoot}, DisableReveal: true})
	k := e.create(t, rootKey, `{"label":"shown once"}`)
	foreign := e.create(t, otherRoot, `{"label":"foreign"}`)
	if k.Revealable {
		t.Error("create answer: revealable = true while reading keys again is off")
	}
	path := "/api_keys/" + k.ID + "/credentials"
	e.request(t, http.MethodGet, path, rootKey, "").wantError(t, http.StatusForbidden, "reveal_disabled", "")
	e.request(t, http.MethodGet, "/api_keys/"+foreign.ID+"/credentials", rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	e.request(t, http.MethodGet, "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA/credentials", rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	for _, listed := range e.list(t, rootKey, "").Data {
		if listed.Revealable {
			t.Errorf("list: %s revealable = true while reading keys again is off", listed.ID)
		}
	}
	var patched keyView
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{"label":"renamed"}`).want(t, http.StatusOK).decode(t, &patched)
	if patched.Revealable || e.get(t, rootKey, k.ID).LastRevealedAt != nil {
		t.Errorf("after a refused read: %+v, want revealable false and no last_revealed_at", patched)
	}

	e.Server.SetRevealAllowed(true)
	if !e.get(t, rootKey, k.ID).Revealable {
		t.Error("revealable = false once reading keys again is on")
	}
	if creds := e.credentials(t, rootKey, k.ID); creds.Key != k.Key || creds.Secret != k.Secret {
		t.Errorf("credentials once on = %+v, want those of the create", creds)
	}
	e.Server.SetRevealAllowed(false)
	e.request(t, http.MethodGet, path, rootKey, "").wantError(t, http.StatusForbidden, "reveal_disabled", "")
}

// A read of credentials is on disk before they are answered; one that
// cannot be recorded answers no credentials.
func TestLastRevealedAtIsSavedBeforeTheAnswer(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dataFile := filepath.Join(dir, "state.json")
	e := newEnv(t, sandbox.Options{DataFile: dataFile})
	k := e.create(t, rootKey, `{"label":"audited"}`)

	e.clock.Advance(90 * time.Second)
	e.credentials(t, rootKey, k.ID)
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"last_revealed_at": "` + rfc3339(epoch.Add(90*time.Second)) + `"`; !strings.Contains(string(raw), want) {
		t.Errorf("the data file lacks %s when the credentials arrive", want)
	}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	a := e.request(t, http.MethodGet, "/api_keys/"+k.ID+"/credentials", rootKey, "")
	a.wantError(t, http.StatusInternalServerError, "internal", "")
	if strings.Contains(string(a.Body), k.Key) || strings.Contains(string(a.Body), k.Secret) {
		t.Errorf("a read that could not be recorded answered %s", a.Body)
	}
	if got := e.get(t, rootKey, k.ID).LastRevealedAt; got == nil || *got != rfc3339(epoch.Add(90*time.Second)) {
		t.Errorf("last_revealed_at after the failed read = %v, want the earlier read's time", got)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e.credentials(t, rootKey, k.ID)
}

// testdata/datafile-v1.json was written by the sandbox before keys could
// be read again: it holds the first key (given as legacyRootKey), the key
// below, made with the Idempotency-Key legacy-idem, and a sandbox key.
const (
	legacyRootKey    = "LegacyRootKey0123456789abcdef"
	legacyFirstKeyID = "ak_HICTZJMwI6wmYsLgLVPp"
	legacyCIID       = "ak_bFFQptQRvSabR3lZ4hP6"
	legacyCIKey      = "br2iQCTqGLMj72uTLVDxPnmxr2fo9lQD9eicV2S2zzEg61hnyAVKrIvs0PtPhLiA"
	legacyCISecret   = "T5lz7WCshM7zR7EHfoEVY4aCJwtqRrc5G1zUxuC4vhOzrL0p4bzgouF3Bg1Gfbz6"
)

// legacyDataFile copies the version 1 data file into a directory of its
// own and returns its path.
func legacyDataFile(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "datafile-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	dataFile := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(dataFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return dataFile
}

// within the day of the version 1 file, so its idempotency record is live.
var legacyNow = time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)

func TestAVersion1DataFileStillLoads(t *testing.T) {
	t.Parallel()
	dataFile := legacyDataFile(t)

	runSandbox(t, "first key given again", sandbox.Options{DataFile: dataFile, APIKeys: []string{legacyRootKey}, Clock: clock.NewManual(legacyNow)},
		func(t *testing.T, e *env) {
			ci := e.get(t, legacyRootKey, legacyCIID)
			if ci.Revealable || ci.LastRevealedAt != nil || ci.Label != "legacy-ci" {
				t.Errorf("key stored as a hash = %+v, want legacy-ci, not revealable, never revealed", ci)
			}
			e.request(t, http.MethodGet, "/api_keys/"+legacyCIID+"/credentials", legacyRootKey, "").
				wantError(t, http.StatusForbidden, "reveal_disabled", "")
			e.request(t, http.MethodGet, "/balance", legacyCIKey, "").want(t, http.StatusOK)

			// The first key was given again, so it is known and now kept sealed.
			if !e.get(t, legacyRootKey, legacyFirstKeyID).Revealable {
				t.Error("the first key given again is not revealable")
			}
			if creds := e.credentials(t, legacyRootKey, legacyFirstKeyID); creds.Key != legacyRootKey {
				t.Errorf("first key's credentials = %+v, want its key %s", creds, legacyRootKey)
			}
			fresh := e.create(t, legacyRootKey, `{"label":"fresh"}`)
			if creds := e.credentials(t, legacyRootKey, fresh.ID); creds.Key != fresh.Key || creds.Secret != fresh.Secret {
				t.Errorf("a key made after the upgrade reads %+v, want its own key and secret", creds)
			}

			// Its idempotency records still replay, with the body as first answered.
			var replayed keyView
			e.request(t, http.MethodPost, "/api_keys", legacyRootKey, `{"label":"legacy-ci","permissions":["sms","balance"]}`, "Idempotency-Key", "legacy-idem").
				want(t, http.StatusCreated).decode(t, &replayed)
			if replayed.ID != legacyCIID || replayed.Key != legacyCIKey || replayed.Secret != legacyCISecret {
				t.Errorf("replay of a version 1 create = %+v, want its first answer", replayed)
			}
		})

	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"version": 2`) || strings.Contains(string(raw), legacyCIKey) || strings.Contains(string(raw), legacyRootKey) {
		t.Errorf("the upgraded data file is not version 2, or holds a key in the clear:\n%s", raw)
	}

	runSandbox(t, "restart without the first key", sandbox.Options{DataFile: dataFile, APIKeys: []string{}, Clock: clock.NewManual(legacyNow)},
		func(t *testing.T, e *env) {
			if e.APIKey != legacyRootKey {
				t.Errorf("first key = %q, want the one sealed at the upgrade", e.APIKey)
			}
			e.request(t, http.MethodGet, "/api_keys/"+legacyCIID+"/credentials", legacyRootKey, "").
				wantError(t, http.StatusForbidden, "reveal_disabled", "")
		})
}

// Without its first key a version 1 file cannot know it again: the record
// is re-keyed, as before keys could be read again, and readable from then on.
func TestAVersion1FirstKeyNotGivenIsReplaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{DataFile: legacyDataFile(t), APIKeys: []string{}, Clock: clock.NewManual(legacyNow)})
	if e.APIKey == legacyRootKey || len(e.APIKey) != 64 {
		t.Fatalf("first key = %q, want a new 64-character key", e.APIKey)
	}
	e.request(t, http.MethodGet, "/balance", legacyRootKey, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	if id := firstKeyIDOf(t, e); id != legacyFirstKeyID {
		t.Errorf("first key id = %s, want the stored %s", id, legacyFirstKeyID)
	}
	if creds := e.credentials(t, e.APIKey, legacyFirstKeyID); creds.Key != e.APIKey {
		t.Errorf("first key's credentials = %+v, want the new key", creds)
	}
}
