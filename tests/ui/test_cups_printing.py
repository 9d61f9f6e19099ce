"""Printing a PDF through Qt: on a real CUPS queue, and the errors a person may meet.

The queue comes from scripts/with-printer.sh (make test runs pytest through it): a
private CUPS scheduler with a cups-pdf queue that writes each job as a PDF into
PACT_TEST_PRINT_DIR. What arrives there is read back with pypdf and rendered with
pdftoppm. Without the queue the test skips, unless PACT_REQUIRE_PRINTER=1 (make test).
The error tests print to a PDF file instead and need no queue.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from reportlab.platypus import Flowable, PageBreak, Paragraph

from pact.reports.documents import Letterhead, MinutesDocument, MinutesItem, StepLine
from pact.reports.meeting_docs import render_minutes
from pact.reports.styles import build_pdf, styles
from pact.ui.printing import PrintCancelled, PrintError, print_pdf, printer_for

REQUIRE_PRINTER = os.environ.get("PACT_REQUIRE_PRINTER") == "1"
A4_POINTS = (595.28, 841.89)
OUTPUT_TIMEOUT_S = 30.0
PAGES = 3


def _sample_pdf(pages: int = PAGES) -> bytes:
    """A few A4 pages of text, each with a large title at the top."""
    st = styles()
    story: list[Flowable] = []
    for number in range(1, pages + 1):
        if number > 1:
            story.append(PageBreak())
        story.append(Paragraph(f"Printtest pact: page {number} of {pages}", st.title))
        story.extend(
            Paragraph(
                f"Line {line} on page {number}: the case conference agreed on next steps, "
                "who does what and when the family hears about it.",
                st.body,
            )
            for line in range(1, 12)
        )
    return build_pdf(story, title="pact print test")


def _minutes_edition() -> bytes:
    """A real minutes edition (the school's copy of a network meeting), several pages."""
    day = date(2026, 6, 15)
    text = ("Het overleg bespreekt de situatie van het gezin en de school. " * 30 + "\n\n") * 6
    doc = MinutesDocument(
        title="Netwerkoverleg 15 juni 2026",
        kind="Netwerkoverleg",
        held_on=day,
        starts_at=dtime(9, 30),
        ends_at=dtime(11, 0),
        location="Gemeentehuis Hengelo",
        chair="Ingrid Kamphuis",
        minute_taker="Ruud Morsink",
        present=("Marieke Olthof (Basisschool De Wilgenhoek)",),
        excused=(),
        absent=(),
        replacements=(),
        items=(
            MinutesItem(1, "Opening", dtime(9, 30), text, ("Het protocol is vastgesteld.",), ()),
            MinutesItem(
                2, "Casus 2026-0001 (niveau 3): besproken", dtime(10, 0), "", (), (), False
            ),
        ),
        all_steps=(StepLine("Folder rondsturen", "Niels Brinkman", day, "done", day),),
        next_meeting=date(2026, 7, 27),
        status="Concept",
    )
    head = Letterhead(
        pact_name="Scheidingspact Twente",
        logo=None,
        printed_at=datetime(2026, 6, 15, 16, 5),
        recipient="Basisschool De Wilgenhoek",
        recipient_contact="Marieke Olthof",
    )
    return render_minutes(doc, head)


@pytest.fixture
def queue() -> str:
    name = os.environ.get("PACT_TEST_PRINTER")
    if not name:
        message = (
            "no test print queue: run the tests through scripts/with-printer.sh "
            "(as root, with the packages of scripts/system-packages.sh)"
        )
        if REQUIRE_PRINTER:
            pytest.fail(f"PACT_REQUIRE_PRINTER=1, but {message}")
        pytest.skip(message)
    return name


@pytest.fixture
def print_dir(queue: str) -> Path:
    folder = os.environ.get("PACT_TEST_PRINT_DIR")
    assert folder, "PACT_TEST_PRINTER is set, PACT_TEST_PRINT_DIR is not"
    return Path(folder)


def _pending_jobs(queue: str) -> str:
    """The queue's jobs that are not finished yet (lpstat prints nothing when none)."""
    return subprocess.run(
        ["lpstat", "-o", queue], capture_output=True, text=True, check=False
    ).stdout.strip()


def _diagnosis(queue: str) -> str:
    jobs = subprocess.run(
        ["lpstat", "-l", "-W", "all", "-o", queue], capture_output=True, text=True, check=False
    ).stdout
    log = Path(os.environ.get("PACT_TEST_PRINT_LOG", "/nonexistent")) / "error_log"
    tail = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
    return "jobs:\n" + jobs + "\nscheduler log (end):\n" + "\n".join(tail)


def _wait_for_output(folder: Path, before: set[Path], queue: str) -> Path:
    """The one new PDF in ``folder`` (any depth) once the queue has finished its job."""
    deadline = time.monotonic() + OUTPUT_TIMEOUT_S
    while time.monotonic() < deadline:
        new = set(folder.rglob("*.pdf")) - before
        if new and not _pending_jobs(queue):
            assert len(new) == 1, f"one job, several files: {sorted(new)}"
            return new.pop()
        time.sleep(0.1)
    pytest.fail(f"no printed PDF in {folder} after {OUTPUT_TIMEOUT_S:.0f} s\n{_diagnosis(queue)}")


def _first_page_png(pdf: Path, out: Path) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing (Debian package poppler-utils)"
    subprocess.run(
        [pdftoppm, "-r", "30", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
        check=True,
    )
    return Image.open(out.with_suffix(".png")).convert("L")


def _ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of everything clearly darker than paper."""
    box = image.point(lambda v: 255 if v < 160 else 0).getbbox()
    assert box is not None, "the page is blank"
    return box


def test_a_pdf_prints_on_the_cups_queue_page_for_page(
    qapp: object, queue: str, print_dir: Path, tmp_path: Path
) -> None:
    pdf = _minutes_edition()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 2
    before = set(print_dir.rglob("*.pdf"))
    calls: list[tuple[int, int]] = []

    started = time.monotonic()
    printed = print_pdf(
        pdf, printer_for(queue), progress=lambda done, total: calls.append((done, total))
    )
    painting = time.monotonic() - started

    assert printed == pages
    assert calls == [(n, pages) for n in range(1, pages + 1)]
    assert painting < 20, f"painting {pages} pages at 300 dpi took {painting:.1f} s"
    out = _wait_for_output(print_dir, before, queue)

    reader = PdfReader(out)
    assert len(reader.pages) == pages
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=2), f"not A4: {size}"

    # The printed first page looks like the original's: not blank, not all ink, and the
    # text where it was (printed at actual size, not shrunk or shifted).
    (tmp_path / "original.pdf").write_bytes(pdf)
    printed_page = _first_page_png(out, tmp_path / "printed")
    original_page = _first_page_png(tmp_path / "original.pdf", tmp_path / "original")
    dark = sum(printed_page.histogram()[:160]) / (printed_page.width * printed_page.height)
    assert 0.005 < dark < 0.5, f"{dark:.1%} of the printed page is ink"
    for got, want in zip(_ink_box(printed_page), _ink_box(original_page), strict=True):
        assert abs(got - want) <= 3, (
            f"text at {_ink_box(printed_page)}, original {_ink_box(original_page)}"
        )


def test_an_unknown_printer_is_refused_with_a_readable_message(qapp: object) -> None:
    with pytest.raises(PrintError) as raised:
        printer_for("no-such-printer")
    message = str(raised.value)
    assert "no-such-printer" in message
    assert "QPrinter" not in message and "Traceback" not in message


def _pdf_file_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    return printer


def test_bytes_that_are_no_pdf_are_refused(qapp: object, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(PrintError) as raised:
        print_pdf(b"not a pdf", _pdf_file_printer(target))
    assert "pdf" in str(raised.value).lower()
    assert not target.exists()


def test_the_chosen_pages_are_printed(qapp: object, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    printer = _pdf_file_printer(target)
    printer.setFromTo(2, 3)
    assert print_pdf(_sample_pdf(), printer, dpi=72) == 2
    assert len(PdfReader(target).pages) == 2


def test_stopping_after_the_first_page_cancels_the_run(qapp: object, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> bool:
        calls.append((done, total))
        return False

    with pytest.raises(PrintCancelled):
        print_pdf(_sample_pdf(), _pdf_file_printer(tmp_path / "out.pdf"), dpi=72, progress=stop)
    assert calls == [(1, PAGES)]
