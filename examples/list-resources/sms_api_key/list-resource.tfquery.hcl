# The live keys whose label starts with "checkout-". Run
# `terraform query -generate-config-out=generated.tf` to write a resource
# and an import block for each.
list "sms_api_key" "checkout" {
  provider         = sms
  include_resource = true

  config {
    environment = "live"
    label_regex = "^checkout-"
  }
}
