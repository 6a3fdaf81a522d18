"""``notify``: tell people something, in their inbox and by e-mail, after commit.

Nothing is sent from here: each channel writes outbox messages in the
caller's transaction, so a rolled-back action notifies nobody and a down
mail server delays the e-mail instead of losing it.
"""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from core.events.outbox import enqueue
from core.notify import email, inbox
from core.security.models import User

CHANNELS = ("inbox", "email")


def notify(session, user_ids, title, body="", link: str | None = None,
           channels=CHANNELS) -> None:
    """Notify users ``user_ids`` through ``channels`` (``"inbox"``, ``"email"``).

    ``title`` and ``body`` are fixed now, in the language of the request
    (lazy strings are rendered). ``link`` is a path in the application
    (``/admin/...``) or a full URL. E-mail goes to users with an address,
    and only when SMTP is configured.
    """
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channels {sorted(unknown)}")
    user_ids = sorted({int(u) for u in user_ids if u is not None})
    if not user_ids:
        return
    title, body = str(title), str(body or "")
    if "inbox" in channels:
        enqueue(session, inbox.TARGET, {"user_ids": user_ids, "title": title, "body": body, "link": link})
    if "email" in channels and email.configured(session.info["kernel"].settings):
        for address in _addresses(session, user_ids):
            notify_email(session, address, title, body, link)


def notify_email(session, to: str, subject, body="", link: str | None = None) -> None:
    """E-mail one address (a user's, or a client contact's) after commit."""
    text = str(body or "")
    if link:
        text = f"{text}\n\n{absolute(link)}".strip()
    enqueue(session, email.TARGET, {"to": to, "subject": str(subject), "body": text})


def absolute(link: str) -> str:
    """A path made into a full URL with the address of the current request, when there is one."""
    if link.startswith("/") and has_request_context():
        return request.url_root.rstrip("/") + link
    return link


def _addresses(session, user_ids: list[int]) -> list[str]:
    return list(session.execute(
        select(User.email)
        .where(User.id.in_(user_ids), User.active.is_(True), User.email.is_not(None), User.email != "")
        .order_by(User.id).execution_options(huiwu_system=True)
    ).scalars())
