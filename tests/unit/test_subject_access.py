"""The access export of one case (AVG article 15), read back from the files it wrote:
the JSON parsed, the PDF read with pypdf and rendered with pdftoppm.

Two families share a meeting (an agenda item for each) and one disclosure record (the
full edition of the minutes lists both codes). The Tukker export holds every part the
issue lists, with the right content, and nothing of the Jansen family; a search for the
Jansen family's words in the Jansen export shows that the search does find them. Only a
coordinator exports; every export is one audit entry; two files or none, never over an
existing file.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from pact.errors import AccessDeniedError, BreakGlassRequiredError, PactError
from pact.i18n import _
from pact.models import (
    AuditEntry,
)
from pact.services import (
    cases,
    consent,
    consultations,
    documents,
    minutes,
    retention,
    subject_access,
)
from pact.services.consent import MeldcodeInput, WithdrawalInput
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.meetings import ItemInput, save_item
from tests.unit.conftest import World
from tests.unit.test_meetings import _plan, _series

PARTS = (
    "family",
    "children",
    "carers",
    "case_partners",
    "signals",
    "consents",
    "meldcode_justifications",
    "consultations",
    "meeting_excerpts",
    "next_steps",
    "level_history",
    "status_history",
    "disclosures",
    "audit_entries",
)
HEADINGS = (
    "Family",
    "Children",
    "Parents and carers",
    "Partners involved",
    "Signals",
    "Consent",
    "Meldcode justifications",
    "Consultations",
    "Meeting excerpts",
    "Next steps",
    "Level history",
    "Status history",
    "Disclosure record",
    "Audit log",
)
# what only the Jansen family's file holds
JANSEN = (
    "Jansen",
    "Lotte",
    "Vader J.",
    "Lotte spijbelt op vrijdag",
    "Vader Jansen is verhuisd naar Almelo",
    "Lotte krijgt een mentor",
    "Gesprek met vader Jansen",
    "Mag Lotte een mentor krijgen",
    "Mentoraat via school",
    "Ruzie over de verhuizing",
)


@dataclass(frozen=True)
class Families:
    tukker: int
    tukker_code: str
    jansen: int
    jansen_code: str
    meeting_id: int


def _signal(world: World, case_id: int, text: str, child_id: int | None, **kw: object) -> None:
    consultations.save_signal(
        world.uow(),
        world.worker,
        case_id,
        SignalData(world.clock(), text, "child_school", 2, child_id=child_id, **kw),  # type: ignore[arg-type]
    )


@pytest.fixture
def families(world: World) -> Families:
    """The Tukker family (level 4, a Meldcode justification, a withdrawn consent) and
    the Jansen family, both on the agenda of one held meeting whose full minutes were
    saved (one disclosure record with both codes)."""
    tukker = world.case(alias="Fam. T.", family_name="Tukker", notes="Moeder belde de school.")
    wesley = world.child(tukker.id, "Wesley", 2016, notes="Groep 6, houdt van voetbal.")
    mum = world.carer(tukker.id, "Moeder T.", "mother")
    world.carer(tukker.id, "Vader T.", "father")
    first = world.consent(tukker.id, ["school"])
    consent.withdraw_consent(
        world.uow(),
        world.worker,
        first,
        WithdrawalInput(world.clock(), ("carer", mum.id), "Moeder wil eerst zelf praten."),
    )
    world.consent(tukker.id, ["school", "social"])
    cases.involve_partner(world.uow(), world.worker, tukker.id, world.org("school"), "school")
    _signal(world, tukker.id, "Wesley is vaker afwezig op maandag.", wesley.id)
    cases.change_level(world.uow(), world.worker, tukker.id, 4, "Zorgen om de veiligheid thuis.")
    consent.record_meldcode(
        world.uow(),
        world.worker,
        tukker.id,
        MeldcodeInput(
            world.clock(), "Veilig Thuis adviseert overleg met de huisarts.", (world.org("gp"),)
        ),
    )
    consultations.save_consultation(
        world.uow(),
        world.worker,
        tukker.id,
        ConsultationInput(
            held_on=world.clock(),
            question="Hoe helpen we Wesley met zijn boosheid?",
            advice="Korte gesprekken met de IB'er.",
            partner_ids=(world.org("school"),),
            steps=(
                ActionInput(
                    "Gesprek met Wesley", world.clock() + timedelta(days=7), world.org("home")
                ),
            ),
        ),
    )
    world.step(tukker.id, "Moeder bellen over de buddy")

    jansen = world.case(alias="Fam. J.", family_name="Jansen", notes="Ruzie over de verhuizing.")
    lotte = world.child(jansen.id, "Lotte", 2014)
    world.carer(jansen.id, "Vader J.", "father")
    world.consent(jansen.id, ["school"])
    _signal(world, jansen.id, "Lotte spijbelt op vrijdag.", lotte.id)
    consultations.save_consultation(
        world.uow(),
        world.worker,
        jansen.id,
        ConsultationInput(
            held_on=world.clock(),
            question="Mag Lotte een mentor krijgen?",
            advice="Mentoraat via school.",
        ),
    )

    series = _series(world)
    meeting = _plan(world, series.id, on=world.clock())
    for case_id, title, text, decision, step in (
        (
            tukker.id,
            "Familie Tukker: Wesley slaapt slecht",
            "Moeder belt de school.",
            "Een buddy voor Wesley.",
            "Gesprek met moeder Tukker",
        ),
        (
            jansen.id,
            "Familie Jansen: Lotte",
            "Vader Jansen is verhuisd naar Almelo.",
            "Lotte krijgt een mentor.",
            "Gesprek met vader Jansen",
        ),
    ):
        data = save_item(
            world.uow(),
            world.coordinator,
            meeting.id,
            ItemInput(kind="case", title=title, case_id=case_id),
        )
        item = data.items[-1]
        minutes.save_minutes(world.uow(), world.coordinator, item.id, text)
        minutes.add_decision(world.uow(), world.coordinator, item.id, decision)
        minutes.add_step(
            world.uow(),
            world.coordinator,
            item.id,
            ActionInput(step, world.clock() + timedelta(days=7), world.org("home")),
        )
    minutes.save_minutes(world.uow(), world.coordinator, meeting.items[0].id, "Welkom allemaal.")
    [full] = documents.prepare(world.uow(), world.coordinator, meeting.id, "minutes", [None])
    assert set(full.case_codes) == {tukker.code, jansen.code}  # one record, both cases
    documents.record(world.uow(), world.coordinator, documents.render(full), "printer", "Kantoor")
    # and a later meeting about the Jansen family alone, whose agenda went out too
    later = _plan(world, series.id, on=world.clock() + timedelta(days=1))
    save_item(world.uow(), world.coordinator, later.id, ItemInput(kind="case", case_id=jansen.id))
    [agenda] = documents.prepare(world.uow(), world.coordinator, later.id, "agenda", [None])
    assert agenda.case_codes == (jansen.code,)
    documents.record(world.uow(), world.coordinator, documents.render(agenda), "pdf", "a.pdf")
    return Families(tukker.id, tukker.code, jansen.id, jansen.code, meeting.id)


# ---------------------------------------------------------------- reading back


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Without white space: a phrase broken over two lines is still found."""
    return re.sub(r"\s+", "", text)


