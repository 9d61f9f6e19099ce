"""SQLCipher engines. The key is set first, from a connect listener.

A raw 32-byte key is given as ``PRAGMA key = "x'<hex>'"``; a passphrase goes
through SQLCipher's own key derivation and is quoted as an SQL string literal
(single quotes doubled), never interpolated unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from pact.errors import NotADatabaseError, WrongKeyError
from pact.i18n import _

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 32 * 1024


@dataclass(frozen=True, repr=False)
class RawKey:
    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise ValueError("a raw SQLCipher key is 32 bytes")

    def pragma_value(self) -> str:
        return f"\"x'{self.key.hex()}'\""

    def __repr__(self) -> str:  # never show key material in logs or tracebacks
        return "RawKey(***)"


@dataclass(frozen=True, repr=False)
class Passphrase:
    text: str

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("empty passphrase")
        if "\x00" in self.text:
            raise ValueError("passphrase contains a NUL character")

    def pragma_value(self) -> str:
        return "'" + self.text.replace("'", "''") + "'"

    def __repr__(self) -> str:
        return "Passphrase(***)"


KeyMaterial = RawKey | Passphrase


def apply_key(dbapi_conn: Any, key: KeyMaterial) -> None:
    """Set the key and prove it: a read of sqlite_master fails on a wrong key."""
    cur = dbapi_conn.cursor()
    try:
        # SQLCipher would print decryption errors of a wrong key to stderr
        cur.execute("PRAGMA cipher_log_level = NONE")
        cur.execute(f"PRAGMA key = {key.pragma_value()}")
        try:
            cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            raise WrongKeyError(_("This key or passphrase does not open the database.")) from exc
    finally:
        cur.close()


def _configure(dbapi_conn: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        # 32 MiB of decrypted pages per connection (SQLite's default is 2 MiB): with the
        # default, every list query decrypts most of the pages it reads again
        # (benchmarks/bench_case_list.py: the start page 105 -> 72 ms). In memory only.
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cur.execute("PRAGMA secure_delete = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
    finally:
        cur.close()


def connect_raw(path: Path, key: KeyMaterial) -> Any:
    """A bare DB-API connection with the key applied and verified."""
    conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        apply_key(conn, key)
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def verify_key(path: Path, key: KeyMaterial) -> None:
    """Raise WrongKeyError unless ``key`` opens ``path``. Writes nothing."""
    if not Path(path).exists():
        raise NotADatabaseError(_("The database file does not exist: {path}").format(path=path))
    conn = sqlcipher.connect(str(path), check_same_thread=False)
    try:
        apply_key(conn, key)
    finally:
        conn.close()


def make_engine(path: Path, key: KeyMaterial) -> Engine:
    """An SQLAlchemy engine over SQLCipher for ``path``.

    The key is verified once before the engine is returned, so a wrong key
    raises WrongKeyError here and never reaches a pragma that could write.
    """
    path = Path(path).resolve()
    if path.exists() and path.stat().st_size > 0:
        verify_key(path, key)

    def creator() -> Any:
        return sqlcipher.connect(str(path), check_same_thread=False)

    # "sqlite://" alone would give SingletonThreadPool (one shared connection per thread,
    # meant for :memory:); a database file wants a real pool, as for "sqlite:///file".
    engine = create_engine("sqlite://", module=sqlcipher, creator=creator, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is replaced by explicit BEGIN below
        dbapi_conn.isolation_level = None
        apply_key(dbapi_conn, key)
        _configure(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def sqlite_header_is_plain(path: Path) -> bool:
    """True when the file starts with the plaintext SQLite header (not encrypted)."""
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"
