terraform {
  required_providers {
    sms = {
      source = "sms-gateway/sms"
    }
  }
}

variable "service" {
  type        = string
  description = "The service the key is for; it becomes the key's label."
}

variable "permissions" {
  type        = set(string)
  description = "The scopes the service needs."
}

resource "sms_api_key" "this" {
  label        = "${var.service}-service"
  permissions  = var.permissions
  valid_for    = "2160h"
  retire_after = "24h" # a replaced key works a day longer, for running services

  lifecycle {
    create_before_destroy = true
  }
}

output "id" {
  value = sms_api_key.this.id
}

output "key_hint" {
  value = sms_api_key.this.key_hint
}

output "key" {
  value     = sms_api_key.this.key
  sensitive = true
}
