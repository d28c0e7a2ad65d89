# An API key is imported by its id. The import cannot see the configuration,
# so the key and its secret are fetched at the next apply, which keeps them
# as the resource says (only encrypted with encryption_recipient).
terraform import sms_api_key.checkout ak_4f9Qx2LmZ7pTn3RkV8sW
