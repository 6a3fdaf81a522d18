"""Import from Excel, export to XLSX and CSV."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from core.api.base import db, require
from plugins.crm.api import blp
from plugins.crm.api.segments import FormatQuery, download
from plugins.crm.operations import exporting
from plugins.crm.operations.importing import import_workbook
from plugins.crm.schemas import ImportReportOut


class WorkbookFile(Schema):
    file = Upload(required=True)


class ImportOptions(Schema):
    only_good_rows = fields.Boolean(load_default=False)


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(WorkbookFile, location="files")
    @blp.arguments(ImportOptions, location="form")
    @blp.response(200, ImportReportOut)
    def post(self, files, options):
        """Import customers and contacts; one bad row imports nothing unless ``only_good_rows``."""
        require("crm.customer.import")
        require("crm.customer.create")
        session = db()
        report = import_workbook(session, files["file"], options["only_good_rows"])
        session.commit() if report.applied else session.rollback()
        return report


@blp.route("/export")
class Export(MethodView):
    @blp.arguments(FormatQuery, location="query")
    def get(self, query):
        """Customers (and, in XLSX, their contacts) the caller may see."""
        require("crm.customer.export")
        fmt = query["format"]
        content = (exporting.customers_csv(db()) if fmt == "csv" else exporting.customers_xlsx(db()))
        return download(content, "customers", fmt)
