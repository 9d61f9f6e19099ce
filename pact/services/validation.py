"""Form validators shared by services and importers. Each returns a message or None."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pact.i18n import _

T = TypeVar("T")

_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_HOST = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for sorting, searching and duplicate checks."""
    # decompose, fold case, decompose again: "℠" -> "SM" -> "sm", "ǅ" -> "dž" -> "dz"
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def storable(text: str) -> str:
    """``text`` without NUL characters: PostgreSQL refuses them in text columns (SQLite
    would keep them), so both databases keep the same text; nobody types one."""
    return text.replace("\x00", "")


def storable_fields(data: T) -> T:
    """A dataclass (and the dataclasses in its tuples) with ``storable`` text."""
    if not dataclasses.is_dataclass(data) or isinstance(data, type):
        return data
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(data):
        value = getattr(data, f.name)
        if isinstance(value, str) and "\x00" in value:
            changes[f.name] = storable(value)
        elif isinstance(value, tuple) and any(dataclasses.is_dataclass(x) for x in value):
            changes[f.name] = tuple(storable_fields(x) for x in value)
    return dataclasses.replace(data, **changes) if changes else data


def clean(text: str | None) -> str:
    return storable((text or "").strip())


def required(value: str) -> str | None:
    return None if clean(value) else _("This field is required.")


def max_length(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("Use at most {n} characters.").format(n=limit)
    return None


def email(value: str) -> str | None:
    """An e-mail address (empty is allowed: use ``required`` for mandatory fields)."""
    value = clean(value)
    if not value:
        return None
    if len(value) > 254 or ".." in value or not _EMAIL.fullmatch(value):
        return _("Enter an e-mail address like name@example.nl.")
    return None


def phone_digits(value: str) -> str:
    return _SEPARATORS.sub("", value)


def phone(value: str) -> str | None:
    """A Dutch phone number: mobile (06), landline (01-05, 07), +31/0031 (also
    "+31 (0)6 ..."), 084/085/087/088 numbers, 0800/0900/0906/0909 service numbers
    (4 or 7 digits after the prefix) and the municipal 14 0xx(x)."""
    value = clean(value)
    if not value:
        return None
    digits = phone_digits(value)
    international = False
    for prefix in ("+31", "0031"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            digits = rest if rest.startswith("0") else "0" + rest
            international = True
            break
    # [0-9], not \d: \d also matches Arabic-Indic or full-width digits
    if (
        re.fullmatch(r"0[1-7][0-9]{8}", digits)
        or re.fullmatch(r"08[4578][0-9]{7}", digits)
        or re.fullmatch(r"0(800|900|906|909)[0-9]{4}([0-9]{3})?", digits)
        or (not international and re.fullmatch(r"140[0-9]{2,3}", digits))
    ):
        return None
    return _("Enter a Dutch phone number, like 06 12345678, 053 1234567, +31 6 12345678 or 14 053.")


def url(value: str) -> str | None:
    value = clean(value)
    if not value:
        return None
    candidate = value if "://" in value else "https://" + value
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        host = ""
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        # "mailto:a@b.nl" or "user:pw@host": not a web address of an organisation
        or "@" in parts.netloc
        # urlsplit silently drops tabs and newlines, so check for any whitespace here
        or any(ch.isspace() or not ch.isprintable() for ch in value)
        or not _HOST.match(host)
    ):
        return _("Enter a web address like www.example.nl.")
    return None
