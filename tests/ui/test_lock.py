"""The lock of the main window: Ctrl+L and minutes without input hide every case
detail behind the lock screen, close the database connections and log it; the
password of the logged-in user opens it again (a wrong one is counted and logged).
Minutes typed before the lock are kept as a draft; a case dialog with typed input
is back as it was left."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, event

from pact import config
from pact.db.database import Database
from pact.i18n import _
from pact.services import audit, cases, minutes
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.main_window import MainWindow
from pact.ui.widgets import lock
from pact.ui.widgets import minutes_panel as minutes_panel_module
from pact.ui.widgets.lock import LockScreen
from tests.conftest import TEST_PASSWORD

from .case_fixtures import CaseWorld, build_world
from .conftest import TEST_USER_NAME
from .test_minutes_panel import build_meetings
from .window_fixtures import *  # noqa: F403
from .window_fixtures import MakeWindow

WAIT = 10_000


@dataclass
class Connections:
    """What the engine's pool did: SQLCipher connections opened and closed, checkouts."""

    engine: Engine
    opened: int = 0
    closed: int = 0
    checkouts: int = 0
    _listeners: list[tuple[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        def on_connect(*_a: object) -> None:
            self.opened += 1

        def on_close(*_a: object) -> None:
            self.closed += 1

        def on_checkout(*_a: object) -> None:
            self.checkouts += 1

        for name, fn in (("connect", on_connect), ("close", on_close), ("checkout", on_checkout)):
            event.listen(self.engine, name, fn)
            self._listeners.append((name, fn))

    def remove(self) -> None:
        for name, fn in self._listeners:
            event.remove(self.engine, name, fn)


@pytest.fixture
def world(db: Database, actor: Actor) -> CaseWorld:
    return build_world(db, actor)


def screen_of(window: MainWindow) -> LockScreen:
    found = window.findChild(LockScreen, "lockScreen")
    assert found is not None
    return found


def entries(db: Database, admin: Actor, event_code: str) -> list[audit.AuditRow]:
    return audit.list_entries(db.uow(), admin, audit.AuditFilter(event=event_code))


def press_ctrl_l(qtbot: QtBot, window: MainWindow) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def type_password(qtbot: QtBot, window: MainWindow, password: str) -> None:
    edit = window.findChild(QLineEdit, "lockPasswordEdit")
    assert edit is not None and edit.isVisible() and edit.isEnabled()
    edit.clear()
    qtbot.keyClicks(edit, password)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def open_a_case(qtbot: QtBot, window: MainWindow, world: CaseWorld) -> cases.CaseHeader:
    """A case of the acting coordinator (their own: no break-glass), opened."""
    case = world.make_case("Fam. Tukker", actor=world.admin, family_name="Tukker")
    window.open_case(case.id)
    qtbot.waitUntil(lambda: window.cases.showing_case() == case.id, timeout=WAIT)
    ops.wait_idle()
    qtbot.waitUntil(lambda: not window.cases.case_file.busy.isVisible(), timeout=WAIT)
    return case


def test_ctrl_l_locks_and_only_the_right_password_unlocks(
    qtbot: QtBot, make_window: MakeWindow, world: CaseWorld, db: Database, actor: Actor
) -> None:
    window = make_window()
    case = open_a_case(qtbot, window, world)
    file = window.cases.case_file
    assert file.code_label.isVisible() and file.code_label.text() == case.code
    reads = len(entries(db, actor, audit.READ))
    title = window.windowTitle()
    pool = Connections(db.engine)
    try:
        press_ctrl_l(qtbot, window)
        lock_screen = screen_of(window)
        # the lock screen, and nothing of the case
        assert window.locker.locked
        assert lock_screen.isVisible()
        assert lock_screen.title.text() == _("pact is locked")
        assert lock_screen.name_label.text() == TEST_USER_NAME
        assert not file.isVisible() and not file.code_label.isVisible()
        assert not window.cases.isVisible() and not window.navigation.isVisible()
        assert case.code not in window.windowTitle() and "Tukker" not in window.windowTitle()
        assert window.windowTitle() == _("pact – locked")
        assert not window.menuBar().isVisible()
        assert not window.action_new_case.isEnabled()  # Ctrl+N and the like do nothing
        visible = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert visible == ["mainWindow"]
        # the database connections are closed, and none opens while locked
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert db.engine.pool.checkedin() == 0  # type: ignore[attr-defined]
        assert pool.opened <= pool.closed
        checkouts = pool.checkouts
        window.ctx.changed.emit("cases")  # a refresh asked for while locked waits
        qtbot.wait(300)
        assert pool.checkouts == checkouts
        assert db.engine.pool.checkedin() == 0  # type: ignore[attr-defined]

        # a wrong password: said so, still locked, connections closed again
        type_password(qtbot, window, "not-my-password-42")
        qtbot.waitUntil(lambda: bool(lock_screen.error_text()), timeout=WAIT)
        assert lock_screen.error_text() == _("The user name or the password is not right.")
        assert window.locker.locked and lock_screen.isVisible() and not file.isVisible()
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert db.engine.pool.checkedin() == 0  # type: ignore[attr-defined]
    finally:
        pool.remove()
    [locked] = entries(db, actor, audit.LOCK)
    assert locked.user_id == actor.id and locked.detail == _("locked by the user")
    [failed] = entries(db, actor, audit.LOGIN_FAILED)
    assert failed.outcome == audit.REFUSED and failed.user_id == actor.id

    # the right one: everything is back
    type_password(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locker.locked, timeout=WAIT)
    ops.wait_idle()
    qtbot.waitUntil(lambda: not file.busy.isVisible(), timeout=WAIT)
    assert not screen_of(window).isVisible()
    assert file.isVisible() and file.code_label.text() == case.code
    assert window.windowTitle() == title
    assert window.menuBar().isVisible() and window.action_new_case.isEnabled()
    [unlocked] = entries(db, actor, audit.UNLOCK)
    assert unlocked.user_id == actor.id
    # the case file was read again, but that is no new opening
    assert len(entries(db, actor, audit.READ)) == reads


def test_ctrl_l_is_in_the_file_menu(make_window: MakeWindow) -> None:
    window = make_window()
    items = {a.objectName(): a for a in window.file_menu.actions()}
    assert items["actionLock"].shortcut().toString() == "Ctrl+L"
    assert items["actionLock"].text() == _("&Lock")


def test_an_empty_password_is_not_tried(
    qtbot: QtBot, make_window: MakeWindow, db: Database, actor: Actor
) -> None:
    window = make_window()
    window.lock()
    lock_screen = screen_of(window)
    unlock = window.findChild(QPushButton, "unlockButton")
    assert unlock is not None
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    assert lock_screen.error_text() == _("Type your password.")
    ops.wait_idle()
    assert entries(db, actor, audit.LOGIN_FAILED) == []


def test_after_five_wrong_passwords_the_lock_screen_counts_down(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "COUNTDOWN_MS", 1000)
    window = make_window()
    window.lock()
    lock_screen = screen_of(window)
    edit = lock_screen.password_edit
    for n in range(5):
        type_password(qtbot, window, f"wrong password {n}")
        qtbot.waitUntil(lambda: not lock_screen.busy.isVisible(), timeout=WAIT)
    assert lock_screen.error_text().startswith(
        _("Too many wrong passwords: try again in {wait}.").split("{")[0]
    )
    assert not edit.isEnabled() and not lock_screen.unlock_button.isEnabled()
    first = lock_screen.error_text()
    qtbot.waitUntil(lambda: lock_screen.error_text() != first, timeout=3000)
    assert window.locker.locked


def test_idle_lock_after_the_minutes_without_input(
    qtbot: QtBot,
    make_window: MakeWindow,
    monkeypatch: pytest.MonkeyPatch,
    db: Database,
    actor: Actor,
) -> None:
    settings = config.Settings.load()
    settings.lock_minutes = 2
    settings.save()
    monkeypatch.setattr(lock, "MINUTE_MS", 150)  # "2 minutes" = 300 ms
    window = make_window()
    assert window.locker.idle_timer.interval() == 300
    qtbot.waitUntil(lambda: window.locker.locked, timeout=5000)
    assert window.locker.idle and screen_of(window).isVisible()
    ops.wait_idle()
    [locked] = entries(db, actor, audit.LOCK)
    assert locked.detail == _("no input for a while")


def test_no_idle_lock_while_input_keeps_coming(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "MINUTE_MS", 100)  # the default 5 minutes = 500 ms
    window = make_window()
    target = window.navigation
    for _n in range(15):  # 1.5 s of typing, a key every 100 ms
        qtbot.keyClick(target, Qt.Key.Key_Shift)
        qtbot.wait(100)
        assert not window.locker.locked
    qtbot.waitUntil(lambda: window.locker.locked, timeout=3000)


def test_the_lock_delay_is_a_setting(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "MINUTE_MS", 60_000)
    window = make_window()
    assert window.locker.idle_timer.interval() == config.DEFAULT_LOCK_MINUTES * 60_000
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    spin = dialog.lock_spin
    assert (spin.minimum(), spin.maximum()) == config.LOCK_MINUTES_RANGE
    assert spin.value() == config.DEFAULT_LOCK_MINUTES
    spin.setValue(12)
    dialog.accept()
    ops.wait_idle()
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT)
    assert config.Settings.load().lock_minutes == 12
    assert window.locker.idle_timer.interval() == 12 * 60_000


def test_settings_out_of_range_fall_back_to_the_default() -> None:
    config.Settings.path().write_text('{"language": "en", "lock_minutes": 500}')
    assert config.Settings.load().lock_minutes == config.DEFAULT_LOCK_MINUTES
    config.Settings.path().write_text('{"language": "en", "lock_minutes": 120}')
    assert config.Settings.load().lock_minutes == 120


def test_minutes_typed_before_the_lock_are_kept_as_a_draft(
    qtbot: QtBot,
    make_window: MakeWindow,
    monkeypatch: pytest.MonkeyPatch,
    world: CaseWorld,
    db: Database,
    actor: Actor,
) -> None:
    # no autosave of its own during the test: the lock must write the draft
    monkeypatch.setattr(minutes_panel_module, "AUTOSAVE_MS", 600_000)
    monkeypatch.setattr(minutes_panel_module, "AUTOSAVE_MAX_MS", 600_000)
    made = build_meetings(world)
    window = make_window()
    window.open_meeting(made.second.id, "minutes")
    panel = window.meetings.page.minutes
    qtbot.waitUntil(
        lambda: panel.data is not None and panel.data.id == made.second.id, timeout=WAIT
    )
    qtbot.waitUntil(lambda: panel.step_owner.count() > 1, timeout=WAIT)
    theme = next(i for i in made.second.items if i.kind == "theme")
    panel.show_item(theme.id)
    panel.editor.setFocus()
    qtbot.keyClicks(panel.editor, "Afspraak: folder in juli klaar")
    ops.wait_idle()
    assert minutes.pending_drafts(db.uow(), actor) == []  # not saved yet

    press_ctrl_l(qtbot, window)
    assert window.locker.locked
    [draft] = minutes.pending_drafts(db.uow(), actor)
    assert draft.item_id == theme.id and draft.text == "Afspraak: folder in juli klaar"
    # the draft came before the lock in the log (the lock's entry is the newest)
    newest = audit.list_entries(db.uow(), actor, audit.AuditFilter(), limit=1)
    assert newest[0].event == audit.LOCK

    type_password(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locker.locked, timeout=WAIT)
    assert panel.editor.toPlainText() == "Afspraak: folder in juli klaar"  # still typed


def test_a_case_dialog_with_typed_input_is_hidden_and_back_after_the_unlock(
    qtbot: QtBot, make_window: MakeWindow, world: CaseWorld
) -> None:
    window = make_window()
    open_a_case(qtbot, window, world)
    file = window.cases.case_file
    file.edit_details()
    qtbot.waitUntil(lambda: file.dialog is not None and file.dialog.isVisible(), timeout=WAIT)
    dialog = file.dialog
    assert dialog is not None
    alias = dialog.findChild(QLineEdit, "aliasEdit")
    assert alias is not None
    alias.selectAll()
    qtbot.keyClicks(alias, "Fam. Tukker-Jansen")
    assert dialog.is_dirty()

    window.lock()
    assert not dialog.isVisible()  # no window shows a case detail
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]

    type_password(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locker.locked, timeout=WAIT)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert alias.text() == "Fam. Tukker-Jansen" and dialog.is_dirty()
    dialog.discard()


def test_a_window_that_opens_while_locked_is_hidden(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.lock()
    window.about()  # as if a late reply opened a dialog
    dialog = window.open_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    type_password(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locker.locked, timeout=WAIT)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)


def test_quit_from_the_lock_screen(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.lock()
    quit_button = window.findChild(QPushButton, "lockQuitButton")
    assert quit_button is not None
    qtbot.mouseClick(quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=WAIT)
    assert not ops.holding()


def test_every_control_of_the_lock_screen_has_a_name(make_window: MakeWindow) -> None:
    window = make_window()
    window.lock()
    for widget in screen_of(window).findChildren(QWidget):
        if isinstance(widget, QLineEdit | QPushButton):
            assert widget.objectName() and widget.accessibleName(), widget
