"""An uploaded .eml file becomes an e-mail record on the customer's timeline.

The customer is the one given, or the one whose contact sent or received the
mail (matched by the e-mail blind index). Attachments of the mail are stored
through the kernel's attachment service; their names are kept on the record
either way. The same message (by Message-ID) is not recorded twice.
"""
from __future__ import annotations

import html
import io
import re
from datetime import UTC
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

from flask_babel import gettext as _
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import Conflict, ValidationFailed
from plugins.crm.models import Communication
from plugins.crm.operations.attachments import StorageUnavailable, attach_file
from plugins.crm.operations.communications import log_communication
from plugins.crm.operations.customers import contacts_by_email

_TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def html_to_text(markup: str) -> str:
    text = re.sub(r"<br\s*/?>|</p>", "\n", markup, flags=re.IGNORECASE)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(_TAGS.sub("", text))).strip()


def _body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return html_to_text(content) if part.get_content_type() == "text/html" else content.strip()


def _addresses(message, *headers) -> list[str]:
    values = [str(v) for h in headers for v in message.get_all(h, [])]
    return [addr.lower() for _name, addr in getaddresses(values) if addr]


def _match(session, senders, recipients):
    """(contact, direction) of the first contact found among senders, then recipients."""
    for addresses, direction in ((senders, "in"), (recipients, "out")):
        for address in addresses:
            found = contacts_by_email(session, address)
            if found:
                return found[0], direction
    return None, None


def _sent_at(message):
    header = message["date"]
    moment = getattr(header, "datetime", None) if header is not None else None
    if moment is None:
        return utcnow()
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def import_eml(session, data: bytes, customer_id: int | None = None) -> Communication:
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not message.keys():
        raise ValidationFailed(_("This file is not an e-mail message (.eml)."), field="file")
    contact, direction = _match(session, _addresses(message, "from"), _addresses(message, "to", "cc"))
    if customer_id is None and contact is None:
        raise ValidationFailed(_("No contact has an address of this e-mail; choose the customer."),
                               field="customer_id")
    customer_id = customer_id or contact.customer_id
    message_id = (message["message-id"] or "").strip()[:300] or None
    if message_id and session.scalar(select(Communication.id).where(
            Communication.message_id == message_id, Communication.customer_id == customer_id)):
        raise Conflict(_("This e-mail is already on the customer's timeline."), field="file")
    record = log_communication(
        session, customer_id, "email", str(message["subject"] or _("(no subject)")), _body(message),
        contact_id=contact.id if contact and contact.customer_id == customer_id else None,
        occurred_at=_sent_at(message), direction=direction)
    record.message_id = message_id
    _keep_attachments(session, record, message)
    return record


def _keep_attachments(session, record: Communication, message) -> None:
    names = []
    for part in message.iter_attachments():
        name = part.get_filename() or _("attachment")
        names.append(name)
        try:
            attach_file(session, record, name, io.BytesIO(part.get_payload(decode=True) or b""),
                        part.get_content_type())
        except StorageUnavailable:
            pass  # the name stays on the record; the file can be added once storage exists
    record.attachment_names = "\n".join(names) or None
