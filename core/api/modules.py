"""GET /api/v1/core/modules: every discovered module and its state."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from core.api.base import db, require
from core.api.blueprint import Blueprint
from core.api.schemas import Schema
from core.registry.models import ModuleState
from core.web.i18n import chosen_locale

blp = Blueprint("api_core_modules", __name__, url_prefix="core", description="Modules")


class ModuleSchema(Schema):
    name = fields.String()
    title = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    application = fields.Boolean(allow_none=True)
    depends = fields.List(fields.String())
    dependants = fields.List(fields.String())
    enabled = fields.Boolean()
    installed = fields.Boolean()
    installed_version = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why the module cannot be loaded"})


def module_rows(kernel, session, locale: str) -> list[dict]:
    states = {s.name: s for s in session.execute(
        select(ModuleState).execution_options(huiwu_system=True)).scalars()}
    enabled = kernel.registry.enabled(session)
    rows = []
    for name, plugin in sorted(kernel.registry.plugins.items()):
        manifest, state = plugin.manifest, states.get(name)
        rows.append({
            "name": name,
            "title": manifest.title_for(locale) if manifest else None,
            "description": manifest.description_for(locale) if manifest else None,
            "version": manifest.version if manifest else None,
            "application": manifest.application if manifest else None,
            "depends": list(plugin.depends),
            "dependants": sorted(kernel.registry.dependants(name)) if plugin.ok else [],
            "enabled": name in enabled,
            "installed": bool(state and state.installed),
            "installed_version": state.installed_version if state else None,
            "error": plugin.error,
        })
    return rows


@blp.route("/modules")
class Modules(MethodView):
    @blp.response(200, ModuleSchema(many=True))
    def get(self):
        require("core.module.read")
        return module_rows(current_app.extensions["huiwu"], db(), chosen_locale())
