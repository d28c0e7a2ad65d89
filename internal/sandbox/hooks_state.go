package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

const maxSigningKeyLength = 128

func validSigningKey(key string) bool {
	return len(key) >= minKeyLength && len(key) <= maxSigningKeyLength && isAlphanumeric(key)
}

// savedHook is a hook in the data file: its headers, which often hold the
// receiver's credentials, only sealed.
type savedHook struct {
	ID            int64     `json:"id"`
	TargetURL     string    `json:"target_url"`
	EventType     string    `json:"event_type"`
	RequestMethod string    `json:"request_method"`
	EventFilter   string    `json:"event_filter,omitempty"`
	Enabled       bool      `json:"enabled"`
	Created       time.Time `json:"created"`
	SealedHeaders []byte    `json:"sealed_headers,omitempty"`
}

// The additional data of the seals below, so that a seal moved to another
// record, or between a hook and a signing key, does not open.
func hookHeadersFor(accountID string, hookID int64) []byte {
	return fmt.Appendf(nil, "sandbox hook headers\x00%s\x00%d", accountID, hookID)
}

func signingKeyFor(accountID string) []byte {
	return []byte("sandbox signing key\x00" + accountID)
}

func (s *Server) sealValue(plain string, additional []byte) ([]byte, error) {
	nonce := make([]byte, s.sealer.aead.NonceSize())
	if err := s.secrets.read(nonce); err != nil {
		return nil, err
	}
	return s.sealer.aead.Seal(nonce, nonce, []byte(plain), additional), nil
}

func (s *Server) openValue(box, additional []byte) (string, error) {
	n := s.sealer.aead.NonceSize()
	if len(box) < n {
		return "", errors.New("the seal is too short")
	}
	plain, err := s.sealer.aead.Open(nil, box[:n], box[n:], additional)
	return string(plain), err
}

// saveHooks returns acc's hooks and signing key as the data file keeps
// them. It runs with s.mu held.
func (s *Server) saveHooks(acc *account) ([]savedHook, []byte, error) {
	var sealedKey []byte
	if acc.signingKey != "" {
		var err error
		if sealedKey, err = s.sealValue(acc.signingKey, signingKeyFor(acc.id)); err != nil {
			return nil, nil, err
		}
	}
	saved := make([]savedHook, 0, len(acc.hooks))
	for _, h := range acc.hooks {
		sh := savedHook{ID: h.ID, TargetURL: h.TargetURL, EventType: h.EventType, RequestMethod: h.RequestMethod,
			EventFilter: h.EventFilter, Enabled: h.Enabled, Created: h.Created}
		if h.Headers != "" {
			var err error
			if sh.SealedHeaders, err = s.sealValue(h.Headers, hookHeadersFor(acc.id, h.ID)); err != nil {
				return nil, nil, err
			}
		}
		saved = append(saved, sh)
	}
	return saved, sealedKey, nil
}

// restoreHooks takes over the hooks and the signing key of a saved
// account that check has accepted.
func (s *Server) restoreHooks(acc *account, saved savedAccount) error {
	if saved.SealedSigningKey != nil {
		key, err := s.openValue(saved.SealedSigningKey, signingKeyFor(acc.id))
		if err != nil || !validSigningKey(key) {
			return fmt.Errorf("the signing key of account %s does not open", acc.id)
		}
		acc.signingKey = key
	}
	for _, sh := range saved.Hooks {
		h := &hook{ID: sh.ID, TargetURL: sh.TargetURL, EventType: sh.EventType, RequestMethod: sh.RequestMethod,
			EventFilter: sh.EventFilter, Enabled: sh.Enabled, Created: sh.Created}
		if sh.SealedHeaders != nil {
			headers, err := s.openValue(sh.SealedHeaders, hookHeadersFor(acc.id, sh.ID))
			if err != nil {
				return fmt.Errorf("the headers of hook %d do not open", sh.ID)
			}
			h.Headers = headers
		}
		if problem := h.check(); problem != "" {
			return fmt.Errorf("hook %d: %s", sh.ID, problem)
		}
		acc.hooks = append(acc.hooks, h)
		s.nextHookID = max(s.nextHookID, h.ID+1)
	}
	return nil
}

// openSigningKeys gives every account its signing key: the one given, else
// the one kept in the data file, else a new one.
func (s *Server) openSigningKeys(given []string) error {
	s.signingKeys = make([]string, len(s.accounts))
	for i, acc := range s.accounts {
		switch {
		case i < len(given):
			acc.signingKey = given[i]
		case acc.signingKey == "":
			key, err := s.secrets.alphanumeric(signingKeyLength)
			if err != nil {
				return fmt.Errorf("reading the random source: %w", err)
			}
			acc.signingKey = key
		}
		s.signingKeys[i] = acc.signingKey
	}
	return nil
}

// SigningKeys returns the webhook signing key of each account, in order.
func (s *Server) SigningKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.signingKeys)
}

// checkSavedHooks refuses hooks the sandbox could not have written.
func checkSavedHooks(acc savedAccount, ids map[int64]bool) error {
	for _, h := range acc.Hooks {
		if h.ID < 1 || ids[h.ID] || h.Created.IsZero() {
			return fmt.Errorf("hook %d is malformed or repeated", h.ID)
		}
		ids[h.ID] = true
	}
	return nil
}
