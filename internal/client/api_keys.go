package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APIKey is a key as the gateway describes it. Key and Secret are set only
// in the answer that created it.
type APIKey struct {
	ID             string     `json:"id"`
	Label          string     `json:"label"`
	Environment    string     `json:"environment"`
	Length         int64      `json:"length"`
	Permissions    []string   `json:"permissions"`
	ValidUntil     *time.Time `json:"valid_until"`
	Expired        bool       `json:"expired"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at"`
	LastRevealedAt *time.Time `json:"last_revealed_at"`
	// Revealable says whether the calling key may read this key's
	// credentials again (GetCredentials).
	Revealable bool   `json:"revealable"`
	KeyHint    string `json:"key_hint"`
	Key        string `json:"key,omitempty"`
	Secret     string `json:"secret,omitempty"`
}

// Credentials are a key and its secret, read again after creation.
type Credentials struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// CreateAPIKeyInput leaves the gateway's defaults to every zero field.
type CreateAPIKeyInput struct {
	Label       string     `json:"label"`
	Environment string     `json:"environment,omitempty"`
	Length      int64      `json:"length,omitempty"`
	Permissions []string   `json:"permissions,omitempty"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
}

// UpdateAPIKeyInput changes only the fields that are set. ValidUntil can
// only bring a key's expiry forward, to retire it.
type UpdateAPIKeyInput struct {
	Label       *string    `json:"label,omitempty"`
	Permissions []string   `json:"permissions,omitempty"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
}

// ListAPIKeysInput filters a listing.
type ListAPIKeysInput struct {
	Environment string // "" = all
	Label       string // exact; "" = all
	PageSize    int    // 0 = 100 (the contract's maximum)
}

const maxPageSize = 100

// CreateRequest is a create ready to send: its body and its
// Idempotency-Key, kept together so that every attempt, even one made by a
// later run from what it stored, repeats it exactly and the gateway answers
// it with the key it made the first time.
type CreateRequest struct {
	IdempotencyKey string
	Body           []byte
}

// NewCreateRequest encodes in under a fresh Idempotency-Key.
func NewCreateRequest(in CreateAPIKeyInput) (CreateRequest, error) {
	if in.ValidUntil != nil {
		utc := in.ValidUntil.UTC()
		in.ValidUntil = &utc
	}
	body, err := json.Marshal(in)
	if err != nil {
		return CreateRequest{}, fmt.Errorf("encoding the new key: %w", err)
	}
	return CreateRequest{IdempotencyKey: rand.Text(), Body: body}, nil
}

// CreateAPIKey creates a key. One Idempotency-Key serves all attempts of
// the call, so an answer lost on the way back is replayed by the gateway on
// retry instead of leaving a second key behind.
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	req, err := NewCreateRequest(in)
	if err != nil {
		return nil, err
	}
	return c.Create(ctx, req)
}

// Create sends a prepared create. When its error wraps ErrOutcomeUnknown,
// sending the same req again learns what became of it.
func (c *Client) Create(ctx context.Context, create CreateRequest) (*APIKey, error) {
	return c.create(ctx, create, false)
}

// ConfirmCreate sends a create again to learn what became of it, with
// attempts that only ctx bounds: a gateway too slow for RequestTimeout
// still gets to say which key it made.
func (c *Client) ConfirmCreate(ctx context.Context, create CreateRequest) (*APIKey, error) {
	return c.create(ctx, create, true)
}

func (c *Client) create(ctx context.Context, create CreateRequest, untimed bool) (*APIKey, error) {
	if create.IdempotencyKey == "" || len(create.Body) == 0 {
		return nil, errors.New("a create needs a body and an Idempotency-Key")
	}
	req := request{method: http.MethodPost, path: "/api_keys", body: create.Body,
		idempotencyKey: create.IdempotencyKey, untimed: untimed}
	var key APIKey
	got, err := c.do(ctx, req, &key)
	if err != nil {
		var malformed *MalformedAnswerError
		if errors.As(err, &malformed) {
			malformed.KeyID = key.ID
		}
		return nil, err
	}
	// Key and secret are shown only now; an answer without them is of no use
	// to the caller, who must then be told which key to remove.
	switch {
	case key.ID == "":
		return nil, got.malformed(req, "the answer names no key id", "")
	case key.Key == "" || key.Secret == "":
		return nil, got.malformed(req, "the answer for key "+key.ID+" lacks its key or secret", key.ID)
	}
	return &key, nil
}

// GetAPIKey reads one key; a missing key is an error for which NotFound
// is true.
func (c *Client) GetAPIKey(ctx context.Context, id string) (*APIKey, error) {
	path, err := keyPath(id)
	if err != nil {
		return nil, err
	}
	return c.keyRequest(ctx, request{method: http.MethodGet, path: path})
}

// UpdateAPIKey changes the label, the permissions or the expiry of a key;
// the gateway only ever brings an expiry forward.
func (c *Client) UpdateAPIKey(ctx context.Context, id string, in UpdateAPIKeyInput) (*APIKey, error) {
	path, err := keyPath(id)
	if err != nil {
		return nil, err
	}
	if in.ValidUntil != nil {
		utc := in.ValidUntil.UTC()
		in.ValidUntil = &utc
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding the key update: %w", err)
	}
	return c.keyRequest(ctx, request{method: http.MethodPatch, path: path, body: body})
}

// DeleteAPIKey removes a key; a key already gone is an error for which
// NotFound is true.
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	path, err := keyPath(id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodDelete, path: path}, nil)
	return err
}

