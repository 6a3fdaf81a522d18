"""The hooks publisher asks others; a plugin keeps them in a module of their own."""
from core.hookspecs import hookspec


@hookspec
def huiwu_project_costs(project_id: int) -> list:
    """Return (label, amount) pairs the answering plugin charges to ``project_id``."""
