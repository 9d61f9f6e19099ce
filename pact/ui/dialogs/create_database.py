"""First run: create a new encrypted database, explained in plain words.

With a usable keyring the key is generated and kept there (a recovery key is
shown next); without one, or when the person prefers it, a passphrase asked
twice protects the database. Like the unlock dialog this one only collects the
choice (``submitted``); the start-up controller creates the file in an op.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _
from pact.services import access
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import error_label


def fit_height(widget: QWidget, shrink: bool = False) -> None:
    """Give a dialog with word-wrapped labels the height its layout needs at its width
    (Qt sizes top-level windows without height-for-width, so texts could be clipped)."""
    layout = widget.layout()
    if layout is None:
        return
    # the innermost layouts first, so that every size hint has taken in new texts
    inner = [w.layout() for w in widget.findChildren(QWidget) if w.layout() is not None]
    for child_layout in reversed(inner):
        if child_layout is not None:
            child_layout.activate()
    layout.activate()
    need = widget.heightForWidth(widget.width())
    if need > 0 and (need > widget.height() or shrink):
        widget.resize(widget.width(), need)


def _wrapped(text: str, parent: QWidget, object_name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


class PassphraseForm(QWidget):
    """A new passphrase, typed twice, with the rules' message next to the field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("passphraseForm")
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setObjectName("passphraseEdit")
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setObjectName("repeatEdit")
        self.repeat_edit.setAccessibleName(_("Passphrase again"))
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_check = QCheckBox(_("Show what I type"), self)
        self.show_check.setObjectName("showPassphrase")
        self.show_check.setAccessibleName(_("Show what I type"))
        self.show_check.toggled.connect(self._toggle_echo)
        self.passphrase_error = error_label(self, "passphraseError")
        self.repeat_error = error_label(self, "repeatError")
        self.passphrase_edit.textEdited.connect(lambda _t: self.passphrase_error.setVisible(False))
        self.repeat_edit.textEdited.connect(lambda _t: self.repeat_error.setVisible(False))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        first = QLabel(_("&Passphrase:"), self)
        first.setBuddy(self.passphrase_edit)
        second = QLabel(_("&Again:"), self)
        second.setBuddy(self.repeat_edit)
        form.addRow(first, self.passphrase_edit)
        form.addRow("", self.passphrase_error)
        form.addRow(second, self.repeat_edit)
        form.addRow("", self.repeat_error)
        form.addRow("", self.show_check)
        self.setFocusProxy(self.passphrase_edit)

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase_edit.setEchoMode(mode)
        self.repeat_edit.setEchoMode(mode)

    def value(self) -> str | None:
        """The passphrase when both fields agree and it follows the rules, else None
        (and the reason is shown next to the field)."""
        text = self.passphrase_edit.text()
        problem = access.check_new_passphrase(text)
        self.passphrase_error.setText(problem or "")
        self.passphrase_error.setVisible(bool(problem))
        if problem:
            fit_height(self.window())
            self.passphrase_edit.setFocus()
            self.passphrase_edit.selectAll()
            return None
        if self.repeat_edit.text() != text:
            self.repeat_error.setText(_("The two passphrases are not the same."))
            self.repeat_error.setVisible(True)
            fit_height(self.window())
            self.repeat_edit.setFocus()
            self.repeat_edit.selectAll()
            return None
        self.repeat_error.setVisible(False)
        return text

    def set_enabled(self, enabled: bool) -> None:
        for w in (self.passphrase_edit, self.repeat_edit, self.show_check):
            w.setEnabled(enabled)


def only_key_warning() -> str:
    return _(
        "The passphrase is the only key: if you forget it, nobody can open the database. "
        "Not you, not a colleague, not the makers of pact. Write it down and keep it in a "
        "safe place."
    )


