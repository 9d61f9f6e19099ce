"""A database from before log-in existed: its users have no passwords yet.

Whoever can open the encrypted file chooses one of the active administrators and
sets that administrator's password, and carries on logged in as them; the other
users get a temporary password from that administrator in "Users". The dialog
only collects the choice (``submitted`` with the user id and the password); the
start-up controller calls ``auth.set_first_password`` in a write op and reports
back with ``show_errors`` / ``show_error``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pact.errors import FieldError
from pact.i18n import _
from pact.ui.dialogs.create_database import fit_height
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.intro_head import intro_head
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import NewPasswordRows


class PasswordSetupDialog(QDialog):
    submitted = Signal(int, str)  # user id, password

    def __init__(
        self,
        administrators: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("passwordSetupDialog")
        self.setWindowTitle(_("pact now asks for a password"))
        self.setMinimumWidth(600)

        head = intro_head(
            self,
            _("Choose the first password"),
            _(
                "From this version on, everyone logs in to pact with their user name and "
                "a password, and pact records who did what. The users of this database "
                "have no password yet. Choose an administrator and set their password: "
                "pact then opens as that administrator. In “Users”, give every other "
                "user a temporary password; they choose their own at their first log-in."
            ),
            "passwordSetup",
        )
        self.message = MessageBar("passwordSetupMessage", self)

        self.admin_combo = QComboBox(self)
        self.admin_combo.setObjectName("administratorCombo")
        self.admin_combo.setAccessibleName(_("Administrator"))
        for user_id, username in administrators:
            self.admin_combo.addItem(username, user_id)
        self.admin_row = FieldRow(self.admin_combo, "username", self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        admin_label = QLabel(_("&Administrator:"), self)
        admin_label.setObjectName("administratorLabel")
        admin_label.setBuddy(self.admin_combo)
        form.addRow(admin_label, self.admin_row)
        self.passwords = NewPasswordRows(
            self,
            form,
            field="password",
            label=_("&Password:"),
            repeat_label=_("&Repeat password:"),
        )
        self.passwords.set_accessible_names(_("Password"), _("Repeat the password"))

        self.busy = busy_bar(self, "passwordSetupBusy")
        self.save_button = button(
            self,
            _("&Set password and log in"),
            "setPasswordButton",
            _("Set the password and log in"),
            default=True,
        )
        self.save_button.clicked.connect(self._submit)
        self.quit_button = button(self, _("&Quit"), "quitButton", _("Quit pact"))
        self.quit_button.clicked.connect(self.reject)
        buttons = busy_buttons(self.busy, self.save_button, self.quit_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        chain = [self.admin_combo, *self.passwords.widgets(), self.save_button, self.quit_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        if not administrators:
            # cannot happen through pact (the last administrator cannot be removed)
            self.message.show_message(
                _(
                    "This database has no active administrator, so nobody can set the "
                    "first password. Restore a backup, or ask the makers of pact for help."
                ),
                "error",
            )
            self.save_button.setEnabled(False)
        self.admin_combo.currentIndexChanged.connect(lambda _i: self.admin_row.set_error(None))
        self.passwords.edit.setFocus()

    def _submit(self) -> None:
        if self.busy.isVisible() or self.admin_combo.currentData() is None:
            return
        self.message.hide()
        self.admin_row.set_error(None)
        self.passwords.clear_errors()
        password = self.passwords.checked()
        if password is None:
            fit_height(self)
            return
        self.set_busy(True)
        self.submitted.emit(int(self.admin_combo.currentData()), password)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.admin_combo, *self.passwords.widgets()):
            widget.setEnabled(not busy)
        self.save_button.setEnabled(not busy and self.admin_combo.count() > 0)

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        self.set_busy(False)
        loose = []
        for e in errors:
            if e.field == "password":
                self.passwords.show_error(e.message)
            elif e.field == "username":
                self.admin_row.set_error(e.message)
            else:
                loose.append(e.message)
        if loose:
            self.show_error("\n".join(loose))
        fit_height(self)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.message.show_message(message, "error")
        fit_height(self)

    def error(self, field: str) -> str:
        if field == "username":
            return self.admin_row.error()
        return self.passwords.error(field)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
