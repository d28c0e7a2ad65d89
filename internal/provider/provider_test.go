package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/clock"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

// testEnv is the gateway one acceptance test talks to: a sandbox of its own,
// started in-process with a clock the test moves, or, when SMS_ENDPOINT and
// SMS_API_KEY are set, the real service (shared, so keys are made in its
// sandbox environment and time cannot be moved).
type testEnv struct {
	endpoint string
	apiKey   string
	clock    clock.Clock
	manual   *clock.Manual // the clock when it can be moved, else nil
	sandbox  *sandbox.Server
	local    *sandboxtest.Sandbox // the local sandbox, to take it down and up
	ownKeyID string               // the local sandbox's first key, the tests' own
	api      *client.Client
	// writes notes what the provider sends while it must not write; the
	// test fails on any (see readonly_test.go).
	writes *writeRecorder
}

func newTestEnv(t *testing.T, opts sandbox.Options) *testEnv {
	t.Helper()
	env := &testEnv{writes: newWriteRecorder()}
	env.writes.expectNoWrites(t)
	if endpoint, key := os.Getenv(envEndpoint), os.Getenv(envAPIKey); endpoint != "" && key != "" {
		env.endpoint, env.apiKey, env.clock = endpoint, key, clock.System()
	} else {
		manual := clock.NewManual(time.Now().UTC().Truncate(time.Second))
		opts.Clock = manual
		sb := sandboxtest.Start(t, opts)
		env.endpoint, env.apiKey, env.clock, env.manual, env.sandbox, env.local = sb.Endpoint, sb.APIKey, manual, manual, sb.Server, sb
	}
	api, err := client.New(client.Config{Endpoint: env.endpoint, APIKey: env.apiKey, MaxRetries: 3})
	if err != nil {
		t.Fatalf("client for checks: %s", err)
	}
	env.api = api
	if env.sandbox != nil {
		keys, err := api.ListAPIKeys(context.Background(), client.ListAPIKeysInput{})
		if err != nil || len(keys) != 1 {
			t.Fatalf("a fresh sandbox holds %d keys (%v), want only its first", len(keys), err)
		}
		env.ownKeyID = keys[0].ID
	}
	return env
}

// requireSandbox skips a test that needs what only the local sandbox can
// do: move time, inject faults, or create live keys with a key of its own.
func (e *testEnv) requireSandbox(t *testing.T) {
	t.Helper()
	if e.sandbox == nil {
		t.Skip("needs the local sandbox (moves its clock or injects faults); unset SMS_ENDPOINT to run it")
	}
}

// advance moves the shared clock of provider and sandbox.
func (e *testEnv) advance(d time.Duration) {
	e.manual.Advance(d)
}

// factories serve the provider in-process, reading "environment variables"
// from the test's gateway rather than the process environment.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return e.factoriesWithEnv(map[string]string{envEndpoint: e.endpoint, envAPIKey: e.apiKey})
}

func (e *testEnv) factoriesWithEnv(vars map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	server := e.providerServer(vars)
	return map[string]func() (tfprotov6.ProviderServer, error){
		"sms": func() (tfprotov6.ProviderServer, error) { return server(), nil },
	}
}

// providerServer is the provider as the test's factories serve it, its
// calls that must not write watched.
func (e *testEnv) providerServer(vars map[string]string) func() tfprotov6.ProviderServer {
	server := providerserver.NewProtocol6(newWithOptions("test", options{
		clock:      e.clock,
		getenv:     func(name string) string { return vars[name] },
		httpClient: &http.Client{Transport: e.writes},
	})())
	return func() tfprotov6.ProviderServer { return readOnlyGuard{ProviderServer: server()} }
}

// cli is an empty working directory where the real CLI of the acceptance
// run drives this test's provider, served in the test process with the
// test's clock, so that the test reads everything the CLI prints: the
// warnings that plan checks cannot see, and any secret that must not show.
func (e *testEnv) cli(t *testing.T) *clitest.Workdir {
	t.Helper()
	return e.cliWithEnv(t, map[string]string{envEndpoint: e.endpoint, envAPIKey: e.apiKey})
}

// cliWithEnv is cli with the provider's environment variables given.
func (e *testEnv) cliWithEnv(t *testing.T, vars map[string]string) *clitest.Workdir {
	t.Helper()
	cli := clitest.CLIPath()
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH, as scripts/testacc sets them")
	}
	in := clitest.Reattached(t, clitest.SMSProvider.Source, e.providerServer(vars))
	return clitest.NewWorkdir(t, cli, in, nil)
}

