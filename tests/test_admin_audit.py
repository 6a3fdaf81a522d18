"""The audit log, each record's history page, and the security log."""
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from huiwu_example.models import Note
from sqlalchemy import select, update

from core.audit.models import AuditLog
from core.security.principal import act_as, load_principal
from core.testing import csrf_from

AUDIT = "/admin/core_audit"
SECURITY = "/admin/core_security_log"


@pytest.fixture
def noted(kernel, plugin_enabled, make_user):
    """Alice writes a note and later changes it; Bob has a note of his own."""
    plugin_enabled("example")
    alice = make_user("alice", roles=["note_taker"])
    bob = make_user("bob", roles=["note_taker"])
    with kernel.system_session() as s:
        act_as(s, load_principal(s, alice.id))
        note = Note(title="嘉宾名单", body="初稿")
        s.add(note)
        s.commit()
        note.title, note.body = "嘉宾名单（定稿）", "终稿"
        s.commit()
        act_as(s, load_principal(s, bob.id))
        secret = Note(title="bob's secret")
        s.add(secret)
        s.commit()
        return {"alice": alice, "bob": bob, "note": note.id, "secret": secret.id}


def entries(page: str) -> list[str]:
    return page.split('class="card mb-3 huiwu-history-entry"')[1:]


def test_history_shows_each_change_field_by_field(client_as, noted):
    client = client_as(noted["alice"])
    details = client.get(f"/admin/example_notes/details/?id={noted['note']}").get_data(as_text=True)
    assert f'href="/admin/example_notes/history/?id={noted["note"]}"' in details
    page = client.get(f"/admin/example_notes/history/?id={noted['note']}").get_data(as_text=True)
    changed, created = entries(page)  # newest first
    assert "Changed" in changed and "alice" in changed
    title_row = changed.split('data-field="title"')[1].split("</tr>")[0]
    assert "Title" in title_row  # the view's label for the column
    assert "嘉宾名单" in title_row.split("huiwu-before")[1] and "嘉宾名单（定稿）" in title_row.split("huiwu-after")[1]
    assert "Created" in created and "初稿" in created


def test_history_of_a_row_the_user_cannot_see_is_404(client_as, noted):
    response = client_as(noted["alice"]).get(f"/admin/example_notes/history/?id={noted['secret']}")
    assert response.status_code == 404


def test_history_needs_the_view_s_read_permission(client_as, make_user, noted):
    stranger = make_user("stranger")
    assert client_as(stranger).get(f"/admin/example_notes/history/?id={noted['note']}").status_code == 403


def test_edits_made_in_the_admin_land_in_the_history(kernel, client_as, noted):
    client = client_as(noted["alice"])
    form = client.get(f"/admin/example_notes/edit/?id={noted['note']}").get_data(as_text=True)
    with kernel.system_session() as s:
        version = s.get(Note, noted["note"]).version
    client.post(f"/admin/example_notes/edit/?id={noted['note']}", data={
        "csrf_token": csrf_from(form), "title": "嘉宾名单（第三版）", "body": "终稿", "version_seen": version})
    page = client.get(f"/admin/example_notes/history/?id={noted['note']}").get_data(as_text=True)
    newest = entries(page)[0]
    assert "嘉宾名单（第三版）" in newest and 'data-field="body"' not in newest


def test_audit_log_filters_by_table_record_user_action_and_day(kernel, admin_client, noted):
    def rows(query):
        page = admin_client.get(f"{AUDIT}/?{query}").get_data(as_text=True)
        return page.count('<td class="col-at">')

    assert rows("flt0_table_equals=example_note") == 3
    assert rows(f"flt0_table_equals=example_note&flt1_record_equals={noted['note']}") == 2
    assert rows("flt0_table_equals=example_note&flt1_user_equals=bob") == 1
    assert rows("flt0_table_equals=example_note&flt1_action_equals=update") == 1
    today = datetime.now(timezone(timedelta(hours=8))).date()
    assert rows(f"flt0_table_equals=example_note&flt1_date_between={today} to {today}") == 3
    with kernel.system_session() as s:  # the first entry moves back a week
        first = s.scalar(select(AuditLog.id).where(AuditLog.table_name == "example_note").order_by(AuditLog.id))
        s.execute(update(AuditLog).where(AuditLog.id == first).values(at=datetime.now(UTC) - timedelta(days=7)))
        s.commit()
    assert rows(f"flt0_table_equals=example_note&flt1_date_between={today} to {today}") == 2


