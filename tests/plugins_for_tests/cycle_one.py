from core import Manifest

manifest = Manifest(name="cycle_one", version="1.0", title={"zh_Hans": "环一", "en": "Cycle one"},
                    depends=("cycle_two",))
