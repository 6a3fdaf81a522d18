"""The client portal's "My notes": a list and a note, read under the same record rules."""
from flask import Blueprint, render_template_string
from sqlalchemy import select

from core.portal import PortalPage, abort_not_found, db, require
from core.web.i18n import chosen_locale
from huiwu_example.models import Note

bp = Blueprint("example_portal", __name__, url_prefix="notes")

TITLE = {"zh_Hans": "我的便签", "en": "My notes"}

LIST = """{% extends "huiwu/portal/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1 class="h3 mb-3">{{ title }}</h1>
<ul class="list-group" id="notes">
  {% for note in notes %}
  <li class="list-group-item"><a href="{{ url_for('example_portal.note', note_id=note.id) }}">{{ note.title }}</a></li>
  {% endfor %}
</ul>
{% endblock %}"""

ONE = """{% extends "huiwu/portal/base.html" %}
{% block title %}{{ note.title }}{% endblock %}
{% block content %}
<h1 class="h3 mb-3">{{ note.title }}</h1>
<p style="white-space: pre-wrap">{{ note.body or "" }}</p>
{% endblock %}"""


@bp.route("/")
def notes():
    require("example.note.read")
    rows = db().execute(select(Note).order_by(Note.id)).scalars().all()
    return render_template_string(LIST, notes=rows, title=page.title_for(chosen_locale()))


@bp.route("/<int:note_id>")
def note(note_id):
    require("example.note.read")
    return render_template_string(ONE, note=db().get(Note, note_id) or abort_not_found())


page = PortalPage(bp, "example_portal.notes", TITLE, order=10, permission="example.note.read")