def export(world: World, case_id: int, folder: Path) -> subject_access.ExportedFiles:
    folder.mkdir(exist_ok=True)
    return subject_access.export_files(world.uow(), world.coordinator, case_id, folder)


def export_entries(world: World, code: str) -> list[AuditEntry]:
    with world.db.sessions() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.event == "export",
                    AuditEntry.record_type == "case",  # not a meeting document's export
                    AuditEntry.case_code == code,
                )
                .order_by(AuditEntry.seq)
            )
        )


# ---------------------------------------------------------------- what it holds


def test_the_json_holds_every_part_with_the_familys_data(
    world: World, families: Families, tmp_path: Path
) -> None:
    files = export(world, families.tukker, tmp_path / "out")
    assert files.pdf.name == f"access-{families.tukker_code}-{world.clock().isoformat()}.pdf"
    assert files.json.name == files.pdf.with_suffix(".json").name
    data = json.loads(files.json.read_bytes().decode("utf-8"))
    assert list(data) == [
        "format",
        "format_version",
        "case_code",
        "made_at",
        "made_by",
        "pact",
        *PARTS,
    ]
    assert data["case_code"] == families.tukker_code
    assert data["made_by"] == "Carla Coördinator"
    family = data["family"]
    assert (family["code"], family["alias"], family["family_name"]) == (
        families.tukker_code,
        "Fam. T.",
        "Tukker",
    )
    assert family["level"] == 4 and family["meldcode"] is True
    assert family["notes"] == "Moeder belde de school."
    assert family["registered_on"] == world.clock().isoformat()  # ISO dates
    assert data["children"] == [
        {
            "name": "Wesley",
            "birth_year": 2016,
            "school": "",
            "notes": "Groep 6, houdt van voetbal.",
            "buddy_organisation": "",
            "buddy_since": None,
        }
    ]
    assert [(c["alias"], c["relation"]) for c in data["carers"]] == [
        ("Moeder T.", "mother"),
        ("Vader T.", "father"),
    ]
    assert {p["organisation"] for p in data["case_partners"]} >= {
        world.org_name("home"),
        world.org_name("school"),
    }
    assert [s["observation"] for s in data["signals"]] == ["Wesley is vaker afwezig op maandag."]
    assert data["signals"][0]["child"] == "Wesley"
    withdrawn, current = data["consents"]
    assert withdrawn["withdrawn_on"] == world.clock().isoformat()
    assert withdrawn["withdrawn_by"].startswith("Moeder T.")
    assert withdrawn["withdrawn_note"] == "Moeder wil eerst zelf praten."
    assert current["withdrawn_on"] is None
    assert set(current["partners"]) == {world.org_name("school"), world.org_name("social")}
    assert {g.split(" (")[0] for g in current["given_by"]} == {"Wesley", "Moeder T.", "Vader T."}
    assert current["info_kinds"] == ["family", "signals"]
    [meldcode] = data["meldcode_justifications"]
    assert meldcode["justification"] == "Veilig Thuis adviseert overleg met de huisarts."
    assert meldcode["partners"] == [world.org_name("gp")]
    [consulted] = data["consultations"]
    assert consulted["question"] == "Hoe helpen we Wesley met zijn boosheid?"
    assert consulted["advice"] == "Korte gesprekken met de IB'er."
    assert consulted["partners"] == [world.org_name("school")]
    [excerpt] = data["meeting_excerpts"]
    assert excerpt["item_title"] == "Familie Tukker: Wesley slaapt slecht"
    assert excerpt["minutes"] == "Moeder belt de school."
    assert excerpt["decisions"] == ["Een buddy voor Wesley."]
    assert [s["what"] for s in excerpt["next_steps"]] == ["Gesprek met moeder Tukker"]
    assert excerpt["held_on"] == world.clock().isoformat()
    assert sorted(s["what"] for s in data["next_steps"]) == [
        "Gesprek met Wesley",
        "Gesprek met moeder Tukker",
        "Moeder bellen over de buddy",
    ]
    agreed = {s["what"]: s["agreed_at"] for s in data["next_steps"]}
    assert agreed["Gesprek met moeder Tukker"]  # the meeting
    assert agreed["Gesprek met Wesley"]  # the consultation
    assert [(x["previous_level"], x["level"]) for x in data["level_history"]] == [(None, 2), (2, 4)]
    assert data["level_history"][1]["reason"] == "Zorgen om de veiligheid thuis."
    assert data["status_history"][0]["event"] == "registered"
    [disclosure] = data["disclosures"]
    assert (disclosure["document"], disclosure["channel"]) == ("minutes", "printer")
    assert disclosure["recipient"] == documents.full_edition_label()
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", disclosure["made_at"]
    )
    # the audit entries: every entry with the case's code, at local time with its offset
    with world.db.sessions() as s:
        logged = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.case_code == families.tukker_code)
        )
    entries = data["audit_entries"]
    assert len(entries) == logged - 1  # all but the export itself, logged after it
    assert {"create", "update", "print"} <= {e["event"] for e in entries}
    assert all(re.search(r"[+-]\d{2}:\d{2}$", e["at"]) for e in entries)
    assert {e["user"] for e in entries} >= {"worker", "coordinator"}


