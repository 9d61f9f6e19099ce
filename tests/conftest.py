"""Shared fixtures: a fresh encrypted SQLCipher file per test, private XDG folders,
Dutch as the language, Qt offscreen; and both databases for the service tests.

Both databases: a test (or one of its fixtures) that asks for ``backend`` runs twice,
``test_x[sqlcipher]`` and ``test_x[postgresql]``; the PostgreSQL run uses a throwaway
server (tests/postgres.py, one per xdist worker) where every test gets its own copy
of a template database (``CREATE DATABASE ... TEMPLATE``). A test about the SQLCipher
file itself (its bytes, backups, re-keying, compaction, the WAL) is marked
``@pytest.mark.sqlcipher_only`` and runs as ``test_x[sqlcipher]`` only. Without the
PostgreSQL binaries the PostgreSQL runs skip, unless PACT_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Unless a test asks for the real Secret Service, the keyring is the 'fail' backend.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

from pact import i18n
from pact.db.database import Database, create_database, open_server_database
from pact.db.engine import RawKey
from pact.db.server import make_server_engine, parse_url
from tests import postgres
from tests.postgres import PgServer

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


# ---------------------------------------------------------------- both databases

SQLCIPHER = "sqlcipher"
POSTGRESQL = "postgresql"
BACKENDS = (SQLCIPHER, POSTGRESQL)

_T = TypeVar("_T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlcipher_only: about the SQLCipher file itself (bytes, backups, re-keying, "
        "compaction, WAL): runs on SQLCipher only, not on PostgreSQL",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend``: both databases, or SQLCipher only for a test marked so."""
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlcipher_only") is not None
        metafunc.parametrize("backend", [SQLCIPHER] if only else list(BACKENDS), indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """sqlcipher or postgresql (see pytest_generate_tests)."""
    return str(request.param)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server for this test process (one per xdist worker)."""
    why = postgres.missing()
    if why:
        if postgres.REQUIRE:
            pytest.fail(why)
        pytest.skip(why)
    with postgres.running_server() as server:
        yield server


class ServerDatabases:
    """Template databases on the test server, built once, and a fresh copy of one for
    every test (``CREATE DATABASE ... TEMPLATE``: a file copy, much faster than
    running the migrations and the setup again)."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._admin: Any = None
        self._templates: dict[str, Any] = {}

    def execute(self, statement: str) -> None:
        """As the server's superuser, outside a transaction (CREATE/DROP DATABASE). A
        connection lost to a server restart (tests/db/test_postgres.py restarts it) is
        made again."""
        import psycopg

        if self._admin is not None and not self._admin.closed:
            try:
                self._admin.execute(statement)
                return
            except psycopg.OperationalError:
                self._admin.close()
        self._admin = self.server.admin_connect()
        self._admin.execute(statement)

    def open(self, name: str) -> Database:
        """The database ``name`` as pact opens a server database."""
        url = parse_url(self.server.url(name), environ={})
        return open_server_database(url, make_server_engine(url, self.server.password))

    def template(self, name: str, build: Callable[[Database], _T]) -> _T:
        """The template ``name``: created, migrated and ``build`` run on it the first
        time; what ``build`` returned."""
        if name not in self._templates:
            self.execute(f'CREATE DATABASE "{name}"')
            db = self.open(name)
            try:
                db.upgrade()
                self._templates[name] = build(db)
            finally:
                db.close()  # a template must have no connections when it is copied
        return self._templates[name]

    @contextlib.contextmanager
    def bare(self) -> Iterator[str]:
        """A new database without any tables (as a server's administrator makes one for
        pact): its name; dropped afterwards."""
        name = f"t_{secrets.token_hex(6)}"
        self.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            self.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def copy(self, template: str) -> Iterator[Database]:
        """A new database made from ``template``, open; dropped afterwards."""
        name = f"t_{secrets.token_hex(6)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        db = self.open(name)
        try:
            yield db
        finally:
            db.close()
            self.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._admin is not None:
            self._admin.close()


@pytest.fixture(scope="session")
def pg_databases(pg_server: PgServer) -> Iterator[ServerDatabases]:
    databases = ServerDatabases(pg_server)
    yield databases
    databases.close()


EMPTY_TEMPLATE = "pact_empty"  # the migrations run, nothing else


@contextlib.contextmanager
def empty_database(backend: str, request: pytest.FixtureRequest, path: Path) -> Iterator[Database]:
    """A new pact database with the current schema and nothing in it: an encrypted
    file at ``path``, or a database on the test server (``path`` unused); closed (and
    on the server dropped) afterwards."""
    if backend == SQLCIPHER:
        database = create_database(path, TEST_KEY)
        try:
            yield database
        finally:
            database.close()
        return
    databases: ServerDatabases = request.getfixturevalue("pg_databases")
    databases.template(EMPTY_TEMPLATE, lambda _db: None)
    with databases.copy(EMPTY_TEMPLATE) as database:
        yield database


@pytest.fixture
def any_db(backend: str, request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """``db`` on both backends: an empty pact database, a file or on the server."""
    with empty_database(backend, request, db_path) as database:
        yield database
