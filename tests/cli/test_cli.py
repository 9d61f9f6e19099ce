"""The command line, run as a person or a script runs it: ``python -m pact ...`` in a
subprocess without a terminal on stdin, on real SQLCipher files; in-process through
``main(argv)`` where a subprocess adds nothing but time.

The keyring is keyring's 'fail' backend unless a test asks for the real Secret
Service; secrets come from PACT_PASSPHRASE as in scripts, and every command logs
in as the demo coordinator (PACT_USER, PACT_PASSWORD) unless a test says otherwise.
"""

from __future__ import annotations

import argparse
import ast
import csv
import errno
import gettext
import hashlib
import inspect
import io
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command as alembic_command
from alembic.script import ScriptDirectory

from pact import __version__, argparse_texts, cli, i18n, log
from pact.__main__ import has_no_display, main
from pact.db import migrate
from pact.db.database import create_database, create_file, open_database
from pact.db.engine import Passphrase, connect_raw, make_engine
from pact.i18n import N_, _, ngettext
from pact.models.partner import SECTORS, TWENTE_MUNICIPALITIES
from pact.services import auth, demo, maintenance, users
from pact.services import partner_csv as pc
from pact.services import partners as p
from pact.services.partner_csv import RowError
from tests.db.conftest import secret_service, secret_service_entries  # noqa: F401

PASSPHRASE = "cli-test-passphrase"
TIMEOUT = 60  # seconds; a prompt that waits for a person would hit it
FAIL_KEYRING = "keyring.backends.fail.Keyring"
WRONG_KEY = N_("This key or passphrase does not open the database.")  # _() when used
NEW_PASSWORD = "Vlinderstruik-42-Hengelo"  # a user that pact users add makes


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    raw_stdout: bytes


def environment(passphrase: str | None, env: dict[str, str] | None) -> dict[str, str]:
    environ = dict(os.environ)  # holds the test's private XDG_* folders
    environ["PYTHON_KEYRING_BACKEND"] = FAIL_KEYRING
    environ.pop("PACT_PASSPHRASE", None)
    environ.pop("PACT_RECOVERY_KEY", None)
    if passphrase is not None:
        environ["PACT_PASSPHRASE"] = passphrase
    environ.update(env or {})
    return environ


