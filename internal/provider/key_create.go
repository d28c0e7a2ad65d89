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

// quotaCountBudget bounds the listing that counts the account's keys after
// a create was refused by the quota: the count only improves the error, so
// it must not hold the run up for long.
const quotaCountBudget = 10 * time.Second

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
		return createOutcome{err: d.countWorkingKeys(ctx, err)}
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

// countWorkingKeys adds to a create refused by the quota how many of the
// account's keys still work, as a listing finds them; any other error comes
// back as it is. The gateway's message may give the count too, but it is
// free text, so the provider asks rather than parses.
func (d *providerData) countWorkingKeys(ctx context.Context, err error) error {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != codeKeyQuotaExceeded {
		return err
	}
	listCtx, cancel := context.WithTimeout(ctx, quotaCountBudget)
	defer cancel()
	keys, listErr := d.client.ListAPIKeys(listCtx, client.ListAPIKeysInput{})
	if listErr != nil {
		return &quotaError{err: err, countErr: listErr}
	}
	working := 0
	for _, k := range keys {
		if !k.Expired {
			working++
		}
	}
	return &quotaError{err: err, working: working}
}
