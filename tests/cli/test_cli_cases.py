"""The command line for users, cases and figures: ``--user`` / PACT_USER with the
password from PACT_PASSWORD, need-to-know (exit 3), tab-separated lists, translated
help and messages.

As in test_cli.py the real command line runs in a subprocess without a terminal on
stdin, and in-process through ``main(argv)`` where a subprocess adds nothing. One
demo database (made by ``pact demo`` itself) serves the reading tests; tests that
write use a copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pact import cli
from pact.db.database import create_database, open_database
from pact.db.engine import Passphrase
from pact.errors import BreakGlassRequiredError, PasswordChangeRequiredError
from pact.i18n import _, ngettext
from pact.models.partner import TWENTE_MUNICIPALITIES
from pact.services import auth, cases, demo, figures, timeline, users
from tests.cli.test_cli import (
    FAIL_KEYRING,
    NEW_PASSWORD,
    PASSPHRASE,
    TIMEOUT,
    Run,
    assert_help,
    audit_log,
    help_id,
    in_process,
    last_entry,
    make_outdated,
    state,
)

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_USER = (
    "Name the acting pact user: --user NAME, or set the environment variable PACT_USER. "
    "pact users list shows the users."
)


def pact(*args: str | Path, env: dict[str, str] | None = None, user: str | None = None) -> Run:
    """The real command line in a subprocess without a terminal; PACT_USER only as
    given, PACT_PASSWORD the demo accounts' password unless ``env`` says otherwise."""
    environ = dict(os.environ)  # the test's private XDG_* folders
    environ["PYTHON_KEYRING_BACKEND"] = FAIL_KEYRING
    environ["PACT_PASSPHRASE"] = PASSPHRASE
    environ["PACT_PASSWORD"] = auth.DEMO_PASSWORD
    for name in ("PACT_RECOVERY_KEY", "PACT_USER", "PACT_NEW_PASSWORD"):
        environ.pop(name, None)
    if user is not None:
        environ["PACT_USER"] = user
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "pact", *(str(a) for a in args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environ,
        timeout=TIMEOUT,
    )
    result = Run(
        done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"), done.stdout
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """``pact demo`` run once, in its own private folders."""
    home = tmp_path_factory.mktemp("demo-home")
    env = {var: str(home / var.lower()) for var in ("XDG_DATA_HOME", "XDG_STATE_HOME")}
    env |= {"XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    path = home / "demo.db"
    return path, pact("demo", "--db", path, env=env)


@pytest.fixture
def demo_path(made: tuple[Path, Run]) -> Path:
    path, result = made
    assert result.code == 0, result.stderr
    return path


@pytest.fixture
def demo_copy(demo_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.db"
    shutil.copyfile(demo_path, path)
    return path


@pytest.fixture(autouse=True)
def no_pact_user(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No PACT_USER unless a test names one; the password is the demo accounts'."""
    monkeypatch.delenv("PACT_USER", raising=False)
    monkeypatch.delenv("PACT_NEW_PASSWORD", raising=False)
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PACT_PASSWORD", auth.DEMO_PASSWORD)
    yield


class InProcess:
    """``main(argv)`` in this process: what a subprocess does, without its start-up."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str | Path, user: str | None = None) -> Run:
        with self.monkeypatch.context() as mp:
            if user is not None:
                mp.setenv("PACT_USER", user)
            return in_process(self.capsys, *args)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    return InProcess(capsys, monkeypatch)


def lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def codes(run: Run) -> list[str]:
    assert run.code == 0, run.stderr
    return [cells[0] for cells in lines(run.stdout)]


def tukker_code(path: Path) -> str:
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        me = users.find_actor(db.uow(), demo.COORDINATOR)
        [row] = cases.list_cases(db.uow(), me, cases.CaseFilter(text=demo.TUKKER_FAMILY))
        return row.code
    finally:
        db.close()


def unrelated_code(path: Path) -> str:
    """A case the user ``worker`` may not see."""
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        coordinator = users.find_actor(db.uow(), demo.COORDINATOR)
        worker = users.find_actor(db.uow(), demo.WORKER)
        seen = {r.code for r in cases.list_cases(db.uow(), worker, cases.CaseFilter(status=None))}
        every = cases.list_cases(db.uow(), coordinator, cases.CaseFilter(status=None), limit=100)
        return next(r.code for r in every if r.code not in seen)
    finally:
        db.close()


def outside_code(path: Path) -> str:
    """A case outside the coordinator's own cases: she opens it only with a reason."""
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        coordinator = users.find_actor(db.uow(), demo.COORDINATOR)
        for row in cases.list_cases(db.uow(), coordinator, cases.CaseFilter(status=None)):
            try:
                cases.get_case(db.uow(), coordinator, row.id, opening=False)
            except BreakGlassRequiredError:
                return row.code
    finally:
        db.close()
    raise AssertionError("every case is the coordinator's own")


# ---------------------------------------------------------------- pact demo


def test_demo_names_the_users_and_the_cases(made: tuple[Path, Run]) -> None:
    path, result = made
    assert result.code == 0, result.stderr
    assert result.stdout == ""  # passphrase mode: no recovery key
    n = len(demo.demo_stories.USERS)
    told = _(
        "It holds {cases} and {users}: {admin} (administrator), {coordinator} (the pact "
        "coordinator), {worker} (the internal coach of a primary school) and {others} "
        "more workers (pact users list)."
    ).format(
        cases=ngettext("{n} case", "{n} cases", 31).format(n=31),
        users=ngettext("{n} user", "{n} users", n).format(n=n),
        admin="admin",
        coordinator="coordinator",
        worker="worker",
        others=n - 3,
    )
    assert told in result.stderr
    assert f"pact cases list --db {path} --user coordinator" in result.stderr
    assert "pact-demo-2026" in result.stderr  # the demo accounts' password
    assert (
        _(
            "Every demo account has the password {password}. Log in with --user and that "
            "password (typed when asked, or from PACT_PASSWORD), e.g. pact cases list --db "
            "{path} --user {coordinator}"
        ).format(password=auth.DEMO_PASSWORD, path=path, coordinator="coordinator")
        in result.stderr
    )
    for name in demo.SENSITIVE_NAMES:  # pact demo prints no child's or family's name
        assert name not in result.stderr


# ---------------------------------------------------------------- help


@pytest.mark.parametrize(
    ("argv", "texts"),
    [
        (["users", "--help"], ["list", "add"]),
        (["users", "list", "--help"], ["--user"]),
        (["users", "add", "--help"], ["USERNAME", "--name", "--organisation", "--role"]),
        (["cases", "--help"], ["list", "show"]),
        (
            ["cases", "list", "--help"],
            ["--status", "--municipality", "--level", "--mine", "--consent-problem", "--overdue"],
        ),
        (["cases", "show", "--help"], ["CODE", "--user"]),
        (["figures", "--help"], ["--year", "--quarter"]),
    ],
    ids=help_id,
)
def test_every_new_command_has_translated_help(
    capsys: pytest.CaptureFixture[str], argv: list[str], texts: list[str]
) -> None:
    result = assert_help(capsys, argv, texts)
    assert (
        _(
            "log in as this pact user (default: the environment variable PACT_USER); the "
            "password comes from the environment variable PACT_PASSWORD or, when there is "
            "a terminal, is asked for"
        ).split()[0]
        in result.stdout
    )


def test_the_main_help_names_the_new_commands(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "--help")
    for command in ("users", "cases", "figures", "audit", "--user", "PACT_PASSWORD"):
        assert command in result.stdout
    assert _("the cases you may see: list, show, access, erase") in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["users"],
        ["users", "add"],
        ["users", "add", "x"],  # --name is required
        ["users", "add", "x", "--name", "X", "--role", "boss"],
        ["cases"],
        ["cases", "show"],
        ["cases", "list", "--level", "5"],
        ["cases", "list", "--status", "sleeping"],
        ["figures"],
        ["figures", "--year", "2026", "--quarter", "5"],
        ["cases", "list", "--user"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_64(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    result = in_process(capsys, *argv)
    assert result.code == cli.EXIT_USAGE
    assert result.stdout == ""


# ---------------------------------------------------------------- --user and PACT_USER


def test_case_commands_without_a_user_exit_3_before_asking_for_a_key(
    demo_path: Path, run: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a real process without a terminal: exit 3, and the (wrong) key is never tried
    result = pact("cases", "list", "--db", demo_path, env={"PACT_PASSPHRASE": "wrong-but-unused"})
    assert result.code == cli.EXIT_DENIED == 3, result.stderr
    assert _(NO_USER) in result.stderr
    assert result.stdout == ""
    monkeypatch.setenv("PACT_PASSPHRASE", "wrong-but-unused")
    for args in (["cases", "show", "2026-0001"], ["figures", "--year", "2026"]):
        result = run(*args, "--db", demo_path)
        assert result.code == 3 and _(NO_USER) in result.stderr and result.stdout == ""
    # an empty name is no name
    assert run("cases", "list", "--db", demo_path, "--user", " ").code == 3


def test_an_unknown_or_inactive_user_exits_3(run: InProcess, demo_copy: Path) -> None:
    unknown = run("cases", "list", "--db", demo_copy, "--user", "nobody")
    assert unknown.code == 3
    assert _("The user name or the password is not right.") in unknown.stderr
    db = open_database(demo_copy, Passphrase(PASSPHRASE))
    try:
        admin = users.find_actor(db.uow(), demo.ADMIN)
        worker = next(x for x in users.list_users(db.uow()) if x.username == demo.WORKER)
        data = users.get_user(db.uow(), admin, worker.id)
        users.save_user(db.uow(), admin, replace(data, active=False))
    finally:
        db.close()
    inactive = run("cases", "list", "--db", demo_copy, "--user", demo.WORKER)
    assert inactive.code == 3 and inactive.stdout == ""
    assert (
        _("The user {name} is no longer active; ask an administrator.").format(name=demo.WORKER)
        in inactive.stderr
    )
    listed = run("users", "list", "--db", demo_copy, user=demo.ADMIN)
    assert f"{demo.WORKER}\t" in listed.stdout and "\tinactive" in listed.stdout


def test_user_before_or_after_the_command_or_from_pact_user(
    demo_path: Path, run: InProcess
) -> None:
    expected = codes(run("cases", "list", "--db", demo_path, "--user", demo.WORKER))
    assert len(expected) == 2
    assert codes(run("--user", demo.WORKER, "cases", "list", "--db", demo_path)) == expected
    assert codes(run("cases", "--user", demo.WORKER, "list", "--db", demo_path)) == expected
    assert codes(pact("cases", "list", "--db", demo_path, user=demo.WORKER)) == expected
    # --user wins over PACT_USER; user names are not case-sensitive
    assert codes(run("cases", "list", "--db", demo_path, "--user", "WORKER", user="admin")) == (
        expected
    )


def test_the_other_commands_log_in_too(run: InProcess, demo_path: Path) -> None:
    assert run("check", "--db", demo_path, "--user", "nobody").code == 3
    assert run("check", "--db", demo_path, "--user", demo.COORDINATOR).stdout == "ok\n"
    assert run("--user", demo.WORKER, "partners", "list", "--db", demo_path).code == 0
    # the list of users is for an administrator
    refused = run("users", "list", "--db", demo_path, "--user", demo.WORKER)
    assert refused.code == 3 and refused.stdout == ""
    assert _("Only an administrator can see the list of users.") in refused.stderr
    assert run("users", "list", "--db", demo_path, "--user", demo.ADMIN).code == 0
    for args in (["partners", "list"], ["users", "list"], ["check"], ["audit", "verify"]):
        result = run(*args, "--db", demo_path)
        assert result.code == 3 and _(NO_USER) in result.stderr, args


# ---------------------------------------------------------------- users


def test_users_list_is_tab_separated_without_header(run: InProcess, demo_path: Path) -> None:
    result = run("users", "list", "--db", demo_path, user=demo.ADMIN)
    assert result.code == 0, result.stderr
    rows = lines(result.stdout)
    assert len(rows) == len(demo.demo_stories.USERS)
    assert all(len(r) == 5 for r in rows)
    by_name = {r[0]: r for r in rows}
    assert by_name["admin"] == ["admin", "Functioneel beheerder", "", "administrator", "active"]
    assert by_name["coordinator"] == [
        "coordinator",
        "Ingrid Kamphuis",
        demo.TUKKER.welfare,
        "coordinator",
        "active",
    ]
    assert by_name["worker"][2:] == [demo.TUKKER.school, "worker", "active"]


TEMPORARY = "The password is temporary: {name} chooses their own at the first log-in."
OWN_PASSWORD = "Eigen-Wachtwoord-77"


def test_users_add_first_user_then_only_an_administrator(
    run: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.db"
    create_database(path, Passphrase(PASSPHRASE)).close()
    # without a terminal the new user's password comes from PACT_NEW_PASSWORD
    missing = run("users", "add", "i.kamphuis", "--name", "Ingrid Kamphuis", "--db", path)
    assert missing.code == 1 and "PACT_NEW_PASSWORD" in missing.stderr
    monkeypatch.setenv("PACT_NEW_PASSWORD", auth.DEMO_PASSWORD)
    first = run("users", "add", "i.kamphuis", "--name", "Ingrid Kamphuis", "--db", path)
    assert first.code == 0, first.stderr
    assert (
        _("User {name} was added with the roles: {roles}.").format(
            name="i.kamphuis", roles="administrator, coordinator"
        )
        in first.stderr
    )
    assert _(TEMPORARY).format(name="i.kamphuis") not in first.stderr  # her own password
    # a second user needs a logged-in administrator; their password is temporary
    nobody = run("users", "add", "j.jansen", "--name", "Jan Jansen", "--db", path)
    assert nobody.code == 3 and _(NO_USER) in nobody.stderr
    monkeypatch.setenv("PACT_NEW_PASSWORD", NEW_PASSWORD)
    added = run("users", "add", "j.jansen", "--name", "Jan Jansen", "--db", path, user="i.kamphuis")
    assert added.code == 0, added.stderr
    assert _(TEMPORARY).format(name="j.jansen") in added.stderr
    # without a terminal nothing runs as j.jansen until he has chosen his own password
    with monkeypatch.context() as mp:
        mp.setenv("PACT_PASSWORD", NEW_PASSWORD)
        temporary = run("users", "list", "--db", path, "--user", "j.jansen")
    assert temporary.code == 3 and temporary.stdout == ""
    assert (
        _("An administrator set this password: choose a new password of your own.")
        in temporary.stderr
    )
    assert (
        _(
            "{reason} There is no terminal to choose it on: log in to the pact app "
            "once and choose it there (or run this command at a terminal)."
        ).split("{reason} ")[1]
        in temporary.stderr
    )
    # at a terminal he chooses it (typed twice), and, a worker, may not add users
    asked: list[str] = []
    answers = iter([NEW_PASSWORD, OWN_PASSWORD, OWN_PASSWORD])

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    with monkeypatch.context() as mp:
        mp.delenv("PACT_PASSWORD")
        mp.setattr(cli, "can_prompt", lambda: True)
        mp.setattr(cli, "_ask", ask)
        worker = run(
            "users", "add", "k.klaassen", "--name", "Kees Klaassen", "--db", path,
            "--user", "j.jansen",
        )  # fmt: skip
    assert worker.code == 3
    assert _("Only an administrator can add or change users.") in worker.stderr
    assert asked == [
        _("Password of {name}: ").format(name="j.jansen"),
        _("New password: "),
        _("Repeat the password: "),
    ]
    with monkeypatch.context() as mp:
        mp.setenv("PACT_PASSWORD", OWN_PASSWORD)
        assert run("partners", "list", "--db", path, "--user", "j.jansen").code == 0
    taken = run("users", "add", "J.Jansen", "--name", "Jan", "--db", path, "--user", "i.kamphuis")
    assert taken.code == 1 and _("This user name is already taken.") in taken.stderr
    rows = lines(run("users", "list", "--db", path, user="i.kamphuis").stdout)
    assert [r[0] for r in rows] == ["i.kamphuis", "j.jansen"]
    assert rows[0][3] == "administrator|coordinator" and rows[1][3] == "worker"


def test_users_add_asks_for_the_new_password_twice_at_a_terminal(
    run: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.db"
    create_database(path, Passphrase(PASSPHRASE)).close()
    answers = iter(["kort", OWN_PASSWORD, "something else", OWN_PASSWORD, OWN_PASSWORD])
    monkeypatch.setattr(cli, "can_prompt", lambda: True)
    monkeypatch.setattr(cli, "_ask", lambda prompt: next(answers))
    result = run("users", "add", "i.kamphuis", "--name", "Ingrid Kamphuis", "--db", path)
    assert result.code == 0, result.stderr
    assert _("Use at least {n} characters.").format(n=10) in result.stderr
    assert _("The two passwords differ.") in result.stderr
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        assert auth.login(db.uow(), "i.kamphuis", OWN_PASSWORD).username == "i.kamphuis"
    finally:
        db.close()


def choose_own_password(path: Path, username: str, temporary: str, own: str) -> None:
    """What the user does at the first log-in after an administrator gave the password."""
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        with pytest.raises(PasswordChangeRequiredError):
            auth.login(db.uow(), username, temporary)
        auth.login(db.uow(), username, temporary, new_password=own)
    finally:
        db.close()


def test_users_add_with_organisation_contact_and_roles(
    run: InProcess, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_NEW_PASSWORD", NEW_PASSWORD)
    result = run(
        "users",
        "add",
        "l.hulshof",
        "--name",
        "Lotte Hulshof",
        "--contact",
        "lotte hulshof",  # found whatever the case
        "--role",
        "worker",
        "--role",
        "coordinator",
        "--db",
        demo_copy,
        "--user",
        demo.ADMIN,
    )
    assert result.code == 0, result.stderr
    listed = run("users", "list", "--db", demo_copy, user=demo.ADMIN)
    row = next(r for r in lines(listed.stdout) if r[0] == "l.hulshof")
    assert row == [
        "l.hulshof",
        "Lotte Hulshof",
        demo.TUKKER.youth_care,
        "coordinator|worker",
        "active",
    ]
    # the new coordinator, with her own password, sees every case at once
    choose_own_password(demo_copy, "l.hulshof", NEW_PASSWORD, auth.DEMO_PASSWORD)
    assert (
        len(
            codes(run("cases", "list", "--status", "all", "--db", demo_copy, "--user", "l.hulshof"))
        )
        == 31
    )
    unknown = run(
        "users", "add", "x.y", "--name", "X Y", "--organisation", "Stichting Nergens",
        "--db", demo_copy, "--user", demo.ADMIN,
    )  # fmt: skip
    assert unknown.code == 1
    assert (
        _("There is no active partner organisation named {name}.").format(name="Stichting Nergens")
        in unknown.stderr
    )
    elsewhere = run(
        "users", "add", "x.y", "--name", "X Y", "--organisation", demo.TUKKER.school,
        "--contact", "Lotte Hulshof", "--db", demo_copy, "--user", demo.ADMIN,
    )  # fmt: skip
    assert elsewhere.code == 1
    assert _("There is no active contact person named {name}.").format(name="Lotte Hulshof") in (
        elsewhere.stderr
    )


# ---------------------------------------------------------------- cases list


def test_cases_list_is_tab_separated_with_codes(run: InProcess, demo_path: Path) -> None:
    result = run("cases", "list", "--status", "all", "--db", demo_path, "--user", "coordinator")
    rows = lines(result.stdout)
    assert result.code == 0 and len(rows) == 31
    assert all(len(r) == 10 for r in rows)
    for code, status, level, municipality, consent, meld, alias, _lead, steps, late in rows:
        assert re.fullmatch(r"\d{4}-\d{4}", code)
        assert status in ("registered", "active", "closed")
        assert level in ("1", "2", "3", "4")
        assert municipality in TWENTE_MUNICIPALITIES
        assert consent in ("none", "withdrawn", "expired", "incomplete", "complete", "expiring")
        assert meld in ("", "meldcode")
        assert alias.startswith("Fam. ")
        assert int(steps) >= int(late) >= 0
    assert {r[5] for r in rows} == {"", "meldcode"}
    tukker = next(r for r in rows if r[6] == demo.TUKKER_ALIAS)
    assert tukker[1:6] == ["active", "2", "Hengelo", "complete", ""]
    assert tukker[7] == "Nadia El Amrani" and (tukker[8], tukker[9]) == ("3", "1")
    # open (the default) leaves out the closed ones
    open_ = codes(run("cases", "list", "--db", demo_path, "--user", "coordinator"))
    assert set(open_) == {r[0] for r in rows if r[1] != "closed"}


@pytest.mark.parametrize(
    ("options", "check"),
    [
        (["--status", "closed"], lambda r: r[1] == "closed"),
        (["--status", "registered"], lambda r: r[1] == "registered"),
        (["--level", "4"], lambda r: r[2] == "4"),
        (["--municipality", "hengelo"], lambda r: r[3] == "Hengelo"),
        (["--consent-problem"], lambda r: r[4] != "complete"),
        (["--overdue"], lambda r: int(r[9]) > 0),
        (["--search", "tukker"], lambda r: r[6] == demo.TUKKER_ALIAS),
    ],
    ids=lambda x: " ".join(x) if isinstance(x, list) else "",
)
def test_cases_list_filters(
    run: InProcess, demo_path: Path, options: list[str], check: object
) -> None:
    result = run("cases", "list", *options, "--db", demo_path, "--user", "coordinator")
    rows = lines(result.stdout)
    assert result.code == 0 and rows, result.stderr
    assert all(check(r) for r in rows)  # type: ignore[operator]
    assert len(rows) < demo.demo_stories.CASE_COUNT  # the filter left some out


def test_cases_list_mine_and_an_unknown_municipality(run: InProcess, demo_path: Path) -> None:
    mine = lines(run("cases", "list", "--mine", "--db", demo_path, "--user", "worker").stdout)
    assert [r[6] for r in mine] == [demo.TUKKER_ALIAS]  # registered by the worker
    bad = run("cases", "list", "--municipality", "Atlantis", "--db", demo_path, "--user", "worker")
    assert bad.code == 1 and bad.stdout == ""
    assert "Atlantis" in bad.stderr and "Hof van Twente" in bad.stderr


# ---------------------------------------------------------------- cases show, need-to-know


def test_cases_show_prints_the_header_then_the_timeline(run: InProcess, demo_path: Path) -> None:
    code = tukker_code(demo_path)
    result = run("cases", "show", code, "--db", demo_path, "--user", "worker")
    assert result.code == 0, result.stderr
    header, _blank, rest = result.stdout.partition("\n\n")
    fields = [line.split("\t") for line in header.splitlines()]
    assert all(len(f) == 2 for f in fields)
    values = dict(f for f in fields if f[0] not in ("child", "carer", "partner"))
    assert values["code"] == code and values["alias"] == demo.TUKKER_ALIAS
    assert values["family_name"] == demo.TUKKER_FAMILY
    assert (values["status"], values["level"], values["municipality"]) == ("active", "2", "Hengelo")
    assert values["consent"] == "complete" and values["meldcode"] == "no"
    assert ISO.fullmatch(values["registered_on"]) and ISO.fullmatch(values["consent_ok_until"])
    assert values["registered_by"] == demo.TUKKER.internal_coach
    assert ["child", f"{demo.TUKKER_CHILD} ({date.today().year - 10})"] in fields
    assert sum(f[0] == "carer" for f in fields) == 2
    assert ["partner", f"{demo.TUKKER.mediator} (mediation)"] in fields
    entries = lines(rest)
    assert len(entries) >= 30 and all(len(e) == 4 for e in entries)
    assert all(ISO.fullmatch(e[0]) for e in entries)
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    assert {e[1] for e in entries} <= set(timeline.KINDS)
    assert {"status", "level", "signal", "consent", "consultation", "action"} <= {
        e[1] for e in entries
    }
    assert any("5,5" in e[3] for e in entries)


def test_a_worker_outside_a_case_is_refused_with_exit_3(demo_path: Path, run: InProcess) -> None:
    code = unrelated_code(demo_path)
    result = pact("cases", "show", code, "--db", demo_path, "--user", "worker")
    assert result.code == cli.EXIT_DENIED
    assert result.stdout == ""
    assert (
        _(
            "You have no access to case {code}: you did not register it, you are not "
            "its case lead and your organisation is not involved in it."
        ).format(code=code)
        in result.stderr
    )
    assert code not in codes(
        run("cases", "list", "--status", "all", "--db", demo_path, "--user", "worker")
    )
    # the administrator manages users, not cases
    assert run("cases", "show", code, "--db", demo_path, "--user", "admin").code == 3


def test_a_coordinator_opens_a_case_outside_her_own_with_a_reason(
    run: InProcess, demo_copy: Path
) -> None:
    code = outside_code(demo_copy)
    last = last_entry(demo_copy)
    refused = run("cases", "show", code, "--db", demo_copy, "--user", demo.COORDINATOR)
    assert refused.code == 3 and refused.stdout == ""
    assert "--reason" in refused.stderr
    short = run(
        "cases", "show", code, "--reason", "kijken", "--db", demo_copy, "--user", demo.COORDINATOR
    )
    assert short.code == 1 and short.stdout == ""
    assert (
        _("Say why you need to open this case (at least {n} characters).").format(n=10)
        in short.stderr
    )
    reason = "Gevraagd door de voorzitter van het casusoverleg"
    opened = run(
        "cases", "show", code, "--reason", reason, "--db", demo_copy, "--user", demo.COORDINATOR
    )
    assert opened.code == 0, opened.stderr
    assert f"code\t{code}" in opened.stdout
    # for eight hours it opens without a reason
    again = run("cases", "show", code, "--db", demo_copy, "--user", demo.COORDINATOR)
    assert again.code == 0 and again.stdout == opened.stdout
    entries = audit_log(demo_copy, after=last)
    glass = [e for e in entries if e.event == "break_glass"]
    assert [(e.case_code, e.detail, e.outcome, e.username) for e in glass] == [
        (code, reason, "success", demo.COORDINATOR)
    ]
    assert [e.case_code for e in entries if e.event == "read"] == [code, code]


def test_cases_show_of_an_unknown_code_exits_1(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = in_process(
        capsys, "cases", "show", "1999-0001", "--db", demo_path, "--user", "coordinator"
    )
    assert result.code == 1 and result.stdout == ""
    assert _("There is no case {code}.").format(code="1999-0001") in result.stderr


# ---------------------------------------------------------------- figures


def test_figures_for_a_coordinator(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = date.today().year
    result = in_process(
        capsys, "figures", "--year", str(year), "--db", demo_path, "--user", "coordinator"
    )
    assert result.code == 0, result.stderr
    rows = lines(result.stdout)
    assert all(len(r) == 2 + len(figures.FIELDS) for r in rows)
    assert {r[0] for r in rows} == {f"{year}-Q{q}" for q in (1, 2, 3, 4)}
    totals = [r for r in rows if r[1] == "total"]
    assert len(totals) == 4
    assert {r[1] for r in rows} == {"total", *TWENTE_MUNICIPALITIES}
    assert all(cell.isdigit() for r in rows for cell in r[2:])
    quarter = (date.today().month - 1) // 3 + 1
    now = next(r for r in totals if r[0] == f"{year}-Q{quarter}")
    assert int(now[2]) >= 20  # families supported this quarter
    one = lines(
        in_process(
            capsys, "figures", "--year", str(year), "--quarter", str(quarter), "--db", demo_path,
            "--user", "coordinator",
        ).stdout
    )  # fmt: skip
    assert one == [r for r in rows if r[0] == f"{year}-Q{quarter}"]


def test_figures_are_refused_to_a_worker_and_check_the_year(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    worker = in_process(capsys, "figures", "--year", "2026", "--db", demo_path, "--user", "worker")
    assert worker.code == 3 and worker.stdout == ""
    assert _("Only a coordinator can see this.") in worker.stderr
    old = in_process(
        capsys, "figures", "--year", "1900", "--db", demo_path, "--user", "coordinator"
    )
    assert old.code == 1 and _("Enter a year like 2026.") in old.stderr


# ---------------------------------------------------------------- reading never migrates


@pytest.mark.parametrize(
    "args",
    [
        ["users", "list"],
        ["cases", "list"],
        ["cases", "show", "2026-0001"],
        ["figures", "--year", "2026"],
    ],
    ids=" ".join,
)
def test_reading_commands_refuse_an_outdated_schema(
    run: InProcess, tmp_path: Path, args: list[str]
) -> None:
    path = tmp_path / "old.db"
    make_outdated(path)
    before = state(path)
    result = run(*args, "--db", path, "--user", "coordinator")
    assert result.code == 1
    assert "pact --db PATH" in result.stderr
    assert result.stdout == "" and state(path) == before


def test_a_closed_stdout_ends_quietly(demo_path: Path) -> None:
    """As `pact cases list | head -1`."""
    environ = {k: v for k, v in os.environ.items() if k != "PACT_USER"}
    environ |= {"PYTHON_KEYRING_BACKEND": FAIL_KEYRING, "PACT_PASSPHRASE": PASSPHRASE}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pact",
            "cases",
            "list",
            "--db",
            str(demo_path),
            "--user",
            "coordinator",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    try:
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=TIMEOUT)
    finally:
        process.kill()
    assert (code, stderr) == (0, "")
