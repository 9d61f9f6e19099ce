"""File → Backups…: the last backup, the daily schedule, a backup now, and restoring
one (coordinators and administrators)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pact.errors import ValidationError
from pact.i18n import _
from pact.services import backup
from pact.ui.backup_schedule import WARNING_STYLE, last_backup_text
from pact.ui.context import AppContext
from pact.ui.dialogs.connect_server import server_backups_text
from pact.ui.dialogs.restore import RestoreDialog
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.path_field import PathField


class BackupDialog(QDialog):
    """``restore_requested(Path, str)``: the backup file and the key typed for it
    ("" for the key of the open database); the app closes the database and restores."""

    restore_requested = Signal(object, str)
    schedule_saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(_("Backups"))
        self.setMinimumWidth(620)
        self.ctx = ctx
        self.status: backup.Status | None = None
        self.restore_dialog: RestoreDialog | None = None

        self.message = MessageBar("backupMessage", self)
        # -- the last backup
        last_box = QGroupBox(_("Last backup"), self)
        self.last_label = QLabel(_("Reading…"), last_box)
        self.last_label.setObjectName("backupLastLabel")
        self.last_label.setWordWrap(True)
        self.last_file = QLabel("", last_box)
        self.last_file.setObjectName("backupLastFile")
        self.last_file.setWordWrap(True)
        self.last_error = QLabel("", last_box)
        self.last_error.setObjectName("backupLastError")
        self.last_error.setWordWrap(True)
        self.last_error.setStyleSheet(WARNING_STYLE)
        self.last_error.hide()
        ll = QVBoxLayout(last_box)
        ll.addWidget(self.last_label)
        ll.addWidget(self.last_file)
        ll.addWidget(self.last_error)

        # -- the schedule
        plan = QGroupBox(_("Daily backups"), self)
        self.enabled = QCheckBox(_("&Make a backup every day"), plan)
        self.enabled.setObjectName("backupEnabled")
        self.enabled.setAccessibleName(_("Make a backup every day"))
        self.folder_field = PathField(
            plan,
            "backupFolder",
            _("Folder for the backups"),
            _("Choose the folder for the backups"),
            self._ask_folder,
        )
        self.folder = self.folder_field.edit
        self.folder.setPlaceholderText(_("e.g. a USB stick or a network folder"))
        self.choose = self.folder_field.button
        self.folder_row = self.folder_field.row
        self.keep = QSpinBox(plan)
        self.keep.setObjectName("backupKeep")
        self.keep.setAccessibleName(_("How many daily backups to keep"))
        self.keep.setRange(*backup.KEEP_RANGE)
        self.keep.setValue(backup.DEFAULT_KEEP)
        self.keep.setSuffix(_(" backups"))
        self.keep.setMaximumWidth(180)
        self.keep_row = FieldRow(self.keep, "backupKeep", plan)
        form = QFormLayout()
        folder_label = QLabel(_("&Folder:"), plan)
        folder_label.setBuddy(self.folder)
        keep_label = QLabel(_("&Keep the newest:"), plan)
        keep_label.setBuddy(self.keep)
        form.addRow(folder_label, self.folder_row)
        form.addRow(keep_label, self.keep_row)
        explain = QLabel(
            _(
                "pact makes the backup while it is open and unlocked; a backup missed "
                "while pact was closed or locked follows at the next start or unlock. "
                "Choose a folder on another disk or a USB stick: a backup on the same "
                "disk is lost with it. Backups are encrypted with the key of this "
                "database: keep the recovery key (or passphrase) apart from them."
            ),
            plan,
        )
        explain.setObjectName("backupExplanation")
        explain.setWordWrap(True)
        self.save_button = button(plan, _("&Save schedule"), "backupSave", _("Save schedule"))
        self.save_button.clicked.connect(self.save_schedule)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        pl = QVBoxLayout(plan)
        pl.addWidget(self.enabled)
        pl.addLayout(form)
        pl.addWidget(explain)
        pl.addLayout(save_row)

        # -- now
        self.busy = busy_bar(self, "backupBusy")
        self.now_button = button(self, _("&Back up now…"), "backupNow", _("Back up now"))
        self.now_button.clicked.connect(self.back_up_now)
        self.restore_button = button(
            self, _("&Restore a backup…"), "backupRestore", _("Restore a backup")
        )
        self.restore_button.clicked.connect(self.open_restore)
        self.close_button = button(self, _("Close"), "backupClose", _("Close"), default=True)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(last_box)
        layout.addWidget(plan)
        layout.addStretch(1)
        layout.addLayout(
            busy_buttons(self.busy, self.now_button, self.restore_button, self.close_button)
        )
        if not ctx.db.local:  # nothing here for a team server: its administrator's
            self.message.show_message(server_backups_text(), "info")
            self.message.close_button.hide()
            for widget in (last_box, plan, self.now_button, self.restore_button):
                widget.setEnabled(False)
            return
        self._set_busy(True)
        self.refresh()

    # ------------------------------------------------------------ status
    def refresh(self) -> None:
        uow = self.ctx.uow()
        Op(self, lambda: backup.status(uow)).success(self._show).failure(self._failed).run()

    def _show(self, status: backup.Status) -> None:
        first = self.status is None
        self.status = status
        self._set_busy(False)
        self.last_label.setText(last_backup_text(status))
        self.last_label.setStyleSheet(WARNING_STYLE if status.overdue else "")
        self.last_file.setText(
            _("File: {path}").format(path=status.last_file) if status.last_file else ""
        )
        self.last_file.setVisible(bool(status.last_file))
        problem = status.folder_problem  # a sentence of its own: the folder is not there
        if not problem and status.last_error:
            problem = _("The last scheduled backup failed: {reason}").format(
                reason=status.last_error
            )
        self.last_error.setText(problem)
        self.last_error.setVisible(bool(problem))
        if first:
            schedule = status.schedule
            self.enabled.setChecked(schedule.enabled)
            self.folder.setText(str(schedule.folder) if schedule.folder else "")
            self.keep.setValue(schedule.keep)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.save_button, self.now_button, self.restore_button, self.choose):
            widget.setEnabled(not busy)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            rows = {"folder": self.folder_row, "keep": self.keep_row}
            for error in exc.errors:
                row = rows.get(error.field)
                if row is not None:
                    row.set_error(error.message)
            return
        if isinstance(exc, backup.PactError):
            self.message.show_message(str(exc), "error")
            return
        raise exc

    # ------------------------------------------------------------ schedule
    def _ask_folder(self, current: str) -> str:
        return QFileDialog.getExistingDirectory(
            self, _("Folder for the backups"), current or str(Path.home())
        )

    def save_schedule(self) -> None:
        self.folder_row.set_error(None)
        self.keep_row.set_error(None)
        uow, actor = self.ctx.uow(), self.ctx.actor
        enabled, folder, keep = self.enabled.isChecked(), self.folder.text(), self.keep.value()
        self._set_busy(True)
        Op(
            self, lambda: backup.save_schedule(uow, actor, enabled, folder, keep), write=True
        ).success(self._saved).failure(self._failed).run()

    def _saved(self, schedule: backup.Schedule) -> None:
        self._set_busy(False)
        if schedule.enabled:
            text = _("Saved: a backup is made every day in {folder}.").format(
                folder=schedule.folder
            )
        else:
            text = _("Saved: no daily backups.")
        self.message.show_message(text, "info")
        self.schedule_saved.emit()
        self.refresh()

    # ------------------------------------------------------------ now
    def default_target(self) -> Path:
        folder = self.folder.text().strip()
        base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
        return base / f"pact-{datetime.now().strftime('%Y-%m-%d-%H%M')}{backup.SUFFIX}"

    def back_up_now(self, path: str | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save the backup as"),
                str(self.default_target()),
                _("pact backups (*{suffix})").format(suffix=backup.SUFFIX),
            )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(backup.SUFFIX)
        db, actor = self.ctx.db, self.ctx.actor
        self._set_busy(True)
        Op(self, lambda: backup.backup_now(db, actor, target)).success(self._made).failure(
            self._failed
        ).run()

    def _made(self, made: backup.BackupFile) -> None:
        self._set_busy(False)
        self.message.show_message(
            _(
                "Backup written to {path}. It opens with the recovery key or the passphrase "
                "of this database."
            ).format(path=made.path),
            "info",
        )
        self.schedule_saved.emit()  # the status bar shows the new last backup
        self.refresh()

    # ------------------------------------------------------------ restore
    def open_restore(self) -> None:
        dialog = RestoreDialog(self.ctx.db.file(), self, current_key=True)
        dialog.submitted.connect(self._restore_chosen)
        dialog.finished.connect(lambda _r: setattr(self, "restore_dialog", None))
        self.restore_dialog = dialog
        dialog.open()

    def _restore_chosen(self, path: Path, secret: str) -> None:
        self.restore_requested.emit(path, secret)
