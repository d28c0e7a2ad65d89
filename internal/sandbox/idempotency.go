package sandbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"
	"unicode/utf8"
)

const (
	idempotencyWindow       = 24 * time.Hour
	maxIdempotencyKeyLength = 255
	idempotencyHeader       = "Idempotency-Key"
)

// idempotencyRecord holds the first response of a create, sealed under a key
// only the Idempotency-Key can derive: the response holds the new key and
// its secret, and what is kept at rest must not give them away.
type idempotencyRecord struct {
	CreatedAt time.Time `json:"created_at"`
	// CreatedBy is the id of the key that made the first request: only it
	// gets the answer again, so that a weaker key of the same account
	// cannot obtain a key it could not create itself.
	CreatedBy string `json:"created_by"`
	Sealed    []byte `json:"sealed"` // GCM nonce, then ciphertext
}

func (rec idempotencyRecord) live(now time.Time) bool {
	return now.Before(rec.CreatedAt.Add(idempotencyWindow))
}

// sealedResponse is what a record keeps inside its seal.
type sealedResponse struct {
	Fingerprint string          `json:"fingerprint"`
	Body        json.RawMessage `json:"body"`
}

// idempotencySlot is where one account's Idempotency-Key leads: the index
// of its record and the cipher that seals it. Index and cipher key come
// from differently labelled hashes, so the index reveals nothing of the key.
type idempotencySlot struct {
	index string
	aead  cipher.AEAD
}

func newIdempotencySlot(accountID, idempotencyKey string) idempotencySlot {
	sealKey := sha256.Sum256([]byte("sandbox idempotency seal\x00" + accountID + "\x00" + idempotencyKey))
	// AES accepts every 32-byte key and GCM every AES block, so neither fails.
	block, _ := aes.NewCipher(sealKey[:])
	aead, _ := cipher.NewGCM(block)
	return idempotencySlot{index: idempotencyIndex(accountID, idempotencyKey), aead: aead}
}

// idempotencyIndex names an account's Idempotency-Key without giving it
// away: what a replay record and the key it made are found by.
func idempotencyIndex(accountID, idempotencyKey string) string {
	index := sha256.Sum256([]byte("sandbox idempotency index\x00" + accountID + "\x00" + idempotencyKey))
	return hex.EncodeToString(index[:])
}

func (slot idempotencySlot) seal(nonce []byte, resp sealedResponse) ([]byte, error) {
	plain, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	return slot.aead.Seal(nonce, nonce, plain, []byte(slot.index)), nil
}

func (slot idempotencySlot) open(sealed []byte) (sealedResponse, error) {
	var resp sealedResponse
	n := slot.aead.NonceSize()
	if len(sealed) < n {
		return resp, errors.New("idempotency record is too short")
	}
	plain, err := slot.aead.Open(nil, sealed[:n], sealed[n:], []byte(slot.index))
	if err != nil {
		return resp, err
	}
	err = json.Unmarshal(plain, &resp)
	return resp, err
}

// idempotencyKeyOf returns the request's Idempotency-Key, if it sent one.
func idempotencyKeyOf(r *http.Request) (string, bool, *apiError) {
	values := r.Header.Values(idempotencyHeader)
	switch {
	case len(values) == 0:
		return "", false, nil
	case len(values) > 1:
		return "", false, validationFailed(idempotencyHeader, "send the Idempotency-Key header once")
	}
	key := values[0]
	if !validIdempotencyKey(key) {
		return "", false, validationFailed(idempotencyHeader, "Idempotency-Key must be 1 to %d characters long", maxIdempotencyKeyLength)
	}
	return key, true, nil
}

func validIdempotencyKey(key string) bool {
	n := utf8.RuneCountInString(key)
	return utf8.ValidString(key) && n >= 1 && n <= maxIdempotencyKeyLength
}
