"""Mounting the portal under /portal: its login, home, and the pages plugins contribute.

Only portal users (clients) get in: staff are sent to the admin, and the
staff login refuses clients. A page of a disabled plugin answers 404 and
leaves the menu; its blueprint stays mounted, like every plugin's routes,
so that switching is live in every process.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import logout_user

from core.security import log as security_log
from core.web.i18n import LOCALES, chosen_locale
from core.web.views import LoginForm, do_login, safe_next

bp = Blueprint("portal", __name__, url_prefix="/portal")
#: Reached without being logged in.
PUBLIC_ENDPOINTS = frozenset({"portal.login"})


@bp.route("/")
def home():
    return render_template("huiwu/portal/home.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if g.principal.is_portal:
        return redirect(url_for("portal.home"))
    form = LoginForm()
    if form.validate_on_submit() and do_login(form, portal=True):
        return redirect(safe_next(url_for("portal.home")))
    status = 400 if request.method == "POST" else 200
    return render_template("huiwu/login.html", form=form, locales=LOCALES,
                           heading=_l("Log in to the client portal")), status


@bp.route("/logout", methods=["POST"])
def logout():
    kernel = current_app.extensions["huiwu"]
    db = kernel.session()
    security_log.record(db, "logout", g.principal, ip=request.remote_addr)
    db.commit()
    logout_user()
    return redirect(url_for("portal.login"))


class PortalMenu:
    """The portal's pages, as one request's user and enabled modules see them."""

    def __init__(self, kernel, pages: list[tuple[str, object]]):
        self.kernel = kernel
        self.pages = pages

    def entries(self) -> list[dict]:
        enabled = self.kernel.registry.enabled(self.kernel.session())
        locale = chosen_locale()
        shown = [
            (page.order, page.title_for(locale), page.endpoint)
            for plugin, page in self.pages
            if plugin in enabled and (page.permission is None or g.principal.can(page.permission))
        ]
        return [{"title": title, "url": url_for(endpoint), "active": request.endpoint == endpoint}
                for _order, title, endpoint in sorted(shown)]


def init_portal(app, kernel, owners, guards) -> PortalMenu:
    pages = [(plugin, page) for plugin, answer in kernel.registry.call("huiwu_portal_pages").items()
             for page in answer or []]
    mounted = {"portal"}
    for plugin, page in pages:
        page_bp = page.blueprint
        if page_bp.name in mounted:
            continue
        app.register_blueprint(page_bp, url_prefix="/portal/" + (page_bp.url_prefix or page_bp.name).strip("/"))
        owners.claim_prefix(page_bp.name, plugin)
        mounted.add(page_bp.name)
    app.register_blueprint(bp)
    menu = PortalMenu(kernel, pages)
    app.extensions["huiwu.portal"] = menu

    def portal_guard(_req):
        """Runs after the caller is known and a disabled plugin's page has answered 404."""
        if not g.principal.user_id:
            return redirect(url_for("portal.login", next=request.full_path))
        if not g.principal.is_portal:
            flash(_l("The portal is for clients; staff work here."), "info")
            return redirect(url_for("admin.index"))
        return None

    guards.add(lambda endpoint, blueprints: portal_guard if (
        blueprints and blueprints[-1] in mounted and endpoint not in PUBLIC_ENDPOINTS) else None)

    @app.context_processor
    def _portal_helpers():
        return {"portal_menu": menu.entries}

    return menu
