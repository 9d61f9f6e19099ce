"""Log-in on the command line and the audit log: every command that reads or changes
pact data logs in as a pact user (--user / PACT_USER, the password from PACT_PASSWORD
or typed at a terminal), with the app's rules (wrong passwords counted and the wait
stored in the database); ``pact audit verify`` and ``pact check`` find a changed or
removed audit entry; the triggers refuse UPDATE and DELETE; exports are audited.

One database made by a real ``pact demo`` process serves every test, each on its own
copy. As elsewhere the command line runs in a subprocess without a terminal where
that matters, in-process through ``main(argv)`` otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pact import cli, log
from pact.db.engine import Passphrase, connect_raw
from pact.i18n import _
from pact.security.audit import Broken, Verified
from pact.services import audit, auth, demo
from tests.cli.test_cli import (
    GOOD_ROW,
    PASSPHRASE,
    Run,
    audit_log,
    csv_file,
    in_process,
    last_entry,
    state,
    tables,
)
from tests.cli.test_cli_cases import pact

WRONG = "The user name or the password is not right."
KEEPERS_ONLY = "Only a coordinator or an administrator can do this."
WAITING = "Too many wrong passwords: try again in {wait}."


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """``pact demo`` run once as a real process, in its own private folders."""
    home = tmp_path_factory.mktemp("login-home")
    env = {var: str(home / var.lower()) for var in ("XDG_DATA_HOME", "XDG_STATE_HOME")}
    env |= {"XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    path = home / "demo.db"
    return path, pact("demo", "--db", path, env=env)


@pytest.fixture
def demo_db(made: tuple[Path, Run], tmp_path: Path) -> Path:
    path, result = made
    assert result.code == 0, result.stderr
    copy = tmp_path / "demo.db"
    shutil.copyfile(path, copy)
    return copy


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For the in-process runs: the key from PACT_PASSPHRASE, no user, no password."""
    for name in ("PACT_USER", "PACT_PASSWORD", "PACT_NEW_PASSWORD", "PACT_RECOVERY_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    yield


def as_user(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    password: str,
    *args: str | Path,
) -> Run:
    with monkeypatch.context() as mp:
        mp.setenv("PACT_PASSWORD", password)
        return in_process(capsys, *args)


def raw(path: Path) -> Any:
    return connect_raw(path, Passphrase(PASSPHRASE))


def broken(seq: int, reason: str) -> str:
    return audit.broken_message(Verified(seq - 1, Broken(seq, reason), None))


# ---------------------------------------------------------------- the password


def test_pact_demo_says_the_demo_password(made: tuple[Path, Run]) -> None:
    _path, result = made
    assert result.code == 0, result.stderr
    assert auth.DEMO_PASSWORD == "pact-demo-2026"
    assert "pact-demo-2026" in result.stderr
    for name in (demo.ADMIN, demo.COORDINATOR, demo.WORKER):  # the users it names
        assert name in result.stderr


def test_the_right_password_logs_in_and_the_log_in_is_audited(demo_db: Path) -> None:
    last = last_entry(demo_db)
    result = pact(
        "users", "list", "--db", demo_db, "--user", demo.ADMIN,
        env={"PACT_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert f"{demo.WORKER}\t" in result.stdout
    [login] = audit_log(demo_db, after=last)
    assert (login.event, login.username, login.outcome) == ("login", demo.ADMIN, "success")
    assert login.workstation.endswith("(command line)")


def test_a_wrong_password_exits_3_and_is_audited(demo_db: Path) -> None:
    last = last_entry(demo_db)
    result = pact(
        "cases", "list", "--db", demo_db, "--user", demo.WORKER,
        env={"PACT_PASSWORD": "not-the-password"},
    )  # fmt: skip
    assert result.code == cli.EXIT_DENIED == 3
    assert result.stdout == ""
    assert _(WRONG) in result.stderr
    [failed] = audit_log(demo_db, after=last)
    assert (failed.event, failed.username, failed.outcome) == (
        "login_failed",
        demo.WORKER,
        "refused",
    )
    assert failed.workstation.endswith("(command line)")
    # an unknown user name is logged as typed
    unknown = pact("users", "list", "--db", demo_db, "--user", "n.iemand")
    assert unknown.code == 3 and _(WRONG) in unknown.stderr
    [entry] = audit_log(demo_db, after=last + 1)
    assert (entry.event, entry.username) == ("login_failed", "n.iemand")


def test_five_wrong_passwords_then_even_a_new_process_must_wait(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    last = last_entry(demo_db)
    args = ("partners", "list", "--db", demo_db, "--user", demo.WORKER)
    for _attempt in range(4):
        wrong = as_user(capsys, monkeypatch, "not-the-password", *args)
        assert wrong.code == 3 and _(WRONG) in wrong.stderr
    fifth = as_user(capsys, monkeypatch, "not-the-password", *args)
    assert fifth.code == 3
    assert _(WAITING).format(wait=auth.wait_text(30)) in fifth.stderr
    # the wait is in the database: another process with the right password waits too
    later = pact(*args, env={"PACT_PASSWORD": auth.DEMO_PASSWORD})
    assert later.code == 3 and later.stdout == ""
    assert _(WAITING).split("{wait}")[0] in later.stderr
    entries = audit_log(demo_db, after=last)
    assert [e.event for e in entries] == ["login_failed"] * 6
    assert entries[-1].detail == _("attempt during the wait after wrong passwords")
    # other users are not held up
    other = pact(
        "partners", "list", "--db", demo_db, "--user", demo.COORDINATOR,
        env={"PACT_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert other.code == 0, other.stderr


def test_no_password_without_a_terminal_exits_3_naming_pact_password(demo_db: Path) -> None:
    before = state(demo_db)
    # the (wrong) key is never tried: exit 3, not 2, and the file is not touched
    result = pact(
        "cases", "list", "--db", demo_db, "--user", demo.COORDINATOR,
        env={"PACT_PASSWORD": "", "PACT_PASSPHRASE": "wrong-but-unused"},
    )  # fmt: skip
    assert result.code == 3 and result.stdout == ""
    assert "PACT_PASSWORD" in result.stderr
    assert state(demo_db) == before


def test_with_a_terminal_the_password_is_asked_for(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answers = iter([auth.DEMO_PASSWORD, ""])

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(cli, "can_prompt", lambda: True)
    monkeypatch.setattr(cli, "_ask", ask)
    result = in_process(capsys, "partners", "list", "--db", demo_db, "--user", demo.WORKER)
    assert result.code == 0, result.stderr
    assert asked == [_("Password of {name}: ").format(name=demo.WORKER)]
    last = last_entry(demo_db)
    nothing = in_process(capsys, "partners", "list", "--db", demo_db, "--user", demo.WORKER)
    assert nothing.code == 3 and nothing.stdout == ""
    assert _("No password was entered; you are not logged in.") in nothing.stderr
    assert audit_log(demo_db, after=last) == []  # no attempt was made


def test_a_database_from_before_log_in_says_to_open_it_in_the_app(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = raw(demo_db)
    try:
        conn.execute("UPDATE pact_user SET password_hash = NULL")
    finally:
        conn.close()
    result = as_user(
        capsys, monkeypatch, auth.DEMO_PASSWORD, "users", "list", "--db", demo_db,
        "--user", demo.ADMIN,
    )  # fmt: skip
    assert result.code == 3 and result.stdout == ""
    assert (
        _(
            "Nobody has a password in this database yet (it was made by a version of "
            "pact before log-in): open it in the pact app to choose the "
            "administrator's password."
        )
        in result.stderr
    )


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("args", [["check"], ["audit", "verify"]], ids=" ".join)
def test_a_worker_may_not_check_or_verify(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:  # fmt: skip
    worker = as_user(
        capsys, monkeypatch, auth.DEMO_PASSWORD, *args, "--db", demo_db, "--user", demo.WORKER
    )
    assert worker.code == 3 and worker.stdout == ""
    assert _(KEEPERS_ONLY) in worker.stderr
    for keeper in (demo.COORDINATOR, demo.ADMIN):
        done = as_user(
            capsys, monkeypatch, auth.DEMO_PASSWORD, *args, "--db", demo_db, "--user", keeper
        )
        assert (done.code, done.stdout) == (0, "ok\n"), done.stderr


# ---------------------------------------------------------------- the chain


def test_audit_verify_prints_ok_on_a_fresh_demo_database(demo_db: Path) -> None:
    result = pact(
        "audit", "verify", "--db", demo_db, "--user", demo.ADMIN,
        env={"PACT_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert (result.code, result.stdout, result.stderr) == (0, "ok\n", "")


def test_the_triggers_refuse_update_and_delete(demo_db: Path) -> None:
    conn = raw(demo_db)
    try:
        with pytest.raises(Exception, match="the audit log is append-only"):
            conn.execute("UPDATE audit_entry SET detail = 'x' WHERE seq = 3")
        with pytest.raises(Exception, match="the audit log is append-only"):
            conn.execute("DELETE FROM audit_entry WHERE seq = 3")
    finally:
        conn.close()
    result = pact(
        "audit", "verify", "--db", demo_db, "--user", demo.ADMIN,
        env={"PACT_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert (result.code, result.stdout) == (0, "ok\n")


def _tamper(path: Path, trigger: str, sql: str, seq: int) -> None:
    """Someone with the key changes the log behind pact's back."""
    conn = raw(path)
    try:
        conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(sql, (seq,))
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("trigger", "sql", "found_at", "reason"),
    [
        (
            "audit_entry_no_update",
            "UPDATE audit_entry SET detail = 'nothing to see' WHERE seq = ?",
            0,
            "changed",
        ),
        ("audit_entry_no_update", "UPDATE audit_entry SET username = 'admin' WHERE seq = ?", 0,
         "changed"),
        ("audit_entry_no_delete", "DELETE FROM audit_entry WHERE seq = ?", 1, "missing"),
    ],
    ids=["detail changed", "user changed", "deleted"],
)  # fmt: skip
def test_a_tampered_entry_is_found_by_audit_verify_and_check(
    demo_db: Path, trigger: str, sql: str, found_at: int, reason: str
) -> None:
    victim = last_entry(demo_db) // 2
    _tamper(demo_db, trigger, sql, victim)
    env = {"PACT_PASSWORD": auth.DEMO_PASSWORD}
    result = pact("audit", "verify", "--db", demo_db, "--user", demo.COORDINATOR, env=env)
    assert result.code == cli.EXIT_FAILED == 1
    assert result.stdout == ""
    message = broken(victim + found_at, reason)
    assert message in result.stderr
    assert f" {victim + found_at}:" in message  # the broken entry's number
    checked = pact("check", "--db", demo_db, "--user", demo.COORDINATOR, env=env)
    assert checked.code == 1 and checked.stdout == ""
    assert message in checked.stderr


def test_check_includes_the_audit_chain_and_says_ok(demo_db: Path) -> None:
    env = {"PACT_PASSWORD": auth.DEMO_PASSWORD}
    assert pact("check", "--db", demo_db, "--user", demo.ADMIN, env=env).stdout == "ok\n"
    # the first entry removed
    _tamper(demo_db, "audit_entry_no_delete", "DELETE FROM audit_entry WHERE seq = ?", 1)
    checked = pact("check", "--db", demo_db, "--user", demo.ADMIN, env=env)
    assert checked.code == 1
    assert broken(2, "missing") in checked.stderr


# ---------------------------------------------------------------- audited exports


def test_a_partners_export_is_audited(demo_db: Path, tmp_path: Path) -> None:
    last = last_entry(demo_db)
    target = tmp_path / "partners.csv"
    result = pact(
        "partners", "export", target, "--db", demo_db, "--user", demo.COORDINATOR,
        env={"PACT_PASSWORD": auth.DEMO_PASSWORD},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    login, export = audit_log(demo_db, after=last)
    assert login.event == "login"
    assert (export.event, export.username, export.record_type) == (
        "export",
        demo.COORDINATOR,
        "partner_directory",
    )
    assert export.workstation.endswith("(command line)")


def test_changes_on_the_command_line_are_audited_as_the_user(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    source = csv_file(tmp_path / "in.csv", [GOOD_ROW])
    last = last_entry(demo_db)
    before = tables(demo_db)
    result = as_user(
        capsys, monkeypatch, auth.DEMO_PASSWORD, "partners", "import", source, "--db", demo_db,
        "--user", demo.WORKER,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert tables(demo_db) != before
    entries = audit_log(demo_db, after=last)
    assert [(e.event, e.username) for e in entries] == [
        ("login", demo.WORKER),
        ("create", demo.WORKER),
    ]
    assert entries[1].record_type == "organisation"


def test_the_password_is_never_written_to_the_log(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Geheim-wachtwoord-van-niemand"
    as_user(capsys, monkeypatch, secret, "users", "list", "--db", demo_db, "--user", "x.y")
    logfile = log.current_log_file()
    assert logfile is not None
    assert secret not in logfile.read_text(encoding="utf-8")
    assert all(secret not in e.detail for e in audit_log(demo_db))
