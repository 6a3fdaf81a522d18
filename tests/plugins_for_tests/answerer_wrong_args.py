"""Answers publisher's hook with an argument the spec does not have."""
from core import Manifest, hookimpl

manifest = Manifest(name="answerer_wrong_args", version="1.0",
                    title={"zh_Hans": "参数错", "en": "Wrong arguments"})


@hookimpl(optionalhook=True)
def huiwu_project_costs(project_id, currency):
    return []
