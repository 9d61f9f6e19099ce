"""File → Change password…: the acting user replaces their own password.

The current password must be right (a wrong one counts as a wrong attempt, as at
log-in); the new one is typed twice. The change runs in a write op; the service's
messages come back next to their fields.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError, ValidationError
from pact.i18n import _
from pact.services import auth
from pact.ui.context import AppContext
from pact.ui.dialogs.create_database import fit_height
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import NewPasswordRows, password_edit


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self._saving = False
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(_("Change your password"))
        self.setMinimumWidth(520)

        intro = QLabel(
            _(
                "Type your current password, then your new password twice. You log in "
                "with the new password from now on."
            ),
            self,
        )
        intro.setObjectName("changePasswordIntro")
        intro.setWordWrap(True)
        self.message = MessageBar("changePasswordMessage", self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        user = QLabel(ctx.actor.username, self)
        user.setObjectName("changePasswordUser")
        form.addRow(_("User name:"), user)
        self.old_edit = password_edit(self, "old_passwordEdit", _("Current password"))
        self.old_row = FieldRow(self.old_edit, "old_password", self)
        old_label = QLabel(_("&Current password:"), self)
        old_label.setObjectName("old_passwordLabel")
        old_label.setBuddy(self.old_edit)
        form.addRow(old_label, self.old_row)
        self.old_edit.textEdited.connect(lambda _t: self.old_row.set_error(None))
        self.passwords = NewPasswordRows(self, form)

        self.busy = busy_bar(self, "changePasswordBusy")
        self.save_button = button(
            self,
            _("&Change password"),
            "changePasswordButton",
            _("Change the password"),
            default=True,
        )
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button(self, _("Cancel"), "cancelButton", _("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = busy_buttons(self.busy, self.save_button, self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        chain = [self.old_edit, *self.passwords.widgets(), self.save_button, self.cancel_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.old_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._saving = busy
        self.busy.setVisible(busy)
        for widget in (self.old_edit, *self.passwords.widgets()):
            widget.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def save(self) -> None:
        if self._saving:
            return
        self.message.hide()
        self.old_row.set_error(None)
        self.passwords.clear_errors()
        old = self.old_edit.text()
        if not old:
            self.old_row.set_error(_("Type your current password."))
            self.old_edit.setFocus()
            fit_height(self)
            return
        new = self.passwords.checked()
        if new is None:
            fit_height(self)
            return
        ctx = self.ctx
        actor = ctx.actor
        self._set_busy(True)
        Op(self, lambda: auth.change_password(ctx.uow(), actor, old, new), write=True).success(
            lambda _r: self._saved()
        ).failure(self._failed).run()

    def _saved(self) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.changed = True
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self):
            return
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            loose = []
            for e in exc.errors:
                if e.field == "old_password":
                    self.old_row.set_error(e.message)
                    self.old_edit.selectAll()
                    self.old_edit.setFocus()
                elif e.field == "new_password":
                    self.passwords.show_error(e.message)
                else:
                    loose.append(e.message)
            if loose:
                self.message.show_message("\n".join(loose), "error")
        else:
            self.message.show_message(str(exc), "error")
        fit_height(self)

    def error(self, field: str) -> str:
        if field == "old_password":
            return self.old_row.error()
        return self.passwords.error(field)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._saving:
            return
        super().keyPressEvent(event)
