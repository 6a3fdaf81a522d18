"""Everything the customer page shows, gathered in one place."""
from __future__ import annotations

from sqlalchemy import select

from plugins.crm.models import Customer, Feedback
from plugins.crm.operations import communications, duplicates, history, segments
from plugins.crm.operations.attachments import files_of

#: The plugin whose events fill the meeting history (CRM listens; it does not import it).
PROJECT_PLUGIN = "project"


def project_plugin_enabled(session) -> bool:
    kernel = session.info.get("kernel")
    return bool(kernel and kernel.registry.is_enabled(session, PROJECT_PLUGIN)
                and PROJECT_PLUGIN in kernel.registry.plugins)


def customer_card(session, customer: Customer) -> dict:
    feedback = list(session.scalars(select(Feedback).where(Feedback.customer_id == customer.id)
                                    .order_by(Feedback.received_at.desc())))
    return {
        "stats": customer.stats,
        "contacts": customer.contacts,
        "preferences": customer.preferences,
        "meetings": history.meetings_of(session, customer.id),
        "meetings_per_year": history.meetings_per_year(session, customer.id),
        "projects_on": project_plugin_enabled(session),
        "feedback": feedback,
        "nps": history.nps_of(session, customer.id),
        "timeline": communications.timeline(session, customer.id, limit=100),
        "path": segments.path_of(session, customer.id),
        "flags": duplicates.open_flags(session, customer.id),
        "files": files_of(session, customer),
    }
