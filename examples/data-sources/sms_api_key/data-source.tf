data "sms_api_key" "checkout" {
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}

output "checkout_permissions" {
  value = data.sms_api_key.checkout.permissions
}
