"""Building the admin: the kernel's pages first, then each plugin's, in dependency order."""
from __future__ import annotations

from flask import current_app, g, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from core.admin.base import show_datetime
from core.admin.history import audit_action_label, shown_value
from core.admin.kernel_views import kernel_views


class HomeView(AdminIndexView):
    """The landing page: what the user can reach, per enabled module."""

    def is_accessible(self):
        return bool(g.principal.user_id) and not g.principal.is_portal

    def inaccessible_callback(self, name, **kwargs):
        if g.principal.is_portal:
            return redirect(url_for("portal.home"))
        return redirect(url_for("web.login", next=request.full_path))

    @expose("/")
    def index(self):
        kernel = current_app.extensions["huiwu"]
        enabled = kernel.registry.enabled(kernel.session())
        modules = [p for p in kernel.registry.loaded if p.name in enabled]
        return self.render("huiwu/admin/home.html", modules=modules)


def init_admin(app, kernel, owners) -> Admin:
    admin = Admin(
        app,
        name=_l("Huiwu"),
        url="/admin",
        index_view=HomeView(name=_l("Home"), url="/admin"),
        theme=Bootstrap4Theme(swatch="cerulean", fluid=True, base_template="huiwu/admin/master.html"),
    )
    for view in kernel_views(kernel.session):
        admin.add_view(view)
    for plugin_name, views in kernel.registry.call("huiwu_admin_views", session=kernel.session).items():
        for view in views or []:
            view.plugin = plugin_name
            owners.claim_prefix(view.endpoint, plugin_name)
            admin.add_view(view)
    app.extensions["huiwu.admin"] = admin

    @app.context_processor
    def _admin_helpers():
        return {"huiwu_datetime": show_datetime, "huiwu_audit_action": audit_action_label,
                "huiwu_value": shown_value}

    return admin
