"""Settings: language, how the database key is protected, the municipalities list.

The language is saved on OK (pact.config.Settings); the main window then rebuilds
itself in the new language. Switching the key protection happens at once, in a
write op, because it re-encrypts the database file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact import config, i18n
from pact.errors import PactError, ValidationError
from pact.i18n import _, ngettext
from pact.security import credentials
from pact.security.credentials import KeyringState
from pact.services import access, documents, retention
from pact.services.access import KeyMode
from pact.ui.context import AppContext
from pact.ui.dialogs.connect_server import server_key_text
from pact.ui.dialogs.create_database import PassphraseForm, fit_height, only_key_warning
from pact.ui.dialogs.municipalities import MunicipalitiesDialog
from pact.ui.dialogs.recovery_key import RecoveryKeyDialog
from pact.ui.ops import Op
from pact.ui.widgets.field import ERROR_STYLE, error_label

LANGUAGE_NAMES = (("nl", "Nederlands"), ("en", "English"))  # each in its own language


def key_mode_text(mode: KeyMode) -> str:
    if mode is KeyMode.KEYRING:
        return _("Key in the keyring")
    if mode is KeyMode.SERVER:
        return _("On the team server")
    return _("Protected by passphrase")


def keyring_refusal(state: KeyringState) -> str:
    """Why the key cannot be moved into the keyring right now."""
    return {
        KeyringState.LOCKED: _(
            "The keyring of this computer is locked. Unlock it (usually by logging in "
            "again) and open the settings again."
        ),
        KeyringState.UNAVAILABLE: _(
            "This computer has no usable keyring, so the key cannot be stored there."
        ),
        KeyringState.NOT_RESPONDING: _(
            "The keyring of this computer does not answer. It may be waiting to be "
            "unlocked; try again later."
        ),
    }.get(state, state.message())


class NewPassphraseDialog(QDialog):
    """Asks for a new passphrase twice; emits ``submitted`` with it."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newPassphraseDialog")
        self.setWindowTitle(_("Protect the database with a passphrase"))
        self.setMinimumWidth(500)
        intro = QLabel(
            _(
                "From now on pact asks for this passphrase every time it starts, and the "
                "key is removed from this computer's keyring. The old recovery key no "
                "longer works."
            ),
            self,
        )
        intro.setWordWrap(True)
        warning = QLabel(only_key_warning(), self)
        warning.setObjectName("onlyKeyWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(
            "background: #fff4ce; border: 1px solid #e0b000; border-radius: 4px; padding: 8px;"
            "color: #3d3000;"
        )
        self.busy = False
        self.form = PassphraseForm(self)
        self.error_label = error_label(self, "newPassphraseError")
        box = QDialogButtonBox(self)
        self.ok_button = box.addButton(
            _("Use this passphrase"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("okButton")
        self.ok_button.setAccessibleName(_("Use this passphrase"))
        self.ok_button.setDefault(True)
        cancel = box.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        cancel.setAccessibleName(_("Cancel"))
        self.ok_button.clicked.connect(self._submit)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(warning)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.form.setFocus()

    def _submit(self) -> None:
        value = self.form.value()
        if value is not None and not self.busy:
            self.error_label.setVisible(False)
            self.set_busy(True)
            self.submitted.emit(value)

    def set_busy(self, busy: bool) -> None:
        """While the file is re-encrypted the dialog cannot be closed."""
        self.busy = busy
        self.ok_button.setEnabled(not busy)
        self.form.set_enabled(not busy)

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
        else:
            super().closeEvent(event)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        fit_height(self)


class SettingsDialog(QDialog):
    """``language_changed`` is True after OK when another language was chosen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.language_changed = False
        self.switching = False  # re-encrypting: the dialog stays open until it is done
        self.keyring_state: KeyringState | None = None
        self.child_dialog: QDialog | None = None
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_now)

        # -- language
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.setAccessibleName(_("Language"))
        for code, name in LANGUAGE_NAMES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(i18n.language())))
        language_label = QLabel(_("&Language:"), self)
        language_label.setBuddy(self.language_combo)
        # -- locking (a setting of this computer, like the language)
        self.lock_minutes = config.Settings.load().lock_minutes
        low, high = config.LOCK_MINUTES_RANGE
        self.lock_spin = QSpinBox(self)
        self.lock_spin.setObjectName("lockMinutesSpin")
        self.lock_spin.setAccessibleName(_("Lock after how many minutes without input"))
        inner = self.lock_spin.findChild(QLineEdit)
        if inner is not None:  # the spin box's own field: read with the same name
            inner.setAccessibleName(self.lock_spin.accessibleName())
        self.lock_spin.setRange(low, high)
        self.lock_spin.valueChanged.connect(self._lock_suffix)
        self.lock_spin.setValue(self.lock_minutes)
        self._lock_suffix(self.lock_minutes)
        self.lock_spin.setToolTip(
            _("pact hides everything and asks for your password again. Ctrl+L locks at once.")
        )
        lock_label = QLabel(_("L&ock after:"), self)
        lock_label.setBuddy(self.lock_spin)
        general = QGroupBox(_("General"), self)
        gl = QFormLayout(general)
        gl.addRow(language_label, self.language_combo)
        gl.addRow(lock_label, self.lock_spin)

        # -- key protection
        key_box = QGroupBox(_("Protection of the database"), self)
        key_box.setObjectName("keyBox")
        self.mode_label = QLabel("", key_box)
        self.mode_label.setObjectName("keyModeLabel")
        font = self.mode_label.font()
        font.setBold(True)
        self.mode_label.setFont(font)
        self.mode_help = QLabel("", key_box)
        self.mode_help.setObjectName("keyModeHelp")
        self.mode_help.setWordWrap(True)
        self.switch_button = QPushButton("", key_box)
        self.switch_button.setObjectName("switchKeyModeButton")
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self.switch_key_mode)
        self.key_status = QLabel("", key_box)
        self.key_status.setObjectName("keyStatus")
        self.key_status.setWordWrap(True)
        kl = QVBoxLayout(key_box)
        kl.addWidget(self.mode_label)
        kl.addWidget(self.mode_help)
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        kl.addLayout(row)
        kl.addWidget(self.key_status)

        # -- reference data
        data_box = QGroupBox(_("Reference data"), self)
        self.municipalities_button = QPushButton(_("&Municipalities…"), data_box)
        self.municipalities_button.setObjectName("municipalitiesButton")
        self.municipalities_button.setAccessibleName(_("Edit the list of municipalities"))
        self.municipalities_button.setAutoDefault(False)
        self.municipalities_button.clicked.connect(self.open_municipalities)
        dl = QHBoxLayout(data_box)
        dl.addWidget(QLabel(_("The municipalities partners can serve."), data_box), 1)
        dl.addWidget(self.municipalities_button)

        # -- the letterhead of printed documents
        self.letterhead_box = self._build_letterhead()
        # -- how long closed cases are kept
        self.retention_box = self._build_retention()

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("okButton")
        ok.setText(_("OK"))
        ok.setAccessibleName(_("OK"))
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        cancel.setText(_("Cancel"))
        cancel.setAccessibleName(_("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(key_box)
        layout.addWidget(data_box)
        layout.addWidget(self.letterhead_box)
        layout.addWidget(self.retention_box)
        layout.addStretch(1)
        layout.addWidget(box)

        self._show_mode()
        self._probe()
        self.language_combo.setFocus()

    # -- language and locking
    def chosen_language(self) -> str:
        return str(self.language_combo.currentData())

    def _lock_suffix(self, minutes: int) -> None:
        self.lock_spin.setSuffix(
            ngettext(" minute without input", " minutes without input", minutes)
        )

    def reject(self) -> None:
        if not self.switching:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.switching:
            event.ignore()
        else:
            super().closeEvent(event)

    # -- letterhead
    def _build_letterhead(self) -> QGroupBox:
        group = QGroupBox(_("Printed documents"), self)
        group.setObjectName("letterheadBox")
        self.pact_name_edit = QLineEdit(group)
        self.pact_name_edit.setObjectName("pactNameEdit")
        self.pact_name_edit.setAccessibleName(_("Name of the pact"))
        self.pact_name_edit.setMaxLength(documents.MAX_PACT_NAME)
        self.pact_name_error = error_label(group, "pactNameError")
        self.logo_preview = QLabel(group)
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setMinimumHeight(48)
        self.choose_logo_button = QPushButton(_("Choose &logo…"), group)
        self.choose_logo_button.setObjectName("chooseLogoButton")
        self.choose_logo_button.setAutoDefault(False)
        self.choose_logo_button.setAccessibleName(_("Choose a logo"))
        self.remove_logo_button = QPushButton(_("&Remove logo"), group)
        self.remove_logo_button.setObjectName("removeLogoButton")
        self.remove_logo_button.setAutoDefault(False)
        self.remove_logo_button.setAccessibleName(_("Remove the logo"))
        self.logo_error = error_label(group, "logoError")
        name_label = QLabel(_("&Name of the pact:"), group)
        name_label.setBuddy(self.pact_name_edit)
        form = QFormLayout(group)
        form.addRow(name_label, self.pact_name_edit)
        form.addRow("", self.pact_name_error)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(self.choose_logo_button)
        logo_row.addWidget(self.remove_logo_button)
        logo_label = QLabel(_("Logo:"), group)
        logo_label.setMinimumHeight(self.logo_preview.minimumHeight())  # level with the row
        logo_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(logo_label, logo_row)
        form.addRow("", self.logo_error)
        hint = QLabel(
            _("Printed at the top of every agenda and set of minutes (PNG or JPEG)."), group
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.choose_logo_button.clicked.connect(lambda: self.choose_logo())
        self.remove_logo_button.clicked.connect(lambda: self._set_logo(None))
        self._loaded_letterhead: documents.DocumentSettings | None = None
        self._set_logo(None)
        group.setEnabled(False)  # until the letterhead is read
        if not (self.ctx.actor.is_coordinator or self.ctx.actor.is_administrator):
            group.setToolTip(_("Only a coordinator or an administrator can change these."))
        uow = self.ctx.uow
        Op(self, lambda: documents.document_settings(uow())).success(self._letterhead_loaded).run()
        return group

    # -- retention
    def _build_retention(self) -> QGroupBox:
        group = QGroupBox(_("Keeping case files"), self)
        group.setObjectName("retentionBox")
        self.retention_spin = QSpinBox(group)
        self.retention_spin.setObjectName("retentionYearsSpin")
        self.retention_spin.setAccessibleName(_("Years a closed case is kept"))
        inner = self.retention_spin.findChild(QLineEdit)
        if inner is not None:
            inner.setAccessibleName(self.retention_spin.accessibleName())
        self.retention_spin.setRange(retention.MIN_YEARS, retention.MAX_YEARS)
        self.retention_spin.valueChanged.connect(self._retention_suffix)
        self.retention_spin.setValue(retention.DEFAULT_YEARS)
        self._retention_suffix(retention.DEFAULT_YEARS)
        self.retention_error = error_label(group, "retentionYearsError")
        label = QLabel(_("&Keep for:"), group)
        label.setBuddy(self.retention_spin)
        hint = QLabel(
            _(
                "Youth-care files are kept 20 years after care ended. Once that term has "
                "passed, a case appears under Retention, where the coordinator anonymises it."
            ),
            group,
        )
        hint.setWordWrap(True)
        form = QFormLayout(group)
        form.addRow(label, self.retention_spin)
        form.addRow("", self.retention_error)
        form.addRow("", hint)
        self.retention_years: int | None = None
        group.setEnabled(False)  # until the term is read
        if not (self.ctx.actor.is_coordinator or self.ctx.actor.is_administrator):
            group.setToolTip(_("Only a coordinator or an administrator can change these."))
        uow = self.ctx.uow
        Op(self, lambda: retention.get_years(uow())).success(self._retention_loaded).run()
        return group

    def _retention_suffix(self, years: int) -> None:
        self.retention_spin.setSuffix(
            ngettext(" year after the case was closed", " years after the case was closed", years)
        )

    def _retention_loaded(self, years: int) -> None:
        if not isValid(self):
            return
        self.retention_years = years
        self.retention_spin.setValue(years)
        self.retention_box.setEnabled(
            self.ctx.actor.is_coordinator or self.ctx.actor.is_administrator
        )
        self._fit()

    def _retention_changed(self) -> bool:
        return (
            self.retention_box.isEnabled()
            and self.retention_years is not None
            and self.retention_spin.value() != self.retention_years
        )

    def _save_retention(self) -> None:
        if not self._retention_changed():
            self._finish_accept()
            return
        uow, actor, years = self.ctx.uow, self.ctx.actor, self.retention_spin.value()
        Op(self, lambda: retention.set_years(uow(), actor, years), write=True).success(
            lambda _years: self._retention_saved()
        ).failure(self._retention_failed).run()

    def _retention_saved(self) -> None:
        self.ctx.changed.emit("retention")  # the retention list follows the new term
        self._finish_accept()

    def _retention_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ValidationError):
            raise exc
        self.retention_error.setText(exc.text)
        self.retention_error.setVisible(True)
        self._fit()

    def _letterhead_loaded(self, current: documents.DocumentSettings) -> None:
        if not isValid(self):  # closed before the database answered
            return
        self._loaded_letterhead = current
        self.pact_name_edit.setText(current.pact_name)
        self._set_logo(current.logo)
        self.letterhead_box.setEnabled(
            self.ctx.actor.is_coordinator or self.ctx.actor.is_administrator
        )

    def _set_logo(self, logo: bytes | None) -> None:
        self.logo = logo
        self.logo_error.setVisible(False)
        if logo:
            image = QPixmap()
            image.loadFromData(logo)
            self.logo_preview.setPixmap(
                image.scaledToHeight(48, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("No logo"))
        self.remove_logo_button.setEnabled(logo is not None)

    def choose_logo(self, path: str | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Choose a logo"), "", _("Pictures (*.png *.jpg *.jpeg)")
            )
            if not path:
                return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._show_logo_error(str(exc))
            return
        message = documents.logo_error(data)
        if message:
            self._show_logo_error(message)
            return
        self._set_logo(data)

    def _show_logo_error(self, message: str) -> None:
        self.logo_error.setText(message)
        self.logo_error.setVisible(True)
        self._fit()

    def _letterhead_changed(self) -> bool:
        loaded = self._loaded_letterhead
        return loaded is not None and (
            " ".join(self.pact_name_edit.text().split()) != loaded.pact_name
            or self.logo != loaded.logo
        )

    def accept(self) -> None:
        if self.switching:
            return
        if self.letterhead_box.isEnabled() and self._letterhead_changed():
            uow, actor = self.ctx.uow, self.ctx.actor
            name, logo = self.pact_name_edit.text(), self.logo
            Op(
                self,
                lambda: documents.save_document_settings(uow(), actor, name, logo),
                write=True,
            ).success(lambda _saved: self._save_retention()).failure(self._letterhead_failed).run()
            return
        self._save_retention()

    def _letterhead_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ValidationError):
            raise exc
        for error in exc.errors:
            label = self.logo_error if error.field == "logo" else self.pact_name_error
            label.setText(error.message)
            label.setVisible(True)
        self._fit()

    def _finish_accept(self) -> None:
        language = self.chosen_language()
        minutes = self.lock_spin.value()
        if language != i18n.language() or minutes != self.lock_minutes:
            settings = config.Settings.load()
            if language != i18n.language():
                settings.language = language
                self.language_changed = True
            settings.lock_minutes = minutes
            settings.save()
            if minutes != self.lock_minutes:
                self.lock_minutes = minutes
                self.ctx.changed.emit("settings")  # the lock's idle timer follows
        super().accept()

    # -- key protection
    def _show_mode(self) -> None:
        mode = self.ctx.mode
        self.mode_label.setText(key_mode_text(mode))
        if not self.ctx.db.local:  # re-keying and the recovery sheet: a file's only
            self.mode_label.setText(_("On the team server {name}").format(name=self.ctx.db.name()))
            self.mode_help.setText(server_key_text())
            self.switch_button.hide()
            self.key_status.hide()
        elif mode is KeyMode.KEYRING:
            self.mode_help.setText(
                _(
                    "The key is kept in this computer's keyring; pact opens without asking. "
                    "Keep the recovery key in a safe place."
                )
            )
            self.switch_button.setText(_("Use a &passphrase instead of the keyring…"))
            self.switch_button.setAccessibleName(_("Use a passphrase instead of the keyring"))
            self.switch_button.setEnabled(not self.switching)
        else:
            self.mode_help.setText(
                _("pact asks for the passphrase every time it starts. It is the only key.")
            )
            self.switch_button.setText(_("Store the key in this computer's &keyring"))
            self.switch_button.setAccessibleName(_("Store the key in this computer's keyring"))
            self.switch_button.setEnabled(
                self.keyring_state is KeyringState.AVAILABLE and not self.switching
            )
        self._fit()

    def _fit(self) -> None:
        """Grow to what the (word-wrapped) texts need: a top-level window is not
        resized for height-for-width by itself, so a longer text would be squeezed
        under the widgets around it. On the next turn of the event loop, once the
        layouts have taken in the new texts."""
        self._fit_timer.start()

    def _fit_now(self) -> None:
        if self.isVisible():
            fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def _probe(self) -> None:
        if self.ctx.mode is KeyMode.KEYRING or not self.ctx.db.local:
            return
        self.key_status.setText(_("Checking the keyring of this computer…"))
        Op(self, credentials.probe).success(self._probed).failure(
            lambda _exc: self._probed(KeyringState.UNAVAILABLE)
        ).run()

    def _probed(self, state: KeyringState) -> None:
        if not isValid(self):  # closed before the keyring answered
            return
        self.keyring_state = state
        self._show_mode()
        if self.ctx.mode is KeyMode.PASSPHRASE:
            self.key_status.setStyleSheet("")
            self.key_status.setText(
                _("The keyring of this computer can store the key.")
                if state is KeyringState.AVAILABLE
                else keyring_refusal(state)
            )
            self._fit()

    def switch_key_mode(self) -> None:
        if self.ctx.mode is KeyMode.KEYRING:
            dialog = NewPassphraseDialog(self)
            dialog.submitted.connect(lambda pp: self._to_passphrase(dialog, pp))
            self._open_child(dialog)
        else:
            self._to_keyring()

    def _open_child(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.child_dialog = dialog
        dialog.finished.connect(self._child_closed)
        dialog.open()

    def _child_closed(self) -> None:
        self.child_dialog = None

    def _to_passphrase(self, dialog: NewPassphraseDialog, passphrase: str) -> None:
        db = self.ctx.db

        def done(_result: None) -> None:
            self.switching = False
            dialog.set_busy(False)
            self.ctx.mode = KeyMode.PASSPHRASE
            self.ctx.changed.emit("key_mode")
            self.keyring_state = None
            self._show_mode()
            self.key_status.setStyleSheet("")
            self.key_status.setText(_("The database is now protected by your passphrase."))
            self._fit()
            dialog.accept()
            self._probe_later()

        self.switching = True
        Op(dialog, lambda: access.switch_to_passphrase(db, passphrase), write=True).success(
            done
        ).failure(lambda exc: self._switch_failed(exc, dialog)).with_progress(
            _("Encrypting the database with the new passphrase…")
        ).run()

    def _probe_later(self) -> None:
        # after switching to passphrase mode, learn whether switching back is possible
        Op(self, credentials.probe).success(self._keyring_known).failure(lambda _exc: None).run()

    def _keyring_known(self, state: KeyringState) -> None:
        if not isValid(self):
            return
        self.keyring_state = state
        self._show_mode()

    def _to_keyring(self) -> None:
        db = self.ctx.db
        self.switching = True
        self.switch_button.setEnabled(False)

        def done(recovery_key: str) -> None:
            self.switching = False
            self.ctx.mode = KeyMode.KEYRING
            self.ctx.changed.emit("key_mode")
            self._show_mode()
            self.key_status.setStyleSheet("")
            self.key_status.setText(_("The key is now kept in this computer's keyring."))
            self._fit()
            self._open_child(RecoveryKeyDialog(recovery_key, db.file(), parent=self))

        Op(self, lambda: access.switch_to_keyring(db), write=True).success(done).failure(
            lambda exc: self._switch_failed(exc, None)
        ).with_progress(_("Encrypting the database with a new key…")).run()

    def _switch_failed(self, exc: BaseException, dialog: NewPassphraseDialog | None) -> None:
        self.switching = False
        self._show_mode()
        if not isinstance(exc, PactError):
            raise exc
        if dialog is not None:
            dialog.show_error(str(exc))
        else:
            self.key_status.setStyleSheet(ERROR_STYLE)
            self.key_status.setText(str(exc))
            fit_height(self)

    # -- reference data
    def open_municipalities(self) -> None:
        self._open_child(MunicipalitiesDialog(self.ctx, self))
