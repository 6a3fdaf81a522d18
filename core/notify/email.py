"""E-mail over SMTP, configured by ``HUIWU_SMTP_*``; sent only from the outbox."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

TARGET = "notify.email"
TIMEOUT_SECONDS = 10


def configured(settings) -> bool:
    return bool(settings.smtp_host)


def build(settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send(settings, to: str, subject: str, body: str) -> None:
    """Hand one message to the SMTP server; any refusal raises (and the outbox retries)."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(build(settings, to, subject, body))


def deliver(session, payload: dict) -> None:
    """Outbox target ``notify.email``: ``{"to", "subject", "body"}``."""
    send(session.info["kernel"].settings, payload["to"], payload["subject"], payload["body"])
