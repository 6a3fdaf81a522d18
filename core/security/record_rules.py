"""Record rules: the ONE place that decides which rows a user may see or touch.

The rule is attached to the session, not to a view: every ORM SELECT,
UPDATE and DELETE the session runs gets the rules' criteria added through
``with_loader_criteria``, so a list, a count, a get-by-id typed by hand, an
export, a relation drop-down and a bulk update all see the same rows.
A statement gets the rules of the classes it can reach (``reach``): the
others would change nothing and cost a cache key each.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, event, false
from sqlalchemy.orm import with_loader_criteria

from core.security.principal import current
from core.security.reach import RuleReach

#: Execution option that lets kernel code read past the rules (loading the principal itself).
SYSTEM_OPTION = "huiwu_system"


@dataclass(frozen=True)
class RecordRule:
    #: The mapped class the rule limits (subclasses included).
    model: type
    #: ``domain(principal)`` returns a SQL criterion on ``model``; ``None`` = no limit, ``False`` = nothing.
    domain: Callable
    #: Holders of this permission are not limited by the rule (e.g. ``crm.customer.read_all``).
    unless: str | None = None
    #: Short description shown to administrators.
    title: object = ""
    #: Filled by the kernel: the plugin that declared the rule (None for the kernel).
    plugin: str | None = None


def criteria_for(rules, principal, model_rules_enabled) -> dict[type, object]:
    """The combined criterion per model for this principal."""
    by_model: dict[type, list] = {}
    for rule in rules:
        if not model_rules_enabled(rule.plugin):
            continue
        if rule.unless and principal.can(rule.unless):
            continue
        criterion = rule.domain(principal)
        if criterion is None:
            continue
        by_model.setdefault(rule.model, []).append(false() if criterion is False else criterion)
    return {m: (c[0] if len(c) == 1 else and_(*c)) for m, c in by_model.items()}


def install(session_class, kernel) -> None:
    """Attach rule enforcement to every session of ``session_class``."""

    @event.listens_for(session_class, "do_orm_execute")
    def _apply_rules(state):
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if state.is_column_load or state.execution_options.get(SYSTEM_OPTION):
            return
        options = _options_needed(kernel, state.session, state.statement)
        if options:
            state.statement = state.statement.options(*options)


def _options_needed(kernel, session, statement) -> tuple:
    """The rules' options ``statement`` gets when ``session`` runs it (none for a superuser)."""
    principal = current(session)
    if principal.is_superuser or not kernel.record_rules:
        return ()
    cache = session.info.get("huiwu.rule_criteria")
    if cache is None or cache[0] is not principal:
        cache = (principal, options_for(kernel, session, principal))
        session.info["huiwu.rule_criteria"] = cache
    if not cache[1].by_model:
        return ()
    return cache[1].for_models(reach_of(kernel).models(statement))


def limits(session, statement) -> bool:
    """True when a record rule limits the rows ``statement`` reads for the session's principal.

    A read no rule limits may run on the session's connection, past the ORM
    (cheaper per row when thousands are read); one that a rule limits must
    run through ``session.execute``, which adds the rule's criterion.
    """
    if statement.get_execution_options().get(SYSTEM_OPTION):
        return False
    return bool(_options_needed(session.info["kernel"], session, statement))


#: Option sets kept per process and kernel; past this many keys the cache starts afresh.
OPTIONS_CACHE_LIMIT = 5000


class RuleOptions:
    """One principal's ``with_loader_criteria`` options, one per ruled model, and the
    tuples of them that statements asked for (a tuple per set of models reached)."""

    def __init__(self, by_model: dict):
        self.by_model = by_model
        self._every = tuple(by_model.values())
        self._subsets: dict[frozenset, tuple] = {}

    def for_models(self, models: frozenset | None) -> tuple:
        """The options for ``models`` (None: every model), in the rules' order."""
        if models is None:
            return self._every
        options = self._subsets.get(models)
        if options is None:
            options = self._subsets[models] = tuple(
                option for model, option in self.by_model.items() if model in models)
        return options


def reach_of(kernel) -> RuleReach:
    """The kernel's memory of which rule models each statement shape reaches."""
    reach = kernel.__dict__.get("_rule_reach")
    if reach is None or not reach.current_for(kernel.record_rules):
        reach = kernel.__dict__["_rule_reach"] = RuleReach(kernel.record_rules)
    return reach


def options_for(kernel, session, principal) -> RuleOptions:
    """The ``with_loader_criteria`` options for ``principal``, shared across requests.

    A rule's domain depends on the principal only, so its criterion is built
    once per principal (an equal principal after a role change is a different
    key) and set of enabled modules, not once per request.
    """
    rules = kernel.record_rules
    enabled = kernel.registry.enabled(session)
    held = kernel.__dict__.get("_rule_options")
    if held is None or held[0] is not rules or held[1] != len(rules):
        held = kernel.__dict__["_rule_options"] = (rules, len(rules), {})
    cache = held[2]
    key = (principal, enabled)
    options = cache.get(key)
    if options is None:
        crit = criteria_for(rules, principal, lambda p: p is None or p in enabled)
        options = RuleOptions({model: with_loader_criteria(model, criterion, propagate_to_loaders=True)
                               for model, criterion in crit.items()})
        if len(cache) >= OPTIONS_CACHE_LIMIT:
            cache.clear()
        cache[key] = options
    return options
