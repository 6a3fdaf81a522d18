def init_notify(app, kernel) -> None:
    pass
