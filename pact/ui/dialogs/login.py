"""Log in: user name and password, before pact shows anything of the database.

Like the other start-up dialogs this one only collects what is typed
(``submitted`` with a ``LoginAttempt``); the start-up controller tries it with
``auth.login`` in a write op and reports back:

* ``show_error(message, wait_seconds)``: a wrong password (or a user no longer
  active); with ``wait_seconds`` > 0 a countdown runs and "Log in" stays disabled
  until it ends (the service refuses earlier attempts anyway);
* ``ask_new_password(message)``: the password is right but temporary (set by an
  administrator): the dialog asks for a new password, typed twice, and the next
  ``submitted`` carries it;
* ``show_errors(errors)``: the service's message about the new password, next to
  its field.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pact.errors import FieldError
from pact.i18n import _
from pact.services import auth
from pact.ui.dialogs.create_database import fit_height
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import ERROR_STYLE, error_label
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import NewPasswordRows, hint_label, password_edit


@dataclass(frozen=True)
class LoginAttempt:
    username: str
    password: str
    new_password: str | None = None  # the user's own, replacing a temporary password


def wait_message(seconds: int) -> str:
    """The service's words for the wait after wrong passwords (one catalogue entry)."""
    return _("Too many wrong passwords: try again in {wait}.").format(wait=auth.wait_text(seconds))


