"""The global excepthook and the dialog it shows.

An uncaught exception (UI thread or any other thread) is written to the log
with its traceback and shown as a plain message with an expandable, copyable
report; an expected error (``PactError``) shows its message only. Key material
never reaches a report: ``RawKey``/``Passphrase`` mask their repr, and the
report is scrubbed of anything that looks like a key pragma or a hex key.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import threading
import traceback
from datetime import datetime
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from pact import __version__
from pact.errors import PactError
from pact.i18n import N_, _, format_number, ngettext

log = logging.getLogger("pact.crash")

GENERIC_MESSAGE = N_(
    "Something went wrong. Your data is safe; the last action may not have been completed."
)

_KEY_PATTERNS = (
    re.compile(r"(PRAGMA\s+(?:re)?key\s*=\s*)(\"[^\"]*\"|'(?:[^']|'')*'|\S+)", re.IGNORECASE),
    re.compile(r"x'[0-9a-fA-F]{32,}'"),
    re.compile(r"\b[0-9a-fA-F]{64}\b"),
)


def scrub(text: str) -> str:
    """Remove anything that looks like key material from a report."""
    text = _KEY_PATTERNS[0].sub(r"\1***", text)
    text = _KEY_PATTERNS[1].sub("x'***'", text)
    return _KEY_PATTERNS[2].sub("***", text)


def error_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """A report a person can copy and send: versions, time and the traceback."""
    lines = [
        f"pact {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}",
        f"{platform.platform()}",
        f"{datetime.now().isoformat(timespec='seconds')}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return scrub("\n".join(line.rstrip("\n") for line in lines))


def _name(widget: QWidget, object_name: str, accessible: str) -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)


class ErrorDialog(QDialog):
    """A plain message; with ``details`` a 'Details' button reveals the report."""

    def __init__(
        self,
        message: str,
        details: str | None = None,
        parent: QWidget | None = None,
        title: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(title or _("pact: something went wrong"))
        self.setMinimumWidth(460)
        self._count = 1

        icon = QLabel(self)
        icon.setPixmap(
            self.style()
            .standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
                if details is None
                else QStyle.StandardPixmap.SP_MessageBoxCritical
            )
            .pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message, self)
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.message_label, 1)

        self.details = QPlainTextEdit(self)
        _name(self.details, "errorDetails", _("Error report"))
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMinimumHeight(220)
        self.details.setPlainText(details or "")
        self.details.setVisible(False)

        self.details_button = QPushButton(_("Details"), self)
        _name(self.details_button, "detailsButton", _("Show the error report"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton(_("Copy report"), self)
        _name(self.copy_button, "copyReportButton", _("Copy the error report"))
        self.copy_button.clicked.connect(self.copy_report)
        self.copy_button.setVisible(False)
        self.close_button = QPushButton(_("Close"), self)
        _name(self.close_button, "closeButton", _("Close"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        if details is None:
            self.details_button.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.details_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        self.close_button.setFocus()

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.copy_button.setVisible(shown)
        self.details_button.setText(_("Hide details") if shown else _("Details"))
        self.adjustSize()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    def add_report(self, message: str, details: str | None) -> None:
        """Another error while this dialog is open: append it instead of stacking dialogs."""
        self._count += 1
        if details:
            old = self.details.toPlainText()
            self.details.setPlainText(f"{old}\n\n{'-' * 60}\n\n{details}" if old else details)
            self.details_button.setVisible(True)
        self.message_label.setText(
            ngettext(
                "{message}\n\n({n} error in a row; see the details.)",
                "{message}\n\n({n} errors in a row; see the details.)",
                self._count,
            ).format(message=message, n=format_number(self._count))
        )


def show_error(
    message: str, details: str | None = None, parent: QWidget | None = None
) -> ErrorDialog:
    """Open an ErrorDialog without blocking (``open()``); returns it."""
    dialog = ErrorDialog(message, details, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def describe(exc: BaseException) -> tuple[str, str | None]:
    """(message, details) for an exception: PactError shows its message only."""
    if isinstance(exc, PactError):
        return str(exc), None
    return _(GENERIC_MESSAGE), error_report(type(exc), exc, exc.__traceback__)


class _Relay(QObject):
    """Carries errors from any thread to the UI thread (queued by Qt)."""

    error = Signal(object, object, object)


class ExceptHook:
    """sys.excepthook and threading.excepthook that log and show an ErrorDialog."""

    def __init__(self) -> None:
        self.relay = _Relay()
        self.relay.error.connect(self._show)
        self.dialog: ErrorDialog | None = None
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.hook
        threading.excepthook = self.thread_hook

    def uninstall(self) -> None:
        if sys.excepthook == self.hook:
            sys.excepthook = self._previous
        if threading.excepthook == self.thread_hook:
            threading.excepthook = self._previous_thread

    def hook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        # the log formatter (pact.log) keeps types and code locations, not messages
        if isinstance(exc, PactError):
            log.warning("Expected error shown to the user: %s", exc_type.__name__)
        else:
            log.error("Uncaught exception", exc_info=(exc_type, exc, tb))
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.relay.error.emit(exc_type, exc, tb)

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.hook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        try:
            self._show_dialog(exc_type, exc, tb)
        except Exception:  # the dialog itself failed: at least the log and stderr have it
            log.exception("The error dialog failed")
            sys.__excepthook__(exc_type, exc, tb)

    def _show_dialog(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, PactError):
            message, details = str(exc), None
        else:
            message, details = _(GENERIC_MESSAGE), error_report(exc_type, exc, tb)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_report(message, details)
            self.dialog.raise_()
            return
        parent = QApplication.activeWindow()
        self.dialog = show_error(message, details, parent)
        self.dialog.destroyed.connect(self._forget)

    def _forget(self) -> None:
        self.dialog = None


_installed: ExceptHook | None = None


def install_excepthook() -> ExceptHook:
    """Install (once) and return the global hook."""
    global _installed
    if _installed is None:
        _installed = ExceptHook()
    _installed.install()
    return _installed
