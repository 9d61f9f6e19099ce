"""Health checks of an open database (``pact check``). Reads only; never migrates.

The key is verified when the database is opened (a wrong key never gets this
far). Then: SQLCipher's page authentication (``cipher_integrity_check``),
SQLite's structure (``integrity_check``), dangling references
(``foreign_key_check``), whether the schema is the one this pact expects and,
on the current schema, the audit log's hash chain. Only a coordinator or an
administrator may run the checks (``require_keeper``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from pact.db import migrate
from pact.db.database import Database
from pact.db.migrate import SchemaState
from pact.db.uow import UnitOfWork
from pact.i18n import _, ngettext
from pact.services import audit
from pact.services.users import Actor

# a damaged file can produce a message per page; show the first ones
MAX_DETAILS = 20

# SQLite's smallest page size: every database file is a whole number of pages
MIN_PAGE_SIZE = 512
SQLITE_HEADER = b"SQLite format 3\x00"

CIPHER_INTEGRITY = "cipher_integrity"
INTEGRITY = "integrity"
FOREIGN_KEYS = "foreign_keys"
SCHEMA = "schema"
AUDIT_CHAIN = "audit_chain"


@dataclass(frozen=True)
class Problem:
    check: str  # one of the constants above
    message: str  # translated, for people


@dataclass(frozen=True)
class CheckReport:
    schema_state: SchemaState | None  # None when it could not be read
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _reason(exc: Exception) -> str:
    """Why a check could not run. On a damaged file SQLite may also answer 'out of
    memory' (MemoryError), so every exception counts as a finding, not a crash."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).strip()
    if isinstance(exc, SQLAlchemyError) and text:
        return text
    return _("the file may be damaged ({kind})").format(kind=type(orig).__name__)


def _rows(db: Database, pragma: str) -> list[tuple[Any, ...]]:
    # a fresh connection per check: a failed check can leave its connection unusable
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(pragma).fetchall()]


def _capped(check: str, messages: list[str]) -> list[Problem]:
    problems = [Problem(check, m) for m in messages[:MAX_DETAILS]]
    if len(messages) > MAX_DETAILS:
        problems.append(
            Problem(
                check,
                ngettext(
                    "… and {n} more problem of this kind.",
                    "… and {n} more problems of this kind.",
                    len(messages) - MAX_DETAILS,
                ).format(n=len(messages) - MAX_DETAILS),
            )
        )
    return problems


def file_problem(path: Path) -> str | None:
    """Why the existing file ``path`` cannot be a pact database whatever the key, or
    None when it may be one. Reads at most the first 16 bytes.

    A pact database is encrypted from its first byte (so it never starts with
    SQLite's plain header) and is a whole number of pages long. An encrypted file
    that fits neither rule cannot be told apart from random bytes without the key:
    that is for the key check to say.
    """
    not_pact = _("{path} is not a pact database or is damaged.").format(path=path)
    size = path.stat().st_size
    if size < MIN_PAGE_SIZE or size % MIN_PAGE_SIZE:
        return not_pact
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
            return _(
                "{path} is not a pact database: it is an SQLite database without encryption."
            ).format(path=path)
    return None


def cipher_integrity(db: Database) -> list[Problem]:
    try:
        rows = _rows(db, "PRAGMA cipher_integrity_check")
    except Exception as exc:
        return [
            Problem(
                CIPHER_INTEGRITY,
                _("The encryption check could not run: {reason}").format(reason=_reason(exc)),
            )
        ]
    return _capped(
        CIPHER_INTEGRITY,
        [
            _("Encrypted page damaged or altered: {detail}").format(detail=row[0])
            for row in rows
            if row and row[0]
        ],
    )


def _integrity(db: Database) -> list[Problem]:
    try:
        rows = _rows(db, "PRAGMA integrity_check")
    except Exception as exc:
        return [
            Problem(
                INTEGRITY,
                _("The database structure check could not run: {reason}").format(
                    reason=_reason(exc)
                ),
            )
        ]
    details = [str(row[0]) for row in rows if row and row[0] != "ok"]
    return _capped(
        INTEGRITY,
        [_("Database structure damaged: {detail}").format(detail=d) for d in details],
    )


def _foreign_keys(db: Database) -> list[Problem]:
    try:
        rows = _rows(db, "PRAGMA foreign_key_check")
    except Exception as exc:
        return [
            Problem(
                FOREIGN_KEYS,
                _("The reference check could not run: {reason}").format(reason=_reason(exc)),
            )
        ]
    # rows: (table, rowid, referenced table, foreign key index)
    return _capped(
        FOREIGN_KEYS,
        [
            _("Row {rowid} of table {table} refers to a missing row of table {parent}.").format(
                table=table, rowid=rowid, parent=parent
            )
            for table, rowid, parent, *_rest in rows
        ],
    )


def _schema(db: Database) -> tuple[SchemaState | None, list[Problem]]:
    try:
        state = migrate.schema_state(db.engine)
    except Exception as exc:
        return None, [
            Problem(
                SCHEMA,
                _("The version of the database layout could not be read: {reason}").format(
                    reason=_reason(exc)
                ),
            )
        ]
    message = {
        SchemaState.CURRENT: None,
        SchemaState.EMPTY: _(
            "The database has no pact tables: it was never set up. "
            "Open it in pact first to set it up."
        ),
        SchemaState.OUTDATED: _(
            "The database has an older layout. Open it in pact first to upgrade it."
        ),
        SchemaState.TOO_NEW: _(
            "The database was made by a newer version of pact. Install the newer pact."
        ),
    }[state]
    return state, [Problem(SCHEMA, message)] if message else []


def _audit_chain(db: Database) -> list[Problem]:
    try:
        result = audit.verify_chain(db.uow())
    except Exception as exc:
        return [
            Problem(
                AUDIT_CHAIN,
                _("The audit log check could not run: {reason}").format(reason=_reason(exc)),
            )
        ]
    return [] if result.ok else [Problem(AUDIT_CHAIN, audit.broken_message(result))]


def require_keeper(uow: UnitOfWork, actor: Actor) -> Actor:
    """The coordinator or administrator who may run the checks (pact check, pact
    audit verify); AccessDeniedError otherwise."""
    with uow:
        return audit.require_keeper(uow.session, actor)


def check(db: Database) -> CheckReport:
    """Run every check and collect what is wrong. Changes nothing. On a team's
    server the file checks are the server's own (PostgreSQL keeps its pages and
    references itself): there the schema and the audit chain are checked."""
    problems: list[Problem] = []
    if db.local:
        problems.extend([*cipher_integrity(db), *_integrity(db), *_foreign_keys(db)])
    state, schema_problems = _schema(db)
    problems.extend(schema_problems)
    if state is SchemaState.CURRENT:
        problems.extend(_audit_chain(db))
    return CheckReport(schema_state=state, problems=tuple(problems))
