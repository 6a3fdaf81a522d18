"""/api/v1/example/notes: a thin blueprint over the session.

The session acts as the caller, so the record rule (own notes only) holds
for the list, the count, a get-by-id and an edit alike; ``version`` guards
an edit against overwriting someone else's.
"""
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from core.api.base import abort_not_found, check_version, db, page_of, require
from core.api.blueprint import Blueprint
from core.api.schemas import RecordSchema, for_update
from huiwu_example.handlers import emit_note_created
from huiwu_example.models import Note

blp = Blueprint("example", __name__, url_prefix="example", description="Notes")


class NoteSchema(RecordSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20000))


@blp.route("/notes")
class Notes(MethodView):
    @blp.response(200, NoteSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        require("example.note.read")
        return page_of(select(Note).order_by(Note.id), pagination_parameters)

    @blp.arguments(NoteSchema)
    @blp.response(201, NoteSchema)
    def post(self, data):
        require("example.note.create")
        note = Note(**data)
        db().add(note)
        emit_note_created(db(), note)
        db().commit()
        return note


@blp.route("/notes/<int:note_id>")
class NoteById(MethodView):
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        require("example.note.read")
        return db().get(Note, note_id) or abort_not_found()

    @blp.arguments(for_update(NoteSchema))
    @blp.response(200, NoteSchema)
    def patch(self, data, note_id):
        require("example.note.update")
        note = db().get(Note, note_id) or abort_not_found()
        check_version(note, data.pop("version"))
        for key, value in data.items():
            setattr(note, key, value)
        db().commit()
        return note

    @blp.response(204)
    def delete(self, note_id):
        require("example.note.delete")
        note = db().get(Note, note_id) or abort_not_found()
        db().delete(note)
        db().commit()
