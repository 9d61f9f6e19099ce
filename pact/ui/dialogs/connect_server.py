"""Connecting to a team's PostgreSQL server: where it is, which database, as which
database user, how the connection is secured, and (only when the server asks for
one) the server password.

Like the other start-up dialogs this one only collects what is typed
(``submitted`` with a ``ServerUrl`` and the typed server password or None); the
start-up controller connects in an op and reports back next to the right field:
``show_error(field, message)`` (host, database, user, tls, password), or
``ask_password(message, refused, keyring)`` when the server wants a password.
The server password is not the pact user's password: that one is asked for at the
log-in afterwards.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pact.db import server
from pact.db.server import ServerAddressError, ServerUrl, parse_url
from pact.i18n import _
from pact.security.credentials import KeyringState
from pact.ui.dialogs.create_database import fit_height
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.intro_head import intro_head
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import hint_label, password_edit
from pact.ui.widgets.path_field import PathField


def tls_choices() -> tuple[tuple[str, str], ...]:
    """(libpq sslmode, what it means for people), the safest first."""
    return (
        ("verify-full", _("Encrypted, the server's certificate and name checked (recommended)")),
        ("verify-ca", _("Encrypted, the certificate checked but not the server's name")),
        ("require", _("Encrypted, the server not checked")),
        ("prefer", _("Encrypted when the server can, else not")),
        ("allow", _("Not encrypted, unless the server insists")),
        ("disable", _("Not encrypted (a test server on this computer only)")),
    )


def tls_hint(mode: str) -> str:
    if mode == "verify-full":
        return _(
            "pact checks with the CA file that it really talks to this server. Choose this "
            "unless the server's administrator says otherwise."
        )
    if mode in ("verify-ca", "require"):
        return _(
            "The connection is encrypted, but another computer could pretend to be the "
            "server. Only when the administrator tells you to."
        )
    return _(
        "What you type and read may travel over the network unencrypted. Only for a "
        "server on this computer, never over a network."
    )


def server_backups_text() -> str:
    """Why backups (and restoring one) are not pact's on a team server."""
    return _(
        "Only for a database on this computer: the backups of the team server are made "
        "by the server's administrator."
    )


def server_key_text() -> str:
    """Why the key protection (passphrase, keyring key, recovery sheet) is not there on
    a team server."""
    return _(
        "The data are on the team server, not in a file on this computer. A passphrase, "
        "the key in the keyring and the recovery sheet only apply to a database on this "
        "computer; encrypting the server's disks and making its backups is the task of "
        "the server's administrator."
    )


def password_note(user: str, keyring: KeyringState | None) -> str:
    """What the server password is, and where pact keeps it."""
    what = _(
        "The password of the database user {user} on the server, from its administrator: "
        "not your password for pact, which is asked next."
    ).format(user=user)
    if keyring is None or keyring is KeyringState.AVAILABLE:
        where = _(
            "Once it works, pact keeps it in the keyring of this computer, so you do not "
            "have to type it again."
        )
    elif keyring is KeyringState.UNAVAILABLE:
        where = _(
            "This computer has no usable keyring: pact asks for this password every time "
            "it connects, and never writes it to disk."
        )
    else:
        where = _(
            "The keyring of this computer is locked or does not answer: pact asks for this "
            "password every time it connects, and never writes it to disk."
        )
    return f"{what} {where}"


