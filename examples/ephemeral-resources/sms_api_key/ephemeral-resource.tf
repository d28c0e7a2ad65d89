# A key that lives for one run: created when Terraform opens it, deleted when
# Terraform closes it, never written to plan or state.
ephemeral "sms_api_key" "smoke_test" {
  label       = "ci-smoke-test"
  environment = "sandbox"
  permissions = ["sms", "api_keys"]
  valid_for   = "15m" # a crashed run leaves nothing that outlives this
}

# Configure a second provider with the short-lived, scoped key.
provider "sms" {
  alias   = "smoke_test"
  api_key = ephemeral.sms_api_key.smoke_test.key
}

data "sms_api_keys" "seen_by_smoke_test" {
  provider    = sms.smoke_test
  environment = "sandbox"
}
