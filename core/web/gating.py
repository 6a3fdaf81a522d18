"""A disabled plugin's URLs answer 404, in every process, from the next request on.

Every route is registered at start-up; which plugin owns an endpoint is
recorded then, and each request checks it against the enabled set of its
own transaction.
"""
from __future__ import annotations

from flask import abort

from core.web.guards import Guards


class EndpointOwners:
    def __init__(self):
        self._prefix: dict[str, str] = {}
        #: called after each claim: what was worked out from the claims so far is out of date
        self._on_claim: list = []

    def claim_prefix(self, prefix: str, plugin: str | None) -> None:
        """Endpoints ``<prefix>.*`` belong to ``plugin`` (a blueprint or admin view endpoint)."""
        if plugin:
            self._prefix[prefix] = plugin
            for forget in self._on_claim:
                forget()

    def on_claim(self, forget) -> None:
        """Have ``forget()`` called after each claim from now on."""
        self._on_claim.append(forget)

    def owner(self, endpoint: str | None) -> str | None:
        """Asked once per endpoint (the gate's plan is kept by ``Guards``)."""
        return self._owner(endpoint) if endpoint else None

    def _owner(self, endpoint: str) -> str | None:
        head = endpoint.split(".", 1)[0]
        if head in self._prefix:
            return self._prefix[head]
        # flask-smorest nests blueprints: api.<blueprint>.<view>
        parts = endpoint.split(".")
        for i in range(len(parts) - 1, 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in self._prefix:
                return self._prefix[candidate]
            if parts[i - 1] in self._prefix:
                return self._prefix[parts[i - 1]]
        return None


def init_gating(kernel, owners: EndpointOwners, guards: Guards) -> None:
    def planner(endpoint, _blueprints):
        plugin = owners.owner(endpoint)
        if not plugin:
            return None

        def gate(_req):
            if not kernel.registry.is_enabled(kernel.session(), plugin):
                abort(404)
        return gate

    guards.add(planner)
    owners.on_claim(guards.forget)
