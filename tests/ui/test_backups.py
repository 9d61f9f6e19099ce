"""The backups dialog, the daily schedule while pact is open and unlocked, and
restoring a backup from the running app and from the start screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from pact.db.database import Database, open_database
from pact.db.engine import Passphrase
from pact.i18n import _
from pact.services import backup
from pact.services import partners as svc
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.app import PactApp
from pact.ui.context import AppContext
from pact.ui.dialogs.backups import BackupDialog
from pact.ui.dialogs.create_database import CreateDatabaseDialog
from pact.ui.dialogs.restore import RestoreDialog
from pact.ui.main_window import MainWindow
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import MakeUser, StartApp
from tests.ui.window_fixtures import *  # noqa: F403
from tests.ui.window_fixtures import MakeWindow

WAIT = 20_000
PASSPHRASE = "Lindebomen langs de Twentekanaal"


def child(parent: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def error_of(dialog: QWidget, name: str) -> str:
    label = child(dialog, QLabel, name + "Error")
    return label.text() if label.isVisibleTo(dialog) else ""


def open_backups(qtbot: QtBot, window: MainWindow) -> BackupDialog:
    assert window.action_backups is not None
    window.action_backups.trigger()
    dialog = window.open_dialog
    assert isinstance(dialog, BackupDialog)
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=WAIT)
    return dialog


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_schedule_backup_now_and_the_status_bar(
    qtbot: QtBot, make_window: MakeWindow, db: Database, actor: Actor, tmp_path: Path
) -> None:
    window = make_window()
    status_label = child(window, QLabel, "statusBackup")
    qtbot.waitUntil(lambda: status_label.isVisible(), timeout=WAIT)
    assert status_label.text() == _("No backup has been made yet.")
    dialog = open_backups(qtbot, window)
    assert child(dialog, QLabel, "backupLastLabel").text() == _("No backup has been made yet.")

    # a folder that is not there: said next to the field, nothing saved
    gone = tmp_path / "usb-stick"
    child(dialog, QCheckBox, "backupEnabled").setChecked(True)
    type_into(qtbot, child(dialog, QLineEdit, "backupFolder"), str(gone))
    click(qtbot, child(dialog, QPushButton, "backupSave"))
    expected = _("The folder {folder} does not exist (is the disk or stick connected?).").format(
        folder=gone
    )
    qtbot.waitUntil(lambda: error_of(dialog, "backupFolder") == expected, timeout=WAIT)
    assert not backup.status(db.uow()).schedule.enabled

    gone.mkdir()
    child(dialog, QSpinBox, "backupKeep").setValue(3)
    click(qtbot, child(dialog, QPushButton, "backupSave"))
    message = child(dialog, QLabel, "backupMessageText")
    saved = _("Saved: a backup is made every day in {folder}.").format(folder=gone)
    qtbot.waitUntil(lambda: message.isVisible() and message.text() == saved, timeout=WAIT)
    assert error_of(dialog, "backupFolder") == ""
    assert backup.status(db.uow()).schedule == backup.Schedule(True, gone, 3)

    # back up now, to a file the user chose
    target = tmp_path / "mine.pactbackup"
    dialog.back_up_now(str(target))
    written = _(
        "Backup written to {path}. It opens with the recovery key or the passphrase of this "
        "database."
    ).format(path=target)
    qtbot.waitUntil(lambda: message.text() == written, timeout=WAIT)
    assert target.exists()
    qtbot.waitUntil(
        lambda: status_label.text().startswith(_("Last backup: {when}").format(when=""))
    )
    last_file = child(dialog, QLabel, "backupLastFile")
    qtbot.waitUntil(lambda: last_file.text() == _("File: {path}").format(path=target))
    dialog.close()


def test_a_backup_due_while_locked_runs_at_the_unlock(
    qtbot: QtBot, make_window: MakeWindow, db: Database, actor: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "daily"
    folder.mkdir()
    backup.save_schedule(db.uow(), actor, True, str(folder), 7)
    window = make_window()
    assert window.backups is not None
    window.lock()
    qtbot.waitUntil(lambda: window.locker.locked, timeout=WAIT)
    window.backups.check()  # the timer fires while locked: nothing happens
    ops.wait_idle()
    assert backup.scheduled_backups(folder) == []

    edit = child(window, QLineEdit, "lockPasswordEdit")
    qtbot.keyClicks(edit, TEST_PASSWORD)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locker.locked, timeout=WAIT)

    qtbot.waitUntil(lambda: len(backup.scheduled_backups(folder)) == 1, timeout=WAIT)
    made = backup.scheduled_backups(folder)[0]
    open_database(made, db.key).close()  # type: ignore[arg-type]
    label = child(window, QLabel, "statusBackup")
    qtbot.waitUntil(lambda: label.text().startswith(_("Last backup: {when}").format(when="")))


def test_a_worker_has_no_backups_menu(
    make_window: MakeWindow, make_user: MakeUser, ctx: AppContext
) -> None:
    ctx.set_actor(make_user("w.wever", "Wim Wever"))
    window = make_window()
    assert window.action_backups is None and window.backups is None
    names = [a.objectName() for a in window.file_menu.actions()]
    assert "actionBackups" not in names


# ---------------------------------------------------------------- restoring


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)


def wait_window(qtbot: QtBot, app: PactApp, other_than: MainWindow | None = None) -> MainWindow:
    qtbot.waitUntil(
        lambda: app.window is not None and app.window is not other_than and app.window.isVisible(),
        timeout=WAIT,
    )
    assert app.window is not None
    return app.window


def partner_names(path: Path) -> set[str]:
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        return {
            o.name
            for o in svc.list_organisations(db.uow(), svc.PartnerFilter(include_archived=True))
        }
    finally:
        db.close()


def test_restore_from_the_running_app(
    qtbot: QtBot, start_app: StartApp, tmp_path: Path, passphrase: None
) -> None:
    path = tmp_path / "pact.db"
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert app.db is not None and app.ctx is not None
    saved = tmp_path / "before.pactbackup"
    backup.backup_now(app.db, app.ctx.actor, saved)
    svc.save_organisation(
        app.db.uow(), svc.OrganisationData(name="Na de back-up", sector="welfare")
    )
    assert "Na de back-up" in partner_names(path)

    dialog = open_backups(qtbot, window)
    click(qtbot, child(dialog, QPushButton, "backupRestore"))
    restore = dialog.restore_dialog
    assert isinstance(restore, RestoreDialog)
    # a wrong key: said next to the key field, the database stays as it is
    type_into(qtbot, child(restore, QLineEdit, "restoreFile"), str(saved))
    type_into(qtbot, child(restore, QLineEdit, "restoreKey"), "niet de juiste zin hoor")
    click(qtbot, child(restore, QPushButton, "restoreSubmit"))
    wrong = _(
        "This key or passphrase does not open the backup {path}. Use the recovery key "
        "or the passphrase of the database it was made from. Nothing was changed."
    ).format(path=saved.name)
    qtbot.waitUntil(lambda: error_of(restore, "restoreKey") == wrong, timeout=WAIT)
    assert app.window is window
    assert "Na de back-up" in partner_names(path)

    # empty: the key of the open database
    child(restore, QLineEdit, "restoreKey").clear()
    click(qtbot, child(restore, QPushButton, "restoreSubmit"))

    new = wait_window(qtbot, app, other_than=window)  # logged in again (PACT_PASSWORD)
    assert "Na de back-up" not in partner_names(path)
    notice = _("The backup {file} was restored.").format(file=saved.name)
    assert notice in new.statusBar().currentMessage()
    assert not [p for p in tmp_path.iterdir() if "before-restore" in p.name]


def test_restore_from_the_start_screen_of_a_new_computer(
    qtbot: QtBot, start_app: StartApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old-laptop" / "pact.db"
    old.parent.mkdir()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    first = start_app(old)
    wait_window(qtbot, first)
    assert first.db is not None and first.ctx is not None
    svc.save_organisation(first.db.uow(), svc.OrganisationData(name="Buurtteam", sector="welfare"))
    saved = tmp_path / "stick.pactbackup"
    backup.backup_now(first.db, first.ctx.actor, saved)
    monkeypatch.delenv("PACT_PASSPHRASE")  # the new computer knows nothing yet

    path = tmp_path / "new-laptop" / "pact.db"
    app = start_app(path, first_user=False)
    qtbot.waitUntil(lambda: isinstance(app.dialog, CreateDatabaseDialog), timeout=WAIT)
    start = app.dialog
    assert start is not None
    click(qtbot, child(start, QPushButton, "restoreFromBackupButton"))
    restore = app.restore_dialog
    assert isinstance(restore, RestoreDialog)
    type_into(qtbot, child(restore, QLineEdit, "restoreFile"), str(saved))
    click(qtbot, child(restore, QPushButton, "restoreSubmit"))
    assert error_of(restore, "restoreKey") == _("Type the recovery key or the passphrase.")
    type_into(qtbot, child(restore, QLineEdit, "restoreKey"), PASSPHRASE)
    click(qtbot, child(restore, QPushButton, "restoreSubmit"))

    wait_window(qtbot, app)  # opened with the key just typed, logged in
    assert "Buurtteam" in partner_names(path)
