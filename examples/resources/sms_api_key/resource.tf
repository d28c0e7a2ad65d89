# A key for a service that sends SMS and checks its balance.
resource "sms_api_key" "checkout" {
  label       = "checkout-service"
  permissions = ["sms", "balance", "status"]
}

# A key for CI smoke tests: sandbox messages are accepted, never delivered.
# It works for 90 days and is replaced a week before it expires. With
# create_before_destroy the new key exists before the old one goes, and
# with retire_after the old one keeps working for a day after the rotation,
# until every job has picked up the new one.
resource "sms_api_key" "ci" {
  label         = "ci-smoke-tests"
  environment   = "sandbox"
  permissions   = ["sms"]
  valid_for     = "2160h"
  rotate_before = "168h"
  retire_after  = "24h"

  lifecycle {
    create_before_destroy = true
  }
}

# Rotate on demand: bump the release and apply.
resource "sms_api_key" "reports" {
  label       = "monthly-reports"
  permissions = ["analytics", "journal"]

  rotation_triggers = {
    release = "2026-11"
  }
}

output "checkout_key_hint" {
  value = sms_api_key.checkout.key_hint
}

output "checkout_key" {
  value     = sms_api_key.checkout.key
  sensitive = true
}
