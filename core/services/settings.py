"""Typed settings that plugins declare through ``huiwu_settings``, edited by administrators.

A plugin declares what it needs and a default; nothing is stored until an
administrator changes a value, so a new setting works the moment its
plugin is installed::

    SettingSpec("finance.vat_rate", Decimal, Decimal("0.06"), _l("VAT rate"), min_value=0, max_value=1)
    get(session, "finance.vat_rate")                 # Decimal("0.06") until changed
    set_value(session, "finance.vat_rate", "0.09")   # validated; ValidationFailed(field="finance.vat_rate")

Values live in ``core_setting`` as JSON, one audited and versioned row per
changed key; a stale edit (someone saved the key since the editor loaded it)
is a ``Conflict``, never a silent overwrite.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session

from core.errors import Conflict, ValidationFailed
from core.services.models import Attachment, Setting

log = logging.getLogger(__name__)

#: The types a setting may have; "text" is multi-line text, "list" a list of short
#: strings (typed comma-separated), "attachment" the id of an uploaded file.
TYPES = (str, "text", int, bool, Decimal, "list", "attachment")
TRUE_WORDS = {"1", "true", "on", "yes", "y"}
FALSE_WORDS = {"0", "false", "off", "no", "n", ""}
LIST_SEPARATORS = (",", "，", "、", ";", "；", "\n")
#: Where a session keeps the stored values it read in the current transaction (see ``_stored``).
CACHE_KEY = "huiwu.settings"


@dataclass(frozen=True)
class SettingSpec:
    """One setting a plugin (or the kernel) declares, with its type and default."""

    #: ``<plugin>.<name>`` (``core.<name>`` for the kernel's own).
    key: str
    #: One of ``TYPES``: str, int, bool, Decimal, "text", "list" or "attachment".
    type: object
    #: Returned by ``get`` until an administrator sets a value.
    default: object
    #: Lazy-translated label shown in the admin.
    title: object = ""
    #: Lazy-translated hint shown under the field.
    help: object = ""
    #: Allowed values: plain values or ``(value, label)`` pairs.
    choices: tuple | None = None
    #: Bounds for int and Decimal settings (inclusive).
    min_value: object = None
    max_value: object = None
    #: ``check(value)`` returns an error message or None, for rules beyond type and range.
    check: Callable | None = None
    #: ``normalise(value)`` tidies a valid value before it is stored (e.g. upper-cases a code).
    normalise: Callable | None = None
    #: Lazy-translated heading grouping related settings of one plugin on the admin page.
    section: object = ""
    #: Filled by the kernel.
    plugin: str | None = None

    @property
    def kind(self) -> str:
        """The type as a word: str, text, int, bool, decimal, list or attachment (for templates)."""
        return {str: "str", int: "int", bool: "bool", Decimal: "decimal"}.get(self.type, self.type)

    @property
    def choice_pairs(self) -> list[tuple[object, object]]:
        return [c if isinstance(c, tuple) else (c, c) for c in (self.choices or ())]


# -- declaring -----------------------------------------------------------------------

def collect(registry, kernel_specs=()) -> dict[str, SettingSpec]:
    """Every declared setting by key: the kernel's, then each plugin's in dependency order.

    Fails at start-up, naming the culprit, on a key outside the plugin's
    prefix, a duplicate key, an unknown type or a default its own rules refuse.
    """
    specs: dict[str, SettingSpec] = {}
    pairs = [(None, s) for s in kernel_specs] + list(registry.contributions("huiwu_settings"))
    for plugin, spec in pairs:
        owner = plugin or "core"
        if not spec.key.startswith(owner + "."):
            raise ValueError(f"{owner} declares setting {spec.key!r} outside its prefix")
        if spec.key in specs:
            raise ValueError(f"setting {spec.key!r} is declared twice ({owner})")
        if spec.type not in TYPES:
            raise ValueError(f"setting {spec.key!r} of {owner} has unknown type {spec.type!r}")
        spec = replace(spec, plugin=plugin) if spec.plugin != plugin else spec
        if spec.default is not None and spec.type != "attachment":
            try:
                coerce(spec, spec.default)
            except ValidationFailed as exc:
                raise ValueError(f"setting {spec.key!r} of {owner}: default refused ({exc})") from None
        specs[spec.key] = spec
    return specs


def spec_of(session, key: str) -> SettingSpec:
    try:
        return session.info["kernel"].setting_specs[key]
    except KeyError:
        raise KeyError(f"no setting {key!r} is declared") from None


# -- converting ----------------------------------------------------------------------

def coerce(spec: SettingSpec, raw) -> object:
    """Turn what a person typed (or a program passed) into the setting's type, or refuse."""
    value = _convert(spec, raw)
    if value is None:
        return None
    if spec.choices and value not in [v for v, _label in spec.choice_pairs]:
        _refuse(spec, _("choose one of the offered values."))
    if spec.min_value is not None and value < spec.min_value:
        _refuse(spec, _("must be at least %(min)s.", min=spec.min_value))
    if spec.max_value is not None and value > spec.max_value:
        _refuse(spec, _("must be at most %(max)s.", max=spec.max_value))
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            _refuse(spec, problem)
    return spec.normalise(value) if spec.normalise is not None else value


