variable "service" {
  type = string
}

variable "api_key" {
  type      = string
  sensitive = true
}

locals {
  # What the service is given to send SMS with.
  settings = {
    service = var.service
    api_key = var.api_key
  }
}

# Stands in for whatever deploys the service (a secret store, a container
# definition) and records which key it was given: a fingerprint, never the
# key, because terraform_data shows its output in plain text.
resource "terraform_data" "deployment" {
  input = {
    service         = var.service
    key_fingerprint = sha256(var.api_key)
  }
}

output "settings" {
  value     = local.settings
  sensitive = true
}

output "key_fingerprint" {
  value = nonsensitive(terraform_data.deployment.output.key_fingerprint)
}
