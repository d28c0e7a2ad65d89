package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestPatch(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		body      string
		status    int
		code      string
		field     string
		wantLabel string
		wantPerms []string
	}{
		{name: "empty object changes nothing", body: `{}`, status: 200, wantLabel: "before", wantPerms: []string{"balance", "sms"}},
		{name: "label", body: `{"label":"after"}`, status: 200, wantLabel: "after", wantPerms: []string{"balance", "sms"}},
		{name: "permissions, returned sorted", body: `{"permissions":["voice","analytics"]}`, status: 200, wantLabel: "before", wantPerms: []string{"analytics", "voice"}},
		{name: "both", body: `{"label":"after","permissions":["sms"]}`, status: 200, wantLabel: "after", wantPerms: []string{"sms"}},
		{name: "null counts as absent", body: `{"label":null,"permissions":null}`, status: 200, wantLabel: "before", wantPerms: []string{"balance", "sms"}},
		{name: "environment is immutable", body: `{"environment":"sandbox"}`, status: 422, code: "immutable_field", field: "environment"},
		{name: "length is immutable", body: `{"label":"after","length":32}`, status: 422, code: "immutable_field", field: "length"},
		{name: "created_at is immutable", body: `{"created_at":"2030-02-01T00:00:00Z"}`, status: 422, code: "immutable_field", field: "created_at"},
		{name: "revealable is immutable", body: `{"revealable":false}`, status: 422, code: "immutable_field", field: "revealable"},
		{name: "id is immutable", body: `{"id":"ak_x"}`, status: 422, code: "immutable_field", field: "id"},
		{name: "an unknown field is immutable too", body: `{"colour":"red"}`, status: 422, code: "immutable_field", field: "colour"},
		{name: "label empty", body: `{"label":""}`, status: 422, code: "validation_failed", field: "label"},
		{name: "label with a tab", body: `{"label":"a\tb"}`, status: 422, code: "validation_failed", field: "label"},
		{name: "permissions empty", body: `{"permissions":[]}`, status: 422, code: "validation_failed", field: "permissions"},
		{name: "permissions repeated", body: `{"permissions":["sms","sms"]}`, status: 422, code: "validation_failed", field: "permissions"},
		{name: "permissions unknown", body: `{"permissions":["sms","mail"]}`, status: 422, code: "validation_failed", field: "permissions"},
		{name: "label of wrong type", body: `{"label":["x"]}`, status: 400, code: "invalid_json", field: "label"},
		{name: "not an object", body: `[]`, status: 400, code: "invalid_json"},
		{name: "malformed", body: `{"label":"x",}`, status: 400, code: "invalid_json"},
		{name: "no body", body: ``, status: 400, code: "invalid_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sandbox.Options{})
			k := e.create(t, rootKey, `{"label":"before","permissions":["sms","balance"]}`)
			e.clock.Advance(time.Minute)

			a := e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, tt.body)
			if tt.status != http.StatusOK {
				a.wantError(t, tt.status, tt.code, tt.field)
				if got := e.get(t, rootKey, k.ID); got.Label != "before" || !slices.Equal(got.Permissions, []string{"balance", "sms"}) {
					t.Errorf("key after a refused patch = %+v, want it unchanged", got)
				}
				return
			}
			var got keyView
			a.want(t, http.StatusOK).decode(t, &got)
			want := keyView{ID: k.ID, Label: tt.wantLabel, Environment: "live", Length: 64, Permissions: tt.wantPerms,
				CreatedAt: k.CreatedAt, Revealable: true, KeyHint: k.KeyHint}
			if !equalViews(got, want) {
				t.Errorf("patched key = %+v, want %+v", got, want)
			}
			if stored := e.get(t, rootKey, k.ID); !equalViews(stored, want) {
				t.Errorf("GET after patch = %+v, want %+v", stored, want)
			}
			// The key itself is untouched by a patch.
			e.request(t, http.MethodGet, "/api_keys", k.Key, "").want(t, http.StatusForbidden)
		})
	}
}

func TestGetAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	k := e.create(t, rootKey, `{"label":"doomed"}`)

	e.request(t, http.MethodGet, "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA", rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	e.request(t, http.MethodGet, "/api_keys/not-an-id", rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")

	a := e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "").want(t, http.StatusNoContent)
	if len(a.Body) != 0 {
		t.Errorf("204 body = %q, want none", a.Body)
	}
	e.request(t, http.MethodGet, "/api_keys/"+k.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "").wantError(t, http.StatusNotFound, "not_found", "")
	e.request(t, http.MethodPatch, "/api_keys/"+k.ID, rootKey, `{}`).wantError(t, http.StatusNotFound, "not_found", "")
	e.request(t, http.MethodGet, "/balance", k.Key, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
}

func TestAKeyMayDeleteItself(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	k := e.create(t, rootKey, `{"label":"self","permissions":["api_keys"]}`)
	e.request(t, http.MethodDelete, "/api_keys/"+k.ID, k.Key, "").want(t, http.StatusNoContent)
	e.request(t, http.MethodGet, "/api_keys", k.Key, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
}

func TestAccountsAreIsolated(t *testing.T) {
	t.Parallel()
	const otherRoot = "RootKeyOfAccountTwo0123456789"
	e := newEnv(t, sandbox.Options{Accounts: 2, APIKeys: []string{rootKey, otherRoot}})
	mine := e.create(t, rootKey, `{"label":"mine"}`)
	theirs := e.create(t, otherRoot, `{"label":"theirs"}`)

	for _, tt := range []struct{ method, body string }{
		{http.MethodGet, ""}, {http.MethodPatch, `{"label":"stolen"}`}, {http.MethodDelete, ""},
	} {
		e.request(t, tt.method, "/api_keys/"+theirs.ID, rootKey, tt.body).wantError(t, http.StatusNotFound, "not_found", "")
	}
	if got := e.get(t, otherRoot, theirs.ID); got.Label != "theirs" {
		t.Errorf("foreign key after attempts = %+v, want it unchanged", got)
	}
	mineList := e.list(t, rootKey, "")
	theirList := e.list(t, otherRoot, "")
	if mineList.PagingMetadata.Total != 2 || slices.Contains(ids(mineList.Data), theirs.ID) {
		t.Errorf("account 1 lists %q, want its own two keys", ids(mineList.Data))
	}
	if theirList.PagingMetadata.Total != 2 || slices.Contains(ids(theirList.Data), mine.ID) {
		t.Errorf("account 2 lists %q, want its own two keys", ids(theirList.Data))
	}
	if keys := e.Server.APIKeys(); !slices.Equal(keys, []string{rootKey, otherRoot}) {
		t.Errorf("APIKeys() = %q", keys)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	// Keys made in one second are ordered by id; keys of later seconds after them.
	var sameSecond []string
	for i := range 3 {
		sameSecond = append(sameSecond, e.create(t, rootKey, fmt.Sprintf(`{"label":"early %d","environment":"sandbox"}`, i)).ID)
	}
	slices.Sort(sameSecond)
	e.clock.Advance(time.Second)
	var later []string
	for i := range 4 {
		later = append(later, e.create(t, rootKey, fmt.Sprintf(`{"label":"late %d"}`, i)).ID)
		e.clock.Advance(time.Second)
	}
	e.create(t, rootKey, `{"label":"late 0"}`)

	all := e.list(t, rootKey, "?limit=100")
	// The first key was made at epoch too, in the same second as the early ones.
	first := e.list(t, rootKey, "?label=default").Data[0].ID
	wantOrder := slices.Sorted(slices.Values(append(slices.Clone(sameSecond), first)))
	wantOrder = append(wantOrder, later...)
	if got := ids(all.Data)[:len(wantOrder)]; !slices.Equal(got, wantOrder) {
		t.Errorf("order = %q, want %q", got, wantOrder)
	}

	type meta struct {
		offset, count, total, limit int
		hasMore                     bool
	}
	tests := []struct {
		query string
		want  meta
	}{
		{"", meta{0, 9, 9, 25, false}},
		{"?limit=4", meta{0, 4, 9, 4, true}},
		{"?offset=4&limit=4", meta{4, 4, 9, 4, true}},
		{"?offset=8&limit=4", meta{8, 1, 9, 4, false}},
		{"?offset=9", meta{9, 0, 9, 25, false}},
		{"?offset=1000", meta{1000, 0, 9, 25, false}},
		{"?limit=1", meta{0, 1, 9, 1, true}},
		{"?limit=100", meta{0, 9, 9, 100, false}},
		{"?environment=sandbox", meta{0, 3, 3, 25, false}},
		{"?environment=live&limit=2", meta{0, 2, 6, 2, true}},
		{"?label=late+0", meta{0, 2, 2, 25, false}},
		{"?label=late%200&environment=sandbox", meta{0, 0, 0, 25, false}},
		{"?unknown=1", meta{0, 9, 9, 25, false}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			l := e.list(t, rootKey, tt.query)
			p := l.PagingMetadata
			if got := (meta{p.Offset, p.Count, p.Total, p.Limit, p.HasMore}); got != tt.want {
				t.Errorf("pagingMetadata = %+v, want %+v", got, tt.want)
			}
			if len(l.Data) != tt.want.count {
				t.Errorf("len(data) = %d, want %d", len(l.Data), tt.want.count)
			}
			if l.Data == nil {
				t.Error("data = null, want an array")
			}
			for _, k := range l.Data {
				if k.Key != "" || k.Secret != "" {
					t.Errorf("list shows the key or secret of %s", k.ID)
				}
			}
		})
	}

	// Pages put together are the whole list.
	var paged []string
	for offset := 0; ; offset += 2 {
		l := e.list(t, rootKey, fmt.Sprintf("?offset=%d&limit=2", offset))
		paged = append(paged, ids(l.Data)...)
		if !l.PagingMetadata.HasMore {
			break
		}
	}
	if !slices.Equal(paged, ids(all.Data)) {
		t.Errorf("paged = %q, want %q", paged, ids(all.Data))
	}
}

func TestListRefusesBadQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	tests := []struct{ query, field string }{
		{"?offset=-1", "offset"},
		{"?offset=x", "offset"},
		{"?offset=", "offset"},
		{"?offset=1.5", "offset"},
		{"?offset=99999999999999999999999", "offset"},
		{"?offset=1&offset=2", "offset"},
		{"?limit=0", "limit"},
		{"?limit=101", "limit"},
		{"?limit=ten", "limit"},
		{"?environment=prod", "environment"},
		{"?environment=", "environment"},
		{"?label=", "label"},
		{"?label=" + strings.Repeat("x", 65), "label"},
		{"?label=a%0Ab", "label"},
		{"?offset=%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			e.request(t, http.MethodGet, "/api_keys"+tt.query, rootKey, "").
				wantError(t, http.StatusUnprocessableEntity, "validation_failed", tt.field)
		})
	}
}

func TestRoutesAndMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	const id = "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA"

	tests := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{http.MethodGet, "/api/nothing", 404, "unknown_path", ""},
		{http.MethodGet, "/api", 404, "unknown_path", ""},
		{http.MethodGet, "/api/", 404, "unknown_path", ""},
		{http.MethodGet, "/api/api_keys/", 404, "unknown_path", ""},
		{http.MethodGet, "/api/api_keys/a/b", 404, "unknown_path", ""},
		{http.MethodGet, "/api_keys", 404, "unknown_path", ""},
		{http.MethodGet, "/", 404, "unknown_path", ""},
		{http.MethodPut, "/api/api_keys", 405, "method_not_allowed", "GET, POST"},
		{http.MethodDelete, "/api/api_keys", 405, "method_not_allowed", "GET, POST"},
		{http.MethodPost, "/api" + id, 405, "method_not_allowed", "GET, PATCH, DELETE"},
		{http.MethodPut, "/api" + id, 405, "method_not_allowed", "GET, PATCH, DELETE"},
		{http.MethodPost, "/api/balance", 405, "method_not_allowed", "GET"},
		{http.MethodGet, "/api/sms", 405, "method_not_allowed", "POST"},
		{http.MethodOptions, "/api/sms", 405, "method_not_allowed", "POST"},
		{http.MethodPost, "/_sandbox/stats", 405, "method_not_allowed", "GET"},
		{http.MethodPost, "/api" + id + "/credentials", 405, "method_not_allowed", "GET"},
		{http.MethodDelete, "/api" + id + "/credentials", 405, "method_not_allowed", "GET"},
		{http.MethodGet, "/api/api_keys//credentials", 404, "unknown_path", ""},
		{http.MethodGet, "/api/api_keys/credentials", 404, "not_found", ""},
		{http.MethodGet, "/api" + id + "/credentials/", 404, "unknown_path", ""},
		{http.MethodGet, "/api" + id + "/secret", 404, "unknown_path", ""},
		{http.MethodGet, "/api/api_keys/a/b/credentials", 404, "unknown_path", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, e.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Api-Key", rootKey)
			a := send(t, req)
			a.wantError(t, tt.status, tt.code, "")
			if got := a.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