def test_nothing_of_the_other_family_is_in_either_file(
    world: World, families: Families, tmp_path: Path
) -> None:
    files = export(world, families.tukker, tmp_path / "tukker")
    text = files.json.read_text(encoding="utf-8")
    printed = squash(pdf_text(files.pdf))
    for secret in (families.jansen_code, *JANSEN, "Welkom allemaal."):
        assert secret not in text, secret
        assert squash(secret) not in printed, secret
    # the search can fail: the Jansen family's own export holds all of it
    theirs = export(world, families.jansen, tmp_path / "jansen")
    their_text = theirs.json.read_text(encoding="utf-8")
    their_pdf = squash(pdf_text(theirs.pdf))
    for secret in (families.jansen_code, *JANSEN):
        assert secret in their_text, secret
        assert squash(secret) in their_pdf, secret
    assert families.tukker_code not in their_text and "Wesley" not in their_text
    assert len(json.loads(their_text)["disclosures"]) == 2


def test_the_pdf_has_every_part_and_the_familys_names_on_numbered_pages(
    world: World, families: Families, tmp_path: Path
) -> None:
    files = export(world, families.tukker, tmp_path / "out")
    text = pdf_text(files.pdf)
    title = _("Access to personal data — {code}").format(code=families.tukker_code)
    assert squash(title) in squash(text)  # the Dutch title may wrap
    for heading in HEADINGS:
        assert _(heading) in text, heading
    flat = squash(text)
    for name in ("Tukker", "Wesley", "Moeder T.", "Vader T.", "Fam. T."):
        assert squash(name) in flat, name
    for fact in (
        "Moeder wil eerst zelf praten.",
        "Veilig Thuis adviseert overleg met de huisarts.",
        "Hoe helpen we Wesley met zijn boosheid?",
        "Een buddy voor Wesley.",
        "Moeder belt de school.",
        "Zorgen om de veiligheid thuis.",
        documents.full_edition_label(),
    ):
        assert squash(fact) in flat, fact
    assert _("Nothing recorded.") not in text  # every part holds something here
    reader = PdfReader(io.BytesIO(files.pdf.read_bytes()))
    total = len(reader.pages)
    assert total >= 3
    first = reader.pages[0].extract_text()
    # page 1 says whose data this is and for whom it is meant
    assert squash(_("Personal data of the family")) in squash(first)
    for n, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert families.tukker_code in page_text  # in the header of every page
        assert _("page {page} of {total}").format(page=n, total=total) in page_text
    assert reader.metadata is not None and reader.metadata.title == _(
        "Access to personal data — {code}"
    ).format(code=families.tukker_code)