// GetCredentials reads a key and its secret again. The gateway refuses
// with 403 (reveal_disabled, or forbidden for a key with wider scopes than
// the caller's or a live key asked for by a sandbox key).
func (c *Client) GetCredentials(ctx context.Context, id string) (*Credentials, error) {
	path, err := keyPath(id)
	if err != nil {
		return nil, err
	}
	req := request{method: http.MethodGet, path: path + "/credentials"}
	var creds Credentials
	got, err := c.do(ctx, req, &creds)
	switch {
	case err != nil:
		return nil, err
	case creds.Key == "" || creds.Secret == "":
		return nil, got.malformed(req, "the answer lacks the key or its secret", id)
	case creds.ID != id:
		return nil, got.malformed(req, "the answer is for another key", id)
	}
	return &creds, nil
}

func (c *Client) keyRequest(ctx context.Context, req request) (*APIKey, error) {
	var key APIKey
	got, err := c.do(ctx, req, &key)
	if err != nil {
		return nil, err
	}
	if key.ID == "" {
		return nil, got.malformed(req, "the answer names no key id", "")
	}
	return &key, nil
}

// MaxKeyIDLength bounds the ids CheckKeyID accepts.
const MaxKeyIDLength = 128

// CheckKeyID refuses what the gateway never issues as a key id. Ids are
// opaque, but they are made of letters, digits, "_" and "-" (such as
// ak_ and 20 letters and digits), so a path built from one never needs
// escaping and never reaches another endpoint: an empty id would turn a
// read of one key into a listing of all, and "a/b" or ".." another path.
func CheckKeyID(id string) error {
	switch {
	case id == "":
		return errors.New("a key id must not be empty")
	case len(id) > MaxKeyIDLength:
		return fmt.Errorf("a key id has at most %d characters", MaxKeyIDLength)
	case strings.IndexFunc(id, func(r rune) bool { return !isIDRune(r) }) >= 0:
		return errors.New("a key id has only letters, digits, _ and -")
	}
	return nil
}

func isIDRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-'
}

func keyPath(id string) (string, error) {
	if err := CheckKeyID(id); err != nil {
		return "", err
	}
	return "/api_keys/" + id, nil
}

type keyPage struct {
	Data           []APIKey `json:"data"`
	PagingMetadata struct {
		Offset  int  `json:"offset"`
		HasMore bool `json:"has_more"`
	} `json:"pagingMetadata"`
}

// ListAPIKeys returns every key that matches, following the pages in the
// gateway's order.
func (c *Client) ListAPIKeys(ctx context.Context, in ListAPIKeysInput) ([]APIKey, error) {
	pageSize := in.PageSize
	if pageSize == 0 {
		pageSize = maxPageSize
	}
	if pageSize < 1 || pageSize > maxPageSize {
		return nil, fmt.Errorf("page size must be between 1 and %d, got %d", maxPageSize, in.PageSize)
	}
	query := url.Values{"limit": {strconv.Itoa(pageSize)}}
	if in.Environment != "" {
		query.Set("environment", in.Environment)
	}
	if in.Label != "" {
		query.Set("label", in.Label)
	}

	return c.list(ctx, query, nil)
}

// FindCreated looks up the key that create made, without sending create
// again: nil when the gateway has handled no such request yet, or the key
// it made is gone. A request still under way may make its key after an
// answer of nil; only sending create again settles it. The lookup is a GET,
// retried as any.
func (c *Client) FindCreated(ctx context.Context, create CreateRequest) (*APIKey, error) {
	if create.IdempotencyKey == "" {
		return nil, errors.New("a create is looked up by its Idempotency-Key, and this one has none")
	}
	query := url.Values{"limit": {strconv.Itoa(maxPageSize)}, "idempotency_key": {create.IdempotencyKey}}
	// The Idempotency-Key stays out of logs and errors: with the creating
	// key, it replays the answer that holds the new key and secret.
	logged := url.Values{"limit": query["limit"], "idempotency_key": {"redacted"}}
	keys, err := c.list(ctx, query, logged)
	switch {
	case err != nil:
		return nil, err
	case len(keys) > 1:
		return nil, &MalformedAnswerError{Method: http.MethodGet, Path: "/api_keys?" + logged.Encode(), StatusCode: http.StatusOK,
			Problem: fmt.Sprintf("the answer lists %d keys for one create", len(keys))}
	case len(keys) == 0:
		return nil, nil
	}
	return &keys[0], nil
}

// list follows the pages of a listing. Where logged is set, logs and
// errors show it as the query instead.
func (c *Client) list(ctx context.Context, query, logged url.Values) ([]APIKey, error) {
	keys := []APIKey{}
	for offset := 0; ; {
		query.Set("offset", strconv.Itoa(offset))
		req := request{method: http.MethodGet, path: "/api_keys?" + query.Encode()}
		if logged != nil {
			logged.Set("offset", strconv.Itoa(offset))
			req.logged = "/api_keys?" + logged.Encode()
		}
		var page keyPage
		got, err := c.do(ctx, req, &page)
		if err != nil {
			return nil, err
		}
		// Both checks stop a server that ignores offset from being asked for
		// the same page forever.
		switch {
		case page.PagingMetadata.Offset != offset:
			return nil, got.malformed(req, fmt.Sprintf("the answer is the page at offset %d", page.PagingMetadata.Offset), "")
		case page.PagingMetadata.HasMore && len(page.Data) == 0:
			return nil, got.malformed(req, "the answer promises more keys but holds none", "")
		}
		keys = append(keys, page.Data...)
		if !page.PagingMetadata.HasMore {
			return keys, nil
		}
		offset += len(page.Data)
	}
}
