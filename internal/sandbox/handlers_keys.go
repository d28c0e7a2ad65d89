package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	defaultPageLimit = 25
	maxPageLimit     = 100
)

type keyList struct {
	Data           []apiKeyView   `json:"data"`
	PagingMetadata pagingMetadata `json:"pagingMetadata"`
}

type pagingMetadata struct {
	Offset  int  `json:"offset"`
	Count   int  `json:"count"`
	Total   int  `json:"total"`
	Limit   int  `json:"limit"`
	HasMore bool `json:"has_more"`
}

func (s *Server) listKeys(c *call) reply {
	q, err := parseListQuery(c.account.id, c.req.URL.RawQuery)
	if err != nil {
		return errorReply(err)
	}
	var matching []*apiKey
	for _, k := range c.account.sortedKeys() {
		if (q.environment == "" || k.Environment == q.environment) && (q.label == "" || k.Label == q.label) &&
			(q.madeBy == "" || k.MadeBy == q.madeBy) {
			matching = append(matching, k)
		}
	}
	page := matching[min(q.offset, len(matching)):]
	page = page[:min(q.limit, len(page))]
	list := keyList{Data: make([]apiKeyView, 0, len(page)), PagingMetadata: pagingMetadata{
		Offset:  q.offset,
		Count:   len(page),
		Total:   len(matching),
		Limit:   q.limit,
		HasMore: q.offset+len(page) < len(matching),
	}}
	for _, k := range page {
		list.Data = append(list.Data, s.view(c, k))
	}
	return jsonReply(http.StatusOK, list)
}

type listQuery struct {
	offset      int
	limit       int
	environment string // "" for any
	label       string // "" for any
	madeBy      string // the index of idempotency_key; "" for any
}

// parseListQuery reads offset, limit, environment, label and
// idempotency_key; parameters it does not know are ignored, as most HTTP
// APIs do. The Idempotency-Key is kept only as the index it has in
// accountID, as everywhere else.
func parseListQuery(accountID, raw string) (listQuery, *apiError) {
	q := listQuery{limit: defaultPageLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, validationFailed("", "the query string is malformed")
	}
	for _, name := range []string{"offset", "limit", "environment", "label", "idempotency_key"} {
		vals, given := values[name]
		if !given {
			continue
		}
		if len(vals) > 1 {
			return q, validationFailed(name, "%s must be given once", name)
		}
		v := vals[0]
		switch name {
		case "offset":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return q, validationFailed(name, "offset must be a whole number of 0 or more")
			}
			q.offset = n
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxPageLimit {
				return q, validationFailed(name, "limit must be a whole number from 1 to %d", maxPageLimit)
			}
			q.limit = n
		case "environment":
			if v != environmentLive && v != environmentSandbox {
				return q, validationFailed(name, "environment must be live or sandbox")
			}
			q.environment = v
		case "label":
			if err := checkLabel(v); err != nil {
				return q, err
			}
			q.label = v
		case "idempotency_key":
			if !validIdempotencyKey(v) {
				return q, validationFailed(name, "idempotency_key must be 1 to %d characters long", maxIdempotencyKeyLength)
			}
			q.madeBy = idempotencyIndex(accountID, v)
		}
	}
	return q, nil
}

func (s *Server) createKey(c *call) reply {
	req, err := decodeCreate(c.body)
	if err != nil {
		return errorReply(err)
	}
	idempotencyKey, idempotent, err := idempotencyKeyOf(c.req)
	if err != nil {
		return errorReply(err)
	}
	fingerprint := req.fingerprint()
	var slot idempotencySlot
	if idempotent {
		// A replay makes no key, so no quota applies to it, even when the
		// account has filled up since the first answer.
		slot = newIdempotencySlot(c.account.id, idempotencyKey)
		if rec, found := c.account.liveRecord(slot.index, c.now); found {
			return replay(slot, rec, fingerprint, c.key.ID)
		}
	}

	spec, err := req.validate(c.now, c.key)
	if err != nil {
		return errorReply(err)
	}
	if err := checkGrant(c.key, spec.permissions); err != nil {
		return errorReply(err)
	}
	if c.key.Environment == environmentSandbox && spec.environment != environmentSandbox {
		return errorReply(forbidden("a sandbox key creates only sandbox keys; set environment to sandbox"))
	}
	if working := c.account.workingKeys(c.now); working >= s.quota {
		return errorReply(&apiError{status: http.StatusConflict, code: "key_quota_exceeded",
			message: fmt.Sprintf("the account holds %d keys that have not expired and may hold %d; expired keys "+
				"do not count: delete a key, or let a retired one expire, first", working, s.quota)})
	}

	k, key, secret, mintErr := s.mintKey(c.account, spec, c.now)
	if mintErr != nil {
		return errorReply(internalError("no key could be made; nothing was created"))
	}
	if idempotent {
		k.MadeBy = slot.index
	}
	created := s.view(c, k)
	created.Key, created.Secret = key, secret
	out := jsonReply(http.StatusCreated, created)

	s.addKey(c.account, k)
	if idempotent {
		rec, sealErr := s.sealRecord(slot, fingerprint, out.body, c.now, c.key.ID)
		if sealErr != nil {
			s.removeKey(c.account, k)
			return errorReply(internalError("the response could not be kept for replay; nothing was created"))
		}
		c.account.idempotency[slot.index] = rec
	}
	if err := s.persist(c.now); err != nil {
		s.removeKey(c.account, k)
		if idempotent {
			delete(c.account.idempotency, slot.index)
		}
		return errorReply(internalError("the key could not be saved; nothing was created"))
	}
	return out
}

