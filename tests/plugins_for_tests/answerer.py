"""Answers publisher's hook without depending on publisher: optional integration."""
from decimal import Decimal

from core import Manifest, hookimpl

manifest = Manifest(name="answerer", version="1.0", title={"zh_Hans": "回答者", "en": "Answerer"})


@hookimpl(optionalhook=True)
def huiwu_project_costs(project_id):
    return [("room hire", Decimal("1200.00") * project_id)]
