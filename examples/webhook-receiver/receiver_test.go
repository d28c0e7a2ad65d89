package receiver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const body = "webhook_event=dlr&msg_id=1&status=DELIVERED"

// The HMAC-SHA256 under the key "k" of the five lines
// 1700000000, abcdefghijklmnopqrstuvwxyzABCDEF, POST,
// https://checkout.example.com/sms/events and the MD5 of body
// (67b3358d91626943e32ef286f856e80e), computed with openssl dgst.
const signature = "6c9a275c943b366e77e75f22cf909e9eda6b515c8b56262f2a0b6d5316a23b7e"

func delivery(method, target, timestamp, sig string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("X-Timestamp", timestamp)
	r.Header.Set("X-Nonce", "abcdefghijklmnopqrstuvwxyzABCDEF")
	r.Header.Set("X-Signature", sig)
	return r
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0).Add(time.Minute)
	const base = "https://checkout.example.com"
	cases := map[string]struct {
		r       *http.Request
		body    string
		key     string
		now     time.Time
		wantErr string
	}{
		"signed":           {r: delivery("POST", "/sms/events", "1700000000", signature), body: body, key: "k", now: now},
		"upper case hex":   {r: delivery("POST", "/sms/events", "1700000000", strings.ToUpper(signature)), body: body, key: "k", now: now},
		"other key":        {r: delivery("POST", "/sms/events", "1700000000", signature), body: body, key: "K", now: now, wantErr: "does not match"},
		"body changed":     {r: delivery("POST", "/sms/events", "1700000000", signature), body: body + "x", key: "k", now: now, wantErr: "does not match"},
		"other path":       {r: delivery("POST", "/sms/other", "1700000000", signature), body: body, key: "k", now: now, wantErr: "does not match"},
		"other method":     {r: delivery("PUT", "/sms/events", "1700000000", signature), body: body, key: "k", now: now, wantErr: "does not match"},
		"stale":            {r: delivery("POST", "/sms/events", "1700000000", signature), body: body, key: "k", now: now.Add(5 * time.Minute), wantErr: "old"},
		"from the future":  {r: delivery("POST", "/sms/events", "1700000000", signature), body: body, key: "k", now: now.Add(-10 * time.Minute), wantErr: "old"},
		"no timestamp":     {r: delivery("POST", "/sms/events", "", signature), body: body, key: "k", now: now, wantErr: "X-Timestamp"},
		"signature no hex": {r: delivery("POST", "/sms/events", "1700000000", "zz"), body: body, key: "k", now: now, wantErr: "does not match"},
	}
	for name, tc := range cases {
		err := Verify(tc.r, []byte(tc.body), tc.key, base, tc.now)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.wantErr)
		}
	}
}

func TestHandlerRefusesUnsigned(t *testing.T) {
	t.Parallel()
	called := false
	h := Handler("k", "https://checkout.example.com", func(Event) { called = true })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, delivery("POST", "/sms/events", "1700000000", signature)) // long stale by now
	if w.Code != http.StatusUnauthorized || called {
		t.Errorf("status %d, handled %v; want 401, not handled", w.Code, called)
	}
}
