"""Shared fixtures: a fresh encrypted SQLCipher file per test, private XDG folders,
Dutch as the language, Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Unless a test asks for the real Secret Service, the keyring is the 'fail' backend.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

from pact import i18n
from pact.db.database import Database, create_database
from pact.db.engine import RawKey

TEST_KEY = RawKey(bytes(range(32)))
# the log-in password of the users the tests make (long enough, not a common one)
TEST_PASSWORD = "Kriekelaar-7-Lindeboom"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data/config/cache/state/temp folders."""
    root = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("TMPDIR", "tmp"),
    ):
        (root / sub).mkdir()
        monkeypatch.setenv(var, str(root / sub))
    monkeypatch.delenv("PACT_PASSPHRASE", raising=False)
    monkeypatch.delenv("PACT_RECOVERY_KEY", raising=False)
    return root


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "pact.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = create_database(db_path, TEST_KEY)
    yield database
    database.close()
