"""Opening, creating and re-keying the encrypted database.

The order of sources for a key is the same for the GUI and the command line:
PACT_PASSPHRASE (wins, to create and to open), the OS keyring, PACT_RECOVERY_KEY,
then what the person types (a recovery key or a passphrase).
"""

from __future__ import annotations

import contextlib
import enum
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from pact.db import server
from pact.db.database import Database, create_database, is_new_file, open_database
from pact.db.engine import KeyMaterial, Passphrase, RawKey
from pact.errors import DatabaseLockedError, PactError, WrongKeyError
from pact.i18n import _
from pact.security import credentials, recovery
from pact.security.credentials import KeyringResult, KeyringState

_T = TypeVar("_T")


class KeyMode(enum.Enum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    SERVER = "server"  # a team's server: no key of pact's; the server protects the data


class NeedSecretError(DatabaseLockedError):
    """No key could be found without asking the person. ``state`` says why."""

    def __init__(self, state: KeyringState, message: str):
        self.state = state
        super().__init__(message)


class NeedPassphraseError(DatabaseLockedError):
    """A new database must be protected by a passphrase (no usable keyring)."""

    def __init__(self, state: KeyringState, message: str):
        self.state = state
        super().__init__(message)


@dataclass
class Opened:
    db: Database
    mode: KeyMode
    keyring: KeyringResult | None = None
    restored_to_keyring: bool = False


@dataclass
class Created:
    db: Database
    mode: KeyMode
    recovery_key: str | None  # shown once, keyring mode only


MIN_PASSPHRASE = 10


def check_new_passphrase(text: str) -> str | None:
    """A message when ``text`` is not good enough as the only key of a database."""
    if len(text) < MIN_PASSPHRASE:
        return _("Use at least {n} characters.").format(n=MIN_PASSPHRASE)
    if recovery.looks_like_recovery_key(text):
        return _("This looks like a recovery key; choose a passphrase of your own.")
    return None


def _mode_of(key: KeyMaterial) -> KeyMode:
    return KeyMode.KEYRING if isinstance(key, RawKey) else KeyMode.PASSPHRASE


def open_with(path: Path, secret: str, timeout: float = credentials.DEFAULT_TIMEOUT) -> Opened:
    """Open with what the person typed (recovery key or passphrase).

    A recovery key that opens the database is put back into the keyring when
    one is usable, so the next start needs nothing typed.
    """
    key = parse_typed_key(secret)
    db = open_database(path, key)
    restored = False
    if isinstance(key, RawKey):
        restored = credentials.store_key(path, key.key, timeout).state is KeyringState.AVAILABLE
        if restored:
            credentials.delete_key(path, timeout, pending=True)
    return Opened(db, _mode_of(key), restored_to_keyring=restored)


def open_auto(path: Path, timeout: float = credentials.DEFAULT_TIMEOUT) -> Opened:
    """Open without asking anybody; raises NeedSecretError when a person must type."""
    path = Path(path).resolve()
    passphrase = credentials.env_passphrase()
    if passphrase is not None:
        return Opened(open_database(path, passphrase), KeyMode.PASSPHRASE)

    result = credentials.read_key(path, timeout)
    if result.state is KeyringState.AVAILABLE and result.key is not None:
        try:
            return Opened(open_database(path, RawKey(result.key)), KeyMode.KEYRING, result)
        except WrongKeyError:
            pass  # a stale entry (e.g. an interrupted switch of modes): try the others
    if result.state in (KeyringState.AVAILABLE, KeyringState.NOT_FOUND):
        pending = credentials.read_key(path, timeout, pending=True)
        if pending.key is not None:
            try:
                db = open_database(path, RawKey(pending.key))
            except WrongKeyError:
                pass
            else:
                _finish_pending(path, pending.key, timeout)
                return Opened(db, KeyMode.KEYRING, pending)

    env_key = os.environ.get(credentials.ENV_RECOVERY_KEY)
    if env_key:
        return open_with(path, env_key, timeout)

    state = result.state
    if state is KeyringState.AVAILABLE:  # an entry exists but does not fit
        state = KeyringState.NOT_FOUND
    if state is KeyringState.UNAVAILABLE:
        message = _("Enter the passphrase of this database.")
    else:
        message = state.message()
    raise NeedSecretError(state, message)


def _finish_pending(path: Path, key: bytes, timeout: float) -> None:
    if credentials.store_key(path, key, timeout).state is KeyringState.AVAILABLE:
        credentials.delete_key(path, timeout, pending=True)


def create(
    path: Path, passphrase: str | None = None, timeout: float = credentials.DEFAULT_TIMEOUT
) -> Created:
    """Create a new database. Without a passphrase (given or in PACT_PASSPHRASE) the
    key goes into the keyring; NeedPassphraseError when there is no usable keyring."""
    path = Path(path).resolve()
    if not is_new_file(path):
        raise PactError(_("A file already exists at {path}.").format(path=path))
    pp = Passphrase(passphrase) if passphrase else credentials.env_passphrase()
    if pp is not None:
        return Created(create_database(path, pp), KeyMode.PASSPHRASE, None)

    key = os.urandom(32)
    stored = credentials.store_key(path, key, timeout)
    if stored.state is not KeyringState.AVAILABLE:
        raise NeedPassphraseError(
            stored.state,
            stored.state.message()
            if stored.state is not KeyringState.UNAVAILABLE
            else _("This computer has no usable keyring: protect the database with a passphrase."),
        )
    try:
        db = create_database(path, RawKey(key))
    except BaseException:
        credentials.delete_key(path, timeout)
        raise
    return Created(db, KeyMode.KEYRING, recovery.encode(key))


def _remove(path: Path, existed_empty: bool) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
    if existed_empty:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def create_filled(
    path: Path, fill: Callable[[Database], _T], passphrase: str | None = None
) -> tuple[Created, _T]:
    """Create a new database at ``path`` and ``fill`` it: both, or nothing.

    The key is chosen as create() does (``passphrase``, PACT_PASSPHRASE, else a
    new key in the keyring; NeedPassphraseError when there is no usable
    keyring, before anything is created). If ``fill`` raises, the new file (with
    its -wal and -shm), the folders made for it and its keyring entry are removed
    again and the exception goes on; an empty file that was there before is left
    empty. The returned database is open: the caller closes it.
    """
    path = Path(path).resolve()
    existed_empty = path.exists()
    new_folders = [f for f in (path.parent, *path.parent.parents) if not f.exists()]
    created = create(path, passphrase)
    try:
        result = fill(created.db)
    except BaseException:
        created.db.close()
        if created.mode is KeyMode.KEYRING:
            credentials.delete_key(path)
        _remove(path, existed_empty)
        for folder in new_folders:  # the deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return created, result


def _rekey(db: Database, key: KeyMaterial) -> None:
    """Re-encrypt the whole file under ``key``; SQLCipher commits it atomically."""
    db.engine.dispose()
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"PRAGMA rekey = {key.pragma_value()}")
        cur.close()
    finally:
        raw.close()
    db.engine.dispose()  # pooled connections carry the old key


