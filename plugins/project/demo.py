"""Demo data: a Chinese event agency's meeting projects, at small scale or large.

``small``: 40 projects over the year (annual galas, dealer conventions,
launches, academic congresses, exhibitions, trainings, award ceremonies) for
the CRM demo customers, run through the real operations: created by the demo
project managers, confirmed so that tasks are assigned by workload to the
kernel's demo staff, progress reported by the assignees, change requests
raised by one manager and decided by the other, statuses moved up to where
each project stands today. ``large``: 50,000 projects with 12 tasks each
(600,000) and their checklists, written with Core INSERTs in chunks, for
benchmarks; no events are emitted for those.
"""
from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from core.db.types import utcnow
from core.security.models import Department, Role, User, user_department, user_role
from core.security.passwords import hash_password
from core.security.principal import Principal, act_as, current
from core.services.models import SequenceCounter
from plugins.crm import demo_names as N
from plugins.crm.models import Contact, Customer
from plugins.project import demo_words as W
from plugins.project.models import Project, Requirement, Task, TaskTemplate
from plugins.project.operations import changes, projects, tasks, workflow
from plugins.project.operations.common import at_local, local_day
from plugins.project.operations.projects import CODE_PATTERN, CODE_SEQUENCE

SMALL_PROJECTS = 40
LARGE_PROJECTS = 50_000
TASKS_PER_PROJECT = 12
CHUNK = 2000
#: Which role the project demo gives the kernel's demo staff, by department.
ROLE_OF_DEPARTMENT = {"PM": "project_manager"}
DEFAULT_ROLE = "department_staff"
#: Workflow steps from a new project to each status.
PATH = ["proposal", "confirmed", "in_preparation", "on_site", "completed", "closed"]
#: Tasks padding a project's plan in the large scale: (title, department code, days before, hours).
PLANNING_TASKS = [("项目启动会", "PM", 45, 4), ("预算复核", "FIN", 30, 4), ("嘉宾邀请与报名统计", "SALES", 20, 8),
                  ("现场彩排", "PM", 1, 6), ("会后总结报告", "PM", -5, 6), ("客户满意度回访", "SALES", -10, 2)]


@contextlib.contextmanager
def acting(session, user: User | tuple):
    """Run operations as ``user`` (with every permission), then act as before."""
    before = current(session)
    uid, login, name = (user.id, user.login, user.name) if isinstance(user, User) else user
    act_as(session, Principal(user_id=uid, login=login, name=name, is_superuser=True))
    try:
        yield
    finally:
        act_as(session, before)


def _staff(session) -> dict[str, list[User]]:
    rows = session.execute(select(User, Department.code).join(user_department, user_department.c.user_id == User.id)
                           .join(Department, Department.id == user_department.c.department_id)
                           .where(User.active.is_(True), User.is_portal.is_(False)).order_by(User.id)).all()
    staff: dict[str, list[User]] = {}
    for user, code in rows:
        staff.setdefault(code, []).append(user)
    return staff


def _give_roles(session, staff: dict[str, list[User]]) -> None:
    """Project managers get ``project_manager``, the other departments ``department_staff``."""
    roles = {r.name: r for r in session.scalars(select(Role))}
    for code, members in staff.items():
        role = roles.get(ROLE_OF_DEPARTMENT.get(code, DEFAULT_ROLE))
        for user in members:
            if role is not None and role not in user.roles:
                user.roles.append(role)
    session.flush()


def load_demo(session, scale: str, progress) -> None:
    if session.scalar(select(Project.id).limit(1)) is not None:
        return
    rng = random.Random(20260315)
    staff = _staff(session)
    _give_roles(session, staff)
    if scale == "large":
        LargeScale(session, rng, progress).run()
    else:
        SmallScale(session, rng, staff, progress).run()


# --------------------------------------------------------------------------
# Small: through the operations, as people would have done it
# --------------------------------------------------------------------------

def short_name(customer_name: str) -> str:
    """``上海瑞康医药有限公司`` -> ``瑞康医药``: how people name a client in a project title."""
    name = customer_name
    for suffix in ("集团有限公司", "股份有限公司", "有限公司"):
        name = name.removesuffix(suffix)
    city = next((c for c, *_rest in N.CITIES if name.startswith(c)), "")
    return name[len(city):] or name


