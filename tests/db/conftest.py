"""Fixtures for the database and credential tests: the real Secret Service and
small helpers to prove a file was not touched."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from pact.security import credentials
from pact.security.credentials import KeyringState

REQUIRE_KEYRING = os.environ.get("PACT_REQUIRE_KEYRING") == "1"


@dataclass(frozen=True)
class FileState:
    """What a file looks like from outside: its bytes, its mtime, its companions."""

    sha256: str
    mtime_ns: int
    size: int
    siblings: frozenset[str]


def file_state(path: Path) -> FileState:
    st = path.stat()
    return FileState(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        mtime_ns=st.st_mtime_ns,
        size=st.st_size,
        siblings=frozenset(p.name for p in path.parent.iterdir()),
    )


def _secret_service_backend() -> KeyringBackend | str:
    """The Secret Service backend, or why it cannot be used."""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 - raises when there is no service
        return SecretService.Keyring()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[KeyringBackend]:
    """The real Secret Service (gnome-keyring under `make test`) as keyring backend.

    Skips when there is none, unless PACT_REQUIRE_KEYRING=1 (set by `make test`):
    then a missing Secret Service fails the test. Entries the test made for files
    under tmp_path are removed afterwards.
    """
    previous = keyring.get_keyring()
    backend = _secret_service_backend()
    why = backend if isinstance(backend, str) else ""
    if not why:
        keyring.set_keyring(backend)  # type: ignore[arg-type]
        state = credentials.probe(timeout=5)
        if state is not KeyringState.AVAILABLE:
            why = f"the Secret Service answers {state.name}"
    if why:
        keyring.set_keyring(previous)
        message = f"no usable Secret Service ({why}); run the tests with `make test`"
        if REQUIRE_KEYRING:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield backend  # type: ignore[misc]
    finally:
        for entry in secret_service_entries(credentials.SERVICE):
            if entry.startswith(str(tmp_path.resolve())):
                keyring.delete_password(credentials.SERVICE, entry)
        keyring.set_keyring(previous)


def secret_service_entries(service: str) -> list[str]:
    """Names of the Secret Service items of ``service``, asked of the service itself."""
    import secretstorage

    conn = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(conn)
        return [
            item.get_attributes().get("username", "")
            for item in collection.search_items({"service": service})
        ]
    finally:
        conn.close()
