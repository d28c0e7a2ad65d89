variable "service" {
  type = string
}

variable "api_key" {
  type      = string
  sensitive = true
}

# Stands in for whatever deploys the service: a secret store, a container
# definition, a Kubernetes secret.
resource "terraform_data" "settings" {
  input = {
    service = var.service
    api_key = var.api_key
  }
}

output "settings" {
  value     = terraform_data.settings.output
  sensitive = true
}
