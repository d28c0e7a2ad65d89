package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// exampleKeyID matches the key ids that the examples make up.
var exampleKeyID = regexp.MustCompile(`"ak_[A-Za-z0-9]{20}"`)

// The examples on the documentation's pages are applied as they are,
// against the local sandbox, and must plan nothing afterwards: a page
// whose example fails, or keeps changing, would mislead its readers.
// scripts/check-examples only validates them. The ids that the examples
// make up are replaced by keys made for the test, and the provider's
// source address by the one the tests serve.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		files     []string
		since     *tfversion.TerraformVersionCheck
		variables tfconfig.Variables
	}{
		{files: []string{"provider/provider.tf"}},
		{files: []string{"resources/sms_api_key/resource.tf"}},
		{files: []string{"resources/sms_api_key/resource.tf", "resources/sms_api_key/import-by-string-id.tf"}},
		{files: []string{"resources/sms_api_key/resource.tf", "resources/sms_api_key/import-by-identity.tf"}, since: &skipBelow1_12},
		{files: []string{"data-sources/sms_api_keys/data-source.tf"}},
		{files: []string{"data-sources/sms_api_key/data-source.tf"}},
		{files: []string{"ephemeral-resources/sms_api_key/ephemeral-resource.tf"}, since: &skipBelow1_10},
		{files: []string{"ephemeral-resources/sms_api_key_credentials/ephemeral-resource.tf"}, since: &skipBelow1_10},
		{files: []string{"resources/sms_webhook/resource.tf"}, variables: tfconfig.Variables{
			"receiver_token": tfconfig.StringVariable("receiverToken0123456789"),
		}},
		{files: []string{"data-sources/sms_webhooks/data-source.tf"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.files, "+"), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, sandbox.Options{})
			// Live keys, the examples' default, are made only on the local sandbox.
			env.requireSandbox(t)
			var text strings.Builder
			for _, file := range tt.files {
				raw, err := os.ReadFile(filepath.Join("..", "..", "examples", filepath.FromSlash(file)))
				if err != nil {
					t.Fatal(err)
				}
				text.Write(raw)
				text.WriteString("\n")
			}
			cfg := env.exampleConfig(t, text.String())
			var checks []tfversion.TerraformVersionCheck
			if tt.since != nil {
				checks = append(checks, *tt.since)
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   checks,
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyedOrRetired,
				Steps: []resource.TestStep{
					{Config: cfg, ConfigVariables: tt.variables},
					{
						Config:           cfg,
						ConfigVariables:  tt.variables,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

var (
	skipBelow1_10 = tfversion.SkipBelow(tfversion.Version1_10_0)
	skipBelow1_12 = tfversion.SkipBelow(tfversion.Version1_12_0)
)

// exampleConfig makes an example runnable: each key id it makes up becomes
// a key of the sandbox (one that may list keys, as the examples that
// configure a second provider with it do), and a required_providers block
// is added where the example has none.
func (e *testEnv) exampleConfig(t *testing.T, text string) string {
	t.Helper()
	made := map[string]string{}
	text = exampleKeyID.ReplaceAllStringFunc(text, func(quoted string) string {
		if id, ok := made[quoted]; ok {
			return id
		}
		key, err := e.api.CreateAPIKey(context.Background(), client.CreateAPIKeyInput{
			Label:       fmt.Sprintf("%s-%d", testLabel(t), len(made)),
			Environment: e.keyEnvironment(),
			Permissions: []string{"api_keys", "sms"},
		})
		if err != nil {
			t.Fatalf("making a key for %s: %v", quoted, err)
		}
		t.Cleanup(func() { _ = e.api.DeleteAPIKey(context.Background(), key.ID) })
		made[quoted] = fmt.Sprintf("%q", key.ID)
		return made[quoted]
	})
	if strings.Contains(text, "required_providers") {
		return strings.ReplaceAll(text, `"sms-gateway/sms"`, `"registry.terraform.io/sms-gateway/sms"`)
	}
	return config(text)
}

// checkDestroyedOrRetired is checkDestroyed for keys that may have
// retire_after: destroy leaves such a key working until its retirement,
// and deletes the others.
func (e *testEnv) checkDestroyedOrRetired(s *terraform.State) error {
	for address, rs := range s.RootModule().Resources {
		if rs.Type != "sms_api_key" || strings.HasPrefix(address, "data.") {
			continue
		}
		key, err := e.api.GetAPIKey(context.Background(), rs.Primary.ID)
		if client.NotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking API key %s: %w", rs.Primary.ID, err)
		}
		window, parseErr := time.ParseDuration(rs.Primary.Attributes["retire_after"])
		if parseErr != nil {
			return fmt.Errorf("API key %s still exists after destroy, and has no retire_after", rs.Primary.ID)
		}
		if key.ValidUntil == nil || key.ValidUntil.After(e.clock.Now().Add(window)) {
			return fmt.Errorf("API key %s was neither deleted nor retired within retire_after (%s): it expires at %v",
				rs.Primary.ID, window, key.ValidUntil)
		}
	}
	return nil
}
