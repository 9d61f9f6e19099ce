"""The first user of a new database: who is going to work with pact, and the
password they log in with.

Like the other start-up dialogs this one only collects the input (``submitted``
with a ``UserData``); the start-up controller creates the user in a write op and
reports back with ``show_errors`` / ``show_error``. That the password is typed
twice alike is checked here; its rules are the service's.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pact.errors import FieldError
from pact.i18n import _
from pact.services.users import FIRST_USER_ROLES, UserData
from pact.ui.dialogs.create_database import fit_height
from pact.ui.dialogs.user_editor import OWN_PASSWORD, DirectoryOptions, UserForm
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import error_label
from pact.ui.widgets.intro_head import intro_head


class FirstUserDialog(QDialog):
    submitted = Signal(object)  # UserData

    def __init__(
        self,
        options: DirectoryOptions,
        username: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("firstUserDialog")
        self.setWindowTitle(_("Welcome to pact"))
        self.setMinimumWidth(600)

        head = intro_head(
            self,
            _("Who is going to work with pact?"),
            _(
                "This database has no users yet. Enter your own details: you become its "
                "first user, as administrator (you add the other users of your pact) and "
                "as coordinator (you see every case). You can change this later in "
                "“Users”."
            ),
            "firstUser",
        )

        self.form = UserForm(
            with_roles=False, with_active=False, parent=self, password=OWN_PASSWORD
        )
        self.form.set_options(options)
        self.form.load(UserData(username=username, display_name="", roles=FIRST_USER_ROLES))
        self.directory_hint = QLabel(self)
        self.directory_hint.setObjectName("firstUserDirectoryHint")
        self.directory_hint.setWordWrap(True)
        self.directory_hint.setStyleSheet("color: palette(placeholder-text);")
        if options.organisations:
            self.directory_hint.setText(
                _(
                    "Organisation and contact person are optional. Choose yours if your "
                    "organisation is in the partner directory."
                )
            )
        else:
            self.form.show_directory(False)
            self.directory_hint.setText(
                _(
                    "The partner directory is still empty, so there is no organisation to "
                    "choose yet. Add your organisation to the directory later and link "
                    "yourself to it in “Users”."
                )
            )
        self.error_label = error_label(self, "firstUserError")
        self.busy = busy_bar(self, "firstUserBusy")

        self.create_button = QPushButton(_("&Create user and start"), self)
        self.create_button.setObjectName("createUserButton")
        self.create_button.setAccessibleName(_("Create the first user and start pact"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._submit)
        self.quit_button = QPushButton(_("&Quit"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setAccessibleName(_("Quit pact"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addSpacing(8)
        layout.addWidget(self.form)
        layout.addWidget(self.directory_hint)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        chain = [*self.form.tab_chain(), self.create_button, self.quit_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        (self.form.display_name_edit if username else self.form.username_edit).setFocus()

    def _submit(self) -> None:
        if self.busy.isVisible():
            return
        self.error_label.hide()
        self.form.clear_errors()
        if not self.form.check_password():
            fit_height(self)
            return
        self.set_busy(True)
        self.submitted.emit(self.form.value())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.form.setEnabled(not busy)
        self.create_button.setEnabled(not busy)

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        """The service's validation messages, next to their fields."""
        self.set_busy(False)
        loose = self.form.show_errors(errors)
        if loose:
            self.show_error("\n".join(loose))
        fit_height(self)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        fit_height(self)

    def error(self, field: str) -> str:
        return self.form.error(field)

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape means Quit, but not while the user is being created
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
