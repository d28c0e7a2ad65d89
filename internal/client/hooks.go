package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	// The gateway gives a hook's creation in Berlin time; the zone must be
	// known on every machine, Windows included.
	_ "time/tzdata"
)

// The values seven.io takes for a hook, spelled exactly so.
var (
	HookEventTypes     = []string{"all", "dlr", "rcs", "sms_mo", "tracking", "voice_call", "voice_dtmf", "voice_status"}
	HookRequestMethods = []string{"GET", "JSON", "POST"}
)

// DefaultHookRequestMethod is what the gateway uses when a create names none.
const DefaultHookRequestMethod = "POST"

// HookTimeZone is where the gateway's clock for hooks stands: it gives a
// hook's creation as local time without a zone.
const HookTimeZone = "Europe/Berlin"

var hookZone = mustLoadLocation(HookTimeZone)

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("the embedded zone database lacks %s: %v", name, err))
	}
	return loc
}

// Hook is a webhook as the gateway lists it.
type Hook struct {
	ID            string // digits
	TargetURL     string
	EventType     string
	RequestMethod string
	EventFilter   string // "" when none
	Headers       string // one "Name: value" per line; "" when none
	Enabled       bool
	Created       time.Time // UTC; zero when the gateway gave none
}

// HookInput is what a create sends. Zero fields leave the gateway's
// defaults.
type HookInput struct {
	TargetURL     string
	EventType     string
	RequestMethod string // "" = POST
	EventFilter   string
	Headers       string
}

// form encodes the create as seven.io's own clients send it.
func (in HookInput) form() []byte {
	v := url.Values{"target_url": {in.TargetURL}, "event_type": {in.EventType}}
	for name, value := range map[string]string{"request_method": in.RequestMethod, "event_filter": in.EventFilter, "headers": in.Headers} {
		if value != "" {
			v.Set(name, value)
		}
	}
	return []byte(v.Encode())
}

// made tells whether h is what a create of in makes: the same target,
// event, method, filter and headers, with the gateway's default method.
func (in HookInput) made(h Hook) bool {
	method := in.RequestMethod
	if method == "" {
		method = DefaultHookRequestMethod
	}
	return h.TargetURL == in.TargetURL && h.EventType == in.EventType && h.RequestMethod == method &&
		h.EventFilter == in.EventFilter && normalizeHeaders(h.Headers) == normalizeHeaders(in.Headers)
}

// normalizeHeaders forgets the line ends a gateway may rewrite.
func normalizeHeaders(headers string) string {
	return strings.TrimRight(strings.ReplaceAll(headers, "\r\n", "\n"), "\n")
}

// ListHooks returns every hook of the account, in the gateway's order.
func (c *Client) ListHooks(ctx context.Context) ([]Hook, error) {
	req := request{method: http.MethodGet, path: "/hooks", seven: true}
	var page struct {
		Hooks json.RawMessage `json:"hooks"`
	}
	got, err := c.do(ctx, req, &page)
	if err != nil {
		return nil, err
	}
	// An answer without the member could make every hook look deleted, and
	// each be created again; null, though, is how a gateway may say none.
	raw := bytes.TrimSpace(page.Hooks)
	if len(raw) == 0 {
		return nil, got.malformed(req, "the answer holds no hooks member", "")
	}
	hooks := []Hook{}
	if !bytes.Equal(raw, []byte("null")) {
		if err := json.Unmarshal(raw, &hooks); err != nil {
			// Only the decoder's words: a hook's headers may hold a password.
			return nil, got.malformed(req, "the hooks cannot be read: "+hookDecodeProblem(err), "")
		}
	}
	for i := range hooks {
		if err := CheckHookID(hooks[i].ID); err != nil {
			return nil, got.malformed(req, "a listed hook has no usable id: "+err.Error(), "")
		}
	}
	return hooks, nil
}