def _convert(spec: SettingSpec, raw):
    kind = spec.type
    text = raw.strip() if isinstance(raw, str) else raw
    if kind is str:
        return "" if raw is None else str(raw).strip()
    if kind == "text":
        return "" if raw is None else str(raw).replace("\r\n", "\n").strip()
    if kind == "list":
        if text is None:
            return []
        if isinstance(text, str):
            for sep in LIST_SEPARATORS[1:]:
                text = text.replace(sep, ",")
            text = text.split(",")
        return [str(item).strip() for item in text if str(item).strip()]
    if kind is bool:
        if isinstance(text, bool):
            return text
        if str(text).lower() in TRUE_WORDS:
            return True
        if str(text).lower() in FALSE_WORDS:
            return False
        _refuse(spec, _("answer yes or no."))
    if text is None or text == "":
        if kind == "attachment":
            return None
        _refuse(spec, _("a value is required."))
    if kind is int or kind == "attachment":
        if isinstance(text, bool):
            _refuse(spec, _("enter a whole number."))
        try:
            return int(text)
        except (TypeError, ValueError):
            _refuse(spec, _("enter a whole number."))
    if kind is Decimal:
        try:
            value = Decimal(str(text))
        except (InvalidOperation, ValueError):
            _refuse(spec, _("enter a number, such as 0.06."))
        if not value.is_finite():
            _refuse(spec, _("enter a number, such as 0.06."))
        return value
    raise TypeError(f"unknown setting type {kind!r}")


def _refuse(spec: SettingSpec, reason) -> None:
    raise ValidationFailed(_("%(title)s: %(reason)s", title=spec.title or spec.key, reason=reason),
                           field=spec.key)


def to_json(spec: SettingSpec, value):
    return str(value) if isinstance(value, Decimal) else value


def from_json(spec: SettingSpec, stored):
    """The stored value in the setting's type; the default if the declaration changed since."""
    try:
        return _convert(spec, stored)
    except ValidationFailed:
        log.warning("stored value of setting %s no longer fits its type; using the default", spec.key)
        return spec.default


# -- reading -------------------------------------------------------------------------

def get(session, key: str):
    """The value of ``key``: what an administrator set, else the declared default."""
    return values(session, [key])[key]


def values(session, keys) -> dict[str, object]:
    """Several settings by key (read from the database once per transaction)."""
    specs = {k: spec_of(session, k) for k in keys}
    stored = _stored(session)
    return {k: from_json(s, stored[k]) if k in stored else s.default for k, s in specs.items()}


def _stored(session) -> dict[str, object]:
    """Every stored value by key, read once per transaction and kept in the session until it ends.

    The table holds a row only per key an administrator changed, so reading
    all of it costs what reading one key does; an action asking for several
    settings (a tax rate, then an approval threshold)
    then makes one query. A new transaction reads again, so a change made by
    another process counts from the next request on; one made in this
    transaction (``_write``) drops what was read, and what was read inside a
    savepoint is forgotten with it.
    """
    if isinstance(session, scoped_session):
        session = session()
    cached = session.info.get(CACHE_KEY)
    if cached is not None:
        transaction = session.get_nested_transaction() or session.get_transaction()
        while transaction is not None and transaction is not cached[0]:
            transaction = transaction.parent
        if transaction is not None:
            return cached[1]
    stored = dict(session.execute(select(Setting.key, Setting.value).execution_options(huiwu_system=True)).all())
    session.info[CACHE_KEY] = (session.get_nested_transaction() or session.get_transaction(), stored)
    return stored


