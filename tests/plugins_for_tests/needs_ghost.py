from core import Manifest

manifest = Manifest(name="needs_ghost", version="1.0", title={"zh_Hans": "缺", "en": "Needs ghost"},
                    depends=("ghost",))
