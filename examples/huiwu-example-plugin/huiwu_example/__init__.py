"""Notes: the smallest complete Huiwu plugin, written as a third party would.

Everything it contributes comes through hooks; nothing in the Huiwu
repository knows it exists.
"""
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from core import Manifest, hookimpl
from core.admin import SecureModelView
from core.security import Permission, RecordRule, RoleSpec
from huiwu_example import handlers
from huiwu_example.models import Note

manifest = Manifest(
    name="example",
    version="0.1.0",
    title={"zh_Hans": "便签", "en": "Notes"},
    description={"zh_Hans": "第三方插件示例：个人便签。", "en": "Third-party plugin example: personal notes."},
    application=True,
)


@hookimpl
def huiwu_models():
    return [Note]


@hookimpl
def huiwu_permissions():
    return [
        Permission("example.note.read", _l("Notes: read")),
        Permission("example.note.create", _l("Notes: create")),
        Permission("example.note.update", _l("Notes: update")),
        Permission("example.note.delete", _l("Notes: delete")),
        Permission("example.note.export", _l("Notes: export")),
        Permission("example.note.read_all", _l("Notes: see everyone's")),
    ]


@hookimpl
def huiwu_default_roles():
    return [RoleSpec("note_taker", _l("Note taker"),
                     ("example.note.read", "example.note.create", "example.note.update",
                      "example.note.delete", "example.note.export"))]


@hookimpl
def huiwu_record_rules():
    # A user sees the notes they wrote, unless they may read everyone's.
    return [RecordRule(Note, lambda p: Note.created_by_id == p.user_id,
                       unless="example.note.read_all", title=_l("Own notes only"))]


class NoteView(SecureModelView):
    permission_prefix = "example.note"
    column_list = ("title", "created_at")
    column_searchable_list = ("title",)
    column_labels: ClassVar = {"title": _l("Title"), "body": _l("Text"), "created_at": _l("Written at")}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if is_created:
            handlers.emit_note_created(self.session, model)


@hookimpl
def huiwu_admin_views(session):
    return [NoteView(Note, session, name=_l("My notes"), category=_l("Notepad"), endpoint="example_notes")]


@hookimpl
def huiwu_api_blueprints():
    from huiwu_example.api import blp

    return [blp]


@hookimpl
def huiwu_events():
    return [handlers.NOTE_CREATED]


@hookimpl
def huiwu_event_handlers():
    return handlers.HANDLERS


@hookimpl
def huiwu_portal_pages():
    from huiwu_example.portal import page

    return [page]
