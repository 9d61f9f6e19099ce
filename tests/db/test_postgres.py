"""The team's PostgreSQL server, first parts (step 7): the server address and its TLS
mode, and the same Alembic migrations building the schema on a real throwaway server
(tests/postgres.py), with the audit log's triggers and the refusal of a newer schema."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy.exc
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from pact.db import migrate, server_roles
from pact.db.database import Database, open_server_database
from pact.db.migrate import SchemaState
from pact.db.server import (
    DEFAULT_TLS,
    ServerAddressError,
    ServerPasswordError,
    ServerUnreachableError,
    ServerUrl,
    connect,
    make_server_engine,
    parse_url,
)
from pact.errors import SchemaTooNewError, ValidationError
from pact.i18n import _
from pact.models import Base
from pact.security import credentials
from pact.services import access, audit, auth, users
from pact.services.users import UserData
from tests import postgres
from tests.conftest import TEST_PASSWORD
from tests.postgres import PgServer

# ---------------------------------------------------------------- the address


def test_a_server_address_and_its_tls_mode() -> None:
    url = parse_url("postgresql://pact@db.example.nl:6543/team", environ={})
    assert url == ServerUrl("pact", "db.example.nl", 6543, "team", DEFAULT_TLS)
    assert url.tls == "verify-full"
    assert url.text() == "postgresql://pact@db.example.nl:6543/team"
    # the URL's sslmode wins over PGSSLMODE, which wins over verify-full
    env = {"PGSSLMODE": "require"}
    assert parse_url("postgresql://pact@db/team", environ=env).tls == "require"
    assert parse_url("postgresql://pact@db/team?sslmode=verify-ca", environ=env).tls == (
        "verify-ca"
    )
    with_ca = parse_url("postgresql://pact@db/team?sslrootcert=/etc/pact/ca.pem", environ={})
    assert with_ca.port == 5432 and str(with_ca.ca_file) == "/etc/pact/ca.pem"
    assert parse_url(with_ca.text(), environ={}) == with_ca
    assert with_ca.connect_args("secret")["sslrootcert"] == "/etc/pact/ca.pem"


def _messages() -> dict[str, str]:
    """What each bad address is told, in the test's language (read when it runs)."""
    example = "postgresql://pact@db.example.nl:5432/pact"
    return {
        "postgresql://pact:geheim@db/team": _(
            "Leave the password out of the server address: pact keeps it in the "
            "keyring of this computer, or takes it from PGPASSWORD."
        ),
        "mysql://pact@db/team": _(
            "A server address starts with postgresql://, e.g. {example}"
        ).format(example=example),
        "postgresql://db.example.nl/team": _(
            "The server address lacks: {parts}. Example: {example}"
        ).format(parts=_("user"), example=example),
        "postgresql://pact@db/team?sslmode=sometimes": _(
            "Unknown TLS mode {mode}: use one of {modes}."
        ).format(mode="sometimes", modes="disable, allow, prefer, require, verify-ca, verify-full"),
        "postgresql://pact@db/team?options=-c": _(
            "pact does not know these settings in the server address: {names}"
        ).format(names="options"),
    }


@pytest.mark.parametrize(
    "address",
    [
        "postgresql://pact:geheim@db/team",
        "mysql://pact@db/team",
        "postgresql://db.example.nl/team",
        "postgresql://pact@db/team?sslmode=sometimes",
        "postgresql://pact@db/team?options=-c",
    ],
)
def test_a_bad_server_address_says_why(address: str) -> None:
    with pytest.raises(ServerAddressError) as caught:
        parse_url(address, environ={})
    assert str(caught.value) == _messages()[address]


# ---------------------------------------------------------------- a real server


# pg_server: the throwaway server of this test process (tests/conftest.py)


@pytest.fixture
def pg_engine(pg_server: PgServer) -> Iterator[Engine]:
    """A new, empty database on the server, as pact connects to it."""
    name = pg_server.create_database()
    engine = make_server_engine(parse_url(pg_server.url(name), environ={}), pg_server.password)
    yield engine
    engine.dispose()


