"""Inbox, e-mail and webhooks, all delivered through the outbox.

``notify(session, user_ids, title, body, link=None, channels=("inbox", "email"))``
is what plugins call; webhooks need no call at all: every emitted event a
webhook subscribes to is forwarded.
"""
from core.notify.sending import notify, notify_email  # noqa: F401
