"""Break-glass: a coordinator opens a case file outside their own cases.

The dialog says why pact asks (the service's message), asks for the reason and
emits ``submitted(reason)``. ``ask_break_glass`` opens it and records the reason
(``scope.break_glass``) in a background op: a refusal (a reason too short) shows
next to the field, success closes the dialog and calls ``opened`` (which reads
the case file again). Cancel opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import BreakGlassRequiredError, FieldError, PactError, ValidationError, error_text
from pact.i18n import _
from pact.services import scope
from pact.services.scope import MIN_REASON
from pact.ui.context import AppContext
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar, busy_buttons, button
from pact.ui.widgets.field import FieldRow, error_label


class ReasonEdit(QPlainTextEdit):
    """Several lines; Tab moves on (it types no tab), Ctrl+Enter submits."""

    submit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
            self.submit.emit()
            return
        super().keyPressEvent(event)


class BreakGlassDialog(QDialog):
    submitted = Signal(str)

    def __init__(self, message: str, case_code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("breakGlassDialog")
        self.setWindowTitle(_("Open case {code}").format(code=case_code))
        self.setMinimumWidth(520)
        self.case_code = case_code
        self._busy = False

        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message, self)
        self.message_label.setObjectName("breakGlassMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addWidget(self.message_label, 1)

        self.reason_edit = ReasonEdit(self)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setAccessibleName(_("Reason for opening this case"))
        self.reason_edit.setPlaceholderText(
            _("For example: the case lead is ill and the school asks about a next step today.")
        )
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setMinimumHeight(90)
        self.reason_edit.submit.connect(self._submit)
        self.reason_row = FieldRow(self.reason_edit, "reason", self)
        reason_label = QLabel(_("&Reason (at least {n} characters):").format(n=MIN_REASON), self)
        reason_label.setBuddy(self.reason_edit)
        hint = QLabel(
            _(
                "Your name, the case and this reason go into the audit log. For the next "
                "eight hours this case file opens for you without asking again."
            ),
            self,
        )
        hint.setObjectName("breakGlassHint")
        hint.setWordWrap(True)
        self.error_label = error_label(self, "breakGlassError")
        self.busy = busy_bar(self, "breakGlassBusy")

        self.open_button = button(
            self,
            _("&Open with this reason"),
            "openButton",
            _("Open with this reason"),
            default=True,
        )
        self.open_button.clicked.connect(self._submit)
        self.cancel_button = button(self, _("Cancel"), "cancelButton", _("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = busy_buttons(self.busy, self.open_button, self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_row)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.toPlainText()

    def _submit(self) -> None:
        if self._busy:
            return
        self.reason_row.set_error(None)
        self.error_label.setVisible(False)
        self.submitted.emit(self.reason())

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self.open_button.setEnabled(not busy)
        self.reason_edit.setReadOnly(busy)

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        """The service's refusal: a reason too short is shown under the field."""
        self.set_busy(False)
        other = []
        for error in errors:
            if error.field == "reason":
                self.reason_row.set_error(error.message)
            else:
                other.append(error.message)
        if other:
            self.show_error(" ".join(other))
        self.reason_edit.setFocus()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def reason_error(self) -> str:
        return self.reason_row.error()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def discard(self) -> None:
        """Close without opening (like every pact dialog, for closing in a hurry)."""
        self._busy = False
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._busy:
            return
        super().keyPressEvent(event)


def ask_break_glass(
    parent: QWidget,
    ctx: AppContext,
    refusal: BreakGlassRequiredError,
    opened: Callable[[], None],
    cancelled: Callable[[], None] | None = None,
) -> BreakGlassDialog:
    """Ask for the reason to open ``refusal.case_id``; ``opened`` once it is
    recorded, ``cancelled`` when the person cancels."""
    dialog = BreakGlassDialog(str(refusal), refusal.code, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    uow, actor, case_id = ctx.uow, ctx.actor, refusal.case_id

    def done(_result: None) -> None:
        if isValid(dialog):
            dialog.accept()
        opened()

    def failed(exc: BaseException) -> None:
        if not isValid(dialog):
            return
        if isinstance(exc, ValidationError):
            dialog.show_errors(exc.errors)
        elif isinstance(exc, PactError):
            dialog.show_error(error_text(exc))
        else:
            dialog.set_busy(False)
            raise exc

    def submitted(reason: str) -> None:
        dialog.set_busy(True)
        Op(dialog, lambda: scope.break_glass(uow(), actor, case_id, reason), write=True).success(
            done
        ).failure(failed).run()

    dialog.submitted.connect(submitted)
    if cancelled is not None:
        dialog.rejected.connect(cancelled)
    dialog.open()
    return dialog
