"""Who sees which booking: a PM their projects', a resource manager every one."""
from __future__ import annotations

import pytest

from core.errors import Conflict, NotFound
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H


def codes_seen(as_user, user):
    return as_user(user, lambda s: [b.code for b in s.scalars(bookings.search())])


def test_a_pm_sees_only_their_projects_bookings_and_a_resource_manager_all(
        pm, manager, make_user, project_for, hall, book, as_user, on_booking):
    li = make_user("lina", roles=["project_manager"])
    mine = book(pm, project_for(pm), hall, T0, T0 + 2 * H)
    theirs = book(li, project_for(li), hall, T0 + 3 * H, T0 + 5 * H)

    assert codes_seen(as_user, pm) == [mine.code]
    assert codes_seen(as_user, li) == [theirs.code]
    assert codes_seen(as_user, manager) == [mine.code, theirs.code]
    with pytest.raises(NotFound):
        on_booking(pm, bookings.cancel, theirs.id, "不是我的")
    assert on_booking(manager, bookings.approve, theirs.id).status == "confirmed"


def test_a_taken_slot_is_named_even_when_the_booking_behind_it_is_hidden(
        pm, make_user, project_for, hall, book):
    li = make_user("lina", roles=["project_manager"])
    theirs = book(li, project_for(li), hall, T0, T0 + 2 * H)
    with pytest.raises(Conflict) as taken:
        book(pm, project_for(pm), hall, T0, T0 + 2 * H)
    assert theirs.code in str(taken.value)


def test_a_waiter_of_another_pm_is_promoted_when_my_booking_goes(db, pm, make_user, project_for, hall, book,
                                                                 on_booking):
    li = make_user("lina", roles=["project_manager"])
    mine = book(pm, project_for(pm), hall, T0, T0 + 2 * H)
    waiting = book(li, project_for(li), hall, T0, T0 + 2 * H, waitlist=True)
    on_booking(pm, bookings.cancel, mine.id, "取消")
    assert on_booking(li, lambda s, b: b, waiting.id).status == "held"
