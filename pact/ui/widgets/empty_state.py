"""A friendly panel shown instead of an empty list: what is going on, what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    def __init__(self, name: str, title: str, body: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        self.title = QLabel(title, self)
        self.title.setObjectName(name + "Title")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        outer.addWidget(self.title)
        self.body = QLabel(body, self)
        self.body.setObjectName(name + "Body")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setVisible(bool(body))
        self.body.setMaximumWidth(560)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.body, 4)
        centred.addStretch(1)
        outer.addLayout(centred)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        outer.addSpacing(8)
        outer.addLayout(self._buttons)
        outer.addStretch(2)

    def set_text(self, title: str, body: str = "") -> None:
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))

    def add_button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        self._buttons.insertWidget(self._buttons.count() - 1, button)
        return button

    def texts(self) -> str:
        """All visible text (for tests and screen readers)."""
        return "\n".join(t for t in (self.title.text(), self.body.text()) if t)
