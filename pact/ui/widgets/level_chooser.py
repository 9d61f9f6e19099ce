"""The escalation ladder as four radio buttons, each with its description: one tab
stop, the arrow keys move between the levels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from pact.models.case import LEVELS
from pact.services.vocab import LEVEL_DESCRIPTIONS, label, level_label
from pact.ui.widgets.case_badges import HINT_STYLE


class LevelChooser(QWidget):
    changed = Signal(int)

    def __init__(self, name: str, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[int, QRadioButton] = {}
        for level in LEVELS:
            button = QRadioButton(level_label(level), self)
            button.setObjectName(f"{name}{level}")
            description = label(LEVEL_DESCRIPTIONS, level)
            button.setAccessibleName(level_label(level))
            button.setAccessibleDescription(description)
            self.group.addButton(button, level)
            layout.addWidget(button)
            text = QLabel(description, self)
            text.setObjectName(f"{name}{level}Description")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setStyleSheet(HINT_STYLE)
            indicator = button.style().pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth)
            text.setIndent(indicator + 8)
            layout.addWidget(text)
            layout.addSpacing(4)
            self.buttons[level] = button
        self.group.idToggled.connect(self._on_toggled)
        self.setFocusProxy(self.buttons[LEVELS[0]])

    def level(self) -> int:
        return self.group.checkedId() if self.group.checkedId() in LEVELS else 0

    def set_level(self, level: int) -> None:
        button = self.buttons.get(level)
        if button is not None:
            button.setChecked(True)
            self.setFocusProxy(button)

    def _on_toggled(self, level: int, checked: bool) -> None:
        if checked:
            self.setFocusProxy(self.buttons[level])
            self.changed.emit(level)
