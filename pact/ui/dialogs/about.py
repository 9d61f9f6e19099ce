"""Help > About: what pact is, its version, and the open database."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from pact import __version__
from pact.i18n import _


class AboutDialog(QDialog):
    def __init__(self, db_path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_("About pact"))
        self.setMinimumWidth(480)

        title = QLabel("pact", self)
        font = title.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            _(
                "pact supports a local divorce pact (scheidingspact): professionals who "
                "work together so that children in a divorce get help early. It keeps the "
                "partner directory (who to call for what) in an encrypted database on this "
                "computer."
            ),
            self,
        )
        text.setWordWrap(True)

        facts = QFormLayout()
        version = QLabel(__version__, self)
        version.setObjectName("aboutVersion")
        facts.addRow(_("Version:"), version)
        if db_path is not None:
            path = QLabel(str(db_path), self)
            path.setObjectName("aboutDatabase")
            path.setWordWrap(True)
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addRow(_("Database:"), path)
        facts.addRow(_("Licence:"), QLabel("EUPL-1.2", self))
        facts.addRow(
            _("Built with:"),
            QLabel(
                f"Python {platform.python_version()}, Qt {qVersion()}, "
                f"PySide6 {pyside_version}, SQLCipher",
                self,
            ),
        )

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeButton")
        close.setText(_("Close"))
        close.setAccessibleName(_("Close"))
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(facts)
        layout.addWidget(box)