class LoginDialog(QDialog):
    submitted = Signal(object)  # LoginAttempt

    def __init__(
        self,
        db_path: Path | str,
        username: str = "",
        message: str = "",
        message_kind: str = "warning",
        demo: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Log in to pact"))
        self.setMinimumWidth(480)
        self._wait_end: float | None = None
        self._password = ""  # kept while a temporary password is replaced
        self._username = ""

        title = QLabel(_("Log in to pact"), self)
        title.setObjectName("loginTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        # a file's name, or (a team's server) its short name: database@host
        name = db_path.name if isinstance(db_path, Path) else db_path
        where = hint_label(_("Database: {name}").format(name=name), self, "loginDatabase")
        where.setToolTip(str(db_path))
        self.message = MessageBar("loginMessage", self)
        if message:
            self.message.show_message(message, message_kind)
        self.demo_hint = hint_label(
            _(
                "This is a demo database with made-up cases: every demo account has the "
                "password {password}."
            ).format(password=auth.DEMO_PASSWORD),
            self,
            "loginDemoHint",
        )
        self.demo_hint.setVisible(demo)

        # -- page 1: user name and password
        self.login_page = QWidget(self)
        self.login_page.setObjectName("loginPage")
        self.username_edit = QLineEdit(self.login_page)
        self.username_edit.setObjectName("loginUsername")
        self.username_edit.setAccessibleName(_("User name"))
        self.username_edit.setMaxLength(64)
        self.username_edit.setText(username)
        self.password_edit = password_edit(self.login_page, "loginPassword", _("Password"))
        self.error_label = error_label(self.login_page, "loginError")
        self.error_label.setAccessibleName(_("Why the log-in did not succeed"))
        form = QFormLayout(self.login_page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        name_label = QLabel(_("&User name:"), self.login_page)
        name_label.setObjectName("loginUsernameLabel")
        name_label.setBuddy(self.username_edit)
        password_label = QLabel(_("&Password:"), self.login_page)
        password_label.setObjectName("loginPasswordLabel")
        password_label.setBuddy(self.password_edit)
        form.addRow(name_label, self.username_edit)
        form.addRow(password_label, self.password_edit)
        form.addRow("", self.error_label)

        # -- page 2: a temporary password is replaced by one's own
        self.change_page = QWidget(self)
        self.change_page.setObjectName("newPasswordPage")
        self.change_intro = QLabel(self.change_page)
        self.change_intro.setObjectName("newPasswordIntro")
        self.change_intro.setWordWrap(True)
        self.change_user = QLabel(self.change_page)
        self.change_user.setObjectName("newPasswordUser")
        change_form = QFormLayout()
        change_form.setContentsMargins(0, 0, 0, 0)
        change_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        change_form.addRow(_("User name:"), self.change_user)
        self.new_password = NewPasswordRows(self.change_page, change_form)
        change_layout = QVBoxLayout(self.change_page)
        change_layout.setContentsMargins(0, 0, 0, 0)
        change_layout.addWidget(self.change_intro)
        change_layout.addSpacing(4)
        change_layout.addLayout(change_form)
        self.change_page.hide()

        self.busy = busy_bar(self, "loginBusy")
        self.login_button = QPushButton(_("&Log in"), self)
        self.login_button.setObjectName("loginButton")
        self.login_button.setAccessibleName(_("Log in"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._submit)
        self.quit_button = QPushButton(_("&Quit"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setAccessibleName(_("Quit pact"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addWidget(self.message)
        layout.addSpacing(6)
        layout.addWidget(self.login_page)
        layout.addWidget(self.change_page)
        layout.addWidget(self.demo_hint)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.username_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.login_button)
        QWidget.setTabOrder(self.login_button, self.quit_button)

        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        self.username_edit.textEdited.connect(self._username_edited)
        self.password_edit.textEdited.connect(lambda _t: self._hide_error())
        (self.password_edit if username else self.username_edit).setFocus()

    # ------------------------------------------------------------ submitting

    def on_new_password_page(self) -> bool:
        return not self.change_page.isHidden()

    def _submit(self) -> None:
        if self.busy.isVisible() or self.waiting():
            return
        if self.on_new_password_page():
            self.new_password.clear_errors()
            new = self.new_password.checked()
            if new is None:
                fit_height(self)
                return
            self.message.hide()
            self.set_busy(True)
            self.submitted.emit(LoginAttempt(self._username, self._password, new))
            return
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username:
            self._show_error(_("Type your user name."))
            self.username_edit.setFocus()
            return
        if not password:
            self._show_error(_("Type your password."))
            self.password_edit.setFocus()
            return
        self._hide_error()
        self.set_busy(True)
        self._username, self._password = username, password
        self.submitted.emit(LoginAttempt(username, password))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.username_edit, self.password_edit, *self.new_password.widgets()):
            widget.setEnabled(not busy)
        self.login_button.setEnabled(not busy and not self.waiting())

    # ------------------------------------------------------------ answers

    def show_error(self, message: str, wait_seconds: int = 0) -> None:
        """The log-in was refused: say why next to the fields; a wait counts down."""
        self.set_busy(False)
        self._show_page(self.login_page)
        self._password = ""
        self.password_edit.clear()
        self.new_password.clear()
        if wait_seconds > 0:
            self.start_wait(wait_seconds)
        else:
            self._show_error(message)
        self.password_edit.setFocus()

    def ask_new_password(self, message: str) -> None:
        """The password was right but temporary: choose one's own (typed twice)."""
        self.set_busy(False)
        self.change_intro.setText(
            _("{reason} You log in with it from now on.").format(reason=message)
        )
        self.change_user.setText(self._username)
        self.new_password.clear()
        self._show_page(self.change_page)
        self.login_button.setText(_("&Save password and log in"))
        self.login_button.setAccessibleName(_("Save the new password and log in"))
        self.new_password.edit.setFocus()

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        """The service's messages: about the new password next to its field."""
        self.set_busy(False)
        loose = []
        for e in errors:
            if e.field == "new_password" and self.on_new_password_page():
                self.new_password.show_error(e.message)
            else:
                loose.append(e.message)
        if loose:
            self.message.show_message("\n".join(loose), "error")
        fit_height(self)

    def use_password(self, username: str, password: str) -> None:
        """A log-in from PACT_USER/PACT_PASSWORD found a temporary password: the next
        attempt replaces it (``ask_new_password`` follows)."""
        self._username, self._password = username, password

    def _show_page(self, page: QWidget) -> None:
        other = self.change_page if page is self.login_page else self.login_page
        other.hide()
        page.show()
        if page is self.login_page:
            self.login_button.setText(_("&Log in"))
            self.login_button.setAccessibleName(_("Log in"))
        fit_height(self)

    # ------------------------------------------------------------ the wait

    def start_wait(self, seconds: int) -> None:
        """Too many wrong passwords: count down, with "Log in" disabled meanwhile."""
        self._wait_end = time.monotonic() + seconds
        self._timer.start()
        self._tick()

    def waiting(self) -> bool:
        return self._wait_end is not None

    def seconds_left(self) -> int:
        if self._wait_end is None:
            return 0
        return max(0, math.ceil(self._wait_end - time.monotonic()))

    def _tick(self) -> None:
        left = self.seconds_left()
        if left > 0:
            self._show_error(wait_message(left))
            self.login_button.setEnabled(False)
            return
        self._stop_wait()
        self.error_label.setStyleSheet("")
        self.error_label.setText(_("You can try again now."))
        self.error_label.show()
        self.password_edit.setFocus()

    def _stop_wait(self) -> None:
        self._timer.stop()
        self._wait_end = None
        self.login_button.setEnabled(not self.busy.isVisible())

    def _username_edited(self, _text: str) -> None:
        # the wait belongs to that user name: another name may try at once
        if self.waiting():
            self._stop_wait()
        self._hide_error()

    # ------------------------------------------------------------ helpers

    def _show_error(self, message: str) -> None:
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setText(message)
        if not self.error_label.isVisible():
            self.error_label.show()
            fit_height(self)

    def _hide_error(self) -> None:
        if not self.waiting():
            self.error_label.hide()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def message_text(self) -> str:
        return self.message.message()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape means Quit, but not while the password is being checked
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
