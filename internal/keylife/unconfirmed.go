package keylife

import (
	"fmt"
	"time"
)

// A create whose answer was lost leaves nobody knowing whether the gateway
// made the key: an unconfirmed create. Plans only look its key up, which
// writes nothing; applies settle it by sending the same request again,
// which the gateway answers with the key it made, or makes now, but never
// makes twice, for as long as it remembers the request's Idempotency-Key.
//
// A failed create is tainted by Terraform (and OpenTofu), and only the user
// can lift a taint: a tainted object is refreshed, with its private state,
// but planned as if it did not exist and then replaced, and neither the
// delete nor the create of that replacement gets its private state. So the
// key a refresh finds is adopted into state, and the apply deletes it by
// its id and makes another; where the refresh found none, the apply gives
// the request up and makes a new key. After untaint, the apply settles the
// create in place instead: it adopts the key found, or sends the request
// again and keeps the key it answers. The notices say which.

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

// Step is what becomes of an unconfirmed create.
type Step int

const (
	// Adopt takes the key that the lookup found into state.
	Adopt Step = iota + 1
	// Await keeps the create unconfirmed, at plan: a lookup that finds
	// nothing proves nothing while the request may still arrive, and only
	// sending it again settles that, which a plan never does.
	Await
	// Replay sends the same request again, at apply.
	Replay
	// Drop forgets the create: the lookup found nothing, and after the
	// replay window the request can no longer arrive (a gateway holds no
	// request that long), while sending it again would make a new key.
	Drop
)

// Settle says what to do with an unconfirmed create, given whether the
// lookup found its key and whether this is an apply, which may write.
func (u Unconfirmed) Settle(found, atApply bool, now time.Time) Step {
	switch {
	case found:
		return Adopt
	case !u.Replayable(now):
		return Drop
	case atApply:
		return Replay
	}
	return Await
}

// CreateUnconfirmed is the error of a create whose answer was lost; the
// gateway's own error follows it.
func CreateUnconfirmed(label string) Notice {
	return Notice{Summary: "API Key Creation Unconfirmed", Detail: fmt.Sprintf("The gateway did not say whether "+
		"it created the key %q. The request is kept in state (marked tainted): the next plan looks the key up "+
		"without sending anything else, and the next apply or destroy settles it by asking the gateway again "+
		"with the same request, so that no key is left behind and none is made twice.", label)}
}

// Adopted tells what becomes of a key that an unconfirmed create made. It
// is said on every refresh until the create is settled: the plan that
// follows replaces the key while it is tainted.
func Adopted(id string) Notice {
	return Notice{Summary: "Unconfirmed API Key Found", Detail: fmt.Sprintf("The gateway did make the key %s in "+
		"an earlier apply whose answer was lost; it is now in state. Nobody has received its key and secret yet. "+
		"Terraform marks a resource whose create failed tainted, and replaces a tainted resource: unless "+
		"`terraform untaint` (`tofu untaint`) is run on it first, the apply deletes %s and creates a new key. "+
		"After untaint, the apply keeps %s and puts its key and secret into state.", id, id, id)}
}

// StillUnconfirmed tells a refresh whose lookup found no key while the
// request may still arrive.
func StillUnconfirmed(label string, u Unconfirmed) Notice {
	return Notice{Summary: "API Key Creation Still Unconfirmed", Detail: fmt.Sprintf("The gateway holds no key "+
		"from the create of %q sent at %s, whose answer was lost: the request may never have reached it, or may "+
		"still be on its way. This plan changed nothing. Terraform marks a resource whose create failed "+
		"tainted, and replaces a tainted resource without handing the record of that request to the "+
		"replacement: unless `terraform untaint` (`tofu untaint`) is run on it first, the apply gives the "+
		"request up and creates a new key. After untaint, the apply asks the gateway again with the same "+
		"request, which makes the key at most once, and keeps the key it answers.",
		label, u.SentAt.Format(time.RFC3339))}
}

// Dropped tells a create given up after the replay window. A refresh and
// an apply drop it so that the next apply creates the key anew; a destroy
// only forgets it.
func Dropped(label string, u Unconfirmed, destroying bool) Notice {
	detail := fmt.Sprintf("The create of the key %q at %s was never confirmed, and the gateway holds no key that "+
		"it made. More than 24 hours later that request can no longer arrive, and the gateway no longer answers "+
		"it again, so it is dropped from state.", label, u.SentAt.Format(time.RFC3339))
	if !destroying {
		detail += " The next apply creates the key anew."
	}
	return Notice{Summary: "Unconfirmed API Key Creation Expired", Detail: detail}
}
