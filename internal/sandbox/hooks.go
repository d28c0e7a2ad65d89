package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The webhook API is seven.io's own, not the key contract: one path,
// /hooks, answered in seven.io's way (errors as HTTP 200 with
// "success": false, a refused key as a bare number), in both its styles.
const (
	hooksPath   = "/hooks"
	scopeHooks  = "hooks"
	firstHookID = 2045

	// The codes seven.io sends as the whole body.
	codeUnknownKey   = "900"
	codeMissingScope = "902"

	maxHookURLLength    = 2048
	maxHookFilterLength = 255
	maxHookHeaders      = 4096
)

var (
	hookEventTypes = []string{"all", "dlr", "rcs", "sms_mo", "tracking", "voice_call", "voice_dtmf", "voice_status"}
	hookMethods    = []string{"GET", "JSON", "POST"}
)

// hook is a webhook as the sandbox keeps it. Headers often hold the
// receiver's credentials, so the data file holds them only sealed.
type hook struct {
	ID            int64
	TargetURL     string
	EventType     string
	RequestMethod string
	EventFilter   string
	Headers       string
	Enabled       bool
	Created       time.Time
}

// hookView is a hook as GET /hooks lists it: the id as a string, created
// in Berlin time without a zone, event_filter null when there is none.
type hookView struct {
	ID            string  `json:"id"`
	TargetURL     string  `json:"target_url"`
	EventType     string  `json:"event_type"`
	RequestMethod string  `json:"request_method"`
	EventFilter   *string `json:"event_filter"`
	Headers       string  `json:"headers"`
	Enabled       bool    `json:"enabled"`
	Created       string  `json:"created"`
}

func (h *hook) view() hookView {
	v := hookView{ID: strconv.FormatInt(h.ID, 10), TargetURL: h.TargetURL, EventType: h.EventType,
		RequestMethod: h.RequestMethod, Headers: h.Headers, Enabled: h.Enabled, Created: berlinTime(h.Created)}
	if h.EventFilter != "" {
		filter := h.EventFilter
		v.EventFilter = &filter
	}
	return v
}

// berlinTime is how seven.io writes its times: local time in Berlin, no zone.
func berlinTime(t time.Time) string {
	return t.In(berlin).Format("2006-01-02 15:04:05")
}

type sevenAnswer struct {
	Success      bool    `json:"success"`
	Code         *string `json:"code"`
	ErrorMessage string  `json:"error_message,omitempty"`
}

func sevenRefusal(format string, args ...any) reply {
	return jsonReply(http.StatusOK, sevenAnswer{ErrorMessage: fmt.Sprintf(format, args...)})
}

// numericReply is seven.io's answer to a key it does not take.
func numericReply(status int, code string) reply {
	return reply{status: status, body: []byte(code)}
}

