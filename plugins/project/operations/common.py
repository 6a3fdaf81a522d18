"""Small helpers every operation of the plugin shares: time zones, checks, lookups."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import Forbidden, NotFound, ValidationFailed
from core.security.principal import current


def zone(session) -> ZoneInfo:
    return ZoneInfo(session.info["kernel"].settings.timezone)


def local_day(session, moment: datetime | None) -> date | None:
    """The calendar day of an instant in the company's zone."""
    return moment.astimezone(zone(session)).date() if moment else None


def at_local(session, day: date, hour: int = 9) -> datetime:
    """``day`` at ``hour`` o'clock in the company's zone, as an aware instant."""
    return datetime.combine(day, time(hour), tzinfo=zone(session))


def instant(session, value, field: str) -> datetime:
    """An aware instant from a datetime or ISO text; naive values are read in the company's zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(_("Not a valid date and time."), field=field) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(9))
    if not isinstance(value, datetime):
        raise ValidationFailed(_("Not a valid date and time."), field=field)
    return value if value.tzinfo else value.replace(tzinfo=zone(session))


def decimal(value, field: str, minimum: Decimal | None = Decimal(0)) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Not a valid number."), field=field) from None
    if not number.is_finite() or (minimum is not None and number < minimum):
        raise ValidationFailed(_("Must be a number of at least %(min)s.", min=minimum), field=field)
    return number


def require(session, permission: str) -> None:
    """Refuse unless the acting user holds ``permission`` (operations check too, not only views)."""
    if not current(session).can(permission):
        raise Forbidden(_("You do not have permission to do this.") + f" ({permission})")


def get_or_404(session, model, ident):
    """A row the acting user may see, by id; NotFound otherwise (a query, so record rules apply)."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    row = session.execute(select(model).where(model.id == ident)).scalar_one_or_none()
    if row is None:
        raise NotFound(_("Not found."))
    return row
