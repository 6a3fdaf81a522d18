"""Outgoing webhooks against a real local HTTP server: formats, signatures, retries, admin."""
import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from core.events import outbox
from core.events.outbox import DEAD, PENDING, OutboxMessage
from core.notify.models import Webhook
from core.notify.webhooks import subscribes
from core.testing import csrf_from


class Receiver:
    """What the local server was sent, and what it answers."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}

    def by_path(self, path):
        return [r for r in self.requests if urlsplit(r["path"]).path == path]


@pytest.fixture
def receiver():
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = json.dumps(received.answer).encode()
            self.send_response(received.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_port}"
    yield received
    server.shutdown()
    server.server_close()
    thread.join()


def add_webhooks(kernel, *hooks):
    with kernel.system_session() as session:
        session.add_all(Webhook(**hook) for hook in hooks)
        session.commit()


@pytest.fixture
def writer(plugin_enabled, make_user, client_as):
    plugin_enabled("example")
    return client_as(make_user("writer", roles=["note_taker"]))


def test_subscribed_webhooks_hear_events_in_their_formats(kernel, receiver, writer):
    add_webhooks(
        kernel,
        {"name": "ERP", "url": f"{receiver.url}/json", "format": "json",
         "events": "example.note_created", "secret": "s3cret"},
        {"name": "项目群", "url": f"{receiver.url}/ding?access_token=abc", "format": "dingtalk",
         "events": "example.*", "secret": "SECding"},
        {"name": "企业微信", "url": f"{receiver.url}/wecom?key=k1", "format": "wecom", "events": "*"},
        {"name": "Finance only", "url": f"{receiver.url}/other", "format": "json",
         "events": "finance.invoice_paid"},
        {"name": "Switched off", "url": f"{receiver.url}/off", "format": "json", "events": "*",
         "active": False},
    )

    assert writer.post("/api/v1/example/notes", json={"title": "场地踏勘"}).status_code == 201

    [plain] = receiver.by_path("/json")
    body = json.loads(plain["body"])
    assert body["event"] == "example.note_created"
    assert body["payload"]["title"] == "场地踏勘"
    assert body["at"]
    expected = hmac.new(b"s3cret", plain["body"], hashlib.sha256).hexdigest()
    assert plain["headers"]["X-Huiwu-Signature"] == f"sha256={expected}"
    assert plain["headers"]["X-Huiwu-Event"] == "example.note_created"

    [ding] = receiver.by_path("/ding")
    query = parse_qs(urlsplit(ding["path"]).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    digest = hmac.new(b"SECding", f"{timestamp}\nSECding".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]
    ding_body = json.loads(ding["body"])
    assert ding_body["msgtype"] == "text"
    assert "example.note_created" in ding_body["text"]["content"]
    assert "场地踏勘" in ding_body["text"]["content"]

    [wecom] = receiver.by_path("/wecom")
    assert json.loads(wecom["body"])["msgtype"] == "text"
    assert "场地踏勘" in json.loads(wecom["body"])["text"]["content"]

    assert receiver.by_path("/other") == receiver.by_path("/off") == []


def test_a_vetoed_action_reaches_no_webhook(kernel, receiver, writer):
    add_webhooks(kernel, {"name": "ERP", "url": f"{receiver.url}/json", "format": "json", "events": "*"})

    assert writer.post("/api/v1/example/notes", json={"title": "password"}).status_code == 422

    assert receiver.requests == []


@pytest.mark.parametrize("status, answer, error", [
    (500, {}, "500 Server Error"),
    (200, {"errcode": 310000, "errmsg": "sign not match"}, "robot refused the message: 310000"),
])
def test_refusals_are_retried_then_dead_lettered(kernel, receiver, writer, status, answer, error):
    add_webhooks(kernel, {"name": "Robot", "url": f"{receiver.url}/ding", "format": "dingtalk",
                         "events": "*"})
    receiver.status, receiver.answer = status, answer

    writer.post("/api/v1/example/notes", json={"title": "Menu tasting"})

    def webhook_message():
        with kernel.system_session() as session:
            return session.execute(select(OutboxMessage).where(OutboxMessage.target == "notify.webhook")
                                   ).scalar_one()

    message = webhook_message()
    assert message.status == PENDING and error in message.last_error
    while message.status == PENDING:
        outbox.deliver(kernel, message.id, now=message.next_attempt_at)
        message = webhook_message()
    assert message.status == DEAD
    assert len(receiver.requests) == outbox.MAX_ATTEMPTS


def test_administrator_adds_a_webhook_and_sends_a_test(kernel, receiver, admin_client):
    form = admin_client.get("/admin/webhooks/new/").get_data(as_text=True)
    assert "example.note_created" in form  # known events are listed as help
    token = csrf_from(form)

    bad = admin_client.post("/admin/webhooks/new/", data={
        "name": "Bad", "url": "ftp://files.example", "format": "json", "events": "project.confirmed",
        "csrf_token": token}, follow_redirects=True)
    assert "Enter a full http:// or https:// address." in bad.get_data(as_text=True)

    admin_client.post("/admin/webhooks/new/", data={
        "name": "ERP", "url": f" {receiver.url}/json ", "format": "json", "active": "y",
        "events": "project.confirmed  project.completed", "new_secret": "k3y", "csrf_token": token})

    with kernel.system_session() as session:
        [hook] = session.execute(select(Webhook)).scalars().all()
        assert (hook.name, hook.url, hook.events, hook.secret) == (
            "ERP", f"{receiver.url}/json", "project.confirmed project.completed", "k3y")

    admin_client.post("/admin/webhooks/action/", data={
        "action": "send_test", "rowid": hook.id, "csrf_token": token})

    [sent] = receiver.requests
    assert json.loads(sent["body"])["event"] == "core.webhook_tested"
    assert sent["headers"]["X-Huiwu-Signature"].startswith("sha256=")


def test_webhook_pages_need_their_permissions(make_user, client_as):
    assert client_as(make_user("clerk", permissions=["core.user.read"])).get("/admin/webhooks/").status_code == 403
    reader = client_as(make_user("reader", permissions=["core.webhook.read"]))
    assert reader.get("/admin/webhooks/").status_code == 200
    assert reader.get("/admin/webhooks/new/").status_code in (302, 403)


@pytest.mark.parametrize("events, event, heard", [
    ("project.confirmed", "project.confirmed", True),
    ("project.confirmed", "project.completed", False),
    ("project.*", "project.completed", True),
    ("project.*", "projects.completed", False),
    ("crm.customer_added  *", "finance.invoice_paid", True),
    ("", "project.confirmed", False),
])
def test_subscription_patterns(events, event, heard):
    assert subscribes(events, event) is heard


def test_editing_a_webhook_keeps_its_secret_unless_a_new_one_is_given(kernel, admin_client):
    add_webhooks(kernel, {"name": "ERP", "url": "https://erp.example/hook", "format": "json",
                          "events": "*", "secret": "old-key"})
    with kernel.system_session() as session:
        hook_id = session.execute(select(Webhook.id)).scalar_one()
    form = admin_client.get(f"/admin/webhooks/edit/?id={hook_id}").get_data(as_text=True)
    assert "old-key" not in form

    admin_client.post(f"/admin/webhooks/edit/?id={hook_id}", data={
        "name": "ERP", "url": "https://erp.example/hook2", "format": "json", "events": "*",
        "active": "y", "new_secret": "", "version_seen": "1", "csrf_token": csrf_from(form)})

    with kernel.system_session() as session:
        hook = session.get(Webhook, hook_id)
        assert (hook.url, hook.secret) == ("https://erp.example/hook2", "old-key")
