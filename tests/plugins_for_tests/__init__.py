"""Small fake plugins for the registry's tests: each shows one way a plugin can be wrong.

They are modules with a manifest and hook implementations, exactly like a
real plugin's package, but never installed: tests build a registry from
them with ``core.registry.discovery.plugins_from``.
"""
