variable "receiver_token" {
  type      = string
  sensitive = true
}

# Delivery reports of every SMS the account sends, as JSON, with the
# receiver's own credentials in a header.
resource "sms_webhook" "delivery_reports" {
  target_url     = "https://checkout.example.com/sms/events"
  event_type     = "dlr"
  request_method = "JSON"
  headers        = "Authorization: Bearer ${var.receiver_token}"
}

# Replies to one of the account's numbers, form-encoded (the default).
resource "sms_webhook" "replies" {
  target_url   = "https://support.example.com/sms/inbound"
  event_type   = "sms_mo"
  event_filter = "+4930123456"
}
