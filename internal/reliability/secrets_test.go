package reliability

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sms-gateway/terraform-provider-sms/internal/client"
	"github.com/sms-gateway/terraform-provider-sms/internal/clitest"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox/sandboxtest"
)

var secretsConfig = header + `
resource "sms_api_key" "x" {
  label = "kept-secret"
}

output "key" {
  value     = sms_api_key.x.key
  sensitive = true
}

output "secret" {
  value     = sms_api_key.x.secret
  sensitive = true
}
`

// importedConfig adds a key made outside Terraform, to be imported.
const importedConfig = `
resource "sms_api_key" "imported" {
  label = "made-elsewhere"
}
`

// secret is a value that must never be shown, and what it is (for messages
// that must not show it either).
type secret struct {
	what, value string
}

// TestAccSecretsStayOutOfLogs runs an apply, a plan, an import and a
// destroy with TF_LOG=TRACE, and searches everything the user could see or
// keep (the logs, the CLI's output, terraform show and output) for the real
// key and secret that were created, for a key made outside Terraform and
// for the provider's own API key. The state file is searched too, and must
// hold the created key: that proves the search finds what it looks for.
func TestAccSecretsStayOutOfLogs(t *testing.T) {
	t.Parallel()
	cliPath(t)
	sb := sandboxtest.Start(t, sandbox.Options{})
	g := newGateway(t, sb.Endpoint, sb.APIKey)
	w := g.workdir(t)
	logs := t.TempDir()
	seen := map[string]string{} // what the user saw, by where
	traced := func(step string, args ...string) {
		t.Helper()
		logPath := filepath.Join(logs, step+".log")
		r := w.RunEnv(map[string]string{"TF_LOG": "TRACE", "TF_LOG_PATH": logPath}, args...)
		if r.Err != nil {
			t.Fatalf("%s", r)
		}
		log, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		// The provider's own debug lines must be there, or the search
		// below would prove nothing about them.
		if !strings.Contains(string(log), "gateway request") {
			t.Errorf("the %s log holds no line of the provider's request log", step)
		}
		seen[step+" log"] = string(log)
		seen[step+" output"] = r.Output()
	}

	w.WriteFile("main.tf", secretsConfig)
	traced("apply", "apply", "-auto-approve", "-input=false", "-no-color")
	x := w.State().Managed("sms_api_key")
	if len(x) != 1 || len(x[0].Attr("key")) != 64 || len(x[0].Attr("secret")) != 64 {
		t.Fatalf("state holds %+v, want one key with its key and secret", x)
	}
	secrets := []secret{
		{"the created key", x[0].Attr("key")},
		{"the created key's secret", x[0].Attr("secret")},
		{"the provider's api_key", g.apiKey},
	}
	var outputs map[string]struct {
		Sensitive bool   `json:"sensitive"`
		Value     string `json:"value"`
	}
	if err := json.Unmarshal([]byte(w.MustRun("output", "-json").Stdout), &outputs); err != nil {
		t.Fatal(err)
	}
	if o := outputs["key"]; !o.Sensitive || o.Value != secrets[0].value {
		t.Errorf("output key is not the key in state, or not sensitive")
	}

	traced("plan", "plan", "-input=false", "-no-color")

	elsewhere, err := g.api.CreateAPIKey(t.Context(), client.CreateAPIKeyInput{Label: "made-elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets,
		secret{"the imported key", elsewhere.Key},
		secret{"the imported key's secret", elsewhere.Secret})
	w.WriteFile("main.tf", secretsConfig+importedConfig)
	traced("import", "import", "-input=false", "-no-color", "sms_api_key.imported", elsewhere.ID)
	if imported := w.State().Managed("sms_api_key"); len(imported) != 2 {
		t.Errorf("state holds %d keys after the import, want 2", len(imported))
	}

	seen["show"] = w.MustRun("show", "-no-color").Output()
	seen["output"] = w.MustRun("output", "-no-color").Output()
	seen["show -json, sensitive values removed"] = withoutSensitiveValues(t, w.MustRun("show", "-json").Stdout)

	// Only now does the state file hold what the search must find.
	state, err := os.ReadFile(filepath.Join(w.Dir, clitest.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets[:2] {
		if !strings.Contains(string(state), s.value) {
			t.Errorf("the state file does not hold %s: the search cannot be trusted", s.what)
		}
	}

	traced("destroy", "destroy", "-auto-approve", "-input=false", "-no-color")

	for where, text := range seen {
		for _, s := range secrets {
			if strings.Contains(text, s.value) {
				t.Errorf("%s shows %s", where, s.what)
			}
		}
	}
}

// withoutSensitiveValues returns the JSON of terraform show -json with the
// values it flags as sensitive taken out. The format shows those in clear
// by design (it is for machines, and as secret as the state); anything a
// provider failed to flag stays, so the search finds it.
func withoutSensitiveValues(t *testing.T, showJSON string) string {
	t.Helper()
	var show map[string]any
	if err := json.Unmarshal([]byte(showJSON), &show); err != nil {
		t.Fatal(err)
	}
	values, _ := show["values"].(map[string]any)
	outputs, _ := values["outputs"].(map[string]any)
	for name, o := range outputs {
		output, _ := o.(map[string]any)
		if output["sensitive"] != true {
			t.Errorf("show -json: output %s is not flagged sensitive", name)
			continue
		}
		delete(output, "value")
	}
	root, _ := values["root_module"].(map[string]any)
	resources, _ := root["resources"].([]any)
	if len(resources) != 2 {
		t.Errorf("show -json lists %d resources, want 2", len(resources))
	}
	for _, r := range resources {
		resource, _ := r.(map[string]any)
		attributes, _ := resource["values"].(map[string]any)
		flagged, _ := resource["sensitive_values"].(map[string]any)
		for _, name := range []string{"key", "secret"} {
			if flagged[name] != true {
				t.Errorf("show -json: %v.%s is not flagged sensitive", resource["address"], name)
			}
		}
		for name, sensitive := range flagged {
			if sensitive == true {
				delete(attributes, name)
			}
		}
	}
	b, err := json.Marshal(show)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
