package sandbox

import (
	"math"
	"sync"
	"time"
)

// rateLimiter is a token bucket per account: perSecond tokens flow in each
// second, up to a burst of twice that. It reads the injected clock, so a
// test refills a bucket by moving time.
type rateLimiter struct {
	mu        sync.Mutex
	perSecond int
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	filled time.Time
}

func newRateLimiter(perSecond int) *rateLimiter {
	return &rateLimiter{perSecond: perSecond, buckets: map[string]*bucket{}}
}

// set changes the rate; every bucket starts over full.
func (l *rateLimiter) set(perSecond int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.perSecond = max(perSecond, 0)
	clear(l.buckets)
}

// take spends a token of the account's bucket. Without one it says how many
// whole seconds pass until the next token, at least 1.
func (l *rateLimiter) take(accountID string, now time.Time) (ok bool, retryAfter int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perSecond == 0 {
		return true, 0
	}
	rate := float64(l.perSecond)
	burst := 2 * rate
	b, found := l.buckets[accountID]
	if !found {
		b = &bucket{tokens: burst, filled: now}
		l.buckets[accountID] = b
	}
	if elapsed := now.Sub(b.filled); elapsed > 0 {
		b.tokens = min(burst, b.tokens+elapsed.Seconds()*rate)
		b.filled = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := math.Ceil((1 - b.tokens) / rate)
	return false, max(int(wait), 1)
}
