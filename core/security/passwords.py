"""Password hashing with argon2id; the parameters travel inside each hash."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def use_parameters(parameters) -> None:
    """Change the hashing cost (``argon2.profiles``); the test suite uses the cheapest."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(parameters)
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
