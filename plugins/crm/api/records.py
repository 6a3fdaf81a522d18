"""Communication records and the timeline."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from core.api.base import abort_not_found, db, require
from plugins.crm.api import blp
from plugins.crm.models import Communication
from plugins.crm.operations import communications, customers
from plugins.crm.operations.attachments import attach_file
from plugins.crm.operations.email_import import import_eml
from plugins.crm.schemas import CommunicationIn, CommunicationOut


class EmlFile(Schema):
    file = Upload(required=True)


class EmlTarget(Schema):
    customer_id = fields.Integer(load_default=None)


@blp.route("/customers/<int:customer_id>/timeline")
class Timeline(MethodView):
    @blp.response(200, CommunicationOut(many=True))
    def get(self, customer_id):
        """The customer's records, service records and follow-ups, newest first."""
        require("crm.communication.read")
        customers.get_customer(db(), customer_id)
        return communications.timeline(db(), customer_id)


@blp.route("/communications")
class Communications(MethodView):
    @blp.arguments(CommunicationIn)
    @blp.response(201, CommunicationOut)
    def post(self, data):
        """Log a call, e-mail, visit or minutes by the caller."""
        require("crm.communication.create")
        session = db()
        customers.get_customer(session, data["customer_id"])
        record = communications.log_communication(session, **data)
        session.commit()
        return record


@blp.route("/communications/eml")
class EmlUpload(MethodView):
    @blp.arguments(EmlFile, location="files")
    @blp.arguments(EmlTarget, location="form")
    @blp.response(201, CommunicationOut)
    def post(self, files, form):
        """Turn an uploaded .eml file into an e-mail record (customer found by address if not given)."""
        require("crm.communication.create")
        session = db()
        if form["customer_id"] is not None:
            customers.get_customer(session, form["customer_id"])
        record = import_eml(session, files["file"].read(), form["customer_id"])
        session.commit()
        return record


class RecordFile(Schema):
    file = Upload(required=True)


@blp.route("/communications/<int:record_id>/files")
class RecordFiles(MethodView):
    @blp.arguments(RecordFile, location="files")
    @blp.response(201)
    def post(self, files, record_id):
        """Attach a file to a communication record (the kernel's size and type limits apply)."""
        require("crm.communication.update")
        session = db()
        record = session.get(Communication, record_id) or abort_not_found()
        upload = files["file"]
        attach_file(session, record, upload.filename, upload.stream, upload.mimetype)
        names = [n for n in (record.attachment_names or "").split("\n") if n] + [upload.filename]
        record.attachment_names = "\n".join(names)
        session.commit()
        return {"attachment_names": names}