def pact(
    *args: str | Path,
    passphrase: str | None = PASSPHRASE,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run the real command line in a subprocess, without a terminal on stdin."""
    done = subprocess.run(
        [sys.executable, "-m", "pact", *(str(a) for a in args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment(passphrase, env),
        cwd=cwd,
        timeout=TIMEOUT,
    )
    result = Run(
        done.returncode,
        done.stdout.decode("utf-8"),  # strict: lists are UTF-8
        done.stderr.decode("utf-8"),
        done.stdout,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def in_process(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return Run(code, out, err, out.encode("utf-8"))


def assert_help(capsys: pytest.CaptureFixture[str], argv: list[str], texts: list[str]) -> Run:
    """``argv`` (ending in --help) exits 0 with pact's usage naming ``texts`` and --db."""
    result = in_process(capsys, *argv)
    assert result.code == 0
    assert result.stdout.startswith(_("usage: ") + "pact")
    for text in [*texts, "--db"]:
        assert text in result.stdout
    return result


def help_id(value: object) -> str:
    """The test id of a parametrized ``--help`` command line: its words."""
    return " ".join(value) if isinstance(value, list) and "--help" in value else ""


@dataclass(frozen=True)
class FileState:
    sha256: str
    mtime_ns: int


def state(path: Path) -> FileState:
    return FileState(hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)


def tables(path: Path, passphrase: str = PASSPHRASE) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the audit log: what "nothing changed" means for
    a command that logs in (the log-in itself is an audit entry)."""
    conn = connect_raw(path, Passphrase(passphrase))
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit_entry'"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


@dataclass(frozen=True)
class Entry:
    seq: int
    event: str
    username: str
    workstation: str
    record_type: str
    case_code: str
    outcome: str
    detail: str


def audit_log(path: Path, after: int = 0, passphrase: str = PASSPHRASE) -> list[Entry]:
    """The audit entries after number ``after``, read from the raw database."""
    conn = connect_raw(path, Passphrase(passphrase))
    try:
        rows = conn.execute(
            "SELECT seq, event, username, workstation, record_type, case_code, outcome, "
            "detail FROM audit_entry WHERE seq > ? ORDER BY seq",
            (after,),
        ).fetchall()
    finally:
        conn.close()
    return [Entry(*row) for row in rows]


def last_entry(path: Path) -> int:
    entries = audit_log(path)
    return entries[-1].seq if entries else 0


def csv_file(path: Path, rows: list[dict[str, str]], headers: tuple[str, ...] = pc.HEADERS) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for cells in rows:
        writer.writerow([cells.get(h, "") for h in headers])
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


GOOD_ROW = {
    "Organisatie": "Huiswerkklas De Boekenlegger",
    "Sector": "other",
    "Gemeenten": "Borne",
    "Telefoon": "074 266 1020",
    "Contactpersoon": "Rianne Bosch",
    "E-mail contactpersoon": "r.bosch@boekenlegger.voorbeeld.nl",
}
BAD_ROW = {
    "Organisatie": "Stichting Zonder Nummer",
    "Sector": "welfare",
    "Gemeenten": "Almelo",
    "Telefoon": "12345",
}


def listing(path: Path) -> str:
    result = pact("partners", "list", "--db", path)
    assert result.code == 0, result.stderr
    return result.stdout


def make_outdated(path: Path) -> migrate.SchemaState:
    """A database whose layout this pact would have to upgrade.

    With an older revision to go back to, a new file is migrated up to that one
    only; with only one revision, the older layout is the one before it: a keyed
    file that was never migrated (what an interrupted first start leaves)."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    older = script.get_revision(migrate.head_revision()).down_revision
    if isinstance(older, str):
        create_file(path)
        engine = make_engine(path, Passphrase(PASSPHRASE))
        cfg = migrate.alembic_config()
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                alembic_command.upgrade(cfg, older)
        finally:
            engine.dispose()
        return migrate.SchemaState.OUTDATED
    create_file(path)
    connect_raw(path, Passphrase(PASSPHRASE)).close()
    return migrate.SchemaState.EMPTY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    demo.create_demo(path, PASSPHRASE).created.db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a demo database (passphrase mode)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A new pact database with no organisations; its one user is the coordinator
    every command logs in as (with the demo's password)."""
    path = tmp_path / "empty.db"
    db = create_database(path, Passphrase(PASSPHRASE))
    try:
        users.create_first_user(
            db.uow(),
            users.UserData(
                username=demo.COORDINATOR,
                display_name="Ingrid Kamphuis",
                password=auth.DEMO_PASSWORD,
            ),
        )
    finally:
        db.close()
    return path


@pytest.fixture(autouse=True)
def log_in_as_coordinator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As a script does: PACT_USER and PACT_PASSWORD (the demo coordinator's)."""
    monkeypatch.setenv("PACT_USER", demo.COORDINATOR)
    monkeypatch.setenv("PACT_PASSWORD", auth.DEMO_PASSWORD)
    monkeypatch.delenv("PACT_NEW_PASSWORD", raising=False)
    yield


@pytest.fixture
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    yield


def add_first_user(path: Path) -> None:
    """Give a database made without users (by pact partners import) its first user,
    the coordinator the commands log in as."""
    made = pact(
        "users", "add", demo.COORDINATOR, "--name", "Ingrid Kamphuis", "--db", path,
        env={"PACT_NEW_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert made.code == 0, made.stderr


# ---------------------------------------------------------------- version, help, usage


def test_version_is_printed_and_exits_0() -> None:
    result = pact("--version", passphrase=None)
    assert result.code == 0
    assert result.stdout.strip() == f"pact {__version__}"


def test_help_exits_0_and_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "--help")
    assert result.code == 0
    for command in ("demo", "check", "partners"):
        assert command in result.stdout
    result = in_process(capsys, "partners", "import", "--help")
    assert result.code == 0
    assert "--dry-run" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["--db"],
        ["check", "--db"],
        ["--no-such-option"],
        ["partners"],
        ["partners", "delete"],
        ["partners", "import"],
        ["partners", "list", "--unknown"],
        ["demo"],
    ],
    ids=lambda a: " ".join(a) or "nothing",
)
def test_usage_errors_exit_64(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    result = in_process(capsys, *argv)
    assert result.code == cli.EXIT_USAGE == 64
    assert _("usage: ") + "pact" in result.stderr
    assert result.stdout == ""


def test_usage_errors_exit_64_from_a_real_process(tmp_path: Path) -> None:
    unknown = pact("frobnicate", "--db", tmp_path / "x.db")
    assert unknown.code == 64
    assert "frobnicate" in unknown.stderr
    missing_value = pact("check", "--db")
    assert missing_value.code == 64
    assert "--db" in missing_value.stderr
    assert not (tmp_path / "x.db").exists()


# ---------------------------------------------------------------- demo


def test_demo_creates_a_checked_demo_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "demo.db"
    path.parent.mkdir()
    result = pact("demo", "--db", path)
    assert result.code == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # passphrase mode: pact says that the passphrase is the only key, and no recovery key
    assert (
        _(
            "The database is protected by its passphrase only: without the passphrase "
            "nobody can open it, not even pact's makers."
        )
        in result.stderr
    )
    assert result.stdout == ""
    organisations = len(demo._ORGANISATIONS)
    contacts = sum(len(o.contacts) for o in demo._ORGANISATIONS)
    created = _("Demo database created at {path}: {organisations} with {contacts}.").format(
        path=path,
        organisations=ngettext("{n} partner", "{n} partners", organisations).format(
            n=organisations
        ),
        contacts=ngettext("{n} contact person", "{n} contact persons", contacts).format(n=contacts),
    )
    assert created in result.stderr
    assert pact("check", "--db", path).stdout == "ok\n"
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        assert db.is_demo()
        assert p.count_organisations(db.uow()) == len(demo._ORGANISATIONS)
    finally:
        db.close()


def test_demo_refuses_a_non_empty_file_and_leaves_it_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my own notes, not a database\n" * 100)
    before = state(path)
    result = pact("demo", "--db", path)
    assert result.code == 1
    assert str(path) in result.stderr
    assert state(path) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.db"]


def test_demo_refuses_an_existing_pact_database(demo_db: Path) -> None:
    listed = listing(demo_db)
    before = state(demo_db)
    result = pact("demo", "--db", demo_db)
    assert result.code == 1
    assert state(demo_db) == before
    assert listing(demo_db) == listed


def test_demo_without_keyring_and_passphrase_and_terminal_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = pact("demo", "--db", path, passphrase=None)
    assert result.code == 2
    assert "PACT_PASSPHRASE" in result.stderr
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.keyring
def test_demo_in_keyring_mode_shows_the_recovery_key_once(
    tmp_path: Path,
    secret_service: object,  # noqa: F811
) -> None:
    path = tmp_path / "demo.db"
    real = {"PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    result = pact("demo", "--db", path, passphrase=None, env=real)
    assert result.code == 0, result.stderr
    keys = re.findall(r"\b(?:[0-9A-Z]{5}-){10}[0-9A-Z]{5}\b", result.stdout)
    assert len(keys) == 1
    assert (
        _(
            "Recovery key of the new database. It is shown only this once: keep it "
            "somewhere safe, away from this computer. Without it the database cannot be "
            "opened on another computer."
        )
        in result.stdout
    )
    assert keys[0] not in result.stderr
    assert str(path.resolve()) in secret_service_entries("pact")
    # the keyring opens it; on another computer (no keyring) the recovery key does
    assert pact("check", "--db", path, passphrase=None, env=real).stdout == "ok\n"
    assert pact("check", "--db", path, passphrase=None).code == 2
    recovered = pact("check", "--db", path, passphrase=None, env={"PACT_RECOVERY_KEY": keys[0]})
    assert recovered.stdout == "ok\n"


# ---------------------------------------------------------------- unlocking: exit 2


def test_wrong_passphrase_exits_2_and_leaves_the_file_unchanged(demo_db: Path) -> None:
    before = state(demo_db)
    result = pact("partners", "list", "--db", demo_db, passphrase="not-the-passphrase")
    assert result.code == 2
    assert _(WRONG_KEY) in result.stderr
    assert result.stdout == ""
    assert state(demo_db) == before


def test_missing_passphrase_without_terminal_exits_2_without_prompting(demo_db: Path) -> None:
    before = state(demo_db)
    result = pact("check", "--db", demo_db, passphrase=None)  # stdin: /dev/null, timeout
    assert result.code == 2
    assert "PACT_PASSPHRASE" in result.stderr
    assert "PACT_RECOVERY_KEY" in result.stderr
    assert _("Recovery key or passphrase: ") not in result.stderr + result.stdout
    assert state(demo_db) == before


def test_a_malformed_recovery_key_exits_2(demo_db: Path) -> None:
    result = pact(
        "check", "--db", demo_db, passphrase=None, env={"PACT_RECOVERY_KEY": "ABCDE-FGHJK"}
    )
    assert result.code == 2


def test_with_a_terminal_pact_asks_and_opens(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answers = iter(["wrong-passphrase-1", PASSPHRASE])
    monkeypatch.setattr(cli, "can_prompt", lambda: True)

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(cli, "_ask", ask)
    result = in_process(capsys, "check", "--db", demo_db)
    assert result.code == 0
    assert result.stdout == "ok\n"
    assert asked == [_("Recovery key or passphrase: ")] * 2
    assert _(WRONG_KEY) in result.stderr


def test_with_a_terminal_three_wrong_answers_exit_2(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "can_prompt", lambda: True)
    monkeypatch.setattr(cli, "_ask", lambda prompt: "still-the-wrong-one")
    result = in_process(capsys, "partners", "list", "--db", demo_db)
    assert result.code == 2
    assert result.stderr.count(_(WRONG_KEY)) >= 3
    assert result.stdout == ""


def test_a_missing_database_exits_1_and_creates_nothing(tmp_path: Path) -> None:
    result = pact("partners", "list", "--db", tmp_path / "nothing.db")
    assert result.code == 1
    assert str(tmp_path / "nothing.db") in result.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- --db anywhere, lists


def test_db_is_accepted_before_and_after_the_subcommand(demo_db: Path) -> None:
    forms: list[tuple[str | Path, ...]] = [
        ("--db", demo_db, "partners", "list"),
        ("partners", "--db", demo_db, "list"),
        ("partners", "list", "--db", demo_db),
    ]
    outputs = [pact(*form) for form in forms]
    assert all(r.code == 0 for r in outputs)
    assert outputs[0].stdout
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout


def test_partners_list_is_tab_separated_without_header_with_codes(demo_db: Path) -> None:
    lines = listing(demo_db).splitlines()
    assert len(lines) == len(demo._ORGANISATIONS)
    sectors = set()
    for line in lines:
        oid, name, sector, municipalities = line.split("\t")  # exactly four fields
        assert oid.isdigit()  # no header line
        assert name
        assert sector in SECTORS  # the code, not the label
        sectors.add(sector)
        names = municipalities.split("|")
        assert names == sorted(names)
        assert set(names) <= set(TWENTE_MUNICIPALITIES)
    assert sectors == set(SECTORS)
    assert "\tMediationpraktijk Het Midden\tlegal\tBorne|Enschede|Hengelo" in "\n".join(lines)
    everywhere = "|".join(sorted(TWENTE_MUNICIPALITIES))
    assert f"\t{demo.TUKKER.youth_care}\tyouth_care\t{everywhere}" in "\n".join(lines)


def test_partners_list_is_utf8_whatever_the_locale_and_hides_archived(demo_db: Path) -> None:
    db = open_database(demo_db, Passphrase(PASSPHRASE))
    try:
        hengelo = next(m.id for m in p.list_municipalities(db.uow()) if m.name == "Hengelo")
        name = "Stichting Ōmi – Één Gezin"
        saved = p.save_organisation(
            db.uow(), p.OrganisationData(name=name, sector="other", municipality_ids=(hengelo,))
        )
        archived = p.save_organisation(
            db.uow(), p.OrganisationData(name="Opgeheven Stichting", sector="welfare")
        )
        p.set_archived(db.uow(), archived.id or 0, True)
    finally:
        db.close()
    result = pact("partners", "list", "--db", demo_db, env={"PYTHONIOENCODING": "latin-1"})
    assert result.code == 0
    assert f"{saved.id}\t{name}\tother\tHengelo\n".encode() in result.raw_stdout
    assert "Opgeheven Stichting" not in result.stdout
    everything = pact("partners", "list", "--all", "--db", demo_db)
    assert f"{archived.id}\tOpgeheven Stichting\twelfare\t\n" in everything.stdout
    assert len(everything.stdout.splitlines()) == len(result.stdout.splitlines()) + 1


# ---------------------------------------------------------------- import and export


def test_import_with_a_bad_row_exits_1_and_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "in.csv", [GOOD_ROW, BAD_ROW])
    before, listed = tables(demo_db), listing(demo_db)
    result = pact("partners", "import", path, "--db", demo_db)
    assert result.code == 1
    where = pc.describe(RowError(3, "Telefoon", ""))
    assert any(line.startswith(where) for line in result.stderr.splitlines()), result.stderr
    assert "Huiswerkklas" not in result.stderr  # the good row is not reported as bad
    assert tables(demo_db) == before
    assert listing(demo_db) == listed


def test_import_with_an_unknown_header_exits_1_and_changes_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    headers = (*pc.HEADERS, "Schoenmaat")
    path = csv_file(tmp_path / "in.csv", [GOOD_ROW], headers=headers)
    before = tables(demo_db)
    result = pact("partners", "import", path, "--db", demo_db)
    assert result.code == 1
    assert "Schoenmaat" in result.stderr
    assert tables(demo_db) == before


@pytest.mark.usefixtures("passphrase_env")
@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02 not text \xff\xfe"], ids=["empty", "binary"]
)
def test_import_of_a_file_that_is_no_csv_exits_1(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    before = tables(demo_db)
    result = in_process(capsys, "partners", "import", source, "--db", demo_db)
    assert result.code == 1
    assert result.stderr.strip()
    assert tables(demo_db) == before


def test_import_dry_run_shows_the_preview_and_changes_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    duplicate = {"Organisatie": demo.TUKKER.school, "Sector": "school", "Gemeenten": "Hengelo"}
    path = csv_file(tmp_path / "in.csv", [GOOD_ROW, duplicate])
    before, listed = tables(demo_db), listing(demo_db)
    result = pact("partners", "import", path, "--dry-run", "--db", demo_db)
    assert result.code == 0, result.stderr
    assert result.stdout == "Huiswerkklas De Boekenlegger\tother\tBorne\t1\n"
    assert demo.TUKKER.school in result.stderr  # the duplicate that would be skipped
    assert tables(demo_db) == before
    assert listing(demo_db) == listed


def test_import_adds_the_good_rows_and_reports_duplicates(demo_db: Path, tmp_path: Path) -> None:
    duplicate = {"Organisatie": demo.TUKKER.school, "Sector": "school", "Gemeenten": "Hengelo"}
    path = csv_file(tmp_path / "in.csv", [GOOD_ROW, duplicate])
    result = pact("partners", "import", path, "--db", demo_db)
    assert result.code == 0, result.stderr
    assert demo.TUKKER.school in result.stderr
    lines = listing(demo_db).splitlines()
    assert len(lines) == len(demo._ORGANISATIONS) + 1
    assert any(line.endswith("\tHuiswerkklas De Boekenlegger\tother\tBorne") for line in lines)
    assert sum(demo.TUKKER.school in line for line in lines) == 1


def test_export_then_import_round_trips(demo_db: Path, empty_db: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    assert pact("partners", "export", first, "--db", demo_db).code == 0
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    imported = pact("partners", "import", first, "--db", empty_db)
    assert imported.code == 0, imported.stderr
    second = tmp_path / "second.csv"
    assert pact("--db", empty_db, "partners", "export", second).code == 0
    assert second.read_bytes() == first.read_bytes()
    assert listing(empty_db).replace("\n", "") != ""
    assert [line.split("\t")[1:] for line in listing(empty_db).splitlines()] == [
        line.split("\t")[1:] for line in listing(demo_db).splitlines()
    ]


def test_export_comma_is_plain_csv_and_imports_too(
    demo_db: Path, empty_db: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.csv"
    assert pact("partners", "export", plain, "--comma", "--db", demo_db).code == 0
    data = plain.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.splitlines()[0].decode("utf-8") == ",".join(pc.HEADERS)
    assert pact("partners", "import", plain, "--db", empty_db).code == 0
    assert [line.split("\t")[1:] for line in listing(empty_db).splitlines()] == [
        line.split("\t")[1:] for line in listing(demo_db).splitlines()
    ]


def test_export_replaces_a_file_atomically_and_fails_cleanly(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "partners.csv"
    missing_folder = pact("partners", "export", target, "--db", demo_db)
    assert missing_folder.code == 1
    assert not target.parent.exists()
    target.parent.mkdir()
    target.write_bytes(b"old contents")
    assert pact("partners", "export", target, "--db", demo_db).code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf" + ";".join(pc.HEADERS).encode())
    assert [x.name for x in target.parent.iterdir()] == ["partners.csv"]  # no temp files


# ---------------------------------------------------------------- check and schema versions


def test_check_prints_ok_on_a_fresh_demo_database(demo_db: Path) -> None:
    before, last = tables(demo_db), last_entry(demo_db)
    result = pact("check", "--db", demo_db)
    assert (result.code, result.stdout, result.stderr) == (0, "ok\n", "")
    assert tables(demo_db) == before  # it changes nothing but the audit log's log-in
    [login] = audit_log(demo_db, after=last)
    assert (login.event, login.username) == ("login", demo.COORDINATOR)
    assert login.workstation.endswith("(command line)")


def test_check_on_an_outdated_schema_exits_1_and_does_not_migrate(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    expected_state = make_outdated(path)
    before = state(path)
    result = pact("check", "--db", path)
    assert result.code == 1
    assert result.stdout == ""
    # nobody can log in to check it before it is upgraded
    message = (
        _(
            "This database has an older layout. Open it in pact first to upgrade it "
            "(pact --db PATH); nothing was changed."
        )
        if expected_state is migrate.SchemaState.OUTDATED
        else _(
            "This database has no pact tables: it was never set up. Open it in pact first "
            "(pact --db PATH); nothing was changed."
        )
    )
    assert message in result.stderr
    assert state(path) == before  # read-only: never migrates


@pytest.mark.parametrize("action", ["list", "export"])
def test_reading_commands_refuse_an_outdated_schema(tmp_path: Path, action: str) -> None:
    path = tmp_path / "old.db"
    make_outdated(path)
    before = state(path)
    target = tmp_path / "out.csv"
    result = pact("partners", action, *([target] if action == "export" else []), "--db", path)
    assert result.code == 1
    assert "pact --db PATH" in result.stderr  # tells how to upgrade
    assert result.stdout == ""
    assert state(path) == before
    assert not target.exists()


def test_import_upgrades_an_outdated_schema_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_outdated(path)
    source = csv_file(tmp_path / "in.csv", [GOOD_ROW])
    result = pact("partners", "import", source, "--db", path)  # no users yet: no log-in
    assert result.code == 0, result.stderr
    add_first_user(path)
    assert pact("check", "--db", path).stdout == "ok\n"
    assert "Huiswerkklas De Boekenlegger" in listing(path)


def test_a_database_of_a_newer_pact_is_refused(demo_db: Path) -> None:
    conn = connect_raw(demo_db, Passphrase(PASSPHRASE))
    conn.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    conn.close()
    before = state(demo_db)
    for command in (["check"], ["partners", "list"]):
        result = pact(*command, "--db", demo_db)
        assert result.code == 1
        assert (
            _(
                "This database was made by a newer version of pact. "
                "Install the newer pact to open it; nothing was changed."
            )
            in result.stderr
        )
    assert state(demo_db) == before


@pytest.mark.usefixtures("passphrase_env")
def test_check_reports_damage_and_exits_1(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(demo_db.read_bytes())
    data[4096 * 5 + 100] ^= 0xFF  # one byte in the sixth page
    demo_db.write_bytes(bytes(data))
    result = in_process(capsys, "check", "--db", demo_db)
    assert result.code == 1
    assert "ok" not in result.stdout
    assert "page 6" in result.stderr


# ---------------------------------------------------------------- unexpected errors, log


@pytest.mark.usefixtures("passphrase_env")
def test_an_unexpected_error_is_a_message_and_a_log_entry_without_data(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db: object) -> None:
        raise RuntimeError("Wesley Tukker, 06 12345678")

    monkeypatch.setattr(maintenance, "check", broken)
    result = in_process(capsys, "check", "--db", demo_db)
    assert result.code == 1
    assert "Wesley" not in result.stderr
    logfile = log.current_log_file()
    assert logfile is not None
    assert str(logfile) in result.stderr
    text = logfile.read_text(encoding="utf-8")
    assert "Traceback" in text
    assert "RuntimeError" in text
    assert "broken" in text  # where it happened
    assert "Wesley" not in text and "12345678" not in text
    assert PASSPHRASE not in text and auth.DEMO_PASSWORD not in text
    assert stat.S_IMODE(logfile.stat().st_mode) == 0o600


def test_the_log_withholds_messages_even_after_another_handler_formatted_them() -> None:
    path = log.setup_logging()
    assert path is not None
    logger = logging.getLogger("pact.test")
    plain = logging.StreamHandler(io.StringIO())  # formats first and caches the traceback
    logging.getLogger("pact").handlers.insert(0, plain)
    try:
        try:
            raise ValueError("invalid literal: 'Elia Brinkhuis'") from KeyError("06 98765432")
        except ValueError:
            logger.exception("saving failed")
    finally:
        logging.getLogger("pact").removeHandler(plain)
    assert "Elia Brinkhuis" in plain.stream.getvalue()
    text = path.read_text(encoding="utf-8")
    assert "saving failed" in text
    assert "builtins.KeyError (message withheld)" in text
    assert "builtins.ValueError (message withheld)" in text
    assert "direct cause" in text
    assert "Elia" not in text and "98765432" not in text


# ---------------------------------------------------------------- argparse in pact's language


class Marked(gettext.NullTranslations):
    """A catalogue that marks every text it translates: «text»."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every text pact translates comes out marked; argparse's own texts too, if and
    only if they go through pact's catalogue."""
    monkeypatch.setattr(i18n, "load_translations", lambda language: Marked())
    yield
    monkeypatch.undo()
    i18n.set_language("nl")
    argparse_texts.install()


@pytest.mark.usefixtures("marked")
@pytest.mark.parametrize(
    ("argv", "texts"),
    [
        (
            ["bogus"],
            [
                "«usage: »pact",
                "«argument %(argument_name)s: %(message)s»",
                "«invalid choice: 'bogus'",
            ],
        ),
        (
            ["partners", "import"],
            ["«usage: »pact partners import", "«the following arguments are required: %s»"],
        ),
        (["check", "--db"], ["«expected one argument»"]),
        (["partners", "list", "extra"], ["«unrecognized arguments: %s»"]),
        (["partners", "import", "in.csv", "--d"], ["«ambiguous option: %(option)s could match"]),
    ],
    ids=["bogus", "missing FILE", "missing PATH", "extra", "ambiguous"],
)
def test_argparse_errors_come_from_pacts_catalogue(
    capsys: pytest.CaptureFixture[str], argv: list[str], texts: list[str]
) -> None:
    result = in_process(capsys, *argv)
    assert result.code == cli.EXIT_USAGE
    assert "usage: pact" not in result.stderr  # no English left outside the marks
    for text in texts:
        # argparse fills in %-placeholders after translating: compare the fixed part
        assert text.split("%")[0] in result.stderr, result.stderr


@pytest.mark.usefixtures("marked")
def test_argparse_help_comes_from_pacts_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "--help")
    assert result.code == 0
    for text in (
        "«usage: »pact",
        "«positional arguments»",
        "«options»",
        "«show this help message and exit»",
        "«show program's version number and exit»",
    ):
        assert text in result.stdout, result.stdout
    for english in ("positional arguments:", "options:", "usage: pact"):
        assert english not in result.stdout
    # the command-line keywords stay as they are
    for keyword in ("demo", "check", "partners", "--db", "--version", "-h, --help"):
        assert keyword in result.stdout


def _argparse_msgids() -> tuple[set[str], set[tuple[str, str]]]:
    """The msgids of the argparse that runs these tests (literal ones only)."""
    tree = ast.parse(inspect.getsource(argparse))
    single: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id == "_" and texts and isinstance(texts[0], str):
            single.add(texts[0])
        elif node.func.id == "ngettext" and len(texts) >= 2:
            plural.add((texts[0], texts[1]))
    return single, plural


# argparse messages about mistakes in a parser's definition (pact's code, never the user)
# and about features pact does not use (FileType, ArgumentDefaultsHelpFormatter)
NOT_FOR_USERS = {
    ".__call__() not defined",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    'argument "-" with mode %r',
    "can't open '%(filename)s': %(error)s",
    "cannot merge actions - two groups are named %r",
    "'required' is an invalid argument for positionals",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "mutually exclusive arguments must be optional",
    "cannot have multiple subparser arguments",
    "%r is not callable",
    " (default: %(default)s)",
}


def test_every_argparse_text_a_user_can_see_is_in_pacts_catalogue() -> None:
    """argparse_texts marks argparse's msgids for Babel; this Python's argparse must not
    use one that is not marked (their spelling changes between Python versions)."""
    single, plural = _argparse_msgids()
    assert "usage: " in single  # the source was read
    assert single - NOT_FOR_USERS <= set(argparse_texts.MESSAGES)
    assert plural - {("conflicting option string: %s", "conflicting option strings: %s")} <= set(
        argparse_texts.PLURAL_MESSAGES
    )
    argparse_texts.install()
    assert vars(argparse)["_"] is i18n._
    assert vars(argparse)["ngettext"] is i18n.ngettext


def test_usage_errors_are_in_the_users_language_from_a_real_process() -> None:
    result = pact("bogus")
    assert result.code == 64
    assert result.stderr.startswith(_("usage: ") + "pact")
    invalid = _("invalid choice: %(value)r (choose from %(choices)s)")
    assert invalid.split("%")[0] + "'bogus'" in result.stderr


# ---------------------------------------------------------------- import into a new database


def test_import_creates_a_missing_database_for_the_round_trip(
    demo_db: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    assert pact("partners", "export", first, "--db", demo_db).code == 0
    new = tmp_path / "new" / "pact.db"
    result = pact("partners", "import", first, "--db", new)
    assert result.code == 0, result.stderr
    assert result.stdout == ""  # passphrase mode: no recovery key
    assert _("A new database was created at {path}.").format(path=new) in result.stderr
    assert (
        _(
            "The database is protected by its passphrase only: without the passphrase "
            "nobody can open it, not even pact's makers."
        )
        in result.stderr
    )
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    # a database without users: every command but pact users add needs one first
    no_users = pact("check", "--db", new)
    assert no_users.code == 3
    assert "pact users add USERNAME --name NAME" in no_users.stderr
    add_first_user(new)
    assert pact("check", "--db", new).stdout == "ok\n"
    second = tmp_path / "second.csv"
    assert pact("partners", "export", second, "--db", new).code == 0
    assert second.read_bytes() == first.read_bytes()
    db = open_database(new, Passphrase(PASSPHRASE))
    try:
        assert not db.is_demo()
    finally:
        db.close()


def test_a_failed_import_into_a_new_database_leaves_nothing(tmp_path: Path) -> None:
    source = csv_file(tmp_path / "in.csv", [GOOD_ROW, BAD_ROW])
    for new in (tmp_path / "new.db", tmp_path / "new" / "folders" / "new.db"):
        result = pact("partners", "import", source, "--db", new)
        assert result.code == 1
        assert pc.describe(RowError(3, "Telefoon", "")) in result.stderr
        # no file, no -wal or -shm, no folder made for it
        assert sorted(x.name for x in tmp_path.iterdir()) == ["in.csv"]
        assert _("A new database was created at {path}.").format(path=new) not in result.stderr


def test_import_into_a_new_database_without_keyring_or_passphrase_exits_2(
    tmp_path: Path,
) -> None:
    source = csv_file(tmp_path / "in.csv", [GOOD_ROW])
    result = pact("partners", "import", source, "--db", tmp_path / "new.db", passphrase=None)
    assert result.code == 2
    assert "PACT_PASSPHRASE" in result.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.csv"]


def test_a_dry_run_on_a_missing_database_previews_and_creates_nothing(
    tmp_path: Path, private_dirs: Path
) -> None:
    source = csv_file(tmp_path / "in.csv", [GOOD_ROW])
    new = tmp_path / "new.db"
    result = pact("partners", "import", source, "--dry-run", "--db", new)
    assert result.code == 0, result.stderr
    assert result.stdout == "Huiswerkklas De Boekenlegger\tother\tBorne\t1\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.csv"]
    assert list((private_dirs / "tmp").iterdir()) == []  # the preview database is gone


@pytest.mark.keyring
def test_import_into_a_new_database_in_keyring_mode(
    tmp_path: Path,
    secret_service: object,  # noqa: F811
) -> None:
    real = {"PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    bad = csv_file(tmp_path / "bad.csv", [GOOD_ROW, BAD_ROW])
    new = tmp_path / "new.db"
    failed = pact("partners", "import", bad, "--db", new, passphrase=None, env=real)
    assert failed.code == 1
    assert failed.stdout == ""  # no recovery key for a database that is gone
    assert not new.exists()
    assert str(new.resolve()) not in secret_service_entries("pact")
    good = csv_file(tmp_path / "good.csv", [GOOD_ROW])
    result = pact("partners", "import", good, "--db", new, passphrase=None, env=real)
    assert result.code == 0, result.stderr
    keys = re.findall(r"\b(?:[0-9A-Z]{5}-){10}[0-9A-Z]{5}\b", result.stdout)
    assert len(keys) == 1
    assert str(new.resolve()) in secret_service_entries("pact")
    recovery = {"PACT_RECOVERY_KEY": keys[0]}
    made = pact(
        "users", "add", demo.COORDINATOR, "--name", "Ingrid Kamphuis", "--db", new,
        passphrase=None, env={**recovery, "PACT_NEW_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert made.code == 0, made.stderr
    recovered = pact("partners", "list", "--db", new, passphrase=None, env=recovery)
    assert "Huiswerkklas De Boekenlegger" in recovered.stdout


# ---------------------------------------------------------------- files that are no database


def test_check_on_a_folder_says_so_and_exits_1(tmp_path: Path) -> None:
    result = pact("check", "--db", tmp_path)
    assert result.code == 1
    assert result.stderr.strip() == _("{path} is a folder, not a pact database.").format(
        path=tmp_path
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"my own notes\n", N_("{path} is not a pact database or is damaged.")),
        (
            b"SQLite format 3\x00" + bytes(4080),
            N_("{path} is not a pact database: it is an SQLite database without encryption."),
        ),
    ],
    ids=["text", "sqlite"],
)
def test_check_on_a_file_that_cannot_be_a_pact_database_exits_1(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    result = pact("check", "--db", path)
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == _(message).format(path=path)
    assert path.read_bytes() == content


def test_check_on_random_bytes_names_both_possibilities_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(hashlib.shake_256(b"pact").digest(8192))
    result = pact("check", "--db", path)
    assert result.code == 2
    expected = _("{reason} If the key is right, {path} is not a pact database or is damaged.")
    assert expected.format(reason=_(WRONG_KEY), path=path) in result.stderr


# ---------------------------------------------------------------- closed output, export target


@pytest.mark.parametrize(
    "args", [["partners", "list"], ["partners", "export", "-"], ["--help"]], ids=" ".join
)
def test_a_closed_stdout_ends_quietly(demo_db: Path, args: list[str]) -> None:
    """As `pact partners list | head -1`: the reader is gone before pact writes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pact", *args, "--db", str(demo_db)]
        if args != ["--help"]
        else [sys.executable, "-m", "pact", "--help"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(PASSPHRASE, None),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    try:
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=TIMEOUT)
    finally:
        process.kill()
    assert (code, stderr) == (0, "")


def test_export_to_a_missing_folder_names_the_folder(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "x.csv"
    result = pact("partners", "export", target, "--db", demo_db)
    assert result.code == 1
    assert result.stderr.strip() == _("The folder {folder} does not exist.").format(
        folder=target.parent
    )
    assert sorted(x.name for x in tmp_path.iterdir()) == ["demo.db"]


def test_export_onto_a_folder_names_the_target(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    result = pact("partners", "export", target, "--db", demo_db)
    assert result.code == 1
    assert result.stderr.strip() == _("Cannot write {path}: {reason}.").format(
        path=target, reason=_("it is a folder")
    )
    assert ".tmp" not in result.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a-folder", "demo.db"]
    assert list(target.iterdir()) == []


@pytest.mark.usefixtures("passphrase_env")
@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, N_("the disk is full")),
        (errno.EACCES, N_("you do not have permission for that")),
        (errno.EROFS, N_("the disk can only be read, not written")),
    ],
    ids=["ENOSPC", "EACCES", "EROFS"],
)
def test_export_write_errors_are_translated_and_name_the_target(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    reason: str,
) -> None:
    """Root may write anywhere, so the operating system's refusal is simulated at the
    one place pact writes: what the person sees is the point here."""
    target = tmp_path / "partners.csv"

    def refuse(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise OSError(code, os.strerror(code), str(path.parent / ".partners.csv.x1y2.tmp"))

    monkeypatch.setattr(cli, "atomic_write", refuse)
    result = in_process(capsys, "partners", "export", target, "--db", demo_db)
    assert result.code == 1
    assert result.stderr.strip() == _("Cannot write {path}: {reason}.").format(
        path=target, reason=_(reason)
    )
    assert os.strerror(code) not in result.stderr
    assert not target.exists()


def test_export_to_dash_writes_standard_output(demo_db: Path, tmp_path: Path) -> None:
    file = tmp_path / "partners.csv"
    assert pact("partners", "export", file, "--db", demo_db).code == 0
    result = pact("partners", "export", "-", "--db", demo_db, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.raw_stdout == file.read_bytes()
    assert not (tmp_path / "-").exists()
    comma = pact("partners", "export", "-", "--comma", "--db", demo_db)
    assert comma.raw_stdout.startswith(",".join(pc.HEADERS).encode())


# ---------------------------------------------------------------- plurals


def organisations_and_contacts(organisations: int, contacts: int) -> dict[str, str]:
    return {
        "organisations": ngettext("{n} organisation", "{n} organisations", organisations).format(
            n=organisations
        ),
        "contacts": ngettext("{n} contact person", "{n} contact persons", contacts).format(
            n=contacts
        ),
    }


def test_counts_of_one_are_singular(empty_db: Path, tmp_path: Path) -> None:
    good = csv_file(tmp_path / "good.csv", [GOOD_ROW])
    dry = pact("partners", "import", good, "--dry-run", "--db", empty_db)
    assert (
        _(
            "Dry run, nothing was changed. Would import: {organisations} with {contacts}; "
            "skipped as duplicates: {skipped}."
        ).format(**organisations_and_contacts(1, 1), skipped=0)
        in dry.stderr
    )
    done = pact("partners", "import", good, "--db", empty_db)
    assert (
        _("Imported: {organisations} with {contacts}; skipped as duplicates: {skipped}.").format(
            **organisations_and_contacts(1, 1), skipped=0
        )
        in done.stderr
    )
    bad = csv_file(tmp_path / "bad.csv", [BAD_ROW])
    refused = pact("partners", "import", bad, "--db", empty_db)
    assert refused.code == 1
    problem = ngettext(
        "Nothing was imported: the file has {n} problem. Correct it and import the file again.",
        "Nothing was imported: the file has {n} problems. Correct them and import the file again.",
        1,
    ).format(n=1)
    assert problem in refused.stderr


# ---------------------------------------------------------------- the window without a display


@pytest.mark.parametrize("platform", [None, "xcb", "wayland"])
def test_the_window_without_a_display_is_a_message_not_a_crash(
    demo_db: Path, tmp_path: Path, platform: str | None
) -> None:
    environ = environment(PASSPHRASE, None)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_RUNTIME_DIR"):
        environ.pop(name, None)
    if platform:
        environ["QT_QPA_PLATFORM"] = platform
    done = subprocess.run(
        [sys.executable, "-m", "pact", "--db", str(demo_db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environ,
        timeout=TIMEOUT,
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 1, stderr
    assert stderr.strip() == _(
        "pact needs a graphical desktop to open its window; the commands (pact --help) work "
        "without one."
    )
    assert "qt.qpa" not in stderr


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-1"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_when_there_is_no_display(environ: dict[str, str], platform: str, expected: bool) -> None:
    assert has_no_display(environ, platform) is expected


def test_a_wayland_socket_without_wayland_display_counts_as_a_display(tmp_path: Path) -> None:
    (tmp_path / "wayland-0").touch()
    assert has_no_display({"XDG_RUNTIME_DIR": str(tmp_path)}, "linux") is False