class ConnectServerDialog(QDialog):
    """``submitted(ServerUrl, str | None)``: connect (with the typed server password,
    if the server asked for one); ``local_requested``: use a database on this
    computer instead (offered at start); rejected: Quit (at start) or Back."""

    submitted = Signal(object, object)
    local_requested = Signal()

    FIELDS = ("host", "database", "user", "tls", "ca_file", "password")

    def __init__(
        self,
        address: str = "",
        at_start: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("connectServerDialog")
        self.setWindowTitle(_("pact: connect to a team server"))
        self.setMinimumWidth(640)
        self.keyring: KeyringState | None = None
        self._busy = False
        self._asked = ""  # the server's request for a password, said above the field

        head = intro_head(
            self,
            _("Connect to a team server"),
            _(
                "When several workers share pact, its data are on the team's PostgreSQL "
                "server instead of in a file on this computer. Its administrator gives you "
                "these details."
            ),
            "connect",
        )
        self.message = MessageBar("connectMessage", self)

        # -- where
        self.host_edit = QLineEdit(self)
        self.host_edit.setObjectName("serverHost")
        self.host_edit.setAccessibleName(_("Server (name or address)"))
        self.host_edit.setPlaceholderText(_("e.g. db.example.nl"))
        self.host_edit.setMaxLength(255)
        self.port_spin = QSpinBox(self)
        self.port_spin.setObjectName("serverPort")
        self.port_spin.setAccessibleName(_("Port"))
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(server.DEFAULT_PORT)
        self.port_spin.setGroupSeparatorShown(False)
        inner = self.port_spin.findChild(QLineEdit)
        if inner is not None:
            inner.setAccessibleName(self.port_spin.accessibleName())
        port_label = QLabel(_("P&ort:"), self)
        port_label.setBuddy(self.port_spin)
        where = QWidget(self)
        wl = QHBoxLayout(where)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.host_edit, 1)
        wl.addSpacing(8)
        wl.addWidget(port_label)
        wl.addWidget(self.port_spin)
        self.host_row = FieldRow(where, "serverHost", self)
        self.host_row.focus_target = self.host_edit

        self.database_edit = QLineEdit(self)
        self.database_edit.setObjectName("serverDatabase")
        self.database_edit.setAccessibleName(_("Database on the server"))
        self.database_edit.setPlaceholderText(_("e.g. pact"))
        self.database_edit.setMaxLength(63)
        self.database_row = FieldRow(self.database_edit, "serverDatabase", self)

        self.user_edit = QLineEdit(self)
        self.user_edit.setObjectName("serverUser")
        self.user_edit.setAccessibleName(_("Database user"))
        self.user_edit.setMaxLength(63)
        self.user_row = FieldRow(self.user_edit, "serverUser", self)
        user_hint = hint_label(
            _("The name the server knows this workstation by; not your pact user name."),
            self,
            "serverUserHint",
        )

        # -- how it is secured
        self.tls_combo = QComboBox(self)
        self.tls_combo.setObjectName("serverTls")
        self.tls_combo.setAccessibleName(_("Secure connection (TLS)"))
        for mode, meaning in tls_choices():
            self.tls_combo.addItem(f"{meaning} [{mode}]", mode)
        self.tls_row = FieldRow(self.tls_combo, "serverTls", self)
        self.tls_hint = hint_label("", self, "serverTlsHint")
        self.tls_combo.currentIndexChanged.connect(self._tls_changed)

        self.ca_field = PathField(
            self,
            "serverCaFile",
            _("CA file (the certificate that signed the server's)"),
            _("Choose the CA file"),
            self._ask_ca_file,
        )
        self.ca_field.edit.setPlaceholderText(_("e.g. ca.pem, from the server's administrator"))
        ca_hint = hint_label(
            _(
                "The certificate of the authority that signed the server's certificate. "
                "Empty: the file ~/.postgresql/root.crt, if there is one."
            ),
            self,
            "serverCaHint",
        )

        # -- the server password: only when the server asks for one
        self.password_edit = password_edit(self, "serverPassword", _("Server password"))
        self.password_row = FieldRow(self.password_edit, "serverPassword", self)
        self.password_note = hint_label("", self, "serverPasswordNote")
        self.password_note.setStyleSheet("")  # it matters: not in the quiet colour

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def label(text: str, buddy: QWidget, name: str) -> QLabel:
            widget = QLabel(text, self)
            widget.setObjectName(name)
            widget.setBuddy(buddy)
            return widget

        self.form.addRow(label(_("&Server:"), self.host_edit, "serverHostLabel"), self.host_row)
        self.form.addRow(
            label(_("&Database:"), self.database_edit, "serverDatabaseLabel"), self.database_row
        )
        self.form.addRow(
            label(_("Database &user:"), self.user_edit, "serverUserLabel"), self.user_row
        )
        self.form.addRow("", user_hint)
        self.form.addRow(
            label(_("Secure &connection:"), self.tls_combo, "serverTlsLabel"), self.tls_row
        )
        self.form.addRow("", self.tls_hint)
        self.form.addRow(
            label(_("C&A file:"), self.ca_field.edit, "serverCaFileLabel"), self.ca_field.row
        )
        self.form.addRow("", ca_hint)
        self.password_label = label(
            _("Server pass&word:"), self.password_edit, "serverPasswordLabel"
        )
        self.form.addRow(self.password_label, self.password_row)
        self.form.addRow("", self.password_note)
        self._show_password(False)

        # -- foot
        self.busy = busy_bar(self, "connectBusy")
        self.connect_button = QPushButton(_("&Connect"), self)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setAccessibleName(_("Connect to the server"))
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self._submit)
        self.cancel_button = QPushButton(_("&Quit") if at_start else _("&Back"), self)
        self.cancel_button.setObjectName("connectCancelButton")
        self.cancel_button.setAccessibleName(
            _("Quit pact") if at_start else _("Back to the start screen")
        )
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.local_button = QPushButton(_("Use a database on this co&mputer"), self)
        self.local_button.setObjectName("useLocalButton")
        self.local_button.setAccessibleName(_("Use a database on this computer instead"))
        self.local_button.setAutoDefault(False)
        self.local_button.clicked.connect(self.local_requested)
        self.local_button.setVisible(at_start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.local_button)
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(buttons)

        for edit, row in (
            (self.host_edit, self.host_row),
            (self.database_edit, self.database_row),
            (self.user_edit, self.user_row),
            (self.password_edit, self.password_row),
        ):
            edit.textEdited.connect(lambda _t, r=row: r.set_error(None))
        self.port_spin.valueChanged.connect(lambda _v: self.host_row.set_error(None))
        self.ca_field.edit.textEdited.connect(lambda _t: self.ca_field.set_error(None))
        self.user_edit.textEdited.connect(lambda _t: self._note_password())

        self._tls_changed()
        # the address given (pact --server URL, the last server) could be used
        self.address_ok = self.fill(address) if address else False
        (self.connect_button if self.address_ok else self.host_edit).setFocus()

    # ------------------------------------------------------------ filling in
    def fill(self, address: str) -> bool:
        """Fill the fields from a server address (``pact --server URL``, the last
        connection); a bad address is said above the fields. True when it was good."""
        try:
            url = parse_url(address)
        except ServerAddressError as exc:
            self.message.show_message(
                _("The server address {address} cannot be used: {problem}").format(
                    address=address, problem=exc
                ),
                "error",
            )
            return False
        self.host_edit.setText(url.host)
        self.port_spin.setValue(url.port)
        self.database_edit.setText(url.database)
        self.user_edit.setText(url.user)
        self.tls_combo.setCurrentIndex(max(0, self.tls_combo.findData(url.tls)))
        self.ca_field.edit.setText(str(url.ca_file) if url.ca_file is not None else "")
        return True

    def _tls_changed(self, _index: int = 0) -> None:
        self.tls_row.set_error(None)
        self.tls_hint.setText(tls_hint(self.tls_mode()))
        self._fit()

    def tls_mode(self) -> str:
        return str(self.tls_combo.currentData())

    def _ask_ca_file(self, current: str) -> str:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the CA file"),
            current or str(Path.home()),
            _("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        return chosen

    # ------------------------------------------------------------ submitting
    def url(self) -> ServerUrl | None:
        """The address in the fields, or None (and what is missing is said next to it)."""
        self.clear_errors()
        problems: list[tuple[str, str]] = []
        host = self.host_edit.text().strip()
        database = self.database_edit.text().strip()
        user = self.user_edit.text().strip()
        if not host:
            problems.append(("host", _("Type the name or address of the server.")))
        elif any(ch.isspace() or ch in "/@?#" for ch in host):
            problems.append(("host", _("A server name has no spaces and none of / @ ? #.")))
        if not database:
            problems.append(("database", _("Type the name of the database on the server.")))
        if not user:
            problems.append(("user", _("Type the database user the administrator gave you.")))
        ca_text = self.ca_field.text()
        ca = Path(ca_text).expanduser() if ca_text else None
        if ca is not None and not ca.is_file():
            problems.append(("ca_file", _("There is no file {path}.").format(path=ca)))
        for field, message in problems:
            self.show_error(field, message, busy=False)
        if problems:
            self._focus(problems[0][0])
            return None
        return ServerUrl(
            user=user,
            host=host.strip("[]"),
            port=self.port_spin.value(),
            database=database,
            tls=self.tls_mode(),
            ca_file=ca.resolve() if ca is not None else None,
        )

    def password(self) -> str | None:
        if not self.password_shown():
            return None
        return self.password_edit.text() or None

    def _submit(self) -> None:
        if self._busy:
            return
        url = self.url()
        if url is None:
            return
        if self.password_shown() and not self.password_edit.text():
            self.show_error("password", _("Type the server password."), busy=False)
            self.password_edit.setFocus()
            return
        self.message.hide()
        self.set_busy(True)
        self.submitted.emit(url, self.password())

    def connect_now(self) -> None:
        """Connect with what is filled in (``pact --server URL``, the last server)."""
        self._submit()

    # ------------------------------------------------------------ answers
    def _rows(self) -> dict[str, FieldRow]:
        return {
            "host": self.host_row,
            "database": self.database_row,
            "user": self.user_row,
            "tls": self.tls_row,
            "ca_file": self.ca_field.row,
            "password": self.password_row,
        }

    def clear_errors(self) -> None:
        for row in self._rows().values():
            row.set_error(None)

    def show_error(self, field: str, message: str, busy: bool = True) -> None:
        """``message`` next to ``field`` (unknown fields: above the form)."""
        if busy:
            self.set_busy(False)
        if field == "password":
            self._show_password(True)
        row = self._rows().get(field)
        if row is None:
            self.message.show_message(message, "error")
        else:
            row.set_error(message)
            if busy:
                self._focus(field)
        self._fit()

    def show_message(self, message: str, kind: str = "error") -> None:
        """Something about the whole connection (e.g. a schema from a newer pact)."""
        self.set_busy(False)
        self.message.show_message(message, kind)
        self._fit()

    def ask_password(self, message: str, refused: bool, keyring: KeyringState | None) -> None:
        """The server wants a password (``refused``: it did not take the one typed)."""
        self.set_busy(False)
        self.keyring = keyring
        self._asked = "" if refused else message
        self._show_password(True)
        if refused:
            self.password_edit.selectAll()
            self.password_row.set_error(message)
        else:
            self.password_row.set_error(None)
        self.password_edit.setFocus()
        self._fit()

    def _note_password(self) -> None:
        note = password_note(self.user_edit.text().strip(), self.keyring)
        self.password_note.setText(f"{self._asked} {note}" if self._asked else note)

    def password_shown(self) -> bool:
        return not self.password_row.isHidden()

    def _show_password(self, shown: bool) -> None:
        self.form.setRowVisible(self.password_row, shown)
        self.form.setRowVisible(self.password_note, shown)
        if shown:
            self._note_password()

    def _focus(self, field: str) -> None:
        row = self._rows().get(field)
        if row is not None:
            row.focus()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for widget in (
            self.host_edit,
            self.port_spin,
            self.database_edit,
            self.user_edit,
            self.tls_combo,
            self.ca_field.edit,
            self.ca_field.button,
            self.password_edit,
            self.connect_button,
            self.local_button,
        ):
            widget.setEnabled(not busy)

    def is_busy(self) -> bool:
        return self._busy

    # ------------------------------------------------------------ size and keys
    def _fit(self) -> None:
        if self.isVisible():
            fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._busy:
            return  # Quit / Back stay there to click
        super().keyPressEvent(event)
