package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// A key with retire_after is retired instead of deleted: it keeps working
// for that long after the apply that replaced or removed it.

// retiring remembers the keys a test has seen, to follow them once they
// have left state.
type retiring struct {
	env  *testEnv
	keys []*client.APIKey // as the gateway made them, with key
}

// remember records the key that state holds now.
func (r *retiring) remember(s *terraform.State) error {
	rs, ok := s.RootModule().Resources[testKeyAddress]
	if !ok {
		return fmt.Errorf("%s is not in state", testKeyAddress)
	}
	r.keys = append(r.keys, &client.APIKey{ID: rs.Primary.ID, Key: rs.Primary.Attributes["key"]})
	return nil
}

// expectWorksUntil checks that key n still authenticates and expires at
// until.
func (r *retiring) expectWorksUntil(n int, until func() time.Time) resource.TestCheckFunc {
	return func(*terraform.State) error {
		k := r.keys[n]
		got, err := r.env.api.GetAPIKey(context.Background(), k.ID)
		if err != nil {
			return fmt.Errorf("key %d (%s): %w", n, k.ID, err)
		}
		if want := until().UTC(); got.ValidUntil == nil || !got.ValidUntil.Equal(want) {
			return fmt.Errorf("key %d (%s) expires at %v, want %s", n, k.ID, got.ValidUntil, want.Format(time.RFC3339))
		}
		return r.expectAnswers(n, nil)
	}
}

// expectAnswers checks what the gateway answers key n: nil when it works.
func (r *retiring) expectAnswers(n int, want *int) error {
	api, err := client.New(client.Config{Endpoint: r.env.endpoint, APIKey: r.keys[n].Key})
	if err != nil {
		return err
	}
	_, err = api.Balance(context.Background())
	var apiErr *client.APIError
	switch {
	case want == nil && err != nil:
		return fmt.Errorf("key %d (%s) no longer works: %w", n, r.keys[n].ID, err)
	case want != nil && (!errors.As(err, &apiErr) || apiErr.StatusCode != *want):
		return fmt.Errorf("key %d (%s) answers %w, want %d", n, r.keys[n].ID, err, *want)
	}
	return nil
}

func TestAccAPIKeyResource_retireAfter(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	r := &retiring{env: env}
	cfg := func(release string) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label        = %q
  permissions  = ["balance"]
  retire_after = "24h"

  rotation_triggers = {
    release = %q
  }

  lifecycle {
    create_before_destroy = true
  }
}
`, testLabel(t), release))
	}
	unauthorized := http.StatusUnauthorized
	var firstRetiredAt time.Time
	now := env.clock.Now

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		// A destroy retires too: the last key works for a day more.
		CheckDestroy: func(*terraform.State) error {
			return r.expectWorksUntil(2, func() time.Time { return now().Add(24 * time.Hour) })(nil)
		},
		Steps: []resource.TestStep{
			{Config: cfg("1"), Check: r.remember},
			{
				Config: cfg("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(r.remember,
					func(*terraform.State) error { firstRetiredAt = now(); return nil },
					r.expectWorksUntil(0, func() time.Time { return now().Add(24 * time.Hour) }),
					func(*terraform.State) error { return r.expectAnswers(1, nil) }),
			},
			{
				// A second rotation within the window retires the second key
				// and leaves the first to expire when it was going to.
				PreConfig: func() { env.advance(time.Hour) },
				Config:    cfg("3"),
				Check: resource.ComposeTestCheckFunc(r.remember,
					r.expectWorksUntil(0, func() time.Time { return firstRetiredAt.Add(24 * time.Hour) }),
					r.expectWorksUntil(1, func() time.Time { return now().Add(24 * time.Hour) })),
			},
			{
				PreConfig: func() { env.advance(25 * time.Hour) },
				Config:    cfg("3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					for n := range 2 {
						if err := r.expectAnswers(n, &unauthorized); err != nil {
							return err
						}
					}
					return r.expectAnswers(2, nil)
				},
			},
		},
	})
}

// countKeys lists the account's keys and counts the expired ones and those
// that still work.
func (e *testEnv) countKeys() (expired, working int, err error) {
	keys, err := e.api.ListAPIKeys(context.Background(), client.ListAPIKeysInput{})
	for _, k := range keys {
		if k.Expired {
			expired++
		} else {
			working++
		}
	}
	return expired, working, err
}

// Only keys that still work count against the quota: a key rotated with
// retire_after more times than the quota holds never meets it, while the
// keys it retired stay listed, expired, until the gateway purges them.
func TestAccAPIKeyResource_retiredKeysNeverFillTheQuota(t *testing.T) {
	t.Parallel()
	const (
		quota     = 5
		rotations = 12
		every     = 30 * time.Minute // two rotations within one retire_after
	)
	env := newTestEnv(t, sandbox.Options{KeyQuota: quota})
	env.requireSandbox(t)
	cfg := func(release int) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label        = %q
  permissions  = ["balance"]
  retire_after = "1h"

  rotation_triggers = {
    release = "%d"
  }

  lifecycle {
    create_before_destroy = true
  }
}
`, testLabel(t), release))
	}
	ids := statecheck.CompareValue(compare.ValuesDiffer())
	// expectKeys checks the account's keys: the first key and the current
	// one work, so do the keys retired within the last hour, and every
	// older retired key is expired yet still listed.
	expectKeys := func(wantExpired, wantRetiredWorking int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			expired, working, err := env.countKeys()
			if err != nil {
				return err
			}
			if wantWorking := 2 + wantRetiredWorking; expired != wantExpired || working != wantWorking {
				return fmt.Errorf("keys: %d expired, %d working; want %d expired, %d working", expired, working, wantExpired, wantWorking)
			}
			return nil
		}
	}

	steps := []resource.TestStep{{
		Config:            cfg(0),
		ConfigStateChecks: []statecheck.StateCheck{ids.AddStateValue(testKeyAddress, tfjsonpath.New("id"))},
		Check:             expectKeys(0, 0),
	}}
	for n := 1; n <= rotations; n++ {
		// The key retired at rotation m expires at rotation m + 2.
		steps = append(steps, resource.TestStep{
			PreConfig: func() { env.advance(every) },
			Config:    cfg(n),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreateBeforeDestroy),
			}},
			ConfigStateChecks: []statecheck.StateCheck{ids.AddStateValue(testKeyAddress, tfjsonpath.New("id"))},
			Check:             expectKeys(max(0, n-2), min(n, 2)),
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig: func() { env.advance(time.Hour) },
		Config:    cfg(rotations),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectEmptyPlan(),
		}},
		Check: resource.ComposeTestCheckFunc(expectKeys(rotations, 0), func(*terraform.State) error {
			expired, working, err := env.countKeys()
			t.Logf("quota %d, %d rotations: %d keys listed, %d expired, %d working", quota, rotations, expired+working, expired, working)
			return err
		}),
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		// The destroy retires the last key as well.
		CheckDestroy: func(*terraform.State) error {
			expired, working, err := env.countKeys()
			if err == nil && (expired != rotations || working != 2) {
				err = fmt.Errorf("after destroy: %d expired, %d working; want %d expired and the first and the retired last key working",
					expired, working, rotations)
			}
			return err
		},
		Steps: steps,
	})
}
