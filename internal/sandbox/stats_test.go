package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestStats(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Rand: seeded(4)})
	k := e.create(t, rootKey, `{"label":"counted"}`)
	e.get(t, rootKey, k.ID)
	e.get(t, rootKey, k.ID)
	e.request(t, http.MethodGet, "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA", rootKey, "").want(t, http.StatusNotFound)
	e.request(t, http.MethodPut, "/api_keys/"+k.ID, rootKey, "").want(t, http.StatusMethodNotAllowed)
	e.request(t, http.MethodGet, "/nowhere", rootKey, "").want(t, http.StatusNotFound)
	e.request(t, http.MethodGet, "/balance", "", "").want(t, http.StatusUnauthorized)
	e.credentials(t, rootKey, k.ID)
	e.request(t, http.MethodGet, "/api_keys/ak_AAAAAAAAAAAAAAAAAAAA/credentials", rootKey, "").want(t, http.StatusNotFound)
	e.Server.SetFaults(0, 1)
	faulted := e.request(t, http.MethodDelete, "/api_keys/"+k.ID, rootKey, "")
	e.Server.SetFaults(0, 0)

	want := sandbox.Stats{Total: 10, Requests: []sandbox.RequestCount{
		{Method: "GET", Route: "(unmatched)", Status: 404, Count: 1},
		{Method: "POST", Route: "/api_keys", Status: 201, Count: 1},
		{Method: "DELETE", Route: "/api_keys/{id}", Status: faulted.Status, Count: 1},
		{Method: "GET", Route: "/api_keys/{id}", Status: 200, Count: 2},
		{Method: "GET", Route: "/api_keys/{id}", Status: 404, Count: 1},
		{Method: "PUT", Route: "/api_keys/{id}", Status: 405, Count: 1},
		{Method: "GET", Route: "/api_keys/{id}/credentials", Status: 200, Count: 1},
		{Method: "GET", Route: "/api_keys/{id}/credentials", Status: 404, Count: 1},
		{Method: "GET", Route: "/balance", Status: 401, Count: 1},
	}}

	// Reading the stats is not counted, in process or over HTTP.
	if got := e.Server.Stats(); !reflect.DeepEqual(got, want) {
		t.Errorf("Stats() = %+v\nwant %+v", got, want)
	}
	var served sandbox.Stats
	a := send(t, getRequest(t, e.URL+"/_sandbox/stats")).want(t, http.StatusOK)
	if err := json.Unmarshal(a.Body, &served); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(served, want) {
		t.Errorf("GET /_sandbox/stats = %+v\nwant %+v", served, want)
	}
	if got := want.Count("GET", "/api_keys/{id}", 0); got != 3 {
		t.Errorf("Count(GET, /api_keys/{id}, any) = %d, want 3", got)
	}
}

func TestStatsOnlyForLoopback(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for remote, want := range map[string]int{
		"192.0.2.10:4000": http.StatusForbidden,
		"[2001:db8::1]:1": http.StatusForbidden,
		"garbage":         http.StatusForbidden,
		"127.0.0.1:4000":  http.StatusOK,
		"127.8.9.10:4000": http.StatusOK,
		"[::1]:4000":      http.StatusOK,
	} {
		req := httptest.NewRequest(http.MethodGet, "/_sandbox/stats", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("stats from %s = %d, want %d", remote, rec.Code, want)
		}
		if want == http.StatusForbidden && checkErrorShape(rec.Body.Bytes()) != "" {
			t.Errorf("stats from %s: body %s is not the error shape", remote, rec.Body)
		}
	}
}
