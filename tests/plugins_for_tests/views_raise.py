"""Starts fine, then fails while the admin is being built."""
from core import Manifest, hookimpl

manifest = Manifest(name="views_raise", version="1.0", title={"zh_Hans": "视图出错", "en": "Views raise"})


@hookimpl
def huiwu_admin_views(session):
    raise RuntimeError("cannot build the views")
