"""A healthy plugin depending on alpha, extending alpha's role."""
from core import Manifest, hookimpl
from core.security import RoleSpec

manifest = Manifest(name="beta", version="1.0", title={"zh_Hans": "乙", "en": "Beta"}, depends=("alpha",))


@hookimpl
def huiwu_default_roles():
    return [RoleSpec("alpha_reader", "Alpha reader", ("alpha.thing.read",))]
