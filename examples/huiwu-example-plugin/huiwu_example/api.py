"""GET/POST /api/v1/example/notes: a thin blueprint over the session."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.base import abort_not_found, db, require
from huiwu_example.handlers import emit_note_created
from huiwu_example.models import Note

blp = Blueprint("example", __name__, url_prefix="example", description="Notes")


class NoteSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default=None, allow_none=True)
    version = fields.Integer(dump_only=True)


@blp.route("/notes")
class Notes(MethodView):
    @blp.response(200, NoteSchema(many=True))
    def get(self):
        require("example.note.read")
        return db().execute(select(Note).order_by(Note.id)).scalars().all()

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
