"""Passphrase mode, with keyring's 'fail' backend (no usable keyring, as on a bare system)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keyring.backends import fail
from sqlalchemy import text

from pact.db.database import open_database
from pact.db.engine import Passphrase, RawKey, connect_raw
from pact.errors import PactError, WrongKeyError
from pact.i18n import _
from pact.security import credentials
from pact.security.credentials import KeyringState
from pact.services import access
from pact.services.access import KeyMode, NeedPassphraseError, NeedSecretError

TRICKY = [
    "it's \"ë\" \\ x'00'",
    "'; PRAGMA key = 'x'; --",
    "x'" + "00" * 32 + "' trailing",
    "double \"quotes\" and 'single'",
    "Ünïcödé ☃ 日本語 passphrase",
    "   spaces around   ",
]


@pytest.fixture(autouse=True)
def no_keyring() -> None:
    assert isinstance(keyring.get_keyring(), fail.Keyring)


def _count_municipalities(path: Path, key: Passphrase | RawKey) -> int:
    database = open_database(path, key)
    try:
        with database.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM municipality")).scalar_one())
    finally:
        database.close()


def test_the_keyring_is_unavailable() -> None:
    assert credentials.probe(timeout=5) is KeyringState.UNAVAILABLE
    result = credentials.read_key(Path("/somewhere/pact.db"), timeout=5)
    assert result.state is KeyringState.UNAVAILABLE and result.key is None


def test_create_without_passphrase_is_refused(db_path: Path) -> None:
    with pytest.raises(NeedPassphraseError) as info:
        access.create(db_path)
    assert info.value.state is KeyringState.UNAVAILABLE
    assert str(info.value) == _(
        "This computer has no usable keyring: protect the database with a passphrase."
    )
    assert not db_path.exists()  # nothing was made


def test_create_with_pact_passphrase(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", "the passphrase of the test")
    created = access.create(db_path)
    created.db.close()
    assert created.mode is KeyMode.PASSPHRASE
    assert created.recovery_key is None  # the passphrase is the only key

    opened = access.open_auto(db_path)
    try:
        assert opened.mode is KeyMode.PASSPHRASE
    finally:
        opened.db.close()
    assert _count_municipalities(db_path, Passphrase("the passphrase of the test")) == 14

    monkeypatch.setenv("PACT_PASSPHRASE", "another passphrase")
    with pytest.raises(WrongKeyError):
        access.open_auto(db_path)


def test_a_given_passphrase_wins(db_path: Path) -> None:
    created = access.create(db_path, passphrase="given to create, 12345")
    created.db.close()
    assert created.mode is KeyMode.PASSPHRASE
    opened = access.open_with(db_path, "given to create, 12345")
    opened.db.close()
    assert opened.mode is KeyMode.PASSPHRASE and not opened.restored_to_keyring


def test_open_without_anything_needs_the_passphrase(db_path: Path) -> None:
    access.create(db_path, passphrase="only the person knows").db.close()
    with pytest.raises(NeedSecretError) as info:
        access.open_auto(db_path)
    assert info.value.state is KeyringState.UNAVAILABLE
    assert str(info.value) == _("Enter the passphrase of this database.")


def test_pact_passphrase_wins_over_the_recovery_key_variable(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.create(db_path, passphrase="the real passphrase").db.close()
    monkeypatch.setenv("PACT_RECOVERY_KEY", "not even a key")
    monkeypatch.setenv("PACT_PASSPHRASE", "the real passphrase")
    access.open_auto(db_path).db.close()


@pytest.mark.parametrize("passphrase", TRICKY)
def test_tricky_passphrases_work_and_are_not_sql(db_path: Path, passphrase: str) -> None:
    access.create(db_path, passphrase=passphrase).db.close()
    assert _count_municipalities(db_path, Passphrase(passphrase)) == 14
    # Near misses must not open it: no truncation at a quote, no trimming, no case folding.
    for near in {
        passphrase[:-1],
        passphrase + " ",
        passphrase.strip() or "x",
        passphrase.upper(),
        passphrase.split("'")[0] or "y",
    } - {passphrase}:
        with pytest.raises(WrongKeyError):
            open_database(db_path, Passphrase(near))


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1))
def test_any_passphrase_round_trips(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / f"pp-{abs(hash(passphrase))}.db"
    path.unlink(missing_ok=True)
    conn = connect_raw(path, Passphrase(passphrase))
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES ('kept')")
    conn.close()
    again = connect_raw(path, Passphrase(passphrase))
    assert again.execute("SELECT x FROM t").fetchall() == [("kept",)]
    again.close()
    with pytest.raises(WrongKeyError):
        connect_raw(path, Passphrase(passphrase + "!"))


def test_nul_and_empty_passphrases_are_refused() -> None:
    with pytest.raises(ValueError):
        Passphrase("")
    with pytest.raises(ValueError):
        Passphrase("before\x00after")


def test_a_weak_new_passphrase_is_explained() -> None:
    assert access.check_new_passphrase("short") == _("Use at least {n} characters.").format(
        n=access.MIN_PASSPHRASE
    )
    assert access.check_new_passphrase("a long enough passphrase") is None


def test_create_refuses_an_existing_file(db_path: Path) -> None:
    db_path.write_bytes(b"something else")
    with pytest.raises(PactError):
        access.create(db_path, passphrase="whatever it is")
    assert db_path.read_bytes() == b"something else"
