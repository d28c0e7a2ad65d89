// Package clock lets the provider and the sandbox ask for the time through
// an interface, so that tests move time forward instead of sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System returns the wall clock, in UTC.
func System() Clock {
	return systemClock{}
}

type systemClock struct{}

func (systemClock) Now() time.Time {
	return time.Now().UTC()
}

// Manual is a clock that stands still until it is told to move. It is safe
// for concurrent use, because a test moves it while the provider and the
// sandbox read it from other goroutines.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

var _ Clock = (*Manual)(nil)

// NewManual returns a clock that reads start until it is advanced.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start.UTC()}
}

func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}
