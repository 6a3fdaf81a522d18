"""The allocation engine with what halls really have: set-up and tear-down buffers, and seats per layout."""
import pytest

from core.errors import ValidationFailed
from plugins.resources.operations.allocation import Busy, Problem, Unit, allocate
from plugins.resources.tests.test_allocation import EPOCH, ask, at, codes, hall


def solve(units, requests, **kw):
    return allocate(Problem(tuple(units), tuple(requests), epoch=EPOCH), **kw)


def test_back_to_back_meetings_do_not_share_a_hall_that_needs_clearing():
    cleared = hall("ballroom", 200, price=500, teardown=60)
    morning, afternoon = ask("morning", 9, 12, need=80), ask("afternoon", 12, 15, need=80)
    assert solve([cleared], [morning, afternoon]).served == 1  # 12:00-13:00 it is still being cleared
    room = hall("room", 100, price=900)
    proposal = solve([cleared, room], [morning, afternoon])
    assert proposal.served == 2 and sorted(proposal.given().values()) == ["ballroom", "room"]
    # the same two fit one hall that needs no clearing
    assert solve([hall("plain", 100)], [morning, afternoon]).given() == {"morning": "plain", "afternoon": "plain"}


def test_a_busy_window_counts_against_the_buffers_of_the_hall_asked_for():
    booked = Busy(at(13), at(14), label="BK-1")
    slow = hall("slow", 100, price=100, teardown=90, busy=[booked])
    quick = hall("quick", 100, price=100, teardown=30, busy=[booked])
    proposal = solve([slow], [ask("lunch", 9, 12)])
    assert proposal.served == 0  # cleared only at 13:30
    clash = proposal.refusal("lunch").reasons[0].args["clashes"][0]
    assert [(w.code, w.args["what"]) for w in clash.args["why"]] == [("busy", "BK-1")]
    assert solve([quick], [ask("lunch", 9, 12)]).given() == {"lunch": "quick"}


def test_seats_are_counted_in_the_layout_asked_for():
    ballroom = hall("ballroom", 300, price=6000, layouts=(("theatre", 300), ("banquet", 120)))
    annex = hall("annex", 200, price=8000, layouts=(("theatre", 200), ("banquet", 160)))
    dinner = solve([ballroom, annex], [ask("dinner", 18, 21, need=150, layout="banquet")])
    assert dinner.given() == {"dinner": "annex"}
    line = dinner.assignment("dinner")
    assert line.idle == 10 and line.reasons[0].args == {"unit": "Hall annex", "capacity": 160, "need": 150}
    talk = solve([ballroom, annex], [ask("talk", 9, 12, need=150, layout="theatre")])
    assert talk.given() == {"talk": "ballroom"} and talk.assignment("talk").idle == 150
    gala = solve([ballroom, annex], [ask("gala", 18, 21, need=200, layout="banquet")])
    assert gala.refusal("gala").reasons[0].args == {"need": 200, "largest": 160}
    # a layout the hall is not set up in does not fit at all
    assert solve([ballroom], [ask("class", 9, 12, need=10, layout="classroom")]).served == 0


def test_interchangeable_rooms_are_dealt_with_their_buffers():
    rooms = [hall(f"r{i}", 40, price=800, teardown=30) for i in range(2)]
    requests = [ask("a", 9, 10), ask("b", 10.25, 11), ask("c", 10.75, 12)]
    proposal = solve(rooms, requests)
    given = proposal.given()
    assert proposal.served == 3
    assert given["a"] == given["c"] != given["b"]  # a is cleared at 10:30, in time for c, not for b
    assert codes(proposal.assignment("b").reasons) == ["fits", "best"]


def test_a_unit_refuses_negative_buffers():
    with pytest.raises(ValidationFailed) as refused:
        Problem((Unit("x", "hall", "X", setup=-5),), ())
    assert refused.value.field == "units[0].setup"
