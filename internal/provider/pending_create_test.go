package provider

import (
	"testing"
	"time"
)

// What becomes of an unconfirmed create, decided from what the lookup
// found, the phase and the clock alone.
func TestDecidePending(t *testing.T) {
	t.Parallel()
	sentAt := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	pending := pendingCreate{SentAt: sentAt}
	for _, tc := range []struct {
		name    string
		found   bool
		atApply bool
		after   time.Duration
		want    pendingAction
	}{
		{"found at plan", true, false, time.Minute, adoptCreated},
		{"found at apply", true, true, time.Minute, adoptCreated},
		{"found long after the replays", true, false, 30 * 24 * time.Hour, adoptCreated},
		{"not found at plan", false, false, time.Minute, awaitReplay},
		{"not found at plan, the last second of the replays", false, false, replayWindow - time.Second, awaitReplay},
		{"not found at apply", false, true, time.Minute, replayCreate},
		{"not found at apply, the last second of the replays", false, true, replayWindow - time.Second, replayCreate},
		{"not found at plan once the replays are over", false, false, replayWindow, dropCreate},
		{"not found at apply once the replays are over", false, true, replayWindow, dropCreate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := decidePending(pending, tc.found, tc.atApply, sentAt.Add(tc.after)); got != tc.want {
				t.Errorf("decidePending = %d, want %d", got, tc.want)
			}
		})
	}
}

// A plan never replays: whatever the lookup says, the decision at plan
// sends nothing but the lookup.
func TestDecidePendingNeverReplaysAtPlan(t *testing.T) {
	t.Parallel()
	sentAt := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for after := time.Duration(0); after <= 2*replayWindow; after += time.Hour {
		for _, found := range []bool{false, true} {
			if decidePending(pendingCreate{SentAt: sentAt}, found, false, sentAt.Add(after)) == replayCreate {
				t.Fatalf("a plan %s after the create (found %v) would send it again", after, found)
			}
		}
	}
}
