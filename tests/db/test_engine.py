"""The SQLCipher engine: settings on every connection, wrong keys, encryption at rest."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from pact import config
from pact.db.database import Database, create_database, open_database
from pact.db.engine import (
    BUSY_TIMEOUT_MS,
    Passphrase,
    RawKey,
    connect_raw,
    make_engine,
    sqlite_header_is_plain,
)
from pact.errors import NotADatabaseError, WrongKeyError
from pact.i18n import _
from pact.security import recovery
from pact.services import access
from tests.conftest import TEST_KEY
from tests.db.conftest import file_state

EXPECTED_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "temp_store": 2,  # MEMORY
    "secure_delete": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
}


def _pragmas(conn: Connection) -> dict[str, object]:
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in EXPECTED_PRAGMAS}


def test_pragmas_on_every_pooled_connection(db: Database) -> None:
    # Two connections open at once are two DB-API connections from the pool.
    with db.engine.connect() as first, db.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        assert _pragmas(first) == EXPECTED_PRAGMAS
        assert _pragmas(second) == EXPECTED_PRAGMAS
    db.engine.dispose()  # a brand-new connection after the pool is emptied
    with db.engine.connect() as third:
        assert _pragmas(third) == EXPECTED_PRAGMAS


def test_pragmas_on_a_passphrase_engine_and_a_raw_connection(db_path: Path) -> None:
    database = create_database(db_path, Passphrase("a long passphrase"))
    try:
        with database.engine.connect() as conn:
            assert _pragmas(conn) == EXPECTED_PRAGMAS
    finally:
        database.close()
    raw = connect_raw(db_path, Passphrase("a long passphrase"))
    try:
        got = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in EXPECTED_PRAGMAS}
    finally:
        raw.close()
    assert got == EXPECTED_PRAGMAS


def test_foreign_keys_are_enforced(db: Database) -> None:
    with db.engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"):
        conn.execute(
            text("INSERT INTO organisation_domain (organisation_id, domain) VALUES (:o, :d)"),
            {"o": 999_999, "d": "legal"},
        )


def _put(database: Database, key: str, value: str) -> None:
    with database.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO app_setting (key, value) VALUES (:k, :v)"), {"k": key, "v": value}
        )


def _get(database: Database, key: str) -> str | None:
    with database.engine.connect() as conn:
        return conn.execute(
            text("SELECT value FROM app_setting WHERE key = :k"), {"k": key}
        ).scalar()


def test_file_is_encrypted_at_rest(db: Database, db_path: Path) -> None:
    _put(db, "secret", "Plaintextscan geheim@plaintextscan.example 074 555 0101")
    files = [db_path, *db_path.parent.glob(db_path.name + "-*")]
    assert any(f.name.endswith("-wal") for f in files)  # the data is in the WAL now
    for f in files:
        data = f.read_bytes()
        for needle in (b"Plaintextscan", b"geheim@", b"555 0101", b"Hengelo", b"CREATE TABLE"):
            assert needle not in data, f"{needle!r} readable in {f.name}"
    db.close()
    assert not sqlite_header_is_plain(db_path)
    assert not db_path.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.parametrize(
    "wrong",
    [RawKey(bytes(32)), Passphrase("not the passphrase")],
    ids=["raw-key", "passphrase"],
)
def test_wrong_key_is_refused_and_the_file_is_untouched(
    db: Database, db_path: Path, wrong: RawKey | Passphrase
) -> None:
    _put(db, "marker", "De Bron")
    db.close()  # the WAL is folded in and removed when the last connection closes
    before = file_state(db_path)
    assert before.siblings == {db_path.name}

    with pytest.raises(WrongKeyError) as info:
        open_database(db_path, wrong)
    assert str(info.value) == _("This key or passphrase does not open the database.")
    with pytest.raises(WrongKeyError):
        make_engine(db_path, wrong)
    with pytest.raises(WrongKeyError):
        connect_raw(db_path, wrong)

    assert file_state(db_path) == before  # same bytes, same mtime, no -wal/-shm left

    # and the right key still opens it, with the data
    again = open_database(db_path, TEST_KEY)
    try:
        assert _get(again, "marker") == "De Bron"
    finally:
        again.close()


def test_a_wrong_recovery_key_is_refused_and_the_file_is_untouched(
    db: Database, db_path: Path
) -> None:
    db.close()
    before = file_state(db_path)
    other = recovery.encode(bytes(range(1, 33)))  # well-formed, but another key
    with pytest.raises(WrongKeyError):
        access.open_with(db_path, other)
    typo = recovery.encode(bytes(range(32)))
    typo = ("Z" if typo[0] != "Z" else "Y") + typo[1:]
    with pytest.raises(WrongKeyError) as info:
        access.open_with(db_path, typo)
    assert str(info.value) == _(
        "This recovery key has a typing error. Check each group of five characters."
    )
    assert file_state(db_path) == before


def test_a_missing_or_empty_file_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotADatabaseError):
        open_database(tmp_path / "nothing.db", TEST_KEY)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(NotADatabaseError):
        open_database(empty, TEST_KEY)
    assert empty.stat().st_size == 0


def test_a_plain_sqlite_file_is_refused_unchanged(tmp_path: Path) -> None:
    import sqlite3

    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = file_state(plain)
    with pytest.raises(WrongKeyError):
        open_database(plain, TEST_KEY)
    assert file_state(plain) == before


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """A usual umask (022): pact must not rely on a strict one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("usual_umask")
def test_default_database_is_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", "a passphrase for the test")
    path = config.default_db_path()
    created = access.create(path)
    try:
        _put(created.db, "marker", "Privé")
        assert path.parent == config.data_dir()
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        for companion in path.parent.glob(path.name + "-*"):  # -wal, -shm
            assert _mode(companion) & 0o077 == 0, companion.name
    finally:
        created.db.close()


@pytest.mark.usefixtures("usual_umask")
def test_create_file_is_owner_only_under_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "pact.db"
    database = create_database(path, TEST_KEY)
    database.close()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_two_units_of_work_at_once_in_one_thread(db: Database) -> None:
    """A read in one unit of work while another has an open write (each its own connection).

    With one shared connection per thread (SQLAlchemy's pool for in-memory SQLite)
    the second BEGIN failed, and closing one session rolled back the other's work.
    """
    with db.uow() as writer:
        writer.session.execute(text("INSERT INTO app_setting (key, value) VALUES ('w', '1')"))
        with db.uow() as reader:
            seen = reader.session.execute(text("SELECT count(*) FROM app_setting")).scalar()
            assert seen == 0  # the other's uncommitted write is not visible
        writer.commit()
    assert _get(db, "w") == "1"
