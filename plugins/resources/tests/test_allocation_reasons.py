"""Reasons read as sentences in the reader's language, and bad input is refused field by field."""
from datetime import datetime

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel, force_locale

from core.errors import ValidationFailed
from plugins.resources.operations.allocation import Busy, Problem, Reason, Request, Unit, allocate
from plugins.resources.operations.allocation.reasons import MESSAGES

EPOCH = datetime(2030, 5, 20)


def week_problem() -> Problem:
    """A cheap hall under maintenance, a dear one, and two requests for the same afternoon."""
    halls = (Unit("east", "hall", "East Hall", 120, fixed_cost=3000, busy=[Busy(840, 960, label="maintenance")]),
             Unit("west", "hall", "West Hall", 150, fixed_cost=5000))
    wants = (Request("launch", "hall", 870, 1020, need=100, weight=2, label="Product launch"),
             Request("party", "hall", 900, 1080, need=80, label="Staff party"))
    return Problem(halls, wants, epoch=EPOCH)


@pytest.fixture
def zh_app(tmp_path):
    """A bare Flask app whose Chinese catalogue holds a few of the engine's messages."""
    catalog = Catalog(locale="zh_Hans_CN")
    for msgid, msgstr in [
        (MESSAGES["all_taken"], "合适的资源在该时段都已占用或分配：%(clashes)s。"),
        (MESSAGES["clash"], "%(unit)s：%(why)s"),
        (MESSAGES["busy"], "%(span)s 已占用（%(what)s）"),
        (MESSAGES["taken"], "已分配给%(holder)s（%(span)s）"),
        ("; ", "；"),
    ]:
        catalog.add(msgid, msgstr)
    folder = tmp_path / "zh_Hans_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    flask_app = Flask(__name__)
    Babel(flask_app, default_translation_directories=str(tmp_path))
    return flask_app


def test_an_assignment_and_a_refusal_read_as_sentences():
    proposal = allocate(week_problem())
    assert proposal.given() == {"launch": "west"}
    assert proposal.assignment("launch").text == (
        "West Hall: 150 seats for 100. "
        "Those that fit and cost less or leave fewer seats empty are not free: "
        "East Hall (cheaper) passed over: busy 2030-05-20 14:00–16:00 (maintenance).")
    assert proposal.refusal("party").text == (
        "Every resource that fits is busy or taken at that time: "
        "East Hall: busy 2030-05-20 14:00–16:00 (maintenance); "
        "West Hall: given to Product launch (2030-05-20 14:30–17:00).")


def test_reasons_follow_the_locale_they_are_shown_in(zh_app):
    refusal = allocate(week_problem()).refusal("party")
    with zh_app.app_context(), force_locale("zh_Hans_CN"):
        assert refusal.text == ("合适的资源在该时段都已占用或分配："
                                "East Hall：2030-05-20 14:00–16:00 已占用（maintenance）；"
                                "West Hall：已分配给Product launch（2030-05-20 14:30–17:00）。")
    with zh_app.app_context(), force_locale("en"):
        assert refusal.text.startswith("Every resource that fits is busy or taken at that time: East Hall: busy")


def test_every_message_has_the_values_it_names():
    proposal = allocate(week_problem())
    for line in [*proposal.assignments, *proposal.unserved]:
        assert "%(" not in line.text
    with pytest.raises(KeyError):
        Reason.of("no_such_code")


def test_bad_input_is_refused_naming_each_field():
    hall = Unit("a", "hall", "A", 100, busy=[(600, 500)])
    with pytest.raises(ValidationFailed) as caught:
        Problem((hall, Unit("a", "hall", "A again", -5, fixed_cost=12.5)), (
            Request("x", "hall", 600, 600, need=-1, weight=0),
            Request("x", "hall", 600, 700, candidates=[("nowhere", 100)]),
        ))
    assert sorted(caught.value.errors) == [
        "requests[0].end", "requests[0].need", "requests[0].weight", "requests[1].candidates[0]", "requests[1].id",
        "units[0].busy[0].end", "units[1].capacity", "units[1].fixed_cost", "units[1].resource_id"]
    assert str(caught.value.errors["units[1].fixed_cost"][0]) == "must be a whole number of minor units (fen)"


def test_a_stock_has_no_parts_and_busy_items_stay_within_it():
    with pytest.raises(ValidationFailed) as caught:
        Problem((Unit("p", "projector", "P", stock=4, parts=("x",), busy=[(0, 60, 5)]),), ())
    assert sorted(caught.value.errors) == ["units[0].busy[0].quantity", "units[0].parts"]
