"""A path typed or chosen: a line edit with a *Choose…* button beside it, and the
field's message under both."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from pact.i18n import _
from pact.ui.widgets.field import FieldRow


class PathField:
    """``row`` goes into a form; ``edit`` holds the path; ``choose(current)`` shows the
    file dialog and returns the chosen path ("" when none was chosen). The edit is named
    ``name``, the button ``<name>Choose``, the message ``<name>Error``."""

    def __init__(
        self,
        parent: QWidget,
        name: str,
        accessible: str,
        choose_accessible: str,
        choose: Callable[[str], str],
    ):
        self.edit = QLineEdit(parent)
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(accessible)
        self.button = QPushButton(_("C&hoose…"), parent)
        self.button.setObjectName(name + "Choose")
        self.button.setAccessibleName(choose_accessible)
        self.button.setAutoDefault(False)
        self._choose = choose
        self.button.clicked.connect(self.choose)
        line = QWidget(parent)
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.row = FieldRow(line, name, parent)
        self.row.focus_target = self.edit

    def text(self) -> str:
        return self.edit.text().strip()

    def choose(self) -> None:
        chosen = self._choose(self.text())
        if chosen:
            self.edit.setText(chosen)
            self.row.set_error(None)

    def set_error(self, message: str | None) -> None:
        self.row.set_error(message)
        if message:
            self.edit.setFocus()
