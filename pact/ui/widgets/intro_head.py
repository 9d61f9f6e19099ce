"""The head of a start-up dialog: an information icon beside a large title and a
word-wrapped introduction."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget


def intro_head(parent: QWidget, title: str, intro: str, name: str) -> QHBoxLayout:
    """The labels are named ``<name>Title`` and ``<name>Intro``."""
    icon = QLabel(parent)
    icon.setPixmap(
        parent.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(40, 40)
    )
    icon.setAlignment(Qt.AlignmentFlag.AlignTop)
    heading = QLabel(title, parent)
    heading.setObjectName(name + "Title")
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    heading.setFont(font)
    heading.setWordWrap(True)
    text = QLabel(intro, parent)
    text.setObjectName(name + "Intro")
    text.setWordWrap(True)
    texts = QVBoxLayout()
    texts.addWidget(heading)
    texts.addWidget(text)
    head = QHBoxLayout()
    head.addWidget(icon)
    head.addLayout(texts, 1)
    return head
