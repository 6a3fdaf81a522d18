from core import Manifest

manifest = Manifest(name="undecorated", version="1.0", title={"zh_Hans": "漏标", "en": "Undecorated"})


def huiwu_permissions():
    return []
