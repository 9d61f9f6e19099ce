"""A thin 'busy' bar for work of unknown length (shown while an Op runs)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget


def busy_bar(parent: QWidget, object_name: str, visible: bool = False) -> QProgressBar:
    bar = QProgressBar(parent)
    bar.setObjectName(object_name)
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setVisible(visible)
    return bar


def button(
    parent: QWidget, text: str, object_name: str, accessible: str, default: bool = False
) -> QPushButton:
    """A push button with its object name and accessible name; ``default``: Enter
    presses it (the others never take Enter)."""
    widget = QPushButton(text, parent)
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    widget.setDefault(default)
    widget.setAutoDefault(default)
    return widget


def busy_buttons(busy: QProgressBar, *buttons: QPushButton) -> QHBoxLayout:
    """The foot of a dialog: the busy bar on the left, the buttons on the right."""
    row = QHBoxLayout()
    row.addWidget(busy, 1)
    row.addStretch(1)
    for widget in buttons:
        row.addWidget(widget)
    return row
