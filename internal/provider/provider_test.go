package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
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
	env := newGatewayEnv(t, opts)
	env.requireKeyManagement(t)
	return env
}

// requireKeyManagement skips a test of the key-management API on a real
// gateway that does not serve it: seven.io publishes webhooks, not keys.
// Only the contract's own error (such as 401 for a wrong key) fails.
func (e *testEnv) requireKeyManagement(t *testing.T) {
	t.Helper()
	if e.sandbox != nil {
		return
	}
	_, err := e.api.ListAPIKeys(context.Background(), client.ListAPIKeysInput{PageSize: 1})
	var apiErr *client.APIError
	switch {
	case err == nil:
	case errors.As(err, &apiErr) && apiErr.Code != "" && apiErr.Code != "unknown_path":
		t.Fatalf("the gateway at SMS_ENDPOINT refused to list keys: %v", err)
	default:
		t.Skipf("needs the key-management API (GET /api_keys), which the gateway at SMS_ENDPOINT does not serve "+
			"(seven.io publishes none; only the webhook tests run there): %v; unset SMS_ENDPOINT to run it against the local sandbox", err)
	}
}

// newGatewayEnv is the test's gateway, whatever API it serves.
func newGatewayEnv(t *testing.T, opts sandbox.Options) *testEnv {
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
	return e.providerServerWith(vars, nil)
}

