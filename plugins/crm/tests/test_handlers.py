"""Project and finance events write the meeting history, service records and figures."""
from datetime import timedelta

from sqlalchemy import func, select

from core.db.types import utcnow
from core.events import emit
from core.testing import plugin_state
from plugins.crm.models import Communication, CustomerStats, Meeting, Spend
from plugins.crm.operations.card import customer_card

START = (utcnow() - timedelta(days=20)).date()


def project(customer_id, **extra):
    return dict(project_id=501, customer_id=customer_id, code="HW-2026-0007", title="2026年度经销商大会",
                start_date=START.isoformat(), end_date=(START + timedelta(days=2)).isoformat(),
                city="杭州", attendees=300, amount="860000.00", **extra)


def emit_committed(kernel, event, **payload):
    """Emit as the project plugin would: inside its transaction, delivered after commit."""
    with kernel.system_session() as s:
        emit(s, event, **payload)
        s.commit()


def timeline(db, customer_id):
    return [(r.kind, r.event) for r in db.scalars(
        select(Communication).where(Communication.customer_id == customer_id).order_by(Communication.id))]


def test_confirmed_status_changed_completed(kernel, db, customer, manager):
    li = manager("li")
    cid = customer("杭州数智科技有限公司", account_manager_id=li.id)
    emit_committed(kernel, "project.confirmed", **project(cid, confirmed_at="2026-05-01T10:00:00+08:00"))
    emit_committed(kernel, "project.status_changed", **project(cid, old_status="confirmed",
                                                                new_status="in_progress"))
    emit_committed(kernel, "project.completed", **project(cid, completed_at=utcnow().isoformat()))

    meeting = db.scalar(select(Meeting).where(Meeting.project_id == 501))
    assert (meeting.customer_id, meeting.status, meeting.city, str(meeting.amount)) == (cid, "completed", "杭州",
                                                                                         "860000.00")
    assert timeline(db, cid) == [("service", "project.confirmed"), ("service", "project.status_changed"),
                                 ("service", "project.completed"), ("follow_up", "project.completed")]
    feedback_task = db.scalar(select(Communication).where(Communication.kind == "follow_up"))
    assert feedback_task.owner_id == li.id  # "ask for feedback" goes to the account manager
    stats = db.get(CustomerStats, cid)
    assert (stats.meeting_count, stats.last_meeting_at.date()) == (1, START)


def test_replayed_event_adds_nothing(kernel, db, customer):
    cid = customer("上海远航汽车有限公司")
    for _ in range(2):
        emit_committed(kernel, "project.confirmed", **project(cid, confirmed_at="2026-05-01T10:00:00+08:00"))
    assert db.scalar(select(func.count()).select_from(Meeting)) == 1
    assert timeline(db, cid) == [("service", "project.confirmed")]


def test_invoice_paid_updates_spend_once(kernel, db, customer):
    cid = customer("北京华信医药有限公司")
    paid = {"invoice_id": 88, "customer_id": cid, "amount": "120000.50", "paid_at": utcnow().isoformat()}
    emit_committed(kernel, "finance.invoice_paid", **paid)
    emit_committed(kernel, "finance.invoice_paid", **paid)  # delivered twice
    stats = db.get(CustomerStats, cid)
    assert str(stats.total_spend) == "120000.50"
    assert db.scalar(select(func.count()).select_from(Spend)) == 1


def test_event_about_an_unknown_customer_is_ignored(kernel, db):
    emit_committed(kernel, "project.confirmed", **project(999))
    emit_committed(kernel, "finance.invoice_paid", invoice_id=1, customer_id=999, amount="1.00",
                   paid_at=utcnow().isoformat())
    assert db.scalar(select(func.count()).select_from(Meeting)) == 0


def test_disabled_crm_does_not_listen(kernel, db, customer):
    cid = customer("南京金陵会务有限公司")
    with plugin_state(kernel, "project", False), plugin_state(kernel, "crm", False):
        emit_committed(kernel, "project.confirmed", **project(cid))
    with plugin_state(kernel, "crm", True):
        pass
    assert db.scalar(select(func.count()).select_from(Meeting)) == 0


def test_meeting_section_is_an_empty_state_without_the_project_plugin(kernel, db, customer, admin_client):
    cid = customer("成都天府文旅有限公司")
    with plugin_state(kernel, "project", False):
        pass
    card = customer_card(db, db.get(CustomerStats, cid).customer)
    assert card["meetings"] == [] and card["projects_on"] is False
    db.rollback()
    page = admin_client.get(f"/admin/crm_customers/details/?id={cid}").get_data(as_text=True)
    assert "once the project module is enabled" in page
