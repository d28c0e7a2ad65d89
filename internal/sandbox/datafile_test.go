package sandbox_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	dir := t.TempDir()
	dataFile := filepath.Join(dir, "state.json")
	const createBody = `{"label":"survivor","permissions":["balance","api_keys"]}`
	retiredAt := epoch.Add(10 * 24 * time.Hour)
	var survivor, gone keyView
	var firstCreds credentialsView

	runSandbox(t, "first run", sandbox.Options{DataFile: dataFile}, func(t *testing.T, e *env) {
		survivor = e.create(t, rootKey, createBody, "Idempotency-Key", "restart-idem-key")
		gone = e.create(t, rootKey, `{"label":"gone"}`)
		e.request(t, http.MethodDelete, "/api_keys/"+gone.ID, rootKey, "").want(t, http.StatusNoContent)
		e.request(t, http.MethodPatch, "/api_keys/"+survivor.ID, rootKey, `{"label":"renamed","valid_until":"`+rfc3339(retiredAt)+`"}`).
			want(t, http.StatusOK)
		firstCreds = e.credentials(t, rootKey, firstKeyIDOf(t, e))
		e.clock.Advance(time.Second)
		e.credentials(t, rootKey, survivor.ID)
		// A read only: its last_used_at reaches the file at shutdown.
		e.clock.Advance(time.Minute)
		e.request(t, http.MethodGet, "/balance", survivor.Key, "").want(t, http.StatusOK)
	})

	files := dirContents(t, dir)
	for _, secret := range []string{rootKey, firstCreds.Secret, survivor.Key, survivor.Secret, gone.Key, gone.Secret, "restart-idem-key"} {
		for name, content := range files {
			if strings.Contains(content, secret) {
				t.Errorf("%s holds %q in the clear", name, secret)
			}
		}
	}
	checkOwnerOnlyFiles(t, dir, "state.json", "state.json.key")

	// No first key given: the stored one stays (an empty list is not nil,
	// so newEnv leaves it empty).
	runSandbox(t, "second run", sandbox.Options{DataFile: dataFile, APIKeys: []string{}}, func(t *testing.T, e *env) {
		if e.APIKey != rootKey {
			t.Errorf("first key after restart = %q, want the stored %q", e.APIKey, rootKey)
		}
		e.clock.Advance(time.Hour)
		got := e.get(t, rootKey, survivor.ID)
		want := survivor
		want.Label, want.Key, want.Secret = "renamed", "", ""
		want.ValidUntil = ptr(rfc3339(retiredAt))
		want.LastUsedAt = ptr(rfc3339(epoch.Add(time.Second + time.Minute)))
		want.LastRevealedAt = ptr(rfc3339(epoch.Add(time.Second)))
		if !equalViews(got, want) {
			t.Errorf("restored key = %+v, want %+v", got, want)
		}
		if creds := e.credentials(t, rootKey, survivor.ID); creds != (credentialsView{ID: survivor.ID, Key: survivor.Key, Secret: survivor.Secret}) {
			t.Errorf("credentials after restart = %+v, want the key and secret made in the first run", creds)
		}
		if creds := e.credentials(t, rootKey, firstCreds.ID); creds != firstCreds {
			t.Errorf("first key's credentials after restart = %+v, want %+v", creds, firstCreds)
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
	checkOwnerOnlyFiles(t, filepath.Dir(dataFile), "state.json", "state.json.key")
}

// checkOwnerOnlyFiles checks that dir holds exactly the named files (no
// temporary files left), each readable by its owner only.
func checkOwnerOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, entry := range entries {
		got = append(got, entry.Name())
		info, err := entry.Info()
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode(); mode != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------", entry.Name(), mode)
		}
	}
	if !slices.Equal(got, names) {
		t.Errorf("directory holds %q, want %q", got, names)
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
	valid, key := validDataFile(t)
	otherKey := strings.Repeat("ab", 32) + "\n"
	sealedValues := regexp.MustCompile(`"sealed_credentials": "[^"]*"`).FindAllString(valid, -1)
	if len(sealedValues) != 2 {
		t.Fatalf("the valid data file holds %d sealed credentials, want 2:\n%s", len(sealedValues), valid)
	}
	hashes := regexp.MustCompile(`"key_sha256": "[0-9a-f]{64}"`).FindAllString(valid, -1)
	firstHash, secondHash := hashes[0], hashes[1]
	swapped := strings.Replace(valid, sealedValues[0], "SWAP", 1)
	swapped = strings.Replace(swapped, sealedValues[1], sealedValues[0], 1)
	swapped = strings.Replace(swapped, "SWAP", sealedValues[1], 1)

	tests := []struct {
		name      string
		data      string
		key       *string // nil: no key file
		complaint string
	}{
		{"empty", "", &key, "corrupt"},
		{"not JSON", "this is not JSON", &key, "corrupt"},
		{"truncated", valid[:len(valid)/2], &key, "corrupt"},
		{"trailing data", valid + "{}", &key, "corrupt"},
		{"wrong version", strings.Replace(valid, `"version": 2`, `"version": 7`, 1), &key, "corrupt"},
		{"unknown field", strings.Replace(valid, `"version": 2`, `"version": 2, "extra": true`, 1), &key, "corrupt"},
		{"no accounts", `{"version": 2, "accounts": []}`, &key, "corrupt"},
		{"bad key hash", strings.Replace(valid, `"key_sha256": "`, `"key_sha256": "zz`, 1), &key, "corrupt"},
		{"bad key id", strings.Replace(valid, `"id": "ak_`, `"id": "xx_`, 1), &key, "corrupt"},
		{"unsorted scopes", strings.Replace(valid, `"analytics",`, `"zzz",`, 1), &key, "corrupt"},
		{"a key in the clear", strings.Replace(valid, `"key_hint"`, `"key": "abc", "key_hint"`, 1), &key, "corrupt"},
		{"bad made_by", strings.Replace(valid, `"key_hint"`, `"made_by": "not-an-index", "key_hint"`, 1), &key, "corrupt"},
		{"version 1 with sealed credentials", strings.Replace(valid, `"version": 2`, `"version": 1`, 1), &key, "corrupt"},
		{"sealed credentials altered", strings.Replace(valid, `"sealed_credentials": "`, `"sealed_credentials": "AAAA`, 1), &key, "does not go with"},
		{"sealed credentials swapped between keys", swapped, &key, "does not go with"},
		{"two keys with one hash", strings.Replace(valid, firstHash, secondHash, 1), &key, "corrupt"},
		{"a hash its sealed key does not have", strings.Replace(valid, firstHash, `"key_sha256": "`+strings.Repeat("0", 64)+`"`, 1), &key, "does not go with"},
		{"key file missing", valid, nil, "is missing"},
		{"key file of another data file", valid, &otherKey, "does not go with"},
		{"key file corrupt", valid, ptr("not a key\n"), "corrupt"},
		{"key file without its newline", valid, ptr(strings.TrimSuffix(key, "\n")), "corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			dataFile := filepath.Join(dir, "state.json")
			if err := os.WriteFile(dataFile, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.key != nil {
				if err := os.WriteFile(dataFile+".key", []byte(*tt.key), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			before := dirContents(t, dir)

			_, err := sandbox.New(sandbox.Options{DataFile: dataFile})
			if err == nil || !strings.Contains(err.Error(), dataFile) || !strings.Contains(err.Error(), tt.complaint) {
				t.Fatalf("New = %v, want an error that names the data file and says %q", err, tt.complaint)
			}
			if after := dirContents(t, dir); !maps.Equal(after, before) {
				t.Errorf("the directory changed from %q to %q, want both files left untouched", slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
			}
		})
	}
}

// dirContents maps each file's name to its content.
func dirContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, entry := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[entry.Name()] = string(raw)
	}
	return out
}

func TestAnUnreadableDataFileStopsStartUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := sandbox.New(sandbox.Options{DataFile: dir})
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("New with a directory as data file = %v, want an error naming it", err)
	}
}

