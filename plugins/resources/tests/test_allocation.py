"""The allocation engine on small cases whose best answer is known by hand."""
from datetime import datetime

from plugins.resources.operations.allocation import (
    OPTIMAL,
    TIMEOUT,
    Busy,
    Problem,
    Request,
    Unit,
    allocate,
    greedy,
    propose_for_needs,
)

EPOCH = datetime(2030, 5, 20)  # a Monday; times are minutes after it


def at(hour: float, day: int = 0) -> int:
    return day * 24 * 60 + round(hour * 60)


def hall(rid, seats, price=1000, name=None, **kw):
    return Unit(rid, "hall", name or f"Hall {rid}", capacity=seats, fixed_cost=price, **kw)


def ask(rid, start, end, need=0, kind="hall", **kw):
    return Request(rid, kind, at(start), at(end), need=need, label=kw.pop("label", f"request {rid}"), **kw)


def solve(units, requests, **kw):
    return allocate(Problem(tuple(units), tuple(requests), epoch=EPOCH), **kw)


def codes(reasons):
    return [r.code for r in reasons]


def test_the_smallest_adequate_hall_not_the_big_one():
    units = [hall("grand", 500, price=20000), hall("medium", 120, price=6000), hall("small", 30, price=2000)]
    proposal = solve(units, [ask("dinner", 18, 21, need=40)])
    assert proposal.given() == {"dinner": "medium"}
    assert proposal.status == OPTIMAL and proposal.gap == 0.0
    line = proposal.assignment("dinner")
    assert (line.cost, line.idle) == (6000, 80)
    assert codes(line.reasons) == ["fits_seats", "best"]
    assert line.reasons[0].args == {"unit": "Hall medium", "capacity": 120, "need": 40}


def test_at_the_same_price_the_hall_with_fewer_empty_seats():
    proposal = solve([hall("grand", 500), hall("room", 60)], [ask("meeting", 9, 12, need=40)])
    assert proposal.given() == {"meeting": "room"}
    assert proposal.figures.objective == 1000 + 20  # price plus one fen per empty seat


def test_the_heavier_of_two_requests_for_one_hall_wins():
    proposal = solve([hall("a", 100)], [ask("light", 9, 12, weight=1, label="Training"),
                                        ask("heavy", 11, 14, weight=3, label="Board meeting")])
    assert proposal.given() == {"heavy": "a"}
    refusal = proposal.refusal("light")
    assert codes(refusal.reasons) == ["all_taken"]
    (clash,) = refusal.reasons[0].args["clashes"]
    assert clash.args["unit"] == "Hall a"
    assert [(w.code, w.args) for w in clash.args["why"]] == [
        ("taken", {"holder": "Board meeting", "span": "2030-05-20 11:00–14:00"})]


def test_weight_comes_before_count_and_count_breaks_ties():
    two_light = [ask("morning", 8, 11), ask("afternoon", 13, 16)]
    heavy = solve([hall("a", 100)], [*two_light, ask("day", 10, 14, weight=3)])
    assert heavy.given() == {"day": "a"}
    tie = solve([hall("a", 100)], [*two_light, ask("day", 10, 14, weight=2)])
    assert tie.given() == {"morning": "a", "afternoon": "a"}
    assert (tie.served, tie.served_weight, tie.weight_bound) == (2, 2, 2)


def test_the_solver_serves_all_where_greedy_first_fit_strands_one():
    # The big hall is the cheaper one, so greedy hands it to the first request
    # and the later, larger one finds nothing; the solver swaps them.
    units = [hall("big", 100, price=100), hall("small", 50, price=200)]
    requests = [ask("seminar", 9, 12, need=40, label="Seminar"), ask("congress", 10, 11, need=90)]
    baseline = greedy(Problem(tuple(units), tuple(requests), epoch=EPOCH))
    assert baseline.given() == {"seminar": "big"} and baseline.served == 1
    proposal = solve(units, requests)
    assert proposal.given() == {"seminar": "small", "congress": "big"}
    assert (proposal.baseline.served, proposal.served) == (1, 2)
    seminar = proposal.assignment("seminar")
    assert codes(seminar.reasons) == ["fits_seats", "best_free", "passed_over"]
    passed = seminar.reasons[2].args
    assert passed["unit"] == "Hall big" and passed["which"].code == "cheaper"
    assert [w.code for w in passed["why"]] == ["taken"] and passed["why"][0].args["holder"] == "request congress"


def test_a_combined_hall_blocks_its_parts_and_the_other_way_round():
    units = [hall("A", 150, parts=("A",)), hall("B", 150, parts=("B",)), hall("AB", 300, price=1800, parts=("A", "B"))]
    proposal = solve(units, [ask("gala", 10, 14, need=280, weight=5, label="Gala"), ask("talk", 12, 13, need=100)])
    assert proposal.given() == {"gala": "AB"}
    clashes = proposal.refusal("talk").reasons[0].args["clashes"]
    assert [(c.args["unit"], [w.code for w in c.args["why"]]) for c in clashes] == [
        ("Hall A", ["taken_shared"]), ("Hall B", ["taken_shared"]), ("Hall AB", ["taken"])]
    assert clashes[0].args["why"][0].args == {"other": "Hall AB", "holder": "Gala", "span": "2030-05-20 10:00–14:00"}
    # a booking on part A keeps the combined hall from the gala, but leaves B to the talk
    units[0] = hall("A", 150, parts=("A",), busy=[Busy(at(9), at(13), label="booking 7")])
    proposal = solve(units, [ask("gala", 10, 14, need=280, weight=5), ask("talk", 12, 13, need=100)])
    assert proposal.given() == {"talk": "B"}
    (clash,) = proposal.refusal("gala").reasons[0].args["clashes"]
    assert clash.args["unit"] == "Hall AB"
    assert [(w.code, w.args) for w in clash.args["why"]] == [
        ("busy_shared", {"other": "Hall A", "span": "2030-05-20 09:00–13:00", "what": "booking 7"}),
        ("taken_shared", {"other": "Hall B", "holder": "request talk", "span": "2030-05-20 12:00–13:00"})]


