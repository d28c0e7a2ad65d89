package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// runSandbox serves a sandbox for the length of one subtest, so its cleanup
// (closing the server, flushing the data file) has run when it returns.
func runSandbox(t *testing.T, name string, opts sandbox.Options, steps func(t *testing.T, e *env)) {
	t.Helper()
	if !t.Run(name, func(t *testing.T) { steps(t, newEnv(t, opts)) }) {
		t.FailNow()
	}
}

func TestRestartRestoresTheState(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	const createBody = `{"label":"survivor","permissions":["balance","api_keys"]}`
	var survivor, gone keyView

	runSandbox(t, "first run", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		survivor = e.create(t, rootKey, createBody, "Idempotency-Key", "restart-idem-key")
		gone = e.create(t, rootKey, `{"label":"gone"}`)
		e.request(t, http.MethodDelete, "/api_keys/"+gone.ID, rootKey, "").want(t, http.StatusNoContent)
		e.request(t, http.MethodPatch, "/api_keys/"+survivor.ID, rootKey, `{"label":"renamed"}`).want(t, http.StatusOK)
		// A read only: its last_used_at reaches the file at shutdown.
		e.clock.Advance(time.Minute)
		e.request(t, http.MethodGet, "/balance", survivor.Key, "").want(t, http.StatusOK)
	})

	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{rootKey, survivor.Key, survivor.Secret, gone.Key, gone.Secret, "restart-idem-key"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the data file holds %q in the clear", secret)
		}
	}

	runSandbox(t, "second run", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		e.clock.Advance(time.Hour)
		got := e.get(t, rootKey, survivor.ID)
		want := survivor
		want.Label, want.Key, want.Secret = "renamed", "", ""
		want.LastUsedAt = ptr(rfc3339(epoch.Add(time.Minute)))
		if !equalViews(got, want) {
			t.Errorf("restored key = %+v, want %+v", got, want)
		}
		e.request(t, http.MethodGet, "/api_keys/"+gone.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
		e.request(t, http.MethodGet, "/api_keys", survivor.Key, "").want(t, http.StatusOK)
		e.request(t, http.MethodGet, "/balance", gone.Key, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")

		replay := e.request(t, http.MethodPost, "/api_keys", rootKey, createBody, "Idempotency-Key", "restart-idem-key").want(t, http.StatusCreated)
		var k keyView
		replay.decode(t, &k)
		if replay.Header.Get("Idempotent-Replayed") != "true" || k.ID != survivor.ID || k.Key != survivor.Key || k.Secret != survivor.Secret {
			t.Errorf("replay after restart = %+v, want the first response", k)
		}
		e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"else"}`, "Idempotency-Key", "restart-idem-key").
			wantError(t, http.StatusUnprocessableEntity, "idempotency_key_reused", "")
	})
}

func TestEveryWriteIsOnDiskBeforeItsAnswer(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.Options{DataFile: dataFile})
	onDisk := func() string {
		raw, err := os.ReadFile(dataFile)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}

	k := e.create(t, rootKey, `{"label":"durable"}`)
	if !strings.Contains(onDisk(), k.ID) {
		t.Fatal("the created key is not in the data file when the answer arrives")
	}
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{"label":"durable too"}`).want(t, http.StatusOK)
	if !strings.Contains(onDisk(), "durable too") {
		t.Fatal("the patch is not in the data file when the answer arrives")
	}
	e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "").want(t, http.StatusNoContent)
	if strings.Contains(onDisk(), k.ID) {
		t.Fatal("the deleted key is still in the data file when the answer arrives")
	}
	entries, _ := os.ReadDir(filepath.Dir(dataFile))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want the data file only (no temporary files left)", len(entries))
	}
}

func TestAFailedWriteChangesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sandbox.Options{DataFile: filepath.Join(dir, "state.json")})
	k := e.create(t, rootKey, `{"label":"before"}`)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}

	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"new"}`, "Idempotency-Key", "x").wantError(t, http.StatusInternalServerError, "internal", "")
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{"label":"after"}`).wantError(t, http.StatusInternalServerError, "internal", "")
	e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "").wantError(t, http.StatusInternalServerError, "internal", "")
	l := e.list(t, rootKey, "")
	if l.PagingMetadata.Total != 2 || e.get(t, rootKey, k.ID).Label != "before" {
		t.Errorf("state after failed writes = %+v, want it as before", l)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	a := e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"new"}`, "Idempotency-Key", "x").want(t, http.StatusCreated)
	if a.Header.Get("Idempotent-Replayed") != "" {
		t.Error("a create that failed to save was kept for replay")
	}
}

func TestACorruptDataFileStopsStartUp(t *testing.T) {
	t.Parallel()
	valid := validDataFile(t)
	tests := map[string]string{
		"empty":              "",
		"not JSON":           "this is not JSON",
		"truncated":          valid[:len(valid)/2],
		"trailing data":      valid + "{}",
		"wrong version":      strings.Replace(valid, `"version": 1`, `"version": 7`, 1),
		"unknown field":      strings.Replace(valid, `"version": 1`, `"version": 1, "extra": true`, 1),
		"no accounts":        `{"version": 1, "accounts": []}`,
		"bad key hash":       strings.Replace(valid, `"key_sha256": "`, `"key_sha256": "zz`, 1),
		"bad key id":         strings.Replace(valid, `"id": "ak_`, `"id": "xx_`, 1),
		"unsorted scopes":    strings.Replace(valid, `"analytics",`, `"zzz",`, 1),
		"a key in the clear": strings.Replace(valid, `"key_hint"`, `"key": "abc", "key_hint"`, 1),
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dataFile := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(dataFile, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := sandbox.New(sandbox.Options{DataFile: dataFile})
			if err == nil || !strings.Contains(err.Error(), dataFile) || !strings.Contains(err.Error(), "corrupt") {
				t.Fatalf("New = %v, want an error that names the file as corrupt", err)
			}
			after, _ := os.ReadFile(dataFile)
			if string(after) != content {
				t.Error("the corrupt data file was changed")
			}
			if entries, _ := os.ReadDir(filepath.Dir(dataFile)); len(entries) != 1 {
				t.Errorf("directory holds %d entries, want the data file only", len(entries))
			}
		})
	}
}

func TestAnUnreadableDataFileStopsStartUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := sandbox.New(sandbox.Options{DataFile: dir})
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("New with a directory as data file = %v, want an error naming it", err)
	}
}

// validDataFile is a data file as the sandbox writes it.
func validDataFile(t *testing.T) string {
	t.Helper()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	srv, err := sandbox.New(sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.New(sandbox.Options{DataFile: dataFile}); err != nil {
		t.Fatalf("the sandbox refuses its own data file: %v", err)
	}
	return string(raw)
}

func TestFirstKeysAcrossRestarts(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	start := func(opts sandbox.Options) *sandbox.Server {
		t.Helper()
		opts.DataFile = dataFile
		srv, err := sandbox.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		return srv
	}
	firstKeyIDs := func(srv *sandbox.Server) []string {
		t.Helper()
		var out []string
		for _, key := range srv.APIKeys() {
			req := getRequest(t, "http://sandbox/api/api_keys?label=default")
			req.Header.Set("X-Api-Key", key)
			var l keyList
			a := serveInProcess(srv, req)
			a.want(t, http.StatusOK).decode(t, &l)
			out = append(out, ids(l.Data)...)
		}
		return out
	}

	one := start(sandbox.Options{})
	randomKey := one.APIKeys()[0]
	ids1 := firstKeyIDs(one)

	// Without the key the sandbox cannot know it again: it issues a new one
	// for the same record, and the old one stops working.
	two := start(sandbox.Options{Accounts: 2})
	keys := two.APIKeys()
	if len(keys) != 2 || keys[0] == randomKey {
		t.Fatalf("APIKeys after restart = %q, want two, the first one new", keys)
	}
	if ids2 := firstKeyIDs(two); ids2[0] != ids1[0] {
		t.Errorf("first key id changed from %s to %s", ids1[0], ids2[0])
	}
	req := getRequest(t, "http://sandbox/api/balance")
	req.Header.Set("X-Api-Key", randomKey)
	serveInProcess(two, req).wantError(t, http.StatusUnauthorized, "unauthorized", "")

	// Given again, a key stays; fewer accounts asked for keep the stored ones.
	three := start(sandbox.Options{APIKeys: []string{keys[0]}})
	if got := three.APIKeys(); len(got) != 2 || got[0] != keys[0] {
		t.Errorf("APIKeys with the key given again = %q, want %q first of two", got, keys[0])
	}

	// A key given for account 2 re-keys it; that key cannot then become
	// account 1's first key.
	const accountTwoKey = "AccountTwoNewKey0123456789"
	four := start(sandbox.Options{APIKeys: []string{keys[0], accountTwoKey}})
	if got := four.APIKeys(); got[1] != accountTwoKey {
		t.Errorf("APIKeys = %q, want %q second", got, accountTwoKey)
	}
	_, err := sandbox.New(sandbox.Options{DataFile: dataFile, APIKeys: []string{accountTwoKey}})
	if err == nil || !strings.Contains(err.Error(), "account 1") {
		t.Errorf("account 2's key as account 1's first key: err = %v, want a refusal naming account 1", err)
	}
}

func TestADeletedFirstKeyIsIssuedAgain(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	var firstID string
	runSandbox(t, "delete it", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		firstID = e.list(t, rootKey, "").Data[0].ID
		e.request(t, http.MethodDelete, "/api_keys/"+firstID, rootKey, "").want(t, http.StatusNoContent)
	})
	runSandbox(t, "restart", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		l := e.list(t, rootKey, "")
		if l.PagingMetadata.Total != 1 || l.Data[0].ID == firstID || len(l.Data[0].Permissions) != len(allScopes) {
			t.Errorf("after restart = %+v, want one new first key holding every scope", l)
		}
	})
}

func TestIdempotencyRecordsExpireFromTheFile(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	records := func() int {
		raw, err := os.ReadFile(dataFile)
		if err != nil {
			t.Fatal(err)
		}
		var content struct {
			Accounts []struct {
				Idempotency []json.RawMessage `json:"idempotency"`
			} `json:"accounts"`
		}
		if err := json.Unmarshal(raw, &content); err != nil {
			t.Fatal(err)
		}
		return len(content.Accounts[0].Idempotency)
	}
	e := newEnv(t, sandbox.Options{DataFile: dataFile})
	e.create(t, rootKey, `{"label":"a"}`, "Idempotency-Key", "a")
	if n := records(); n != 1 {
		t.Fatalf("records = %d, want 1", n)
	}
	e.clock.Advance(24 * time.Hour)
	e.create(t, rootKey, `{"label":"b"}`)
	if n := records(); n != 0 {
		t.Errorf("records 24 h later = %d, want 0", n)
	}
}

func serveInProcess(srv http.Handler, req *http.Request) answer {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}
