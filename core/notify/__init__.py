"""Inbox, e-mail and webhooks, all delivered through the outbox."""