def test_an_empty_part_says_nothing_recorded(world: World, tmp_path: Path) -> None:
    header = world.case(alias="Fam. L.")
    files = export(world, header.id, tmp_path / "out")
    data = json.loads(files.json.read_bytes())
    for part in ("children", "carers", "signals", "consents", "consultations", "disclosures"):
        assert data[part] == [], part
    assert pdf_text(files.pdf).count(_("Nothing recorded.")) >= 6


def test_the_export_is_audited_once_without_names(
    world: World, families: Families, tmp_path: Path
) -> None:
    before = export_entries(world, families.tukker_code)
    export(world, families.tukker, tmp_path / "out")
    after = export_entries(world, families.tukker_code)
    [entry] = after[len(before) :]
    assert (entry.record_type, entry.outcome, entry.username) == ("case", "success", "coordinator")
    assert entry.case_id == families.tukker
    assert entry.detail == _("access request (PDF + JSON)")
    assert "Tukker" not in entry.detail and str(tmp_path) not in entry.detail
    assert export_entries(world, families.jansen_code) == []


def test_a_coordinator_needs_no_break_glass_for_a_case_outside_her_own(
    world: World, tmp_path: Path
) -> None:
    other = world.case(world.actor("social"), alias="Fam. S.")  # not the coordinator's
    with pytest.raises(BreakGlassRequiredError):
        cases.get_case(world.uow(), world.coordinator, other.id)
    files = export(world, other.id, tmp_path / "out")
    assert files.pdf.exists() and files.json.exists()