// createdHook is the answer to a create: the id as an integer, though a
// string is read too.
type createdHook struct {
	ID json.RawMessage `json:"id"`
}

// CreateHook creates a hook and returns its id.
//
// A hook has no idempotency key, so a create is never sent again blindly.
// Before it goes, the account's hooks are listed. When an attempt may have
// taken effect (it was sent whole and then went unanswered, timed out,
// failed with a 5xx, or was answered with something unusable), the hooks
// are listed again, and a hook that was not there before and matches the
// input in target_url, event_type, request_method, event_filter and
// headers is taken as the one this create made. None: nothing was made,
// and the create is sent again as any retry is. More than one: someone
// else made the same hook meanwhile; the error wraps ErrOutcomeUnknown and
// names them. One client makes one hook at a time, so that two identical
// hooks created in parallel by one Terraform run cannot be mistaken for
// each other. What this cannot see: an attempt abandoned on the way that
// the gateway carries out only after the listing; that leaves one hook
// more, which the listing of hooks shows.
func (c *Client) CreateHook(ctx context.Context, in HookInput) (string, error) {
	select {
	case c.hookCreates <- struct{}{}:
		defer func() { <-c.hookCreates }()
	case <-ctx.Done():
		return "", fmt.Errorf("POST /hooks: %w", ctx.Err())
	}
	before, err := c.ListHooks(ctx)
	if err != nil {
		return "", fmt.Errorf("listing the hooks before creating one: %w", err)
	}
	known := make(map[string]bool, len(before))
	for _, h := range before {
		known[h.ID] = true
	}
	lookup := func(ctx context.Context) (string, error) {
		hooks, err := c.ListHooks(ctx)
		if err != nil {
			return "", err
		}
		var fresh []string
		for _, h := range hooks {
			if !known[h.ID] && in.made(h) {
				fresh = append(fresh, h.ID)
			}
		}
		switch len(fresh) {
		case 0:
			return "", nil
		case 1:
			return fresh[0], nil
		}
		return "", fmt.Errorf("%d new hooks like it appeared meanwhile (ids %s), so which one this create made is unknown; keep one and delete the others",
			len(fresh), strings.Join(fresh, ", "))
	}

	var created createdHook
	// found is the id that a lookup found when the answer was lost.
	var found string
	req := request{method: http.MethodPost, path: "/hooks", body: in.form(), form: true, seven: true,
		lookup: func(ctx context.Context) (bool, error) {
			id, err := lookup(ctx)
			found = id
			return id != "", err
		}}
	got, err := c.do(ctx, req, &created)
	if err != nil {
		return "", err
	}
	if found != "" {
		return found, nil
	}
	id, idErr := hookIDFrom(created.ID)
	if idErr == nil {
		idErr = CheckHookID(id)
	}
	if idErr == nil {
		return id, nil
	}
	// The gateway said it made a hook, but named it unreadably.
	found, lookupErr := lookup(ctx)
	if lookupErr != nil || found == "" {
		return "", fmt.Errorf("%w; %w", got.malformed(req, "the answer names no usable hook id", ""), ErrOutcomeUnknown)
	}
	return found, nil
}

// DeleteHook removes a hook. seven.io refuses an id it does not hold just
// as it refuses a repeated delete whose first answer was lost, so a refusal
// is checked by listing: a hook that is no longer listed counts as deleted.
func (c *Client) DeleteHook(ctx context.Context, id string) error {
	if err := CheckHookID(id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: http.MethodDelete, path: "/hooks?" + url.Values{"id": {id}}.Encode(), seven: true}, nil)
	if !errors.Is(err, ErrRefused) {
		return err
	}
	hooks, listErr := c.ListHooks(ctx)
	if listErr != nil {
		return fmt.Errorf("%w; checking whether it is gone: %w", err, listErr)
	}
	if slices.ContainsFunc(hooks, func(h Hook) bool { return h.ID == id }) {
		return err
	}
	return nil
}