def test_a_stock_is_shared_up_to_its_size_at_any_moment():
    projectors = Unit("proj", "projector", "Projectors", stock=5, fixed_cost=50)
    wants = [ask(f"p{i}", 9 + i, 13 + i, kind="projector", quantity=2) for i in range(3)]
    proposal = solve([projectors], wants)
    assert proposal.served == 2  # any two: 2 + 2 + 2 > 5 while all three run, 11:00-13:00
    assert {a.cost for a in proposal.assignments} == {100}  # two items at 50
    (refused,) = proposal.unserved
    (clash,) = refused.reasons[0].args["clashes"]
    assert [(w.code, w.args) for w in clash.args["why"]] == [("short", {"available": 1, "stock": 5})]
    # when the third starts after the first ends, everyone is served
    later = [*wants[:2], ask("p2", 13, 15, kind="projector", quantity=2)]
    assert solve([projectors], later).served == 3


def test_items_out_on_existing_bookings_count_against_the_stock():
    projectors = Unit("proj", "projector", "Projectors", stock=5, busy=[(at(8), at(10), 3)])
    wants = [ask("early", 9, 11, kind="projector", quantity=2), ask("also", 9, 11, kind="projector", quantity=2)]
    proposal = solve([projectors], wants)
    assert proposal.served == 1
    refused = next(u for u in proposal.unserved)
    assert refused.reasons[0].args["clashes"][0].args["why"][0].code == "short"
    assert solve([projectors], [ask("big", 9, 11, kind="projector", quantity=3)]).served == 0


def test_busy_windows_are_respected_and_end_where_they_end():
    units = [hall("cheap", 100, price=500, busy=[Busy(at(14), at(16), label="maintenance")]), hall("dear", 100)]
    proposal = solve(units, [ask("clash", 14.5, 15.5), ask("after", 16, 18)])
    assert proposal.given() == {"clash": "dear", "after": "cheap"}
    passed = proposal.assignment("clash").reasons[2].args
    assert passed["unit"] == "Hall cheap"
    assert [(w.code, w.args) for w in passed["why"]] == [
        ("busy", {"span": "2030-05-20 14:00–16:00", "what": "maintenance"})]


def test_reasons_for_requests_nothing_can_serve():
    units = [hall("a", 100), Unit("proj", "projector", "Projectors", stock=4)]
    proposal = solve(units, [
        ask("band", 9, 12, kind="troupe"),
        ask("congress", 9, 12, need=600),
        ask("screens", 9, 12, kind="projector", quantity=6),
        ask("listed", 9, 12, candidates=()),
    ])
    assert proposal.served == 0
    found = {u.request_id: (u.reasons[0].code, u.reasons[0].args) for u in proposal.unserved}
    assert found == {
        "band": ("no_kind", {"kind": "troupe"}),
        "congress": ("too_small", {"need": 600, "largest": 100}),
        "screens": ("stock_short", {"quantity": 6, "largest": 4}),
        "listed": ("no_candidates", {}),
    }


def test_explicit_candidates_bring_their_own_prices_whatever_the_kind():
    units = [hall("grand", 500, price=20000), hall("room", 60, price=3000), Unit("lawn", "garden", "Lawn", 200)]
    offer = ask("party", 18, 22, need=50, candidates=[("grand", 2000), ("lawn", 2500)])
    proposal = solve(units, [offer])
    assert proposal.given() == {"party": "grand"} and proposal.total_cost == 2000


def test_identical_rooms_are_interchangeable_and_each_gets_its_own_request():
    rooms = [hall(f"r{i}", 40, price=800) for i in range(3)]
    requests = [ask(f"m{i}", 9 + i * 0.5, 12) for i in range(4)] + [ask("late", 12, 14)]
    proposal = solve(rooms, requests)
    given = proposal.given()
    assert proposal.served == 4 and "late" in given
    overlapping = [given[f"m{i}"] for i in range(4) if f"m{i}" in given]
    assert sorted(overlapping) == ["r0", "r1", "r2"]


def test_with_no_time_the_greedy_answer_stands():
    units = [hall("big", 100, price=100), hall("small", 50, price=200)]
    requests = [ask("seminar", 9, 12, need=40), ask("congress", 10, 11, need=90)]
    proposal = solve(units, requests, time_limit=0)
    assert proposal.status == TIMEOUT
    assert proposal.given() == {"seminar": "big"} and proposal.figures == proposal.baseline


def test_one_project_gets_the_cheapest_conflict_free_set_for_its_needs():
    units = [hall("main", 300, price=9000), hall("annex", 250, price=7000), hall("side", 60, price=1500),
             Unit("chef", "catering", "Jade Kitchen", capacity=400, fixed_cost=30000),
             Unit("band", "troupe", "String quartet", fixed_cost=8000,
                  busy=[Busy(at(19, day=1), at(23, day=1), label="booking 12")])]
    needs = [ask("plenary", 9, 17, need=240, weight=5), ask("breakout", 13, 15, need=50),
             ask("lunch", 12, 13.5, kind="catering", need=240), ask("music", 19, 22, kind="troupe")]
    proposal = propose_for_needs(units, needs, epoch=EPOCH)
    assert proposal.given() == {"plenary": "annex", "breakout": "side", "lunch": "chef", "music": "band"}
    assert proposal.total_cost == 7000 + 1500 + 30000 + 8000
