"""Autosaved minutes drafts kept on this computer while the team's server is away.

When the connection to the server is lost, ``pact.services.minutes.save_draft`` keeps
the typed text here instead; once the server answers again,
``minutes.send_local_drafts`` writes each one to the server as the normal draft and
removes it here.

Encrypted, never plaintext on disk: a small SQLCipher file in pact's data folder (one
per server connection), keyed by a random 32-byte key in the OS keyring (entry: the
file's path, as for a local database). Without a usable keyring the drafts stay in
memory only (``on_disk`` False) and are gone when pact is closed before the server
is back; the connection banner says so. Deleted drafts are overwritten
(``secure_delete``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pact import config
from pact.db.database import create_file
from pact.db.engine import RawKey, connect_raw
from pact.db.server import server_of
from pact.security import credentials
from pact.security.credentials import KeyringState

log = logging.getLogger(__name__)

FOLDER = "offline-drafts"


@dataclass(frozen=True)
class LocalDraft:
    user_id: int
    item_id: int
    text: str
    saved_at: datetime


class LocalDrafts:
    """The drafts kept on this computer for one server connection (thread-safe)."""

    def __init__(self, server_key: str, folder: Path | None = None):
        self.server_key = server_key
        digest = hashlib.sha256(server_key.encode("utf-8")).hexdigest()[:24]
        self.path = (folder or config.data_dir() / FOLDER) / f"{digest}.db"
        self._lock = threading.Lock()
        self._conn: Any = None
        self._memory: dict[tuple[int, int], LocalDraft] = {}
        self._decided: bool | None = None  # None: not tried yet; True: the file

    # ------------------------------------------------------------ where they are kept

    @property
    def on_disk(self) -> bool | None:
        """True: in the encrypted file; False: in memory only (no keyring); None: not
        decided yet (``prepare``)."""
        return self._decided

    def prepare(self) -> bool:
        """Open (or create) the encrypted file now; False when only memory can be used.
        Talks to the keyring: not on the UI thread."""
        with self._lock:
            return self._open()

    def _open(self) -> bool:
        if self._conn is not None:
            return True
        if self._decided is False:
            return False
        key = self._key()
        if key is None:
            self._decided = False
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                create_file(self.path)
            conn = connect_raw(self.path, RawKey(key))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS draft (user_id INTEGER NOT NULL, "
                "item_id INTEGER NOT NULL, text TEXT NOT NULL, saved_at TEXT NOT NULL, "
                "PRIMARY KEY (user_id, item_id))"
            )
        except Exception:
            log.exception("the offline drafts file cannot be used; keeping drafts in memory")
            self._decided = False
            return False
        self._conn = conn
        self._decided = True
        for d in self._memory.values():  # kept in memory before the file could be used
            self._write(d)
        self._memory.clear()
        return True

    def _key(self) -> bytes | None:
        if self.path.exists():
            found = credentials.read_key(self.path)
            if found.state is KeyringState.AVAILABLE and found.key is not None:
                return found.key
            if found.state is not KeyringState.NOT_FOUND:
                return None  # locked or not answering: memory for now, the file stays
            # a file nobody can read any more (its key was removed): start again
            for path in (self.path, *self._companions()):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        key = secrets.token_bytes(32)
        if credentials.store_key(self.path, key).state is not KeyringState.AVAILABLE:
            return None
        return key

    def _companions(self) -> list[Path]:
        return [self.path.with_name(self.path.name + s) for s in ("-wal", "-shm", "-journal")]

    def files(self) -> list[Path]:
        """The files on disk (tests look into them)."""
        return [p for p in (self.path, *self._companions()) if p.exists()]

    # ------------------------------------------------------------ drafts

    def _write(self, d: LocalDraft) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO draft (user_id, item_id, text, saved_at) VALUES (?, ?, ?, ?)",
            (d.user_id, d.item_id, d.text, d.saved_at.isoformat()),
        )

    def put(self, user_id: int, item_id: int, text: str, saved_at: datetime) -> None:
        draft = LocalDraft(user_id, item_id, text, saved_at)
        with self._lock:
            if self._open():
                self._write(draft)
            else:
                self._memory[(user_id, item_id)] = draft

    def drafts(self, user_id: int) -> list[LocalDraft]:
        """This user's drafts kept here, oldest first."""
        with self._lock:
            found = [d for d in self._memory.values() if d.user_id == user_id]
            if self._conn is not None or (self.path.exists() and self._open()):
                rows = self._conn.execute(
                    "SELECT item_id, text, saved_at FROM draft WHERE user_id = ?", (user_id,)
                ).fetchall()
                found += [
                    LocalDraft(user_id, int(r[0]), str(r[1]), datetime.fromisoformat(r[2]))
                    for r in rows
                ]
            return sorted(found, key=lambda d: d.saved_at)

    def remove(self, user_id: int, item_id: int, text: str | None = None) -> None:
        """Forget the draft of (user, item); with ``text``, only while it still is that
        text (a newer one typed meanwhile stays)."""
        with self._lock:
            kept = self._memory.get((user_id, item_id))
            if kept is not None and (text is None or kept.text == text):
                del self._memory[(user_id, item_id)]
            if self._conn is None:
                return
            if text is None:
                self._conn.execute(
                    "DELETE FROM draft WHERE user_id = ? AND item_id = ?", (user_id, item_id)
                )
            else:
                self._conn.execute(
                    "DELETE FROM draft WHERE user_id = ? AND item_id = ? AND text = ?",
                    (user_id, item_id, text),
                )

    def has_drafts(self) -> bool:
        with self._lock:
            if self._memory:
                return True
            if self._conn is None:
                return False
            return bool(self._conn.execute("SELECT 1 FROM draft LIMIT 1").fetchone())

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._decided = None


_stores: dict[str, LocalDrafts] = {}
_stores_lock = threading.Lock()


def store_for(engine: Engine) -> LocalDrafts | None:
    """The offline drafts of the server ``engine`` connects to; None for a file (its
    drafts never leave the file)."""
    url = server_of(engine)
    if url is None:
        return None
    with _stores_lock:
        store = _stores.get(url.key())
        if store is None:
            store = _stores[url.key()] = LocalDrafts(url.key())
        return store


def close_all() -> None:
    """Close every store (pact quits; tests)."""
    with _stores_lock:
        for store in _stores.values():
            store.close()
        _stores.clear()


__all__ = ["LocalDraft", "LocalDrafts", "close_all", "store_for"]
