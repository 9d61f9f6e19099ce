"""Start-up of the GUI: open or create the database, then the main window.

``run_gui`` is what ``pact`` / ``pact --db PATH`` calls. The steps run as a small
state machine in ``PactApp``; every step that touches the keyring or the
database file runs in a background op (a keyring call may hang for seconds), and
every dialog is opened without blocking, so tests can drive each step.

    new file:  probe keyring -> CreateDatabaseDialog -> create -> RecoveryKeyDialog
    existing:  open_auto -> (UnlockDialog -> open_with)* -> upgrade if needed
    then:      who is acting, proven by a password (auth.login):
               no users yet -> FirstUserDialog -> create_first_user (logged in);
               users but no passwords (upgraded from before log-in) ->
                   PasswordSetupDialog -> set_first_password (logged in);
               pact --user (or PACT_USER) with PACT_PASSWORD -> logged in without a
                   dialog (scripts, screenshots, tests), else LoginDialog (with the
                   reason if that failed; a temporary password is replaced there)
    server:    pact --server URL, the last server (when pact was last used on one)
               or the start screen's button -> ConnectServerDialog -> connect_server
               (the server password from the keyring, PGPASSWORD, or typed in the
               dialog when the server asks) -> an empty database is set up on request,
               an older one upgraded (no copy: the server's backups are its
               administrator's), a newer one refused; then the log-in as for a file
    then:      MainWindow (rebuilt in place when the language or the user changes),
               and the stored consent states are brought up to date in the background;
               File → Log out hides it and asks the log-in dialog again
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DBAPIError

from pact import config, i18n
from pact.db.database import Database, is_new_file, open_database, open_server_database
from pact.db.engine import KeyMaterial, Passphrase, RawKey
from pact.db.migrate import SchemaState
from pact.db.server import (
    ServerAddressError,
    ServerPasswordError,
    ServerUnreachableError,
    ServerUrl,
    parse_url,
)
from pact.errors import (
    AccessDeniedError,
    DatabaseLockedError,
    LoginError,
    NoUserError,
    PactError,
    PasswordChangeRequiredError,
    ValidationError,
    WrongKeyError,
)
from pact.i18n import _
from pact.security import credentials
from pact.security.credentials import KeyringState
from pact.services import access, auth, backup, consent, users
from pact.services.access import Created, KeyMode, NeedPassphraseError, Opened
from pact.services.users import Actor, UserData
from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.dialogs.connect_server import ConnectServerDialog
from pact.ui.dialogs.create_database import CreateDatabaseDialog
from pact.ui.dialogs.error import ErrorDialog, describe, install_excepthook
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.dialogs.login import LoginAttempt, LoginDialog
from pact.ui.dialogs.password_setup import PasswordSetupDialog
from pact.ui.dialogs.recovery_key import RecoveryKeyDialog
from pact.ui.dialogs.restore import RestoreDialog
from pact.ui.dialogs.unlock import UnlockDialog
from pact.ui.dialogs.user_editor import DirectoryOptions, directory_options
from pact.ui.main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow, qsettings
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar

log = logging.getLogger("pact.ui.app")

_qt_translator: QTranslator | None = None


def apply_language(language: str) -> str:
    """Switch pact's catalogue and Qt's own translations (``qtbase_nl``) to ``language``."""
    global _qt_translator
    lang = i18n.set_language(language)
    app = QCoreApplication.instance()
    if app is not None:
        if _qt_translator is not None:
            app.removeTranslator(_qt_translator)
            _qt_translator = None
        if lang == "nl":
            translator = QTranslator(app)
            folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load("qtbase_nl", folder):
                app.installTranslator(translator)
                _qt_translator = translator
            else:
                log.warning("Qt's Dutch translations (qtbase_nl) not found in %s", folder)
    QLocale.setDefault(
        QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)
        if lang == "nl"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    return lang


def setup_logging() -> None:
    try:
        from pact import log as pact_log
    except ImportError:  # pragma: no cover - pact.log is part of pact
        logging.basicConfig(level=logging.INFO)
        return
    pact_log.setup_logging()


def create_reason(state: KeyringState) -> str:
    """Why a new database gets a passphrase, in words for its maker."""
    return {
        KeyringState.UNAVAILABLE: _(
            "This computer has no usable keyring (the safe where a computer keeps "
            "passwords), so the database is protected by a passphrase."
        ),
        KeyringState.LOCKED: _(
            "The keyring of this computer is locked, so pact cannot keep the key there. "
            "Protect the database with a passphrase, or quit, unlock the keyring and "
            "start pact again."
        ),
        KeyringState.NOT_RESPONDING: _(
            "The keyring of this computer does not answer, so pact cannot keep the key "
            "there. Protect the database with a passphrase, or quit and try again later."
        ),
    }.get(state, state.message())


@dataclass
class _Prepared:
    db: Database
    mode: KeyMode
    state: SchemaState
    restored_to_keyring: bool = False


def _prepare(opened: Opened) -> _Prepared:
    """Runs in the op: how far the schema is (a database query, off the UI thread)."""
    try:
        state = opened.db.schema_state()
    except BaseException:
        opened.db.close()
        raise
    return _Prepared(opened.db, opened.mode, state, opened.restored_to_keyring)


@dataclass
class _ServerConnected:
    """A team's server answered: its database (open) and how far its schema is."""

    db: Database
    url: ServerUrl
    state: SchemaState
    source: str  # where the server password came from (access.ServerOpened.source)
    stored: bool  # a typed password went into the keyring


