"""``GET /attachments/<id>``: a file, for users who may see the record it belongs to.

Anyone else gets 404 (we do not say whether the file exists). Files a
browser could run as a page (HTML, SVG, ...) are always sent as downloads,
under a sandboxing Content-Security-Policy.
"""
from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select

from core.services import attachments
from core.services.models import Attachment

log = logging.getLogger(__name__)

bp = Blueprint("attachments", __name__)


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    kernel = current_app.extensions["huiwu"]
    session = kernel.session()
    if g.principal.user_id is None:
        return redirect(url_for("web.login", next=request.full_path))
    att = session.execute(select(Attachment).where(Attachment.id == attachment_id)).scalar_one_or_none()
    if att is None or not attachments.may_read(session, att):
        abort(404)
    try:
        stream = attachments.open_stream(session, att)
    except FileNotFoundError:
        log.error("attachment %s: its file %s is missing from storage", att.id, att.storage_key)
        abort(404)
    response = send_file(stream, mimetype=att.content_type, as_attachment=not attachments.serve_inline(att),
                         download_name=att.filename, etag=att.sha256, max_age=0, conditional=False)
    response.headers["Content-Length"] = str(att.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def download_url(att: Attachment) -> str:
    return url_for("attachments.download", attachment_id=att.id)
