# Every live key that can send SMS.
data "sms_api_keys" "senders" {
  environment = "live"
  permission  = "sms"
}

# Expired keys of CI jobs, whose labels start with "ci-".
data "sms_api_keys" "stale" {
  label_regex = "^ci-"
  expired     = true
}

output "sender_ids" {
  value = data.sms_api_keys.senders.ids
}

output "stale_keys" {
  value = [for k in data.sms_api_keys.stale.api_keys : "${k.label} (${k.id}, last used ${coalesce(k.last_used_at, "never")})"]
}

# Keys that still work but will expire, such as the ones retired by a
# rotation with retire_after.
data "sms_api_keys" "working" {
  expired = false
}

output "expiring_keys" {
  value = [for k in data.sms_api_keys.working.api_keys : "${k.label} (${k.id}) until ${k.expires_at}" if k.expires_at != null]
}
