"""An "Attachments" section for admin details pages, for views that opt in.

::

    class ContractView(AttachmentsMixin, SecureModelView):
        permission_prefix = "finance.contract"

The details page then lists the record's files (download links), and users
with ``<prefix>.update`` get an upload form (CSRF-protected) and may delete
the files they uploaded; ``core.attachment.delete`` may delete any. A view
with a details template of its own adds the section with the macro
``huiwu/services/attachments.html``::

    {% import 'huiwu/services/attachments.html' as attachments_ui %}
    {{ attachments_ui.section(admin_view, model) }}
"""
from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import ValidationFailed
from core.security.models import User
from core.services import attachments
from core.services.models import Attachment


class AttachmentsMixin:
    """Mix into a ``SecureModelView`` (before it) to give its records attachments."""

    details_template = "huiwu/services/details_attachments.html"

    # -- what the template asks ----------------------------------------------------

    def attachment_rows(self, model) -> list[dict]:
        """The record's files with their uploader's name, for the section's table."""
        items = attachments.attachments_of(self.session, model)
        ids = {a.created_by_id for a in items if a.created_by_id}
        names = dict(self.session.execute(
            select(User.id, User.name).where(User.id.in_(ids)).execution_options(huiwu_system=True)
        ).all()) if ids else {}
        return [{"attachment": a, "uploader": names.get(a.created_by_id, ""),
                 "may_delete": self.may_delete_attachment(a)} for a in items]

    def may_upload_attachment(self, model=None) -> bool:
        return self._may("update")

    def may_delete_attachment(self, att: Attachment) -> bool:
        principal = g.principal
        mine = att.created_by_id is not None and att.created_by_id == principal.user_id
        return self._may("update") and (mine or principal.can("core.attachment.delete"))

    def attachment_limits(self) -> dict:
        max_bytes, allowed = attachments.upload_limits(self.session)
        return {"max_mb": max_bytes // (1024 * 1024), "extensions": ", ".join(allowed)}

    def attachment_upload_url(self, model) -> str:
        return url_for(".attachment_upload", id=self.get_pk_value(model))

    def attachment_delete_url(self, model, att: Attachment) -> str:
        return url_for(".attachment_delete", id=self.get_pk_value(model), attachment=att.id)

    # -- routes ----------------------------------------------------------------------

    @expose("/attachments/upload/", methods=("POST",))
    def attachment_upload(self):
        model = self._visible_record()
        if not self.may_upload_attachment(model):
            abort(403)
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed(_("Choose a file to upload."), field="file")
            att = attachments.attach(self.session, model, upload.filename, upload.stream, upload.mimetype,
                                     field="file", read_permission=f"{self.permission_prefix}.read")
            self.session.commit()
        except ValidationFailed as exc:
            self.session.rollback()
            g.attachment_errors = exc.errors
            response = make_response(self.details_view())
            response.status_code = 422
            return response
        flash(_("%(name)s was attached.", name=att.filename), "success")
        return redirect(self._details_url(model))

    @expose("/attachments/delete/", methods=("POST",))
    def attachment_delete(self):
        model = self._visible_record()
        table, ident = attachments.owner_key(model)
        att = self.session.execute(select(Attachment).where(
            Attachment.id == request.args.get("attachment", type=int),
            Attachment.owner_table == table, Attachment.owner_id == ident)).scalar_one_or_none()
        if att is None:
            abort(404)
        if not self.may_delete_attachment(att):
            abort(403)
        name = att.filename
        attachments.delete_attachment(self.session, att)
        self.session.commit()
        flash(_("%(name)s was removed.", name=name), "success")
        return redirect(self._details_url(model))

    def _visible_record(self):
        """The record named by ``?id=``, through the session's record rules; 404 if hidden."""
        pk = self.model.__mapper__.primary_key[0]
        raw = request.args.get("id", "")
        try:
            ident = pk.type.python_type(raw)
        except (TypeError, ValueError, NotImplementedError):
            abort(404)
        model = self.session.execute(select(self.model).where(pk == ident)).scalar_one_or_none()
        if model is None:
            abort(404)
        return model

    def _details_url(self, model) -> str:
        return url_for(".details_view", id=self.get_pk_value(model))
