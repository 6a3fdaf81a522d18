"""The events the project plugin emits (its contract with other plugins).

Payloads (ids are ours; ``customer_id`` is CRM's; instants are ISO text in UTC,
dates ISO dates in the company's zone)::

    project.confirmed        project_id, customer_id, code, title, start_date, end_date, city,
                             attendees, amount (decimal string: the order lines), confirmed_at
    project.status_changed   project_id, customer_id, code, title, old_status, new_status, changed_at
    project.completed        project_id, customer_id, code, title, completed_at, start_date, end_date, amount
    project.change_submitted project_id, change_id, kind, from_portal
    project.change_approved  project_id, customer_id, code, title, change_id, kind, before, after,
                             task_ids, department_ids

The plugin listens to nobody yet: it has no handlers.
"""
from __future__ import annotations

from core.events import EventType

EVENTS = [
    EventType("project.confirmed", "A project was confirmed; its tasks were created and assigned.",
              ("project_id", "customer_id", "code", "title", "start_date", "end_date", "city", "attendees",
               "amount", "confirmed_at")),
    EventType("project.status_changed", "A project moved in its workflow.",
              ("project_id", "customer_id", "code", "title", "old_status", "new_status", "changed_at")),
    EventType("project.completed", "A project's meeting is over.",
              ("project_id", "customer_id", "code", "title", "completed_at", "start_date", "end_date",
               "amount")),
    EventType("project.change_submitted", "A change request was submitted for approval.",
              ("project_id", "change_id", "kind", "from_portal")),
    EventType("project.change_approved", "A change request was approved and applied to the project.",
              ("project_id", "customer_id", "code", "title", "change_id", "kind", "before", "after",
               "task_ids", "department_ids")),
]

HANDLERS: list = []
