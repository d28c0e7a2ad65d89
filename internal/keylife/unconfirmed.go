package keylife

import "time"

// A create whose answer was lost leaves nobody knowing whether the gateway
// made the key: an unconfirmed create. Plans only look its key up; applies
// settle it by sending the same request again, which the gateway answers
// with the key it made, or makes now, but never makes twice, for as long
// as it remembers the request's Idempotency-Key.

// ReplayWindow is how long the gateway keeps an Idempotency-Key: after it,
// a replay would make a new key rather than find the first.
const ReplayWindow = 24 * time.Hour

// Unconfirmed is a create whose outcome is not known yet.
type Unconfirmed struct {
	SentAt time.Time
}

// Replayable says that sending the request again still answers the key it
// made, with its key and secret, rather than making another.
func (u Unconfirmed) Replayable(now time.Time) bool {
	return now.Sub(u.SentAt) < ReplayWindow
}
