// Package receiver receives the gateway's webhook events: it checks each
// event's signature with the account's signing key before it trusts it.
package receiver

import (
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // the signature's format asks for the MD5 of the body
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MaxAge is how old an event may be; older ones may be replayed.
const MaxAge = 5 * time.Minute

// Event is one verified event: its type (dlr, sms_mo, …) and its fields.
type Event struct {
	Type   string
	Fields map[string]string
}

// Verify checks that r, with the body already read, comes from the gateway:
// X-Signature must be the HMAC-SHA256, under the signing key, of
// X-Timestamp, X-Nonce, the method, the full URL the gateway called and
// the hex MD5 of the body, one per line; and X-Timestamp must be recent.
// publicBase is the scheme and host of the hook's target_url, such as
// "https://checkout.example.com", as the receiver cannot always see them
// behind a proxy.
func Verify(r *http.Request, body []byte, signingKey, publicBase string, now time.Time) error {
	timestamp := r.Header.Get("X-Timestamp")
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("no valid X-Timestamp")
	}
	if age := now.Sub(time.Unix(seconds, 0)); age > MaxAge || age < -MaxAge {
		return fmt.Errorf("the event is %s old", age.Round(time.Second))
	}
	bodySum := md5.Sum(body) //nolint:gosec // the format asks for MD5; the HMAC carries the security
	mac := hmac.New(sha256.New, []byte(signingKey))
	fmt.Fprintf(mac, "%s\n%s\n%s\n%s\n%s", timestamp, r.Header.Get("X-Nonce"), r.Method,
		publicBase+r.URL.RequestURI(), hex.EncodeToString(bodySum[:]))
	signature, err := hex.DecodeString(r.Header.Get("X-Signature"))
	if err != nil || !hmac.Equal(signature, mac.Sum(nil)) {
		return errors.New("the signature does not match")
	}
	return nil
}

// Handler answers the gateway's events at publicBase and hands each one
// that verifies to handle. Others get 401, which the gateway does not try
// again.
func Handler(signingKey, publicBase string, handle func(Event)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if err := Verify(r, body, signingKey, publicBase, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		event, err := parse(r, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		handle(event)
	})
}

// parse reads the event as the hook's request_method sent it: JSON with
// the fields under "data", a flat form (POST), or a flat query (GET).
func parse(r *http.Request, body []byte) (Event, error) {
	if r.Header.Get("Content-Type") == "application/json" {
		var payload struct {
			Data  map[string]string `json:"data"`
			Event string            `json:"webhook_event"`
		}
		err := json.Unmarshal(body, &payload)
		return Event{Type: payload.Event, Fields: payload.Data}, err
	}
	values := r.URL.Query()
	if r.Method == http.MethodPost {
		var err error
		if values, err = url.ParseQuery(string(body)); err != nil {
			return Event{}, err
		}
	}
	event := Event{Type: values.Get("webhook_event"), Fields: map[string]string{}}
	for name := range values {
		if name != "webhook_event" && name != "webhook_timestamp" {
			event.Fields[name] = values.Get(name)
		}
	}
	return event, nil
}
