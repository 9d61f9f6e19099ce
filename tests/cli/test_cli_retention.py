"""The command line for retention and erasure: ``pact retention list``, ``pact
retention anonymise CODE...|--all-due`` and ``pact cases erase CODE --reason
--requested-on [--justification]``. Exit codes (0, 1 and nothing changed, 2, 3, 64),
tab-separated lists, no prompt without a terminal, and an audit log that keeps the
case code and no names.

As in test_cli_cases.py the real command line runs in a subprocess without a
terminal where that matters, and in-process through ``main(argv)`` otherwise. The
database is made once through the services (cases closed long ago, so that their
retention term has ended by today's date) and copied for every test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from pact import cli
from pact.db.database import create_database, open_database
from pact.db.engine import Passphrase
from pact.i18n import _, format_date, ngettext
from pact.services import cases, consent, partners, retention, users
from pact.services.cases import CaseInput, ChildData
from pact.services.partners import ContactData, OrganisationData
from pact.services.users import UserData
from tests.cli.test_cli import (
    PASSPHRASE,
    assert_help,
    audit_log,
    help_id,
    in_process,
    last_entry,
    pact,
    tables,
)
from tests.cli.test_cli_cases import InProcess, lines

PASSWORD = "Kriekelaar-7-Lindeboom"
COORDINATOR = "ingrid"
WORKER = "wendy"
ADMIN = "beheer"
TODAY = date.today()
FAMILY_NAMES = ("Tukker", "Wesley", "Brinkerink", "Jochem")


@dataclass(frozen=True)
class Codes:
    first: str  # closed 22 years ago: due
    second: str  # closed 21 years ago: due
    recent: str  # closed 19 years ago: kept
    open: str  # open: no retention end
    meldcode: str  # open, level 4, shared under the Meldcode
    first_closed: date
    second_closed: date


def _build(path: Path) -> Codes:
    db = create_database(path, Passphrase(PASSPHRASE))
    try:
        hengelo = next(m.id for m in partners.list_municipalities(db.uow()) if m.name == "Hengelo")
        home = partners.save_organisation(
            db.uow(),
            OrganisationData(
                name="Stichting Welzijn De Schakel",
                sector="welfare",
                municipality_ids=(hengelo,),
                contacts=(ContactData(name="Wendy Wolters"),),
            ),
        )
        safety = partners.save_organisation(
            db.uow(),
            OrganisationData(
                name="Veilig Thuis Twente", sector="youth_protection", municipality_ids=(hengelo,)
            ),
        )
        assert home.id is not None and safety.id is not None
        coordinator = users.create_first_user(
            db.uow(),
            UserData(
                username=COORDINATOR,
                display_name="Ingrid Kamphuis",
                organisation_id=home.id,
                password=PASSWORD,
            ),
        )
        for username, name, roles in (
            (WORKER, "Wendy Wolters", ("worker",)),
            (ADMIN, "Bea Beheer", ("administrator",)),
        ):
            users.save_user(
                db.uow(),
                coordinator,
                UserData(
                    username=username,
                    display_name=name,
                    organisation_id=home.id,
                    roles=roles,
                    password=PASSWORD,
                    password_is_temporary=False,
                ),
            )

        def case(alias: str, family: str, child: str, registered: date, level: int = 2) -> int:
            header = cases.register_case(
                db.uow(),
                coordinator,
                CaseInput(
                    alias=alias,
                    family_name=family,
                    municipality_id=hengelo,
                    level=level,
                    registered_on=registered,
                    notes=f"Familie {family} kwam via school.",
                ),
            )
            cases.save_child(db.uow(), coordinator, header.id, ChildData(child, 2016))
            return header.id

        def closed(alias: str, family: str, child: str, years: int) -> tuple[int, date]:
            on = retention.add_years(TODAY, -years)
            case_id = case(alias, family, child, on - timedelta(days=90))
            cases.close_case(db.uow(), coordinator, case_id, on, f"Het gaat goed met {child}.")
            return case_id, on

        first, first_on = closed("Fam. T.", "Tukker", "Wesley", 22)
        second, second_on = closed("Fam. B.", "Brinkerink", "Jochem", 21)
        recent, _on = closed("Fam. H.", "Haverkamp", "Thijmen", 19)
        still_open = case("Fam. O.", "Olthuis", "Leonie", TODAY - timedelta(days=200))
        meldcode = case("Fam. R.", "Rikkerink", "Mirthe", TODAY - timedelta(days=200), level=4)
        consent.record_meldcode(
            db.uow(),
            coordinator,
            meldcode,
            consent.MeldcodeInput(
                TODAY - timedelta(days=100),
                "Zorgen over de veiligheid thuis; Veilig Thuis geraadpleegd",
                (safety.id,),
            ),
        )
        code = {
            c.id: c.code
            for c in cases.list_cases(db.uow(), coordinator, cases.CaseFilter(status=None))
        }
        return Codes(
            code[first],
            code[second],
            code[recent],
            code[still_open],
            code[meldcode],
            first_on,
            second_on,
        )
    finally:
        db.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Codes]:
    path = tmp_path_factory.mktemp("retention") / "template.db"
    return path, _build(path)


@pytest.fixture
def db(template: tuple[Path, Codes], tmp_path: Path) -> Path:
    path = tmp_path / "pact.db"
    shutil.copyfile(template[0], path)
    return path


@pytest.fixture
def codes(template: tuple[Path, Codes]) -> Codes:
    return template[1]


@pytest.fixture(autouse=True)
def as_coordinator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PACT_USER", COORDINATOR)
    monkeypatch.setenv("PACT_PASSWORD", PASSWORD)
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("PACT_RECOVERY_KEY", raising=False)
    yield


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    return InProcess(capsys, monkeypatch)


def header(path: Path, code: str) -> cases.CaseHeader:
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        me = users.find_actor(db.uow(), COORDINATOR)
        return cases.get_case(db.uow(), me, cases.find_case(db.uow(), me, code), False).header
    finally:
        db.close()


def no_names(entries: list[object]) -> bool:
    text = " ".join(repr(e) for e in entries).lower()
    return not any(name.lower() in text for name in FAMILY_NAMES)


# ---------------------------------------------------------------- list


def test_the_list_is_tab_separated_and_holds_only_cases_past_their_term(
    db: Path, codes: Codes
) -> None:
    result = pact("retention", "list", "--db", db)
    assert result.code == 0, result.stderr
    ends = [retention.add_years(d, 20) for d in (codes.first_closed, codes.second_closed)]
    assert lines(result.stdout) == [
        [codes.first, "2", "Hengelo", codes.first_closed.isoformat(), ends[0].isoformat()],
        [codes.second, "2", "Hengelo", codes.second_closed.isoformat(), ends[1].isoformat()],
    ]
    assert not any(name in result.stdout for name in FAMILY_NAMES)


def test_workers_and_administrators_are_refused_with_exit_3(db: Path, codes: Codes, run) -> None:
    before = tables(db)
    for user in (WORKER, ADMIN):
        for args in (
            ["retention", "list"],
            ["retention", "anonymise", "--all-due"],
            ["cases", "erase", codes.first, "--reason", "Verzoek per brief", "--requested-on",
             TODAY.isoformat()],
        ):  # fmt: skip
            result = run(*args, "--db", db, user=user)
            assert result.code == cli.EXIT_DENIED == 3, (user, args, result.stderr)
            assert result.stdout == ""
    assert tables(db) == before


def test_no_prompt_without_a_terminal(db: Path) -> None:
    # no password: exit 3 at once, before the key is tried
    result = pact("retention", "list", "--db", db, env={"PACT_PASSWORD": ""})
    assert result.code == 3 and result.stdout == ""
    assert "PACT_PASSWORD" in result.stderr
    # no key: exit 2
    result = pact("retention", "anonymise", "--all-due", "--db", db, env={"PACT_PASSPHRASE": ""})
    assert result.code == 2 and result.stdout == ""
    assert "PACT_PASSPHRASE" in result.stderr


# ---------------------------------------------------------------- anonymise


def test_anonymise_named_cases_prints_their_codes(db: Path, codes: Codes, run) -> None:
    seq = last_entry(db)
    result = run("retention", "anonymise", codes.first, "--db", db)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [codes.first]
    assert ngettext("{n} case anonymised.", "{n} cases anonymised.", 1).format(n=1) in (
        result.stderr
    )
    anonymised = header(db, codes.first)
    assert (anonymised.alias, anonymised.family_name, anonymised.anonymised_kind) == (
        codes.first,
        "",
        "retention",
    )
    listed = run("retention", "list", "--db", db)
    assert [cells[0] for cells in lines(listed.stdout)] == [codes.second]
    entries = audit_log(db, seq)
    assert [(e.event, e.case_code) for e in entries if e.event == "anonymise"] == [
        ("anonymise", codes.first)
    ]
    assert no_names(entries)


def test_a_case_not_due_refuses_the_whole_command_with_exit_1(db: Path, codes: Codes, run) -> None:
    before = tables(db)
    result = run("retention", "anonymise", codes.first, codes.recent, codes.open, "--db", db)
    assert result.code == 1
    assert result.stdout == ""
    end = retention.add_years(retention.add_years(TODAY, -19), 20)
    assert (
        _("The retention of case {code} ends on {date}: it is kept until then.").format(
            code=codes.recent, date=format_date(end)
        )
        in result.stderr
    )
    assert _("Case {code} is not closed: an open case is kept.").format(code=codes.open) in (
        result.stderr
    )
    assert tables(db) == before  # not even the case that was due
    unknown = run("retention", "anonymise", "1999-0999", "--db", db)
    assert unknown.code == 1 and _("There is no case {code}.").format(code="1999-0999") in (
        unknown.stderr
    )


def test_all_due_anonymises_every_case_past_its_term(db: Path, codes: Codes, run) -> None:
    result = run("retention", "anonymise", "--all-due", "--db", db)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [codes.first, codes.second]
    assert run("retention", "list", "--db", db).stdout == ""
    again = run("retention", "anonymise", "--all-due", "--db", db)
    assert again.code == 0 and again.stdout == ""
    assert _("No case has passed its retention term.") in again.stderr
    assert header(db, codes.recent).anonymised_on is None


@pytest.mark.parametrize(
    "argv",
    [
        ["retention"],
        ["retention", "anonymise"],
        ["retention", "anonymise", "2005-0001", "--all-due"],
        ["cases", "erase", "2026-0001"],
        ["cases", "erase", "2026-0001", "--reason", "Verzoek per brief"],
        ["cases", "erase", "2026-0001", "--reason", "x", "--requested-on", "2026-13-01"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_64(db: Path, run, argv: list[str]) -> None:
    before = tables(db)
    result = run(*argv, "--db", db)
    assert result.code == cli.EXIT_USAGE == 64, result.stderr
    assert result.stdout == ""
    assert tables(db) == before


@pytest.mark.parametrize(
    ("argv", "texts"),
    [
        (["retention", "--help"], ["list", "anonymise"]),
        (["retention", "list", "--help"], ["--user"]),
        (["retention", "anonymise", "--help"], ["CODE", "--all-due"]),
        (["cases", "erase", "--help"], ["CODE", "--reason", "--requested-on", "--justification"]),
    ],
    ids=help_id,
)
def test_the_new_commands_have_help(
    capsys: pytest.CaptureFixture[str], argv: list[str], texts: list[str]
) -> None:
    assert_help(capsys, argv, texts)


def test_the_main_help_names_retention(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "--help")
    wanted = _("cases past their retention term: list, anonymise (coordinators)")
    assert " ".join(wanted.split()) in " ".join(result.stdout.split())  # argparse wraps it


# ---------------------------------------------------------------- erase


def test_erase_on_request_removes_the_names_and_closes_an_open_case(db: Path, codes: Codes) -> None:
    seq = last_entry(db)
    result = pact(
        "cases", "erase", codes.open, "--db", db,
        "--reason", "Moeder vroeg het schriftelijk", "--requested-on", TODAY.isoformat(),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout == codes.open + "\n"
    assert _("The personal data of case {code} were erased.").format(code=codes.open) in (
        result.stderr
    )
    assert _("The case was still open: it is closed now.") in result.stderr
    erased = header(db, codes.open)
    assert (erased.alias, erased.family_name, erased.notes, erased.status) == (
        codes.open,
        "",
        "",
        "closed",
    )
    assert erased.anonymised_kind == "erasure" and erased.erasure_requested_on == TODAY
    entries = audit_log(db, seq)
    [entry] = [e for e in entries if e.event == "erase"]
    assert entry.case_code == codes.open and entry.workstation.endswith("(command line)")
    assert TODAY.isoformat() in entry.detail
    assert no_names(entries)
    # once is enough
    again = pact(
        "cases", "erase", codes.open, "--db", db,
        "--reason", "Moeder vroeg het schriftelijk", "--requested-on", TODAY.isoformat(),
    )  # fmt: skip
    assert again.code == 1 and again.stdout == ""


def test_a_meldcode_case_needs_a_justification(db: Path, codes: Codes, run) -> None:
    before = tables(db)
    args = [
        "cases", "erase", codes.meldcode, "--db", db,
        "--reason", "Beide ouders vroegen het per brief", "--requested-on", TODAY.isoformat(),
    ]  # fmt: skip
    refused = run(*args)
    assert refused.code == 1 and refused.stdout == ""
    assert "--justification" in refused.stderr
    assert _("Information about this case was shared under the Meldcode.") in refused.stderr
    short = run(*args, "--justification", "te kort")
    assert short.code == 1
    assert tables(db) == before
    done = run(*args, "--justification", "Veilig Thuis houdt het dossier zelf bij")
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == [codes.meldcode]
    assert header(db, codes.meldcode).anonymised_kind == "erasure"


def test_a_late_request_is_erased_with_a_warning_and_a_future_one_is_refused(
    db: Path, codes: Codes, run
) -> None:
    before = tables(db)
    future = run(
        "cases", "erase", codes.recent, "--db", db, "--reason", "Vader vroeg het per e-mail",
        "--requested-on", (TODAY + timedelta(days=1)).isoformat(),
    )  # fmt: skip
    assert future.code == 1
    assert _("This date lies in the future.") in future.stderr
    assert tables(db) == before
    requested = TODAY - timedelta(days=120)
    late = run(
        "cases", "erase", codes.recent, "--db", db, "--reason", "Vader vroeg het per e-mail",
        "--requested-on", requested.isoformat(),
    )  # fmt: skip
    assert late.code == 0, late.stderr
    assert retention.late_warning(requested) in late.stderr
    assert header(db, codes.recent).anonymised_on == TODAY
