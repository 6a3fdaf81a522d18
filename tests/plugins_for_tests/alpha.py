"""A healthy plugin that others depend on."""
from core import Manifest, hookimpl
from core.security import Permission, RoleSpec

manifest = Manifest(name="alpha", version="1.0", title={"zh_Hans": "甲", "en": "Alpha"})


@hookimpl
def huiwu_permissions():
    return [Permission("alpha.thing.read", "Things: read")]


@hookimpl
def huiwu_default_roles():
    return [RoleSpec("alpha_reader", "Alpha reader", ("alpha.thing.read",))]