// serveHooks answers /hooks. It does its own authentication, since seven.io
// takes the key in more ways than the key contract and refuses it with a
// bare code rather than the contract's error.
func (s *Server) serveHooks(r *http.Request) reply {
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodDelete {
		return methodNotAllowed(r.Method, "GET, POST, DELETE")
	}
	params, paramsErr := hookParams(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.purgeAndSave(now)
	cred, ok := s.authenticateKey(hooksKey(r), now)
	if !ok {
		return numericReply(http.StatusUnauthorized, codeUnknownKey)
	}
	if allowed, retryAfter := s.limiter.take(cred.account.id, now); !allowed {
		return errorReply(&apiError{status: http.StatusTooManyRequests, code: "rate_limited",
			message: fmt.Sprintf("too many requests for this account; retry in %d s", retryAfter)}).
			withHeader("Retry-After", strconv.Itoa(retryAfter))
	}
	if !cred.key.holds(scopeHooks) {
		return numericReply(http.StatusForbidden, codeMissingScope)
	}
	if paramsErr != "" {
		return sevenRefusal("%s", paramsErr)
	}

	action := params.Get("action")
	switch {
	case r.Method == http.MethodGet && (action == "" || action == "read"):
		return s.listHooks(cred.account)
	case r.Method == http.MethodPost && (action == "" || action == "subscribe"):
		return s.createHook(cred.account, params, now)
	case r.Method == http.MethodDelete && action == "",
		r.Method == http.MethodPost && action == "unsubscribe":
		return s.deleteHook(cred.account, params.Get("id"), now)
	}
	return sevenRefusal("Invalid action")
}

// hooksKey reads the key as seven.io takes it: X-Api-Key, or an
// Authorization header with the raw key after Basic (seven.io's own
// clients send it so, not base64-encoded) or Bearer.
func hooksKey(r *http.Request) string {
	if key := r.Header.Get("X-Api-Key"); key != "" {
		return key
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && (strings.EqualFold(scheme, "Basic") || strings.EqualFold(scheme, "Bearer")) {
		return strings.TrimSpace(token)
	}
	return ""
}

// hookParams gathers a request's parameters from its query and its body,
// form-encoded or JSON; the body wins. It reports what is wrong with the
// body, to be answered once the key has been checked.
func hookParams(r *http.Request) (url.Values, string) {
	params := r.URL.Query()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		return params, "The body could not be read"
	case len(body) > maxBodyBytes:
		return params, "The body is larger than 64 KiB"
	case len(bytes.TrimSpace(body)) == 0:
		return params, ""
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var fromBody url.Values
	switch mediaType {
	case "application/json":
		if fromBody, err = jsonParams(body); err != nil {
			return params, "Invalid JSON: " + err.Error()
		}
	case "application/x-www-form-urlencoded", "":
		if fromBody, err = url.ParseQuery(string(body)); err != nil {
			return params, "Invalid form body"
		}
	default:
		return params, "Send the parameters form-encoded or as JSON"
	}
	for name, values := range fromBody {
		params[name] = values
	}
	return params, ""
}

// jsonParams reads a JSON object of strings (numbers for an id are taken
// too, as clients send them; null is absent).
func jsonParams(body []byte) (url.Values, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return nil, fmt.Errorf("the body must be a JSON object")
	}
	params := url.Values{}
	for name, raw := range members {
		var s string
		var n json.Number
		switch {
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")):
		case json.Unmarshal(raw, &s) == nil:
			params.Set(name, s)
		case json.Unmarshal(raw, &n) == nil:
			params.Set(name, n.String())
		default:
			return nil, fmt.Errorf("%s must be a string", name)
		}
	}
	return params, nil
}

func (s *Server) listHooks(acc *account) reply {
	views := make([]hookView, 0, len(acc.hooks))
	for _, h := range acc.hooks {
		views = append(views, h.view())
	}
	return jsonReply(http.StatusOK, struct {
		Success bool       `json:"success"`
		Code    *string    `json:"code"`
		Hooks   []hookView `json:"hooks"`
	}{Success: true, Hooks: views})
}

func (s *Server) createHook(acc *account, params url.Values, now time.Time) reply {
	h := &hook{
		TargetURL:     params.Get("target_url"),
		EventType:     params.Get("event_type"),
		RequestMethod: params.Get("request_method"),
		EventFilter:   params.Get("event_filter"),
		Headers:       strings.ReplaceAll(params.Get("headers"), "\r\n", "\n"),
		Enabled:       true,
		Created:       wholeSeconds(now),
	}
	if h.RequestMethod == "" {
		h.RequestMethod = "POST"
	}
	if problem := h.check(); problem != "" {
		return sevenRefusal("%s", problem)
	}
	h.ID = s.nextHookID
	s.nextHookID++
	acc.hooks = append(acc.hooks, h)
	if err := s.persist(now); err != nil {
		acc.hooks = acc.hooks[:len(acc.hooks)-1]
		s.nextHookID--
		return errorReply(internalError("the data file could not be written"))
	}
	return jsonReply(http.StatusOK, struct {
		Success bool    `json:"success"`
		Code    *string `json:"code"`
		ID      int64   `json:"id"`
	}{Success: true, ID: h.ID})
}

// check says what seven.io would refuse in a new hook, in its words.
func (h *hook) check() string {
	u, err := url.Parse(h.TargetURL)
	switch {
	case h.TargetURL == "" || len(h.TargetURL) > maxHookURLLength || err != nil ||
		(u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
		return "Invalid URL"
	case !slices.Contains(hookEventTypes, h.EventType):
		return "Invalid event type; use one of " + strings.Join(hookEventTypes, ", ")
	case !slices.Contains(hookMethods, h.RequestMethod):
		return "Invalid request method; use one of " + strings.Join(hookMethods, ", ")
	case len(h.EventFilter) > maxHookFilterLength || strings.ContainsAny(h.EventFilter, "\r\n"):
		return "Invalid event filter"
	case len(h.Headers) > maxHookHeaders:
		return "Invalid headers"
	}
	if _, ok := parseHookHeaders(h.Headers); !ok {
		return `Invalid headers; give one "Name: value" per line`
	}
	return ""
}

// parseHookHeaders reads one "Name: value" per line; empty lines are
// skipped.
func parseHookHeaders(headers string) (http.Header, bool) {
	out := http.Header{}
	for line := range strings.SplitSeq(headers, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, found := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !found || !isHeaderName(name) || strings.ContainsAny(value, "\r\x00") {
			return nil, false
		}
		out.Add(name, strings.TrimSpace(value))
	}
	return out, true
}

func isHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		letterOrDigit := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !letterOrDigit && !strings.ContainsRune("!#$%&'*+-.^_`|~", r) {
			return false
		}
	}
	return true
}

func (s *Server) deleteHook(acc *account, rawID string, now time.Time) reply {
	id, err := strconv.ParseInt(rawID, 10, 64)
	i := slices.IndexFunc(acc.hooks, func(h *hook) bool { return h.ID == id })
	if err != nil || i < 0 {
		return sevenRefusal("Webhook not found")
	}
	removed := acc.hooks[i]
	acc.hooks = slices.Delete(acc.hooks, i, i+1)
	if err := s.persist(now); err != nil {
		acc.hooks = slices.Insert(acc.hooks, i, removed)
		return errorReply(internalError("the data file could not be written"))
	}
	return jsonReply(http.StatusOK, sevenAnswer{Success: true})
}
