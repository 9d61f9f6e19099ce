"""Keyring mode against a real Secret Service (GNOME Keyring, started by `make test`),
and the keyring states that need a misbehaving keyring (locked, hanging, no D-Bus)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService

from pact.db.database import create_database, open_database
from pact.db.engine import RawKey
from pact.errors import WrongKeyError
from pact.i18n import _
from pact.security import credentials, recovery
from pact.security.credentials import KeyringState
from pact.services import access
from pact.services.access import KeyMode, NeedSecretError
from tests.db.conftest import secret_service_entries

ROOT = Path(__file__).resolve().parents[2]


# --- the real Secret Service -------------------------------------------------------------


@pytest.mark.keyring
def test_create_stores_the_key_under_the_absolute_path(
    secret_service: KeyringBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    created = access.create(Path("pact.db"))  # a relative path on the command line
    created.db.close()
    path = (tmp_path / "pact.db").resolve()

    assert created.mode is KeyMode.KEYRING
    assert created.recovery_key is not None
    assert str(path) in secret_service_entries("pact")  # asked of the service itself
    stored = keyring.get_password("pact", str(path))
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    # The recovery key shown once is that same key, written for people.
    assert recovery.decode(created.recovery_key) == bytes.fromhex(stored)
    # The key is in the keyring, never next to the database.
    assert stored.encode() not in path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pact.db"]

    result = credentials.read_key(path)
    assert result.state is KeyringState.AVAILABLE
    assert result.key == bytes.fromhex(stored)

    opened = access.open_auto(path)
    try:
        assert opened.mode is KeyMode.KEYRING
        assert opened.keyring is not None and opened.keyring.state is KeyringState.AVAILABLE
    finally:
        opened.db.close()


@pytest.mark.keyring
def test_missing_entry_asks_for_the_recovery_key(
    secret_service: KeyringBackend, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = access.create(db_path)
    created.db.close()
    assert created.recovery_key is not None
    keyring.delete_password("pact", str(db_path.resolve()))

    assert credentials.read_key(db_path).state is KeyringState.NOT_FOUND
    with pytest.raises(NeedSecretError) as info:
        access.open_auto(db_path)
    assert info.value.state is KeyringState.NOT_FOUND
    assert str(info.value) == KeyringState.NOT_FOUND.message()

    # PACT_RECOVERY_KEY (for scripts) opens it and puts the key back into the keyring.
    monkeypatch.setenv("PACT_RECOVERY_KEY", created.recovery_key.lower())
    opened = access.open_auto(db_path)
    opened.db.close()
    assert opened.mode is KeyMode.KEYRING
    assert opened.restored_to_keyring
    assert credentials.read_key(db_path).key == recovery.decode(created.recovery_key)

    monkeypatch.delenv("PACT_RECOVERY_KEY")
    again = access.open_auto(db_path)  # the next start needs nothing typed
    again.db.close()
    assert again.mode is KeyMode.KEYRING


@pytest.mark.keyring
def test_a_wrong_recovery_key_in_the_environment_is_refused(
    secret_service: KeyringBackend, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    access.create(db_path).db.close()
    keyring.delete_password("pact", str(db_path.resolve()))
    monkeypatch.setenv("PACT_RECOVERY_KEY", recovery.encode(bytes(32)))
    with pytest.raises(WrongKeyError):
        access.open_auto(db_path)
    assert credentials.read_key(db_path).state is KeyringState.NOT_FOUND  # nothing stored


@pytest.mark.keyring
def test_a_moved_file_needs_the_recovery_key(
    secret_service: KeyringBackend, tmp_path: Path
) -> None:
    old = tmp_path / "old" / "pact.db"
    new = tmp_path / "new" / "pact.db"
    created = access.create(old)
    created.db.close()
    assert created.recovery_key is not None
    new.parent.mkdir()
    old.rename(new)

    with pytest.raises(NeedSecretError) as info:
        access.open_auto(new)
    assert info.value.state is KeyringState.NOT_FOUND

    opened = access.open_with(new, created.recovery_key)
    opened.db.close()
    assert opened.restored_to_keyring
    assert credentials.read_key(new).state is KeyringState.AVAILABLE
    access.open_auto(new).db.close()


@pytest.mark.keyring
def test_pact_passphrase_wins_over_the_keyring(
    secret_service: KeyringBackend, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", "a passphrase from a script")
    created = access.create(db_path)
    created.db.close()
    assert created.mode is KeyMode.PASSPHRASE and created.recovery_key is None
    assert credentials.read_key(db_path).state is KeyringState.NOT_FOUND  # nothing stored


@pytest.mark.keyring
def test_a_stale_entry_is_not_found(secret_service: KeyringBackend, db_path: Path) -> None:
    access.create(db_path).db.close()
    credentials.store_key(db_path, bytes(32))  # e.g. left over from an older file
    with pytest.raises(NeedSecretError) as info:
        access.open_auto(db_path)
    assert info.value.state is KeyringState.NOT_FOUND


@pytest.mark.keyring
def test_a_locked_keyring_is_reported_as_locked(secret_service: KeyringBackend) -> None:
    """Locks the login keyring of a separate, private Secret Service (so the one the
    other tests use stays open): with no display to ask on, it stays locked."""
    script = ROOT / "scripts" / "with-keyring.sh"
    probe = (
        "import secretstorage, keyring\n"
        "from keyring.backends import SecretService\n"
        "from pathlib import Path\n"
        "from pact.security import credentials\n"
        "keyring.set_keyring(SecretService.Keyring())\n"
        "assert credentials.store_key(Path('/x/pact.db'), bytes(32)).state.name == 'AVAILABLE'\n"
        "conn = secretstorage.dbus_init()\n"
        "secretstorage.get_default_collection(conn).lock()\n"
        "print(credentials.read_key(Path('/x/pact.db'), timeout=10).state.name)\n"
        "print(credentials.probe(timeout=10).name)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PACT_KEYRING_SESSION", "DISPLAY")}
    result = subprocess.run(
        ["bash", str(script), sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LOCKED", "LOCKED"]


# --- keyring states without the real service ------------------------------------------------


class HangingKeyring(KeyringBackend):
    """A Secret Service that never answers (e.g. waiting for an unlock prompt)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(60)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(60)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(60)


class LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


@pytest.fixture
def use_backend() -> Iterator[list[KeyringBackend]]:
    previous = keyring.get_keyring()
    used: list[KeyringBackend] = []
    yield used
    for backend in used:
        if isinstance(backend, HangingKeyring):
            backend.release.set()
    keyring.set_keyring(previous)


def test_a_hanging_keyring_does_not_block_the_caller(
    use_backend: list[KeyringBackend], db_path: Path
) -> None:
    hanging = HangingKeyring()
    use_backend.append(hanging)
    keyring.set_keyring(hanging)

    start = time.monotonic()
    result = credentials.read_key(db_path, timeout=0.5)
    elapsed = time.monotonic() - start
    assert result.state is KeyringState.NOT_RESPONDING
    assert result.key is None
    assert elapsed < 3, elapsed

    start = time.monotonic()
    with pytest.raises(access.NeedPassphraseError) as info:
        access.create(db_path, timeout=0.5)
    assert time.monotonic() - start < 3
    assert info.value.state is KeyringState.NOT_RESPONDING
    assert str(info.value) == KeyringState.NOT_RESPONDING.message()
    assert not db_path.exists()


def test_a_hanging_keyring_asks_the_person(
    use_backend: list[KeyringBackend], db_path: Path
) -> None:
    database = access.create(db_path, passphrase="a passphrase for this test")
    database.db.close()
    hanging = HangingKeyring()
    use_backend.append(hanging)
    keyring.set_keyring(hanging)
    start = time.monotonic()
    with pytest.raises(NeedSecretError) as info:
        access.open_auto(db_path, timeout=0.5)
    assert time.monotonic() - start < 3
    assert info.value.state is KeyringState.NOT_RESPONDING
    assert str(info.value) == KeyringState.NOT_RESPONDING.message()


def test_a_locked_keyring(use_backend: list[KeyringBackend], db_path: Path) -> None:
    keyring.set_keyring(LockedKeyring())
    assert credentials.read_key(db_path).state is KeyringState.LOCKED
    assert credentials.probe() is KeyringState.LOCKED
    access.create(db_path, passphrase="a passphrase for this test").db.close()
    with pytest.raises(NeedSecretError) as info:
        access.open_auto(db_path)
    assert info.value.state is KeyringState.LOCKED
    assert str(info.value) == KeyringState.LOCKED.message()


def test_no_dbus_is_unavailable(
    use_backend: list[KeyringBackend], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/pact-no-bus")
    keyring.set_keyring(SecretService.Keyring())
    result = credentials.read_key(db_path, timeout=5)
    assert result.state is KeyringState.UNAVAILABLE
    with pytest.raises(access.NeedPassphraseError) as info:
        access.create(db_path, timeout=5)
    assert info.value.state is KeyringState.UNAVAILABLE
    assert not db_path.exists()


def test_each_state_has_its_own_message() -> None:
    messages = {state: state.message() for state in KeyringState}
    assert len(set(messages.values())) == len(KeyringState)
    assert all(m.strip() for m in messages.values())
    # each message is a translated source string (the catalogue test checks Dutch)
    assert messages[KeyringState.LOCKED] == _(
        "The keyring of this computer is locked. Unlock it (usually by logging in "
        "again) or enter your recovery key."
    )


def test_the_raw_key_is_never_in_a_repr() -> None:
    result = credentials.KeyringResult(KeyringState.AVAILABLE, key=bytes(range(32)))
    assert bytes(range(32)).hex() not in repr(result)


def test_open_database_with_the_key_from_the_keyring_only(db_path: Path) -> None:
    """Sanity: a keyring-mode file opens with its raw key and nothing else."""
    key = os.urandom(32)
    create_database(db_path, RawKey(key)).close()
    open_database(db_path, RawKey(key)).close()
    with pytest.raises(WrongKeyError):
        open_database(db_path, RawKey(os.urandom(32)))
