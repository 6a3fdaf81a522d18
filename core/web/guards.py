"""The kernel's checks before a view, run as one before-request function with a plan per endpoint.

The module gate, the API and the portal each guard some endpoints. Which
ones is a question of the endpoint alone (who owns it, which blueprints it
is under), so it is asked once per endpoint: each guard is given as a
*planner*, called with the endpoint and its blueprints, that returns the
check to run on every request to it, or None where the guard has nothing to
say. A request then runs only the checks its endpoint needs, in the order
the guards were added, instead of every guard asking the same questions
again on every request.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import request

#: ``check(request)``: None to go on, or a response to answer with instead of the view
#: (a check may also raise, e.g. ``abort(404)``).
Check = Callable[[object], object]
#: ``planner(endpoint, blueprints)``: the check for that endpoint, or None.
Planner = Callable[[str | None, tuple[str, ...]], Check | None]


class Guards:
    def __init__(self, app):
        self._planners: list[Planner] = []
        #: endpoint -> its checks (endpoints are a fixed set once the routes are registered)
        self._plans: dict[str | None, tuple[Check, ...]] = {}
        app.before_request(self._run)

    def add(self, planner: Planner) -> None:
        self._planners.append(planner)
        self.forget()

    def forget(self) -> None:
        """Plan every endpoint afresh: what a planner looks at changed (an endpoint's owner)."""
        self._plans.clear()

    def plan(self, endpoint: str | None, blueprints) -> tuple[Check, ...]:
        checks = tuple(check for planner in self._planners
                       if (check := planner(endpoint, tuple(blueprints))) is not None)
        self._plans[endpoint] = checks
        return checks

    def _run(self):
        req = request._get_current_object()
        endpoint = req.endpoint
        try:
            checks = self._plans[endpoint]
        except KeyError:
            checks = self.plan(endpoint, req.blueprints)
        for check in checks:
            answer = check(req)
            if answer is not None:
                return answer
        return None
