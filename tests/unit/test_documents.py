"""Printed agendas and minutes per recipient, read back from the PDFs: what each
organisation's edition holds of the Tukker case, the full edition and the chair's
copy, the disclosure record and its hashes, never overwriting a file, the warning
about unexpected recipients, and the letterhead settings."""

from __future__ import annotations

import contextlib
import hashlib
import io
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from pact.config import FileExistsRefusal
from pact.errors import AccessDeniedError, ValidationError
from pact.i18n import _
from pact.services import cases, documents, minutes
from pact.services.consultations import ActionInput
from pact.services.meetings import ItemInput, MeetingData, save_item
from tests.unit.conftest import World
from tests.unit.test_meetings import _plan, _series

PRINTED = datetime(2026, 6, 15, 16, 5)
SECRETS = ("Tukker", "Wesley", "Moeder belt de school", "buddy voor Wesley")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def raw_streams(pdf: bytes) -> bytes:
    """The file's bytes and every page's decompressed content stream."""
    reader = PdfReader(io.BytesIO(pdf))
    parts = [pdf]
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            parts.append(contents.get_data())
    for start in range(len(pdf)):  # every zlib stream of the file, whatever it holds
        if pdf.startswith(b"stream", start):
            body = pdf[start + 6 :].lstrip(b"\r\n")
            with contextlib.suppress(zlib.error):
                parts.append(zlib.decompressobj().decompress(body))
    return b"\n".join(parts)


@pytest.fixture
def tukker(world: World) -> tuple[MeetingData, str]:
    """A held network meeting with the Tukker case on its agenda: the school is
    involved and covered by consent, the social team is invited but not involved."""
    header, _k, _c = world.family(level=3, alias="Familie Tukker")
    world.consent(header.id, ["school"])
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("school"), "school")
    meeting = _plan(world, _series(world).id, on=world.clock())
    meeting = save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(
            kind="case",
            title="Familie Tukker: Wesley slaapt slecht",
            description="Wesley (10) is stil in de klas.",
            case_id=header.id,
        ),
    )
    item = meeting.items[-1]
    minutes.save_minutes(world.uow(), world.coordinator, item.id, "Moeder belt de school.")
    minutes.add_decision(world.uow(), world.coordinator, item.id, "Een buddy voor Wesley.")
    minutes.add_step(
        world.uow(),
        world.coordinator,
        item.id,
        ActionInput("Gesprek met moeder", world.clock() + timedelta(days=7), world.org("home")),
    )
    minutes.save_minutes(world.uow(), world.coordinator, meeting.items[0].id, "Welkom allemaal.")
    return meeting, header.code


def _edition(
    world: World, meeting_id: int, document: str, org: int | None
) -> documents.RenderedEdition:
    prepared = documents.prepare(
        world.uow(), world.coordinator, meeting_id, document, [org], printed_at=PRINTED
    )
    return documents.render(prepared[0])