// mintKey makes a key to spec. The record keeps the key's hash and last
// characters in the clear, the key and secret only sealed.
func (s *Server) mintKey(acc *account, spec keySpec, now time.Time) (*apiKey, string, string, error) {
	id, err := s.newKeyID()
	if err != nil {
		return nil, "", "", err
	}
	key, hash, err := s.newKey(spec.length)
	if err != nil {
		return nil, "", "", err
	}
	secret, err := s.secrets.alphanumeric(secretLength)
	if err != nil {
		return nil, "", "", err
	}
	k := &apiKey{
		ID:          id,
		Label:       spec.label,
		Environment: spec.environment,
		Length:      spec.length,
		Permissions: spec.permissions,
		ValidUntil:  spec.validUntil,
		CreatedAt:   wholeSeconds(now),
		KeyHint:     key[len(key)-keyHintLength:],
		KeyHash:     hash,
	}
	if err := s.sealCredentials(acc, k, key, secret); err != nil {
		return nil, "", "", err
	}
	return k, key, secret, nil
}

// newKey draws a key whose hash no other key has, so a key always names
// exactly one record.
func (s *Server) newKey(length int) (string, string, error) {
	for range maxDraws {
		key, err := s.secrets.alphanumeric(length)
		if err != nil {
			return "", "", err
		}
		if hash := hashKey(key); !s.hashTaken(hash) {
			return key, hash, nil
		}
	}
	return "", "", errRepeatingRandom
}

func (s *Server) hashTaken(hash string) bool {
	_, taken := s.byHash[hash]
	return taken
}

func (s *Server) sealRecord(slot idempotencySlot, fingerprint string, body []byte, now time.Time, createdBy string) (idempotencyRecord, error) {
	nonce := make([]byte, slot.aead.NonceSize())
	if err := s.secrets.read(nonce); err != nil {
		return idempotencyRecord{}, err
	}
	sealed, err := slot.seal(nonce, sealedResponse{Fingerprint: fingerprint, Body: body})
	if err != nil {
		return idempotencyRecord{}, err
	}
	return idempotencyRecord{CreatedAt: now, CreatedBy: createdBy, Sealed: sealed}, nil
}

func replay(slot idempotencySlot, rec idempotencyRecord, fingerprint, callerID string) reply {
	if rec.CreatedBy != callerID {
		return errorReply(&apiError{status: http.StatusUnprocessableEntity, code: "idempotency_key_reused",
			message: "this Idempotency-Key was used by another API key within the last 24 hours; use a new one"})
	}
	first, err := slot.open(rec.Sealed)
	if err != nil {
		return errorReply(internalError("the first response to this Idempotency-Key cannot be read"))
	}
	if first.Fingerprint != fingerprint {
		return errorReply(&apiError{status: http.StatusUnprocessableEntity, code: "idempotency_key_reused",
			message: "this Idempotency-Key came with another body within the last 24 hours; use a new one"})
	}
	return reply{status: http.StatusCreated, body: first.Body}.withHeader("Idempotent-Replayed", "true")
}

func (s *Server) getKey(c *call) reply {
	k, found := c.account.keys[c.id]
	if !found {
		return errorReply(keyNotFound)
	}
	return jsonReply(http.StatusOK, s.view(c, k))
}

// patchKey changes a key's label, permissions or valid_until. Every scope
// that a PATCH names must be held by the caller, even one the key holds
// already; a label or an earlier expiry takes nothing more than the
// api_keys scope, since neither widens a key.
func (s *Server) patchKey(c *call) reply {
	k, found := c.account.keys[c.id]
	if !found {
		return errorReply(keyNotFound)
	}
	req, err := decodePatch(c.body)
	if err != nil {
		return errorReply(err)
	}
	change, err := req.validate(c.now, k)
	if err != nil {
		return errorReply(err)
	}
	if req.hasPermissions {
		if err := checkGrant(c.key, change.permissions); err != nil {
			return errorReply(err)
		}
	}
	if !change.changes(k) {
		return jsonReply(http.StatusOK, s.view(c, k))
	}

	before := *k
	k.Label, k.Permissions, k.ValidUntil = change.label, change.permissions, change.validUntil
	if err := s.persist(c.now); err != nil {
		*k = before
		return errorReply(internalError("the change could not be saved; the key is as it was"))
	}
	s.notePurge(k)
	return jsonReply(http.StatusOK, s.view(c, k))
}

func (s *Server) deleteKey(c *call) reply {
	k, found := c.account.keys[c.id]
	if !found {
		return errorReply(keyNotFound)
	}
	s.removeKey(c.account, k)
	if err := s.persist(c.now); err != nil {
		s.addKey(c.account, k)
		return errorReply(internalError("the deletion could not be saved; the key still exists"))
	}
	return reply{status: http.StatusNoContent}
}

var keyNotFound = notFound("no API key with this id in this account")
