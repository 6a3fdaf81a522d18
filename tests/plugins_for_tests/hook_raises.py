from core import Manifest, hookimpl

manifest = Manifest(name="hook_raises", version="1.0", title={"zh_Hans": "出错", "en": "Hook raises"})


@hookimpl
def huiwu_permissions():
    raise KeyError("permission table not ready")
