"""A thin 'busy' bar for work of unknown length (shown while an Op runs)."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget


def busy_bar(parent: QWidget, object_name: str, visible: bool = False) -> QProgressBar:
    bar = QProgressBar(parent)
    bar.setObjectName(object_name)
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setVisible(visible)
    return bar
