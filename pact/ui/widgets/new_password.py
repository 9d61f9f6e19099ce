"""A new log-in password, typed twice, as rows of a form, with the rules in words.

Used by the first-user dialog, the new-user editor (a temporary password), the
log-in dialog (a temporary password replaced by one's own), the set-up of an
upgraded database, "Change password…" and an administrator's reset. Only the
two fields' agreement is checked here; the rules (length, common passwords, not
one's own name) are the service's, whose message comes back next to the field.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from pact.i18n import _
from pact.security.passwords import MIN_LENGTH
from pact.ui.widgets.field import FieldRow


def password_edit(parent: QWidget, object_name: str, accessible_name: str) -> QLineEdit:
    """A line edit that shows dots, not what is typed."""
    edit = QLineEdit(parent)
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible_name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


def password_guidance() -> str:
    return _(
        "At least {n} characters, and not one of the most common passwords. A short "
        "sentence of a few words is easy to remember and hard to guess."
    ).format(n=MIN_LENGTH)


class FittedLabel(QLabel):
    """A word-wrapped label exactly as tall as its text at its width: a form layout
    sizes a wrapped label by its width-less size hint, which leaves gaps above and
    below it (or clips it) once the field column is wider (or narrower)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        need = self.heightForWidth(self.width())
        if need > 0 and (self.minimumHeight() != need or self.maximumHeight() != need):
            self.setFixedHeight(need)


def hint_label(text: str, parent: QWidget, object_name: str) -> QLabel:
    """A wrapped hint in the quiet colour of placeholder text."""
    label = FittedLabel(text, parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class NewPasswordRows:
    """Adds "password" and (``repeat``) "repeat" rows to ``form`` at ``row`` (-1: at
    the end), each a FieldRow: the error labels are ``<field>Error`` and
    ``<field>_repeatError``."""

    def __init__(
        self,
        parent: QWidget,
        form: QFormLayout,
        field: str = "new_password",
        label: str = "",
        repeat_label: str = "",
        repeat: bool = True,
        hint: str | None = None,
        row: int = -1,
    ):
        self.field = field
        self.repeat_field = field + "_repeat"
        self.edit = password_edit(parent, field + "Edit", _("New password"))
        self.repeat_edit: QLineEdit | None = None
        self.rows: dict[str, FieldRow] = {field: FieldRow(self.edit, field, parent)}
        self.labels: list[QLabel] = []
        items: list[tuple[str, QWidget]] = [(label or _("&New password:"), self.rows[field])]
        self.hint: QLabel | None = None
        if hint is None:
            hint = password_guidance()
        if hint:
            self.hint = hint_label(hint, parent, field + "Hint")
            items.append(("", self.hint))
        if repeat:
            self.repeat_edit = password_edit(
                parent, self.repeat_field + "Edit", _("Repeat the new password")
            )
            self.rows[self.repeat_field] = FieldRow(self.repeat_edit, self.repeat_field, parent)
            items.append((repeat_label or _("&Repeat new password:"), self.rows[self.repeat_field]))
        for n, (text, widget) in enumerate(items):
            caption: QLabel | None = None
            if text:
                caption = QLabel(text, parent)
                caption.setObjectName(widget.objectName().removesuffix("Row") + "Label")
                if isinstance(widget, FieldRow):
                    caption.setBuddy(widget.field)
                self.labels.append(caption)
            at = row + n if row >= 0 else -1
            if caption is not None:
                form.insertRow(at, caption, widget)
            else:
                form.insertRow(at, "", widget)
        for row_widget in self.rows.values():
            edit = row_widget.field
            assert isinstance(edit, QLineEdit)
            edit.textEdited.connect(lambda _t, r=row_widget: r.set_error(None))
        self.form = form

    def set_accessible_names(self, first: str, second: str = "") -> None:
        self.edit.setAccessibleName(first)
        if self.repeat_edit is not None and second:
            self.repeat_edit.setAccessibleName(second)

    def widgets(self) -> list[QLineEdit]:
        return [self.edit] + ([self.repeat_edit] if self.repeat_edit is not None else [])

    def text(self) -> str:
        return self.edit.text()

    def checked(self) -> str | None:
        """The new password when it was typed and both fields agree; else None, with
        the reason next to the field (nothing is sent to the service)."""
        text = self.edit.text()
        if not text:
            self.rows[self.field].set_error(_("Choose a password."))
            self.rows[self.field].focus()
            return None
        if self.repeat_edit is not None and self.repeat_edit.text() != text:
            row = self.rows[self.repeat_field]
            row.set_error(_("The two passwords are not the same."))
            row.focus()
            self.repeat_edit.selectAll()
            return None
        return text

    def show_error(self, message: str) -> None:
        """The service's message about the new password, next to the first field."""
        self.rows[self.field].set_error(message)
        self.edit.setFocus()
        self.edit.selectAll()

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)

    def clear(self) -> None:
        for edit in self.widgets():
            edit.clear()
        self.clear_errors()

    def error(self, field: str) -> str:
        return self.rows[field].error()

    def set_visible(self, shown: bool) -> None:
        for row in self.rows.values():
            self.form.setRowVisible(row, shown)
        if self.hint is not None:
            self.form.setRowVisible(self.hint, shown)
