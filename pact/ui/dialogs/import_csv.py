"""Preview of a CSV import: what will be imported, which rows are wrong and why,
which duplicates are skipped. Importing happens only after the person confirms."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pact.errors import PactError, ValidationError
from pact.i18n import _, format_number, ngettext
from pact.services.partner_csv import HEADERS, ImportPreview, ImportResult, apply_import
from pact.ui.context import AppContext
from pact.ui.ops import Op
from pact.ui.widgets.field import ERROR_COLOUR, keep_numbers_together


def _delimiter_name(delimiter: str) -> str:
    # the sign stays on the line of its name
    if delimiter == ";":
        return _("semicolons (;)").replace(" (", "\u00a0(")
    if delimiter == ",":
        return _("commas (,)").replace(" (", "\u00a0(")
    if delimiter == "\t":
        return _("tabs")
    return f"“{delimiter}”"


def _encoding_name(encoding: str) -> str:
    low = encoding.lower().replace("_", "-")
    if low in ("utf-8-sig", "utf-8 with bom"):
        return _("UTF-8 with BOM")
    if low in ("utf-8", "utf8"):
        return "UTF-8"
    if low in ("cp1252", "windows-1252"):
        return _("Windows-1252 (Excel)")
    return encoding


class ImportCsvDialog(QDialog):
    """Shows an ``ImportPreview``; the Import button runs ``apply_import(skip_bad=True)``
    in a write op. ``imported`` fires with the ``ImportResult``."""

    imported = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        preview: ImportPreview,
        source: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("importCsvDialog")
        self.setWindowTitle(_("Import partners"))
        self.setAccessibleName(_("Import partners"))
        self.ctx = ctx
        self.preview = preview
        self.import_result: ImportResult | None = None
        self.resize(760, 520)

        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        layout.addWidget(self.summary)

        self.details = QLabel(self)
        self.details.setObjectName("importDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.details)

        # problems with the first line (the column names): nothing can be imported
        self.header_problem = QLabel(self)
        self.header_problem.setObjectName("importHeaderProblem")
        self.header_problem.setWordWrap(True)
        self.header_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.header_problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        layout.addWidget(self.header_problem)
        self.header_help = QLabel(self)
        self.header_help.setObjectName("importHeaderHelp")
        self.header_help.setWordWrap(True)
        self.header_help.setTextFormat(Qt.TextFormat.PlainText)
        self.header_help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header_help)

        self.errors_label = QLabel(self)
        self.errors_label.setObjectName("importErrorsLabel")
        self.errors_label.setWordWrap(True)
        layout.addWidget(self.errors_label)
        self.errors_table = QTableWidget(0, 3, self)
        self.errors_table.setObjectName("importErrorsTable")
        self.errors_table.setAccessibleName(_("Rows with errors"))
        self.errors_table.setHorizontalHeaderLabels([_("Line"), _("Column"), _("Problem")])
        self.errors_table.verticalHeader().hide()
        self.errors_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors_table.setWordWrap(True)
        header = self.errors_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # rows follow the wrapped message once the columns have their real width
        header.sectionResized.connect(lambda *_a: self.errors_table.resizeRowsToContents())
        layout.addWidget(self.errors_table, 2)

        self.duplicates_label = QLabel(self)
        self.duplicates_label.setObjectName("importDuplicatesLabel")
        self.duplicates_label.setWordWrap(True)
        layout.addWidget(self.duplicates_label)
        self.duplicates_list = QListWidget(self)
        self.duplicates_list.setObjectName("importDuplicatesList")
        self.duplicates_list.setAccessibleName(_("Skipped duplicates"))
        self.duplicates_list.setWordWrap(True)
        layout.addWidget(self.duplicates_list, 1)
        # takes the room of the lists when there are none, so the texts stay at the top
        self.filler = QWidget(self)
        self.filler.setObjectName("importFiller")
        layout.addWidget(self.filler, 1)

        self.status = QLabel(self)
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.note = QLabel(self)
        self.note.setObjectName("importNote")
        self.note.setWordWrap(True)
        buttons.addWidget(self.note, 1)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        self.import_button = QPushButton(_("Import"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setAccessibleName(_("Import"))
        self.import_button.clicked.connect(self.start_import)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)

        self._show_preview(source)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.errors_table.resizeRowsToContents()

    # ------------------------------------------------------------ preview

    def _show_preview(self, source: str) -> None:
        pv = self.preview
        n_org = len(pv.organisations)
        n_con = sum(len(o.contacts) for o in pv.organisations)
        header_bad = bool(pv.header_errors)
        if n_org:
            organisations = ngettext("{n} organisation", "{n} organisations", n_org).format(
                n=format_number(n_org)
            )
            if n_con:
                text = _("From {file} you can import {organisations} and {contacts}.").format(
                    file=source,
                    organisations=organisations,
                    contacts=ngettext("{n} contact person", "{n} contact persons", n_con).format(
                        n=format_number(n_con)
                    ),
                )
            else:
                text = _("From {file} you can import {organisations}.").format(
                    file=source, organisations=organisations
                )
            self.summary.setText(text)
        elif header_bad:
            self.summary.setText(
                _("Nothing in {file} can be imported until its column names are right.").format(
                    file=source
                )
            )
        else:
            self.summary.setText(_("Nothing in {file} can be imported.").format(file=source))
        self.details.setText(
            _(
                "{rows} read. The file is encoded as {encoding}, "
                "with the columns separated by {delimiter}."
            ).format(
                rows=ngettext("{n} row", "{n} rows", pv.rows).format(n=format_number(pv.rows)),
                encoding=_encoding_name(pv.encoding),
                delimiter=_delimiter_name(pv.delimiter),
            )
        )

        self._show_header_problems()

        row_errors = pv.row_errors
        lines = len({e.line for e in row_errors})
        if header_bad:
            errors_text = ngettext(
                "{n} row has errors as well. Correct it too:",
                "{n} rows have errors as well. Correct them too:",
                lines,
            )
        else:
            errors_text = ngettext(
                "{n} row has errors. Its organisation is not imported:",
                "{n} rows have errors. Their organisations are not imported:",
                lines,
            )
        self.errors_label.setText(errors_text.format(n=format_number(lines)))
        self.errors_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.errors_table.setRowCount(len(row_errors))
        for i, e in enumerate(row_errors):
            line = QTableWidgetItem(str(e.line))
            line.setData(
                Qt.ItemDataRole.TextAlignmentRole,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            )
            self.errors_table.setItem(i, 0, line)
            self.errors_table.setItem(i, 1, QTableWidgetItem(e.column or _("(whole row)")))
            message = QTableWidgetItem(keep_numbers_together(e.message))
            message.setToolTip(e.message)
            self.errors_table.setItem(i, 2, message)
        self.errors_label.setVisible(bool(row_errors))
        self.errors_table.setVisible(bool(row_errors))

        self.duplicates_label.setText(
            ngettext(
                "{n} is already in the directory and will be skipped:",
                "{n} are already in the directory and will be skipped:",
                len(pv.duplicates),
            ).format(n=format_number(len(pv.duplicates)))
        )
        self.duplicates_list.addItems(list(pv.duplicates))
        self.duplicates_label.setVisible(bool(pv.duplicates))
        self.duplicates_list.setVisible(bool(pv.duplicates))
        self.filler.setVisible(not row_errors and not pv.duplicates)

        self.import_button.setEnabled(n_org > 0 and not header_bad)
        if n_org and row_errors:
            self.note.setText(_("Rows with errors are skipped; you can import them later."))
        elif not n_org:
            self.note.setText(_("Correct the file and import it again."))
        else:
            self.note.setText("")
        self.status.hide()
        if self.import_button.isEnabled():
            self.import_button.setDefault(True)
            self.import_button.setFocus()
        else:
            self.cancel_button.setText(_("Close"))
            self.cancel_button.setAccessibleName(_("Close"))
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()

    def _show_header_problems(self) -> None:
        """What is wrong with the first line, and what to do about it."""
        pv = self.preview
        problems: list[str] = []

        def quoted(names: tuple[str, ...]) -> str:
            return ", ".join(_("“{name}”").format(name=n) for n in names)

        if pv.unknown_columns:
            problems.append(
                ngettext(
                    "The file has a column pact does not know: {columns}.",
                    "The file has columns pact does not know: {columns}.",
                    len(pv.unknown_columns),
                ).format(columns=quoted(pv.unknown_columns))
            )
        if pv.repeated_columns:
            problems.append(
                ngettext(
                    "This column appears twice: {columns}.",
                    "These columns appear twice: {columns}.",
                    len(pv.repeated_columns),
                ).format(columns=quoted(pv.repeated_columns))
            )
        if pv.missing_columns:
            problems.append(
                ngettext(
                    "This column is required but missing: {columns}.",
                    "These columns are required but missing: {columns}.",
                    len(pv.missing_columns),
                ).format(columns=quoted(pv.missing_columns))
            )
        if not problems:  # a problem of the first line without a name of its own
            problems = [e.message for e in pv.header_errors]
        self.header_problem.setText("\n".join(problems))
        self.header_help.setText(
            _(
                "Nothing is imported while the first line of the file (the column names) is "
                "wrong. Rename, remove or add the column in your spreadsheet, save the file "
                "as CSV and import it again. The column names pact knows, in any order: "
                "{headers}. {name} and {sector} are required."
            ).format(headers=", ".join(HEADERS), name=HEADERS[0], sector=HEADERS[1])
        )
        shown = bool(pv.header_errors)
        self.header_problem.setVisible(shown)
        self.header_help.setVisible(shown)

    # ------------------------------------------------------------ import

    def start_import(self) -> None:
        if not self.preview.organisations:
            return
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        preview, uow = self.preview, self.ctx.uow
        Op(self, lambda: apply_import(uow(), preview, skip_bad=True), write=True).with_progress(
            _("Importing partners…")
        ).success(self._done).failure(self._failed).run()

    def _done(self, result: ImportResult) -> None:
        self.import_result = result
        self.ctx.changed.emit("partners")
        text = _("Imported {organisations} and {contacts}.").format(
            organisations=ngettext(
                "{n} organisation", "{n} organisations", result.organisations
            ).format(n=format_number(result.organisations)),
            contacts=ngettext("{n} contact person", "{n} contact persons", result.contacts).format(
                n=format_number(result.contacts)
            ),
        )
        if result.skipped:
            text += " " + ngettext(
                "{n} was skipped because it is already in the directory.",
                "{n} were skipped because they are already in the directory.",
                len(result.skipped),
            ).format(n=format_number(len(result.skipped)))
            self.duplicates_list.clear()
            self.duplicates_list.addItems(list(result.skipped))
            self.duplicates_label.setText(_("Skipped:"))
            self.duplicates_label.show()
            self.duplicates_list.show()
            self.filler.hide()
        self.summary.setText(text)
        self.status.hide()
        self.note.setText("")
        self.import_button.hide()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(_("Close"))
        self.cancel_button.setAccessibleName(_("Close"))
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.accept)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(True)
        self.import_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            text = _("Nothing was imported:") + "\n" + "\n".join(e.message for e in exc.errors)
        elif isinstance(exc, PactError):
            text = _("Nothing was imported: {reason}").format(reason=str(exc))
        else:
            raise exc
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.status.show()
