"""RFM segments: the summary, recomputing on demand, campaign lists."""
from __future__ import annotations

from flask import Response, g
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api.base import db, require
from core.errors import NotFound
from plugins.crm.api import blp
from plugins.crm.models.choices import SEGMENTS
from plugins.crm.operations import rfm, segments
from plugins.crm.operations.elevated import as_system
from plugins.crm.operations.exporting import campaign_file
from plugins.crm.schemas import RunOut, SegmentOut

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


class FormatQuery(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(list(MIMETYPES)))


def download(content: bytes, filename: str, fmt: str) -> Response:
    return Response(content, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename={filename}.{fmt}"})


@blp.route("/segments")
class Segments(MethodView):
    @blp.response(200, SegmentOut(many=True))
    def get(self):
        """The eight segments with their size and average R, F, M (customers the caller may see)."""
        require("crm.segment.read")
        return segments.summary(db())


@blp.route("/segments/recompute")
class Recompute(MethodView):
    @blp.response(200, RunOut)
    def post(self):
        """Recompute every customer's RFM figures and segment now."""
        require("crm.segment.recompute")
        session = db()
        with as_system(session):
            run = rfm.recompute(session, triggered_by=g.principal.user_id)
        session.commit()
        return run


@blp.route("/segments/<segment>/campaign")
class Campaign(MethodView):
    @blp.arguments(FormatQuery, location="query")
    def get(self, query, segment):
        """The segment's customers with their main contact, for a campaign."""
        require("crm.segment.export")
        if segment not in SEGMENTS:
            raise NotFound(_("There is no segment %(code)s.", code=segment))
        return download(campaign_file(db(), segment, query["format"]), f"campaign-{segment}", query["format"])
