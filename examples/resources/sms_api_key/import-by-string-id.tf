# Import an existing key by its id. The apply that imports it also fetches
# its key and secret, where the gateway shows them again, and keeps them as
# the resource says (only encrypted with encryption_recipient).
import {
  to = sms_api_key.checkout
  id = "ak_4f9Qx2LmZ7pTn3RkV8sW"
}