def switch_to_passphrase(db: Database, passphrase: str) -> None:
    """Keyring -> passphrase: re-key (committed) first, then drop the keyring entry.
    NotLocalError on a team's server (re-keying is for the SQLCipher file)."""
    db.file()
    problem = check_new_passphrase(passphrase)
    if problem:
        raise PactError(problem)
    _rekey(db, Passphrase(passphrase))
    db.rebind(Passphrase(passphrase))
    credentials.delete_key(db.file())
    # a pending entry left by an interrupted switch_to_keyring holds a key too
    credentials.delete_key(db.file(), pending=True)


def switch_to_keyring(db: Database, timeout: float = credentials.DEFAULT_TIMEOUT) -> str:
    """Passphrase -> keyring. Returns the new recovery key, to be shown once.

    The new key is parked in a 'pending' keyring entry, the file is re-keyed
    (committed), and only then is the real entry written. Killed at any point,
    the file opens with exactly one key: the passphrase, or the pending/new key.
    """
    key = os.urandom(32)
    parked = credentials.store_key(db.file(), key, timeout, pending=True)
    if parked.state is not KeyringState.AVAILABLE:
        raise PactError(parked.state.message())
    _rekey(db, RawKey(key))
    db.rebind(RawKey(key))
    _finish_pending(db.file(), key, timeout)
    return recovery.encode(key)


