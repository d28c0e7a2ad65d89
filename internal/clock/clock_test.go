package clock_test

import (
	"sync"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
)

func TestSystemIsUTCAndCurrent(t *testing.T) {
	t.Parallel()

	before := time.Now()
	got := clock.System().Now()
	after := time.Now()

	if got.Location() != time.UTC {
		t.Errorf("System().Now() location = %v, want UTC", got.Location())
	}
	if got.Before(before.Add(-time.Second)) || got.After(after.Add(time.Second)) {
		t.Errorf("System().Now() = %v, want between %v and %v", got, before, after)
	}
}

func TestManualStandsStillUntilAdvanced(t *testing.T) {
	t.Parallel()

	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	c := clock.NewManual(start)

	if got := c.Now(); !got.Equal(start) || got.Location() != time.UTC {
		t.Fatalf("Now() = %v, want %v in UTC", got, start)
	}
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("second Now() = %v, want it unchanged at %v", got, start)
	}

	c.Advance(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("Now() after Advance = %v, want %v", got, want)
	}
}

func TestManualConcurrentAdvance(t *testing.T) {
	t.Parallel()

	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)

	var wg sync.WaitGroup
	for range 50 {
		wg.Add(2)
		go func() { defer wg.Done(); c.Advance(time.Second) }()
		go func() { defer wg.Done(); _ = c.Now() }()
	}
	wg.Wait()

	if got, want := c.Now(), start.Add(50*time.Second); !got.Equal(want) {
		t.Fatalf("Now() = %v, want %v", got, want)
	}
}
