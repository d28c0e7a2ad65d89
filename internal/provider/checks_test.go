package provider

import (
	"context"
	"fmt"
	"testing"

	"filippo.io/age"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
)

// expectKeyWorks proves that the key of sms_api_key.test authenticates at
// the gateway, by asking for the balance with it (the key must hold the
// balance scope).
func (e *testEnv) expectKeyWorks() statecheck.StateCheck {
	return keyWorksCheck{env: e, address: testKeyAddress}
}

type keyWorksCheck struct {
	env     *testEnv
	address string
}

func (c keyWorksCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	key, err := stateString(req.State, c.address, "key")
	if err != nil {
		resp.Error = err
		return
	}
	if err := keyWorks(ctx, c.env.endpoint, key); err != nil {
		resp.Error = fmt.Errorf("%s: the key in state does not work: %w", c.address, err)
	}
}

// keyWorks asks the gateway for the balance with key.
func keyWorks(ctx context.Context, endpoint, key string) error {
	api, err := client.New(client.Config{Endpoint: endpoint, APIKey: key})
	if err != nil {
		return err
	}
	_, err = api.Balance(ctx)
	return err
}

func stateString(state *tfjson.State, address, attribute string) (string, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return "", fmt.Errorf("state is empty")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != address {
			continue
		}
		v, ok := r.AttributeValues[attribute].(string)
		if !ok || v == "" {
			return "", fmt.Errorf("%s.%s is not a non-empty string in state", address, attribute)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s is not in state", address)
}

// newIdentity makes an age identity, the private side of a recipient.
func newIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return identity
}
