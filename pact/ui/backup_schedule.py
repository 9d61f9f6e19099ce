"""The scheduled backups of one main window, and the "last backup" status.

Every few minutes, and right after the window opens and after every unlock, the
scheduler asks ``pact.services.backup.run_scheduled`` whether a backup is due and
lets it make one in the background. Nothing runs while the window is locked (the
database is closed then): a backup missed while locked, or while pact was closed,
comes at the next unlock or start. The status bar shows when the last backup was
made, in warning colours when there is none or it is older than a week.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from pact.i18n import _, format_date, format_datetime, ngettext
from pact.models.base import utcnow
from pact.services import backup
from pact.ui.dialogs.connect_server import server_backups_text
from pact.ui.ops import Op

if TYPE_CHECKING:
    from pact.ui.main_window import MainWindow

CHECK_EVERY_MS = 10 * 60 * 1000
FIRST_CHECK_MS = 20 * 1000  # after the window opened: let the first screen load first
WARNING_STYLE = "QLabel { color: #8a4b00; font-weight: bold; }"


def local(value: datetime) -> datetime:
    """A naive UTC time as local time, for people."""
    return value.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def last_backup_text(status: backup.Status, now: datetime | None = None) -> str:
    """What the status bar and the backups dialog say about the last backup."""
    now = now or utcnow()
    if status.last_at is None:
        return _("No backup has been made yet.")
    days = (local(now).date() - local(status.last_at).date()).days
    when = format_datetime(local(status.last_at), "short")
    if status.overdue:
        return ngettext(
            "Last backup {days} day ago ({when}): make a new one.",
            "Last backup {days} days ago ({when}): make a new one.",
            days,
        ).format(days=days, when=format_date(local(status.last_at)))
    return _("Last backup: {when}").format(when=when)


class BackupScheduler(QObject):
    """Owned by the main window (``window.backups``). ``status_changed(Status)``."""

    status_changed = Signal(object)
    made = Signal(object)  # a ScheduledResult, after a scheduled backup
    failed = Signal(str)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("backupScheduler")
        self.window = window
        self.ctx = window.ctx
        self.status: backup.Status | None = None
        self.running = False
        self.label = QLabel("", window.statusBar())
        self.label.setObjectName("statusBackup")
        self.label.setAccessibleName(_("Last backup"))
        self.label.setContentsMargins(12, 0, 12, 0)
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setObjectName("backupTimer")
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.local = self.ctx.db.engine.dialect.name == "sqlite"
        if not self.local:  # a server's backups are its administrator's task
            self.label.setText(_("Backups: by the server's administrator"))
            self.label.setToolTip(server_backups_text())
            self.label.show()
            return
        self.timer.start()
        QTimer.singleShot(FIRST_CHECK_MS, self.check)
        window.locker.locked_changed.connect(self._locked_changed)
        self.refresh()

    def _locked_changed(self, locked: bool) -> None:
        if not locked:
            self.check()

    def refresh(self) -> None:
        """Read the status again (after a backup or a change of the schedule)."""
        uow = self.ctx.uow()
        Op(self.window, lambda: backup.status(uow)).success(self._show).run()

    def _show(self, status: backup.Status) -> None:
        self.status = status
        self.label.setText(last_backup_text(status))
        self.label.setStyleSheet(WARNING_STYLE if status.overdue else "")
        tip = status.last_file
        if status.last_error:
            tip = _("The last scheduled backup failed: {reason}").format(reason=status.last_error)
            self.label.setStyleSheet(WARNING_STYLE)
        self.label.setToolTip(tip)
        self.label.show()
        self.status_changed.emit(status)

    def check(self) -> None:
        """Make the scheduled backup if one is due (in the background)."""
        if not self.local or self.running or self.window.locker.locked:
            return
        self.running = True
        db, actor = self.ctx.db, self.ctx.actor
        Op(self.window, lambda: backup.run_scheduled(db, actor)).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, result: backup.ScheduledResult | None) -> None:
        self.running = False
        if result is not None:
            self.made.emit(result)
            self.window.statusBar().showMessage(
                _("Backup made: {path}").format(path=result.backup.path), 15_000
            )
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if not isinstance(exc, backup.BackupError):
            raise exc
        self.failed.emit(str(exc))
        self.window.statusBar().showMessage(
            _("The scheduled backup failed: {reason}").format(reason=exc), 30_000
        )
        self.refresh()
