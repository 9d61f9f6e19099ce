"""One translation catalogue for every layer (services, reports, CLI and UI).

Source strings are English. The Dutch catalogue lives in
``resources/locale/nl/LC_MESSAGES/pact.po`` and is read with Babel at start-up,
so there is no compiled file that can go stale.
"""

from __future__ import annotations

import gettext
import io
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pact.config import DEFAULT_LANGUAGE, LANGUAGES, resources_dir

DOMAIN = "pact"
_lock = threading.Lock()
_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def catalogue_path(language: str) -> Path:
    return resources_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(language: str) -> gettext.NullTranslations:
    path = catalogue_path(language)
    if language == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(language: str | None) -> str:
    """Switch the whole process to ``language`` (``nl`` or ``en``)."""
    global _translations, _language
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    with _lock:
        _translations = load_translations(lang)
        _language = lang
    return lang


def language() -> str:
    return _language


def locale() -> Locale:
    return Locale.parse("nl_NL" if _language == "nl" else "en_GB")


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with ``_()``."""
    return message


def format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format=fmt, locale=locale())


def format_datetime(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_datetime(value, format=fmt, locale=locale())


def format_number(value: int | float | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=locale())
