"""An open pact database: its engine, its sessions and where it lives."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from pact.db import migrate
from pact.db.engine import KeyMaterial, make_engine
from pact.db.server import ServerUrl
from pact.db.uow import UnitOfWork
from pact.errors import NotADatabaseError, NotLocalError
from pact.i18n import _
from pact.models import AppSetting


@dataclass
class Database:
    # the SQLCipher file; None for a team's PostgreSQL server (``server``)
    path: Path | None
    engine: Engine
    # the key the file was opened with (backups are keyed like their source); never
    # shown: RawKey and Passphrase hide their value in repr
    key: KeyMaterial | None = field(default=None, repr=False)
    sessions: sessionmaker[Session] = field(init=False)
    # the team's server (a pact.db.server.ServerUrl) when ``path`` is None
    server: ServerUrl | None = field(default=None, repr=False)
    # the logged-in user (a pact.services.users.Actor) whose changes the audit log
    # records; None before log-in and for pact demo (nothing is audited then)
    actor: object | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def local(self) -> bool:
        """The encrypted file on this computer (not a team's server)."""
        return self.path is not None

    def file(self) -> Path:
        """The SQLCipher file; for what only a local database has (re-keying,
        recovery sheet, backups): ``local`` says whether there is one."""
        if self.path is None:
            raise NotLocalError(
                _(
                    "This applies to a database on this computer only, not to a "
                    "database on a team's server."
                )
            )
        return self.path

    def location(self) -> str:
        """Where the data is, for people: the file's path or the server's address."""
        if self.server is not None:
            return self.server.text()
        return str(self.path)

    def name(self) -> str:
        """A short name, for a window title."""
        if self.server is not None:
            return f"{self.server.database}@{self.server.host}"
        return self.file().name

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.actor)

    def schema_state(self) -> migrate.SchemaState:
        return migrate.schema_state(self.engine)

    def upgrade(self) -> Path | None:
        """To the newest schema. A local file is copied aside first; a server's
        backups are its administrator's task."""
        return migrate.upgrade(self.engine, self.path)

    def is_demo(self) -> bool:
        with self.sessions() as s:
            return s.scalar(select(AppSetting.value).where(AppSetting.key == "demo")) == "1"

    def rebind(self, key: KeyMaterial) -> None:
        """Use ``key`` for new connections (after a re-key)."""
        self.engine.dispose()
        self.engine = make_engine(self.file(), key)
        self.key = key
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()


def is_new_file(path: Path) -> bool:
    return not path.exists() or path.stat().st_size == 0


def create_file(path: Path) -> None:
    """Create an empty database file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def open_database(path: Path, key: KeyMaterial) -> Database:
    """Open an existing database; raises WrongKeyError / SchemaTooNewError. Never migrates."""
    path = Path(path).resolve()
    if is_new_file(path):
        raise NotADatabaseError(_("There is no pact database at {path}.").format(path=path))
    db = Database(path, make_engine(path, key), key)
    try:
        migrate.refuse_too_new(db.engine)
    except BaseException:
        db.close()
        raise
    return db


def create_database(path: Path, key: KeyMaterial) -> Database:
    """Create a new encrypted database at ``path`` and bring it to the newest schema."""
    path = Path(path).resolve()
    if not path.exists():
        create_file(path)
    elif not is_new_file(path):
        raise NotADatabaseError(_("A file already exists at {path}.").format(path=path))
    db = Database(path, make_engine(path, key), key)
    try:
        migrate.upgrade(db.engine)
    except BaseException:
        db.close()
        raise
    return db


def open_server_database(url: ServerUrl, engine: Engine) -> Database:
    """A team's server database over ``engine`` (pact.services.access.connect_server);
    SchemaTooNewError when the server's schema is newer than this pact. Never migrates."""
    db = Database(None, engine, server=url)
    try:
        migrate.refuse_too_new(db.engine)
    except BaseException:
        db.close()
        raise
    return db
