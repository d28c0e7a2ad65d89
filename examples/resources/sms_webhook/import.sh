# A webhook is imported by its id, a whole number (the sms_webhooks data
# source lists them). Its headers come back from the gateway with it.
terraform import sms_webhook.delivery_reports 2045
