package clitest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var providers = NewBuild(SMSProvider)

func TestMain(m *testing.M) {
	os.Exit(providers.Main(m))
}

func TestCLIConfig(t *testing.T) {
	t.Parallel()
	got := cliConfig(map[string]string{
		"registry.terraform.io/sms-gateway/sms": `/tmp/a "b"\c`,
		"registry.terraform.io/bench/null":      "/tmp/${x}/%{y}",
	})
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/bench/null" = "/tmp/$${x}/%%{y}"
    "registry.terraform.io/sms-gateway/sms" = "/tmp/a \"b\"\\c"
  }
  direct {}
}
`
	if got != want {
		t.Errorf("cliConfig =\n%s\nwant\n%s", got, want)
	}
}

func TestEnviron(t *testing.T) {
	t.Parallel()
	parent := map[string]string{
		"HOME":         "/home/u",
		"PATH":         "/bin",
		"TF_LOG":       "TRACE",
		"SMS_API_KEY":  "from-the-parent",
		"TF_REATTACH":  "x",
		"GOFLAGS":      "-race",
		"TF_LOG_PATH":  "/tmp/log",
		"TF_CLI_ARGS":  "-no-color",
		"TF_DATA_DIR":  "/elsewhere",
		"CHECKPOINT_X": "y",
	}
	got := environ(func(name string) string { return parent[name] }, "/cfg/cli.tfrc",
		map[string]string{"SMS_API_KEY": "workdir", "SMS_ENDPOINT": "http://127.0.0.1:1/api"},
		map[string]string{"SMS_API_KEY": "command", "TF_LOG": "DEBUG"},
	)
	want := []string{
		"CHECKPOINT_DISABLE=1",
		"HOME=/home/u",
		"PATH=/bin",
		"SMS_API_KEY=command",
		"SMS_ENDPOINT=http://127.0.0.1:1/api",
		"TF_CLI_CONFIG_FILE=/cfg/cli.tfrc",
		"TF_IN_AUTOMATION=1",
		"TF_LOG=DEBUG",
	}
	if !slices.Equal(got, want) {
		t.Errorf("environ =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, StateFile)
	if err := os.WriteFile(path, []byte(`{
  "version": 4,
  "resources": [
    {"mode": "managed", "type": "sms_api_key", "name": "k", "instances": [
      {"index_key": 0, "attributes": {"id": "ak_0", "key": "secret-0"}},
      {"index_key": 1, "attributes": {"id": "ak_1", "key": null}}
    ]},
    {"mode": "managed", "type": "sms_api_key", "name": "m", "instances": [
      {"index_key": "a", "attributes": {"id": "ak_a"}}
    ]},
    {"mode": "data", "type": "sms_api_keys", "name": "all", "instances": [{"attributes": {"id": "x"}}]},
    {"module": "module.m", "mode": "managed", "type": "sms_api_key", "name": "k", "instances": [{"attributes": {"id": "ak_m"}}]},
    {"mode": "managed", "type": "terraform_data", "name": "d", "instances": [{"attributes": {"id": "td"}}]}
  ]
}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range s.Managed("sms_api_key") {
		got = append(got, fmt.Sprintf("%s=%s/%s", i.Address, i.Attr("id"), i.Attr("key")))
	}
	want := []string{`sms_api_key.k[0]=ak_0/secret-0`, `sms_api_key.k[1]=ak_1/`, `sms_api_key.m["a"]=ak_a/`}
	if !slices.Equal(got, want) {
		t.Errorf("sms_api_key instances = %q, want %q", got, want)
	}
	if d := s.Managed("terraform_data"); len(d) != 1 || d[0].Address != "terraform_data.d" {
		t.Errorf("terraform_data instances = %+v, want terraform_data.d", d)
	}

	empty, err := ReadState(filepath.Join(dir, "absent.tfstate"))
	if err != nil || len(empty.Instances) != 0 {
		t.Errorf("missing state file = %+v, %v; want an empty state", empty, err)
	}
	if err := os.WriteFile(path, []byte(`{"version": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(path); err == nil {
		t.Error("state format 3 was read without error")
	}
}

// TestTimeout runs a command that outlives Workdir.Timeout: it must be
// interrupted and reported as timed out, soon after the timeout.
func TestTimeout(t *testing.T) {
	t.Parallel()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command to stand in for a CLI that hangs")
	}
	w := NewWorkdir(t, sleep, &Installation{ConfigFile: os.DevNull}, nil)
	w.Timeout = 200 * time.Millisecond
	r := w.Run("60")
	if r.Err == nil || !strings.Contains(r.Err.Error(), "deadline exceeded") {
		t.Errorf("err = %v, want a timeout", r.Err)
	}
	if r.ExitCode == 0 || r.Elapsed > 20*time.Second {
		t.Errorf("exit %d after %s, want an interrupted command well before it finished", r.ExitCode, r.Elapsed)
	}
}

// TestAccCLI drives the CLI of TF_ACC_TERRAFORM_PATH: an apply that needs no
// provider at all, then validation that only the provider built here can
// do, which proves that dev_overrides reached it without an init.
func TestAccCLI(t *testing.T) {
	t.Parallel()
	cli := CLIPath()
	if cli == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH names no Terraform or OpenTofu CLI")
	}
	in := providers.Installation(t)
	if fi, err := os.Stat(in.Binary(SMSProvider.Source)); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("provider binary: %v, %v; want an executable", fi, err)
	}

	w := NewWorkdir(t, cli, in, nil)
	if v, err := w.Version(); err != nil || !strings.HasPrefix(v, "1.") {
		t.Errorf("version = %q, %v; want 1.x", v, err)
	}

	w.WriteFile("main.tf", `
resource "terraform_data" "d" {
  count = 2
  input = "value-${count.index}"
}

output "ids" {
  value = terraform_data.d[*].id
}
`)
	r := w.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(r.Stdout, "Resources: 2 added, 0 changed, 0 destroyed") {
		t.Errorf("apply printed no summary of two resources added:\n%s", r)
	}
	instances := w.State().Managed("terraform_data")
	if len(instances) != 2 || instances[0].Address != "terraform_data.d[0]" || instances[1].Attr("id") == "" {
		t.Errorf("state holds %+v, want terraform_data.d[0] and [1] with ids", instances)
	}
	if r := w.Run("plan", "-input=false", "-no-color", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Errorf("plan after apply is not empty:\n%s", r)
	}

	sms := NewWorkdir(t, cli, in, nil)
	config := `
terraform {
  required_providers {
    sms = {
      source = %q
    }
  }
}

resource "sms_api_key" "k" {
  label  = "validated"
  length = %d
}
`
	sms.WriteFile("main.tf", fmt.Sprintf(config, SMSProvider.Source, 32))
	r = sms.MustRun("validate", "-no-color")
	if !strings.Contains(r.Output(), "The configuration is valid") {
		t.Errorf("validate did not accept a valid key:\n%s", r)
	}
	sms.WriteFile("main.tf", fmt.Sprintf(config, SMSProvider.Source, 8))
	r = sms.Run("validate", "-no-color")
	if r.ExitCode != 1 || !strings.Contains(r.Output(), "length") || !strings.Contains(r.Output(), "16") {
		t.Errorf("validate of length 8 did not fail with the provider's own message:\n%s", r)
	}
}
