# An API key is imported by its id. The gateway shows the key and its
# secret only when they are created, so both stay null after an import;
# `terraform apply -replace=sms_api_key.checkout` issues a new key.
terraform import sms_api_key.checkout ak_4f9Qx2LmZ7pTn3RkV8sW
