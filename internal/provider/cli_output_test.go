package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// These tests read what the real CLI prints, which plan and state checks
// cannot: warnings, and the absence of secrets.

func initialized(t *testing.T, w *clitest.Workdir, cfg string) {
	t.Helper()
	w.WriteFile("main.tf", cfg)
	w.MustRun("init", "-input=false", "-no-color")
}

func expectOutput(t *testing.T, r *clitest.Result, phrases ...string) {
	t.Helper()
	out := strings.Join(strings.Fields(r.Output()), " ")
	for _, p := range phrases {
		if !strings.Contains(out, strings.Join(strings.Fields(p), " ")) {
			t.Errorf("the output lacks %q:\n%s", p, r)
		}
	}
}

// Plans say why a key will be replaced where the user did not type the
// reason, and warn about a key shorter than recommended.
func TestAccAPIKeyResource_plansSayWhy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	cfg := func(release string) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "short" {
  label       = "short"
  permissions = ["balance"]
  length      = 32
}

resource "sms_api_key" "rotating" {
  label         = "rotating"
  permissions   = ["balance"]
  valid_for     = "2h"
  rotate_before = "30m"

  rotation_triggers = {
    release = %q
    region  = "eu"
  }
}
`, release))
	}
	initialized(t, w, cfg("1"))
	expectOutput(t, w.MustRun("apply", "-auto-approve", "-input=false", "-no-color"),
		"Warning: Short API Key", "with sms_api_key.short", "A key of 32 characters is easier to guess than one of 64")

	// A plan that proposes a change exits 2 with -detailed-exitcode.
	changes := func() *clitest.Result {
		t.Helper()
		plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
		if plan.ExitCode != 2 {
			t.Errorf("plan: exit %d, want 2 (changes):\n%s", plan.ExitCode, plan)
		}
		return plan
	}
	env.advance(100 * time.Minute)
	expectOutput(t, changes(),
		"Warning: API Key Replacement Planned", "with sms_api_key.rotating",
		"will be replaced by a new one because it expires at", "within rotate_before (30m)")

	env.advance(-100 * time.Minute)
	w.WriteFile("main.tf", cfg("2"))
	expectOutput(t, changes(),
		"Warning: API Key Replacement Planned", "with sms_api_key.rotating",
		"because rotation_triggers changed (of release)")
	w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
}

// Once a fixed valid_until has passed, plans warn and change nothing, other
// changes still apply, and destroy works, with and without a refresh.
func TestAccAPIKeyResource_expiredFixedExpiryNeverBlocks(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	key := fmt.Sprintf(`
resource "sms_api_key" "test" {
  label       = "fixed"
  permissions = ["balance"]
  valid_until = %q
}
`, env.clock.Now().Add(2*time.Hour).Format(time.RFC3339))
	initialized(t, w, config(key))
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	id := w.State().Managed("sms_api_key")[0].Attr("id")

	env.advance(3 * time.Hour)
	plan := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if plan.ExitCode != 0 {
		t.Errorf("plan of an expired key: exit %d, want 0 (no changes):\n%s", plan.ExitCode, plan)
	}
	expectOutput(t, plan, "Warning: API Key Expired", "with sms_api_key.test",
		"The key "+id+" expired at", "A key is never renewed: set valid_until to a later time")

	w.WriteFile("main.tf", config(key+`
resource "terraform_data" "unrelated" {
  input = "applies"
}
`))
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if n := len(w.State().Managed("terraform_data")); n != 1 {
		t.Errorf("the unrelated change was not applied: %d terraform_data in state", n)
	}

	w.MustRun("plan", "-destroy", "-input=false", "-no-color")
	w.MustRun("plan", "-destroy", "-refresh=false", "-input=false", "-no-color")
	w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	if _, err := env.api.GetAPIKey(context.Background(), id); !client.NotFound(err) {
		t.Errorf("key %s after destroy: err = %v, want not found", id, err)
	}
}

// No secret shows in any message, whether written in the configuration,
// taken from a variable or from the environment: an age identity given
// as recipient, a password in the endpoint.
func TestAccProvider_noSecretInAnyMessage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	identity := newIdentity(t)
	const password = "hunter2-never-shown"
	withPassword := "https://deploy:" + password + "@gateway.example/api"
	recipientConfig := `
