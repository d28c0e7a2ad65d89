# Import an existing key by its id. The apply that imports it also reads its
# key and secret from the gateway, where the gateway lets the provider's key,
# and keeps them as the resource says (encrypted with encryption_recipient).
import {
  to = sms_api_key.checkout
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}
