"""Who sees which project and task: PMs, department staff, executives, portal clients."""
from sqlalchemy import select

from plugins.crm.operations import customers as crm
from plugins.project.models import ClientAccess, OrderLine, Project, Task, TaskUpdate
from plugins.project.operations import workflow


def _confirm(db, project_id):
    project = db.get(Project, project_id)
    workflow.move(db, project, "proposal")
    workflow.move(db, project, "confirmed")


def _seen(session, model=Project):
    ids = sorted(session.scalars(select(model.id)))
    session.commit()
    return ids


def test_pm_staff_executive_and_client_each_see_their_share(db, kernel, make_user, staff, pm, new_project,
                                                            customer_id, session_as):
    other_pm = make_user("wangfang", roles=["project_manager"])
    cook = staff("zhaolei", "CATER")
    av = staff("chenjing", "AV")
    boss = make_user("boss", roles=["executive"])
    client = make_user("client", roles=["client"], portal=True)
    stranger = make_user("stranger", roles=["client"], portal=True)
    mine = new_project(manager_id=pm.id)
    theirs = new_project(manager_id=other_pm.id)
    other_customer, _ = crm.create_customer(db, {"name": "北京华信医药有限公司"})
    db.commit()
    elsewhere = new_project(manager_id=other_pm.id, customer_id=other_customer.id)
    _confirm(db, theirs)
    contact, _ = crm.create_contact(db, crm.get_customer(db, customer_id), {"name": "李娜"})
    db.add(ClientAccess(user_id=client.id, contact_id=contact.id))
    db.commit()

    assert _seen(session_as(pm)) == [mine]
    assert _seen(session_as(cook)) == [theirs]          # through its catering tasks
    assert _seen(session_as(av)) == []
    assert _seen(session_as(boss)) == [mine, theirs, elsewhere]
    assert _seen(session_as(client)) == [mine, theirs]  # their company's, whoever manages them
    assert _seen(session_as(stranger)) == []


def test_clients_never_see_order_lines_or_progress_notes(db, make_user, staff, new_project, customer_id,
                                                        session_as):
    staff("zhaolei", "CATER")
    client = make_user("client", roles=["client"], portal=True)
    project_id = new_project()
    _confirm(db, project_id)
    task = db.scalars(select(Task).where(Task.project_id == project_id)).first()
    db.add(TaskUpdate(task=task, progress=50, status="in_progress", note="供应商报价偏高，内部沟通"))
    contact, _ = crm.create_contact(db, crm.get_customer(db, customer_id), {"name": "李娜"})
    db.add(ClientAccess(user_id=client.id, contact_id=contact.id))
    db.commit()
    s = session_as(client)
    assert _seen(s) == [project_id]
    assert _seen(s, Task) != []
    assert _seen(s, OrderLine) == [] and _seen(s, TaskUpdate) == []
