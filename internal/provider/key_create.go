package provider

import (
	"context"
	"errors"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// resolveBudget bounds the one more try that asks the gateway what became
// of a create whose answer was lost. It runs even after Terraform was
// interrupted, so it must be short: Terraform is waiting to exit.
const resolveBudget = 5 * time.Second

// createOutcome is what is known after trying to create a key. At most one
// of key, pending and orphanID is set; none means no key was made.
type createOutcome struct {
	key *client.APIKey
	// pending is a create whose outcome stayed unknown: sending it again
	// later adopts the key it made, if it made one.
	pending *pendingCreate
	// orphanID names a key that exists but whose answer was of no use.
	orphanID string
	// err is the create's error; with key set, the key came only from the
	// second try, after the run was interrupted.
	err error
}

// createKey creates a key with the one create path that the resource and
// the ephemeral resource share. When the gateway may have made the key but
// its answer was lost, it asks once more with the same request before it
// gives up, even after the run was interrupted, so that no key is made
// that nobody knows of.
func (d *providerData) createKey(ctx context.Context, in client.CreateAPIKeyInput) createOutcome {
	req, err := client.NewCreateRequest(in)
	if err != nil {
		return createOutcome{err: err}
	}
	sentAt := d.clock.Now()
	key, err := d.client.Create(ctx, req)
	if err == nil {
		return createOutcome{key: key}
	}
	var malformed *client.MalformedAnswerError
	if errors.As(err, &malformed) && malformed.KeyID != "" {
		return createOutcome{orphanID: malformed.KeyID, err: err}
	}
	if !errors.Is(err, client.ErrOutcomeUnknown) {
		return createOutcome{err: err}
	}

	resolveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveBudget)
	defer cancel()
	key, resolveErr := d.client.ConfirmCreate(resolveCtx, req)
	switch {
	case resolveErr == nil && ctx.Err() == nil:
		return createOutcome{key: key}
	case resolveErr == nil:
		return createOutcome{key: key, err: err}
	case client.RefusedCreate(resolveErr):
		return createOutcome{err: err}
	}
	return createOutcome{pending: &pendingCreate{Request: req, SentAt: sentAt}, err: err}
}