@dataclass
class _ServerWantsPassword:
    """The server asks for a password (``refused``: it did not take the one it got);
    ``keyring``: whether this computer can keep one (the dialog says so)."""

    message: str
    refused: bool
    keyring: KeyringState


def _connect_server(url: ServerUrl, typed: str | None) -> _ServerConnected | _ServerWantsPassword:
    """Runs in an op: connect (keyring, PGPASSWORD, none, then ``typed`` when the
    server asks), refuse a schema from a newer pact, and see how far the schema is."""
    offered = [typed] if typed else []
    try:
        opened = access.connect_server(url, lambda _reason: offered.pop() if offered else None)
    except ServerPasswordError as exc:
        return _ServerWantsPassword(str(exc), refused=not exc.needed, keyring=credentials.probe())
    db = open_server_database(url, opened.engine)  # SchemaTooNewError: closed again
    try:
        state = db.schema_state()
    except BaseException:
        db.close()
        raise
    return _ServerConnected(db, url, state, opened.source, opened.stored)


def _upgrade_server(db: Database) -> None:
    """Runs in an op: build or upgrade the schema on the server (no file to copy
    aside: the server's backups are its administrator's). A database user that may
    not create tables gets a message saying who can."""
    try:
        db.upgrade()
    except DBAPIError as exc:
        reason = str(exc.orig or exc).lower()
        if "permission denied" in reason or "must be owner" in reason:
            assert db.server is not None
            raise PactError(
                _(
                    "The database user {user} may not change the layout of the database "
                    "on the server. Ask its administrator to set it up or upgrade it for "
                    "this version of pact, as the owner of pact's tables (pact users add "
                    "--server URL for a new one); nothing was changed."
                ).format(user=db.server.user)
            ) from exc
        raise


def server_short_name(address: str) -> str:
    """``database@host`` of a remembered server address ("" when it is not one)."""
    try:
        url = parse_url(address)
    except ServerAddressError:
        return ""
    return f"{url.database}@{url.host}"


def remember_server(url: ServerUrl | None) -> None:
    """The settings remember the last server (its address, never its password) and
    whether pact was last used on it (``url``) or on a file (None)."""
    try:
        settings = config.Settings.load()
        if url is None:
            if not settings.use_server:
                return
            settings.use_server = False
        else:
            if settings.use_server and settings.last_server == url.text():
                return
            settings.last_server, settings.use_server = url.text(), True
        settings.save()
    except OSError as exc:  # a settings file that cannot be written stops nothing
        log.warning("the settings could not be saved: %s", exc)


USER_ENV = "PACT_USER"
PASSWORD_ENV = "PACT_PASSWORD"
LAST_USER_KEY = "startup/lastUserId"  # the numeric id only, never a name


def env_user() -> str | None:
    """The user named by PACT_USER (scripts, screenshots, tests), if any."""
    name = os.environ.get(USER_ENV, "").strip()
    return name or None


def env_password() -> str | None:
    """The password in PACT_PASSWORD (scripts, screenshots, tests), if any."""
    return os.environ.get(PASSWORD_ENV) or None