// validDataFile is a data file as the sandbox writes it, with two keys, and
// its key file.
func validDataFile(t *testing.T) (data, key string) {
	t.Helper()
	dataFile := filepath.Join(t.TempDir(), "state.json")
	srv, err := sandbox.New(sandbox.Options{DataFile: dataFile, Clock: clock.NewManual(epoch), APIKeys: []string{rootKey}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/api_keys", strings.NewReader(`{"label":"second"}`))
	req.Header.Set("X-Api-Key", rootKey)
	serveInProcess(srv, req).want(t, http.StatusCreated)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	files := dirContents(t, filepath.Dir(dataFile))
	if _, err := sandbox.New(sandbox.Options{DataFile: dataFile}); err != nil {
		t.Fatalf("the sandbox refuses its own data file: %v", err)
	}
	return files["state.json"], files["state.json.key"]
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

	// The key is kept sealed, so a restart without it keeps it too.
	two := start(sandbox.Options{Accounts: 2})
	keys := two.APIKeys()
	if len(keys) != 2 || keys[0] != randomKey {
		t.Fatalf("APIKeys after restart = %q, want two, the first one %q", keys, randomKey)
	}
	if ids2 := firstKeyIDs(two); ids2[0] != ids1[0] {
		t.Errorf("first key id changed from %s to %s", ids1[0], ids2[0])
	}

	// Another key given re-keys the record; the old key stops working.
	const newFirstKey = "AccountOneNewKey0123456789"
	three := start(sandbox.Options{APIKeys: []string{newFirstKey}})
	if got := three.APIKeys(); len(got) != 2 || got[0] != newFirstKey || got[1] != keys[1] {
		t.Errorf("APIKeys with a new key given = %q, want %q and the kept %q", got, newFirstKey, keys[1])
	}
	if ids3 := firstKeyIDs(three); ids3[0] != ids1[0] {
		t.Errorf("re-keyed first key id changed from %s to %s", ids1[0], ids3[0])
	}
	req := getRequest(t, "http://sandbox/api/balance")
	req.Header.Set("X-Api-Key", randomKey)
	serveInProcess(three, req).wantError(t, http.StatusUnauthorized, "unauthorized", "")

	// Account 2's key cannot become account 1's first key.
	_, err := sandbox.New(sandbox.Options{DataFile: dataFile, APIKeys: []string{keys[1]}})
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
