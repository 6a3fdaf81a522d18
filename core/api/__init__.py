"""The REST API under /api/v1: flask-smorest blueprints from the kernel and plugins."""