def test_a_worker_and_an_administrator_are_refused_and_nothing_is_written(
    world: World, families: Families, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    admin = world.admin_only()
    before = world.snapshot()
    for who in (world.worker, admin):
        with pytest.raises(AccessDeniedError):
            subject_access.export_files(world.uow(), who, families.tukker, folder)
        with pytest.raises(AccessDeniedError):
            subject_access.collect(world.uow(), who, families.tukker)
    assert list(folder.iterdir()) == []
    assert world.snapshot() == before
    refused = [e for e in export_entries(world, families.tukker_code) if e.outcome == "refused"]
    assert [e.username for e in refused] == ["worker", "worker", "beheer", "beheer"]


# ---------------------------------------------------------------- the files


def test_an_existing_file_is_never_overwritten_and_no_half_pair_is_left(
    world: World, families: Families, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    stem = subject_access.file_stem(families.tukker_code, world.clock())
    for existing, other in ((f"{stem}.json", f"{stem}.pdf"), (f"{stem}.pdf", f"{stem}.json")):
        for leftover in folder.iterdir():
            leftover.unlink()
        (folder / existing).write_bytes(b"mine")
        with pytest.raises(PactError) as refused:
            subject_access.export_files(world.uow(), world.coordinator, families.tukker, folder)
        assert str(refused.value) == _(
            "{path} exists already; pact never overwrites a file."
        ).format(path=folder / existing)
        assert (folder / existing).read_bytes() == b"mine"
        assert not (folder / other).exists()
        assert sorted(p.name for p in folder.iterdir()) == [existing]  # no temp files
    assert [e for e in export_entries(world, families.tukker_code) if e.outcome == "success"] == []


def test_a_file_that_appears_meanwhile_undoes_the_first_one(
    world: World, families: Families, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writes the JSON file's name while pact writes: the PDF already
    in place is taken back, the other program's file is left alone."""
    folder = tmp_path / "out"
    folder.mkdir()
    real = subject_access._write_temp
    written: list[Path] = []

    def racing(path: Path, data: bytes) -> Path:
        written.append(path)
        if path.suffix == ".json":
            path.write_bytes(b"theirs")
        return real(path, data)

    monkeypatch.setattr(subject_access, "_write_temp", racing)
    with pytest.raises(PactError):
        subject_access.export_files(world.uow(), world.coordinator, families.tukker, folder)
    assert [p.suffix for p in written] == [".pdf", ".json"]
    assert sorted(p.name for p in folder.iterdir()) == [written[1].name]
    assert written[1].read_bytes() == b"theirs"


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "you do not have permission for that")],
    ids=["full disk", "no permission"],
)
def test_a_write_error_leaves_neither_file_and_no_audit_entry(
    world: World,
    families: Families,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    reason: str,
) -> None:
    """Root may write anywhere, so the refusal of the operating system is simulated
    for the second file (the JSON), after the PDF's temp file was written; the real
    full disk is in tests/cli/test_cli_access.py."""
    folder = tmp_path / "out"
    folder.mkdir()
    real = subject_access._write_temp

    def second_fails(path: Path, data: bytes) -> Path:
        if path.suffix == ".json":
            raise OSError(code, os.strerror(code), str(path))
        return real(path, data)

    monkeypatch.setattr(subject_access, "_write_temp", second_fails)
    with pytest.raises(PactError) as failed:
        subject_access.export_files(world.uow(), world.coordinator, families.tukker, folder)
    assert str(failed.value) == _("Cannot write the access export to {folder}: {reason}.").format(
        folder=folder, reason=_(reason)
    )
    assert list(folder.iterdir()) == []  # no PDF, no temp file
    assert export_entries(world, families.tukker_code) == []


