"""The cases area (placeholder being replaced by the case list and case file work).

Contract the main window relies on:

    CasesView(ctx, parent)
    new_case()                 Ctrl+N in the cases area: register a new case
    focus_filter()             Ctrl+F: to the case list's search field
    show_case(case_id)         open one case file (from the dashboard)
    has_unsaved_changes()      whether closing or switching would lose typed input
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pact.ui.context import AppContext


class CasesView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("casesView")
        self.ctx = ctx
        QVBoxLayout(self)

    def new_case(self) -> None:
        pass

    def focus_filter(self) -> None:
        pass

    def show_case(self, case_id: int) -> None:
        pass

    def has_unsaved_changes(self) -> bool:
        return False
