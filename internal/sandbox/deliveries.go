package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // the signature's format asks for the MD5 of the body
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	// Events carry Berlin time, as seven.io's do; the zone must be known on
	// every machine.
	_ "time/tzdata"
)

// How the gateway delivers an event: each attempt has 5 seconds, and an
// answer of 429, 500, 502, 503 or 504 or no answer at all is tried again,
// up to 14 attempts, after waits that double from a minute up to an hour.
const (
	deliveryTimeout     = 5 * time.Second
	deliveryAttempts    = 14
	deliveryFirstWait   = time.Minute
	deliveryLongestWait = time.Hour
	nonceLength         = 32
	signingKeyLength    = 64
)

var berlin = mustLoadLocation("Europe/Berlin")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("the embedded zone database lacks %s: %v", name, err))
	}
	return loc
}

// deliveryWait is the wait before attempt number attempt (from 2).
func deliveryWait(attempt int) time.Duration {
	wait := deliveryFirstWait
	for range attempt - 2 {
		wait *= 2
		if wait >= deliveryLongestWait {
			return deliveryLongestWait
		}
	}
	return wait
}

func retryableDelivery(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// event is one thing that happened in an account, for the hooks that ask
// for it.
type event struct {
	kind string // dlr or sms_mo
	// filterValue is what a hook's event_filter is matched against: the
	// recipient of a dlr, the receiving number of an sms_mo.
	filterValue string
	data        [][2]string // in the order the fields are sent
	at          time.Time
}

// delivery is one event on its way to one hook, with everything it needs,
// so that it runs without the server's lock.
type delivery struct {
	hookID     int64
	method     string // the hook's request_method
	target     string
	headers    http.Header
	signingKey string
	ev         event
}

// deliverer sends deliveries in the background and stops them at Close.
type deliverer struct {
	client *http.Client
	now    func() time.Time
	nonce  func() (string, error)
	wait   func(ctx context.Context, d time.Duration) error
	scale  float64
	log    *requestLog

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newDeliverer(opts *Options, log *requestLog, now func() time.Time, nonce func() (string, error)) *deliverer {
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{now: now, nonce: nonce, wait: opts.DeliveryWait, scale: opts.DeliveryTimeScale,
		log: log, ctx: ctx, cancel: cancel}
	if d.scale == 0 {
		d.scale = 1
	}
	if d.wait == nil {
		d.wait = sleepContext
	}
	dialer := &net.Dialer{Timeout: d.scaled(deliveryTimeout), Control: loopbackOnly}
	d.client = &http.Client{
		// No proxy: a proxy would carry the event off the machine.
		Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true},
		// A redirect counts as delivered, and is never followed elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return d
}

func (d *deliverer) scaled(t time.Duration) time.Duration {
	return max(time.Duration(float64(t)*d.scale), time.Millisecond)
}

func (d *deliverer) stop() {
	d.cancel()
	d.wg.Wait()
}

// loopbackOnly refuses every connection but one to this machine: the
// sandbox delivers to receivers under test, never to the network.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return errors.New("the sandbox delivers events to loopback addresses only")
	}
	return nil
}

// onLoopback tells, without asking DNS, whether a target names this
// machine; any other target is registered but never called.
func onLoopback(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// matches tells whether h wants ev.
func (h *hook) matches(ev event) bool {
	if !h.Enabled || (h.EventType != ev.kind && h.EventType != "all") {
		return false
	}
	return h.EventFilter == "" || samePhoneNumber(h.EventFilter, ev.filterValue)
}

// samePhoneNumber compares numbers as seven.io writes them, with or without
// "+" or "00" in front.
func samePhoneNumber(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, "+")
		return strings.TrimPrefix(s, "00")
	}
	return norm(a) == norm(b)
}

// dispatch starts the deliveries of ev to every hook of acc that wants it.
// It runs with s.mu held, and returns how many hooks wanted it.
func (s *Server) dispatch(acc *account, ev event) int {
	n := 0
	for _, h := range acc.hooks {
		if !h.matches(ev) {
			continue
		}
		n++
		if !onLoopback(h.TargetURL) {
			s.deliveries.logf("HOOK %s %d not delivered: %s is not a loopback address", ev.kind, h.ID, redactedHost(h.TargetURL))
			continue
		}
		headers, _ := parseHookHeaders(h.Headers)
		dl := delivery{hookID: h.ID, method: h.RequestMethod, target: h.TargetURL, headers: headers,
			signingKey: acc.signingKey, ev: ev}
		s.deliveries.wg.Add(1)
		go func() {
			defer s.deliveries.wg.Done()
			s.deliveries.run(dl)
		}()
	}
	return n
}

