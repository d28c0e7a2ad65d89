# The key and secret of an existing key, fetched in each run and never
# written to plan or state: here, to configure a second provider with a
# narrow key made in the web app.
ephemeral "sms_api_key_credentials" "reporting" {
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}

provider "sms" {
  alias   = "reporting"
  api_key = ephemeral.sms_api_key_credentials.reporting.key
}

data "sms_api_keys" "seen_by_reporting" {
  provider = sms.reporting
}
