"""Publishes a hook of its own ("what does this project cost you?") for others to answer."""
from core import Manifest, hookimpl
from tests.plugins_for_tests import publisher_hookspecs

manifest = Manifest(name="publisher", version="1.0", title={"zh_Hans": "发布者", "en": "Publisher"})


@hookimpl
def huiwu_add_hookspecs(pm):
    pm.add_hookspecs(publisher_hookspecs)
