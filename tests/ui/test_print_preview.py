"""The print preview of a held meeting's minutes: one edition per recipient shown with
QtPdf, Save as PDF and Print (to a PDF printer here; the real CUPS queue is in
test_cups_printing.py), "Print for all recipients" with its progress, and the
disclosure record they leave, shown in the case file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import time as dtime
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from pact.i18n import _
from pact.services import clock, documents, meetings, minutes
from pact.services.access import KeyMode
from pact.services.meetings import InviteInput, ItemInput, MeetingInput
from pact.ui.context import AppContext
from pact.ui.dialogs.print_preview import PrintPreviewDialog
from pact.ui.ops import wait_idle
from pact.ui.views.meetings import MeetingsView

from .case_fixtures import *  # noqa: F403
from .case_fixtures import BuildCasesView, CaseWorld, open_case

WAIT = 15_000


@pytest.fixture
def held(case_world: CaseWorld) -> tuple[int, int]:
    """A meeting held today with a case item the school may not read (no consent)."""
    w = case_world
    header = w.make_case("Familie Tukker")
    meeting = meetings.save_meeting(
        w.db.uow(),
        w.admin,
        MeetingInput(
            kind="case",
            held_on=clock.today(),
            starts_at=dtime(9, 0),
            ends_at=dtime(10, 0),
            title="Casusoverleg",
            invites=(
                InviteInput(w.orgs["home"], w.contacts["Wendy Wolters"]),
                InviteInput(w.orgs["school"]),
            ),
        ),
    )
    meeting = meetings.save_item(
        w.db.uow(),
        w.admin,
        meeting.id,
        ItemInput(kind="case", title="Tukker: Wesley slaapt slecht", case_id=header.id),
    )
    minutes.save_minutes(w.db.uow(), w.admin, meeting.items[-1].id, "Moeder belt de school.")
    return meeting.id, header.id


@pytest.fixture
def preview(
    case_world: CaseWorld, held: tuple[int, int], qtbot: QtBot, qapp: object
) -> Iterator[PrintPreviewDialog]:
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    view = MeetingsView(ctx)
    qtbot.addWidget(view)
    view.show_meeting(held[0])
    qtbot.waitUntil(lambda: view.page.data is not None, timeout=WAIT)
    dialog = view.page.print_preview()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.rendered is not None, timeout=WAIT)
    yield dialog
    dialog.close()
    wait_idle()


def choose(qtbot: QtBot, dialog: PrintPreviewDialog, org_id: int | None) -> None:
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(-1 if org_id is None else org_id))
    qtbot.waitUntil(
        lambda: dialog.rendered is not None and dialog.rendered.edition.recipient_org_id == org_id,
        timeout=WAIT,
    )


def test_preview_shows_each_recipients_edition(
    preview: PrintPreviewDialog, case_world: CaseWorld, qtbot: QtBot
) -> None:
    # a held meeting opens on its minutes, full edition first
    assert preview.current_document() == "minutes"
    names = [preview.recipient.itemText(i) for i in range(preview.recipient.count())]
    assert names[0] == documents.full_edition_label()
    assert any(case_world.org_name("school") in n for n in names)
    assert preview.view.document() is not None
    assert preview.view.document().pageCount() == preview.rendered.pages  # type: ignore[union-attr]
    code = preview.rendered.edition.case_codes  # type: ignore[union-attr]
    assert len(code) == 1 and code[0] in preview.contents.text()
    choose(qtbot, preview, case_world.orgs["school"])
    assert preview.rendered is not None and preview.rendered.edition.case_codes == ()
    assert preview.contents.text().endswith(_("holds no case details") + ".")
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()


def test_save_and_print_are_recorded(
    preview: PrintPreviewDialog,
    case_world: CaseWorld,
    held: tuple[int, int],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    w = case_world
    choose(qtbot, preview, None)
    target = tmp_path / "notulen.pdf"
    preview.save_edition(str(target))
    wait_idle()
    qtbot.waitUntil(lambda: target.exists(), timeout=WAIT)
    assert preview.rendered is not None
    assert hashlib.sha256(target.read_bytes()).hexdigest() == preview.rendered.sha256
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    preview.print_edition(printer)
    wait_idle()
    assert printed.exists() and printed.stat().st_size > 1000
    qtbot.waitUntil(lambda: len(cases_disclosures(w, held[1])) == 2, timeout=WAIT)
    rows = cases_disclosures(w, held[1])
    assert {(r.channel, r.destination) for r in rows} == {
        ("pdf", "notulen.pdf"),
        ("pdf", "printed.pdf"),
    }


def cases_disclosures(w: CaseWorld, case_id: int) -> list[documents.DisclosureRow]:
    # read by the worker who registered the case (for the coordinator the case is
    # outside their own cases: the file would need a break-glass reason)
    return documents.case_disclosures(w.db.uow(), w.worker, case_id)


def test_print_for_all_recipients(
    preview: PrintPreviewDialog, case_world: CaseWorld, held: tuple[int, int], qtbot: QtBot,
    tmp_path: Path,
) -> None:  # fmt: skip
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "all.pdf"))
    preview.print_all(printer)
    qtbot.waitUntil(lambda: "2" in preview.message.message(), timeout=WAIT)
    wait_idle()
    rows = documents.meeting_disclosures(case_world.db.uow(), case_world.admin, held[0])
    assert sorted(r.recipient_org_id for r in rows) == sorted(
        [case_world.orgs["home"], case_world.orgs["school"]]
    )
    # only the registering organisation's edition held the case's details
    assert [r.recipient_org_id for r in cases_disclosures(case_world, held[1])] == [
        case_world.orgs["home"]
    ]


def test_the_case_file_lists_where_its_details_went(
    case_world: CaseWorld,
    held: tuple[int, int],
    cases_view: BuildCasesView,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    w = case_world
    view = cases_view()
    open_case(qtbot, view, held[1])
    file = view.case_file
    file.show_tab("disclosures")
    assert file.disclosures_tab.empty.isVisible()  # nothing went out yet
    [edition] = documents.prepare(w.db.uow(), w.admin, held[0], "minutes", [w.orgs["home"]])
    rendered = documents.render(edition)
    documents.save_pdf(w.db.uow(), w.admin, rendered, tmp_path / "home.pdf")
    open_case(qtbot, view, held[1])  # read again
    table = file.disclosures_tab.table
    assert table.row_count() == 1
    assert w.org_name("home") in table.text(0, 3)
    assert table.text(0, 4) == _("saved as PDF")
    assert rendered.sha256 in file.disclosures_tab.detail.text()
    assert not file.disclosures_tab.empty.isVisible()
    index = file.TAB_KEYS.index("disclosures")
    assert file.tabs.tabText(index) == _("Disclosu&res ({n})").format(n=1)
