"""Users → Reset password…: an administrator gives a user a temporary password.

The user must choose a password of their own at the next log-in, and any wait
after wrong passwords ends. The reset runs in a write op (``auth.reset_password``,
which the audit log records); the service's message comes back next to the field.
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
from pact.services.users import UserRow
from pact.ui.context import AppContext
from pact.ui.dialogs.create_database import fit_height
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import NewPasswordRows


class ResetPasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, row: UserRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.done_reset = False
        self._saving = False
        self.own = row.id == ctx.actor.id
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(_("Reset the password of {name}").format(name=row.username))
        self.setMinimumWidth(540)

        if self.own:
            text = _(
                "This sets a new password for you ({username}): you log in with it from "
                "now on. To change it while you know the current one, use File → Change "
                "password…"
            ).format(username=row.username)
        else:
            text = _(
                "Give {name} ({username}) a temporary password. pact asks them to choose a "
                "password of their own at their next log-in. Tell them the temporary "
                "password in person or by phone, not by e-mail."
            ).format(name=row.display_name, username=row.username)
        intro = QLabel(text, self)
        intro.setObjectName("resetPasswordIntro")
        intro.setWordWrap(True)
        self.message = MessageBar("resetPasswordMessage", self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if self.own:
            self.passwords = NewPasswordRows(self, form)
        else:
            self.passwords = NewPasswordRows(
                self,
                form,
                label=_("&Temporary password:"),
                repeat_label=_("&Repeat it:"),
            )
            self.passwords.set_accessible_names(
                _("Temporary password"), _("Repeat the temporary password")
            )

        self.busy = busy_bar(self, "resetPasswordBusy")
        self.save_button = button(
            self, _("&Reset password"), "resetPasswordButton", _("Reset the password"), default=True
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
        chain = [*self.passwords.widgets(), self.save_button, self.cancel_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.passwords.edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._saving = busy
        self.busy.setVisible(busy)
        for widget in self.passwords.widgets():
            widget.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def save(self) -> None:
        if self._saving:
            return
        self.message.hide()
        self.passwords.clear_errors()
        new = self.passwords.checked()
        if new is None:
            fit_height(self)
            return
        ctx, actor, user_id = self.ctx, self.ctx.actor, self.row.id
        self._set_busy(True)
        Op(self, lambda: auth.reset_password(ctx.uow(), actor, user_id, new), write=True).success(
            lambda _r: self._saved()
        ).failure(self._failed).run()

    def _saved(self) -> None:
        self.ctx.changed.emit("users")
        if not isValid(self):
            return
        self._set_busy(False)
        self.done_reset = True
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
                if e.field == "new_password":
                    self.passwords.show_error(e.message)
                else:
                    loose.append(e.message)
            if loose:
                self.message.show_message("\n".join(loose), "error")
        else:
            self.message.show_message(str(exc), "error")
        fit_height(self)

    def error(self, field: str) -> str:
        return self.passwords.error(field)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._saving:
            return
        super().keyPressEvent(event)
