"""The printed agenda, chair's copy and minutes, read back from real PDFs: what a
reader finds on the pages, in which order, on how many pages, whose copy it is, and
that long Dutch texts, odd characters and a logo come out as typed."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from pact import i18n
from pact.i18n import _, format_date
from pact.reports.documents import (
    AgendaDocument,
    AgendaLine,
    AmendmentLine,
    Letterhead,
    MinutesDocument,
    MinutesItem,
    StepLine,
)
from pact.reports.emergency_sheet import render_emergency_sheet
from pact.reports.meeting_docs import confidentiality, render_agenda, render_minutes
from tests.unit.test_emergency_sheet import _fonts

PRINTED = datetime(2026, 3, 2, 16, 5)
HELD = date(2026, 3, 3)
LONG_WORD = "Jeugdbeschermingstafelvoorbereidingsoverleg" * 4
URL = "https://example.org/" + "een-heel-lang-pad-zonder-spaties/" * 6 + "index.html"


# ---------------------------------------------------------------- building the data


def logo_png(width: int = 300, height: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (43, 87, 151)).save(buf, "PNG")
    return buf.getvalue()


def head(**changes: Any) -> Letterhead:
    values: dict[str, Any] = {
        "pact_name": "Scheidingspact Twente",
        "logo": None,
        "printed_at": PRINTED,
        "recipient": "Sociaal Team Enschede",
        "recipient_contact": "Anouk de Vries",
    }
    values.update(changes)
    return Letterhead(**values)


def full_head(**changes: Any) -> Letterhead:
    values: dict[str, Any] = {"recipient": "", "recipient_contact": "", "edition_label": "Full"}
    values.update(changes)
    return head(**values)


def step(what: str, **changes: Any) -> StepLine:
    values: dict[str, Any] = {
        "what": what,
        "owner": "Anouk de Vries (Sociaal Team)",
        "due_on": date(2026, 3, 17),
        "status": "open",
    }
    values.update(changes)
    return StepLine(**values)


def line(number: int | None, title: str, starts: time, minutes: int, **changes: Any) -> AgendaLine:
    values: dict[str, Any] = {
        "number": number,
        "title": title,
        "starts_at": starts,
        "planned_minutes": minutes,
        "presenter": "Marieke Jansen",
        "description": "",
    }
    values.update(changes)
    return AgendaLine(**values)


def agenda(**changes: Any) -> AgendaDocument:
    values: dict[str, Any] = {
        "title": "Netwerkoverleg maart",
        "kind": "Network meeting",
        "held_on": HELD,
        "starts_at": time(19, 0),
        "ends_at": time(20, 30),
        "location": "Stadhuis Enschede, zaal 2",
        "video_link": "https://meet.example.org/pact-twente",
        "chair": "Marieke Jansen",
        "minute_taker": "Piet Bakker",
        "invited": ("Sociaal Team Enschede (Anouk de Vries)", "Basisschool De Eik (J. Smit)"),
        "items": (
            line(1, "Opening en mededelingen", time(19, 0), 10),
            line(
                None,
                "Voorbespreking met de notulist",
                time(19, 10),
                5,
                internal=True,
                chair_notes="Vader weet nog van niets.",
            ),
            line(
                2,
                "Case 2026-0001 (level 3)",
                time(19, 15),
                20,
                presenter="Anouk de Vries",
                description="Zorgen over de slaap van het kind.",
                chair_notes="Moeder belt vooraf met de school.",
                consent_note="Consent: school, social team",
            ),
            line(3, "Rondvraag en sluiting", time(19, 35), 25),
        ),
        "open_steps": (
            step("Gesprek met moeder", case_reference="Case 2026-0001 (level 3)"),
            step(
                "Schoolmaatschappelijk werk inschakelen",
                owner="Basisschool De Eik",
                due_on=date(2026, 2, 20),
                overdue=True,
            ),
        ),
    }
    values.update(changes)
    return AgendaDocument(**values)


def item(number: int | None, title: str, **changes: Any) -> MinutesItem:
    values: dict[str, Any] = {
        "number": number,
        "title": title,
        "starts_at": time(19, 0),
        "minutes": "",
        "decisions": (),
        "steps": (),
    }
    values.update(changes)
    return MinutesItem(**values)


def minutes(**changes: Any) -> MinutesDocument:
    values: dict[str, Any] = {
        "title": "Netwerkoverleg maart",
        "kind": "Network meeting",
        "held_on": HELD,
        "starts_at": time(19, 0),
        "ends_at": time(20, 30),
        "location": "Stadhuis Enschede",
        "chair": "Marieke Jansen",
        "minute_taker": "Piet Bakker",
        "present": ("Marieke Jansen (Pact)", "Anouk de Vries (Sociaal Team)"),
        "excused": ("Jan Smit (Basisschool De Eik)",),
        "absent": (),
        "replacements": ("Karin Mol (Mediation Oost) replaced by Ruud Dijk",),
        "items": (
            item(
                1,
                "Opening",
                minutes="De voorzitter **opent** de vergadering om *zeven uur*.\n"
                "- eerste punt\n- tweede punt\n\n1. genummerd punt",
                decisions=("De agenda wordt ongewijzigd vastgesteld.",),
            ),
            item(
                2,
                "Case 2026-0001 (level 3)",
                minutes="Moeder belt de school.",
                decisions=("Een buddy voor het kind.",),
                steps=(step("Gesprek met moeder plannen"),),
            ),
            item(
                3,
                "Case 2026-0002: discussed",
                details=False,
                steps=(step("Terugkoppeling aan de huisarts", owner="Sociaal Team Enschede"),),
            ),
        ),
        "all_steps": (
            step("Gesprek met moeder plannen"),
            step("Folder herzien", owner="GGD Twente", status="done", done_on=date(2026, 3, 1)),
            step("Kennismaking mediators", owner="Mediation Oost", status="cancelled"),
        ),
        "next_meeting": date(2026, 4, 7),
        "status": "Approved on 10 March 2026",
        "approved": True,
        "amendments": (
            AmendmentLine(date(2026, 3, 10), "The buddy starts in April.", "2. Case 2026-0001"),
        ),
    }
    values.update(changes)
    return MinutesDocument(**values)


# ---------------------------------------------------------------- reading the PDFs


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without any whitespace: wrapping puts line breaks anywhere."""
    return "".join(text.split())


