"""A form field with its error message right under it, in red."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

ERROR_COLOUR = "#b3261e"
ERROR_STYLE = f"color: {ERROR_COLOUR};"
_NUMBER_GAP = re.compile(r"(?<=\d) (?=\d)")


def keep_numbers_together(text: str) -> str:
    """A number written in groups ("06 12345678", "+31 6 1234") is never broken
    across two lines: its spaces become non-breaking ones."""
    return _NUMBER_GAP.sub("\u00a0", text)


def error_label(parent: QWidget, object_name: str) -> QLabel:
    """A hidden, word-wrapped red label for a dialog's message about what is wrong."""
    label = QLabel("", parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


class FieldRow(QWidget):
    """Wraps ``field`` (any input widget) and shows a validation message under it.

    The error label is named ``<name>Error``; the message is also set as the field's
    accessible description, so a screen reader reads it with the field.
    """

    def __init__(self, field: QWidget, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name + "Row")
        self.field = field
        self.focus_target: QWidget = field
        self._message = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        self.error_label = QLabel(self)
        self.error_label.setObjectName(name + "Error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
        self.error_label.setPalette(palette)
        self.error_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error_label.hide()
        layout.addWidget(self.error_label)

    def set_error(self, message: str | None) -> None:
        self._message = message or ""
        self.error_label.setText(keep_numbers_together(message or ""))
        self.error_label.setVisible(bool(message))
        self.field.setAccessibleDescription(message or "")
        self._fit_error()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_error()

    def _fit_error(self) -> None:
        """Reserve the height the wrapped message needs at this width: a form layout
        does not always work out heights for widths right, and would clip it."""
        need = 0
        if self._message and self.width() > 0:
            need = max(self.error_label.heightForWidth(self.width()), 0)
        if self.error_label.minimumHeight() != need:
            self.error_label.setMinimumHeight(need)

    def error(self) -> str:
        """The message shown (as the service worded it), or ''."""
        return self._message if self.error_label.isVisibleTo(self) else ""

    def focus(self) -> None:
        self.focus_target.setFocus(Qt.FocusReason.OtherFocusReason)
