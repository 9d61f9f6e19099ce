"""Recovery keys: written for people, checked before any attempt to open a database."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pact.db.engine import Passphrase, RawKey
from pact.security import credentials, recovery

KEY = bytes.fromhex("00" * 16 + "ff" * 16)
keys = st.binary(min_size=32, max_size=32)


@given(keys)
def test_round_trip(key: bytes) -> None:
    text = recovery.encode(key)
    assert recovery.decode(text) == key
    assert recovery.looks_like_recovery_key(text)


@given(keys)
def test_format_eleven_groups_of_five(key: bytes) -> None:
    text = recovery.encode(key)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){10}", text), text
    assert not set(text) & set("ILOU")  # no letters that read as digits or as each other


@given(keys)
def test_lower_case_spaces_and_look_alikes_accepted(key: bytes) -> None:
    text = recovery.encode(key)
    typed = text.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert recovery.decode(typed) == key
    assert recovery.decode(text.replace("-", "")) == key
    assert recovery.decode("  " + text.replace("-", " - ") + "\n") == key


# A 16-bit checksum catches a random error with probability 1 - 1/65536, so typos are
# checked exhaustively on fixed keys (deterministic) rather than on random ones.
FIXED_KEYS = [KEY, bytes(range(32)), bytes.fromhex("a5" * 32)]


@pytest.mark.parametrize("key", FIXED_KEYS, ids=["halves", "counting", "a5"])
def test_every_single_typo_is_caught(key: bytes) -> None:
    flat = recovery.encode(key).replace("-", "")
    silently_accepted = []
    for i, right in enumerate(flat):
        for wrong in recovery.ALPHABET:
            if wrong == right:
                continue
            typo = flat[:i] + wrong + flat[i + 1 :]
            try:
                decoded = recovery.decode(typo)
            except recovery.RecoveryKeyError:
                continue
            if decoded != key:
                silently_accepted.append(typo)
            # else: only the unused low bits of the last character changed: same key
    assert not silently_accepted


@pytest.mark.parametrize("key", FIXED_KEYS, ids=["halves", "counting", "a5"])
def test_every_swap_of_neighbours_is_caught(key: bytes) -> None:
    flat = recovery.encode(key).replace("-", "")
    for i in range(len(flat) - 1):
        if flat[i] == flat[i + 1]:
            continue
        swapped = flat[:i] + flat[i + 1] + flat[i] + flat[i + 2 :]
        with pytest.raises(recovery.RecoveryKeyError):
            recovery.decode(swapped)


@pytest.mark.parametrize(
    "text",
    ["", "ABCDE", "U" * recovery.LENGTH, recovery.encode(KEY)[:-1], recovery.encode(KEY) + "0"],
)
def test_malformed_text_is_not_a_recovery_key(text: str) -> None:
    assert not recovery.looks_like_recovery_key(text)
    with pytest.raises(recovery.RecoveryKeyError):
        recovery.decode(text)


def test_encode_refuses_a_key_of_another_length() -> None:
    with pytest.raises(ValueError):
        recovery.encode(b"short")


def test_known_vector_stays_stable() -> None:
    """Printed sheets must keep working with later versions of pact."""
    printed = "00000-00000-00000-00000-00000-3ZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZHP7R"
    assert recovery.encode(KEY) == printed
    assert recovery.decode(printed) == KEY
    assert len(printed) == recovery.LENGTH + 10  # 55 characters and 10 dashes


def test_typed_secret_is_recovery_key_or_passphrase() -> None:
    text = recovery.encode(KEY)
    key = credentials.parse_secret(text.lower())
    assert isinstance(key, RawKey) and key.key == KEY
    pp = credentials.parse_secret("correct horse battery staple")
    assert isinstance(pp, Passphrase) and pp.text == "correct horse battery staple"


def test_key_material_is_never_shown_in_repr() -> None:
    assert KEY.hex() not in repr(RawKey(KEY))
    assert "staple" not in repr(Passphrase("correct horse battery staple"))
