package sandbox

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// sealKeySize is the AES-256 key that seals every key and secret at rest.
const sealKeySize = 32

// credentials are what GET /api_keys/{id}/credentials answers.
type credentials struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// keyAndSecret is what a seal holds. The key id travels beside it as
// additional data, so that a seal moved to another record fails to open.
type keyAndSecret struct {
	Key    string
	Secret string
}

// sealedSeparator parts key and secret inside a seal; neither can hold it.
const sealedSeparator = " "

// sealer keeps keys and secrets readable for the sandbox alone: sealed with
// AES-GCM under a key that lives beside the data file, never in it.
type sealer struct {
	aead cipher.AEAD
}

func newSealer(key []byte) (sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, err
	}
	return sealer{aead: aead}, nil
}

func sealedFor(accountID, keyID string) []byte {
	return []byte("sandbox credentials\x00" + accountID + "\x00" + keyID)
}

func (s sealer) seal(nonce []byte, accountID, keyID string, c keyAndSecret) []byte {
	plain := []byte(c.Key + sealedSeparator + c.Secret)
	return s.aead.Seal(nonce, nonce, plain, sealedFor(accountID, keyID))
}

func (s sealer) open(accountID, keyID string, box []byte) (keyAndSecret, error) {
	n := s.aead.NonceSize()
	if len(box) < n {
		return keyAndSecret{}, errors.New("sealed credentials are too short")
	}
	plain, err := s.aead.Open(nil, box[:n], box[n:], sealedFor(accountID, keyID))
	if err != nil {
		return keyAndSecret{}, err
	}
	key, secret, _ := strings.Cut(string(plain), sealedSeparator)
	return keyAndSecret{Key: key, Secret: secret}, nil
}

// sealCredentials seals key and secret into k. It runs with s.mu held.
func (s *Server) sealCredentials(acc *account, k *apiKey, key, secret string) error {
	nonce := make([]byte, s.sealer.aead.NonceSize())
	if err := s.secrets.read(nonce); err != nil {
		return err
	}
	k.Sealed = s.sealer.seal(nonce, acc.id, k.ID, keyAndSecret{Key: key, Secret: secret})
	return nil
}

// openCredentials returns k's key and secret, checked against its hash and
// hint, so that a seal that opens but belongs elsewhere is never answered.
func (s *Server) openCredentials(acc *account, k *apiKey) (keyAndSecret, error) {
	if k.Sealed == nil {
		return keyAndSecret{}, errors.New("the key was stored before keys could be read again")
	}
	c, err := s.sealer.open(acc.id, k.ID, k.Sealed)
	switch {
	case err != nil:
		return c, fmt.Errorf("its credentials do not open: %w", err)
	case hashKey(c.Key) != k.KeyHash || len(c.Key) != k.Length || !strings.HasSuffix(c.Key, k.KeyHint):
		return c, errors.New("its sealed key does not match its hash")
	case len(c.Secret) != secretLength || !isAlphanumeric(c.Secret):
		return c, errors.New("its sealed secret is malformed")
	}
	return c, nil
}

// revealRefusal says why caller may not read target's credentials, or nil
// when it may. The same rules make an ApiKey's revealable.
func (s *Server) revealRefusal(caller, target *apiKey) *apiError {
	if !s.revealAllowed.Load() {
		return revealDisabled("this account has turned reading keys again off; a key is shown only in the answer that creates it")
	}
	if caller.Environment == environmentSandbox && target.Environment != environmentSandbox {
		return forbidden("a sandbox key cannot read the credentials of a live key")
	}
	for _, scope := range target.Permissions {
		if !caller.holds(scope) {
			return forbidden("this key cannot read the credentials of a key holding the %s scope, which it does not hold itself", scope)
		}
	}
	if target.Sealed == nil {
		return revealDisabled("this key was stored before keys could be read again, so its key and secret were not kept; replace it with a new key to read one again")
	}
	return nil
}

func revealDisabled(message string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "reveal_disabled", message: message}
}

// readCredentials answers GET /api_keys/{id}/credentials. The read is an
// audited event: last_revealed_at is on disk before the key leaves.
func (s *Server) readCredentials(c *call) reply {
	k, found := c.account.keys[c.id]
	if !found {
		return errorReply(keyNotFound)
	}
	if refusal := s.revealRefusal(c.key, k); refusal != nil {
		return errorReply(refusal)
	}
	creds, err := s.openCredentials(c.account, k)
	if err != nil {
		return errorReply(internalError("the credentials of this key cannot be read"))
	}
	before := k.LastRevealedAt
	revealed := wholeSeconds(c.now)
	k.LastRevealedAt = &revealed
	if err := s.persist(c.now); err != nil {
		k.LastRevealedAt = before
		return errorReply(internalError("the read could not be recorded, so no credentials were answered"))
	}
	return jsonReply(http.StatusOK, credentials{ID: k.ID, Key: creds.Key, Secret: creds.Secret})
}
