"""Demo data: an agency's suppliers, halls, equipment and bookings, at small scale or large.

``small`` (``huiwu init --demo``): the address book of an agency working from
杭州, 上海 and 北京 — convention centres and hotels with their halls (two pairs
open into combined halls), AV rental houses, caterers with menu packages,
troupes with acts, a coach company and hotel room blocks — two maintenance
windows, and bookings for the project demo's meetings: confirmed for what is
done or under way, held and awaiting approval for what is still being
decided, one on the waiting list behind a hold, and the cancelled meetings'
bookings cancelled. Each booking is a row plus the occupancy that
``operations.occupancy`` writes, so the database guard and every screen agree.
A few upcoming meetings also state needs for the allocator (``demo_needs``).

``large`` (``huiwu demo --scale large``): ~2,100 resources in 30 cities and a
million bookings over three years for benchmarks, written in bulk; see
``LargeScale`` for how they never collide.
"""
from __future__ import annotations

from sqlalchemy import select

from plugins.resources.demo.large import LargeScale
from plugins.resources.demo.small import SmallScale
from plugins.resources.models import Resource


def load_demo(session, scale: str, progress, **sizes) -> None:
    """Fill the catalogue and bookings once; ``sizes`` shrink the large scale (tests)."""
    if session.scalar(select(Resource.id).limit(1)) is not None:
        return
    if scale == "large":
        LargeScale(session, progress, **sizes).run()
    else:
        SmallScale(session, progress).run()
