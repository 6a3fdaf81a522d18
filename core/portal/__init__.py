"""The client portal's shell; plugins add pages through ``huiwu_portal_pages``."""
from core.portal.pages import PortalPage  # noqa: F401
