"""Delivery channels: e-mail (SMTP), signed webhook, Slack incoming webhook. In-app messages are
rows in notify's own database, written in the same transaction that marks the nudge sent."""
