"""Encrypted copies of a database file: the low-level half of backups and restores.

A copy is made with SQLCipher's ``sqlcipher_export`` into an attached database that
is keyed with the source's own key material: a raw key copy opens with the same raw
key (so the recovery key opens it), a passphrase copy with the same passphrase (its
own random salt). The export runs inside one read transaction, so the copy is one
consistent state of the source even while pact goes on writing.

Nothing here writes to the source; copies are written to the path they are given
and checked there. Choosing temp files, renaming and messages are for the caller
(``pact.services.backup``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from pact.db.engine import KeyMaterial, Passphrase, RawKey, apply_key

CHUNK = 1024 * 1024
ATTACHED = "pact_copy"


def _attach_value(key: KeyMaterial) -> str:
    """The key as the KEY of an ATTACH statement (a bound parameter, not SQL text)."""
    if isinstance(key, RawKey):
        return f"x'{key.key.hex()}'"
    assert isinstance(key, Passphrase)
    return key.text


def _plain_connection(path: Path, key: KeyMaterial) -> Any:
    """A connection with only the key applied: no WAL switch, nothing written."""
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        apply_key(conn, key)
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


def export(source: Path, key: KeyMaterial, target: Path) -> None:
    """Copy the database at ``source`` into the new or empty file ``target``,
    encrypted with ``key`` (which must open ``source``)."""
    conn = _plain_connection(source, key)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute(f"ATTACH DATABASE ? AS {ATTACHED} KEY ?", (str(target), _attach_value(key)))
        try:
            conn.execute("BEGIN")
            try:
                conn.execute(f"SELECT sqlcipher_export('{ATTACHED}')").fetchall()
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlcipher.Error):
                    conn.execute("ROLLBACK")
                raise
        finally:
            with contextlib.suppress(sqlcipher.Error):
                conn.execute(f"DETACH DATABASE {ATTACHED}")
    finally:
        conn.close()


def problems(path: Path, key: KeyMaterial) -> list[str]:
    """What is wrong with the copy at ``path`` (empty: it is sound): SQLCipher's page
    authentication and SQLite's quick structure check. Raises WrongKeyError when
    ``key`` does not open it. Writes nothing."""
    conn = _plain_connection(path, key)
    try:
        found = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check") if row[0]]
        quick = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        found.extend(q for q in quick if q != "ok")
        return found
    finally:
        conn.close()


def schema_revision(path: Path, key: KeyMaterial) -> str | None:
    """The Alembic revision stored in the copy, or None when it has none."""
    conn = _plain_connection(path, key)
    try:
        has_table = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()[0]
        if not has_table:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_file(source: Path, target: Path) -> None:
    """Copy the bytes of ``source`` into the existing file ``target`` and flush them
    to disk."""
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
        dst.flush()
        os.fsync(dst.fileno())


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: write-ahead log, its index, journal."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def remove_with_companions(path: Path) -> None:
    for p in (path, *companions(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
