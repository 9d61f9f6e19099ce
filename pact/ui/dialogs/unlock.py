"""Asks for the recovery key or the passphrase when no key can be found by itself.

The dialog does not open the database: it emits ``submitted`` with what was
typed, and the start-up controller tries it in a background op and reports back
with ``show_error`` (the dialog stays open, so the person can try again).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _
from pact.ui.dialogs.create_database import fit_height
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import error_label


class UnlockDialog(QDialog):
    submitted = Signal(str)

    def __init__(self, db_path: Path, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(_("Unlock the pact database"))
        self.setMinimumWidth(520)

        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.reason_label = QLabel(reason, self)
        self.reason_label.setObjectName("unlockReason")
        self.reason_label.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addWidget(self.reason_label, 1)

        self.path_label = QLabel(str(db_path), self)
        self.path_label.setObjectName("unlockPath")
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.secret_edit = QLineEdit(self)
        self.secret_edit.setObjectName("secretEdit")
        self.secret_edit.setAccessibleName(_("Recovery key or passphrase"))
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.textChanged.connect(self._text_changed)
        self.show_check = QCheckBox(_("Show what I type"), self)
        self.show_check.setObjectName("showSecret")
        self.show_check.setAccessibleName(_("Show what I type"))
        self.show_check.toggled.connect(self._toggle_echo)
        hint = QLabel(
            _("A recovery key has 11 groups of five letters and digits, like ABCDE-FGHJK-…"),
            self,
        )
        hint.setObjectName("unlockHint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.error_label = error_label(self, "unlockError")

        form = QFormLayout()
        form.addRow(_("Database:"), self.path_label)
        secret_label = QLabel(_("&Recovery key or passphrase:"), self)
        secret_label.setBuddy(self.secret_edit)
        form.addRow(secret_label, self.secret_edit)
        form.addRow("", self.show_check)
        form.addRow("", hint)
        form.addRow("", self.error_label)

        self.busy = busy_bar(self, "unlockBusy")

        self.open_button = QPushButton(_("&Open"), self)
        self.open_button.setObjectName("openButton")
        self.open_button.setAccessibleName(_("Open the database"))
        self.open_button.setDefault(True)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._submit)
        self.quit_button = QPushButton(_("&Quit"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setAccessibleName(_("Quit pact"))
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.secret_edit.setFocus()

    def _toggle_echo(self, shown: bool) -> None:
        self.secret_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _text_changed(self, text: str) -> None:
        self.open_button.setEnabled(bool(text) and not self.busy.isVisible())

    def _submit(self) -> None:
        secret = self.secret_edit.text()
        if not secret or self.busy.isVisible():
            return
        self.error_label.setVisible(False)
        self.set_busy(True)
        self.submitted.emit(secret)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.secret_edit.setEnabled(not busy)
        self.open_button.setEnabled(not busy and bool(self.secret_edit.text()))

    def show_error(self, message: str) -> None:
        """The key did not fit: say so next to the field, and let the person retry."""
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        fit_height(self)
        self.secret_edit.selectAll()
        self.secret_edit.setFocus()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape means Quit, but not while a key is being tried
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
