"""The client portal's shell; plugins add pages through ``huiwu_portal_pages``.

A portal page is an ordinary Flask view that renders a template extending
``huiwu/portal/base.html`` and reads through ``db()``: the request's session,
acting as the logged-in client, under the same record rules as the admin
and the API.
"""
from core.api.base import abort_not_found, db, require  # noqa: F401
from core.portal.pages import PortalPage  # noqa: F401
