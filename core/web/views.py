"""Log in, log out, choose a language; the front door for staff and clients."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.security import log as security_log
from core.security.login import authenticate
from core.security.principal import principal_for
from core.web import charts
from core.web.auth import LoginUser
from core.web.i18n import LOCALES, chosen_locale

bp = Blueprint("web", __name__)


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    return target if target.startswith("/") and not parts.netloc and not target.startswith("//") else default


def do_login(form: LoginForm, portal: bool):
    """Shared by the staff and the portal login pages."""
    kernel = current_app.extensions["huiwu"]
    db = kernel.session()
    user = authenticate(db, form.login.data, form.password.data, ip=request.remote_addr)
    if user is not None and user.is_portal != portal:
        security_log.record(db, "login_failed", principal_for(user), "wrong door", ip=request.remote_addr)
        user = None
    db.commit()
    if user is None:
        form.password.errors = list(form.password.errors) + [_l("Wrong login or password.")]
        return None
    login_user(LoginUser(principal_for(user)))
    if user.locale in LOCALES:
        session["locale"] = user.locale
    return user


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit() and do_login(form, portal=False):
        return redirect(safe_next(url_for("admin.index")))
    return render_template("huiwu/login.html", form=form, heading=_l("Log in to Huiwu"),
                           locales=LOCALES), (200 if request.method == "GET" else 400 if form.errors else 200)


@bp.route("/logout", methods=["POST", "GET"])
def logout():
    kernel = current_app.extensions["huiwu"]
    if g.principal.user_id:
        db = kernel.session()
        security_log.record(db, "logout", g.principal, ip=request.remote_addr)
        db.commit()
    logout_user()
    return redirect(url_for("web.login"))


@bp.route("/locale/<code>")
def set_locale(code: str):
    if code in LOCALES:
        session["locale"] = code
    return redirect(safe_next(url_for("web.home")))


def init_views(app, kernel) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(charts.bp)

    @app.context_processor
    def _helpers():
        return {"current_locale_code": chosen_locale, "huiwu_locales": LOCALES}