// providerServerWith is providerServer sending its requests through
// transport (nil: straight to the gateway), still watched for writes.
func (e *testEnv) providerServerWith(vars map[string]string, transport http.RoundTripper) func() tfprotov6.ProviderServer {
	var watched http.RoundTripper = e.writes
	if transport != nil {
		watched = roundTripFunc(func(req *http.Request) (*http.Response, error) {
			e.writes.note(req)
			return transport.RoundTrip(req)
		})
	}
	server := providerserver.NewProtocol6(newWithOptions("test", options{
		clock:      e.clock,
		getenv:     func(name string) string { return vars[name] },
		httpClient: &http.Client{Transport: watched},
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
	return e.cliWithServer(t, e.providerServer(vars))
}

// cliWithServer is cli with the provider served as given.
func (e *testEnv) cliWithServer(t *testing.T, server func() tfprotov6.ProviderServer) *clitest.Workdir {
	t.Helper()
	cli := clitest.CLIPath()
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH, as scripts/testacc sets them")
	}
	in := clitest.Reattached(t, clitest.SMSProvider.Source, server)
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
		body     string // what the configuration holds besides the provider block; "" = key
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
		"timeout of half an hour": {
			provider: `provider "sms" { request_timeout = "30m" }`,
			want:     errorMatching(`request_timeout must be a duration such as "30s", "90s" or "5m", between 1s and 10m; got "30m"`),
		},
		"endpoint plain http to another host": {
			provider: `provider "sms" { endpoint = "http://gateway.example.com/api" }`,
			want: errorMatching("Insecure Endpoint", `endpoint ("http://gateway.example.com/api") uses plain http://`,
				`Use https://, such as "https://gateway.example.com/api"`, "allow_insecure_http = true"),
		},
		"endpoint plain http in capitals": {
			provider: `provider "sms" { endpoint = "HTTP://GATEWAY.EXAMPLE.COM/api" }`,
			want:     errorMatching("Insecure Endpoint", "uses plain http://"),
		},
		"endpoint plain http to a name that starts like loopback": {
			provider: `provider "sms" { endpoint = "http://127.0.0.1.example.com:8787/api" }`,
			want:     errorMatching("Insecure Endpoint", "not this machine's loopback"),
		},
		"endpoint plain http to localhost with a dot": {
			provider: `provider "sms" { endpoint = "http://localhost.:8787/api" }`,
			want:     errorMatching("Insecure Endpoint"),
		},
		"endpoint plain http to an address of this network": {
			provider: `provider "sms" { endpoint = "http://10.0.0.7:8787/api" }`,
			want:     errorMatching("Insecure Endpoint"),
		},
		"endpoint from environment plain http to another host": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: "http://gateway.example.com/api", envAPIKey: env.apiKey},
			want: errorMatching("Insecure Endpoint", `the SMS_ENDPOINT environment variable ("http://gateway.example.com/api")`,
				"Use https://"),
		},
		"endpoint names the keys resource": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com/api/api_keys" }`,
			want: errorMatching("Endpoint Names A Resource", `endpoint "https://gateway.example.com/api/api_keys"`,
				"(/api_keys)", "of the form https://HOST/api"),
		},
		"endpoint names one key": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com/api/api_keys/ak_0123456789abcdefghij" }`,
			want:     errorMatching("Endpoint Names A Resource", "(/api_keys)"),
		},
		"endpoint names the balance": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com/api/balance/" }`,
			want:     errorMatching("Endpoint Names A Resource", "(/balance)"),
		},
		"endpoint from environment names the webhooks": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: "https://gateway.example.com/api/hooks", envAPIKey: env.apiKey},
			want: errorMatching("Invalid Endpoint", "SMS_ENDPOINT environment variable", "(/hooks)",
				"of the form https://HOST/api"),
		},
		"endpoint with a trailing space": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com/api " }`,
			want:     errorMatching("Invalid URL", "has white space or a line break around it"),
		},
		"endpoint from environment with a line break": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: env.endpoint + "\n", envAPIKey: env.apiKey},
			want:     errorMatching("Invalid Endpoint", "SMS_ENDPOINT environment variable", "has white space or a line break around it"),
		},
		"endpoint port out of range": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com:65536/api" }`,
			want:     errorMatching("Invalid URL", "has the port 65536; a port is a number from 1 to 65535"),
		},
		"endpoint with an empty query": {
			provider: `provider "sms" { endpoint = "https://gateway.example.com/api?" }`,
			want:     errorMatching("Invalid URL", "carries a query or a fragment"),
		},
		"allow_insecure_http not a bool": {
			provider: `provider "sms" { allow_insecure_http = "yes" }`,
			want:     errorMatching("allow_insecure_http", "bool"),
		},
		"key from SMS_API_KEY with a line break": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: env.endpoint, envAPIKey: env.apiKey + "\n"},
			want: errorMatching("Invalid API Key", "The API key taken from the SMS_API_KEY environment variable has white space",
				"remove the rest from SMS_API_KEY"),
		},
		"key from SEVEN_API_KEY with a trailing space": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: env.endpoint, envAPIKeySeven: env.apiKey + " "},
			want:     errorMatching("Invalid API Key", "the SEVEN_API_KEY environment variable"),
		},
		"endpoint without /api": {
			provider: fmt.Sprintf(`provider "sms" { endpoint = %q }`, strings.TrimSuffix(env.endpoint, "/api")),
			body:     `data "sms_api_keys" "all" {}`,
			want: errorMatching("so the endpoint is probably wrong. Check endpoint",
				fmt.Sprintf("%q in the provider block", strings.TrimSuffix(env.endpoint, "/api")), "of the form https://HOST/api"),
		},
		"endpoint from environment one level too deep": {
			provider: `provider "sms" {}`,
			env:      map[string]string{envEndpoint: env.endpoint + "/v2", envAPIKey: env.apiKey},
			body:     `data "sms_api_keys" "all" {}`,
			want: errorMatching("so the endpoint is probably wrong. Check the SMS_ENDPOINT environment variable",
				env.endpoint+"/v2"),
		},
		"key in the provider block with a line break": {
			provider: `provider "sms" { api_key = "k3yK3yK3yK3yK3yK3y\n" }`,
			want:     errorMatching("Invalid API Key", "The API key taken from api_key has white space"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			factories := env.factories()
			if tc.env != nil {
				factories = env.factoriesWithEnv(tc.env)
			}
			body := key
			if tc.body != "" {
				body = tc.body
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config:      config(tc.provider + "\n\n" + body),
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

// countingTransport counts the requests the provider sends and delivers
// each to the test's gateway, whatever host its URL names, so that an
// endpoint on another host can be tried without that host.
type countingTransport struct {
	gateway string // host:port
	sent    atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.sent.Add(1)
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host = "http", c.gateway
	return http.DefaultTransport.RoundTrip(out)
}

// An http:// endpoint on another host is refused before the provider
// sends a single request, however it is given; allow_insecure_http lets
// it through, and every plan then warns.
func TestAccProvider_insecureEndpointSendsNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	gateway, err := url.Parse(env.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	const remote = "http://gateway.example.com/api"
	list := "data \"sms_api_keys\" \"all\" {}\n"
	for name, tc := range map[string]struct {
		vars  map[string]string
		cfg   string
		apply bool // the endpoint is unknown at plan
		want  []string
	}{
		"in the provider block": {
			cfg:  fmt.Sprintf("provider \"sms\" {\n  endpoint = %q\n}\n\n", remote) + list,
			want: []string{"Error: Insecure Endpoint", `endpoint ("` + remote + `") uses plain http://`},
		},
		"from SMS_ENDPOINT": {
			vars: map[string]string{envEndpoint: remote},
			cfg:  list,
			want: []string{"Error: Insecure Endpoint", `the SMS_ENDPOINT environment variable ("` + remote + `")`},
		},
		"known only at apply": {
			cfg: fmt.Sprintf(`
resource "terraform_data" "gateway" {
  input = %q
}

provider "sms" {
  endpoint = terraform_data.gateway.output
}

resource "sms_api_key" "test" {
  label = "never-created"
}
`, remote),
			apply: true,
			want:  []string{"Error: Insecure Endpoint", `endpoint ("` + remote + `")`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			transport := &countingTransport{gateway: gateway.Host}
			vars := map[string]string{envAPIKey: env.apiKey}
			maps.Copy(vars, tc.vars)
			w := env.cliWithServer(t, env.providerServerWith(vars, transport))
			initialized(t, w, config(tc.cfg))
			args := []string{"plan", "-input=false", "-no-color"}
			if tc.apply {
				args = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
			}
			run := w.Run(args...)
			if run.ExitCode != 1 {
				t.Errorf("exit %d, want 1:\n%s", run.ExitCode, run)
			}
			expectOutput(t, run, tc.want...)
			if !tc.apply && tc.vars == nil {
				// validate configures no provider: the refusal is the schema's.
				validate := w.Run("validate", "-no-color")
				if validate.ExitCode != 1 {
					t.Errorf("validate: exit %d, want 1:\n%s", validate.ExitCode, validate)
				}
				expectOutput(t, validate, tc.want...)
			}
			if n := transport.sent.Load(); n != 0 {
				t.Errorf("the provider sent %d requests, want none", n)
			}
		})
	}

	t.Run("allowed", func(t *testing.T) {
		t.Parallel()
		transport := &countingTransport{gateway: gateway.Host}
		w := env.cliWithServer(t, env.providerServerWith(map[string]string{envAPIKey: env.apiKey}, transport))
		initialized(t, w, config(fmt.Sprintf("provider \"sms\" {\n  endpoint            = %q\n  allow_insecure_http = true\n}\n\n", remote)+list))
		warning := []string{"Warning: Insecure Endpoint Allowed", `in clear text over plain http:// to "` + remote + `" (from endpoint)`}
		for range 2 {
			plan := w.MustRun("plan", "-input=false", "-no-color")
			expectOutput(t, plan, warning...)
			if n := strings.Count(plan.Output(), warning[0]); n != 1 {
				t.Errorf("the plan warns %d times, want once:\n%s", n, plan)
			}
		}
		// The requests counted are the ones refused above: the transport
		// does deliver what the provider sends.
		if transport.sent.Load() == 0 {
			t.Error("the plans sent no request: the count above proves nothing")
		}
	})
}