// keyEnvironment is what test keys are made in: live on a local sandbox,
// sandbox on a real account, so that tests never create live keys there.
func (e *testEnv) keyEnvironment() string {
	if e.sandbox == nil {
		return client.EnvironmentSandbox
	}
	return client.EnvironmentLive
}

// config prefixes a test configuration with the provider's source address,
// which both Terraform and OpenTofu resolve to the provider under test.
func config(body string) string {
	return `terraform {
  required_providers {
    sms = {
      source = "registry.terraform.io/sms-gateway/sms"
    }
  }
}

` + body
}

// checkDestroyed asks the gateway that every sms_api_key in state is gone.
func (e *testEnv) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "sms_api_key" {
			continue
		}
		_, err := e.api.GetAPIKey(context.Background(), rs.Primary.ID)
		if err == nil {
			return fmt.Errorf("API key %s still exists after destroy", rs.Primary.ID)
		}
		if !client.NotFound(err) {
			return fmt.Errorf("checking API key %s: %w", rs.Primary.ID, err)
		}
	}
	return nil
}

// errorMatching matches an error that holds each phrase, in order. Terraform
// wraps long lines, so a space in a phrase matches any run of white space.
func errorMatching(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// testLabel makes labels unique per test, so that tests sharing a real
// account can tell their keys apart.
// They stay short enough for a suffix within the gateway's 64 characters;
// a longer name keeps its start and a hash of the whole, so that subtests
// whose names differ only at the end still differ.
func testLabel(t *testing.T) string {
	const maxLength = 48
	name := strings.TrimPrefix(t.Name(), "TestAcc")
	label := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(name, "-")
	if len(label) <= maxLength {
		return label
	}
	sum := sha256.Sum256([]byte(name))
	return label[:maxLength-9] + "-" + hex.EncodeToString(sum[:4])
}

func TestAccProvider_invalidConfiguration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	key := `resource "sms_api_key" "test" {
  label = "never-created"
}
`
	cases := map[string]struct {
		provider string
		env      map[string]string
		want     *regexp.Regexp
	}{
		"missing key": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: env.endpoint},
			want:     errorMatching("Missing API Key", "api_key", "SMS_API_KEY", "SEVEN_API_KEY"),
		},
		"endpoint not http": {
			provider: `provider "sms" { endpoint = "ftp://gateway.example/api" }`,
			want:     errorMatching("Invalid URL", "endpoint", "does not start with http"),
		},
		"endpoint from environment not a URL": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: "gateway.example", envAPIKey: env.apiKey},
			want:     errorMatching("Invalid Endpoint", "SMS_ENDPOINT environment variable"),
		},
		"negative retries": {
			provider: `provider "sms" { max_retries = -1 }`,
			want:     errorMatching("max_retries value must be between 0 and 20, got: -1"),
		},
		"timeout not a duration": {
			provider: `provider "sms" { request_timeout = "soon" }`,
			want:     errorMatching("request_timeout must be a duration", `got "soon"`),
		},
		"timeout too long": {
			provider: `provider "sms" { request_timeout = "1h" }`,
			want:     errorMatching("request_timeout must be a duration", `between 1s and 10m; got "1h"`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			factories := env.factories()
			if tc.env != nil {
				factories = env.factoriesWithEnv(tc.env)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config:      config(tc.provider + "\n\n" + key),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// The key and endpoint may come from the provider block or, as here, from
// SEVEN_API_KEY, the variable seven.io's own tools read.
func TestAccProvider_sevenAPIKeyFallback(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factoriesWithEnv(map[string]string{envAPIKeySeven: env.apiKey}),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
provider "sms" {
  endpoint = %q
}

resource "sms_api_key" "test" {
  label       = %q
  environment = %q
  permissions = ["balance"]
}
`, env.endpoint, testLabel(t), env.keyEnvironment())),
			ConfigStateChecks: []statecheck.StateCheck{env.expectKeyWorks()},
		}},
	})
}

// A provider block that depends on a resource not yet created is unknown
// at plan: the plan still succeeds, and the apply configures the provider.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factoriesWithEnv(nil),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config(fmt.Sprintf(`
resource "terraform_data" "gateway" {
  input = {
    endpoint = %q
    api_key  = %q
  }
}

provider "sms" {
  endpoint = terraform_data.gateway.output.endpoint
  api_key  = terraform_data.gateway.output.api_key
}

resource "sms_api_key" "test" {
  label       = %q
  environment = %q
  permissions = ["balance"]
}
`, env.endpoint, env.apiKey, testLabel(t), env.keyEnvironment())),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testKeyAddress, plancheck.ResourceActionCreate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{env.expectKeyWorks()},
		}},
	})
}
