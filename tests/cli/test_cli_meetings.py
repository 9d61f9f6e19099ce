"""The command line for meetings: ``pact meetings list`` (tab-separated, as the acting
user may see them) and ``pact meetings ics`` (a calendar invite that names no family),
with the rules of every subcommand: --user (exit 3), need-to-know (exit 3), an unknown
id (exit 1), usage errors (exit 64), reading never migrates, files written at once.

One demo database, made through the service ``pact demo`` uses, serves every test;
they only read it. As in test_cli_cases.py the command line runs in-process through
``main(argv)``, and in a subprocess without a terminal where that matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from pact import cli
from pact.db.database import Database, open_database
from pact.db.engine import Passphrase
from pact.i18n import _
from pact.models.meeting import MEETING_STATUSES
from pact.services import auth, cases, demo, meetings, users
from tests.cli.test_cli import (
    PASSPHRASE,
    Run,
    assert_help,
    audit_log,
    help_id,
    in_process,
    last_entry,
    make_outdated,
    state,
)
from tests.cli.test_cli_cases import NO_USER, lines, pact

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_ACCESS = "You have no access to this meeting: your organisation was not invited to it."
RunCLI = Callable[..., Run]
OUTSIDER = "y.stegeman"  # a worker whose organisation was invited to no meeting


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("meetings") / "demo.db"
    made = demo.create_demo(path, PASSPHRASE)
    made.created.db.close()
    return path


@pytest.fixture(autouse=True)
def no_pact_user(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No PACT_USER unless a test names one; the password is the demo accounts'."""
    monkeypatch.delenv("PACT_USER", raising=False)
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PACT_PASSWORD", auth.DEMO_PASSWORD)
    yield


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> RunCLI:
    def call(*args: str | Path) -> Run:
        return in_process(capsys, *args)

    return call


def _open(path: Path) -> Database:
    return open_database(path, Passphrase(PASSPHRASE))


def every_meeting(path: Path, who: str = demo.COORDINATOR) -> list[meetings.MeetingData]:
    db = _open(path)
    try:
        me = users.find_actor(db.uow(), who)
        return [
            meetings.get_meeting(db.uow(), me, r.id) for r in meetings.list_meetings(db.uow(), me)
        ]
    finally:
        db.close()


def the_planned(path: Path) -> meetings.MeetingData:
    [planned] = [m for m in every_meeting(path) if m.status == "planned"]
    return planned


def the_enschede_consultation(path: Path) -> meetings.MeetingData:
    """The case consultation the internal coach's school was not invited to."""
    tukker = tukker_case(path)
    return next(
        m
        for m in every_meeting(path)
        if m.kind == "case" and all(i.case_id != tukker.id for i in m.items)
    )


def tukker_case(path: Path) -> cases.CaseRow:
    db = _open(path)
    try:
        me = users.find_actor(db.uow(), demo.COORDINATOR)
        [row] = cases.list_cases(db.uow(), me, cases.CaseFilter(text=demo.TUKKER_FAMILY))
        return row
    finally:
        db.close()


def no_family_name(data: bytes) -> None:
    text = data.decode("utf-8")
    folded = text.casefold()
    for name in (*demo.SENSITIVE_NAMES, demo.TUKKER_ALIAS):
        assert name.casefold() not in folded, name


# ---------------------------------------------------------------- meetings list


def test_meetings_list_is_tab_separated_without_header(run: RunCLI, demo_path: Path) -> None:
    result = run("meetings", "list", "--db", demo_path, "--user", demo.COORDINATOR)
    assert result.code == 0, result.stderr
    rows = lines(result.stdout)
    assert len(rows) == 6 and all(len(r) == 5 for r in rows)
    for meeting_id, held_on, kind, title, status in rows:
        assert meeting_id.isdigit() and ISO.fullmatch(held_on)
        assert kind in ("network", "case") and status in MEETING_STATUSES and title
    # newest first, as the service lists them; the columns are the service's
    expected = every_meeting(demo_path)
    assert [r[0] for r in rows] == [str(m.id) for m in expected]
    assert rows == [[str(m.id), m.held_on.isoformat(), m.kind, m.title, m.status] for m in expected]
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert sorted(r[2] for r in rows) == [
        "case",
        "case",
        "network",
        "network",
        "network",
        "network",
    ]
    assert {r[4] for r in rows} == {"planned", "minutes_sent", "minutes_approved"}
    today = date.today().isoformat()
    assert [r[4] for r in rows if r[1] >= today] == ["planned"]


