"""Mounting the API under /api/v1: the kernel's endpoints, then each plugin's.

- OpenAPI at ``/api/v1/openapi.json`` (a disabled plugin's paths left out);
- interactive docs at ``/api/v1/docs``, Swagger UI served from the installed
  ``swagger_ui_bundle`` package: nothing is fetched from another host,
  because customers run this on closed networks;
- every endpoint needs a caller (401 otherwise, never a redirect); a
  cookie session must send ``X-CSRFToken`` on writes, a bearer token need not;
- every error is answered by ``core.web.errors`` in one JSON shape.
"""
from __future__ import annotations

import flask
from flask import Blueprint, current_app, g, render_template, url_for
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from core.api import audit, me, modules, tokens, users
from core.api.base import require_login
from core.api.schemas import ErrorSchema

API_PREFIX = "/api/v1"
KERNEL_BLUEPRINTS = (me.blp, tokens.blp, modules.blp, users.blp, audit.blp)
#: HTTP methods that change nothing, and so need no CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class HuiwuApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app, kernel, **kwargs):
        self.kernel = kernel
        #: blueprint name -> the plugin owning it (None: the kernel)
        self.blueprint_plugins: dict[str, str | None] = {}
        super().__init__(app, **kwargs)

    def _register_error_handlers(self):
        """None: ``core.web.errors`` answers every error, in the one shape."""

    def add_blueprint(self, bp, plugin: str | None) -> None:
        prefix = (bp.url_prefix or bp.name).strip("/")
        self.register_blueprint(bp, url_prefix=f"{API_PREFIX}/{prefix}")
        self.blueprint_plugins[bp.name] = plugin

    def hidden_tags(self) -> set[str]:
        enabled = self.kernel.registry.enabled(self.kernel.session())
        return {name for name, plugin in self.blueprint_plugins.items()
                if plugin is not None and plugin not in enabled}

    def _openapi_json(self):
        """The spec as this request's enabled modules see it."""
        spec = self.spec.to_dict()
        hidden = self.hidden_tags()
        if hidden:
            paths = {}
            for path, operations in spec.get("paths", {}).items():
                kept = {m: op for m, op in operations.items()
                        if not (isinstance(op, dict) and hidden & set(op.get("tags", ())))}
                if any(isinstance(op, dict) for op in kept.values()):
                    paths[path] = kept
            spec["paths"] = paths
            spec["tags"] = [t for t in spec.get("tags", []) if t.get("name") not in hidden]
        return current_app.response_class(flask.json.dumps(spec, indent=2, sort_keys=False),
                                          mimetype="application/json")

    def _openapi_swagger_ui(self):
        return render_template("huiwu_api/docs.html", title=self.spec.title,
                               spec_url=url_for(f"{self._make_doc_blueprint_name()}.openapi_json"))


def init_api(app, kernel, owners, csrf, guards) -> HuiwuApi:
    app.config.update(
        API_TITLE="Huiwu API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # flask-smorest registers the docs route only with a URL here; ours renders the page itself.
        OPENAPI_SWAGGER_UI_URL="local",
    )
    api = HuiwuApi(app, kernel, spec_kwargs={
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })
    app.extensions["huiwu.api"] = api
    app.register_blueprint(Blueprint(
        "huiwu_swagger", __name__, url_prefix=f"{API_PREFIX}/docs", template_folder="templates",
        static_folder=str(swagger_ui_path), static_url_path="/static"))
    for bp in KERNEL_BLUEPRINTS:
        api.add_blueprint(bp, None)
        csrf.exempt(bp)
    for plugin_name, blueprints in kernel.registry.call("huiwu_api_blueprints").items():
        for bp in blueprints or []:
            api.add_blueprint(bp, plugin_name)
            owners.claim_prefix(bp.name, plugin_name)
            csrf.exempt(bp)

    def api_guard(req):
        """Runs after the caller is known and a disabled plugin's URL has answered 404."""
        ctx = g._get_current_object()  # one context look-up for its attributes
        require_login(ctx)
        if req.method not in SAFE_METHODS and not ctx.via_token:
            csrf.protect()

    guards.add(lambda _endpoint, blueprints: api_guard if blueprints and blueprints[-1] in api.blueprint_plugins
               else None)
    return api