def target_status(rng: random.Random, start_day, end_day, today) -> str:
    """Where a project starting on ``start_day`` stands ``today``."""
    if end_day < today:
        return "closed" if (today - end_day).days > 45 and rng.random() < 0.6 else "completed"
    if start_day <= today:
        return "on_site"
    ahead = (start_day - today).days
    if ahead <= 45:
        return "in_preparation"
    if ahead <= 100:
        return "confirmed"
    return "proposal" if ahead <= 140 else "enquiry"


class SmallScale:
    def __init__(self, session, rng: random.Random, staff: dict[str, list[User]], progress):
        self.session, self.rng, self.progress = session, rng, progress
        self.pms = staff.get("PM") or [None]
        self.now = utcnow()
        self.today = local_day(session, self.now)

    def run(self) -> None:
        session, rng = self.session, self.rng
        customers = session.execute(select(Customer.id, Customer.name).order_by(Customer.id)
                                    .limit(SMALL_PROJECTS)).all()
        if not customers:
            return
        contacts = dict(session.execute(select(Contact.customer_id, func.min(Contact.id))
                                        .group_by(Contact.customer_id)).all())
        for i in range(SMALL_PROJECTS):
            customer_id, customer_name = customers[i % len(customers)]
            start_day = self.today + timedelta(days=-270 + i * 11 + rng.randint(0, 8))
            self.project(i, customer_id, short_name(customer_name), contacts.get(customer_id), start_day)
            self.progress(i + 1, SMALL_PROJECTS, "projects")

    def project(self, i: int, customer_id: int, client: str, contact_id, start_day) -> None:
        session, rng = self.session, self.rng
        word, kind, categories, sizes, days = rng.choices(W.EVENTS, W.EVENT_WEIGHTS)[0]
        city, venues = rng.choices(W.VENUES, W.VENUE_WEIGHTS)[0]
        edition = rng.choice(W.EDITIONS) if kind in ("conference", "forum") and word != "经销商大会" else ""
        pm = self.pms[i % len(self.pms)]
        end_day = start_day + timedelta(days=days - 1)
        data = {"name": f"{client}{start_day.year}年{edition}{word}", "type": kind, "customer_id": customer_id,
                "contact_id": contact_id, "manager_id": pm.id if pm else None,
                "start_at": at_local(session, start_day, 9), "end_at": at_local(session, end_day, 18),
                "city": city, "venue": rng.choice(venues), "attendance": rng.choice(sizes),
                "description": f"{city}举办，预计{days}天。" + "；".join(
                    rng.choice(W.REQUIREMENT_DETAILS[c]) for c in categories[:3]) + "。",
                "internal_notes": rng.choice(["客户对价格敏感，注意成本控制", "老客户，付款及时", "需提前锁定场地档期", None]),
                "requirements": [{"category": c, "details": rng.choice(W.REQUIREMENT_DETAILS[c])} for c in categories],
                "order_lines": self.order_lines(categories)}
        target = "cancelled" if i % 13 == 7 else target_status(rng, start_day, end_day, self.today)
        with acting(session, pm) if pm else contextlib.nullcontext():
            project = projects.create_project(session, data)
            steps = PATH[:PATH.index(target) + 1] if target in PATH else ["proposal", "cancelled"]
            for step in steps:
                workflow.move(session, project, step)
                if step == "confirmed":
                    project.confirmed_at = min(self.now, at_local(session, start_day - timedelta(days=60), 10))
                    if i % 3 == 0:
                        self.change(project, i)
                    self.report(project)
            for stamp, delay in (("completed_at", 1), ("closed_at", 30)):
                if getattr(project, stamp) is not None:
                    setattr(project, stamp, at_local(session, end_day + timedelta(days=delay), 17))
        session.flush()

    def order_lines(self, categories) -> list[dict]:
        rng = self.rng
        wanted = {"venue": (0, 1), "av": (2, 3), "catering": (4, 5), "accommodation": (6,), "transport": (7,),
                  "interpretation": (8,), "printing": (9,), "performance": (10,)}
        picks = sorted({k for c in categories for k in wanted.get(c, ())}) + [11]
        lines = []
        for k in picks:
            service, unit, low, high, quantities = W.SERVICES[k]
            price = Decimal(rng.randint(low, high)).quantize(Decimal(1)) // 10 * 10
            lines.append({"service": service, "unit": unit, "quantity": rng.choice(quantities), "unit_price": price})
        return lines

    def report(self, project: Project) -> None:
        """Assignees report on their tasks: done when due before today, under way when due soon."""
        session, rng = self.session, self.rng
        for task in session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.due_at)):
            if task.assignee is None or task.due_at is None:
                continue
            soon = self.now + timedelta(days=14)
            if task.due_at > soon:
                continue
            done = task.due_at < self.now
            with acting(session, task.assignee):
                update = tasks.report_progress(session, task, 100 if done else rng.choice([20, 40, 60, 80]),
                                               note=rng.choice(W.UPDATE_NOTES),
                                               hours_spent=task.planned_hours if done else None)
            update.created_at = min(self.now, task.due_at - timedelta(hours=rng.randint(2, 48)))
            if done:
                task.completed_at = update.created_at

    def change(self, project: Project, i: int) -> None:
        """The PM raises a change; the other PM decides it (approved mostly, some rejected or pending)."""
        session, rng = self.session, self.rng
        kind = ("scale", "venue", "other", "time")[i // 3 % 4]
        if kind == "time" and project.start_at < self.now + timedelta(days=30):
            kind = "scale"
        proposed = {"scale": {"attendance": int((project.attendance or 100) * rng.choice([1.2, 1.5, 0.8]))},
                    "venue": {"city": project.city, "venue": rng.choice(dict(W.VENUES).get(project.city, ("另一场馆",)))},
                    "other": {"description": (project.description or "") + "增加线上直播。"},
                    "time": {"start_at": project.start_at + timedelta(days=7),
                             "end_at": project.end_at + timedelta(days=7)}}[kind]
        change = changes.create_change(session, project, kind, proposed,
                                       rng.choice(W.CHANGE_REASONS[kind]), submit=True)
        others = [p for p in self.pms if p is not None and p.id != project.manager_id]
        if not others or i % 9 == 6:
            return  # left for the approver's inbox
        with acting(session, others[0]):
            if i % 18 == 3:
                changes.reject(session, change, "预算不支持，维持原方案")
            else:
                changes.approve(session, change, "同意，按新方案执行")


# --------------------------------------------------------------------------
# Large: Core INSERTs in chunks
# --------------------------------------------------------------------------

EXTRA_STAFF = {"PM": 60, "VENUE": 40, "AV": 40, "CATER": 40, "SALES": 20, "FIN": 10}


class LargeScale:
    def __init__(self, session, rng: random.Random, progress):
        self.session, self.rng, self.progress = session, rng, progress
        self.now = utcnow()
        self.today = local_day(session, self.now)

    def run(self) -> None:
        self.add_staff()
        staff = _staff(self.session)
        self.members = {code: [u.id for u in users] for code, users in staff.items()}
        self.departments = dict(self.session.execute(select(Department.code, Department.id)).all())
        self.customers = list(self.session.scalars(select(Customer.id).order_by(Customer.id)))
        self.templates = {}
        for t in self.session.scalars(select(TaskTemplate).where(TaskTemplate.active.is_(True))
                                      .order_by(TaskTemplate.days_before.desc(), TaskTemplate.id)):
            self.templates.setdefault(t.category, []).append(
                (t.title, t.department_code, t.days_before, t.planned_hours, t.category, t.id))
        if not self.customers:
            return
        self.counters: dict[int, int] = {}
        done = 0
        while done < LARGE_PROJECTS:
            size = min(CHUNK, LARGE_PROJECTS - done)
            self.chunk(size)
            done += size
            self.progress(done, LARGE_PROJECTS, "projects and tasks")
        self.advance_sequences()

    def add_staff(self) -> None:
        """A big agency: more project managers and department staff, with their roles."""
        session, rng = self.session, self.rng
        roles = dict(session.execute(select(Role.name, Role.id)).all())
        departments = dict(session.execute(select(Department.code, Department.id)).all())
        password, now = hash_password("huiwu-demo"), self.now
        for code, count in EXTRA_STAFF.items():
            if code not in departments:
                continue
            rows = []
            for n in range(1, count + 1):
                (surname, _), (given, _) = rng.choice(N.SURNAMES), rng.choice(N.GIVEN)
                login = f"{code.lower()}{n:03d}"
                rows.append({"login": login, "name": surname + given, "email": f"{login}@huiwu.example",
                             "password_hash": password, "active": True, "is_superuser": False, "is_portal": False,
                             "locale": "zh_Hans", "created_at": now, "updated_at": now, "version": 1})
            ids = session.execute(insert(User.__table__).returning(User.__table__.c.id, sort_by_parameter_order=True),
                                  rows).scalars().all()
            session.execute(insert(user_department), [{"user_id": i, "department_id": departments[code]} for i in ids])
            role = roles.get(ROLE_OF_DEPARTMENT.get(code, DEFAULT_ROLE))
            if role is not None:
                session.execute(insert(user_role), [{"user_id": i, "role_id": role} for i in ids])

    def project_row(self) -> tuple[dict, list[str], int]:
        rng = self.rng
        word, kind, categories, sizes, days = rng.choices(W.EVENTS, W.EVENT_WEIGHTS)[0]
        city, venues = rng.choices(W.VENUES, W.VENUE_WEIGHTS)[0]
        start_day = self.today + timedelta(days=rng.randint(-6 * 365, 365))
        end_day = start_day + timedelta(days=days - 1)
        status = "cancelled" if rng.random() < 0.03 else target_status(rng, start_day, end_day, self.today)
        year = start_day.year
        self.counters[year] = n = self.counters.get(year, 0) + 1
        start, end = at_local(self.session, start_day, 9), at_local(self.session, end_day, 18)
        confirmed = status not in ("enquiry", "proposal", "cancelled")
        customer = rng.choice(self.customers)
        row = {"code": CODE_PATTERN.format(n=n, year=year), "type": kind, "status": status,
               "name": f"{rng.choice(N.BRAND_CHARS)}{rng.choice(N.BRAND_CHARS)}{year}年{word}",
               "customer_id": customer, "contact_id": None, "manager_id": rng.choice(self.members.get("PM") or [None]),
               "start_at": start, "end_at": end, "city": city, "venue": rng.choice(venues),
               "attendance": rng.choice(sizes), "description": None, "internal_notes": None,
               "confirmed_at": start - timedelta(days=60) if confirmed else None,
               "completed_at": end + timedelta(days=1) if status in ("completed", "closed") else None,
               "closed_at": end + timedelta(days=30) if status == "closed" else None,
               "cancelled_at": start - timedelta(days=90) if status == "cancelled" else None,
               "created_at": start - timedelta(days=120), "updated_at": self.now, "version": 1}
        return row, list(categories), confirmed

    def task_rows(self, project_id: int, project: dict, categories: list[str]) -> list[dict]:
        rng, plan = self.rng, []
        for category in categories:
            plan += self.templates.get(category, [])
        plan += [(t, d, days, Decimal(h), None, None) for t, d, days, h in PLANNING_TASKS]
        rows = []
        for title, dept, days_before, hours, category, template_id in plan[:TASKS_PER_PROJECT]:
            due = project["start_at"] - timedelta(days=days_before) + timedelta(hours=9)
            if project["status"] in ("completed", "closed") or due < self.now:
                status, progress, completed = "done", 100, due - timedelta(hours=rng.randint(1, 48))
            else:
                status, progress, completed = rng.choice([("todo", 0, None), ("in_progress", 50, None)])
            rows.append({"project_id": project_id, "title": title, "category": category,
                         "department_id": self.departments.get(dept),
                         "assignee_id": rng.choice(self.members.get(dept) or [None]), "status": status,
                         "progress": progress, "planned_hours": hours, "start_at": due - timedelta(days=2),
                         "due_at": due, "completed_at": completed, "template_id": template_id, "notes": None,
                         "created_at": project["confirmed_at"] or project["created_at"], "updated_at": self.now,
                         "version": 1})
        return rows

    def chunk(self, size: int) -> None:
        session = self.session
        made = [self.project_row() for _ in range(size)]
        table = Project.__table__
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                              [row for row, _c, _x in made]).scalars().all()
        requirements, task_rows = [], []
        for project_id, (row, categories, confirmed) in zip(ids, made):
            requirements += [{"project_id": project_id, "category": c, "details": None,
                              "created_at": row["created_at"], "updated_at": self.now, "version": 1}
                             for c in categories]
            if confirmed:
                task_rows += self.task_rows(project_id, row, categories)
        session.execute(insert(Requirement.__table__), requirements)
        for start in range(0, len(task_rows), 10_000):
            session.execute(insert(Task.__table__), task_rows[start:start + 10_000])

    def advance_sequences(self) -> None:
        """Numbers handed out from now on follow the demo's own (no duplicate codes)."""
        for year, last in sorted(self.counters.items()):
            counter = self.session.get(SequenceCounter, (CODE_SEQUENCE, f"{year:04d}"))
            if counter is None:
                self.session.add(SequenceCounter(code=CODE_SEQUENCE, period=f"{year:04d}", next_value=last + 1))
            else:
                counter.next_value = max(counter.next_value, last + 1)
        self.session.flush()

