# Import an existing key by its id. Its key and secret cannot be recovered:
# they stay null until the key is replaced.
import {
  to = sms_api_key.checkout
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}
