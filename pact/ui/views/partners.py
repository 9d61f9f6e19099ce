"""The partner list with its live filter and the organisation editor.

INTERIM SKELETON: the partner-views helper replaces this with the real view.
The method names below are the contract with the main window.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pact.ui.context import AppContext


class PartnersView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("partnersView")
        self.ctx = ctx
        QVBoxLayout(self).addWidget(QLabel("partners"))

    def new_organisation(self) -> None:  # Ctrl+N
        pass

    def focus_filter(self) -> None:  # Ctrl+F
        pass

    def save(self) -> None:  # Ctrl+S
        pass

    def import_csv(self) -> None:
        pass

    def export_csv(self) -> None:
        pass

    def has_unsaved_changes(self) -> bool:
        return False
