"""Record rules hold wherever a row is reached: list, count, get-by-id, API, export."""
import pytest
from huiwu_example.models import Note
from sqlalchemy import func, select

from core.security.principal import act_as, load_principal


@pytest.fixture
def notes(kernel, plugin_enabled, make_user):
    plugin_enabled("example")
    alice = make_user("alice", roles=["note_taker"])
    bob = make_user("bob", roles=["note_taker"])
    with kernel.system_session() as s:
        a = Note(title="alice's plan", created_by_id=alice.id)
        b = Note(title="bob's secret", created_by_id=bob.id)
        s.add_all([a, b])
        s.commit()
        return {"alice": alice, "bob": bob, "a": a.id, "b": b.id}


def test_session_query_count_and_get_are_filtered(kernel, notes):
    with kernel.system_session() as s:
        act_as(s, load_principal(s, notes["alice"].id))
        assert [n.title for n in s.execute(select(Note)).scalars()] == ["alice's plan"]
        assert s.scalar(select(func.count()).select_from(Note)) == 1
        assert s.get(Note, notes["b"]) is None


def test_api_get_by_id_of_hidden_row_is_404(app, client_as, notes):
    client = client_as(notes["alice"])
    assert client.get(f"/api/v1/example/notes/{notes['a']}").status_code == 200
    hidden = client.get(f"/api/v1/example/notes/{notes['b']}")
    assert hidden.status_code == 404
    assert hidden.get_json()["code"] == "not_found"


def test_admin_details_and_edit_of_hidden_row_are_refused(client_as, notes):
    client = client_as(notes["alice"])
    page = client.get("/admin/example_notes/")
    assert "alice&#39;s plan" in page.get_data(as_text=True)
    assert "bob" not in page.get_data(as_text=True).split("<tbody>")[-1]
    details = client.get(f"/admin/example_notes/details/?id={notes['b']}")
    assert details.status_code == 302  # Flask-Admin: "record does not exist" and back to list
    export = client.get("/admin/example_notes/export/csv/")
    assert "alice's plan" in export.get_data(as_text=True)
    assert "bob's secret" not in export.get_data(as_text=True)


def test_disabled_plugin_answers_404_and_keeps_data(kernel, client_as, notes):
    from core.testing import plugin_state

    client = client_as(notes["alice"])
    with plugin_state(kernel, "example", False):
        assert client.get("/api/v1/example/notes").status_code == 404
        assert client.get("/admin/example_notes/").status_code == 404
    with plugin_state(kernel, "example", True):
        assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 2
