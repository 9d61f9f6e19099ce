"""``pact demo --server`` and ``pact partners import --server`` on a real throwaway
PostgreSQL server (tests/postgres.py), run as real processes without a terminal, the
server password from PGPASSWORD, as a script on a workstation runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from pact.db.database import Database
from pact.db.migrate import SchemaState
from pact.i18n import _, ngettext
from pact.models import Organisation
from pact.services import auth, demo, users
from pact.services import partner_csv as pc
from pact.services.partner_csv import RowError
from tests.cli.test_cli import BAD_ROW, GOOD_ROW, csv_file
from tests.conftest import ServerDatabases
from tests.postgres import PgServer

TIMEOUT = 300  # the demo makes some 17,000 statements; a loaded CI runner is slow
COORDINATOR = {"PACT_USER": demo.COORDINATOR, "PACT_PASSWORD": auth.DEMO_PASSWORD}


def run_pact(
    server: PgServer, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line in a subprocess, without a terminal, with PGPASSWORD."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PACT_", "PG"))}
    environ |= {
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PGPASSWORD": server.password,
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pact", *(str(a) for a in args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environ,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def new_database(pg_databases: ServerDatabases) -> Iterator[str]:
    """A new, empty database on the server (no tables): its name; dropped afterwards."""
    name = f"cli_{os.urandom(4).hex()}"
    pg_databases.execute(f'CREATE DATABASE "{name}"')
    yield name
    pg_databases.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def opened(pg_databases: ServerDatabases, name: str) -> Database:
    return pg_databases.open(name)


def organisations(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Organisation)) or 0


def test_demo_on_a_server_then_check(
    pg_server: PgServer, pg_databases: ServerDatabases, new_database: str
) -> None:
    address = pg_server.url(new_database)
    made = run_pact(pg_server, "demo", "--server", address)
    assert made.returncode == 0, made.stderr
    n, contacts = len(demo._ORGANISATIONS), sum(len(o.contacts) for o in demo._ORGANISATIONS)
    assert (
        _(
            "The demo pact was written to the empty server database {where}: "
            "{organisations} with {contacts}."
        ).format(
            where=address,
            organisations=ngettext("{n} partner", "{n} partners", n).format(n=n),
            contacts=ngettext("{n} contact person", "{n} contact persons", contacts).format(
                n=contacts
            ),
        )
        in made.stderr
    )
    assert made.stdout == ""  # no recovery key: a server has none
    # the schema, the references and the audit chain: ok
    checked = run_pact(pg_server, "check", "--server", address, env=COORDINATOR)
    assert (checked.returncode, checked.stdout) == (0, "ok\n"), checked.stderr
    listed = run_pact(
        pg_server, "cases", "list", "--status", "all", "--server", address, env=COORDINATOR
    )
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 31
    db = opened(pg_databases, new_database)
    try:
        assert db.is_demo()
        assert db.schema_state() is SchemaState.CURRENT
        assert organisations(db) == n
        assert users.count_users(db.uow()) == len(demo.demo_stories.USERS)
    finally:
        db.close()

    # a second demo is refused: the database holds data now; nothing changes
    again = run_pact(pg_server, "demo", "--server", address)
    assert again.returncode == 1
    assert again.stderr.strip() == _(
        "The server's database {name} already holds data. pact demo only fills an "
        "empty database; nothing was changed."
    ).format(name=new_database)
    assert (
        run_pact(
            pg_server, "cases", "list", "--status", "all", "--server", address, env=COORDINATOR
        ).stdout
        == listed.stdout
    )


def test_demo_refuses_a_server_database_with_a_user(
    pg_server: PgServer, pg_databases: ServerDatabases, new_database: str
) -> None:
    """Holding data is more than holding organisations: one user is enough."""
    address = pg_server.url(new_database)
    added = run_pact(
        pg_server, "users", "add", "beheer", "--name", "Bea Beheer", "--server", address,
        env={"PACT_NEW_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    refused = run_pact(pg_server, "demo", "--server", address)
    assert refused.returncode == 1
    assert new_database in refused.stderr
    db = opened(pg_databases, new_database)
    try:
        assert not db.is_demo()
        assert organisations(db) == 0
        assert [u.username for u in users.list_users(db.uow())] == ["beheer"]
    finally:
        db.close()


def test_demo_needs_a_file_or_a_server(pg_server: PgServer) -> None:
    assert run_pact(pg_server, "demo").returncode == 64


def _bad_row_reported(stderr: str) -> bool:
    where = pc.describe(RowError(3, "Telefoon", ""))
    return any(line.startswith(where) for line in stderr.splitlines())


def test_partners_import_on_a_server_is_all_or_nothing(
    pg_server: PgServer, pg_databases: ServerDatabases, new_database: str, tmp_path: Path
) -> None:
    address = pg_server.url(new_database)
    mixed = csv_file(tmp_path / "mixed.csv", [GOOD_ROW, BAD_ROW])
    good = csv_file(tmp_path / "good.csv", [GOOD_ROW])

    # a file with a bad row into a database without tables: reported, the server untouched
    rejected = run_pact(pg_server, "partners", "import", mixed, "--server", address)
    assert rejected.returncode == 1
    assert _bad_row_reported(rejected.stderr), rejected.stderr
    db = opened(pg_databases, new_database)
    try:
        assert db.schema_state() is SchemaState.EMPTY
        with db.engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
    finally:
        db.close()

    # a dry run changes nothing either
    preview = run_pact(pg_server, "partners", "import", good, "--dry-run", "--server", address)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout == "Huiswerkklas De Boekenlegger\tother\tBorne\t1\n"
    db = opened(pg_databases, new_database)
    try:
        assert db.schema_state() is SchemaState.EMPTY
    finally:
        db.close()

    # the good file: the tables are made and the organisation imported, without log-in
    imported = run_pact(pg_server, "partners", "import", good, "--server", address)
    assert imported.returncode == 0, imported.stderr
    assert (
        _("Imported: {organisations} with {contacts}; skipped as duplicates: {skipped}.").format(
            organisations=ngettext("{n} organisation", "{n} organisations", 1).format(n=1),
            contacts=ngettext("{n} contact person", "{n} contact persons", 1).format(n=1),
            skipped=0,
        )
        in imported.stderr
    )
    added = run_pact(
        pg_server, "users", "add", demo.COORDINATOR, "--name", "Ingrid Kamphuis",
        "--server", address, env={"PACT_NEW_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run_pact(pg_server, "partners", "list", "--server", address, env=COORDINATOR)
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.endswith("\tHuiswerkklas De Boekenlegger\tother\tBorne")

    # now the database has users: an import logs in first
    anonymous = run_pact(pg_server, "partners", "import", good, "--server", address)
    assert anonymous.returncode == 3
    # a bad row keeps the good one out as well
    other = {**GOOD_ROW, "Organisatie": "Speel-o-theek Het Klavier", "Contactpersoon": "Ans Vos"}
    mixed = csv_file(tmp_path / "mixed2.csv", [other, BAD_ROW])
    refused = run_pact(pg_server, "partners", "import", mixed, "--server", address, env=COORDINATOR)
    assert refused.returncode == 1
    assert _bad_row_reported(refused.stderr), refused.stderr
    again = run_pact(pg_server, "partners", "list", "--server", address, env=COORDINATOR)
    assert again.stdout == listed.stdout
    # the same file again: skipped as a duplicate, nothing doubled
    twice = run_pact(pg_server, "partners", "import", good, "--server", address, env=COORDINATOR)
    assert twice.returncode == 0, twice.stderr
    assert run_pact(pg_server, "partners", "list", "--server", address, env=COORDINATOR).stdout == (
        listed.stdout
    )