def text(pdf: bytes) -> str:
    return flat("".join(pages(pdf)))


def body_text(pdf: bytes) -> str:
    """The text between the header and the footer of every page, joined: what the
    story says without the page frame interrupting it at a page break."""
    out: list[str] = []

    def visit(chunk: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if 62 < y < 790:  # the footer rule is at 57 pt, the header line at 799 pt
            out.append(chunk)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return flat("".join(out))


def content(pdf: bytes) -> list[bytes]:
    """Every page's decompressed content stream."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        stream = page.get_contents()
        out.append(stream.get_data() if stream is not None else b"")
    return out


def images(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if xobjects is None:
            continue
        for ref in xobjects.get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def page_label(page: int, total: int) -> str:
    return flat(_("page {page} of {total}").format(page=page, total=total))


def assert_page_frame(pdf: bytes, mark: str) -> None:
    """Every page: "page X of Y" with the real total, the print date, whose copy."""
    found = pages(pdf)
    printed = flat(i18n.format_datetime(PRINTED, "d-M-y HH:mm"))
    for number, page in enumerate(found, start=1):
        page = flat(page)
        assert page_label(number, len(found)) in page, (number, page[-300:])
        assert printed in page, number
        assert flat(mark) in page, number


# ---------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True, scope="module")
def dutch_module() -> Iterator[None]:
    """The module-wide renders below are made in Dutch, like every test here."""
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


def recipient_agenda(**changes: Any) -> AgendaDocument:
    """The agenda as the services compose it for a recipient: without internal items
    (the chair's notes and consent notes stay on the lines, the renderer drops them)."""
    doc = agenda(**changes)
    return dataclasses.replace(doc, items=tuple(i for i in doc.items if not i.internal))


@pytest.fixture(scope="module")
def agenda_pdf(dutch_module: None) -> bytes:
    return render_agenda(recipient_agenda(), head())


@pytest.fixture(scope="module")
def chair_pdf(dutch_module: None) -> bytes:
    return render_agenda(
        agenda(chair_copy=True, planned_end=time(20, 40), overrun_minutes=10),
        full_head(edition_label="Chair's copy", logo=logo_png()),
    )


@pytest.fixture(scope="module")
def minutes_pdf(dutch_module: None) -> bytes:
    return render_minutes(minutes(), head())


@pytest.fixture(scope="module")
def big_agenda_pdf(dutch_module: None) -> bytes:
    items = tuple(
        line(
            n,
            f"Agendapunt {n:03d} {LONG_WORD if n % 10 == 0 else 'bespreking'}",
            time(9 + n // 60, n % 60),
            5,
            description=f"Toelichting bij punt {n}: zie {URL}" if n % 7 == 0 else "",
        )
        for n in range(1, 101)
    )
    steps = tuple(step(f"Stap {n} {LONG_WORD}", overdue=n % 3 == 0) for n in range(60))
    return render_agenda(agenda(items=items, open_steps=steps), head())


BIG_TEXT_PARAGRAPH = (
    "De moeder vertelt dat de overdracht op vrijdag steeds tot ruzie leidt; de school ziet "
    "dat het kind (10) op maandag stil en moe is. Café, reünie, ĳsbaan en één ruzie. "
)


@pytest.fixture(scope="module")
def big_minutes_text() -> str:
    parts = []
    while sum(map(len, parts)) < 30_000:
        n = len(parts)
        if n % 9 == 4:
            parts.append(f"- punt {n} met {LONG_WORD}\n- en {URL}\n\n")
        else:
            parts.append(BIG_TEXT_PARAGRAPH * 3 + (LONG_WORD if n % 5 == 0 else "") + "\n\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def big_minutes_pdf(dutch_module: None, big_minutes_text: str) -> bytes:
    return render_minutes(
        minutes(items=(item(1, "Lang verslag", minutes=big_minutes_text),)), head()
    )


# ---------------------------------------------------------------- the agenda


def test_agenda_items_in_order_with_their_start_times_and_durations(agenda_pdf: bytes) -> None:
    found = text(agenda_pdf)
    rows = [
        ("1.", "19:00", 10, "Opening en mededelingen"),
        ("2.", "19:15", 20, "Case 2026-0001 (level 3)"),
        ("3.", "19:35", 25, "Rondvraag en sluiting"),
    ]
    places = []
    for number, start, length, title in rows:
        row = flat(number + start + _("{n} min").format(n=length) + title)
        assert row in found, row
        places.append(found.index(row))
    assert places == sorted(places)
    assert flat("Zorgen over de slaap van het kind.") in found  # the description


def test_agenda_heading_names_meeting_place_people_and_invited(agenda_pdf: bytes) -> None:
    found = text(agenda_pdf)
    for expected in (
        "Scheidingspact Twente",
        "Netwerkoverleg maart",
        "Network meeting",
        format_date(HELD, "full"),
        "19:00–20:30",
        "Stadhuis Enschede, zaal 2",
        "https://meet.example.org/pact-twente",
        "Marieke Jansen",
        "Piet Bakker",
        "Basisschool De Eik (J. Smit)",
    ):
        assert flat(expected) in found, expected


def test_the_agenda_leaves_out_chair_notes_and_consent_notes(agenda_pdf: bytes) -> None:
    found = text(agenda_pdf)
    assert flat("Voorbespreking met de notulist") not in found
    assert flat(_("Chair's notes")) not in found
    assert flat("Moeder belt vooraf met de school.") not in found
    assert flat("Consent: school, social team") not in found
    assert flat(_("Chair's copy – not for distribution")) not in found


def test_the_chair_copy_holds_internal_items_notes_consent_and_overrun(chair_pdf: bytes) -> None:
    first, *_rest = pages(chair_pdf)
    assert flat(_("Chair's copy – not for distribution")) in flat(first)
    found = text(chair_pdf)
    assert flat("Voorbespreking met de notulist") in found
    assert flat(_("internal")) in found
    assert flat(_("Chair's notes")) in found
    assert flat("Vader weet nog van niets.") in found
    assert flat("Moeder belt vooraf met de school.") in found
    assert flat("Consent: school, social team") in found
    assert "20:40" in found
    assert flat(_("That is {n} minutes past the end of the meeting.").format(n=10)) in found
    # The internal item keeps its place in the plan, between items 1 and 2.
    assert (
        found.index(flat("Opening en mededelingen"))
        < found.index(flat("Voorbespreking met de notulist"))
        < found.index(flat("Case 2026-0001 (level 3)"))
    )


def test_the_annex_lists_open_steps_on_its_own_page(agenda_pdf: bytes) -> None:
    found = pages(agenda_pdf)
    annex = flat(_("Annex: open next steps"))
    assert annex not in flat(found[0])
    last = flat(found[-1])
    assert annex in last
    assert flat("Gesprek met moeder") in last
    assert flat("Case 2026-0001 (level 3)") in last
    assert flat(format_date(date(2026, 2, 20))) in last


def fill_colours(stream: bytes) -> set[bytes]:
    return set(re.findall(rb"(?:^|\s)((?:[\d.]+ ){3})rg\b", stream))


def test_an_overdue_step_is_marked_in_the_annex() -> None:
    def annex(overdue: bool) -> bytes:
        steps = (step("Schoolmaatschappelijk werk inschakelen", overdue=overdue),)
        return content(render_agenda(recipient_agenda(open_steps=steps), head()))[-1]

    assert len(fill_colours(annex(True))) == len(fill_colours(annex(False))) + 1


def test_no_annex_without_open_steps() -> None:
    pdf = render_agenda(recipient_agenda(open_steps=()), head())
    assert len(pages(pdf)) == 1
    assert flat(_("Annex: open next steps")) not in text(pdf)


def test_the_agenda_has_title_author_subject_and_embedded_fonts(agenda_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(agenda_pdf)).metadata
    assert meta is not None
    assert meta.title == _("{document} – {title}").format(
        document=_("Agenda"), title="Netwerkoverleg maart"
    )
    assert meta.author == "Scheidingspact Twente"
    assert meta.subject and "Network meeting" in meta.subject
    fonts = _fonts(agenda_pdf)
    assert fonts and all(fonts.values()), fonts


def test_every_agenda_page_says_page_x_of_y_and_whose_copy(big_agenda_pdf: bytes) -> None:
    assert len(pages(big_agenda_pdf)) >= 4
    assert_page_frame(big_agenda_pdf, "Sociaal Team Enschede – Anouk de Vries")
    confidential = flat(confidentiality())
    assert all(confidential in flat(p) for p in pages(big_agenda_pdf))


def test_a_hundred_items_with_long_words_all_arrive_in_order(big_agenda_pdf: bytes) -> None:
    found = text(big_agenda_pdf)
    places = [found.index(f"Agendapunt{n:03d}") for n in range(1, 101)]
    assert places == sorted(places)
    assert flat(URL) in found
    assert found.count(LONG_WORD) >= 10 + 60  # long titles and every annex step


def test_the_chair_copy_carries_its_edition_label_on_every_page(chair_pdf: bytes) -> None:
    assert_page_frame(chair_pdf, "Chair's copy")


def test_logo_embedded_when_given_and_absent_without(chair_pdf: bytes, agenda_pdf: bytes) -> None:
    assert images(chair_pdf) == 1
    assert images(agenda_pdf) == 0


@pytest.mark.parametrize("size", [(40, 400), (2000, 60)])
def test_a_tall_or_wide_logo_keeps_the_agenda_on_one_page(size: tuple[int, int]) -> None:
    pdf = render_agenda(recipient_agenda(open_steps=()), head(logo=logo_png(*size)))
    assert len(pages(pdf)) == 1
    assert images(pdf) == 1


# ---------------------------------------------------------------- the minutes


def test_minutes_show_status_attendance_and_leave_out_empty_groups(minutes_pdf: bytes) -> None:
    first = flat(pages(minutes_pdf)[0])
    assert flat("Approved on 10 March 2026") in first
    for label, who in (
        (_("Present"), "Anouk de Vries (Sociaal Team)"),
        (_("Excused"), "Jan Smit (Basisschool De Eik)"),
        (_("Replacements"), "Karin Mol (Mediation Oost) replaced by Ruud Dijk"),
    ):
        assert flat(label) + flat(who) in first or (flat(label) in first and flat(who) in first)
    assert flat(_("Absent")) not in first  # nobody was absent


def test_minutes_items_text_decisions_and_new_steps(minutes_pdf: bytes) -> None:
    found = text(minutes_pdf)
    opening = found.index(flat("1. Opening"))
    case = found.index(flat("2. Case 2026-0001 (level 3)"))
    assert opening < found.index(flat("De voorzitter opent de vergadering")) < case
    assert flat(_("Decision") + "De agenda wordt ongewijzigd vastgesteld.") in found
    assert flat(_("Decision") + "Een buddy voor het kind.") in found
    table = flat(
        _("What")
        + _("Who")
        + _("Due")
        + "Gesprek met moeder plannen"
        + "Anouk de Vries (Sociaal Team)"
        + format_date(date(2026, 3, 17))
    )
    assert table in found[case:]


def test_an_item_without_details_prints_its_title_and_steps_only(minutes_pdf: bytes) -> None:
    found = text(minutes_pdf)
    start = found.index(flat("3. Case 2026-0002: discussed"))
    after = found[start:]
    assert flat("Terugkoppeling aan de huisarts") in after
    assert flat(_("Nothing was recorded under this item.")) not in found


def test_light_markdown_bold_italic_and_lists() -> None:
    pdf = render_minutes(
        minutes(items=(item(1, "Opening", minutes="**vet** en *schuin*\n- los\n1. één"),)),
        head(),
    )
    fonts = _fonts(pdf)
    assert any("DejaVuSans-Oblique" in name for name in fonts), fonts
    assert any("DejaVuSans-Bold" in name for name in fonts), fonts
    found = text(pdf)
    assert "vetenschuin" in found and "**" not in found
    assert "•los" in found
    assert "1.één" in found


def test_user_markup_prints_literally() -> None:
    literal = "<b>& <script>alert(1)</script> &amp; <i>"
    pdf = render_minutes(
        minutes(
            title="Overleg <b>&",
            items=(item(1, "Punt <b>&", minutes=literal, decisions=(literal,)),),
            all_steps=(step(literal),),
        ),
        head(recipient="Team <b>&"),
    )
    found = text(pdf)
    assert found.count(flat(literal)) == 3
    assert flat("Punt <b>&") in found
    assert_page_frame(pdf, "Team <b>&")


def test_done_and_cancelled_steps_are_struck_through_with_their_date() -> None:
    def strokes(status: str) -> int:
        done = date(2026, 3, 1) if status == "done" else None
        pdf = render_minutes(
            minutes(
                items=(), amendments=(), all_steps=(step("Folder", status=status, done_on=done),)
            ),
            head(),
        )
        return sum(len(re.findall(rb"\bl S\b", page)) for page in content(pdf))

    assert strokes("done") == strokes("open") + 1
    assert strokes("cancelled") == strokes("open") + 1


def test_the_full_step_list_shows_status_and_done_date(minutes_pdf: bytes) -> None:
    found = text(minutes_pdf)
    steps = found[found.rindex(flat(_("Next steps"))) :]
    assert flat("Folder herzien") in steps
    assert flat(_("done on {date}").format(date=format_date(date(2026, 3, 1)))) in steps
    assert flat(_("cancelled")) in steps
    assert flat(_("open")) in steps


def test_amendments_and_next_meeting_close_the_minutes(minutes_pdf: bytes) -> None:
    found = text(minutes_pdf)
    assert flat(_("Amendments")) in found
    assert flat("The buddy starts in April.") in found
    assert flat(_("Next meeting")) in found
    assert found.rstrip().find(flat(format_date(date(2026, 4, 7), "full"))) > found.index(
        flat(_("Amendments"))
    )


def test_a_draft_without_amendments_or_next_meeting() -> None:
    pdf = render_minutes(
        minutes(status="Draft", approved=False, amendments=(), next_meeting=None), head()
    )
    found = text(pdf)
    assert "Draft" in found
    assert flat(_("Amendments")) not in found
    assert flat(_("Next meeting")) not in found


def test_minutes_metadata_and_dutch_characters(minutes_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(minutes_pdf)).metadata
    assert meta is not None
    assert meta.title == _("{document} – {title}").format(
        document=_("Minutes"), title="Netwerkoverleg maart"
    )
    assert meta.author == "Scheidingspact Twente"
    pdf = render_minutes(
        minutes(items=(item(1, "Reünie", minutes="Café, één, ĳsbaan, Ĳssel, coördinator"),)),
        head(),
    )
    assert flat("Café, één, ĳsbaan, Ĳssel, coördinator") in text(pdf)
    assert flat("Reünie") in text(pdf)


def test_thirty_thousand_characters_flow_over_pages(
    big_minutes_pdf: bytes, big_minutes_text: str
) -> None:
    found = pages(big_minutes_pdf)
    assert len(found) >= 6
    assert_page_frame(big_minutes_pdf, "Sociaal Team Enschede – Anouk de Vries")
    # Every word arrives, in order: long words and URLs broken over lines, not cut off.
    body = body_text(big_minutes_pdf)
    assert body.count(LONG_WORD) == big_minutes_text.count(LONG_WORD)
    assert body.count(flat(URL)) == big_minutes_text.count(URL)
    assert body.count(flat(BIG_TEXT_PARAGRAPH)) == big_minutes_text.count(BIG_TEXT_PARAGRAPH)
    assert body.count("•") == big_minutes_text.count("\n- ") + big_minutes_text.startswith("- ")


def test_recipient_editions_render_alike_in_parallel() -> None:
    """The UI renders in a worker thread: shared caches give the same pages."""
    recipients = [f"Organisatie {n}" for n in range(6)]
    alone = [pages(render_minutes(minutes(), head(recipient=r))) for r in recipients]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(
            pool.map(lambda r: pages(render_minutes(minutes(), head(recipient=r))), recipients)
        )
    assert together == alone
    for recipient, edition in zip(recipients, together, strict=True):
        for page in edition:  # each edition names its own recipient, and no other
            assert flat(recipient) in flat(page)
            assert not any(flat(other) in flat(page) for other in recipients if other != recipient)


def test_every_page_renders_with_pdftoppm(chair_pdf: bytes, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing (Debian package poppler-utils)"
    source = tmp_path / "chair.pdf"
    source.write_bytes(chair_pdf)
    subprocess.run([pdftoppm, "-png", "-r", "40", str(source), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p*.png"))
    assert len(pngs) == len(pages(chair_pdf)) >= 2
    for png in pngs:
        with Image.open(png) as img:
            grey = img.convert("L")
            assert grey.getextrema()[0] < 128, png.name  # something dark was drawn
            assert sum(grey.histogram()[:200]) > 200, png.name


def test_minutes_render_dataclass_copies_unchanged() -> None:
    """The renderer reads its input and changes nothing (the services reuse it)."""
    doc = minutes()
    before = dataclasses.astuple(doc)
    render_minutes(doc, head())
    assert dataclasses.astuple(doc) == before


def test_the_emergency_sheet_has_the_page_frame_too() -> None:
    pdf = render_emergency_sheet("ABCDE-FGHJK", Path("/tmp/pact.db"), PRINTED)
    only = flat(pages(pdf)[0])
    assert page_label(1, 1) in only
    assert flat(_("printed {moment}").format(moment="")) in only
