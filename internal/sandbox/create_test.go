package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestCreateRefusesBadBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	future := rfc3339(epoch.Add(24 * time.Hour))

	tests := []struct {
		name   string
		body   string
		status int
		code   string
		field  string
	}{
		{"empty body", ``, 400, "invalid_json", ""},
		{"blank body", "  \n", 400, "invalid_json", ""},
		{"malformed JSON", `{"label":`, 400, "invalid_json", ""},
		{"missing colon", `{"label" "x"}`, 400, "invalid_json", ""},
		{"array instead of object", `[{"label":"x"}]`, 400, "invalid_json", ""},
		{"string instead of object", `"x"`, 400, "invalid_json", ""},
		{"null body", `null`, 400, "invalid_json", ""},
		{"two objects", `{"label":"x"}{"label":"y"}`, 400, "invalid_json", ""},
		{"trailing garbage", `{"label":"x"} x`, 400, "invalid_json", ""},
		{"repeated member", `{"label":"x","label":"y"}`, 400, "invalid_json", "label"},
		{"unknown field", `{"label":"x","colour":"red"}`, 400, "invalid_json", "colour"},
		{"unknown field even when null", `{"label":"x","colour":null}`, 400, "invalid_json", "colour"},
		{"field names are case sensitive", `{"Label":"x"}`, 400, "invalid_json", "Label"},
		{"key cannot be chosen", `{"label":"x","key":"abc"}`, 400, "invalid_json", "key"},
		{"invalid UTF-8", "{\"label\":\"\xff\xfe\"}", 400, "invalid_json", ""},
		{"label of wrong type", `{"label":5}`, 400, "invalid_json", "label"},
		{"environment of wrong type", `{"label":"x","environment":true}`, 400, "invalid_json", "environment"},
		{"length as a string", `{"label":"x","length":"32"}`, 400, "invalid_json", "length"},
		{"length with a fraction", `{"label":"x","length":32.5}`, 400, "invalid_json", "length"},
		{"length with an exponent", `{"label":"x","length":3.2e1}`, 400, "invalid_json", "length"},
		{"permissions as a string", `{"label":"x","permissions":"sms"}`, 400, "invalid_json", "permissions"},
		{"permissions with a number", `{"label":"x","permissions":["sms",1]}`, 400, "invalid_json", "permissions"},
		{"permissions with null", `{"label":"x","permissions":["sms",null]}`, 400, "invalid_json", "permissions"},
		{"valid_until as a number", `{"label":"x","valid_until":1893456000}`, 400, "invalid_json", "valid_until"},
		{"body over 64 KiB", `{"label":"x","pad":"` + strings.Repeat("a", 64<<10) + `"}`, 400, "invalid_json", ""},

		{"label missing", `{}`, 422, "validation_failed", "label"},
		{"label null", `{"label":null}`, 422, "validation_failed", "label"},
		{"label empty", `{"label":""}`, 422, "validation_failed", "label"},
		{"label of 65 characters", `{"label":"` + strings.Repeat("é", 65) + `"}`, 422, "validation_failed", "label"},
		{"label with a newline", `{"label":"a\nb"}`, 422, "validation_failed", "label"},
		{"label with DEL", `{"label":"a\u007fb"}`, 422, "validation_failed", "label"},
		{"environment unknown", `{"label":"x","environment":"test"}`, 422, "validation_failed", "environment"},
		{"environment in capitals", `{"label":"x","environment":"LIVE"}`, 422, "validation_failed", "environment"},
		{"length 15", `{"label":"x","length":15}`, 422, "validation_failed", "length"},
		{"length 65", `{"label":"x","length":65}`, 422, "validation_failed", "length"},
		{"length negative", `{"label":"x","length":-64}`, 422, "validation_failed", "length"},
		{"length beyond any integer", `{"label":"x","length":123456789012345678901234567890}`, 422, "validation_failed", "length"},
		{"permissions empty", `{"label":"x","permissions":[]}`, 422, "validation_failed", "permissions"},
		{"permissions unknown scope", `{"label":"x","permissions":["sms","telepathy"]}`, 422, "validation_failed", "permissions"},
		{"permissions repeated", `{"label":"x","permissions":["sms","sms"]}`, 422, "validation_failed", "permissions"},
		{"valid_until not a time", `{"label":"x","valid_until":"tomorrow"}`, 422, "validation_failed", "valid_until"},
		{"valid_until without zone", `{"label":"x","valid_until":"2030-02-01T00:00:00"}`, 422, "validation_failed", "valid_until"},
		{"valid_until in the past", `{"label":"x","valid_until":"` + rfc3339(epoch.Add(-time.Second)) + `"}`, 422, "validation_failed", "valid_until"},
		{"valid_until now", `{"label":"x","valid_until":"` + rfc3339(epoch) + `"}`, 422, "validation_failed", "valid_until"},
		{"valid_until a fraction ahead", `{"label":"x","valid_until":"2030-01-15T09:30:00.9Z"}`, 422, "validation_failed", "valid_until"},
		{"valid_until beyond 2 years", `{"label":"x","valid_until":"` + rfc3339(epoch.AddDate(2, 0, 0).Add(time.Second)) + `"}`, 422, "validation_failed", "valid_until"},

		{"validation before the quota and grants", `{"label":"","valid_until":"` + future + `"}`, 422, "validation_failed", "label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.request(t, http.MethodPost, "/api_keys", rootKey, tt.body).wantError(t, tt.status, tt.code, tt.field)
		})
	}

	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 1 {
		t.Errorf("after refused creates the account holds %d keys, want only the first", l.PagingMetadata.Total)
	}
}

func TestCreateRefusesOtherContentTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"x"}`, "Content-Type", "application/x-www-form-urlencoded").
		wantError(t, http.StatusBadRequest, "invalid_json", "")
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"x"}`, "Content-Type", "application/json; charset=utf-8").
		want(t, http.StatusCreated)
}

func TestCreateAnswersTheNewKeyOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	e.clock.Advance(1500 * time.Millisecond)

	k := e.create(t, rootKey, `{"label":"ci deploy ✓","environment":"live","length":32,"permissions":["sms","balance","analytics"],"valid_until":"2030-06-01T12:00:00.75+02:00"}`)

	if !keyIDPattern.MatchString(k.ID) {
		t.Errorf("id = %q, want ak_ and 20 characters of [A-Za-z0-9]", k.ID)
	}
	if len(k.Key) != 32 || !alnumPattern.MatchString(k.Key) {
		t.Errorf("key = %q, want 32 characters of [A-Za-z0-9]", k.Key)
	}
	if len(k.Secret) != 64 || !alnumPattern.MatchString(k.Secret) {
		t.Errorf("secret = %q, want 64 characters of [A-Za-z0-9]", k.Secret)
	}
	want := keyView{
		ID: k.ID, Label: "ci deploy ✓", Environment: "live", Length: 32,
		Permissions: []string{"analytics", "balance", "sms"},
		ValidUntil:  ptr("2030-06-01T10:00:00Z"),
		CreatedAt:   "2030-01-15T09:30:01Z",
		Revealable:  true,
		KeyHint:     k.Key[28:],
		Key:         k.Key, Secret: k.Secret,
	}
	if !equalViews(k, want) {
		t.Errorf("created key = %+v, want %+v", k, want)
	}

	got := e.get(t, rootKey, k.ID)
	want.Key, want.Secret = "", ""
	if !equalViews(got, want) {
		t.Errorf("GET of the new key = %+v, want %+v (no key, no secret)", got, want)
	}

	// The key works, with exactly its own scopes.
	e.request(t, http.MethodGet, "/balance", k.Key, "").want(t, http.StatusOK)
	e.request(t, http.MethodGet, "/api_keys", k.Key, "").wantError(t, http.StatusForbidden, "forbidden", "")
}

func TestCreateDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})

	k := e.create(t, rootKey, `{"label":"defaults","environment":null,"length":null,"permissions":null,"valid_until":null}`)
	var everyScopeButKeys []string
	for _, s := range allScopes {
		if s != "api_keys" {
			everyScopeButKeys = append(everyScopeButKeys, s)
		}
	}
	if k.Environment != "live" || k.Length != 64 || len(k.Key) != 64 || k.ValidUntil != nil || k.Expired ||
		!slices.Equal(k.Permissions, everyScopeButKeys) {
		t.Errorf("defaults = %+v, want live, 64, every scope but api_keys, no valid_until", k)
	}

	// By default a key grants only what it holds itself.
	limited := e.create(t, rootKey, `{"label":"limited","permissions":["api_keys","sms","voice"]}`)
	child := e.create(t, limited.Key, `{"label":"child"}`)
	if !slices.Equal(child.Permissions, []string{"sms", "voice"}) {
		t.Errorf("default permissions from a key with api_keys, sms, voice = %q, want [sms voice]", child.Permissions)
	}
	keysOnly := e.create(t, rootKey, `{"label":"keys only","permissions":["api_keys"]}`)
	e.request(t, http.MethodPost, "/api_keys", keysOnly.Key, `{"label":"nothing to grant"}`).
		wantError(t, http.StatusUnprocessableEntity, "validation_failed", "permissions")
}

func TestCreateValidUntilBounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	for _, until := range []time.Time{epoch.Add(time.Second), epoch.AddDate(2, 0, 0)} {
		k := e.create(t, rootKey, `{"label":"bound","valid_until":"`+rfc3339(until)+`"}`)
		if *k.ValidUntil != rfc3339(until) {
			t.Errorf("valid_until = %s, want %s", *k.ValidUntil, rfc3339(until))
		}
	}
}

func TestGrantRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	narrow := e.create(t, rootKey, `{"label":"narrow","permissions":["api_keys","sms"]}`)
	sandboxKey := e.create(t, rootKey, `{"label":"sb","environment":"sandbox","permissions":["api_keys","sms","balance"]}`)
	target := e.create(t, rootKey, `{"label":"target","permissions":["sms"]}`)

	tests := []struct {
		name   string
		key    string
		method string
		path   string
		body   string
		want   int
	}{
		{"create with a scope the key lacks", narrow.Key, http.MethodPost, "/api_keys", `{"label":"x","permissions":["sms","balance"]}`, http.StatusForbidden},
		{"create with scopes the key holds", narrow.Key, http.MethodPost, "/api_keys", `{"label":"x","permissions":["sms"]}`, http.StatusCreated},
		{"create api_keys from a key holding it", narrow.Key, http.MethodPost, "/api_keys", `{"label":"x","permissions":["api_keys"]}`, http.StatusCreated},
		{"sandbox key creates a live key", sandboxKey.Key, http.MethodPost, "/api_keys", `{"label":"x","environment":"live","permissions":["sms"]}`, http.StatusForbidden},
		{"sandbox key relies on the live default", sandboxKey.Key, http.MethodPost, "/api_keys", `{"label":"x","permissions":["sms"]}`, http.StatusForbidden},
		{"sandbox key creates a sandbox key", sandboxKey.Key, http.MethodPost, "/api_keys", `{"label":"x","environment":"sandbox","permissions":["sms"]}`, http.StatusCreated},
		{"patch grants a scope the key lacks", narrow.Key, http.MethodPatch, "/api_keys/" + target.ID, `{"permissions":["sms","voice"]}`, http.StatusForbidden},
		{"patch keeps within the key's scopes", narrow.Key, http.MethodPatch, "/api_keys/" + target.ID, `{"permissions":["api_keys","sms"]}`, http.StatusOK},
		{"patch of the label of a stronger key", narrow.Key, http.MethodPatch, "/api_keys/" + sandboxKey.ID, `{"label":"renamed"}`, http.StatusOK},
		{"a key cannot raise itself", narrow.Key, http.MethodPatch, "/api_keys/" + narrow.ID, `{"permissions":["api_keys","sms","waba"]}`, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.request(t, tt.method, tt.path, tt.key, tt.body)
			if tt.want == http.StatusForbidden {
				a.wantError(t, http.StatusForbidden, "forbidden", "")
				return
			}
			a.want(t, tt.want)
		})
	}
	if got := e.get(t, rootKey, narrow.ID); !slices.Equal(got.Permissions, []string{"api_keys", "sms"}) {
		t.Errorf("narrow key's permissions after refused patches = %q, want [api_keys sms]", got.Permissions)
	}
}

func TestKeyQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{KeyQuota: 3})

	second := e.create(t, rootKey, `{"label":"2"}`)
	e.create(t, rootKey, `{"label":"3"}`)
	e.request(t, http.MethodPost, "/api_keys", rootKey, `{"label":"4"}`).wantError(t, http.StatusConflict, "key_quota_exceeded", "")

	e.request(t, http.MethodDelete, "/api_keys/"+second.ID, rootKey, "").want(t, http.StatusNoContent)
	e.create(t, rootKey, `{"label":"4"}`)
	if l := e.list(t, rootKey, ""); l.PagingMetadata.Total != 3 {
		t.Errorf("keys held = %d, want the quota of 3", l.PagingMetadata.Total)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{})
	k := e.create(t, rootKey, `{"label":"short-lived","permissions":["balance"],"valid_until":"`+rfc3339(epoch.Add(time.Hour))+`"}`)

	e.clock.Advance(time.Hour - time.Second)
	if got := e.get(t, rootKey, k.ID); got.Expired {
		t.Error("expired = true a second before valid_until")
	}
	e.request(t, http.MethodGet, "/balance", k.Key, "").want(t, http.StatusOK)

	e.clock.Advance(time.Second)
	if got := e.get(t, rootKey, k.ID); !got.Expired {
		t.Error("expired = false at valid_until")
	}
	e.request(t, http.MethodGet, "/balance", k.Key, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")

	// An expired key still counts and can still be deleted.
	l := e.list(t, rootKey, "")
	i := slices.IndexFunc(l.Data, func(v keyView) bool { return v.ID == k.ID })
	if l.PagingMetadata.Total != 2 || i < 0 || !l.Data[i].Expired {
		t.Errorf("list after expiry = %+v, want the expired key listed as expired", l)
	}
	e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "").want(t, http.StatusNoContent)
}

var allScopes = []string{
	"analytics", "api_keys", "balance", "contacts", "hooks", "journal",
	"lookup", "pricing", "rcs", "sms", "status", "subaccounts",
	"validate_for_voice", "voice", "waba",
}

func ptr[T any](v T) *T { return &v }

func equalViews(a, b keyView) bool {
	return a.ID == b.ID && a.Label == b.Label && a.Environment == b.Environment && a.Length == b.Length &&
		slices.Equal(a.Permissions, b.Permissions) && equalPtr(a.ValidUntil, b.ValidUntil) &&
		a.Expired == b.Expired && a.CreatedAt == b.CreatedAt && equalPtr(a.LastUsedAt, b.LastUsedAt) &&
		equalPtr(a.LastRevealedAt, b.LastRevealedAt) && a.Revealable == b.Revealable &&
		a.KeyHint == b.KeyHint && a.Key == b.Key && a.Secret == b.Secret
}

func equalPtr(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
