from core import Manifest, hookimpl
from core.security import RoleSpec

manifest = Manifest(name="unknown_role_permission", version="1.0",
                    title={"zh_Hans": "未知权限", "en": "Unknown permission"})


@hookimpl
def huiwu_default_roles():
    return [RoleSpec("clerk", "Clerk", ("unknown_role_permission.file.read",))]
