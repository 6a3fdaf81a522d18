"""Discovering plugins, ordering them, and keeping which are enabled."""
