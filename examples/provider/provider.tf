terraform {
  required_providers {
    sms = {
      source = "sms-gateway/sms"
    }
  }
}

# The key and endpoint usually come from the environment:
#   SMS_API_KEY   a key that holds the api_keys scope (SEVEN_API_KEY works too)
#   SMS_ENDPOINT  the gateway's API, such as the local sandbox's
#                 http://127.0.0.1:8787/api
provider "sms" {
  max_retries     = 5
  request_timeout = "30s"
}
