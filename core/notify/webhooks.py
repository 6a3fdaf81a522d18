"""Outgoing webhooks: events forwarded to outside addresses through the outbox.

The kernel observes every emitted event (``EventBus.add_observer``); for
each active webhook subscribed to it, one outbox message is written in the
emitter's transaction, so a vetoed or rolled-back action tells nobody and a
down receiver is retried. Three formats:

* ``json``: ``{"event", "payload", "at"}``, signed with the webhook's secret
  in ``X-Huiwu-Signature: sha256=<hex HMAC of the body>``;
* ``dingtalk`` and ``wecom``: the group robots' text message
  ``{"msgtype": "text", "text": {"content": ...}}``; DingTalk's optional
  signing secret adds ``timestamp`` and ``sign`` to the URL.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from urllib.parse import quote_plus, urlsplit

import requests
from flask_babel import gettext as _
from sqlalchemy import select

from core.db.session import keep_for_transaction, kept_for_transaction
from core.db.types import utcnow
from core.errors import ValidationFailed
from core.events.outbox import Skipped, enqueue
from core.notify.models import WEBHOOK_FORMATS, Webhook

TARGET = "notify.webhook"
TIMEOUT_SECONDS = 10
TEST_EVENT = "core.webhook_tested"
CACHE_KEY = "huiwu.webhooks"
PATTERN_RE = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$")


# -- which webhooks hear which event ------------------------------------------------

def subscribes(events: str, event: str) -> bool:
    """``events`` is the webhook's space-separated list: names, ``module.*`` or ``*``."""
    for pattern in (events or "").split():
        if pattern == event or pattern == "*" or (
                pattern.endswith(".*") and event.startswith(pattern[:-1])):
            return True
    return False


def _active_webhooks(session) -> list[tuple[int, str]]:
    """(id, events) of active webhooks, read once per transaction."""
    found = kept_for_transaction(session, CACHE_KEY)
    if found is None:
        rows = session.execute(
            select(Webhook.id, Webhook.events).where(Webhook.active.is_(True))
            .order_by(Webhook.id).execution_options(huiwu_system=True)
        ).all()
        found = [tuple(r) for r in rows]
        keep_for_transaction(session, CACHE_KEY, found)
    return found


def forward(session, event: str, payload: dict) -> None:
    """Bus observer: one outbox message per active webhook subscribed to ``event``."""
    for webhook_id, events in _active_webhooks(session):
        if subscribes(events, event):
            enqueue(session, TARGET, envelope(webhook_id, event, payload))


def envelope(webhook_id: int, event: str, payload: dict) -> dict:
    return {"webhook_id": webhook_id, "event": event, "payload": payload,
            "at": utcnow().isoformat(), "delivery": uuid.uuid4().hex}


def send_test(session, webhook_ids) -> int:
    """Queue a test message to each webhook, whatever it subscribes to."""
    sent = 0
    for webhook_id in webhook_ids:
        hook = session.get(Webhook, int(webhook_id))
        if hook is not None:
            enqueue(session, TARGET, envelope(hook.id, TEST_EVENT, {"webhook": hook.name}))
            sent += 1
    return sent


# -- what is sent ------------------------------------------------------------------

def robot_text(event: str, payload: dict, at: str) -> str:
    lines = [f"[Huiwu] {event}"]
    lines += [f"{key}: {value}" for key, value in payload.items()]
    lines.append(at)
    return "\n".join(lines)


def request_for(hook: Webhook, message: dict) -> tuple[str, bytes, dict]:
    """(url, body, headers) for one delivery of ``message`` to ``hook``."""
    event, payload, at = message["event"], message["payload"], message["at"]
    headers = {"Content-Type": "application/json; charset=utf-8"}
    url = hook.url
    if hook.format == "json":
        body = json.dumps({"event": event, "payload": payload, "at": at}, ensure_ascii=False).encode()
        headers["X-Huiwu-Event"] = event
        headers["X-Huiwu-Delivery"] = message.get("delivery", "")
        if hook.secret:
            headers["X-Huiwu-Signature"] = "sha256=" + json_signature(hook.secret, body)
        return url, body, headers
    body = json.dumps({"msgtype": "text", "text": {"content": robot_text(event, payload, at)}},
                      ensure_ascii=False).encode()
    if hook.format == "dingtalk" and hook.secret:
        url = dingtalk_signed_url(url, hook.secret)
    return url, body, headers


def json_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's signing: ``sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))``."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


def deliver(session, message: dict) -> None:
    """Outbox target ``notify.webhook``; a refusal by the receiver raises, so it is retried."""
    hook = session.get(Webhook, message["webhook_id"])
    if hook is None or (not hook.active and message["event"] != TEST_EVENT):
        raise Skipped("the webhook was removed or switched off")
    url, body, headers = request_for(hook, message)
    response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()
    if hook.format in ("dingtalk", "wecom"):
        answer = _json_or_none(response)
        if answer and answer.get("errcode", 0) != 0:
            raise RuntimeError(f"robot refused the message: {answer.get('errcode')} {answer.get('errmsg')}")


def _json_or_none(response) -> dict | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


# -- checking what an administrator entered -------------------------------------------

def validate(hook: Webhook) -> None:
    errors = {}
    if not (hook.name or "").strip():
        errors["name"] = [_("A name is required.")]
    parts = urlsplit((hook.url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors["url"] = [_("Enter a full http:// or https:// address.")]
    if hook.format not in WEBHOOK_FORMATS:
        errors["format"] = [_("Choose one of the formats offered.")]
    patterns = (hook.events or "").split()
    bad = [p for p in patterns if not PATTERN_RE.match(p)]
    if not patterns or bad:
        errors["events"] = [_("List event names separated by spaces, e.g. project.confirmed "
                              "or project.* (not valid: %(bad)s).", bad=" ".join(bad) or "-")]
    if errors:
        field, reasons = next(iter(errors.items()))
        raise ValidationFailed(reasons[0], field=field, errors=errors)
