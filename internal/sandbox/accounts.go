package sandbox

import (
	"slices"
	"strings"
	"time"
)

const (
	accountIDPrefix  = "acct_"
	accountIDLength  = 16
	firstKeyLabel    = "default"
	defaultKeyQuota  = 100
	generatedKeySize = 64
)

// account is one customer of the gateway; nothing crosses between accounts.
type account struct {
	id         string
	firstKeyID string
	keys       map[string]*apiKey
	// idempotency maps a record index (derived from the Idempotency-Key) to
	// the sealed first response of a create.
	idempotency map[string]idempotencyRecord
	// hooks are the account's webhooks in the order they were made.
	hooks []*hook
	// signingKey signs the account's webhook events.
	signingKey string
}

func newAccount(id string) *account {
	return &account{id: id, keys: map[string]*apiKey{}, idempotency: map[string]idempotencyRecord{}}
}

// sortedKeys returns the keys in the contract's list order.
func (a *account) sortedKeys() []*apiKey {
	keys := make([]*apiKey, 0, len(a.keys))
	for _, k := range a.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y *apiKey) int {
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return keys
}

// workingKeys counts the keys that have not expired at now: only they count
// against the quota, so that keys retired on every rotation, which stay
// listed until they are purged, never fill the account.
func (a *account) workingKeys(now time.Time) int {
	n := 0
	for _, k := range a.keys {
		if !k.expired(now) {
			n++
		}
	}
	return n
}

// liveRecord returns the record at index unless its 24 hours are over.
func (a *account) liveRecord(index string, now time.Time) (idempotencyRecord, bool) {
	rec, ok := a.idempotency[index]
	if !ok || !rec.live(now) {
		return idempotencyRecord{}, false
	}
	return rec, true
}

func (a *account) pruneIdempotency(now time.Time) {
	for index, rec := range a.idempotency {
		if !rec.live(now) {
			delete(a.idempotency, index)
		}
	}
}

// credential is what a presented key resolves to.
type credential struct {
	account *account
	key     *apiKey
}

func allScopes() []string { return slices.Clone(scopes) }
