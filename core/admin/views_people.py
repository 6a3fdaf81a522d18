"""Admin pages (to be built)."""


def views(session) -> list:
    return []