def test_a_missing_folder_or_a_file_for_a_folder_is_refused(
    world: World, families: Families, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(PactError) as failed:
        subject_access.export_files(world.uow(), world.coordinator, families.tukker, missing)
    assert str(failed.value) == _("The folder {folder} does not exist.").format(folder=missing)
    assert not missing.exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(PactError):
        subject_access.export_files(world.uow(), world.coordinator, families.tukker, a_file)


def test_when_the_audit_entry_cannot_be_written_the_files_are_removed(
    world: World, families: Families, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    real = subject_access.audit.record

    def broken(*args: object, **kw: object) -> None:
        if kw.get("outcome", "success") == "success" and args[2] == "export":
            raise RuntimeError("the log is full")
        real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(subject_access.audit, "record", broken)
    with pytest.raises(RuntimeError):
        subject_access.export_files(world.uow(), world.coordinator, families.tukker, folder)
    assert list(folder.iterdir()) == []


def test_the_files_are_for_the_owner_only(world: World, families: Families, tmp_path: Path) -> None:
    files = export(world, families.tukker, tmp_path / "out")
    for path in (files.pdf, files.json):
        assert path.stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------- odd cases


def test_an_erased_case_still_exports(world: World, families: Families, tmp_path: Path) -> None:
    """Erased on the family's request (``retention.erase``: names and free texts
    removed, the counts kept): the export works, shows "–" for the names, says when and
    why, and holds none of the old texts."""
    code = families.tukker_code
    retention.erase(
        world.uow(),
        world.coordinator,
        families.tukker,
        "Brief van beide ouders, afgegeven op het spreekuur.",
        world.clock(),
        justification="Veilig Thuis heeft de melding afgesloten; bewaren is niet nodig.",
    )
    files = export(world, families.tukker, tmp_path / "out")
    data = json.loads(files.json.read_bytes())
    family = data["family"]
    assert (family["anonymised_kind"], family["anonymised_on"]) == (
        "erasure",
        world.clock().isoformat(),
    )
    assert family["erasure_requested_on"] == world.clock().isoformat()
    assert (family["alias"], family["family_name"]) == (code, "")
    assert family["anonymised_reason"] == "Brief van beide ouders, afgegeven op het spreekuur."
    assert squash("Veilig Thuis heeft de melding afgesloten") in squash(pdf_text(files.pdf))
    assert data["children"][0]["name"] == "" and data["children"][0]["birth_year"] == 2016
    assert data["meeting_excerpts"][0]["minutes"] == _("Case {code}: discussed.").format(code=code)
    text = files.json.read_text(encoding="utf-8") + pdf_text(files.pdf)
    for gone in ("Tukker", "Wesley", "Moeder T.", "afwezig op maandag", "boosheid"):
        assert gone not in text, gone
    printed = pdf_text(files.pdf)
    assert subject_access.EMPTY in printed  # the child's and the carers' names
    assert code in printed


def test_long_texts_wrap_and_tables_do_not_clip(world: World, tmp_path: Path) -> None:
    header = world.case(alias="Fam. V.", notes=("Lange notitie. " * 260) + "EINDE-NOTITIE")
    world.child(header.id, "V" * 60, 2015)  # one long "word"
    # a reason of nearly 4000 characters in one table cell, taller than a page
    reason = ("Zorgen op school en thuis, de ouders praten niet. " * 80)[:3900] + "EINDE-TABEL"
    cases.change_level(world.uow(), world.worker, header.id, 3, reason)
    world.step(header.id, "Bellen " + "x" * 120 + " EINDE-STAP")
    files = export(world, header.id, tmp_path / "out")
    printed = squash(pdf_text(files.pdf))
    for end in ("EINDE-NOTITIE", "EINDE-TABEL", "EINDE-STAP", "V" * 60):
        assert end in printed, end  # the end of every long text is on a page
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing (Debian package poppler-utils)"
    subprocess.run(
        [pdftoppm, "-png", "-r", "30", str(files.pdf), str(tmp_path / "page")], check=True
    )
    pages = len(PdfReader(io.BytesIO(files.pdf.read_bytes())).pages)
    assert len(list(tmp_path.glob("page-*.png"))) == pages >= 2


def test_the_json_keeps_its_keys_and_iso_dates(world: World, families: Families) -> None:
    one = subject_access.collect(world.uow(), world.coordinator, families.tukker)
    two = subject_access.collect(world.uow(), world.coordinator, families.tukker)
    first, second = json.loads(subject_access.to_json(one)), json.loads(subject_access.to_json(two))
    assert first.pop("made_at") and second.pop("made_at")
    assert first == second
    assert subject_access.to_json(one).decode("utf-8").startswith('{\n  "format": ')
    assert "Coördinator" in subject_access.to_json(one).decode("utf-8")  # UTF-8, not \\u escapes
    assert date.fromisoformat(first["family"]["registered_on"]) == world.clock()
