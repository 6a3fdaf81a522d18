from core import Manifest

manifest = Manifest(name="needs_hook_raises", version="1.0", title={"zh_Hans": "依赖出错", "en": "Needs"},
                    depends=("hook_raises",))
