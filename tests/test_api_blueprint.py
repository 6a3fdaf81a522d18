"""The kernel's blueprint: one instance per arguments schema class, the same answers as flask-smorest's."""
from marshmallow import Schema, fields

from core.api.blueprint import ArgumentsParser


class Counted(Schema):
    made = 0
    limit = fields.Integer(required=True)

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


def test_a_schema_class_is_instantiated_once_for_every_request():
    parser = ArgumentsParser()
    first, second = parser._get_schema(Counted, None), parser._get_schema(Counted, None)
    assert first is second and Counted.made == 1
    instance = Counted()
    assert parser._get_schema(instance, None) is instance


def test_bad_arguments_still_answer_422_with_the_field(client_as, plugin_enabled, make_user):
    plugin_enabled("example")
    client = client_as(make_user("taker", roles=["note_taker"]))
    for _ in range(2):
        refused = client.post("/api/v1/example/notes", json={"title": ""})
        assert refused.status_code == 422
        assert "title" in str(refused.get_json())
