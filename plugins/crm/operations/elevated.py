"""Whole-population work on the caller's session.

Recomputing segments or re-applying tag rules concerns every customer, not
only those the person who pressed the button may see; the permission to ask
for it is checked by the caller, then the work runs as the system on the same
session (a second session would deadlock on SQLite, see the kernel notes).
"""
from __future__ import annotations

from contextlib import contextmanager

from core.security.principal import SYSTEM, act_as, current


@contextmanager
def as_system(session):
    before = current(session)
    act_as(session, SYSTEM)
    try:
        yield session
    finally:
        act_as(session, before)
