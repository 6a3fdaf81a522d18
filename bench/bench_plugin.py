"""The benchmarks' own plugin: a paged notes endpoint written the way a plugin writes one.

It is registered only by the benchmarks (``benchlib.registry_with_bench_plugin``),
never installed. ``GET /api/v1/bench/notes?limit=50&after=<id>`` returns one page
of the caller's notes through the kernel's whole path: session or token auth,
the module gate, the permission check, the record rule on ``example_note`` and
the response schema; ``POST`` writes one note (stamps, version, audit row).
"""
from __future__ import annotations

from flask.views import MethodView
from huiwu_example.models import Note
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core import Manifest, hookimpl
from core.api.base import db, require
from core.api.blueprint import Blueprint

manifest = Manifest(
    name="bench",
    version="0.0.0",
    title={"zh_Hans": "性能测试", "en": "Benchmarks"},
    depends=("example",),
    application=False,
)


class BenchNoteSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default=None, allow_none=True)
    version = fields.Integer(dump_only=True)


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))


blp = Blueprint("bench", __name__, url_prefix="bench", description="Benchmark endpoints")


def page_query(after: int, limit: int):
    """The query both the kernel and the bare endpoint run (the bare one adds the owner filter)."""
    return select(Note).where(Note.id > after).order_by(Note.id).limit(limit)


@blp.route("/notes")
class Notes(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, BenchNoteSchema(many=True))
    def get(self, args):
        require("example.note.read")
        return db().execute(page_query(args["after"], args["limit"])).scalars().all()

    @blp.arguments(BenchNoteSchema)
    @blp.response(201, BenchNoteSchema)
    def post(self, data):
        require("example.note.create")
        note = Note(**data)
        session = db()
        session.add(note)
        session.commit()
        return note


@hookimpl
def huiwu_api_blueprints():
    return [blp]