class CreateDatabaseDialog(QDialog):
    """Emits ``submitted`` with the passphrase, or None for keyring mode;
    ``restore_requested`` when a backup is to become the database instead (a new
    computer after the old one broke); ``connect_requested`` to work on a team's
    server instead (``last_server``: the short name of the one used before, offered
    by name)."""

    submitted = Signal(object)
    restore_requested = Signal()
    connect_requested = Signal()

    def __init__(
        self,
        db_path: Path,
        keyring_available: bool,
        reason: str = "",
        parent: QWidget | None = None,
        last_server: str = "",
    ):
        super().__init__(parent)
        self.setObjectName("createDatabaseDialog")
        self.setWindowTitle(_("Welcome to pact: create a new database"))
        self.setMinimumWidth(560)

        heading = QLabel(_("A new pact database"), self)
        heading.setObjectName("createHeading")
        font = heading.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        heading.setFont(font)
        intro = _wrapped(
            _(
                "pact keeps all its data in one encrypted file on this computer. Without "
                "its key nobody can read the file, not even when the laptop is lost or "
                "stolen. The new database will be created here:"
            ),
            self,
            "createIntro",
        )
        path_label = _wrapped(str(db_path), self, "createPath")
        path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = path_label.font()
        font.setBold(True)
        path_label.setFont(font)

        # two pages; only the current one is shown (hidden widgets take no room,
        # which a QStackedWidget's height-for-width would not allow)
        self.pages = QWidget(self)
        self.pages.setObjectName("createPages")
        pages_layout = QVBoxLayout(self.pages)
        pages_layout.setContentsMargins(0, 0, 0, 0)

        # -- keyring page
        self.keyring_page = QWidget(self.pages)
        self.keyring_page.setObjectName("keyringPage")
        kp = QVBoxLayout(self.keyring_page)
        kp.setContentsMargins(0, 0, 0, 0)
        kp.addWidget(
            _wrapped(
                _(
                    "pact makes a random key and keeps it in the keyring of this computer "
                    "(the safe where your computer keeps passwords). You do not have to "
                    "type anything when pact starts."
                ),
                self.keyring_page,
            )
        )
        kp.addWidget(
            _wrapped(
                _(
                    "Next, pact shows a recovery key once. Write it down or print it, and "
                    "keep it in a safe place away from this computer: you need it on a new "
                    "computer, or when the keyring has lost the key."
                ),
                self.keyring_page,
            )
        )
        self.use_passphrase_button = QPushButton(_("Use a passphrase instead…"), self.keyring_page)
        self.use_passphrase_button.setObjectName("usePassphraseButton")
        self.use_passphrase_button.setAccessibleName(_("Use a passphrase instead"))
        self.use_passphrase_button.setAutoDefault(False)
        self.use_passphrase_button.clicked.connect(lambda: self.use_passphrase(""))
        row = QHBoxLayout()
        row.addWidget(self.use_passphrase_button)
        row.addStretch(1)
        kp.addLayout(row)
        pages_layout.addWidget(self.keyring_page)

        # -- passphrase page
        self.passphrase_page = QWidget(self.pages)
        self.passphrase_page.setObjectName("passphrasePage")
        pp = QVBoxLayout(self.passphrase_page)
        pp.setContentsMargins(0, 0, 0, 0)
        self.reason_label = _wrapped("", self.passphrase_page, "createReason")
        self.reason_label.setVisible(False)
        pp.addWidget(self.reason_label)
        pp.addWidget(
            _wrapped(
                _(
                    "Choose a passphrase of at least {n} characters, for instance a few "
                    "words that belong together only for you. pact asks for it every time "
                    "it starts."
                ).format(n=access.MIN_PASSPHRASE),
                self.passphrase_page,
            )
        )
        warning = _wrapped(only_key_warning(), self.passphrase_page, "onlyKeyWarning")
        warning.setStyleSheet(
            "background: #fff4ce; border: 1px solid #e0b000; border-radius: 4px; padding: 8px;"
            "color: #3d3000;"
        )
        pp.addWidget(warning)
        self.form = PassphraseForm(self.passphrase_page)
        pp.addWidget(self.form)
        pages_layout.addWidget(self.passphrase_page)

        self._page: QWidget = self.keyring_page
        self.error_label = error_label(self, "createError")
        self.busy = busy_bar(self, "createBusy")

        self.create_button = QPushButton(_("&Create database"), self)
        self.create_button.setObjectName("createButton")
        self.create_button.setAccessibleName(_("Create the database"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._submit)
        self.quit_button = QPushButton(_("&Quit"), self)
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setAccessibleName(_("Quit pact"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        self.restore_button = QPushButton(_("Restore from a &backup…"), self)
        self.restore_button.setObjectName("restoreFromBackupButton")
        self.restore_button.setAccessibleName(_("Restore pact's data from a backup"))
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore_requested)
        if last_server:
            connect_text = _("Connect to the team server {name} &again…").format(name=last_server)
        else:
            connect_text = _("Connect to a team &server…")
        self.connect_button = QPushButton(connect_text, self)
        self.connect_button.setObjectName("connectServerButton")
        self.connect_button.setAccessibleName(
            _("Connect to a team's PostgreSQL server instead of a file on this computer")
        )
        self.connect_button.setToolTip(
            _(
                "When several workers share pact, its data are on the team's server; its "
                "administrator gives you the details."
            )
        )
        self.connect_button.setAutoDefault(False)
        self.connect_button.clicked.connect(self.connect_requested)
        others = QHBoxLayout()
        others.addWidget(QLabel(_("Or:"), self))
        others.addWidget(self.restore_button)
        others.addWidget(self.connect_button)
        others.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(path_label)
        layout.addSpacing(8)
        layout.addWidget(self.pages)
        layout.addStretch(1)
        layout.addSpacing(8)
        layout.addWidget(self.error_label)
        layout.addLayout(others)
        layout.addSpacing(4)
        layout.addLayout(buttons)

        if keyring_available:
            self._show_page(self.keyring_page)
            self.create_button.setFocus()
        else:
            self.use_passphrase(reason)

    def uses_passphrase(self) -> bool:
        return self._page is self.passphrase_page

    def use_passphrase(self, reason: str) -> None:
        """Show the passphrase form (no keyring, the keyring refused, or chosen)."""
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self._show_page(self.passphrase_page)
        self.set_busy(False)
        self.form.setFocus()

    def _show_page(self, page: QWidget) -> None:
        self._page = page
        self.keyring_page.setVisible(page is self.keyring_page)
        self.passphrase_page.setVisible(page is self.passphrase_page)
        if self.isVisible():
            fit_height(self, shrink=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def _submit(self) -> None:
        if self.busy.isVisible():
            return
        self.error_label.setVisible(False)
        if self.uses_passphrase():
            passphrase = self.form.value()
            if passphrase is None:
                return
            self.set_busy(True)
            self.submitted.emit(passphrase)
        else:
            self.set_busy(True)
            self.submitted.emit(None)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.create_button.setEnabled(not busy)
        self.use_passphrase_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)
        self.form.set_enabled(not busy)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        fit_height(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
