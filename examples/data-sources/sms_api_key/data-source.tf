data "sms_api_key" "checkout" {
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}

output "checkout_permissions" {
  value = data.sms_api_key.checkout.permissions
}

# The key and secret too, where the gateway shows them again: they land in
# state, as every data source's results do.
data "sms_api_key" "reporting" {
  id                  = "ak_9Zr2Wq7TnKx4LmP3VsYd"
  include_credentials = true
}

output "reporting_key" {
  value     = data.sms_api_key.reporting.key
  sensitive = true
}
