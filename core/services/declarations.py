"""What the kernel itself declares to the shared services: its settings and its jobs.

Plugins declare theirs through the ``huiwu_settings`` and
``huiwu_scheduled_jobs`` hooks; the kernel's come first in both lists.
"""
from __future__ import annotations

from core.services import attachments, company, scheduler

#: The company profile, then the upload limits.
KERNEL_SETTINGS = [*company.SETTINGS, *attachments.SETTINGS]

KERNEL_JOBS = list(scheduler.KERNEL_JOBS)
