"""Languages: zh_Hans by default, en on request, per user.

Flask-Admin's own Chinese catalogue answers to ``zh_Hans_CN``; ours live in
``zh_Hans``. Babel falls back from ``zh_Hans_CN`` to ``zh_Hans``, so asking
for ``zh_Hans_CN`` serves both.
"""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import Babel

LOCALES = {"zh_Hans": "中文", "en": "English"}
BABEL_LOCALE = {"zh_Hans": "zh_Hans_CN", "en": "en"}


def chosen_locale() -> str:
    principal = getattr(g, "principal", None)
    choice = session.get("locale") or (principal.locale if principal else None)
    if not choice:
        header = request.accept_languages.best_match(["zh", "en"]) if request else None
        choice = {"zh": "zh_Hans", "en": "en"}.get(header or "", None)
    if choice not in LOCALES:
        choice = current_app.extensions["huiwu"].settings.locale
    return choice if choice in LOCALES else "zh_Hans"


def init_babel(app, kernel) -> Babel:
    dirs = [str(app.root_path + "/translations")]
    for plugin in kernel.registry.loaded:
        if plugin.path and (plugin.path / "translations").is_dir():
            dirs.append(str(plugin.path / "translations"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.config["BABEL_DEFAULT_TIMEZONE"] = kernel.settings.timezone
    return Babel(
        app,
        locale_selector=lambda: BABEL_LOCALE[chosen_locale()],
        timezone_selector=lambda: kernel.settings.timezone,
    )
