"""A form field with its error message right under it, in red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

ERROR_COLOUR = "#b3261e"


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
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        self.field.setAccessibleDescription(message or "")

    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def focus(self) -> None:
        self.focus_target.setFocus(Qt.FocusReason.OtherFocusReason)
