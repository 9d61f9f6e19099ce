"""Shows a new recovery key once, and offers the emergency sheet (PDF).

The key is never put on the clipboard (other programs read it). The dialog can
only be closed after the person confirms they wrote it down or printed it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.config import atomic_write
from pact.errors import PactError
from pact.i18n import _
from pact.ui.dialogs.create_database import fit_height
from pact.ui.ops import Op
from pact.ui.widgets.field import ERROR_STYLE

log = logging.getLogger("pact.ui.recovery_key")

GROUPS_PER_LINE = 4


def ask_save_path(parent: QWidget | None, title: str, suggested: Path, filters: str) -> Path | None:
    """The file dialog, in one place so tests can replace it."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    return Path(name) if name else None


def key_lines(recovery_key: str) -> list[str]:
    """The key in groups of five, four groups a line."""
    groups = recovery_key.split("-")
    return [
        "  ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]


def _render_sheet(recovery_key: str, db_path: Path, created: datetime) -> bytes:
    from pact.reports.emergency_sheet import render_emergency_sheet

    return render_emergency_sheet(recovery_key, db_path, created)


class RecoveryKeyDialog(QDialog):
    def __init__(
        self,
        recovery_key: str,
        db_path: Path,
        created: datetime | None = None,
        parent: QWidget | None = None,
        ask_path: Callable[[QWidget | None, str, Path, str], Path | None] | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(_("Your recovery key"))
        self.setMinimumWidth(600)
        self._key = recovery_key
        self._db_path = Path(db_path)
        self._created = created or datetime.now()
        self._ask_path = ask_path
        self.saved_path: Path | None = None

        intro = QLabel(
            _(
                "This is the recovery key of your database. pact shows it only now. "
                "You need it when this computer's keyring no longer has the key: on a new "
                "computer, after reinstalling, or when the database file was moved."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("recoveryIntro")

        self.key_label = QLabel("\n".join(key_lines(recovery_key)), self)
        self.key_label.setObjectName("recoveryKeyLabel")
        self.key_label.setAccessibleName(_("Recovery key"))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10) + 8)
        font.setBold(True)
        font.setLetterSpacing(font.SpacingType.AbsoluteSpacing, 1.5)
        self.key_label.setFont(font)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setStyleSheet(
            "QLabel { background: #ffffff; color: #000000; padding: 16px; "
            "border: 2px dashed #6b6b6b; border-radius: 6px; }"
        )

        advice = QLabel(
            _(
                "Write it down on paper or print the emergency sheet, and keep it in a safe "
                "place away from this computer (for instance with your organisation's "
                "important papers). Do not keep it in a file or an e-mail on this computer."
            ),
            self,
        )
        advice.setWordWrap(True)
        advice.setObjectName("recoveryAdvice")

        self.sheet_button = QPushButton(_("&Save emergency sheet (PDF)…"), self)
        self.sheet_button.setObjectName("saveSheetButton")
        self.sheet_button.setAccessibleName(_("Save emergency sheet as PDF"))
        self.sheet_button.setAutoDefault(False)
        self.sheet_button.clicked.connect(self.save_sheet)
        self.sheet_status = QLabel("", self)
        self.sheet_status.setObjectName("sheetStatus")
        self.sheet_status.setWordWrap(True)
        self.sheet_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_button)
        sheet_row.addWidget(self.sheet_status, 1)

        self.confirm_check = QCheckBox(_("I have written down or printed the recovery key"), self)
        self.confirm_check.setObjectName("confirmCheck")
        self.confirm_check.setAccessibleName(_("I have written down or printed the recovery key"))
        self.close_button = QPushButton(_("&Close"), self)
        self.close_button.setObjectName("closeButton")
        self.close_button.setAccessibleName(_("Close"))
        self.close_button.setEnabled(False)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        self.confirm_check.toggled.connect(self.close_button.setEnabled)
        bottom = QHBoxLayout()
        bottom.addWidget(self.confirm_check, 1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.key_label)
        layout.addSpacing(6)
        layout.addWidget(advice)
        layout.addLayout(sheet_row)
        layout.addSpacing(10)
        layout.addLayout(bottom)
        self.confirm_check.setFocus()

    # -- the dialog can only be closed once the key is safe
    def confirmed(self) -> bool:
        return self.confirm_check.isChecked()

    def reject(self) -> None:
        if self.confirmed():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirmed():
            super().closeEvent(event)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self.confirmed():
            return
        super().keyPressEvent(event)

    # -- emergency sheet
    def suggested_path(self) -> Path:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        stamp = self._created.strftime("%Y-%m-%d")
        return Path(folder) / _("pact emergency sheet {date}.pdf").format(date=stamp)

    def save_sheet(self) -> None:
        ask = self._ask_path or ask_save_path
        target = ask(
            self,
            _("Save emergency sheet"),
            self.suggested_path(),
            _("PDF documents (*.pdf)"),
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        key, db_path, created = self._key, self._db_path, self._created

        def work() -> Path:
            data = _render_sheet(key, db_path, created)
            atomic_write(target, data)
            return target

        self.sheet_button.setEnabled(False)
        self.sheet_status.setText(_("Saving…"))
        Op(self, work).success(self._saved).failure(self._not_saved).run()

    def _saved(self, path: Path) -> None:
        if not isValid(self):
            return
        self.saved_path = path
        self.sheet_button.setEnabled(True)
        self.sheet_status.setStyleSheet("")
        self.sheet_status.setText(
            _("Saved as {path}. Print it, then delete the file.").format(path=path)
        )
        fit_height(self)

    def _not_saved(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.sheet_button.setEnabled(True)
        self.sheet_status.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, OSError):
            message = _("The sheet could not be saved: {reason}").format(
                reason=exc.strerror or type(exc).__name__
            )
        elif isinstance(exc, PactError):
            message = str(exc)
        else:
            log.error("Emergency sheet failed", exc_info=(type(exc), exc, exc.__traceback__))
            message = _("The sheet could not be made. The details are in the log file.")
        self.sheet_status.setText(message)
        fit_height(self)