@pytest.mark.parametrize(
    ("options", "count", "check"),
    [
        (["--upcoming"], 1, lambda r: r[1] >= date.today().isoformat() and r[4] == "planned"),
        (["--past"], 5, lambda r: r[1] < date.today().isoformat() and r[4] != "planned"),
        (["--kind", "case"], 2, lambda r: r[2] == "case"),
        (["--kind", "network", "--past"], 3, lambda r: r[2] == "network"),
    ],
    ids=lambda x: " ".join(x) if isinstance(x, list) else "",
)
def test_meetings_list_filters(
    run: RunCLI, demo_path: Path, options: list[str], count: int, check: object
) -> None:
    result = run("meetings", "list", *options, "--db", demo_path, "--user", "coordinator")
    assert result.code == 0, result.stderr
    rows = lines(result.stdout)
    assert len(rows) == count and all(check(r) for r in rows)  # type: ignore[operator]


def test_meetings_list_shows_only_what_the_user_may_see(run: RunCLI, demo_path: Path) -> None:
    def kinds(who: str) -> list[str]:
        result = run("meetings", "list", "--db", demo_path, "--user", who)
        assert result.code == 0, result.stderr
        return sorted(r[2] for r in lines(result.stdout))

    # the internal coach's school is invited to the network and the Tukker consultation
    assert kinds(demo.WORKER) == ["case", "network", "network", "network", "network"]
    assert kinds("i.bouwhuis") == ["case"]  # the case consultation she chaired
    outsider = run("meetings", "list", "--db", demo_path, "--user", OUTSIDER)
    assert (outsider.code, outsider.stdout) == (0, "")


# ---------------------------------------------------------------- meetings ics


def test_ics_file_holds_the_agenda_and_no_family(
    run: RunCLI, demo_path: Path, tmp_path: Path
) -> None:
    planned = the_planned(demo_path)
    target = tmp_path / "netwerkoverleg.ics"
    last = last_entry(demo_path)
    result = run(
        "meetings", "ics", str(planned.id), "-o", target, "--db", demo_path, "--user", "worker"
    )
    assert result.code == 0, result.stderr
    # the export is in the audit log
    login, export = audit_log(demo_path, after=last)
    assert (login.event, export.event, export.username) == ("login", "export", "worker")
    assert export.record_type == "meeting"
    assert result.stdout == ""
    assert _("The calendar invite was written to {path}.").format(path=target) in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left
    raw = target.read_bytes()
    [event] = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == planned.title
    assert event.decoded("DTSTART").date() == planned.held_on
    description = str(event["DESCRIPTION"])
    for item in planned.items:
        if item.visibility == "internal":
            assert item.real_title not in description  # the chair's preparation
        elif item.kind != "case":
            assert item.real_title in description
    [case_item] = [i for i in planned.items if i.kind == "case"]
    tukker = tukker_case(demo_path)
    assert case_item.case_id == tukker.id
    # the case item reads only "Case <code> (level N)", in the language pact runs in
    assert meetings.case_reference(tukker.code, tukker.level) in description
    assert tukker.code in description and case_item.real_title not in description
    no_family_name(raw)


def test_ics_to_standard_output(demo_path: Path) -> None:
    """As a real process without a terminal: the bytes of the file on stdout."""
    held = next(m for m in every_meeting(demo_path) if m.kind == "case")
    result = pact(
        "meetings", "ics", str(held.id), "-o", "-", "--db", demo_path, user=demo.COORDINATOR
    )
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    [event] = Calendar.from_ical(result.raw_stdout).walk("VEVENT")
    assert str(event["SUMMARY"]) == held.title
    assert str(event["LOCATION"]) == held.location
    attendees = event.get("ATTENDEE")
    assert attendees and len(attendees) == len(held.invites)
    [case_item] = [i for i in held.items if i.kind == "case"]
    assert case_item.case_code in str(event["DESCRIPTION"])
    no_family_name(result.raw_stdout)


