"""The CRM's scheduled jobs; each takes a system session and returns a summary line."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.services.scheduler import Job
from plugins.crm.operations import rfm, tag_rules


def recompute_segments(session) -> str:
    run = rfm.recompute(session)
    return f"{run.scored} customers scored, {run.moved} moved"


def apply_tag_rules(session) -> str:
    counts = tag_rules.apply_rules(session)
    return f"{len(counts)} rules applied, {sum(counts.values())} tags"


JOBS = [
    Job("crm.recompute_segments", "30 2 * * *", recompute_segments, _l("Recompute RFM segments")),
    Job("crm.apply_tag_rules", "15 * * * *", apply_tag_rules, _l("Apply tag rules")),
]
