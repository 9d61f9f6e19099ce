"""The bar at the top of the main window while the team's server cannot be reached.

It says, in plain words, that the connection is lost, that what is typed is kept on
this computer (or, without a keyring, in memory only), and that pact reconnects by
itself; "Try again now" does not wait for the next attempt. When the connection is
back it says so for a few seconds and hides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from pact.i18n import _

RESTORED_MS = 4000  # how long "Connection restored" stays

LOST_STYLE = (
    "QFrame#connectionBanner { background: #fff3cd; border-bottom: 1px solid #e0b100; }"
    " QFrame#connectionBanner QLabel { color: #4d3800; }"
)
RESTORED_STYLE = (
    "QFrame#connectionBanner { background: #e3f4e1; border-bottom: 1px solid #4c9a44; }"
    " QFrame#connectionBanner QLabel { color: #1e4d1a; }"
)


def lost_text(on_disk: bool | None) -> str:
    if on_disk is False:
        return _(
            "The connection to the team server is lost. What you type is kept in this "
            "computer's memory only (there is no keyring to lock it away on disk): leave "
            "pact open until the connection is back. pact reconnects by itself."
        )
    return _(
        "The connection to the team server is lost. What you type is kept on this "
        "computer; pact reconnects by itself."
    )


def restored_text() -> str:
    return _("Connection restored.")


class ConnectionBanner(QFrame):
    """``retry_requested`` when the person asks to try again now."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.setAccessibleName(_("Connection to the team server"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(self)
        self.label.setObjectName("connectionBannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        layout.addWidget(self.label, 1)
        self.retry_button = QPushButton(_("Try again now"), self)
        self.retry_button.setObjectName("reconnectButton")
        self.retry_button.setAccessibleName(_("Try to reconnect now"))
        self.retry_button.clicked.connect(self.retry_requested.emit)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(RESTORED_MS)
        self._hide_timer.timeout.connect(self.hide)
        self.lost = False
        self.hide()

    def show_lost(self, on_disk: bool | None = None) -> None:
        self._hide_timer.stop()
        self.lost = True
        self.setStyleSheet(LOST_STYLE)
        self.label.setText(lost_text(on_disk))
        self.setAccessibleDescription(self.label.text())
        self.retry_button.show()
        self.retry_button.setEnabled(True)
        self.show()

    def show_restored(self) -> None:
        self.lost = False
        self.setStyleSheet(RESTORED_STYLE)
        self.label.setText(restored_text())
        self.setAccessibleDescription(self.label.text())
        self.retry_button.hide()
        self.show()
        self._hide_timer.start()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