def test_audit_log_sorts_by_time_newest_first_unless_asked(admin_client, noted):
    def records(query):
        page = admin_client.get(f"{AUDIT}/?flt0_table_equals=example_note&{query}").get_data(as_text=True)
        return re.findall(r'col-record_id">\s*<a[^>]*>(\d+)', page)

    newest_first = [str(noted["secret"]), str(noted["note"]), str(noted["note"])]
    assert records("") == newest_first
    assert records("sort=0") == newest_first[::-1]
    assert records("sort=0&desc=1") == newest_first


def test_the_day_filter_finds_a_row_written_a_little_out_of_order(kernel, admin_client, noted):
    """Entries are found by day through their ids; one numbered after the next day's first entry
    (its transaction committed later) still counts for its own day."""
    zone = ZoneInfo(kernel.settings.timezone)
    day = date(2036, 3, 1)  # later than anything else in the log, which keeps its order
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    with kernel.system_session() as s:
        ids = list(s.scalars(select(AuditLog.id).where(AuditLog.table_name == "example_note")
                             .order_by(AuditLog.id)))
        for entry_id, at in zip(ids, [midnight - timedelta(minutes=40), midnight + timedelta(minutes=10),
                                      midnight - timedelta(minutes=10)], strict=True):
            s.execute(update(AuditLog).where(AuditLog.id == entry_id).values(at=at))
        s.commit()

    def records(first, last):
        page = admin_client.get(f"{AUDIT}/?flt0_table_equals=example_note&flt1_date_between={first} to {last}")
        return len(re.findall(r'<td class="col-at">', page.get_data(as_text=True)))

    assert records(day, day) == 2
    assert records(day + timedelta(days=1), day + timedelta(days=1)) == 1
    assert records(day - timedelta(days=1), day - timedelta(days=1)) == 0
    assert records(day, day + timedelta(days=1)) == 3


def test_audit_log_links_a_record_to_its_history(admin_client, noted):
    page = admin_client.get(f"{AUDIT}/?flt0_table_equals=example_note").get_data(as_text=True)
    assert f'href="/admin/example_notes/history/?id={noted["note"]}"' in page
    assert "嘉宾名单 → 嘉宾名单（定稿）" in page


def test_audit_log_needs_its_permission(client_as, make_user):
    assert client_as(make_user("clerk")).get(f"{AUDIT}/").status_code == 403
    reader = client_as(make_user("auditor", permissions=["core.audit.read"]))
    assert reader.get(f"{AUDIT}/").status_code == 200
    assert reader.get(f"{AUDIT}/new/").status_code == 403


def test_password_changes_are_audited_without_the_hash(kernel, admin_client, make_user):
    target = make_user("huangmin", password="first-password")
    form = admin_client.get(f"/admin/core_users/edit/?id={target.id}").get_data(as_text=True)
    admin_client.post(f"/admin/core_users/edit/?id={target.id}", data={
        "csrf_token": csrf_from(form), "login": "huangmin", "name": "Huangmin", "password": "second-password",
        "active": "y", "version_seen": str(target.version)})
    page = admin_client.get(f"/admin/core_users/history/?id={target.id}").get_data(as_text=True)
    newest = entries(page)[0]
    assert 'data-field="password_hash"' in newest and "***" in newest and "$argon2" not in page


def test_security_log_lists_logins_and_refusals_with_filters(app, admin_client, make_user, client_as):
    make_user("lina", password="right-password")
    browser = app.test_client()
    token = csrf_from(browser.get("/login").get_data(as_text=True))
    browser.post("/login", data={"csrf_token": token, "login": "lina", "password": "wrong-password"})
    browser.post("/login", data={"csrf_token": token, "login": "lina", "password": "right-password"})
    client_as(make_user("nosy")).get(AUDIT + "/")

    def rows(query):
        page = admin_client.get(f"{SECURITY}/?{query}").get_data(as_text=True)
        return page.split("<tbody>", 1)[-1]

    failed = rows("flt0_event_equals=login_failed")
    assert failed.count('<td class="col-at">') == 1 and "Failed login" in failed
    assert rows("flt0_user_equals=lina").count('<td class="col-at">') == 2
    refused = rows("flt0_event_equals=refused")
    assert "nosy" in refused and "/admin/core_audit/" in refused
