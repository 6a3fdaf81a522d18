"""The application factory: one Flask app wiring the kernel's web surfaces.

``gunicorn "core.app:create_app()"`` runs it in production; every worker
builds the same app from the same database, so they agree on which modules
are on without talking to each other.
"""
from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from core.admin.setup import init_admin
from core.api.setup import init_api
from core.config import Settings
from core.kernel import Kernel
from core.notify.setup import init_notify
from core.portal.setup import init_portal
from core.services.setup import init_services
from core.web import views as web_views
from core.web.auth import init_login
from core.web.csrf import RememberingCSRF
from core.web.errors import BoundedIntConverter, init_errors
from core.web.gating import EndpointOwners, init_gating
from core.web.guards import Guards
from core.web.i18n import init_babel
from core.web.sessions import RememberingSessionInterface


class Application(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask and flask-smorest call ``ensure_sync`` for every before-request
    function and every view wrapper on every request; the answer never
    changes, and ``inspect`` takes a few microseconds to give it each time.
    """

    #: Functions remembered; past this many the memory starts afresh.
    SYNC_LIMIT = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync[func]
        except KeyError:
            pass
        except TypeError:  # not hashable: ask every time
            return super().ensure_sync(func)
        if len(self._sync) >= self.SYNC_LIMIT:
            self._sync.clear()
        wrapped = self._sync[func] = super().ensure_sync(func)
        return wrapped


def create_app(settings: Settings | None = None, kernel: Kernel | None = None, **overrides) -> Flask:
    if kernel is None:
        settings = settings or Settings.from_env(**overrides)
        kernel = Kernel(settings)
    settings = kernel.settings
    app = Application("core", instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(settings.extra)
    app.session_interface = RememberingSessionInterface()
    app.extensions["huiwu"] = kernel
    # before any route is added: ids no database column holds answer 404
    app.url_map.converters["int"] = BoundedIntConverter
    owners = EndpointOwners()
    app.extensions["huiwu.owners"] = owners

    _add_plugin_templates(app, kernel)
    init_babel(app, kernel)
    csrf = RememberingCSRF(app)
    app.extensions["huiwu.csrf"] = csrf
    init_login(app, kernel)
    guards = Guards(app)  # after the caller is known: the gate, the API's and the portal's checks
    init_gating(kernel, owners, guards)

    web_views.init_views(app, kernel)
    init_services(app, kernel)
    init_notify(app, kernel)
    init_admin(app, kernel, owners)
    init_api(app, kernel, owners, csrf, guards)
    init_portal(app, kernel, owners, guards)
    init_errors(app, kernel)  # last: flask-smorest registers an HTTPException handler of its own

    @app.teardown_appcontext
    def _remove_session(_exc):
        kernel.session.remove()

    return app


def _add_plugin_templates(app, kernel) -> None:
    """Each plugin's ``templates/`` folder is searched after the kernel's, in dependency order."""
    folders = [p.path / "templates" for p in kernel.registry.loaded
               if p.path and (p.path / "templates").is_dir()]
    if folders:
        app.jinja_loader = ChoiceLoader([app.jinja_loader] + [FileSystemLoader(str(f)) for f in folders])