def known_key(path: Path, timeout: float = credentials.DEFAULT_TIMEOUT) -> KeyMaterial | None:
    """A key for ``path`` found without asking anybody, in the usual order
    (PACT_PASSPHRASE, the keyring's entry for ``path``, PACT_RECOVERY_KEY), or None.
    For restoring a backup: a backup of this database opens with its key."""
    passphrase = credentials.env_passphrase()
    if passphrase is not None:
        return passphrase
    result = credentials.read_key(Path(path).resolve(), timeout)
    if result.state is KeyringState.AVAILABLE and result.key is not None:
        return RawKey(result.key)
    try:
        return credentials.env_recovery_key()
    except recovery.RecoveryKeyError as exc:
        raise WrongKeyError(
            _("PACT_RECOVERY_KEY has a typing error. Check each group of five characters.")
        ) from exc


def parse_typed_key(secret: str) -> KeyMaterial:
    """What a person typed (a recovery key or a passphrase); WrongKeyError for a
    recovery key with a typing error."""
    try:
        return credentials.parse_secret(secret)
    except (ValueError, recovery.RecoveryKeyError) as exc:
        raise WrongKeyError(
            _("This recovery key has a typing error. Check each group of five characters.")
        ) from exc


def remember_restored_key(
    path: Path, key: KeyMaterial, timeout: float = credentials.DEFAULT_TIMEOUT
) -> KeyMode:
    """After a restore to ``path``: a raw key goes into the keyring (so the next start
    needs nothing typed, as far as a keyring is usable); a passphrase database needs
    no entry, and an entry left from before would hold a key that no longer fits."""
    path = Path(path).resolve()
    if isinstance(key, RawKey):
        credentials.store_key(path, key.key, timeout)
        credentials.delete_key(path, timeout, pending=True)
        return KeyMode.KEYRING
    credentials.delete_key(path, timeout)
    credentials.delete_key(path, timeout, pending=True)
    return KeyMode.PASSPHRASE


# ---------------------------------------------------------------- a team's server


@dataclass
class ServerOpened:
    engine: Engine
    source: str  # where the password came from: keyring, environment, none, typed
    stored: bool = False  # a typed password was put into the keyring


def connect_server(
    url: server.ServerUrl,
    ask: Callable[[str], str | None] | None = None,
    timeout: float = credentials.DEFAULT_TIMEOUT,
) -> ServerOpened:
    """Connect to a team's server. The password comes from the keyring, else
    PGPASSWORD; without either pact connects without one, and only when the server
    asks for one is ``ask(reason)`` called (up to three times; None or "" gives up).
    A typed password that works goes into the keyring, where one is usable; it is
    never written anywhere else. ServerPasswordError / ServerUnreachableError."""
    refused: server.ServerPasswordError | None = None
    kept = credentials.read_server_password(url.key(), timeout)
    if kept.password:
        try:
            return ServerOpened(server.connect(url, kept.password), "keyring")
        except server.ServerPasswordError as exc:  # changed on the server since
            refused = exc
    from_env = credentials.env_server_password()
    if from_env:
        try:
            return ServerOpened(server.connect(url, from_env), "environment")
        except server.ServerPasswordError as exc:
            refused = exc
    if refused is None:
        try:
            return ServerOpened(server.connect(url, None), "none")
        except server.ServerPasswordError as exc:
            refused = exc
    if ask is None:
        raise refused
    for _attempt in range(3):
        typed = ask(str(refused))
        if not typed:
            break
        try:
            engine = server.connect(url, typed)
        except server.ServerPasswordError as exc:
            refused = exc
            continue
        state = credentials.store_server_password(url.key(), typed, timeout)
        return ServerOpened(engine, "typed", stored=state is KeyringState.AVAILABLE)
    raise refused
