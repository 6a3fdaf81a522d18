"""Column types with a business-neutral meaning: money, instants, secrets.

Money is a Decimal in a NUMERIC column; a float never gets in. Instants are
stored in UTC and refused when naive, so a time zone mistake fails loudly
instead of shifting a meeting by eight hours. Encrypted strings use AES-GCM
with a random nonce; since the ciphertext differs every time, exact lookups
go through a keyed hash (``blind_index``) kept in a column of its own.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import DateTime, Numeric, String, Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

MONEY_PRECISION = 18
MONEY_SCALE = 2
CENT = Decimal(1).scaleb(-MONEY_SCALE)


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_money(value) -> Decimal:
    """``value`` as an amount with two places, rounded half up (四舍五入); floats refused."""
    if isinstance(value, (float, bool)):
        raise TypeError(f"money refuses {type(value).__name__} {value!r}; pass a Decimal, int or str")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"money must be a finite amount, not {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class Money(TypeDecorator):
    """A Decimal amount with two places; floats are refused, not rounded.

    Sums and differences of amounts stay ``Money``. A product with a rate
    (``Line.amount * Decimal("0.065")``) is a plain number with ten places,
    because the rate must not be rounded to cents first; wrap it in
    ``type_coerce(..., Money)`` where the result is an amount again.
    """

    impl = Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_money(value)

    def process_result_value(self, value, dialect):
        if type(value) is Decimal and value.is_finite():  # what the drivers return: the short way
            return value.quantize(CENT, rounding=ROUND_HALF_UP)
        return None if value is None else to_money(Decimal(str(value)) if isinstance(value, float) else value)

    def coerce_compared_value(self, op, value):
        if op in (operators.mul, operators.truediv, operators.floordiv):
            return Numeric(28, 10, asdecimal=True)
        return self


def _as_utc(value) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"an instant must be a datetime, not {type(value).__name__} {value!r}")
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: attach a time zone")
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant, stored as UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = _as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect):
        """On SQLite, the stored text in one step: the same text SQLAlchemy's DATETIME writes
        (``2026-11-27 13:24:58.136984``), which it builds from a dict of the parts through
        %-formatting, at several times the cost, for every instant of every written row."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value):
            if value is None:
                return None
            return _as_utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")
        return process

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _Keyring:
    """The process's data key, derived into one key for encryption and one for hashing."""

    enc_key: bytes | None = None
    mac_key: bytes | None = None

    def configure(self, secret: str) -> None:
        root = hashlib.sha256(secret.encode()).digest()
        self.enc_key = hmac.new(root, b"huiwu-encrypt", hashlib.sha256).digest()
        self.mac_key = hmac.new(root, b"huiwu-blind-index", hashlib.sha256).digest()

    def require(self) -> None:
        if self.enc_key is None:
            raise RuntimeError("data key not configured: create the app or set HUIWU_DATA_KEY")


keyring = _Keyring()


def blind_index(value: str | None, normalise=lambda v: v.strip().lower()) -> str | None:
    """A keyed hash of ``value`` for exact-match lookups of encrypted columns."""
    if value is None or value == "":
        return None
    keyring.require()
    return hmac.new(keyring.mac_key, normalise(value).encode(), hashlib.sha256).hexdigest()


class EncryptedString(TypeDecorator):
    """Text stored as ``v1:<base64(nonce|ciphertext)>`` under AES-256-GCM."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        keyring.require()
        nonce = os.urandom(12)
        sealed = AESGCM(keyring.enc_key).encrypt(nonce, str(value).encode(), None)
        return "v1:" + base64.b64encode(nonce + sealed).decode()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        keyring.require()
        raw = base64.b64decode(value.removeprefix("v1:"))
        return AESGCM(keyring.enc_key).decrypt(raw[:12], raw[12:], None).decode()


def BlindIndex() -> String:
    """The column type holding a ``blind_index`` value."""
    return String(64)
