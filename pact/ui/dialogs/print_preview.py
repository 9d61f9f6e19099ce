"""Print preview of a meeting's agenda, chair's copy or minutes, per recipient.

The PDF is made by the services (reportlab) in the background and shown with QtPdf;
Print sends its pages, rendered at 300 dpi, to a printer chosen in Qt's print dialog
(QPrinter cannot print a PDF file itself); Save as PDF writes the file atomically.
Every edition that leaves pact, printed or saved, is written to the disclosure record.
"Print for all recipients" prints every organisation's edition in one go, with a
progress bar, without freezing the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from pact.errors import PactError, error_text
from pact.i18n import _, ngettext
from pact.services import documents
from pact.services.documents import PreparedEdition, Recipient, RenderedEdition
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import push_button
from pact.ui.ops import Op
from pact.ui.printing import PrintCancelled, a4_printer, pdf_document, print_pdf
from pact.ui.widgets.message_bar import MessageBar

FULL = -1  # the combo's data for the full edition


def printed_to(printer: QPrinter) -> tuple[str, str]:
    """The disclosure channel and destination of a finished print."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return "pdf", Path(printer.outputFileName()).name
    return "printer", printer.printerName()


class PrintPreviewDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        meeting_id: int,
        document: str,
        may_print_minutes: bool,
        parent: QWidget | None = None,
        may_run: bool = True,
    ):
        super().__init__(parent)
        self.may_run = may_run  # else only the user's own organisation's edition
        self.setObjectName("printPreviewDialog")
        self.setWindowTitle(_("Print preview"))
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.rendered: RenderedEdition | None = None
        self._cache: dict[tuple[str, int], RenderedEdition] = {}
        self._kept_recipient: object = FULL
        self._recipients: list[Recipient] = []
        self._pdf: QPdfDocument | None = None
        self._wanted: tuple[str, int] | None = None
        self.resize(900, 820)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Document:"), self))
        self.document = QComboBox(self)
        self.document.setObjectName("printDocument")
        self.document.setAccessibleName(_("Document"))
        self.document.addItem(_("Agenda"), "agenda")
        if may_run:
            self.document.addItem(_("Chair's copy of the agenda"), "chair")
        if may_print_minutes:
            self.document.addItem(_("Minutes"), "minutes")
        top.addWidget(self.document)
        top.addSpacing(12)
        top.addWidget(QLabel(_("Edition for:"), self))
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("printRecipient")
        self.recipient.setAccessibleName(_("Edition for"))
        self.recipient.setMinimumContentsLength(34)
        top.addWidget(self.recipient, 1)
        layout.addLayout(top)

        self.message = MessageBar("printMessage", self)
        layout.addWidget(self.message)
        self.contents = QLabel(self)
        self.contents.setObjectName("printContents")
        self.contents.setWordWrap(True)
        layout.addWidget(self.contents)

        self.view = QPdfView(self)
        self.view.setObjectName("printView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.print_button = push_button(
            "printButton", _("Print…"), _("Print this edition on a printer (Ctrl+P)")
        )
        self.save_button = push_button(
            "printSaveButton", _("Save as PDF…"), _("Save this edition as a PDF file (Ctrl+S)")
        )
        self.all_button = push_button(
            "printAllButton",
            _("Print for all recipients…"),
            _("Print the edition of every invited organisation, one after the other"),
        )
        self.close_button = push_button("printCloseButton", _("Close"))
        for b in (self.print_button, self.save_button, self.all_button):
            buttons.addWidget(b)
        self.all_button.setVisible(may_run)  # others print their own edition only
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self.print_edition)
        self.save_button.clicked.connect(lambda: self.save_edition())
        self.all_button.clicked.connect(self.print_all)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_edition)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save_edition())
        index = self.document.findData(document)
        self.document.setCurrentIndex(max(0, index))
        self.document.currentIndexChanged.connect(self._document_changed)
        self.recipient.currentIndexChanged.connect(lambda _i: self.refresh())
        self._set_busy(True)
        self._load_recipients()

    # ------------------------------------------------------------ choosing

    def current_document(self) -> str:
        return str(self.document.currentData())

    def current_recipient(self) -> int | None:
        data = self.recipient.currentData()
        return None if data in (None, FULL) else int(data)

    def _load_recipients(self) -> None:
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.meeting_id

        def loaded(rows: list[Recipient]) -> None:
            self._recipients = rows
            self._fill_recipients()
            self.refresh()

        Op(self, lambda: documents.recipients(uow(), actor, meeting_id, True)).success(
            loaded
        ).failure(self._failed).run()

    def _fill_recipients(self) -> None:
        self.recipient.blockSignals(True)
        self.recipient.clear()
        if self.current_document() == "chair":
            self.recipient.addItem(_("The chair"), FULL)
        else:
            if self.may_run:
                self.recipient.addItem(documents.full_edition_label(), FULL)
            for r in self._recipients:
                label = f"{r.name} ({r.contacts})" if r.contacts else r.name
                if not r.invited:
                    label = _("{name} – not invited").format(name=label)
                self.recipient.addItem(label, r.organisation_id)
        self.recipient.setEnabled(self.current_document() != "chair")
        self.recipient.blockSignals(False)

    def _document_changed(self) -> None:
        if self.recipient.isEnabled():  # the chair's copy has no recipients to remember
            self._kept_recipient = self.recipient.currentData()
        keep = self._kept_recipient
        self._fill_recipients()
        index = self.recipient.findData(keep)
        if index >= 0:
            self.recipient.setCurrentIndex(index)
        self.refresh()

    # ------------------------------------------------------------ preview

    def _set_busy(self, busy: bool) -> None:
        for b in (self.print_button, self.save_button):
            b.setEnabled(not busy and self.rendered is not None)
        self.all_button.setEnabled(not busy and self.current_document() != "chair")

    def refresh(self) -> None:
        """Make (or take from the cache) the chosen edition and show it."""
        document, org = self.current_document(), self.current_recipient()
        key = (document, FULL if org is None else org)
        self._wanted = key
        self.rendered = None
        self._set_busy(True)
        if key in self._cache:
            self._show(self._cache[key])
            return
        self.contents.setText(_("Preparing the document…"))
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.meeting_id

        def work() -> RenderedEdition:
            [edition] = documents.prepare(uow(), actor, meeting_id, document, [org])
            return documents.render(edition)

        def done(rendered: RenderedEdition) -> None:
            self._cache[key] = rendered
            if self._wanted == key:
                self._show(rendered)

        Op(self, work).success(done).failure(self._failed).run()

    def _show(self, rendered: RenderedEdition) -> None:
        warnings = list(rendered.edition.warnings)
        self.rendered = rendered
        self._pdf = pdf_document(rendered.pdf, self)
        self.view.setDocument(self._pdf)
        ed = rendered.edition
        if warnings:
            self.message.show_message(" ".join(warnings), "warning")
        elif ed.recipient_org_id is None and ed.document != "chair" and ed.case_codes:
            self.message.show_message(
                _(
                    "The full edition holds the details of every case on the agenda: it is "
                    "for the chair and the minute-taker only."
                )
            )
        else:
            self.message.hide()
        self.contents.setText(self._contents_text(rendered))
        self._set_busy(False)

    @staticmethod
    def _contents_text(rendered: RenderedEdition) -> str:
        ed = rendered.edition
        pages = ngettext("{n} page", "{n} pages", rendered.pages).format(n=rendered.pages)
        if ed.case_codes:
            cases = ngettext(
                "holds the details of case {codes}",
                "holds the details of cases {codes}",
                len(ed.case_codes),
            ).format(codes=", ".join(ed.case_codes))
        else:
            cases = _("holds no case details")
        return _("{document} – {recipient}: {pages}; {cases}.").format(
            document=documents.document_label(ed.document),
            recipient=ed.recipient,
            pages=pages,
            cases=cases,
        )

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        self.contents.setText("")
        self.message.show_message(error_text(exc), "error")
        self._set_busy(False)

    def _confirm(self) -> bool:
        """Ask before an edition goes to a recipient nobody would expect."""
        warnings = self.rendered.edition.warnings if self.rendered is not None else ()
        if not warnings:
            return True
        answer = QMessageBox.warning(
            self,
            _("Unexpected recipient"),
            " ".join(warnings) + "\n\n" + _("Print or save this edition anyway?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------ printing and saving

    def _record(self, rendered: RenderedEdition, channel: str, destination: str) -> None:
        uow, actor = self.ctx.uow, self.ctx.actor
        Op(
            self,
            lambda: documents.record(uow(), actor, rendered, channel, destination),
            write=True,
        ).failure(self._failed).run()

    def print_edition(self, printer: QPrinter | None = None) -> None:
        rendered = self.rendered
        if rendered is None or not self._confirm():
            return
        if printer is None:
            printer = a4_printer()
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(_("Print"))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        printer.setDocName(rendered.edition.file_name)
        try:
            pages = self._print_with_progress([rendered], printer)
        except PactError as exc:
            self.message.show_message(error_text(exc), "error")
            return
        if pages:
            channel, destination = printed_to(printer)
            self._record(rendered, channel, destination)
            self.message.show_message(
                ngettext(
                    "{n} page sent to {printer}; recorded in the disclosure record.",
                    "{n} pages sent to {printer}; recorded in the disclosure record.",
                    pages,
                ).format(n=pages, printer=destination)
            )

    def _print_with_progress(self, editions: list[RenderedEdition], printer: QPrinter) -> int:
        """Print the editions' pages on the UI thread (QPainter on a printer must),
        keeping the window responsive between pages; returns the pages printed."""
        total = sum(r.pages for r in editions)
        progress = QProgressDialog(_("Printing…"), _("Cancel"), 0, total, self)
        progress.setObjectName("printProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        done_before = 0

        def step(done: int, _total: int) -> bool:
            progress.setValue(done_before + done)
            QApplication.processEvents()
            return not progress.wasCanceled()

        try:
            printed = 0
            for rendered in editions:
                printed += print_pdf(rendered.pdf, printer, progress=step)
                done_before += rendered.pages
            return printed
        except PrintCancelled:
            self.message.show_message(_("Printing was cancelled."), "warning")
            return 0
        finally:
            progress.reset()

    def save_edition(self, path: str | None = None) -> None:
        rendered = self.rendered
        if rendered is None or not self._confirm():
            return
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save as PDF"),
                str(Path.home() / rendered.edition.file_name),
                _("PDF files (*.pdf)"),
            )
            if not path:
                return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        target = Path(path)
        uow, actor = self.ctx.uow, self.ctx.actor

        def saved(_row: documents.DisclosureRow) -> None:
            self.message.show_message(
                _("Saved as {path}; recorded in the disclosure record.").format(path=target)
            )

        Op(self, lambda: documents.save_pdf(uow(), actor, rendered, target), write=True).success(
            saved
        ).failure(self._failed).run()

    def print_all(self, printer: QPrinter | None = None) -> None:
        """Every invited organisation's edition of the chosen document, one after the
        other on one printer: made in the background, printed as each is ready."""
        document = self.current_document()
        invited = [r for r in self._recipients if r.invited]
        if document == "chair" or not invited:
            return
        if printer is None:
            printer = a4_printer()
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(_("Print for all recipients"))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.meeting_id
        progress = QProgressDialog(_("Preparing the editions…"), _("Cancel"), 0, len(invited), self)
        progress.setObjectName("printAllProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setValue(0)
        self._set_busy(True)
        state = {"printed": 0, "pages": 0}

        def finish(text: str, kind: str = "info") -> None:
            progress.reset()
            self._set_busy(False)
            self.message.show_message(text, kind)

        def next_one(queue: list[PreparedEdition]) -> None:
            if progress.wasCanceled():
                finish(
                    _("Stopped after {n} of {total} editions.").format(
                        n=state["printed"], total=len(invited)
                    ),
                    "warning",
                )
                return
            if not queue:
                finish(
                    ngettext(
                        "{n} edition printed ({pages} pages); each is recorded in the "
                        "disclosure record.",
                        "{n} editions printed ({pages} pages), one per organisation; each is "
                        "recorded in the disclosure record.",
                        state["printed"],
                    ).format(n=state["printed"], pages=state["pages"])
                )
                return
            edition, rest = queue[0], queue[1:]
            progress.setLabelText(
                _("Printing the edition for {name}…").format(name=edition.recipient)
            )

            def rendered_one(rendered: RenderedEdition) -> None:
                printer.setDocName(rendered.edition.file_name)
                try:
                    pages = print_pdf(rendered.pdf, printer, progress=lambda *_a: _pump())
                except PactError as exc:
                    finish(error_text(exc), "error")
                    return
                channel, destination = printed_to(printer)
                self._record(rendered, channel, destination)
                state["printed"] += 1
                state["pages"] += pages
                progress.setValue(state["printed"])
                next_one(rest)

            Op(self, lambda: documents.render(edition)).success(rendered_one).failure(
                lambda exc: failed_one(exc)
            ).run()

        def failed_one(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            finish(error_text(exc), "error")

        def prepared(editions: list[PreparedEdition]) -> None:
            next_one(editions)

        ids: list[int | None] = [r.organisation_id for r in invited]
        Op(self, lambda: documents.prepare(uow(), actor, meeting_id, document, ids)).success(
            prepared
        ).failure(self._failed).run()


def _pump() -> bool:
    QApplication.processEvents()
    return True


def open_preview(
    ctx: AppContext,
    meeting_id: int,
    document: str,
    may_print_minutes: bool,
    parent: QWidget | None,
    keep: Callable[[QWidget], None] | None = None,
    may_run: bool = True,
) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(
        ctx, meeting_id, document, may_print_minutes, parent, may_run=may_run
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if keep is not None:
        keep(dialog)
    dialog.open()
    return dialog