def test_ics_of_a_meeting_the_user_may_not_see_exits_3(
    run: RunCLI, demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "x.ics"
    for who, meeting in (
        (OUTSIDER, the_planned(demo_path)),
        (demo.WORKER, the_enschede_consultation(demo_path)),
    ):
        result = run(
            "meetings", "ics", str(meeting.id), "-o", target, "--db", demo_path, "--user", who
        )
        assert result.code == cli.EXIT_DENIED == 3, result.stderr
        assert _(NO_ACCESS) in result.stderr
        assert result.stdout == "" and not target.exists()
    # the administrator manages users, not meetings
    admin = run(
        "meetings", "ics", str(the_planned(demo_path).id), "-o", "-", "--db", demo_path,
        "--user", demo.ADMIN,
    )  # fmt: skip
    assert admin.code == 3 and admin.stdout == ""


def test_ics_of_an_unknown_meeting_exits_1(run: RunCLI, demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "x.ics"
    result = run(
        "meetings", "ics", "9999", "-o", target, "--db", demo_path, "--user", "coordinator"
    )
    assert result.code == cli.EXIT_FAILED == 1
    assert (
        _("There is no meeting {id}. pact meetings list shows the meetings.").format(id=9999)
        in result.stderr
    )
    assert result.stdout == "" and not target.exists()


def test_ics_into_a_missing_folder_exits_1_before_asking_for_a_key(
    run: RunCLI, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", "wrong-but-unused")
    folder = tmp_path / "nowhere"
    result = run(
        "meetings", "ics", "1", "-o", folder / "x.ics", "--db", demo_path, "--user", "coordinator"
    )
    assert result.code == 1
    assert _("The folder {folder} does not exist.").format(folder=folder) in result.stderr


# ---------------------------------------------------------------- the common rules


def test_meeting_commands_without_a_user_exit_3_before_asking_for_a_key(
    demo_path: Path, run: RunCLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = pact(
        "meetings", "list", "--db", demo_path, env={"PACT_PASSPHRASE": "wrong-but-unused"}
    )
    assert result.code == cli.EXIT_DENIED, result.stderr
    assert _(NO_USER) in result.stderr and result.stdout == ""
    monkeypatch.setenv("PACT_PASSPHRASE", "wrong-but-unused")
    ics = run("meetings", "ics", "1", "-o", "-", "--db", demo_path)
    assert ics.code == 3 and _(NO_USER) in ics.stderr and ics.stdout == ""
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    unknown = run("meetings", "list", "--db", demo_path, "--user", "nobody")
    assert unknown.code == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["meetings"],
        ["meetings", "ics"],
        ["meetings", "ics", "1"],  # -o is required
        ["meetings", "ics", "one", "-o", "-"],
        ["meetings", "list", "--upcoming", "--past"],
        ["meetings", "list", "--kind", "party"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_64(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    result = in_process(capsys, *argv)
    assert result.code == cli.EXIT_USAGE
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("argv", "texts"),
    [
        (["meetings", "--help"], ["list", "ics"]),
        (["meetings", "list", "--help"], ["--upcoming", "--past", "--kind", "--user"]),
        (["meetings", "ics", "--help"], ["MEETING_ID", "-o", "--user"]),
    ],
    ids=help_id,
)
def test_meeting_commands_have_help(
    capsys: pytest.CaptureFixture[str], argv: list[str], texts: list[str]
) -> None:
    assert_help(capsys, argv, texts)


@pytest.mark.parametrize(
    "args", [["meetings", "list"], ["meetings", "ics", "1", "-o", "-"]], ids=" ".join
)
def test_reading_commands_refuse_an_outdated_schema(
    run: RunCLI, tmp_path: Path, args: list[str]
) -> None:
    path = tmp_path / "old.db"
    make_outdated(path)
    before = state(path)
    result = run(*args, "--db", path, "--user", "coordinator")
    assert result.code == 1
    assert "pact --db PATH" in result.stderr
    assert result.stdout == "" and state(path) == before


# ---------------------------------------------------------------- pact print


def the_tukker_consultation(path: Path) -> meetings.MeetingData:
    tukker = tukker_case(path)
    return next(
        m
        for m in every_meeting(path)
        if m.kind == "case" and any(i.case_id == tukker.id for i in m.items)
    )


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_print_the_full_minutes_to_a_file(run: RunCLI, demo_path: Path, tmp_path: Path) -> None:
    meeting = the_tukker_consultation(demo_path)
    target = tmp_path / "notulen.pdf"
    last = last_entry(demo_path)
    result = run(
        "print", "minutes", str(meeting.id), "-o", target, "--db", demo_path,
        "--user", demo.COORDINATOR,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    # the PDF is an export in the audit log, one entry for each case it holds
    entries = audit_log(demo_path, after=last)
    assert entries[0].event == "login"
    exports = [e for e in entries if e.event == "export"]
    assert exports and all(e.username == demo.COORDINATOR for e in exports)
    assert {e.record_type for e in exports} == {"meeting"}
    assert tukker_case(demo_path).code in {e.case_code for e in exports}
    assert all(target.name in e.detail for e in exports)
    assert result.stdout == f"{target}\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left
    text = _pdf_text(target)
    assert meeting.title in text.replace("\n", " ") or meeting.title.split()[0] in text
    assert tukker_case(demo_path).code in text
    # a second run never overwrites the file
    before = target.read_bytes()
    again = run(
        "print", "minutes", str(meeting.id), "-o", target, "--db", demo_path,
        "--user", demo.COORDINATOR,
    )  # fmt: skip
    assert again.code == cli.EXIT_FAILED and target.read_bytes() == before


def test_print_for_all_makes_one_file_per_organisation(
    run: RunCLI, demo_path: Path, tmp_path: Path
) -> None:
    meeting = the_tukker_consultation(demo_path)
    folder = tmp_path / "editions"
    result = run(
        "print", "agenda", str(meeting.id), "--for", "all", "-o", folder, "--db", demo_path,
        "--user", demo.COORDINATOR,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    orgs = sorted({i.organisation_id for i in meeting.invites})
    expected = sorted(f"{meeting.held_on.isoformat()}_agenda_{o}.pdf" for o in orgs)
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert sorted(Path(row[0]).name for row in lines(result.stdout)) == expected
    again = run(
        "print", "agenda", str(meeting.id), "--for", "all", "-o", folder, "--db", demo_path,
        "--user", demo.COORDINATOR,
    )  # fmt: skip
    assert again.code == cli.EXIT_FAILED  # every file existed: left as it was
    assert again.stdout == ""


def test_print_refuses_who_may_not_run_the_meeting_and_unknown_ids(
    run: RunCLI, demo_path: Path, tmp_path: Path
) -> None:
    meeting = the_tukker_consultation(demo_path)
    target = tmp_path / "x.pdf"
    denied = run(
        "print", "minutes", str(meeting.id), "-o", target, "--db", demo_path, "--user", OUTSIDER
    )
    assert denied.code == cli.EXIT_DENIED and not target.exists()
    unknown = run(
        "print", "agenda", "99999", "-o", target, "--db", demo_path, "--user", demo.COORDINATOR
    )
    assert unknown.code == cli.EXIT_FAILED and not target.exists()
    no_org = run(
        "print", "agenda", str(meeting.id), "--for", "99999", "-o", target, "--db", demo_path,
        "--user", demo.COORDINATOR,
    )  # fmt: skip
    assert no_org.code == cli.EXIT_FAILED and not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["print", "agenda", "1"],  # -o is required
        ["print", "letter", "1", "-o", "x.pdf"],
        ["print", "chair", "1", "--for", "3", "-o", "x.pdf"],
        ["print", "minutes", "1", "--for", "school", "-o", "x.pdf"],
    ],
    ids=" ".join,
)
def test_print_usage_errors_exit_64(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    result = in_process(capsys, *argv, "--user", demo.COORDINATOR)
    assert result.code == cli.EXIT_USAGE, result.stderr
    assert result.stdout == ""
