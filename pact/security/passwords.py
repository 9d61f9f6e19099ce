"""Log-in passwords: Argon2id hashes (argon2-cffi) and what a new password must be.

Only the hash is stored. ``check_new`` refuses a password that is too short, one
of the most common passwords (an English and Dutch list shipped with pact, see
``common_passwords.txt``), or one made of the user's own name.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pact.i18n import _

MIN_LENGTH = 10

# RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): argon2-cffi's default
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the stored hash (False for no hash at all)."""
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """The hash was made with weaker parameters than pact uses now."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("pact.security").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def check_new(password: str, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` may not be used, or None when it is good enough."""
    if len(password) < MIN_LENGTH:
        return _("Use at least {n} characters.").format(n=MIN_LENGTH)
    if password.strip() != password:
        return _("Do not start or end the password with a space.")
    lowered = password.lower()
    common = common_passwords()
    # "Welkom2024!" is "welkom" with decorations: strip digits and signs at the ends
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    if lowered in common or core in common or len(set(lowered)) < 4:
        return _("This password is one of the most used passwords: choose another.")
    # what is left without the user's own names must still be a password
    plain = _plain(password)
    rest = plain
    for name in sorted((username, *re.split(r"[\s.]+", display_name)), key=len, reverse=True):
        part = _plain(name)
        if len(part) >= 3:
            rest = rest.replace(part, "")
    if rest != plain and (len(rest) < 6 or rest.isdigit() or rest in common):
        return _("Do not make the password from your own name.")
    return None
