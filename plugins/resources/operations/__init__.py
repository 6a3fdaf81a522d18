"""Operations of the resources plugin: the work itself, callable without a request."""
