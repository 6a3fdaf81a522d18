"""Mounting the API: OpenAPI at /api/v1/openapi.json, docs served from an installed package."""
from __future__ import annotations

from flask_smorest import Api


def init_api(app, kernel, owners, csrf) -> Api:
    app.config.update(
        API_TITLE="Huiwu API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
    app.extensions["huiwu.api"] = api
    for plugin_name, blueprints in kernel.registry.call("huiwu_api_blueprints").items():
        for bp in blueprints or []:
            api.register_blueprint(bp, url_prefix=f"/api/v1/{bp.url_prefix or bp.name}".rstrip("/"))
            owners.claim_prefix(bp.name, plugin_name)
            csrf.exempt(bp)
    return api