func redactedHost(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "the target"
	}
	return u.Host
}

// run tries dl until it is delivered, refused for good, or out of attempts.
func (d *deliverer) run(dl delivery) {
	for attempt := 1; attempt <= deliveryAttempts; attempt++ {
		if attempt > 1 {
			if err := d.wait(d.ctx, d.scaled(deliveryWait(attempt))); err != nil {
				return
			}
		}
		status, err := d.attempt(dl)
		switch {
		case d.ctx.Err() != nil:
			return
		case err != nil:
			d.logf("HOOK %s %d attempt %d: no answer: %v", dl.ev.kind, dl.hookID, attempt, err)
			continue
		}
		d.logf("HOOK %s %d attempt %d: %d", dl.ev.kind, dl.hookID, attempt, status)
		if !retryableDelivery(status) {
			return
		}
	}
}

// attempt sends dl once, signed afresh.
func (d *deliverer) attempt(dl delivery) (int, error) {
	req, err := d.request(dl)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(d.ctx, d.scaled(deliveryTimeout))
	defer cancel()
	resp, err := d.client.Do(req.WithContext(ctx))
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// request builds one delivery as the hook's request_method asks: POST a
// flat form, JSON a body with the fields under "data", GET a flat query
// string added to the target's own.
func (d *deliverer) request(dl delivery) (*http.Request, error) {
	stamp := berlinTime(dl.ev.at)
	flat := url.Values{"webhook_event": {dl.ev.kind}, "webhook_timestamp": {stamp}}
	for _, kv := range dl.ev.data {
		flat.Set(kv[0], kv[1])
	}
	target := dl.target
	var body []byte
	method, contentType := http.MethodPost, ""
	switch dl.method {
	case "GET":
		method = http.MethodGet
		u, err := url.Parse(target)
		if err != nil {
			return nil, err
		}
		query := u.Query()
		for name, values := range flat {
			query[name] = values
		}
		u.RawQuery = query.Encode()
		target = u.String()
	case "JSON":
		data := map[string]string{}
		for _, kv := range dl.ev.data {
			data[kv[0]] = kv[1]
		}
		var err error
		body, err = json.Marshal(map[string]any{"data": data, "webhook_event": dl.ev.kind, "webhook_timestamp": stamp})
		if err != nil {
			return nil, err
		}
		contentType = "application/json"
	default:
		body, contentType = []byte(flat.Encode()), "application/x-www-form-urlencoded"
	}

	req, err := http.NewRequestWithContext(d.ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for name, values := range dl.headers {
		req.Header[name] = slices.Clone(values)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "sms-gateway-sandbox-webhooks")
	nonce, err := d.nonce()
	if err != nil {
		return nil, err
	}
	timestamp := strconv.FormatInt(d.now().Unix(), 10)
	req.Header.Set("X-Timestamp", timestamp)
	req.Header.Set("X-Nonce", nonce)
	req.Header.Set("X-Signature", sign(dl.signingKey, timestamp, nonce, method, target, body))
	return req, nil
}

// sign is the signature seven.io puts on every event: HMAC-SHA256 under the
// account's signing key over timestamp, nonce, method, the full URL and
// the hex MD5 of the body, one per line.
func sign(key, timestamp, nonce, method, target string, body []byte) string {
	sum := md5.Sum(body) //nolint:gosec // the format asks for MD5; the HMAC carries the security
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(timestamp + "\n" + nonce + "\n" + method + "\n" + target + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// logf adds a line about a delivery to the request log. It names the hook
// and the event, never the target's path, headers or body.
func (d *deliverer) logf(format string, args ...any) {
	if d.log.w == nil {
		return
	}
	line := fmt.Sprintf(format+"\n", args...)
	d.log.mu.Lock()
	defer d.log.mu.Unlock()
	_, _ = io.WriteString(d.log.w, line)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
