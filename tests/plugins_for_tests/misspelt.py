from core import Manifest, hookimpl

manifest = Manifest(name="misspelt", version="1.0", title={"zh_Hans": "拼错", "en": "Misspelt"})


@hookimpl
def huiwu_modelz():
    return []
