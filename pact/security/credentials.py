"""The one module that owns database credentials.

Keyring mode (default): a random 32-byte key lives in the OS keyring under
service ``pact``, entry = the database file's absolute path. Passphrase mode:
SQLCipher derives the key from a passphrase that only the user knows.

Every keyring call runs in a daemon thread with a timeout, so a hanging Secret
Service cannot freeze the caller, and each outcome is one of distinct states.
"""

from __future__ import annotations

import enum
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import keyring
import keyring.errors
from keyring.backends import chainer, fail

from pact.db.engine import KeyMaterial, Passphrase, RawKey
from pact.i18n import _
from pact.security import recovery

SERVICE = "pact"
PENDING_SUFFIX = " (pending)"
DEFAULT_TIMEOUT = 8.0
ENV_PASSPHRASE = "PACT_PASSPHRASE"
ENV_RECOVERY_KEY = "PACT_RECOVERY_KEY"

T = TypeVar("T")


class KeyringState(enum.Enum):
    AVAILABLE = "available"
    LOCKED = "locked"
    UNAVAILABLE = "unavailable"
    NOT_FOUND = "not_found"
    NOT_RESPONDING = "not_responding"

    def message(self) -> str:
        return {
            KeyringState.AVAILABLE: _("The keyring of this computer holds the database key."),
            KeyringState.LOCKED: _(
                "The keyring of this computer is locked. Unlock it (usually by logging in "
                "again) or enter your recovery key."
            ),
            KeyringState.UNAVAILABLE: _(
                "This computer has no usable keyring. The database is protected by a "
                "passphrase instead."
            ),
            KeyringState.NOT_FOUND: _(
                "The keyring of this computer has no key for this database (new computer, "
                "moved file or reinstalled system?). Enter your recovery key or passphrase."
            ),
            KeyringState.NOT_RESPONDING: _(
                "The keyring of this computer does not answer. It may be waiting to be "
                "unlocked. Enter your recovery key or passphrase, or try again."
            ),
        }[self]


class KeyringTimeout(Exception):
    pass


@dataclass(frozen=True, repr=False)
class KeyringResult:
    state: KeyringState
    key: bytes | None = None
    detail: str = ""

    def __repr__(self) -> str:
        return f"KeyringResult({self.state.name}, detail={self.detail!r})"


def entry_name(db_path: Path) -> str:
    return str(Path(db_path).resolve())


def _run_with_timeout(fn: Callable[[], T], timeout: float) -> T:
    box: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="pact-keyring", daemon=True).start()
    if not done.wait(timeout):
        raise KeyringTimeout()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def backend_usable() -> bool:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def _classify(exc: BaseException) -> KeyringResult:
    if isinstance(exc, KeyringTimeout):
        return KeyringResult(KeyringState.NOT_RESPONDING)
    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringResult(KeyringState.LOCKED, detail=str(exc))
    return KeyringResult(KeyringState.UNAVAILABLE, detail=f"{type(exc).__name__}: {exc}")


def _guarded(fn: Callable[[], KeyringResult], timeout: float) -> KeyringResult:
    try:
        if not _run_with_timeout(backend_usable, timeout):
            return KeyringResult(KeyringState.UNAVAILABLE, detail="no keyring backend")
        return _run_with_timeout(fn, timeout)
    except Exception as exc:
        return _classify(exc)


def _decode_stored(value: str | None) -> bytes | None:
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == 32 else None


def read_key(
    db_path: Path, timeout: float = DEFAULT_TIMEOUT, pending: bool = False
) -> KeyringResult:
    name = entry_name(db_path) + (PENDING_SUFFIX if pending else "")

    def fn() -> KeyringResult:
        key = _decode_stored(keyring.get_password(SERVICE, name))
        if key is None:
            return KeyringResult(KeyringState.NOT_FOUND)
        return KeyringResult(KeyringState.AVAILABLE, key=key)

    return _guarded(fn, timeout)


def store_key(
    db_path: Path, key: bytes, timeout: float = DEFAULT_TIMEOUT, pending: bool = False
) -> KeyringResult:
    name = entry_name(db_path) + (PENDING_SUFFIX if pending else "")

    def fn() -> KeyringResult:
        keyring.set_password(SERVICE, name, key.hex())
        return KeyringResult(KeyringState.AVAILABLE)

    return _guarded(fn, timeout)


def delete_key(
    db_path: Path, timeout: float = DEFAULT_TIMEOUT, pending: bool = False
) -> KeyringResult:
    name = entry_name(db_path) + (PENDING_SUFFIX if pending else "")

    def fn() -> KeyringResult:
        try:
            keyring.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            return KeyringResult(KeyringState.NOT_FOUND)
        return KeyringResult(KeyringState.AVAILABLE)

    return _guarded(fn, timeout)


def probe(timeout: float = DEFAULT_TIMEOUT) -> KeyringState:
    """Is a keyring there and open? (Reads an entry that does not exist.)"""
    result = read_key(Path(os.sep) / "pact-keyring-probe", timeout)
    return KeyringState.AVAILABLE if result.state is KeyringState.NOT_FOUND else result.state


def env_passphrase() -> Passphrase | None:
    value = os.environ.get(ENV_PASSPHRASE)
    return Passphrase(value) if value else None


def env_recovery_key() -> RawKey | None:
    value = os.environ.get(ENV_RECOVERY_KEY)
    if not value:
        return None
    return RawKey(recovery.decode(value))


def parse_secret(text: str) -> KeyMaterial:
    """What a person typed: a recovery key when it has that form, else a passphrase."""
    if recovery.looks_like_recovery_key(text):
        return RawKey(recovery.decode(text))
    return Passphrase(text)


# ---------------------------------------------------------------- server passwords

SERVER_SERVICE = "pact-server"  # keyring entries: "user@host:port/database"
ENV_SERVER_PASSWORD = "PGPASSWORD"


@dataclass(frozen=True, repr=False)
class ServerPassword:
    state: KeyringState
    password: str | None = None

    def __repr__(self) -> str:
        return f"ServerPassword({self.state.name})"


def read_server_password(entry: str, timeout: float = DEFAULT_TIMEOUT) -> ServerPassword:
    """The password of a server connection (``ServerUrl.key()``) from the keyring."""
    found: dict[str, str | None] = {}

    def fn() -> KeyringResult:
        found["password"] = keyring.get_password(SERVER_SERVICE, entry)
        state = KeyringState.AVAILABLE if found["password"] else KeyringState.NOT_FOUND
        return KeyringResult(state)

    result = _guarded(fn, timeout)
    return ServerPassword(result.state, found.get("password") or None)


def store_server_password(
    entry: str, password: str, timeout: float = DEFAULT_TIMEOUT
) -> KeyringState:
    def fn() -> KeyringResult:
        keyring.set_password(SERVER_SERVICE, entry, password)
        return KeyringResult(KeyringState.AVAILABLE)

    return _guarded(fn, timeout).state


def delete_server_password(entry: str, timeout: float = DEFAULT_TIMEOUT) -> KeyringState:
    def fn() -> KeyringResult:
        try:
            keyring.delete_password(SERVER_SERVICE, entry)
        except keyring.errors.PasswordDeleteError:
            return KeyringResult(KeyringState.NOT_FOUND)
        return KeyringResult(KeyringState.AVAILABLE)

    return _guarded(fn, timeout).state


def env_server_password() -> str | None:
    return os.environ.get(ENV_SERVER_PASSWORD) or None
