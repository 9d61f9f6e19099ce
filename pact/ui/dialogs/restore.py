"""Choose a backup to restore, with its key, and confirm that it replaces the data.

Emits ``submitted(Path, str)``: the backup file and what was typed as its key (a
recovery key or a passphrase; "" to use the key of the open database). The restore
itself is the app's (pact.ui.app): it closes the database first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pact.errors import NotADatabaseError
from pact.i18n import _
from pact.services import backup
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.path_field import PathField


class RestoreDialog(QDialog):
    submitted = Signal(object, str)

    def __init__(self, db_path: Path, parent: QWidget | None = None, current_key: bool = False):
        """``current_key``: the database is open, so its key may be used for the backup
        (a backup of this same database needs nothing typed)."""
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(_("Restore a backup"))
        self.setMinimumWidth(600)
        self.current_key = current_key

        if db_path.exists():
            warning_text = _(
                "The data in {path} is replaced by the data of the backup: whatever was "
                "entered after the backup was made is lost. pact checks the backup first; "
                "if anything is wrong, the current database stays as it is."
            ).format(path=db_path)
        else:
            warning_text = _(
                "The backup becomes pact's database on this computer: {path}. Afterwards "
                "you log in with your user name and password of the backup."
            ).format(path=db_path)
        warning = QLabel(warning_text, self)
        warning.setObjectName("restoreWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(
            "background: #fff4ce; border: 1px solid #e0b000; border-radius: 4px; padding: 8px;"
            "color: #3d3000;"
        )

        self.file_field = PathField(
            self,
            "restoreFile",
            _("Backup file"),
            _("Choose the backup file"),
            self._ask_file,
        )
        self.file = self.file_field.edit
        self.choose = self.file_field.button
        self.file_row = self.file_field.row

        self.key = QLineEdit(self)
        self.key.setObjectName("restoreKey")
        self.key.setAccessibleName(_("Recovery key or passphrase of the backup"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_row = FieldRow(self.key, "restoreKey", self)
        key_hint = QLabel(
            _(
                "Leave empty for a backup of this database: pact then uses the key it is "
                "open with. A backup of another database needs its recovery key or "
                "passphrase."
            )
            if current_key
            else _("The recovery key or the passphrase of the database the backup was made of."),
            self,
        )
        key_hint.setObjectName("restoreKeyHint")
        key_hint.setWordWrap(True)

        form = QFormLayout()
        file_label = QLabel(_("&Backup:"), self)
        file_label.setBuddy(self.file)
        key_label = QLabel(_("&Key:"), self)
        key_label.setBuddy(self.key)
        key_column = QWidget(self)
        kl = QVBoxLayout(key_column)
        kl.setContentsMargins(0, 0, 0, 0)
        kl.addWidget(self.key_row)
        kl.addWidget(key_hint)
        form.addRow(file_label, self.file_row)
        form.addRow(key_label, key_column)

        self.busy = busy_bar(self, "restoreBusy")
        self.submit_button = button(
            self, _("&Restore the backup"), "restoreSubmit", _("Restore the backup"), default=True
        )
        self.submit_button.clicked.connect(self._submit)
        self.cancel_button = button(self, _("Cancel"), "restoreCancel", _("Cancel"))
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(busy_buttons(self.busy, self.submit_button, self.cancel_button))
        self.file.setFocus()

    def _ask_file(self, current: str) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the backup"),
            current or str(Path.home()),
            _("pact backups (*{suffix});;All files (*)").format(suffix=backup.SUFFIX),
        )
        return path

    def _submit(self) -> None:
        self.file_row.set_error(None)
        self.key_row.set_error(None)
        text = self.file.text().strip()
        if not text:
            self.file_row.set_error(_("Choose the backup file."))
            self.file.setFocus()
            return
        path = Path(text).expanduser()
        try:
            backup.check_backup_file(path)
        except NotADatabaseError as exc:
            self.file_row.set_error(str(exc))
            self.file.setFocus()
            return
        secret = self.key.text()
        if not secret.strip() and not self.current_key:
            self.key_row.set_error(_("Type the recovery key or the passphrase."))
            self.key.setFocus()
            return
        self.submitted.emit(path, secret)

    def show_error(self, field: str, message: str) -> None:
        """A message next to the file or key field (the restore was refused)."""
        self.set_busy(False)
        row = self.key_row if field == "key" else self.file_row
        row.set_error(message)
        (self.key if field == "key" else self.file).setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.submit_button, self.choose, self.file, self.key):
            widget.setEnabled(not busy)
