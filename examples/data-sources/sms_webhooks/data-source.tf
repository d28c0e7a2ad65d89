# Every webhook that receives delivery reports.
data "sms_webhooks" "delivery_reports" {
  event_type = "dlr"
}

# Every webhook of the account; headers show by name only.
data "sms_webhooks" "all" {}

output "report_targets" {
  value = [for h in data.sms_webhooks.delivery_reports.webhooks : "${h.id}: ${h.target_url} (${h.request_method})"]
}

output "webhooks_with_credentials" {
  value = [for h in data.sms_webhooks.all.webhooks : h.id if contains(h.header_names, "Authorization")]
}
