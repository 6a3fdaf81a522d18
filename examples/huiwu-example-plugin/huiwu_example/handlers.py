"""What the notes plugin does when a note is written: an example of both handler kinds.

* ``refuse_passwords`` runs inside the writer's transaction and vetoes a
  note whose title looks like it holds a password: nothing is saved and the
  writer sees the message.
* ``tell_author`` runs after commit, from the outbox (retried if it fails),
  and leaves a message in the author's inbox.
"""
from flask_babel import gettext as _

from core.errors import ValidationFailed
from core.events import EventType, Handler, emit
from core.notify import notify

NOTE_CREATED = EventType(
    "example.note_created",
    doc="A note was written. Sent by the notes API and admin, inside the writing transaction.",
    fields=("note_id", "title", "author_id"),
)

#: Words that suggest a secret is being written down where others may read it.
FORBIDDEN_WORDS = ("password", "密码")


def refuse_passwords(session, payload):
    title = payload["title"].lower()
    if any(word in title for word in FORBIDDEN_WORDS):
        raise ValidationFailed(_("Notes are no place for passwords; choose another title."), field="title")


def tell_author(session, payload):
    if payload.get("author_id"):
        notify(session, [payload["author_id"]], _("Note saved: %(title)s", title=payload["title"]),
               link=f"/admin/example_notes/details/?id={payload['note_id']}", channels=("inbox",))


HANDLERS = [
    Handler(NOTE_CREATED.name, refuse_passwords),
    Handler(NOTE_CREATED.name, tell_author, after_commit=True),
]


def emit_note_created(session, note):
    """Called where notes are written, after the note has its id."""
    session.flush()
    emit(session, NOTE_CREATED.name, note_id=note.id, title=note.title, author_id=note.created_by_id)
