package keylife

import (
	"fmt"
	"time"
)

// Retiring a key instead of deleting it: with retire_after, a destroy
// brings the key's expiry forward to the time of the destroy plus
// retire_after, so that services that still hold it keep working until
// then. A key that expires earlier anyway keeps its expiry; one that has
// expired is only forgotten.

// RetireAction is what a destroy does with the key.
type RetireAction int

const (
	// Delete deletes the key at once: it has no retire_after.
	Delete RetireAction = iota
	// Forget drops the key from state: it has expired already, or no
	// create is known to have made it.
	Forget
	// BringForward sets the key's expiry to the deadline.
	BringForward
	// ConfirmExpiry reads the key to see that it expires by the deadline
	// anyway, as state says.
	ConfirmExpiry
)

// Retirement is what destroying a key does now, and its deadline: when the
// key stops working at the latest.
type Retirement struct {
	Action   RetireAction
	Deadline time.Time
	window   time.Duration
	expiry   time.Time
}

// Retire decides what destroying k at now does.
func Retire(k Key, now time.Time) Retirement {
	window, ok := k.RetireAfter.Get()
	switch {
	case k.ID == "":
		return Retirement{Action: Forget}
	case !ok, k.Unconfirmed != nil:
		// Nobody has received the key and secret of a key that an
		// unconfirmed create made: nothing can still be using it.
		return Retirement{Action: Delete}
	}
	r := Retirement{Action: BringForward, Deadline: WholeSeconds(now.Add(window)), window: window}
	if expiry, known := k.Expiry.Get(); known && !expiry.After(r.Deadline) {
		// The gateway never extends an expiry: one that state says has
		// passed has passed.
		r.Action, r.expiry = Forget, expiry
		if expiry.After(now) {
			r.Action = ConfirmExpiry
		}
	}
	return r
}

// RetirementNotice tells at plan when a key that is destroyed now stops
// working, or is nil for a key that is deleted or has expired.
func RetirementNotice(k Key, now time.Time) *Notice {
	r := Retire(k, now)
	until := r.Deadline
	switch r.Action {
	case Delete, Forget:
		return nil
	case ConfirmExpiry:
		until = r.expiry
	}
	return &Notice{Summary: "API Key Will Be Retired", Detail: fmt.Sprintf("The key %s will not be deleted: it is "+
		"retired, and keeps working until about %s (retire_after %s after the apply), so that services that "+
		"still hold it have time to take the new one. To delete it at once, remove retire_after and apply first.",
		k.ID, until.Format(time.RFC3339), FormatDuration(r.window))}
}

// Retired is the warning once the gateway brought the expiry forward.
func Retired(id string, deadline time.Time) Notice {
	return Notice{Summary: "API Key Retired", Detail: fmt.Sprintf("The key %s was not deleted: it keeps working "+
		"until %s (retire_after), and the gateway deletes it 30 days after that.", id, deadline.Format(time.RFC3339))}
}

// ConfirmRetired judges the expiry the gateway shows for a key that needed
// no bringing forward, or that the gateway refused to bring forward: it
// may expire by the deadline (retired, a warning while it still works,
// nothing once it has expired), or not (failed). expiry is nil for none.
func ConfirmRetired(id string, deadline, now time.Time, expiry *time.Time) (retired, failed *Notice) {
	switch {
	case expiry == nil || expiry.After(deadline):
		return nil, &Notice{Summary: "Unable to Retire API Key", Detail: fmt.Sprintf("The gateway refused to bring "+
			"the expiry of the key %s forward to %s, and the key does not expire by then. It is kept in state and "+
			"still works; try again.", id, deadline.Format(time.RFC3339))}
	case expiry.After(now):
		return &Notice{Summary: "API Key Retired", Detail: fmt.Sprintf("The key %s was not deleted: it keeps "+
			"working until %s, its expiry, which is before retire_after would end.", id, expiry.UTC().Format(time.RFC3339))}, nil
	}
	return nil, nil
}
