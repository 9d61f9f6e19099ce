"""'Who can help?': partners ranked for a municipality and expertise domains.

INTERIM SKELETON: the partner-views helper replaces this with the real view.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pact.ui.context import AppContext


class WhoCanHelpView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("whoCanHelpView")
        self.ctx = ctx
        QVBoxLayout(self).addWidget(QLabel("who can help"))
