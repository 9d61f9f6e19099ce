"""Every user-visible source string has a Dutch translation whose placeholders match.

The messages are extracted from pact/ exactly as `make translations` does (Babel, with
babel.cfg), so a string added without a translation fails here, with its location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from pact import i18n

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "resources" / "locale" / "nl" / "LC_MESSAGES" / "pact.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")

MessageId = str | tuple[str, ...]


def extracted() -> dict[MessageId, list[str]]:
    """msgid (a tuple for plurals) -> where it is used, as `make translations` sees it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[MessageId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / "pact", method_map, options_map, keywords=KEYWORDS
    ):
        key = tuple(message) if isinstance(message, list | tuple) else message
        if not (key[0] if isinstance(key, tuple) else key):
            continue  # _("") or _(variable): nothing to translate
        found.setdefault(key, []).append(f"pact/{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(messages: dict[MessageId, list[str]], catalog: Catalog) -> list[str]:
    """One line per missing, fuzzy or mismatched translation."""
    out: list[str] = []
    for msgid, where in sorted(messages.items(), key=lambda kv: str(kv[0])):
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalog.get(singular)
        place = ", ".join(where[:3])
        if entry is None or entry.fuzzy:
            state = "missing" if entry is None else "fuzzy"
            out.append(f"{state}: msgid {singular!r}  ({place})")
            continue
        forms = list(entry.string) if isinstance(entry.string, list | tuple) else [entry.string]
        if not forms or not all(forms):
            out.append(f"untranslated: msgid {singular!r}  ({place})")
            continue
        source = [msgid] if isinstance(msgid, str) else list(msgid)
        allowed = set().union(*(placeholders(s) for s in source))
        for form in forms:
            extra = placeholders(form) - allowed
            if extra:
                out.append(f"unknown placeholder {sorted(extra)} in msgstr for {singular!r}")
        last_needed = placeholders(source[-1])
        if placeholders(forms[-1]) != last_needed:
            out.append(
                f"placeholders differ for {singular!r}: msgid {sorted(last_needed)}, "
                f"msgstr {sorted(placeholders(forms[-1]))}"
            )
    return out


def _read_catalogue() -> Catalog:
    if not CATALOGUE.exists():
        pytest.fail(f"no Dutch catalogue at {CATALOGUE.relative_to(ROOT)}; run `make translations`")
    with CATALOGUE.open("rb") as fh:
        return read_po(fh, locale="nl", domain="pact")


def test_messages_are_found_in_every_layer() -> None:
    where = {loc.split(":")[0] for locs in extracted().values() for loc in locs}
    layers = {"/".join(Path(w).parts[:2]) for w in where}
    for layer in ("pact/security", "pact/services", "pact/reports", "pact/db"):
        assert layer in layers, f"no translatable strings found in {layer}"


def test_every_message_has_a_dutch_translation() -> None:
    messages = extracted()
    found = problems(messages, _read_catalogue())
    assert not found, (
        f"{len(found)} of {len(messages)} messages lack a good Dutch translation in "
        f"{CATALOGUE.relative_to(ROOT)} (run `make translations`, then translate):\n"
        + "\n".join(found)
    )


def test_the_dutch_catalogue_is_what_the_app_uses() -> None:
    catalog = _read_catalogue()
    translated = [m for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy]
    assert translated, "the Dutch catalogue has no translations yet"
    i18n.set_language("nl")
    for message in translated[:25]:
        assert i18n._(message.id) == message.string


# --- the checker itself must be able to fail --------------------------------------------


def _catalog(entries: Iterable[tuple[MessageId, str | tuple[str, ...], bool]]) -> Catalog:
    catalog = Catalog(locale="nl")
    for msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    return catalog


def test_the_checker_finds_missing_fuzzy_and_placeholder_errors() -> None:
    messages: dict[MessageId, list[str]] = {
        "Save": ["pact/a.py:1"],
        "Delete {name}?": ["pact/a.py:2"],
        "Rename {old} to {new}": ["pact/a.py:3"],
        "Archived": ["pact/a.py:4"],
        "Not there": ["pact/a.py:5"],
        ("{n} partner", "{n} partners"): ["pact/a.py:6"],
        "Use {{braces}} for {field}": ["pact/a.py:7"],
    }
    catalog = _catalog(
        [
            ("Save", "Opslaan", False),
            ("Delete {name}?", "{naam} verwijderen?", False),
            ("Rename {old} to {new}", "Hernoem {old}", False),
            ("Archived", "Gearchiveerd", True),
            (("{n} partner", "{n} partners"), ("één partner", "{n} partners"), False),
            ("Use {{braces}} for {field}", "Gebruik {{accolades}} voor {field}", False),
        ]
    )
    found = "\n".join(problems(messages, catalog))
    assert "missing: msgid 'Not there'" in found
    assert "fuzzy: msgid 'Archived'" in found
    assert "unknown placeholder ['naam']" in found
    assert "placeholders differ for 'Rename {old} to {new}'" in found
    assert "Save" not in found
    assert "partner" not in found  # a singular without {n} is fine in Dutch
    assert "braces" not in found  # {{ }} is a literal brace, not a placeholder
    assert not problems({"Save": ["x"]}, catalog)
