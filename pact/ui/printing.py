"""Printing a PDF (the bytes pact's reports make) on a printer, through Qt.

Qt cannot hand a PDF to a printer as it is, so every page is rendered to an image
(QtPdf, at 300 dpi unless asked otherwise) and painted on the printer's page; Qt's
print engine then sends the job (on Linux and macOS to CUPS, on Windows to the
spooler). ``pdf_document`` gives the same document to a QPdfView for the preview.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from pact.errors import PactError
from pact.i18n import _

# how long a PDF may take to load (loading from memory is immediate in practice)
LOAD_TIMEOUT_MS = 10_000
MIN_RESOLUTION = 300

Progress = Callable[[int, int], bool | None]


class PrintError(PactError):
    """The document could not be printed (not a readable PDF, or the printer refused)."""


class PrintCancelled(PactError):
    """The person stopped the print run; nothing (more) was sent to the printer."""


def pdf_document(pdf: bytes, parent: QObject) -> QPdfDocument:
    """A loaded QPdfDocument (child of ``parent``) on a copy of ``pdf``.

    The bytes live in a QBuffer that is a child of the document, so they stay as long
    as the document does (a QPdfView reads pages from them while it shows them).
    Raises PrintError when ``pdf`` is not a PDF that can be read.
    """
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() == QPdfDocument.Status.Loading:
        _wait_until_loaded(document)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        document.setParent(None)  # Python owns it now: gone with this frame
        raise PrintError(
            _(
                "The document cannot be shown or printed: it is not a readable PDF. "
                "Make it again; if that does not help, tell your administrator."
            )
        )
    return document


def _wait_until_loaded(document: QPdfDocument) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    document.statusChanged.connect(loop.quit)
    timer.start(LOAD_TIMEOUT_MS)
    while document.status() == QPdfDocument.Status.Loading and timer.isActive():
        loop.exec()
    document.statusChanged.disconnect(loop.quit)


def printer_for(name: str) -> QPrinter:
    """A high-resolution QPrinter for the printer called ``name``: A4, at least 300 dpi,
    painting on the whole sheet (a report's own margins stay as they are; it is not
    shrunk into the printable area). Raises PrintError when there is no such printer."""
    if name not in QPrinterInfo.availablePrinterNames():
        raise PrintError(
            _(
                "There is no printer called “{name}” on this computer. Choose another "
                "printer, or ask your administrator to set this one up."
            ).format(name=name)
        )
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setPrinterName(name)
    return printer


def a4_printer() -> QPrinter:
    """A high-resolution QPrinter (the system's default printer) set up for pact's
    documents: A4, at least 300 dpi, painting on the whole sheet. The print dialog
    may then choose another printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    if printer.resolution() < MIN_RESOLUTION:
        printer.setResolution(MIN_RESOLUTION)
    return printer


def _printer_label(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName()
    return printer.printerName()


def _not_printable(printer: QPrinter) -> PrintError:
    return PrintError(
        _(
            "The printer “{printer}” cannot print now. Check that it is switched on and "
            "connected, or choose another printer."
        ).format(printer=_printer_label(printer))
    )


def _pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """0-based page numbers in print order: the printer's page ranges (from the print
    dialog, or setFromTo) when set, else all; last page first when asked."""
    ranges = printer.pageRanges()
    pages = [page for page in range(page_count) if ranges.isEmpty() or ranges.contains(page + 1)]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def _sheets(printer: QPrinter, pages: list[int]) -> list[int]:
    """The pages to paint, copies included: CUPS and the Windows spooler make the
    copies themselves; where they cannot, every copy is painted (collated or not)."""
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.collateCopies():
        return pages * copies
    return [page for page in pages for _copy in range(copies)]


def _render(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """Page ``page`` as an opaque image at ``dpi`` (QtPdf leaves the paper transparent)."""
    points = document.pagePointSize(page)
    size = QSize(
        max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72))
    )
    rendered = document.render(page, size)
    if rendered.isNull():
        raise PrintError(
            _("Page {page} of the document could not be prepared for printing.").format(
                page=page + 1
            )
        )
    image = QImage(rendered.size(), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    with_paper = QPainter(image)
    with_paper.drawImage(0, 0, rendered)
    with_paper.end()
    return image


def _target(painter: QPainter, image: QImage) -> QRectF:
    """Where the page goes: as large as the paint area allows, aspect kept, centred."""
    area = QRectF(painter.viewport())
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(
        area.x() + (area.width() - width) / 2,
        area.y() + (area.height() - height) / 2,
        width,
        height,
    )


def print_pdf(
    pdf: bytes,
    printer: QPrinter,
    *,
    dpi: int = MIN_RESOLUTION,
    progress: Progress | None = None,
) -> int:
    """Print ``pdf`` on ``printer`` and return the number of pages painted.

    Honours the printer's page ranges, page order and (where the printer does not
    make copies itself) copy count. ``progress(done, total)`` is called after each
    page; returning False stops the run: the job is aborted where the printer allows
    it and PrintCancelled is raised. Raises PrintError when ``pdf`` is not a readable
    PDF or the printer cannot print.
    """
    owner = QObject()  # holds the document and its buffer for this run only
    document = pdf_document(pdf, owner)
    named = bool(printer.docName())
    try:
        sheets = _sheets(printer, _pages_to_print(printer, document.pageCount()))
        if not sheets:
            raise PrintError(_("The pages chosen for printing are not in this document."))
        if not named:  # the job's name in the print queue, for this run only
            title = document.metaData(QPdfDocument.MetaDataField.Title)
            printer.setDocName(str(title) if title else "pact")
        painter = QPainter()
        if not painter.begin(printer):
            raise _not_printable(printer)
        finished = False
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            for done, page in enumerate(sheets, start=1):
                if done > 1 and not printer.newPage():
                    raise _not_printable(printer)
                image = _render(document, page, dpi)
                painter.drawImage(_target(painter, image), image)
                if progress is not None and progress(done, len(sheets)) is False:
                    raise PrintCancelled(_("Printing was stopped."))
            finished = True
        finally:
            if not finished:
                printer.abort()
            painter.end()
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise _not_printable(printer)
        return len(sheets)
    finally:
        if not named:
            printer.setDocName("")
        document.close()
