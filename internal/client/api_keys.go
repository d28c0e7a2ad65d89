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
	"time"
)

// APIKey is a key as the gateway describes it. Key and Secret are set only
// in the answer that created it.
type APIKey struct {
	ID          string     `json:"id"`
	Label       string     `json:"label"`
	Environment string     `json:"environment"`
	Length      int64      `json:"length"`
	Permissions []string   `json:"permissions"`
	ValidUntil  *time.Time `json:"valid_until"`
	Expired     bool       `json:"expired"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	KeyHint     string     `json:"key_hint"`
	Key         string     `json:"key,omitempty"`
	Secret      string     `json:"secret,omitempty"`
}

// CreateAPIKeyInput leaves the gateway's defaults to every zero field.
type CreateAPIKeyInput struct {
	Label       string     `json:"label"`
	Environment string     `json:"environment,omitempty"`
	Length      int64      `json:"length,omitempty"`
	Permissions []string   `json:"permissions,omitempty"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
}

// UpdateAPIKeyInput changes only the fields that are set.
type UpdateAPIKeyInput struct {
	Label       *string  `json:"label,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// ListAPIKeysInput filters a listing.
type ListAPIKeysInput struct {
	Environment string // "" = all
	Label       string // exact; "" = all
	PageSize    int    // 0 = 100 (the contract's maximum)
}

const maxPageSize = 100

// CreateAPIKey creates a key. One Idempotency-Key serves all attempts of
// the call, so an answer lost on the way back is replayed by the gateway on
// retry instead of leaving a second key behind.
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	if in.ValidUntil != nil {
		utc := in.ValidUntil.UTC()
		in.ValidUntil = &utc
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding the new key: %w", err)
	}
	req := request{method: http.MethodPost, path: "/api_keys", body: body, idempotencyKey: rand.Text()}
	var key APIKey
	if err := c.do(ctx, req, &key); err != nil {
		return nil, err
	}
	// Key and secret are shown only now; an answer without them is of no use
	// to the caller, who must then be told which key to remove.
	switch {
	case key.ID == "":
		return nil, fmt.Errorf("%s %s: the answer names no key id", req.method, req.path)
	case key.Key == "" || key.Secret == "":
		return nil, fmt.Errorf("%s %s: the answer for key %s lacks its key or secret", req.method, req.path, key.ID)
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

// UpdateAPIKey changes the label or the permissions of a key.
func (c *Client) UpdateAPIKey(ctx context.Context, id string, in UpdateAPIKeyInput) (*APIKey, error) {
	path, err := keyPath(id)
	if err != nil {
		return nil, err
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
	return c.do(ctx, request{method: http.MethodDelete, path: path}, nil)
}

func (c *Client) keyRequest(ctx context.Context, req request) (*APIKey, error) {
	var key APIKey
	if err := c.do(ctx, req, &key); err != nil {
		return nil, err
	}
	if key.ID == "" {
		return nil, fmt.Errorf("%s %s: the answer names no key id", req.method, req.path)
	}
	return &key, nil
}

// keyPath refuses an empty id, which would turn a read of one key into a
// listing of all.
func keyPath(id string) (string, error) {
	if id == "" {
		return "", errors.New("an API key id is required")
	}
	return "/api_keys/" + url.PathEscape(id), nil
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

	keys := []APIKey{}
	for offset := 0; ; {
		query.Set("offset", strconv.Itoa(offset))
		req := request{method: http.MethodGet, path: "/api_keys?" + query.Encode()}
		var page keyPage
		if err := c.do(ctx, req, &page); err != nil {
			return nil, err
		}
		// Both checks stop a server that ignores offset from being asked for
		// the same page forever.
		switch {
		case page.PagingMetadata.Offset != offset:
			return nil, fmt.Errorf("%s %s: the answer is the page at offset %d", req.method, req.path, page.PagingMetadata.Offset)
		case page.PagingMetadata.HasMore && len(page.Data) == 0:
			return nil, fmt.Errorf("%s %s: the answer promises more keys but holds none", req.method, req.path)
		}
		keys = append(keys, page.Data...)
		if !page.PagingMetadata.HasMore {
			return keys, nil
		}
		offset += len(page.Data)
	}
}
