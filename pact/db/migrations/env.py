"""Alembic environment. pact passes an open connection in ``config.attributes``;
the developer command line passes ``-x db=PATH`` with PACT_PASSPHRASE set."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection

from pact.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from pact.db.engine import Passphrase, make_engine

    db = context.get_x_argument(as_dictionary=True).get("db")
    passphrase = os.environ.get("PACT_PASSPHRASE")
    if not db or not passphrase:
        raise SystemExit("usage: PACT_PASSPHRASE=... alembic -x db=PATH <command>")
    engine = make_engine(Path(db), Passphrase(passphrase))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("pact migrations run online only")
run_migrations_online()
