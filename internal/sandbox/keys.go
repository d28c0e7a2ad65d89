package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// scopes are the permissions a key can hold, in the order they are returned.
var scopes = []string{
	"analytics", "api_keys", "balance", "contacts", "hooks", "journal",
	"lookup", "pricing", "rcs", "sms", "status", "subaccounts",
	"validate_for_voice", "voice", "waba",
}

const (
	scopeAPIKeys = "api_keys"
	scopeBalance = "balance"
	scopeSMS     = "sms"

	environmentLive    = "live"
	environmentSandbox = "sandbox"

	keyIDPrefix   = "ak_"
	keyIDLength   = 20
	secretLength  = 64
	keyHintLength = 4
	minKeyLength  = 16
	maxKeyLength  = 64
)

// apiKey is a key as the sandbox keeps it, in memory and in the data file:
// its hash recognises the key, and the key and secret themselves exist only
// sealed, for GET /api_keys/{id}/credentials.
type apiKey struct {
	ID             string     `json:"id"`
	Label          string     `json:"label"`
	Environment    string     `json:"environment"`
	Length         int        `json:"length"`
	Permissions    []string   `json:"permissions"`
	ValidUntil     *time.Time `json:"valid_until"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at"`
	LastRevealedAt *time.Time `json:"last_revealed_at,omitempty"`
	KeyHint        string     `json:"key_hint"`
	KeyHash        string     `json:"key_sha256"`
	// Sealed is nil for a key stored by a sandbox that kept only hashes.
	Sealed []byte `json:"sealed_credentials,omitempty"`
	// MadeBy is the index of the Idempotency-Key whose create made the key
	// (see idempotencyIndex), kept for the key's whole life so that a
	// create can be looked up long after its replay has been forgotten;
	// "" for a create without one, or one made before it was kept.
	MadeBy string `json:"made_by,omitempty"`
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func (k *apiKey) expired(now time.Time) bool {
	return k.ValidUntil != nil && !k.ValidUntil.After(now)
}

func (k *apiKey) holds(scope string) bool {
	_, found := slices.BinarySearch(k.Permissions, scope)
	return found
}

// purgeable says the gateway has forgotten the key: it expired at least
// purgeAfter ago.
func (k *apiKey) purgeable(now time.Time) bool {
	return k.ValidUntil != nil && !k.ValidUntil.Add(purgeAfter).After(now)
}

// apiKeyView is the ApiKey object of the contract.
type apiKeyView struct {
	ID             string   `json:"id"`
	Label          string   `json:"label"`
	Environment    string   `json:"environment"`
	Length         int      `json:"length"`
	Permissions    []string `json:"permissions"`
	ValidUntil     *string  `json:"valid_until"`
	Expired        bool     `json:"expired"`
	CreatedAt      string   `json:"created_at"`
	LastUsedAt     *string  `json:"last_used_at"`
	LastRevealedAt *string  `json:"last_revealed_at"`
	Revealable     bool     `json:"revealable"`
	KeyHint        string   `json:"key_hint"`
	Key            string   `json:"key,omitempty"`
	Secret         string   `json:"secret,omitempty"`
}

// view is the ApiKey object of k as the calling key sees it: revealable
// depends on who asks.
func (s *Server) view(c *call, k *apiKey) apiKeyView {
	return apiKeyView{
		ID:             k.ID,
		Label:          k.Label,
		Environment:    k.Environment,
		Length:         k.Length,
		Permissions:    slices.Clone(k.Permissions),
		ValidUntil:     formatOptionalTime(k.ValidUntil),
		Expired:        k.expired(c.now),
		CreatedAt:      formatTime(k.CreatedAt),
		LastUsedAt:     formatOptionalTime(k.LastUsedAt),
		LastRevealedAt: formatOptionalTime(k.LastRevealedAt),
		Revealable:     s.revealRefusal(c.key, k) == nil,
		KeyHint:        k.KeyHint,
	}
}

// wholeSeconds is how every time is kept and returned: UTC, no fraction.
func wholeSeconds(t time.Time) time.Time {
	return t.UTC().Truncate(time.Second)
}

func formatTime(t time.Time) string {
	return wholeSeconds(t).Format(time.RFC3339)
}

func formatOptionalTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

func isAlphanumeric(s string) bool {
	for i := range len(s) {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func validKeyShape(key string) bool {
	return len(key) >= minKeyLength && len(key) <= maxKeyLength && isAlphanumeric(key)
}
