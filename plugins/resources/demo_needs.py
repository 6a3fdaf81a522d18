"""Demo needs: a few meetings still being planned ask for halls, projectors and a caterer, for the allocator.

The first three upcoming meetings (not cancelled) each get a breakout room
and projectors on their first afternoon, and a welcome dinner; the first is
the most important, so where they compete it is served first. Written
through ``operations.needs`` like any other need; a need the demo cannot
state is left out.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from core.errors import DomainError
from plugins.project.models import Project
from plugins.resources import demo_words as W
from plugins.resources.models import ResourceNeed
from plugins.resources.operations import needs
from plugins.resources.operations.timefmt import zone

#: Meetings that get needs, and how far ahead they must start.
MEETINGS = 3
AHEAD = timedelta(days=7)
#: (name, kind, start, end, values): times are on the meeting's first day, company time.
NEEDS = [
    ("分论坛会议室", "venue", time(13, 30), time(17, 30), {"layout": "classroom", "guests": 60}),
    ("分论坛投影", "equipment", time(13, 30), time(17, 30), {"quantity": 2, "match": "投影机"}),
    ("欢迎晚宴", "catering", time(18, 0), time(21, 0), {}),
]


def add_needs(session, now: datetime) -> int:
    """Add the demo needs once (none when any need exists); returns how many were added."""
    if session.scalar(select(ResourceNeed.id).limit(1)) is not None:
        return 0
    meetings = session.scalars(select(Project).where(Project.start_at > now + AHEAD,
                                                     Project.status.not_in(("cancelled", "completed", "closed")))
                               .order_by(Project.start_at, Project.id).limit(MEETINGS)).all()
    added = 0
    for rank, project in enumerate(meetings):
        day = project.start_at.astimezone(zone(session)).date()
        for name, kind, start, end, values in NEEDS:
            data = {"project_id": project.id, "name": name, "kind": kind, "weight": 3 if rank == 0 else 1,
                    "starts_at": datetime.combine(day, start, tzinfo=zone(session)),
                    "ends_at": datetime.combine(day, end, tzinfo=zone(session)), **values}
            if kind == "venue":
                data["city"] = project.city
            elif kind == "equipment":
                data["city"] = W.SERVES_FROM.get(project.city or "", "上海")
            else:
                data.update(city=project.city, guests=min(project.attendance or 100, 300),
                            notes="欢迎晚宴，含酒水")
            try:
                with session.begin_nested():
                    needs.create_need(session, data)
                added += 1
            except DomainError:
                continue
    return added
