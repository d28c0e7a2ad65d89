# Import an existing key by its resource identity, the key's id (Terraform
# 1.12 and OpenTofu 1.12 or later).
import {
  to = sms_api_key.reports
  identity = {
    id = "ak_9Zr2Wq7TnKx4LmP3VsYd"
  }
}
