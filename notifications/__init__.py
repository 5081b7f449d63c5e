"""Notifications: outbox rows resolved into deliveries, rendered from Thai/English templates and
sent by e-mail, SMS, LINE and signed agency webhooks, once each."""
