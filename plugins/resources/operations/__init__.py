"""The work of the resources plugin, callable without a request."""
