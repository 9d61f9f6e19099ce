"""An inline message strip (saved, conflict, export done) with an optional action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from pact.i18n import _

_STYLES = {
    "info": "background: #e6f1e8; border: 1px solid #8fbf98; color: #173d1f;",
    "warning": "background: #fff4d6; border: 1px solid #d9b44a; color: #4a3800;",
    "error": "background: #fbe4e2; border: 1px solid #d98a84; color: #5c100b;",
}


class MessageBar(QFrame):
    """Hidden until ``show_message``. Children: ``<name>Text``, ``<name>Action``,
    ``<name>Close``."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.kind = "info"
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.text = QLabel(self)
        self.text.setObjectName(name + "Text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.action = QPushButton(self)
        self.action.setObjectName(name + "Action")
        self.action.setAccessibleName(_("Message action"))
        self.action.hide()
        layout.addWidget(self.action)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName(name + "Close")
        self.close_button.setText("×")
        self.close_button.setAccessibleName(_("Close message"))
        self.close_button.setToolTip(_("Close message"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.close_button)
        self._callback: Callable[[], None] | None = None
        self.action.clicked.connect(self._on_action)
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "info",
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        self.kind = kind
        self.setStyleSheet(
            f"#{self.objectName()} {{ {_STYLES.get(kind, _STYLES['info'])} border-radius: 4px; }}"
            f" #{self.objectName()} QLabel {{ border: none; background: transparent; }}"
        )
        self.text.setText(text)
        self.setAccessibleName(text)
        if action is None:
            self._callback = None
            self.action.hide()
        else:
            label, callback = action
            self._callback = callback
            self.action.setText(label)
            self.action.setAccessibleName(label)
            self.action.show()
        self.show()

    def message(self) -> str:
        return self.text.text() if self.isVisibleTo(self.parentWidget() or self) else ""

    def _on_action(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()
