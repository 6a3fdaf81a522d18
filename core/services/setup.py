"""Wiring the shared services into the web application (the admin pages come with the admin)."""
from __future__ import annotations

from core.services import attachments_web
from core.services.storage import storage_of


def init_services(app, kernel) -> None:
    """Mount the attachment download route and check the storage configuration at start-up."""
    storage_of(kernel)  # a bad HUIWU_STORAGE_URL fails here, not at the first upload
    app.register_blueprint(attachments_web.bp)
    app.jinja_env.globals.setdefault("attachment_url", attachments_web.download_url)
