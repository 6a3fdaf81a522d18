from core import Manifest

manifest = Manifest(name="bad_manifest", version="1.0", title={"zh_Hans": "坏清单"})
