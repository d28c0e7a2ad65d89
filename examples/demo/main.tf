# A service key made in one module and handed to another, the way a team
# feeds keys to the modules that deploy its services. `make demo` applies it
# against the local sandbox.

terraform {
  required_providers {
    sms = {
      source = "sms-gateway/sms"
    }
  }
}

# Endpoint and key come from SMS_ENDPOINT and SMS_API_KEY.
provider "sms" {}

module "checkout_key" {
  source = "./modules/service-key"

  service     = "checkout"
  permissions = ["sms", "balance", "status"]
}

module "checkout_notifier" {
  source = "./modules/notifier"

  service = "checkout"
  api_key = module.checkout_key.key
}

data "sms_api_keys" "all" {
  depends_on = [module.checkout_key]
}

output "checkout_key_id" {
  value = module.checkout_key.id
}

output "checkout_key_hint" {
  value = module.checkout_key.key_hint
}

output "checkout_key" {
  value     = module.checkout_key.key
  sensitive = true
}

output "notifier_settings" {
  value     = module.checkout_notifier.settings
  sensitive = true
}

output "deployed_key_fingerprint" {
  value = module.checkout_notifier.key_fingerprint
}

output "account_key_labels" {
  value = [for k in data.sms_api_keys.all.api_keys : k.label]
}
