# A key that has leaked. Revoke it now with
# `terraform apply -invoke=action.sms_revoke_api_key.leaked`.
action "sms_revoke_api_key" "leaked" {
  config {
    id = "ak_0123456789abcdefghij"
  }
}
