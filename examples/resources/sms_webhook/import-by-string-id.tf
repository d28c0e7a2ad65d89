import {
  to = sms_webhook.delivery_reports
  id = "2045"
}
