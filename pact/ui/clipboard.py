"""Copied text does not stay on the clipboard.

Whatever pact puts on the system clipboard (Ctrl+C in any of its fields and lists,
a copy button, and on X11 the selection that a middle click pastes) is cleared
``CLEAR_AFTER_MS`` later, at a lock and when pact quits, but only while it is
still what pact put there: text that another program copied meanwhile is left
alone.

One guard per application (``guard()``); it watches ``QClipboard.dataChanged``
(and ``selectionChanged``), so nothing that copies has to call it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from shiboken6 import isValid

CLEAR_AFTER_MS = 30_000  # tests shorten it (monkeypatch); read at every copy

# platforms whose clipboard lives inside the process (no other program can write to
# it) and that never report ownership: everything on it is pact's
LOCAL_CLIPBOARD_PLATFORMS = frozenset({"offscreen", "minimal"})

_guard: ClipboardGuard | None = None


def pact_owns(clipboard: QClipboard, mode: QClipboard.Mode) -> bool:
    """Whether pact put what ``clipboard`` holds in ``mode`` there (X11, Wayland,
    Windows and macOS say whose it is)."""
    if QGuiApplication.platformName() in LOCAL_CLIPBOARD_PLATFORMS:
        return True
    if mode is QClipboard.Mode.Selection:
        return clipboard.ownsSelection()
    return clipboard.ownsClipboard()


class ClipboardGuard(QObject):
    """Clears pact's text from the clipboard (and the X11 selection) after a while."""

    def __init__(self, app: QGuiApplication):
        super().__init__(app)
        self.setObjectName("clipboardGuard")
        self.clipboard = app.clipboard()
        self.modes: list[QClipboard.Mode] = [QClipboard.Mode.Clipboard]
        if self.clipboard.supportsSelection():
            self.modes.append(QClipboard.Mode.Selection)
        self._texts: dict[QClipboard.Mode, str] = {}  # what pact put there, per mode
        self._timers: dict[QClipboard.Mode, QTimer] = {}
        self._clearing = False
        for mode in self.modes:
            timer = QTimer(self)
            timer.setObjectName(f"clipboardTimer{mode.name}")
            timer.setSingleShot(True)
            timer.timeout.connect(lambda m=mode: self.clear(m))
            self._timers[mode] = timer
        self.clipboard.dataChanged.connect(lambda: self._changed(QClipboard.Mode.Clipboard))
        if QClipboard.Mode.Selection in self.modes:
            self.clipboard.selectionChanged.connect(
                lambda: self._changed(QClipboard.Mode.Selection)
            )
        app.aboutToQuit.connect(self.clear_now)

    def _changed(self, mode: QClipboard.Mode) -> None:
        if self._clearing:
            return
        timer = self._timers[mode]
        text = self.clipboard.text(mode)
        if text and pact_owns(self.clipboard, mode):
            self._texts[mode] = text
            timer.start(CLEAR_AFTER_MS)  # a new copy: its own 30 seconds
        else:
            self._texts.pop(mode, None)  # emptied, or another program's now
            timer.stop()

    def watching(self, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> bool:
        """pact's text is on the clipboard, waiting to be cleared."""
        return mode in self._texts

    def clear(self, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> None:
        """Clear ``mode`` now if it still holds what pact put there."""
        self._timers[mode].stop()
        text = self._texts.pop(mode, None)
        if text is None or self.clipboard.text(mode) != text or not pact_owns(self.clipboard, mode):
            return
        self._clearing = True
        try:
            self.clipboard.clear(mode)
        finally:
            self._clearing = False

    def clear_now(self) -> None:
        """At a lock and when pact quits."""
        for mode in self.modes:
            self.clear(mode)


def guard() -> ClipboardGuard:
    """The application's guard, made the first time (a QApplication must exist)."""
    global _guard
    app = QCoreApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("the clipboard guard needs a QGuiApplication")
    if _guard is None or not isValid(_guard):
        _guard = ClipboardGuard(app)
    return _guard