def last_user_id() -> int | None:
    value = qsettings().value(LAST_USER_KEY)
    try:
        return int(str(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def remember_user(actor: Actor) -> None:
    qsettings().setValue(LAST_USER_KEY, actor.id)


@dataclass
class _UserStep:
    """What the user step found (in an op): the actor logged in with PACT_PASSWORD, a
    first user to create, administrators to give a first password, or what the
    log-in dialog starts with (user name, why it asks, a wait still running)."""

    actor: Actor | None = None
    first: DirectoryOptions | None = None
    administrators: list[tuple[int, str]] | None = None
    username: str = ""
    message: str = ""  # the log-in with PACT_PASSWORD failed: why
    wait_seconds: int = 0
    password: str = ""  # PACT_PASSWORD was right but temporary: replace it
    change_required: bool = False


def _user_step(
    db: Database, wanted: str | None, password: str | None, last_id: int | None
) -> _UserStep:
    """``wanted``: the user name from --user or PACT_USER (None when asking again);
    ``password``: PACT_PASSWORD (then pact logs in without asking); ``last_id``: the
    user who last logged in on this computer, whose name the dialog offers."""
    if users.count_users(db.uow()) == 0:
        return _UserStep(first=directory_options(db.uow))
    if auth.needs_password_setup(db.uow()):
        return _UserStep(administrators=auth.administrators_without_password(db.uow()))
    if wanted is not None and password is not None:
        try:
            return _UserStep(actor=auth.login(db.uow(), wanted, password))
        except PasswordChangeRequiredError as exc:
            return _UserStep(
                username=wanted, message=str(exc), password=password, change_required=True
            )
        except LoginError as exc:
            return _UserStep(username=wanted, message=str(exc), wait_seconds=exc.wait_seconds)
    username = wanted or ""
    if not username and last_id is not None:
        with contextlib.suppress(NoUserError):  # no longer active: offer no name
            username = users.get_actor(db.uow(), last_id).username
    wait = auth.login_state(db.uow(), username).wait_seconds if username else 0
    return _UserStep(username=username, wait_seconds=wait)


class StartupWindow(QWidget):
    """A small window that says what pact is doing before the main window exists."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("startupWindow")
        self.setWindowTitle("pact")
        self.setMinimumWidth(380)
        title = QLabel("pact", self)
        font = title.font()
        font.setPointSize(font.pointSize() + 10)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel("", self)
        self.label.setObjectName("startupStatus")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        bar = busy_bar(self, "startupBusy", visible=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(self.label)
        layout.addWidget(bar)

    closed = Signal()  # the person closed the window before pact was ready

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted() and event.spontaneous():
            self.closed.emit()

    def show_status(self, text: str) -> None:
        self.label.setText(text)
        self.show()
        self.raise_()


class PactApp(QObject):
    """The start-up controller and owner of the open database.

    ``dialog`` is the start-up dialog on screen (if any), ``window`` the main
    window once the database is open; ``finished`` carries the exit code.
    """

    finished = Signal(int)

    def __init__(
        self,
        db_path: Path,
        parent: QObject | None = None,
        user: str | None = None,
        server: str | None = None,
        last_server: bool = False,
    ):
        """``user``: the user named on the command line (``pact --user``); it wins
        over PACT_USER (with PACT_PASSWORD pact logs in as them without asking).
        ``server``: the address of ``pact --server URL`` (the connection dialog opens
        filled in and connects at once); ``last_server``: no database was named, so
        pact starts on the team server when it was last used on one."""
        super().__init__(parent)
        self.path = Path(db_path).expanduser().resolve()
        self.user = (user or "").strip() or None
        self.server_address = server
        self.last_server = last_server
        self._server_attempt = 0  # a newer attempt (or going back) makes older answers stale
        self.status = StartupWindow()
        self.status.closed.connect(lambda: self._finish(0))
        self.dialog: QDialog | None = None
        self.window: MainWindow | None = None
        self.ctx: AppContext | None = None
        self.db: Database | None = None  # open, once unlocked
        self.mode: KeyMode | None = None
        self.demo = False
        self.exit_code: int | None = None
        self._notices: list[str] = []
        self.recovered_dialog: QDialog | None = None  # minutes text recovered after a crash
        self.restore_dialog: RestoreDialog | None = None
        self.setup_question: QMessageBox | None = None  # an empty server database: set up?

    def wanted_user(self) -> str | None:
        """Who should act from the start: ``pact --user``, else PACT_USER."""
        return self.user or env_user()

    # ------------------------------------------------------------ start
    def start(self) -> None:
        if self.server_address is not None:
            self._begin_server(self.server_address, at_start=True, connect=True)
            return
        if self.last_server:
            settings = config.Settings.load()
            if settings.use_server and settings.last_server:
                self._begin_server(settings.last_server, at_start=True, connect=True)
                return
        self._start_local()

    def _start_local(self) -> None:
        if is_new_file(self.path):
            self._begin_create()
        else:
            self._begin_open()

    def _show_dialog(self, dialog: QDialog) -> None:
        old = self.dialog
        self.dialog = dialog
        if old is not None and old is not dialog:
            old.hide()
            old.deleteLater()
        self.status.hide()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _drop_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    # ------------------------------------------------------------ existing database
    def _begin_open(self) -> None:
        self.status.show_status(_("Opening the database…"))
        path = self.path
        Op(self.status, lambda: _prepare(access.open_auto(path))).success(self._opened).failure(
            self._open_failed
        ).run()

    def _open_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseLockedError):
            self._ask_secret(str(exc))
        else:
            self._fatal(exc)

    def _ask_secret(self, reason: str) -> None:
        dialog = UnlockDialog(self.path, reason)
        dialog.submitted.connect(self._try_secret)
        dialog.rejected.connect(lambda: self._finish(0))
        self._show_dialog(dialog)

    def _try_secret(self, secret: str) -> None:
        path = self.path
        Op(self.dialog, lambda: _prepare(access.open_with(path, secret))).success(
            self._unlocked
        ).failure(self._unlock_failed).run()

    def _quit_meanwhile(self, db: Database) -> bool:
        """The person quit while an op was running: close what it opened."""
        if self.exit_code is None:
            return False
        db.close()
        return True

    def _unlocked(self, prepared: _Prepared) -> None:
        if self._quit_meanwhile(prepared.db):
            return
        self._drop_dialog()
        self._opened(prepared)

    def _unlock_failed(self, exc: BaseException) -> None:
        if self.exit_code is not None:
            return
        if isinstance(exc, DatabaseLockedError) and isinstance(self.dialog, UnlockDialog):
            # the file is untouched (the services verify the key before anything else)
            self.dialog.show_error(str(exc))
        else:
            self._drop_dialog()
            self._fatal(exc)

    def _opened(self, prepared: _Prepared) -> None:
        if self._quit_meanwhile(prepared.db):
            return
        if prepared.restored_to_keyring:
            self._notices.append(
                _(
                    "The recovery key opened the database; its key is back in this "
                    "computer's keyring."
                )
            )
        if prepared.state in (SchemaState.OUTDATED, SchemaState.EMPTY):
            self.status.show_status(_("Upgrading the database…"))
            db = prepared.db
            Op(self.status, db.upgrade, write=True).with_progress(
                _(
                    "Upgrading the database for this version of pact. A copy of the "
                    "old file is kept next to it."
                )
            ).success(lambda backup: self._upgraded(prepared, backup)).failure(
                lambda exc: self._fatal(exc, db)
            ).run()
        else:
            self._load(prepared.db, prepared.mode)

    def _upgraded(self, prepared: _Prepared, backup: Path | None) -> None:
        if backup is not None:
            self._notices.append(
                _("The database was upgraded; the previous version was copied to {path}.").format(
                    path=backup
                )
            )
        self._load(prepared.db, prepared.mode)

    # ------------------------------------------------------------ new database
    def _begin_create(self) -> None:
        if credentials.env_passphrase() is not None:
            # scripts and tests: PACT_PASSPHRASE decides, nothing to ask
            self.status.show_status(_("Creating the database…"))
            path = self.path
            Op(self.status, lambda: access.create(path), write=True).success(self._created).failure(
                self._fatal
            ).run()
            return
        self.status.show_status(_("Checking the keyring of this computer…"))
        Op(self.status, credentials.probe).success(self._probed).failure(
            lambda _exc: self._probed(KeyringState.UNAVAILABLE)
        ).run()

    def _probed(self, state: KeyringState) -> None:
        available = state is KeyringState.AVAILABLE
        dialog = CreateDatabaseDialog(
            self.path,
            available,
            "" if available else create_reason(state),
            last_server=server_short_name(config.Settings.load().last_server),
        )
        dialog.submitted.connect(self._create)
        dialog.restore_requested.connect(self._ask_restore_at_start)
        dialog.connect_requested.connect(self._server_from_start_screen)
        dialog.rejected.connect(lambda: self._finish(0))
        self._show_dialog(dialog)

    # ------------------------------------------------------------ a team's server
    def _server_from_start_screen(self) -> None:
        """The start screen's button: the dialog, filled in with the last server."""
        self._begin_server(config.Settings.load().last_server, at_start=False, connect=False)

    def _begin_server(self, address: str, at_start: bool, connect: bool) -> None:
        """The connection dialog, filled in with ``address`` (if any); ``connect``:
        at once, when the address is good. ``at_start``: it is the first screen (Quit,
        or a database on this computer instead), else Back to the start screen."""
        dialog = ConnectServerDialog(address, at_start=at_start)
        dialog.submitted.connect(self._connect_server)
        dialog.local_requested.connect(self._server_dialog_left)
        if at_start:
            dialog.rejected.connect(lambda: self._finish(0))
        else:
            dialog.rejected.connect(self._server_dialog_left)
        self._show_dialog(dialog)
        if connect and address and dialog.address_ok:
            dialog.connect_now()

    def _server_dialog_left(self) -> None:
        """Back, or a database on this computer: an attempt still running is forgotten."""
        self._server_attempt += 1
        self._drop_dialog()
        self._start_local()

    def _connect_server(self, url: ServerUrl, password: str | None) -> None:
        dialog = self.dialog
        if not isinstance(dialog, ConnectServerDialog):
            return
        self._server_attempt += 1
        attempt = self._server_attempt
        Op(dialog, lambda: _connect_server(url, password)).success(
            lambda answer: self._server_answered(answer, attempt)
        ).failure(lambda exc: self._server_failed(exc, attempt)).run()

    def _server_dialog(self, attempt: int) -> ConnectServerDialog | None:
        """The dialog that is waiting for ``attempt``, or None when it is stale."""
        dialog = self.dialog
        if (
            self.exit_code is not None
            or attempt != self._server_attempt
            or not isinstance(dialog, ConnectServerDialog)
        ):
            return None
        return dialog

    def _server_answered(
        self, answer: _ServerConnected | _ServerWantsPassword, attempt: int
    ) -> None:
        dialog = self._server_dialog(attempt)
        if dialog is None:
            if isinstance(answer, _ServerConnected):
                answer.db.close()
            return
        if isinstance(answer, _ServerWantsPassword):
            dialog.ask_password(answer.message, answer.refused, answer.keyring)
            return
        if answer.state is SchemaState.EMPTY:
            self._offer_server_setup(dialog, answer, attempt)
        elif answer.state is SchemaState.OUTDATED:
            self._upgrade_on_server(dialog, answer, attempt, new=False)
        else:
            self._server_ready(answer)

    def _server_failed(self, exc: BaseException, attempt: int, db: Database | None = None) -> None:
        if db is not None:
            db.close()
        dialog = self._server_dialog(attempt)
        if dialog is None:
            return
        if isinstance(exc, ServerUnreachableError):
            dialog.show_error(exc.field, str(exc))
        elif isinstance(exc, PactError):  # a schema from a newer pact, no right to set up
            dialog.show_message(str(exc))
        else:
            dialog.show_message(_("pact could not connect to the server."))
            self._report(exc)

    def _offer_server_setup(
        self, dialog: ConnectServerDialog, answer: _ServerConnected, attempt: int
    ) -> None:
        """An empty database: set it up for pact (and make its first user), or not."""
        box = QMessageBox(dialog)
        box.setObjectName("setUpServerQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("An empty database"))
        box.setText(
            _("The database {name} on the server {host} is empty.").format(
                name=answer.url.database, host=answer.url.host
            )
        )
        box.setInformativeText(
            _(
                "pact can set it up: it makes its tables there, and you then become the "
                "first pact user of the team (its administrator). Do this only for a "
                "database the server's administrator made for pact."
            )
        )
        set_up = box.addButton(_("&Set up for pact"), QMessageBox.ButtonRole.AcceptRole)
        set_up.setObjectName("setUpServerButton")
        cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        cancel.setObjectName("setUpServerCancel")
        box.setDefaultButton(set_up)
        box.setEscapeButton(cancel)

        def answered(button: QAbstractButton) -> None:
            if button is set_up:
                self._upgrade_on_server(dialog, answer, attempt, new=True)
                return
            answer.db.close()
            if self._server_dialog(attempt) is dialog:
                dialog.show_message(_("Nothing was changed on the server."), "info")

        box.buttonClicked.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setup_question = box
        box.open()

    def _upgrade_on_server(
        self, dialog: ConnectServerDialog, answer: _ServerConnected, attempt: int, new: bool
    ) -> None:
        db = answer.db
        if self._server_dialog(attempt) is not dialog:
            db.close()
            return
        if new:
            label = _("Setting up the database on the server for pact…")
        else:
            label = _(
                "Upgrading the database on the server for this version of pact. pact makes "
                "no copy on a server: the backups of the server's administrator apply."
            )
            self._notices.append(
                _(
                    "The database on the server was upgraded for this version of pact; the "
                    "other workstations need this version too. pact made no copy: the "
                    "backups of the server's administrator apply."
                )
            )
        Op(dialog, lambda: _upgrade_server(db), write=True).with_progress(label).success(
            lambda _r: self._server_ready(answer, attempt)
        ).failure(lambda exc: self._upgrade_failed(exc, attempt, db)).run()

    def _upgrade_failed(self, exc: BaseException, attempt: int, db: Database) -> None:
        self._notices.clear()
        self._server_failed(exc, attempt, db)

    def _server_ready(self, answer: _ServerConnected, attempt: int | None = None) -> None:
        """Connected and the schema current: remember the server, then the log-in."""
        if attempt is not None and self._server_dialog(attempt) is None:
            answer.db.close()
            return
        if answer.stored:
            self._notices.append(_("The server password is kept in the keyring of this computer."))
        elif answer.source == "typed":
            self._notices.append(
                _(
                    "The server password could not be kept in the keyring of this computer: "
                    "pact asks for it again next time."
                )
            )
        remember_server(answer.url)
        self._drop_dialog()
        self._load(answer.db, KeyMode.SERVER)

    # ------------------------------------------------------------ restoring a backup
    def _ask_restore_at_start(self) -> None:
        """No database yet (a new computer): a backup becomes the database."""
        dialog = RestoreDialog(self.path, self.dialog, current_key=False)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda source, secret: self._restore(source, secret, dialog))
        self.restore_dialog = dialog
        dialog.open()

    def restore_backup(self, source: Path, secret: str, dialog: RestoreDialog) -> None:
        """From the backups dialog of the open database: close it, restore, open the
        restored database and ask who logs in (the window is rebuilt)."""
        window, db, ctx = self.window, self.db, self.ctx
        if window is None or db is None or ctx is None:
            return
        window.locker.idle_timer.stop()
        window.save_state()
        ops.wait_idle()
        ops.hold()  # timers of the window (drafts, backups) wait until it is settled
        db.close()
        self._restore(source, secret, dialog, db.key, ctx.actor.username)

    def _restore(
        self,
        source: Path,
        secret: str,
        dialog: RestoreDialog,
        current: KeyMaterial | None = None,
        username: str = "",
    ) -> None:
        path = self.path
        dialog.set_busy(True)

        def work() -> _Prepared:
            key = access.parse_typed_key(secret) if secret.strip() else current
            if not isinstance(key, RawKey | Passphrase):
                raise WrongKeyError(_("Type the recovery key or the passphrase."))
            backup.restore(source, path, key, username=username)
            mode = access.remember_restored_key(path, key)
            return _prepare(Opened(open_database(path, key), mode))

        Op(dialog, work, write=True).even_when_held().with_progress(
            _("Checking and restoring the backup…")
        ).success(lambda prepared: self._restored(source, dialog, prepared)).failure(
            lambda exc: self._restore_failed(exc, dialog)
        ).run()

    def _restored(self, source: Path, dialog: RestoreDialog, prepared: _Prepared) -> None:
        dialog.close()
        self.restore_dialog = None
        window = self.window
        if window is not None:  # the old window and its held work go
            if self.ctx is not None:
                self.ctx.deleteLater()
            self.window = None
            self.ctx = None
            self.db = None
            ops.drop_held()
            window.close_for_rebuild()
            window.deleteLater()
        self._drop_dialog()
        self._notices.append(_("The backup {file} was restored.").format(file=source.name))
        if self._quit_meanwhile(prepared.db):
            return
        self._opened(prepared)  # upgraded first if it came from an older pact; then log-in

    def _restore_failed(self, exc: BaseException, dialog: RestoreDialog) -> None:
        if self.window is not None:
            ops.release()  # the current database is untouched: go on with it
            self.window.locker.idle_timer.start()
        if isinstance(exc, WrongKeyError):
            dialog.show_error("key", str(exc))
        elif isinstance(exc, PactError):  # not a backup, damaged, disk full
            dialog.show_error("file", str(exc))
        else:
            dialog.set_busy(False)
            self._report(exc)

    def _create(self, passphrase: str | None) -> None:
        path = self.path
        Op(self.dialog, lambda: access.create(path, passphrase), write=True).success(
            self._created
        ).failure(self._create_failed).run()

    def _create_failed(self, exc: BaseException) -> None:
        if self.exit_code is not None:
            return
        dialog = self.dialog
        if not isinstance(dialog, CreateDatabaseDialog):
            self._fatal(exc)
        elif isinstance(exc, NeedPassphraseError):
            dialog.use_passphrase(str(exc))
        elif isinstance(exc, PactError):
            dialog.show_error(str(exc))
        else:
            dialog.show_error(_("The database could not be created."))
            self._report(exc)

    def _created(self, created: Created) -> None:
        if self._quit_meanwhile(created.db):
            return
        self._drop_dialog()
        if created.recovery_key:
            dialog = RecoveryKeyDialog(created.recovery_key, created.db.file(), datetime.now())
            dialog.finished.connect(lambda _r: self._load(created.db, created.mode))
            self._show_dialog(dialog)
        else:
            self._load(created.db, created.mode)

    # ------------------------------------------------------------ who is acting
    def _load(self, db: Database, mode: KeyMode) -> None:
        self.db = db
        self.mode = mode
        if db.local:
            remember_server(None)  # the next start opens a file too
        self.status.show_status(_("Opening the database…"))
        Op(self.status, db.is_demo).success(self._demo_known).failure(
            lambda exc: self._fatal(exc, db)
        ).run()

    def _stopped(self) -> bool:
        """The person quit while an op was running: close the database it left open."""
        if self.exit_code is None:
            return False
        if self.db is not None and self.ctx is None:
            self.db.close()
        return True

    def _demo_known(self, demo: bool) -> None:
        if self._stopped():
            return
        self.demo = demo
        self._ask_user()

    def _ask_user(self, message: str = "", kind: str = "warning") -> None:
        """Find out who is acting; ``message`` says why pact asks (again)."""
        db = self.db
        assert db is not None
        again = self.window is not None
        # PACT_USER and PACT_PASSWORD log in at start only: asking again means asking
        wanted = None if message or again else self.wanted_user()
        password = env_password() if wanted is not None else None
        last = self.ctx.actor.id if again and self.ctx is not None and self.ctx.has_actor else None
        if last is None and not again:
            last = last_user_id()
        if not again:
            self.status.show_status(_("Looking up the users…"))
        Op(
            self.window if again else self.status,
            lambda: _user_step(db, wanted, password, last),
            write=password is not None,  # a log-in writes the audit log
        ).success(lambda step: self._user_step_done(step, message, kind)).failure(
            self._user_step_failed
        ).run()

    def _user_step_failed(self, exc: BaseException) -> None:
        if self._stopped():
            return
        if self.window is None:
            self._fatal(exc, self.db)
        else:
            self._report(exc)

    def _user_step_done(self, step: _UserStep, message: str, kind: str) -> None:
        if self._stopped():
            return
        if step.actor is not None:
            self._acting(step.actor)
        elif step.first is not None:
            dialog = FirstUserDialog(step.first, self.wanted_user() or "")
            dialog.submitted.connect(self._create_first_user)
            dialog.rejected.connect(self._quit_at_user_step)
            self._show_dialog(dialog)
        elif step.administrators is not None:
            setup = PasswordSetupDialog(step.administrators)
            setup.submitted.connect(self._set_first_password)
            setup.rejected.connect(self._quit_at_user_step)
            self._show_dialog(setup)
        else:
            assert self.db is not None
            login = LoginDialog(
                self.path if self.db.local else self.db.name(),
                step.username,
                message,
                kind,
                demo=self.demo,
                parent=None,
            )
            login.submitted.connect(self._log_in)
            # nobody is logged in (at start, or after logging out): no way around it
            login.rejected.connect(self._quit_at_user_step)
            self._show_dialog(login)
            if step.change_required:
                login.use_password(step.username, step.password)
                login.ask_new_password(step.message)
            elif step.wait_seconds:
                login.show_error(step.message, step.wait_seconds)
            elif step.message:
                login.show_error(step.message)

    # ------------------------------------------------------------ log-in
    def _log_in(self, attempt: LoginAttempt) -> None:
        db = self.db
        assert db is not None
        Op(
            self.dialog,
            lambda: auth.login(db.uow(), attempt.username, attempt.password, attempt.new_password),
            write=True,
        ).success(self._acting).failure(self._login_failed).run()

    def _login_failed(self, exc: BaseException) -> None:
        if self._stopped():
            return
        dialog = self.dialog
        if not isinstance(dialog, LoginDialog):
            self._user_step_failed(exc)
        elif isinstance(exc, PasswordChangeRequiredError):
            dialog.ask_new_password(str(exc))
        elif isinstance(exc, LoginError):
            dialog.show_error(str(exc), exc.wait_seconds)
        elif isinstance(exc, ValidationError):
            dialog.show_errors(exc.errors)
        elif isinstance(exc, PactError):
            dialog.show_error(str(exc))
        else:
            dialog.show_error(_("pact could not check the password."))
            self._report(exc)

    def _set_first_password(self, user_id: int, password: str) -> None:
        db = self.db
        assert db is not None
        Op(
            self.dialog, lambda: auth.set_first_password(db.uow(), user_id, password), write=True
        ).success(self._acting).failure(self._first_password_failed).run()

    def _first_password_failed(self, exc: BaseException) -> None:
        if self._stopped():
            return
        dialog = self.dialog
        if not isinstance(dialog, PasswordSetupDialog):
            self._user_step_failed(exc)
        elif isinstance(exc, ValidationError):
            dialog.show_errors(exc.errors)
        elif isinstance(exc, AccessDeniedError):
            # someone else set a password meanwhile: log in
            self._drop_dialog()
            self._ask_user(str(exc))
        elif isinstance(exc, PactError):
            dialog.show_error(str(exc))
        else:
            dialog.show_error(_("The password could not be set."))
            self._report(exc)

    def _create_first_user(self, data: UserData) -> None:
        db = self.db
        assert db is not None
        Op(self.dialog, lambda: users.create_first_user(db.uow(), data), write=True).success(
            self._acting
        ).failure(self._first_user_failed).run()

    def _first_user_failed(self, exc: BaseException) -> None:
        if self._stopped():
            return
        dialog = self.dialog
        if not isinstance(dialog, FirstUserDialog):
            self._fatal(exc, self.db)
        elif isinstance(exc, ValidationError):
            dialog.show_errors(exc.errors)
        elif isinstance(exc, AccessDeniedError):
            # someone else made a user meanwhile: log in with the users there are now
            self._drop_dialog()
            self._ask_user(str(exc))
        elif isinstance(exc, PactError):
            dialog.show_error(str(exc))
        else:
            dialog.show_error(_("The user could not be created."))
            self._report(exc)

    def _quit_at_user_step(self) -> None:
        if self.window is not None:
            self.window._discard_changes = True
            self.window.close()  # quits (and closes the database)
            return
        if self.db is not None:
            ops.wait_idle()
            self.db.close()
        self._finish(0)

    def _acting(self, actor: Actor) -> None:
        """``actor`` is the acting user: open (or rebuild) the main window for them."""
        if self._stopped():
            return
        self._drop_dialog()
        assert self.db is not None
        self.db.actor = actor  # every unit of work now records this user's changes
        remember_user(actor)
        if self.window is None or self.ctx is None:
            self._show_main(actor)
        else:
            self.ctx.set_actor(actor)
            self._replace_window("start")
            self._offer_recovered_minutes()

    # ------------------------------------------------------------ main window
    def _show_main(self, actor: Actor) -> None:
        db, mode = self.db, self.mode
        assert db is not None and mode is not None
        self.ctx = AppContext(db, mode, actor, parent=self)
        self.ctx.changed.connect(self._context_changed)
        self.window = self._build_window()
        self.window.show()
        self.status.hide()
        if self._notices:
            self.window.statusBar().showMessage("  ".join(self._notices), 30_000)
            self._notices.clear()
        self._refresh_consent()
        self._offer_recovered_minutes()

    def _offer_recovered_minutes(self) -> None:
        """Minutes text autosaved but never saved (pact crashed, the power went):
        offer it to the acting user again."""
        from pact.services import minutes
        from pact.ui.dialogs.recovered_minutes import RecoveredMinutesDialog

        ctx, window = self.ctx, self.window
        assert ctx is not None and window is not None
        actor = ctx.actor

        def found(drafts: list[minutes.DraftData]) -> None:
            if not drafts or self.window is not window or self.exit_code is not None:
                return
            dialog = RecoveredMinutesDialog(ctx, drafts, window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(lambda _r: setattr(self, "recovered_dialog", None))
            self.recovered_dialog = dialog
            dialog.open()

        Op(window, lambda: minutes.pending_drafts(ctx.uow(), actor), write=True).success(
            found
        ).run()

    def _refresh_consent(self) -> None:
        """A child's possible ages move on 1 January: bring the stored consent states
        up to date (in the background; the views refresh if anything changed)."""
        ctx = self.ctx
        assert ctx is not None
        Op(self.window, lambda: consent.refresh_stale(ctx.uow()), write=True).success(
            lambda changed: ctx.changed.emit("cases") if changed else None
        ).run()

    def _build_window(self) -> MainWindow:
        assert self.ctx is not None
        window = MainWindow(self.ctx, self.demo)
        window.closed.connect(self.quit)
        window.language_requested.connect(self.rebuild)
        window.log_out_requested.connect(self.log_out)
        window.restore_requested.connect(self.restore_backup)
        return window

    def log_out(self, message: str = "", kind: str = "info") -> None:
        """File → Log out: the window (and its data) goes out of sight and the log-in
        dialog asks again; the window is rebuilt for whoever logs in."""
        window = self.window
        if window is None or self.dialog is not None:
            return
        window.hide()
        ctx = self.ctx
        if ctx is not None and ctx.has_actor:
            actor = ctx.actor
            Op(window, lambda: auth.logout(ctx.uow(), actor), write=True).run()
        ops.wait_idle()  # nothing still running on behalf of the user who left
        if self.db is not None:
            self.db.actor = None
        self._ask_user(message or _("You are logged out."), kind)

    def _context_changed(self, what: str) -> None:
        if what != "users" or self.ctx is None or not self.ctx.has_actor:
            return
        # the acting user may have been changed (name, roles, made inactive)
        ctx = self.ctx
        actor_id = ctx.actor.id
        Op(self.window, lambda: users.get_actor(ctx.uow(), actor_id)).success(
            self._actor_reloaded
        ).failure(self._actor_lost).run()

    def _actor_reloaded(self, actor: Actor) -> None:
        ctx, window = self.ctx, self.window
        if ctx is None or window is None or actor == ctx.actor:
            return
        admin_changed = actor.is_administrator != ctx.actor.is_administrator
        ctx.set_actor(actor)
        if admin_changed and not window.has_unsaved_changes():
            self._replace_window(window.current_area())  # the users area comes or goes
        else:
            window.actor_changed()

    def _actor_lost(self, exc: BaseException) -> None:
        if not isinstance(exc, NoUserError):
            raise exc
        self.log_out(str(exc), "warning")

    def rebuild(self) -> None:
        """Re-create the main window in the language saved in the settings."""
        if self.window is None:
            return
        apply_language(config.Settings.load().language)
        self._replace_window(self.window.current_area())

    def _replace_window(self, area: str) -> None:
        old = self.window
        if old is None:
            return
        old.save_state()
        ops.wait_idle()  # results still queued are delivered before the old views go
        new = self._build_window()
        new.show_area(area)
        self.window = new
        new.show()
        old.close_for_rebuild()
        old.deleteLater()

    def quit(self) -> None:
        ops.wait_idle()
        self.close_database()
        self._finish(0)

    def close_database(self) -> None:
        if self.db is not None:
            self.db.close()

    # ------------------------------------------------------------ errors
    def _report(self, exc: BaseException) -> ErrorDialog:
        message, details = describe(exc)
        if details is not None:
            log.error("Start-up failed", exc_info=(type(exc), exc, exc.__traceback__))
        dialog = ErrorDialog(message, details, self.dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _fatal(self, exc: BaseException, db: Database | None = None) -> None:
        """pact cannot go on (e.g. a database from a newer pact): say why, then quit."""
        if db is not None:
            db.close()
        self._drop_dialog()
        self.status.hide()
        message, details = describe(exc)
        if details is not None:
            log.error("Start-up failed", exc_info=(type(exc), exc, exc.__traceback__))
        dialog = ErrorDialog(message, details, None, title=_("pact cannot open the database"))
        dialog.setObjectName("fatalDialog")
        dialog.finished.connect(lambda _r: self._finish(1))
        self._show_dialog(dialog)

    def _finish(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        ops.wait_idle()  # no thread may still be writing when the process ends
        self.status.hide()
        self._drop_dialog()
        self.finished.emit(code)


def run_gui(
    db_path: Path | None, argv: list[str], user: str | None = None, server: str | None = None
) -> int:
    """Start the GUI on ``db_path`` (None: the default database, or the team server
    when pact was last used on one); ``server``: the address of ``pact --server URL``
    instead; ``user`` (``pact --user``; None: PACT_USER) is the user name the log-in
    offers, or logs in with PACT_PASSWORD; returns the exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv)
    app.setOrganizationName(SETTINGS_ORG)
    app.setApplicationName(SETTINGS_APP)
    app.setQuitOnLastWindowClosed(False)  # pact quits when the controller says so
    setup_logging()
    apply_language(config.Settings.load().language)
    hook = install_excepthook()
    controller = PactApp(
        db_path if db_path is not None else config.default_db_path(),
        user=user,
        server=server,
        last_server=db_path is None and server is None,
    )
    controller.finished.connect(app.exit, Qt.ConnectionType.QueuedConnection)
    QTimer.singleShot(0, controller.start)
    code = app.exec()
    hook.uninstall()
    return controller.exit_code if controller.exit_code is not None else code