resource "sms_api_key" "test" {
  label                = "x"
  encryption_recipient = %s
}
`
	for name, tc := range map[string]struct {
		vars   map[string]string
		cfg    string
		secret string
		want   []string
	}{
		"identity written as recipient": {
			cfg:    fmt.Sprintf(recipientConfig, fmt.Sprintf("%q", identity.String())),
			secret: identity.String(),
			want:   []string{"Private Key Given As Encryption Recipient", "give its public recipient, age1…"},
		},
		"identity from a variable": {
			cfg: fmt.Sprintf(`
variable "recipient" {
  type    = string
  default = %q
}
`+recipientConfig, identity.String(), "var.recipient"),
			secret: identity.String(),
			want:   []string{"Private Key Given As Encryption Recipient"},
		},
		"password written in the endpoint": {
			cfg:    fmt.Sprintf("provider \"sms\" {\n  endpoint = %q\n}\n\ndata \"sms_api_keys\" \"all\" {}\n", withPassword),
			secret: password,
			want:   []string{"Credentials In URL", `endpoint ("https://deploy:xxxxx@gateway.example/api")`},
		},
		"password in the endpoint from a variable": {
			cfg: fmt.Sprintf("variable \"endpoint\" {\n  type    = string\n  default = %q\n}\n\n"+
				"provider \"sms\" {\n  endpoint = var.endpoint\n}\n\ndata \"sms_api_keys\" \"all\" {}\n", withPassword),
			secret: password,
			want:   []string{"Credentials In URL"},
		},
		"key with a line break in SMS_API_KEY": {
			vars:   map[string]string{envEndpoint: env.endpoint, envAPIKey: env.apiKey + "\n"},
			cfg:    "data \"sms_api_keys\" \"all\" {}\n",
			secret: env.apiKey,
			want:   []string{"Invalid API Key", "SMS_API_KEY environment variable"},
		},
		"key with a line break written in the provider block": {
			cfg:    fmt.Sprintf("provider \"sms\" {\n  api_key = %q\n}\n\ndata \"sms_api_keys\" \"all\" {}\n", env.apiKey+"\n"),
			secret: env.apiKey,
			want:   []string{"Invalid API Key", "taken from api_key"},
		},
		"password in SMS_ENDPOINT": {
			vars:   map[string]string{envEndpoint: withPassword, envAPIKey: env.apiKey},
			cfg:    "data \"sms_api_keys\" \"all\" {}\n",
			secret: password,
			want:   []string{"Invalid Endpoint", "SMS_ENDPOINT environment variable", "carries a user name or password"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vars := tc.vars
			if vars == nil {
				vars = map[string]string{envEndpoint: env.endpoint, envAPIKey: env.apiKey}
			}
			w := env.cliWithEnv(t, vars)
			initialized(t, w, config(tc.cfg))
			plan := w.Run("plan", "-input=false", "-no-color")
			if plan.ExitCode != 1 {
				t.Errorf("plan: exit %d, want 1:\n%s", plan.ExitCode, plan)
			}
			expectOutput(t, plan, tc.want...)
			if strings.Contains(plan.Output(), tc.secret) {
				t.Errorf("the output shows the secret:\n%s", plan)
			}
		})
	}
}

// The warning of an import names the key it is about.
func TestAccAPIKeyResource_importWarningNamesTheKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	existing, err := env.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{
		Label: testLabel(t), Environment: env.keyEnvironment(), Permissions: []string{"balance"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.api.DeleteAPIKey(context.Background(), existing.ID); err != nil && !client.NotFound(err) {
			t.Errorf("deleting %s: %v", existing.ID, err)
		}
	})
	w := env.cli(t)
	initialized(t, w, apiKeyConfig(testLabel(t), env.keyEnvironment(), `  permissions = ["balance"]`))
	imported := w.MustRun("import", "-input=false", "-no-color", testKeyAddress, existing.ID)
	expectOutput(t, imported, "Warning: Imported API Key Secret Read On Apply", "The key "+existing.ID+" is imported without")
}

// A host that does not exist fails at once, with an error that says so,
// instead of after max_retries rounds of backoff.
func TestAccProvider_unknownHostFailsFast(t *testing.T) {
	t.Parallel()
	const host = "gateway.example.invalid"
	var dnsErr *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(context.Background(), host); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Skipf("this machine's resolver does not answer that %s does not exist (%v); the test needs one that does", host, err)
	}
	env := newTestEnv(t, sandbox.Options{})
	w := env.cliWithEnv(t, map[string]string{envEndpoint: "https://" + host + "/api", envAPIKey: env.apiKey})
	initialized(t, w, config("resource \"terraform_data\" \"x\" {}\n"))
	// A plan that needs no API call measures what the CLI costs on its own.
	baseline := w.MustRun("plan", "-input=false", "-no-color")

	w.WriteFile("main.tf", config("data \"sms_api_keys\" \"all\" {}\n"))
	plan := w.Run("plan", "-input=false", "-no-color")
	t.Logf("plan against a host that does not exist failed after %s; a plan without API calls took %s",
		plan.Elapsed.Round(time.Millisecond), baseline.Elapsed.Round(time.Millisecond))
	if plan.ExitCode != 1 {
		t.Fatalf("plan: exit %d, want 1:\n%s", plan.ExitCode, plan)
	}
	expectOutput(t, plan, "Unable to List API Keys", "The endpoint's host name does not exist",
		"no such host "+host)
	// The first retry alone would wait at least 500ms; five retries about 20s.
	if limit := baseline.Elapsed + 2*time.Second; plan.Elapsed > limit {
		t.Errorf("the plan took %s, more than %s: the lookup was retried", plan.Elapsed, limit)
	}
	if regexp.MustCompile(`after \d+ attempts`).MatchString(plan.Output()) {
		t.Errorf("the error says it was retried:\n%s", plan)
	}
}

// Wherever a destroy will retire a key rather than delete it, the plan says
// so, naming the key and until when it works; where only Terraform knows of
// the replacement (-replace, taint), the apply says it.
func TestAccAPIKeyResource_retirementIsAnnounced(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, sandbox.Options{})
	env.requireSandbox(t)
	w := env.cli(t)
	cfg := func(release string) string {
		return config(fmt.Sprintf(`
resource "sms_api_key" "test" {
  label        = "announced"
  permissions  = ["balance"]
  retire_after = "24h"

  rotation_triggers = {
    release = %q
  }
}
`, release))
	}
	initialized(t, w, cfg("1"))
	w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	id := w.State().Managed("sms_api_key")[0].Attr("id")
	until := env.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
	announced := []string{"Warning: API Key Will Be Retired", "The key " + id + " will not be deleted",
		"keeps working until about " + until, "(retire_after 24h after the apply)"}

	w.WriteFile("main.tf", cfg("2"))
	expectOutput(t, w.MustRun("plan", "-input=false", "-no-color"), announced...)
	expectOutput(t, w.MustRun("plan", "-destroy", "-input=false", "-no-color"), announced...)

	w.WriteFile("main.tf", cfg("1"))
	expectOutput(t, w.MustRun("apply", "-auto-approve", "-input=false", "-no-color", "-replace="+testKeyAddress),
		"Warning: API Key Retired", "The key "+id+" was not deleted: it keeps working until "+until)
	replacement := w.State().Managed("sms_api_key")[0].Attr("id")
	expectOutput(t, w.MustRun("destroy", "-auto-approve", "-input=false", "-no-color"),
		"The key "+replacement+" was not deleted")
}
