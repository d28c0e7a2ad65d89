package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	srv, err := sandbox.New(sandbox.Options{APIKeys: []string{rootKey}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(method, target, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-Api-Key", rootKey)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}

	created := serve(http.MethodPost, "/api/api_keys?label=secret-label", `{"label":"private label"}`)
	var k keyView
	if err := json.Unmarshal(created.Body.Bytes(), &k); err != nil || k.Key == "" {
		t.Fatalf("create: %d %s", created.Code, created.Body)
	}
	serve(http.MethodGet, "/api/api_keys/"+k.ID, "")
	revealed := serve(http.MethodGet, "/api/api_keys/"+k.ID+"/credentials", "")
	if !strings.Contains(revealed.Body.String(), k.Secret) {
		t.Fatalf("credentials: %d %s", revealed.Code, revealed.Body)
	}
	serve(http.MethodGet, "/api/api_keys/"+k.Key, "") // a key where no key belongs
	serve(http.MethodGet, "/api/%0Ainjected", "")

	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("log has %d lines, want 5:\n%s", len(lines), log.String())
	}
	line := regexp.MustCompile(`^(GET|POST) (\S+) (\d{3}) \S+ (req_[A-Za-z0-9]+)$`)
	wantPaths := []string{"/api/api_keys", "/api/api_keys/" + k.ID, "/api/api_keys/" + k.ID + "/credentials", "/api/api_keys/[redacted]", "/api/%0Ainjected"}
	wantStatus := []string{"201", "200", "200", "404", "404"}
	for i, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %q does not read method, path, status, duration, request id", l)
			continue
		}
		if m[2] != wantPaths[i] || m[3] != wantStatus[i] {
			t.Errorf("line %q: path %s status %s, want %s %s", l, m[2], m[3], wantPaths[i], wantStatus[i])
		}
	}
	if id := created.Header().Get("X-Request-Id"); !strings.HasSuffix(lines[0], " "+id) {
		t.Errorf("first line %q does not end in the request id %s", lines[0], id)
	}
	for _, secret := range []string{rootKey, k.Key, k.Secret, "private label", "secret-label"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
}
