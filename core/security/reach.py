"""Which mapped classes a statement can reach: the ones whose record rules it needs.

Attaching every rule's ``with_loader_criteria`` to every statement is
correct but costly: SQLAlchemy builds a cache key over each option's
criterion on every execution, and a rule on a class the statement never
touches changes nothing. So the rules attached are those of the classes the
statement can reach, found by walking it once per statement *shape* (its
SQL cache key: two statements with equal keys compile to the same SQL, so
they reach the same classes) and remembered.

The walk errs on the side of too many, never too few:

- every table, column and ORM entity anywhere in the statement: columns,
  FROM list, joins (also along relationships), WHERE, subqueries,
  ``exists()``, ``any()``/``has()``, UPDATE/DELETE targets;
- the whole inheritance family of each class reached;
- what a reached class loads *inside the same statement*: relationships
  not loaded lazily (``joined``, and to be safe ``selectin``, ``subquery``,
  ``immediate``), and the tables of its column expressions;
- loader options' paths (``joinedload(A.b)``, ``contains_eager``...) and the
  criteria of ``with_loader_criteria`` options the statement already has.

Anything it does not understand (a wildcard loader path, an option of
another kind, a criterion given as a lambda) answers "every rule". Lazy,
select-in and other relationship loads are statements of their own and pass
through the rule listener again, where they are walked in turn.
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.strategy_options import _AbstractLoad
from sqlalchemy.orm.util import AliasedInsp, LoaderCriteriaOption
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, ColumnElement
from sqlalchemy.sql.schema import Column
from sqlalchemy.sql.selectable import TableClause

from core.db.base import Base

#: Relationship loading strategies that never add to the statement that loads the parent.
SEPARATE_LOADS = frozenset({"select", "noload", "raise", "raise_on_sql", "dynamic", "write_only", True, None})

#: Statement shapes remembered per kernel; past this many the memory starts afresh.
SHAPES_LIMIT = 5000


class Unknown(Exception):
    """The statement holds something the walk cannot see through: every rule applies."""


def reached(statement) -> tuple[set, set]:
    """``(tables, mappers)`` the statement can reach; raises ``Unknown``."""
    tables: set = set()
    mappers: set = set()
    _walk(statement, tables, mappers)
    for option in getattr(statement, "_with_options", ()):
        _walk_option(option, tables, mappers)
    _close(tables, mappers)
    return tables, mappers


def _walk(element, tables: set, mappers: set) -> None:
    for item in visitors.iterate(element):
        if isinstance(item, TableClause):
            tables.add(item._deannotate())
        table = getattr(item, "table", None)
        if isinstance(table, TableClause):
            tables.add(table._deannotate())
        annotations = getattr(item, "_annotations", None)
        if annotations:
            for key in ("parentmapper", "parententity"):
                entity = annotations.get(key)
                if entity is not None:
                    mappers.add(entity.mapper)


def _walk_option(option, tables: set, mappers: set) -> None:
    if isinstance(option, LoaderCriteriaOption):
        if option.entity is None or option.deferred_where_criteria:
            raise Unknown(option)
        mappers.add(option.entity.mapper)
        _walk(option.where_criteria, tables, mappers)
    elif isinstance(option, _AbstractLoad):
        for load in getattr(option, "context", ()):
            _walk_path(load.path, mappers)
            for criterion in getattr(load, "_extra_criteria", ()) or ():
                _walk(criterion, tables, mappers)
            for value in (getattr(load, "local_opts", None) or {}).values():
                if isinstance(value, ClauseElement):  # with_expression(): rendered in the statement
                    _walk(value, tables, mappers)
        if getattr(option, "path", None) is not None:
            _walk_path(option.path, mappers)
    else:
        raise Unknown(option)


def _walk_path(path, mappers: set) -> None:
    for step in getattr(path, "path", path):
        if isinstance(step, Mapper):
            mappers.add(step)
        elif isinstance(step, AliasedInsp):
            mappers.add(step.mapper)
        elif isinstance(step, RelationshipProperty):
            mappers.add(step.parent)
            mappers.add(step.mapper)
        elif hasattr(step, "parent") and isinstance(step.parent, Mapper):
            mappers.add(step.parent)  # a column property: its class is already there
        else:
            raise Unknown(step)  # a wildcard ("*") or a token: could load anything


def _close(tables: set, mappers: set) -> None:
    """Add what the classes reached bring into the same statement, until nothing new comes."""
    todo = list(mappers) + [m for t in list(tables) for m in _mappers_of_table(t, mappers)]
    seen: set = set()
    while todo:
        mapper = todo.pop()
        if mapper in seen:
            continue
        seen.add(mapper)
        family = mapper.base_mapper.self_and_descendants
        todo.extend(family)
        tables.update(mapper.tables)
        for rel in mapper.relationships:
            if rel.lazy in SEPARATE_LOADS:
                continue
            todo.append(rel.mapper)
            for extra in (rel.secondary, rel.primaryjoin, rel.secondaryjoin):
                if extra is not None:
                    before = set(mappers)
                    _walk(extra, tables, mappers)
                    todo.extend(mappers - before)
        for prop in mapper.column_attrs:
            for column in prop.columns:
                if isinstance(column, ColumnElement) and not isinstance(column, Column):
                    before = set(mappers)
                    _walk(column, tables, mappers)
                    todo.extend(mappers - before)
    mappers |= seen


def _mappers_of_table(table, known: set):
    """Mappers over ``table``, in the kernel's registry and those of the mappers already known."""
    for registry in {Base.registry} | {m.registry for m in known}:
        for mapper in registry.mappers:
            if table in mapper.tables:
                yield mapper


class RuleReach:
    """Which rule models each statement shape reaches, for one list of record rules."""

    def __init__(self, rules):
        self.rules = rules
        self.size = len(rules)
        self._tables = {rule.model: _family_tables(rule.model) for rule in rules}
        self._shapes: dict = {}

    def current_for(self, rules) -> bool:
        return rules is self.rules and len(rules) == self.size

    def models(self, statement) -> frozenset | None:
        """The rule models ``statement`` reaches; None when it may reach any."""
        key = statement._generate_cache_key()
        if key is None:  # a statement SQLAlchemy cannot cache: walk it every time
            return self._models(statement)
        shape = key.key
        try:
            return self._shapes[shape]
        except KeyError:
            pass
        models = self._models(statement)
        if len(self._shapes) >= SHAPES_LIMIT:
            self._shapes.clear()
        self._shapes[shape] = models
        return models

    def _models(self, statement) -> frozenset | None:
        try:
            tables, _mappers = reached(statement)
        except Unknown:
            return None
        return frozenset(model for model, family in self._tables.items() if family & tables)


def _family_tables(model) -> frozenset:
    """Every table of the model's inheritance family: a rule on it limits its subclasses too."""
    mapper = inspect(model)
    return frozenset(t for m in mapper.base_mapper.self_and_descendants for t in m.tables)
