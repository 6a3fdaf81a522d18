def init_services(app, kernel) -> None:
    pass
