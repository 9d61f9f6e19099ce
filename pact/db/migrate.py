"""Schema versions: where a database stands, and upgrading it safely."""

from __future__ import annotations

import enum
import shutil
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from pact.errors import SchemaTooNewError
from pact.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaState(enum.Enum):
    EMPTY = "empty"
    OUTDATED = "outdated"
    CURRENT = "current"
    TOO_NEW = "too_new"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_state(engine: Engine) -> SchemaState:
    current = current_revision(engine)
    if current is None:
        return SchemaState.EMPTY
    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return SchemaState.CURRENT
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        return SchemaState.TOO_NEW
    return SchemaState.OUTDATED


def refuse_too_new(engine: Engine) -> SchemaState:
    state = schema_state(engine)
    if state is SchemaState.TOO_NEW:
        raise SchemaTooNewError(
            _(
                "This database was made by a newer version of pact. "
                "Install the newer pact to open it; nothing was changed."
            )
        )
    return state


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the main file, so a file copy holds everything."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_aside(engine: Engine, db_path: Path, label: str) -> Path:
    """Copy the (encrypted) database file next to itself before a risky change."""
    checkpoint(engine)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.{label}-{stamp}.bak")
    shutil.copy2(db_path, target)
    target.chmod(0o600)
    return target


def upgrade(engine: Engine, db_path: Path | None = None) -> Path | None:
    """Upgrade to head. An existing schema is first copied aside; returns that copy."""
    state = refuse_too_new(engine)
    if state is SchemaState.CURRENT:
        return None
    backup = None
    if state is SchemaState.OUTDATED and db_path is not None:
        backup = copy_aside(engine, db_path, f"pre-{head_revision()}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
