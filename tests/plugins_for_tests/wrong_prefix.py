from core import Manifest, hookimpl
from core.security import Permission

manifest = Manifest(name="wrong_prefix", version="1.0", title={"zh_Hans": "越界", "en": "Wrong prefix"})


@hookimpl
def huiwu_permissions():
    return [Permission("alpha.thing.delete", "Deletes alpha's things")]