def versions(session, keys) -> dict[str, int]:
    """The version an editor saw per key (0 for a key never set), for ``update``."""
    rows = _rows(session, list(keys))
    return {k: rows[k].version if k in rows else 0 for k in keys}


def _rows(session, keys: list[str]) -> dict[str, Setting]:
    if not keys:
        return {}
    found = session.execute(
        select(Setting).where(Setting.key.in_(keys)).execution_options(huiwu_system=True)
    ).scalars()
    return {row.key: row for row in found}


# -- writing -------------------------------------------------------------------------

def set_value(session, key: str, value, *, version: int | None = None) -> None:
    """Validate and store one setting in the caller's transaction.

    ``version`` is the version the caller saw (0 = never set); when given and
    someone saved the key since, ``Conflict`` is raised and nothing changes.
    """
    update(session, {key: value}, None if version is None else {key: version})


def update(session, changes: dict, seen_versions: dict | None = None) -> list[str]:
    """Validate and store several settings at once, all or nothing; return the keys changed.

    Every invalid value is reported in one ``ValidationFailed`` whose
    ``errors`` map each key to its reason; a key someone else saved since
    ``seen_versions`` makes a ``Conflict`` naming it. Unchanged values are
    not written.
    """
    specs = {k: spec_of(session, k) for k in changes}
    errors: dict[str, list[str]] = {}
    wanted = {}
    for key, raw in changes.items():
        try:
            wanted[key] = coerce(specs[key], raw)
        except ValidationFailed as exc:
            errors[key] = [str(exc.message)]
    for key, value in wanted.items():
        if specs[key].type == "attachment" and value is not None and not _attachment_exists(session, value):
            errors[key] = [_("%(title)s: %(reason)s", title=specs[key].title or key,
                             reason=_("the file does not exist."))]
    if errors:
        if len(errors) == 1:
            key, reasons = next(iter(errors.items()))
            raise ValidationFailed(reasons[0], field=key)
        raise ValidationFailed(_("Some settings are not valid."), errors=errors)
    rows = _rows(session, list(wanted))
    current = {k: from_json(specs[k], rows[k].value) if k in rows else specs[k].default for k in wanted}
    changed = [k for k in wanted if wanted[k] != current[k]]
    stale = [k for k in changed if seen_versions is not None and k in seen_versions
             and seen_versions[k] != (rows[k].version if k in rows else 0)]
    if stale:
        message = stale_message()
        raise Conflict(message, errors={k: [str(message)] for k in stale})
    for key in changed:
        _write(session, rows.get(key), key, to_json(specs[key], wanted[key]))
    return changed


def _write(session, row: Setting | None, key: str, stored) -> None:
    (session() if isinstance(session, scoped_session) else session).info.pop(CACHE_KEY, None)
    if row is not None:
        row.value = stored
        session.flush()  # version_id_col: a concurrent writer's flush fails (StaleDataError)
        return
    try:
        with session.begin_nested():
            session.add(Setting(key=key, value=stored))
    except IntegrityError:
        raise Conflict(stale_message(), field=key) from None


def stored_row(session, key: str, seen_version: int | None = None) -> Setting:
    """The row of ``key``, created empty if the key was never set (for attaching files to it).

    ``seen_version`` as in ``set_value``: a stale one raises ``Conflict``.
    """
    spec_of(session, key)
    row = _rows(session, [key]).get(key)
    if seen_version is not None and seen_version != (row.version if row else 0):
        raise Conflict(stale_message(), field=key)
    if row is None:
        _write(session, None, key, None)
        row = _rows(session, [key])[key]
    return row


def stale_message():
    return _("Someone else changed this setting while you were editing it. "
             "Reload the page to see their value, then make your change again.")


def _attachment_exists(session, attachment_id: int) -> bool:
    return session.scalar(
        select(Attachment.id).where(Attachment.id == attachment_id).execution_options(huiwu_system=True)
    ) is not None

