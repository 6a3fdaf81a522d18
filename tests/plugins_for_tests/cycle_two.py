from core import Manifest

manifest = Manifest(name="cycle_two", version="1.0", title={"zh_Hans": "环二", "en": "Cycle two"},
                    depends=("cycle_one",))