def test_an_uninvolved_organisation_reads_no_detail_of_the_tukker_case(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, code = tukker
    for document in ("agenda", "minutes"):
        social = _edition(world, meeting.id, document, world.org("social"))
        text, raw = pdf_text(social.pdf), raw_streams(social.pdf)
        for secret in (*SECRETS, "stil in de klas"):
            assert secret not in text, (document, secret)
            assert secret.encode() not in raw, (document, secret)
        assert code in text  # the item is there, by its code and level only
        assert social.edition.case_codes == ()
        assert "Voorbereiding regie" not in text  # an internal item
    social = _edition(world, meeting.id, "minutes", world.org("social"))
    reference = _("Case {code} (level {level})").format(code=code, level=3)
    assert _("{reference}: discussed").format(reference=reference) in pdf_text(social.pdf)
    agenda = pdf_text(_edition(world, meeting.id, "agenda", world.org("social")).pdf)
    assert reference in agenda


def test_the_involved_school_reads_the_case_and_whose_copy_it_is(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, code = tukker
    school = _edition(world, meeting.id, "minutes", world.org("school"))
    text = pdf_text(school.pdf)
    assert "Moeder belt de school." in text
    assert "Een buddy voor Wesley." in text
    assert "Wesley slaapt slecht" in text
    assert school.edition.case_codes == (code,)
    # every page names the organisation whose copy it is, and counts the pages
    reader = PdfReader(io.BytesIO(school.pdf))
    for n, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert world.org_name("school") in page_text
        assert f"{n}" in page_text and f"{len(reader.pages)}" in page_text
    assert school.pages == len(reader.pages)


def test_the_step_owner_reads_its_step_but_not_the_case(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, _code = tukker
    # home registered the case (it holds the file): details; the social team: none
    home = pdf_text(_edition(world, meeting.id, "minutes", world.org("home")).pdf)
    assert "Gesprek met moeder" in home
    social = pdf_text(_edition(world, meeting.id, "minutes", world.org("social")).pdf)
    assert "Gesprek met moeder" not in social


def test_full_edition_and_chair_copy(world: World, tukker: tuple[MeetingData, str]) -> None:
    meeting, code = tukker
    full = _edition(world, meeting.id, "minutes", None)
    text = pdf_text(full.pdf)
    assert "Moeder belt de school." in text and "Welkom allemaal." in text
    assert full.edition.case_codes == (code,)
    agenda = pdf_text(_edition(world, meeting.id, "agenda", None).pdf)
    assert "Voorbereiding regie" not in agenda  # internal: the chair's copy only
    chair = pdf_text(_edition(world, meeting.id, "chair", None).pdf)
    assert "Voorbereiding regie" in chair
    # the agenda lists the items in their order with their planned start times
    titles = [i.title for i in meeting.items if i.visibility != "internal"]
    positions = [agenda.find(t) for t in titles]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert f"{meeting.items[1].starts_at:%H:%M}" in agenda


def test_full_edition_is_refused_to_a_chair_who_may_not_see_a_case(world: World) -> None:
    other = world.case(world.actor("social"), alias="Familie Elders")
    meeting = _plan(world, _series(world).id, on=world.clock())
    save_item(world.uow(), world.coordinator, meeting.id, ItemInput(kind="case", case_id=other.id))
    # the worker chairs the series but may not see that case
    with pytest.raises(AccessDeniedError):
        documents.prepare(world.uow(), world.worker, meeting.id, "minutes", [None])
    with pytest.raises(AccessDeniedError):
        documents.prepare(world.uow(), world.worker, meeting.id, "chair", [None])
    # the organisation's own edition is fine
    ed = documents.prepare(world.uow(), world.worker, meeting.id, "agenda", [world.org("home")])
    assert ed[0].case_codes == ()


def test_the_disclosure_record_matches_the_files(
    world: World, tukker: tuple[MeetingData, str], tmp_path: Path
) -> None:
    meeting, code = tukker
    school = _edition(world, meeting.id, "minutes", world.org("school"))
    social = _edition(world, meeting.id, "minutes", world.org("social"))
    school_row = documents.save_pdf(world.uow(), world.coordinator, school, tmp_path / "school.pdf")
    documents.save_pdf(world.uow(), world.coordinator, social, tmp_path / "social.pdf")
    documents.record(world.uow(), world.coordinator, school, "printer", "pact-test-pdf")
    for row, name in ((school_row, "school.pdf"),):
        assert row.sha256 == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    case_id = next(i.case_id for i in meeting.items if i.case_id is not None) or 0
    rows = documents.case_disclosures(world.uow(), world.coordinator, case_id)
    # the case file lists only the editions that held its details: school, twice
    assert [(r.recipient_org_id, r.channel) for r in rows] == [
        (world.org("school"), "printer"),
        (world.org("school"), "pdf"),
    ]
    assert all(r.case_codes == (code,) for r in rows)
    assert rows[1].destination == "school.pdf" and rows[1].pages == school.pages
    everything = documents.meeting_disclosures(world.uow(), world.coordinator, meeting.id)
    assert len(everything) == 3
    on_disk = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path).glob("*.pdf")}
    assert {r.sha256 for r in everything} == on_disk


def test_saving_for_all_recipients_never_overwrites(
    world: World, tukker: tuple[MeetingData, str], tmp_path: Path
) -> None:
    meeting, _code = tukker
    folder = tmp_path / "out"
    folder.mkdir()
    existing = folder / f"{meeting.held_on.isoformat()}_minutes_{world.org('school')}.pdf"
    existing.write_bytes(b"mine")
    saved = documents.save_all(world.uow(), world.coordinator, meeting.id, "minutes", folder)
    assert saved.skipped == (existing,)
    assert existing.read_bytes() == b"mine"
    names = sorted(p.name for p in saved.files)
    assert names == sorted(
        f"{meeting.held_on.isoformat()}_minutes_{world.org(k)}.pdf" for k in ("home", "social")
    )
    assert all(p.read_bytes().startswith(b"%PDF-") for p in saved.files)
    with pytest.raises(FileExistsRefusal):
        documents.save_pdf(
            world.uow(),
            world.coordinator,
            _edition(world, meeting.id, "minutes", world.org("school")),
            existing,
            overwrite=False,
        )
    assert existing.read_bytes() == b"mine"
    assert len(documents.meeting_disclosures(world.uow(), world.coordinator, meeting.id)) == 2


def test_saving_for_email_lists_addresses_and_records_sent(
    world: World, tukker: tuple[MeetingData, str], tmp_path: Path
) -> None:
    meeting, _code = tukker
    saved = documents.save_all(
        world.uow(), world.coordinator, meeting.id, "minutes", tmp_path / "mail", for_email=True
    )
    assert len(saved.files) == 3
    assert saved.recipients_file is not None and saved.recipients_file.exists()
    rows = documents.meeting_disclosures(world.uow(), world.coordinator, meeting.id)
    assert {r.channel for r in rows} == {"email"}
    from pact.services import meetings

    assert meetings.get_meeting(world.uow(), world.coordinator, meeting.id).status == "minutes_sent"


def test_unexpected_recipients_are_warned_about(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, code = tukker
    case_id = meeting.items[-1].case_id or 0
    world.consent(case_id, ["school", "gp"])
    cases.involve_partner(world.uow(), world.worker, case_id, world.org("gp"), "support")
    assert (
        documents.check_recipients(
            world.uow(),
            world.coordinator,
            meeting.id,
            [
                world.org("school"),
            ],
        )
        == []
    )
    warnings = documents.check_recipients(
        world.uow(), world.coordinator, meeting.id, [world.org("other"), world.org("gp")]
    )
    assert len(warnings) == 2
    assert world.org_name("other") in warnings[0] and world.org_name("gp") in warnings[1]
    assert code in warnings[1]
    listed = documents.recipients(world.uow(), world.coordinator, meeting.id, True)
    assert [r.organisation_id for r in listed if not r.invited] == [world.org("gp")]


def test_the_attendance_and_replacements_are_in_the_minutes(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, _code = tukker
    sam = next(i for i in meeting.invites if i.contact == "Sam Kuipers")
    wendy = next(i for i in meeting.invites if i.contact == "Wendy Wolters")
    minutes.set_attendance(world.uow(), world.coordinator, wendy.id, "present")
    minutes.set_attendance(
        world.uow(), world.coordinator, sam.id, "excused", replaced_by_name="Joke Jansen"
    )
    doc = documents.prepare(world.uow(), world.coordinator, meeting.id, "minutes", [None])[0]
    assert doc.minutes is not None
    assert any("Wendy Wolters" in p for p in doc.minutes.present)
    assert any("Sam Kuipers" in p for p in doc.minutes.excused)
    assert any("Joke Jansen" in r for r in doc.minutes.replacements)
    text = pdf_text(documents.render(doc).pdf)
    assert "Joke Jansen" in text and "Wendy Wolters" in text


def test_letterhead_settings(world: World, tmp_path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 30), (43, 87, 151)).save(buf, "PNG")
    saved = documents.save_document_settings(
        world.uow(), world.coordinator, "  Scheidingspact   Hengelo ", buf.getvalue()
    )
    assert saved.pact_name == "Scheidingspact Hengelo" and saved.logo == buf.getvalue()
    assert documents.document_settings(world.uow()) == saved
    before = documents.document_settings(world.uow())
    with pytest.raises(ValidationError) as err:
        documents.save_document_settings(world.uow(), world.coordinator, "", b"GIF89a....")
    assert err.value.for_field("pact_name") and err.value.for_field("logo")
    assert documents.document_settings(world.uow()) == before
    with pytest.raises(AccessDeniedError):
        documents.save_document_settings(world.uow(), world.worker, "X", None)
    meeting = _plan(world, _series(world).id, on=world.clock())
    pdf = _edition(world, meeting.id, "agenda", None).pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert "Scheidingspact Hengelo" in pdf_text(pdf)
    assert reader.metadata is not None and reader.metadata.author == "Scheidingspact Hengelo"
    assert any(page.images for page in reader.pages)  # the logo


def test_shared_layout_gives_the_same_document(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    from pact.reports import meeting_docs

    meeting, _code = tukker
    orgs = [world.org("school"), world.org("social"), world.org("home"), None]
    prepared = documents.prepare(world.uow(), world.coordinator, meeting.id, "minutes", orgs)
    shared = [pdf_text(documents.render(e).pdf) for e in prepared * 2]
    alone = []
    for edition in prepared:
        meeting_docs.clear_caches()
        alone.append(pdf_text(documents.render(edition).pdf))
    assert shared == alone * 2


def test_an_invited_worker_prints_only_their_own_organisations_edition(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, code = tukker
    teacher = world.actor("teacher")  # Elia Brinkhuis, of the invited school
    [own] = documents.prepare(world.uow(), teacher, meeting.id, "minutes", [world.org("school")])
    assert own.case_codes == (code,)  # the school is involved: its edition has the case
    assert [r.organisation_id for r in documents.recipients(world.uow(), teacher, meeting.id)] == [
        world.org("school")
    ]
    for document, orgs in (
        ("minutes", [world.org("social")]),
        ("minutes", [None]),
        ("chair", [None]),
    ):
        with pytest.raises(AccessDeniedError):
            documents.prepare(world.uow(), teacher, meeting.id, document, orgs)


def test_chair_notes_are_kept_and_only_on_the_chairs_copy(
    world: World, tukker: tuple[MeetingData, str]
) -> None:
    meeting, _code = tukker
    item = meeting.items[1]
    data = ItemInput(
        kind=item.kind,
        title=item.title,
        planned_minutes=item.planned_minutes,
        chair_notes="Eerst de ouders laten uitpraten.",
        id=item.id,
        version=item.version,
    )
    save_item(world.uow(), world.coordinator, meeting.id, data)
    # saving the item again without chair_notes keeps them
    later = next(i for i in _plan_data(world, meeting.id).items if i.id == item.id)
    save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind=later.kind, title="Nieuwe titel", id=later.id, version=later.version),
    )
    chair = pdf_text(_edition(world, meeting.id, "chair", None).pdf)
    assert "Eerst de ouders laten uitpraten." in chair and "Nieuwe titel" in chair
    for org in (None, world.org("school")):
        assert "uitpraten" not in pdf_text(_edition(world, meeting.id, "agenda", org).pdf)


def _plan_data(world: World, meeting_id: int) -> MeetingData:
    from pact.services import meetings

    return meetings.get_meeting(world.uow(), world.coordinator, meeting_id)
