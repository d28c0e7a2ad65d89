terraform {
  required_providers {
    sms = {
      source  = "sms-gateway/sms"
      version = "~> 0.1"
    }
  }
}

# The key and endpoint come from the environment:
#   SMS_API_KEY   a key that holds the api_keys scope (SEVEN_API_KEY works too)
#   SMS_ENDPOINT  a gateway that serves the key-management API, such as the
#                 local sandbox that `terraform-provider-sms sandbox` starts
provider "sms" {}

# A key for the checkout service, replaced without downtime: the new key
# exists before the old one goes, and the old one works for a day more.
resource "sms_api_key" "checkout" {
  label        = "checkout-service"
  permissions  = ["sms", "balance"]
  retire_after = "24h"

  lifecycle {
    create_before_destroy = true
  }
}
