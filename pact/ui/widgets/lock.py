"""Locking the main window: after minutes without input, or at once with Ctrl+L.

``LockController`` belongs to the main window. It puts the window's content and a
``LockScreen`` in one stacked widget (the window's central widget) and watches the
input of every pact window with an event filter on the application; each key
press, click, wheel turn or mouse move restarts the idle timer
(``Settings.lock_minutes``).

Locking goes in this order:

a. typed text is kept: each minutes panel writes its draft now (the drafts of
   step 3); every other form with unsaved input (a case dialog, the partner
   editor, a meeting dialog) stays as it is, alive but hidden, and is back after
   the unlock exactly as it was left;
b. the lock is logged (``auth.lock``), after the draft on the single write worker;
c. from now on ops wait (``ops.hold``); once the running ones finished, the
   database connections are closed (``engine.dispose``);
d. the content is replaced by the lock screen, the menus and the status bar go,
   every other pact window is hidden (and hidden again if one appears while
   locked), the window title is only "pact – locked", and pact's text is cleared
   from the clipboard.

The unlock (``auth.unlock``, the one op that runs while held) brings it all back;
the open case file is read again (not logged as a new opening) and the ops that
waited run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMetaObject, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid
from sqlalchemy.pool import QueuePool

from pact import config
from pact.errors import LoginError, PactError
from pact.i18n import _
from pact.services import auth
from pact.services.users import Actor
from pact.ui import clipboard, ops
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import error_label
from pact.ui.widgets.minutes_panel import MinutesPanel

if TYPE_CHECKING:
    from pact.ui.main_window import MainWindow

log = logging.getLogger(__name__)

MINUTE_MS = 60_000  # tests shorten it (monkeypatch) before the window is made
COUNTDOWN_MS = 1_000

# what counts as input (only as the user gave it: Qt's own synthetic events do not)
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)
# the kinds of window hidden while locked (not menus, tooltips or combo lists)
_WINDOW_TYPES = frozenset(
    {Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet, Qt.WindowType.Tool}
)

OPEN, LOCKED, UNLOCKING = "open", "locked", "unlocking"


def wait_message(seconds: int) -> str:
    # the words of the log-in service (pact.services.auth), so one translation
    return _("Too many wrong passwords: try again in {wait}.").format(wait=auth.wait_text(seconds))


class PasswordEdit(QLineEdit):
    """Enter unlocks."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class LockScreen(QWidget):
    """What the locked window shows: that pact is locked, for whom, the password
    field, Unlock and Quit. ``unlock_requested(password)``, ``quit_requested``."""

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName(_("pact is locked"))
        self._wait_left = 0
        self._busy = False

        panel = QFrame(self)
        panel.setObjectName("lockPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setStyleSheet(
            "QFrame#lockPanel { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        panel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)
        panel.setFixedWidth(440)

        self.title = QLabel(_("pact is locked"), panel)
        self.title.setObjectName("lockTitle")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.title.setFont(font)
        self.name_label = QLabel("", panel)
        self.name_label.setObjectName("lockUserName")
        font = self.name_label.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = QLabel(_("Type your password to go on where you were."), panel)
        self.hint.setObjectName("lockHint")
        self.hint.setWordWrap(True)

        self.password_edit = PasswordEdit(panel)
        self.password_edit.setObjectName("lockPasswordEdit")
        self.password_edit.setAccessibleName(_("Password"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMinimumWidth(260)
        self.password_edit.submitted.connect(self._submit)
        password_label = QLabel(_("&Password:"), panel)
        password_label.setBuddy(self.password_edit)
        self.error = error_label(panel, "lockError")
        self.busy = busy_bar(panel, "lockBusy")

        self.unlock_button = QPushButton(_("&Unlock"), panel)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.quit_button = QPushButton(_("&Quit pact"), panel)
        self.quit_button.setObjectName("lockQuitButton")
        self.quit_button.setAccessibleName(_("Quit pact"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.quit_requested.emit)

        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.name_label)
        inner.addWidget(self.hint)
        inner.addSpacing(6)
        inner.addWidget(password_label)
        inner.addWidget(self.password_edit)
        inner.addWidget(self.error)
        inner.addWidget(self.busy)
        inner.addSpacing(6)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.countdown = QTimer(self)
        self.countdown.setObjectName("lockCountdown")
        self.countdown.setInterval(COUNTDOWN_MS)
        self.countdown.timeout.connect(self._tick)

    def reset(self, display_name: str) -> None:
        """A fresh lock: the name, an empty field, no message."""
        self.name_label.setText(display_name)
        self.password_edit.clear()
        self.error.setVisible(False)
        self.error.setText("")
        self.countdown.stop()
        self._wait_left = 0
        self.set_busy(False)

    def focus_password(self) -> None:
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        ready = not busy and self._wait_left == 0
        self.password_edit.setEnabled(ready)
        self.unlock_button.setEnabled(ready)

    def show_error(self, message: str, wait_seconds: int = 0) -> None:
        self.password_edit.clear()
        self._wait_left = max(0, wait_seconds)
        self.error.setText(wait_message(self._wait_left) if self._wait_left else message)
        self.error.setVisible(True)
        self.set_busy(False)
        if self._wait_left:
            self.countdown.start()
        else:
            self.focus_password()

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""

    def _tick(self) -> None:
        self._wait_left = max(0, self._wait_left - COUNTDOWN_MS // 1000)
        if self._wait_left:
            self.error.setText(wait_message(self._wait_left))
            return
        self.countdown.stop()
        self.error.setText(_("You can try your password again."))
        self.set_busy(self._busy)
        self.focus_password()

    def _submit(self) -> None:
        if self._busy or self._wait_left:
            return
        password = self.password_edit.text()
        if not password:
            self.error.setText(_("Type your password."))
            self.error.setVisible(True)
            self.focus_password()
            return
        self.unlock_requested.emit(password)


class LockController(QObject):
    """The lock of one main window (``window.locker``). ``locked_changed(bool)``."""

    locked_changed = Signal(bool)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("lockController")
        self.window = window
        self.ctx = window.ctx
        self.state = OPEN
        self.idle = False  # the last lock came from the idle timer
        self._title = ""
        self._hidden: list[QWidget] = []  # other pact windows hidden while locked
        self._finished: list[QMetaObject.Connection] = []  # a hidden dialog ends
        self._own: list[QWidget] = []  # windows of the lock itself (quit question)
        self._actions: list[tuple[QAction, bool]] = []
        self._focus: QWidget | None = None
        self._status_visible = True
        self._menu_visible = True
        self.minutes = config.DEFAULT_LOCK_MINUTES
        self.quit_box: QMessageBox | None = None
        self.guard = clipboard.guard()

        content = window.takeCentralWidget()
        assert content is not None, "the window's content comes first"
        self.stack = QStackedWidget(window)
        self.stack.setObjectName("lockStack")
        self.stack.addWidget(content)
        self.content = content
        self.screen = LockScreen(self.stack)
        self.stack.addWidget(self.screen)
        window.setCentralWidget(self.stack)
        self.screen.unlock_requested.connect(self.unlock)
        self.screen.quit_requested.connect(self.request_quit)

        self.idle_timer = QTimer(self)
        self.idle_timer.setObjectName("idleLockTimer")
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(lambda: self.lock(idle=True))
        self.set_minutes(config.Settings.load().lock_minutes)
        self.ctx.changed.connect(self._context_changed)
        window.closed.connect(self._window_closed)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    # ------------------------------------------------------------ idle
    @property
    def locked(self) -> bool:
        return self.state != OPEN

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.idle_timer.setInterval(max(1, minutes * MINUTE_MS))
        if self.state == OPEN:
            self.idle_timer.start()

    def _context_changed(self, what: str) -> None:
        if what == "settings":
            self.set_minutes(config.Settings.load().lock_minutes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            if self.state == OPEN and event.spontaneous():
                self.idle_timer.start()  # restarts
        elif kind == QEvent.Type.Show and self.state != OPEN:
            self._hide_later(watched)
        return False

    # ------------------------------------------------------------ locking
    def lock(self, idle: bool = False) -> None:
        """Lock now (Ctrl+L, or ``idle``: the idle timer)."""
        if self.state != OPEN or not self.window.isVisible():
            return  # (a window closed for a rebuild waits to be deleted)
        self.state = LOCKED
        self.idle = idle
        self.idle_timer.stop()
        ctx, window = self.ctx, self.window
        # (a) what was typed in the minutes becomes a draft first
        for panel in window.findChildren(MinutesPanel):
            panel.flush_draft()
        # (b) the lock is logged, after the drafts (one write worker)
        uow, actor = ctx.uow, ctx.actor
        Op(window, lambda: auth.lock(uow(), actor, idle), write=True).failure(
            self._not_logged
        ).run()
        # (c) nothing reaches the database any more: ops wait; the running ones end
        ops.hold()
        if not ops.wait_idle():
            log.warning("Locking: background work still running after the wait")
        ctx.db.engine.dispose()
        pool = ctx.db.engine.pool
        if isinstance(pool, QueuePool) and pool.checkedout():
            log.warning("Locking: a database connection is still in use")
        # (d) nothing of the data shows
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and focus.window() is window else None
        self._hide_windows()
        self._actions = [(a, a.isEnabled()) for a in window.actions()]
        for action, _enabled in self._actions:
            action.setEnabled(False)
        self._menu_visible = window.menuBar().isVisibleTo(window)
        window.menuBar().setVisible(False)
        window.menuBar().setEnabled(False)
        bar = window.statusBar()
        bar.clearMessage()
        self._status_visible = bar.isVisibleTo(window)
        bar.setVisible(False)
        self._title = window.windowTitle()
        window.setWindowTitle(_("pact – locked"))
        self.screen.reset(actor.display_name)
        self.stack.setCurrentWidget(self.screen)
        self.content.setVisible(False)
        self.guard.clear_now()
        self.screen.focus_password()
        self.locked_changed.emit(True)

    def _not_logged(self, exc: BaseException) -> None:
        # locked all the same; the log keeps why the entry is missing
        log.error("The lock was not logged", exc_info=(type(exc), exc, exc.__traceback__))

    def _hide_windows(self) -> None:
        self._hidden = []
        for widget in QApplication.topLevelWidgets():
            if self._hideable(widget) and widget.isVisible():
                widget.hide()
                self._keep_hidden(widget)

    def _keep_hidden(self, widget: QWidget) -> None:
        """Show ``widget`` again after the unlock, unless it ends meanwhile (a dialog
        whose save was answered while locked)."""
        if widget in self._hidden:
            return
        self._hidden.append(widget)
        if isinstance(widget, QDialog):
            self._finished.append(
                widget.finished.connect(lambda _r, w=widget: self._forget_hidden(w))
            )

    def _forget_hidden(self, widget: QWidget) -> None:
        if widget in self._hidden:
            self._hidden.remove(widget)

    def _hideable(self, widget: QObject) -> bool:
        return (
            isinstance(widget, QWidget)
            and widget.isWindow()
            and widget is not self.window
            and widget not in self._own
            and widget.windowType() in _WINDOW_TYPES
        )

    def _hide_later(self, watched: QObject) -> None:
        """A window appeared while locked (a reply that came in late opened it)."""
        if not self._hideable(watched):
            return
        assert isinstance(watched, QWidget)
        self._keep_hidden(watched)

        def hide() -> None:
            if isValid(watched) and self.state != OPEN and watched.isVisible():
                watched.hide()

        QTimer.singleShot(0, hide)

    # ------------------------------------------------------------ unlocking
    def unlock(self, password: str) -> None:
        if self.state != LOCKED:
            return
        self.state = UNLOCKING
        self.screen.set_busy(True)
        uow, actor = self.ctx.uow, self.ctx.actor
        Op(
            self.window, lambda: auth.unlock(uow(), actor, password), write=True
        ).even_when_held().success(self._unlocked).failure(self._unlock_failed).run()

    def _unlock_failed(self, exc: BaseException) -> None:
        if self.state != UNLOCKING:
            return
        self.state = LOCKED
        self.ctx.db.engine.dispose()  # the attempt's connection: closed again
        if isinstance(exc, LoginError):
            self.screen.show_error(str(exc), exc.wait_seconds)
        elif isinstance(exc, PactError):
            self.screen.show_error(str(exc))
        else:
            log.error("Unlocking failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.screen.show_error(_("pact could not check the password. Try again."))

    def _unlocked(self, actor: Actor) -> None:
        if self.state != UNLOCKING:
            return
        window = self.window
        self.state = OPEN
        self.screen.reset(actor.display_name)
        self.content.setVisible(True)
        self.stack.setCurrentWidget(self.content)
        window.setWindowTitle(self._title)
        window.menuBar().setEnabled(True)
        window.menuBar().setVisible(self._menu_visible)
        window.statusBar().setVisible(self._status_visible)
        for action, enabled in self._actions:
            if isValid(action):
                action.setEnabled(enabled)
        self._actions = []
        for connection in self._finished:
            QObject.disconnect(connection)
        self._finished = []
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            if isValid(widget):
                widget.show()
        ops.release()  # what waited runs now
        # what shows is read again (an open case file is not opened anew)
        case_file = window.cases.case_file
        if case_file.case_id is not None:
            case_file.reload()
        focus, self._focus = self._focus, None
        if focus is not None and isValid(focus) and focus.isVisible() and not hidden:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.idle_timer.start()
        self.locked_changed.emit(False)
        if actor != self.ctx.actor:
            self.ctx.changed.emit("users")  # name or roles changed meanwhile

    # ------------------------------------------------------------ quitting
    def request_quit(self) -> None:
        """Quit from the lock screen (or the window's close button while locked):
        the drafts are kept; other unsaved input is lost, so it asks first."""
        window = self.window
        if not window.has_unsaved_changes():
            self._quit()
            return
        box = QMessageBox(window)
        box.setObjectName("lockQuitBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Quit pact"))
        box.setText(
            _(
                "Some typed input is not saved yet; it is lost when pact quits now. "
                "Minutes you typed are kept and offered again at the next start."
            )
        )
        quit_button = box.addButton(_("Quit pact"), QMessageBox.ButtonRole.DestructiveRole)
        quit_button.setObjectName("quitNowButton")
        quit_button.setAccessibleName(quit_button.text())
        stay = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        stay.setObjectName("cancelButton")
        stay.setAccessibleName(stay.text())
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._own.append(box)
        box.finished.connect(lambda _r: self._own.remove(box) if box in self._own else None)
        box.buttonClicked.connect(lambda b: self._quit() if b is quit_button else None)
        self.quit_box = box
        box.open()

    def _quit(self) -> None:
        self.window._discard_changes = True
        self.window.close()

    def _window_closed(self) -> None:
        """pact quits: what waited is dropped (it would read after the lock), the
        clipboard cleared."""
        if self.state != OPEN:
            ops.drop_held()
        self.guard.clear_now()
        self.idle_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
