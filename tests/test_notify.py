"""Notifications: the inbox (each user sees only their own) and e-mail over a real SMTP server."""
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.types import utcnow
from core.events import outbox
from core.events.outbox import DELIVERED, PENDING, OutboxMessage
from core.notify import notify
from core.notify.models import InboxMessage
from core.security.principal import act_as, load_principal
from core.testing import csrf_from


def inbox_of(kernel, user_id):
    with kernel.system_session() as session:
        return list(session.execute(
            select(InboxMessage).where(InboxMessage.user_id == user_id).order_by(InboxMessage.id)).scalars())


def send(kernel, user_ids, title, body="", **kwargs):
    with kernel.system_session() as session:
        notify(session, user_ids, title, body, **kwargs)
        session.commit()


# -- inbox --------------------------------------------------------------------------

def test_nothing_is_notified_before_commit_or_after_rollback(kernel, make_user):
    li = make_user("li")
    with kernel.system_session() as session:
        notify(session, [li.id], "Booking confirmed", channels=("inbox",))
        assert inbox_of(kernel, li.id) == []  # written only as an outbox message so far
        session.rollback()
    assert inbox_of(kernel, li.id) == []

    send(kernel, [li.id], "Booking confirmed", "Hall A, 3 May", link="/admin/", channels=("inbox",))

    [message] = inbox_of(kernel, li.id)
    assert (message.title, message.body, message.link, message.read_at) == (
        "Booking confirmed", "Hall A, 3 May", "/admin/", None)


def test_each_user_sees_only_their_own_messages(kernel, make_user, client_as, admin_client):
    li, wang = make_user("li"), make_user("wang")
    send(kernel, [li.id], "For Li only", channels=("inbox",))
    send(kernel, [wang.id], "For Wang only", channels=("inbox",))
    theirs = inbox_of(kernel, wang.id)[0].id

    with kernel.system_session() as session:  # the kernel's record rule, in any query
        act_as(session, load_principal(session, li.id))
        assert [m.title for m in session.execute(select(InboxMessage)).scalars()] == ["For Li only"]
        assert session.get(InboxMessage, theirs) is None

    page = client_as(li).get("/admin/inbox/").get_data(as_text=True)
    assert "For Li only" in page and "For Wang only" not in page
    assert client_as(li).get(f"/admin/inbox/details/?id={theirs}").status_code == 302
    assert "For Wang only" not in admin_client.get("/admin/inbox/").get_data(as_text=True)


def test_unread_badge_opening_and_marking_all_read(kernel, make_user, client_as):
    li = make_user("li")
    send(kernel, [li.id], "Task assigned", link="/admin/?task=7", channels=("inbox",))
    send(kernel, [li.id], "Budget warning", channels=("inbox",))
    client = client_as(li)

    page = client.get("/admin/").get_data(as_text=True)
    badge = page.split('id="inbox-badge"')[1].split("</a>")[0]
    assert ">2<" in badge

    first = inbox_of(kernel, li.id)[0]
    opened = client.get(f"/admin/inbox/open/{first.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/admin/?task=7"
    assert inbox_of(kernel, li.id)[0].read_at is not None

    page = client.get("/admin/inbox/").get_data(as_text=True)
    client.post("/admin/inbox/read-all/", data={"csrf_token": csrf_from(page)})
    assert all(m.read_at for m in inbox_of(kernel, li.id))
    assert "badge-danger" not in client.get("/admin/").get_data(as_text=True).split('id="inbox-badge"')[1]


def test_inbox_page_is_translated(make_user, client_as):
    li = make_user("li", locale="zh_Hans")
    page = client_as(li, locale="zh_Hans").get("/admin/inbox/").get_data(as_text=True)
    assert "我的消息" in page and "全部标为已读" in page


# -- e-mail ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(kernel, monkeypatch):
    """A real SMTP server on a free local port, and the kernel pointed at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(kernel.settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(kernel.settings, "smtp_port", port)
    monkeypatch.setattr(kernel.settings, "smtp_sender", "huiwu@agency.example")
    yield mailbox
    controller.stop()


def test_email_goes_to_users_with_an_address_after_commit(kernel, make_user, smtp):
    li, wang = make_user("li"), make_user("wang")
    with kernel.system_session() as session:
        for user, address in ((li, "li@agency.example"), (wang, "")):
            session.get(type(li), user.id).email = address
        session.commit()

    send(kernel, [li.id, wang.id], "会议变更已批准", "场地改为B厅。", link="https://huiwu.example/admin/")

    [(recipients, mail)] = smtp.messages
    assert recipients == ["li@agency.example"]
    assert mail["Subject"] == "会议变更已批准"
    assert mail["From"] == "huiwu@agency.example"
    assert mail.get_content().split() == ["场地改为B厅。", "https://huiwu.example/admin/"]
    assert len(inbox_of(kernel, li.id)) == len(inbox_of(kernel, wang.id)) == 1


def test_email_to_a_down_server_is_kept_and_sent_when_it_is_back(kernel, make_user, monkeypatch):
    from aiosmtpd.controller import Controller

    li = make_user("li")
    with kernel.system_session() as session:
        session.get(type(li), li.id).email = "li@agency.example"
        session.commit()
    port = free_port()  # nothing listens here yet
    monkeypatch.setattr(kernel.settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(kernel.settings, "smtp_port", port)

    send(kernel, [li.id], "Invoice paid", channels=("email",))
    with kernel.system_session() as session:
        message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == PENDING and "refused" in message.last_error.lower()

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        outbox.deliver_due(kernel, now=utcnow() + timedelta(minutes=1))
    finally:
        controller.stop()
    assert [m["Subject"] for _, m in mailbox.messages] == ["Invoice paid"]
    with kernel.system_session() as session:
        assert session.get(OutboxMessage, message.id).status == DELIVERED


def test_no_email_is_queued_when_smtp_is_not_configured(kernel, make_user):
    li = make_user("li")
    send(kernel, [li.id], "Hello")
    with kernel.system_session() as session:
        assert list(session.execute(select(OutboxMessage.target)).scalars()) == ["notify.inbox"]


def test_unknown_channel_is_a_programming_error(kernel):
    with kernel.system_session() as session, pytest.raises(ValueError, match="sms"):
        notify(session, [1], "Hello", channels=("sms",))