def test_the_migrations_build_the_whole_schema_on_postgresql(pg_engine: Engine) -> None:
    assert migrate.schema_state(pg_engine) is SchemaState.EMPTY
    migrate.upgrade(pg_engine)
    assert migrate.schema_state(pg_engine) is SchemaState.CURRENT
    tables = set(inspect(pg_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    # and the models agree with what the migrations made (as alembic check on SQLite)
    cfg = migrate.alembic_config()
    with pg_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)


def test_the_audit_log_refuses_changes_on_postgresql(pg_engine: Engine) -> None:
    migrate.upgrade(pg_engine)
    with Session(pg_engine) as s:
        audit.record(s, None, audit.VERIFY, record_type="audit_log", detail="first")
        s.commit()
    for statement in (
        "UPDATE audit_entry SET detail = 'changed'",
        "DELETE FROM audit_entry",
        "TRUNCATE audit_entry",
    ):
        with pg_engine.connect() as conn, pytest.raises(sqlalchemy.exc.DBAPIError):
            conn.execute(text(statement))
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT detail FROM audit_entry")).scalars().all() == ["first"]


def test_a_server_schema_newer_than_this_pact_is_refused(pg_engine: Engine) -> None:
    migrate.upgrade(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_a_newer_pact'"))
    assert migrate.schema_state(pg_engine) is SchemaState.TOO_NEW
    with pytest.raises(SchemaTooNewError):
        migrate.upgrade(pg_engine)


# ---------------------------------------------------------------- the server password


@pytest.fixture
def pg_url(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> ServerUrl:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return parse_url(pg_server.url(pg_server.create_database()), environ={})


def test_the_password_from_pgpassword(
    pg_server: PgServer, pg_url: ServerUrl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    opened = access.connect_server(pg_url, ask=lambda _why: pytest.fail("asked"))
    assert opened.source == "environment"
    opened.engine.dispose()


def test_a_password_is_asked_only_when_the_server_asks(
    pg_server: PgServer, pg_url: ServerUrl
) -> None:
    reasons: list[str] = []

    def ask(reason: str) -> str:
        reasons.append(reason)
        return "niet het wachtwoord" if len(reasons) == 1 else pg_server.password

    opened = access.connect_server(pg_url, ask=ask)
    where = f"{pg_url.host}:{pg_url.port}"
    assert reasons == [
        _("The server {where} asks for the password of {user}.").format(
            where=where, user=pg_url.user
        ),
        _("The server {where} did not accept the password of {user}.").format(
            where=where, user=pg_url.user
        ),
    ]
    assert (opened.source, opened.stored) == ("typed", False)  # the 'fail' keyring
    opened.engine.dispose()
    with pytest.raises(ServerPasswordError) as caught:
        access.connect_server(pg_url)  # nobody to ask: the reason, exit 2 on the CLI
    assert caught.value.needed


def test_a_typed_password_is_kept_in_the_keyring(
    pg_server: PgServer, pg_url: ServerUrl, secret_service: object
) -> None:
    try:
        first = access.connect_server(pg_url, ask=lambda _why: pg_server.password)
        first.engine.dispose()
        assert (first.source, first.stored) == ("typed", True)
        again = access.connect_server(pg_url, ask=lambda _why: pytest.fail("asked again"))
        assert again.source == "keyring"
        again.engine.dispose()
    finally:
        credentials.delete_server_password(pg_url.key())


def test_a_server_that_does_not_answer_says_so(pg_server: PgServer) -> None:
    closed = parse_url(
        f"postgresql://pact@127.0.0.1:{postgres.free_port()}/pact?sslmode=disable", environ={}
    )
    with pytest.raises(ServerUnreachableError) as caught:
        connect(closed, "x")
    assert str(caught.value).startswith(
        _(
            "The server {where} cannot be reached (is it running, is the network up?): {reason}"
        ).format(where=f"127.0.0.1:{closed.port}", reason="")
    )


# ---------------------------------------------------------------- pact check --server


@pytest.fixture
def pact_on_server(pg_server: PgServer) -> str:
    """A pact database on the server (the migrations run, a first user): its URL."""
    name = pg_server.create_database()
    address = pg_server.url(name)
    engine = make_server_engine(parse_url(address, environ={}), pg_server.password)
    db = open_server_database(parse_url(address, environ={}), engine)
    try:
        db.upgrade()
        users.create_first_user(
            db.uow(), UserData(username="beheer", display_name="Bea Beheer", password=TEST_PASSWORD)
        )
    finally:
        db.close()
    return address


def run_pact(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PACT_", "PG"))}
    environ |= {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **env}
    done = subprocess.run(
        [sys.executable, "-m", "pact", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_pact_check_on_the_server(pg_server: PgServer, pact_on_server: str) -> None:
    login = {"PACT_USER": "beheer", "PACT_PASSWORD": TEST_PASSWORD}
    done = run_pact(
        "check", "--server", pact_on_server, env={**login, "PGPASSWORD": pg_server.password}
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr
    # the server asks for its password and there is no terminal to type it: exit 2
    locked = run_pact("check", "--server", pact_on_server, env=login)
    assert locked.returncode == 2
    assert "PGPASSWORD" in locked.stderr
    # a file-only command, and --db with --server, are usage errors
    assert run_pact("restore", "/tmp/x.bak", "--server", pact_on_server, env=login).returncode == 64
    both = run_pact("check", "--db", "/tmp/x.db", "--server", pact_on_server, env=login)
    assert both.returncode == 64


def test_pact_check_refuses_a_newer_schema_on_the_server(
    pg_server: PgServer, pact_on_server: str
) -> None:
    with pg_server.admin_connect(parse_url(pact_on_server, environ={}).database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_a_newer_pact'")
    done = run_pact(
        "check",
        "--server",
        pact_on_server,
        env={
            "PACT_USER": "beheer",
            "PACT_PASSWORD": TEST_PASSWORD,
            "PGPASSWORD": pg_server.password,
        },
    )
    assert done.returncode == 1
    assert done.stderr.strip() == _(
        "This database was made by a newer version of pact. "
        "Install the newer pact to open it; nothing was changed."
    )


def test_concurrent_writers_keep_one_valid_audit_chain(pg_engine: Engine) -> None:
    """Eight workstations append at once: the advisory lock serialises the appends,
    so the sequence has no gaps and every hash links to the one before."""
    migrate.upgrade(pg_engine)
    db = Database(None, pg_engine)
    writers, each = 8, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with Session(pg_engine) as s:
                    audit.record(s, None, audit.VERIFY, record_type="audit_log", detail=f"{n}/{i}")
                    s.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    result = audit.verify_chain(db.uow())
    assert result.ok and result.entries == writers * each
    with pg_engine.connect() as conn:
        seqs = conn.execute(text("SELECT seq FROM audit_entry ORDER BY seq")).scalars().all()
    assert seqs == list(range(1, writers * each + 1))


def test_a_workstation_role_may_only_read_and_append_the_audit_log(
    pg_server: PgServer, pact_on_server: str
) -> None:
    owner = parse_url(pact_on_server, environ={})
    role = f"pact_app_{owner.database[-8:]}"
    app_password = "werkplek-wachtwoord-42"
    with pg_server.admin_connect() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{app_password}'")
    engine = make_server_engine(owner, pg_server.password)
    with engine.begin() as conn:
        done = server_roles.grant_workstation_role(conn, role)
    engine.dispose()
    assert f"GRANT SELECT, INSERT ON audit_entry TO {role}" in done
    with pytest.raises(ValidationError):
        server_roles.grant_workstation_role(None, "pact_app; DROP TABLE x")  # type: ignore[arg-type]

    workstation = parse_url(pg_server.url(owner.database, user=role), environ={})
    app = connect(workstation, app_password)
    db = Database(None, app, server=workstation)
    try:
        # pact works as the workstation role: log in (a row updated, an entry appended)
        actor = auth.login(db.uow(), "beheer", TEST_PASSWORD)
        assert actor.username == "beheer"
        assert audit.verify_chain(db.uow()).ok
        for statement in (
            "UPDATE audit_entry SET detail = 'changed'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
            "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_entry_no_update ON audit_entry",
            "DROP TABLE audit_entry",
        ):
            with app.connect() as conn, pytest.raises(sqlalchemy.exc.ProgrammingError) as caught:
                conn.execute(text(statement))
            message = str(caught.value.orig)
            assert "permission denied" in message or "must be owner" in message, statement
    finally:
        db.close()


def test_pact_server_grant_as_the_owner(pg_server: PgServer, pact_on_server: str) -> None:
    owner = parse_url(pact_on_server, environ={})
    role = f"werkplek_{owner.database[-8:]}"
    with pg_server.admin_connect() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'x-y-z-werkplek'")
    login = {
        "PACT_USER": "beheer",
        "PACT_PASSWORD": TEST_PASSWORD,
        "PGPASSWORD": pg_server.password,
    }
    done = run_pact("server", "grant", role, "--server", pact_on_server, env=login)
    assert done.returncode == 0, done.stderr
    assert f"GRANT SELECT, INSERT ON audit_entry TO {role}" in done.stdout.splitlines()
    bad = run_pact("server", "grant", "Pact App", "--server", pact_on_server, env=login)
    assert bad.returncode == 1
    assert _("A role name has lower-case letters, digits and _ only, e.g. pact_app.") in bad.stderr
    assert run_pact("server", "grant", role, env=login).returncode == 64  # no --server


def test_the_first_user_on_a_new_server_database(pg_server: PgServer) -> None:
    address = pg_server.url(pg_server.create_database())
    env = {"PGPASSWORD": pg_server.password, "PACT_NEW_PASSWORD": TEST_PASSWORD}
    added = run_pact("users", "add", "beheer", "--name", "Bea Beheer", "--server", address, env=env)
    assert added.returncode == 0, added.stderr
    login = {
        "PACT_USER": "beheer",
        "PACT_PASSWORD": TEST_PASSWORD,
        "PGPASSWORD": pg_server.password,
    }
    checked = run_pact("check", "--server", address, env=login)
    assert (checked.returncode, checked.stdout) == (0, "ok\n"), checked.stderr
    listed = run_pact("users", "list", "--server", address, env=login)
    assert listed.stdout.splitlines() == [
        "beheer\tBea Beheer\t\tadministrator|coordinator\tactive"
    ], listed.stderr


def test_a_server_restart_is_survived_without_reopening(
    pg_server: PgServer, pact_on_server: str
) -> None:
    """The pooled connection died with the restart; the next unit of work gets a new
    one (pool_pre_ping), nothing has to be reopened."""
    url = parse_url(pact_on_server, environ={})
    db = open_server_database(url, connect(url, pg_server.password))
    try:
        assert users.count_users(db.uow()) == 1
        pg_server.restart()
        assert users.count_users(db.uow()) == 1
        assert db.schema_state() is SchemaState.CURRENT
    finally:
        db.close()
