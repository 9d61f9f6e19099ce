"""Connecting the app to a team's PostgreSQL server (step 7): the connection dialog
from ``pact --server URL``, the start screen and the last connection; the server
password asked only when the server asks, kept in the real Secret Service or (the
keyring's 'fail' backend) asked each time and written nowhere; errors next to the
right field; an empty database set up with its first user, an older one upgraded, a
newer one refused; and what only a database on this computer has said to be so.

On the real throwaway server of tests/postgres.py; PACT_USER and PACT_PASSWORD log
in the pact user (not a database user) as soon as the database is open.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from alembic import command
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from pact import config
from pact.__main__ import main
from pact.db import migrate
from pact.db.database import open_server_database
from pact.db.server import make_server_engine, parse_url
from pact.i18n import _
from pact.security import credentials
from pact.services import users
from pact.services.access import KeyMode
from pact.services.users import UserData
from pact.ui import ops
from pact.ui.app import PactApp
from pact.ui.dialogs.backups import BackupDialog
from pact.ui.dialogs.connect_server import (
    ConnectServerDialog,
    password_note,
    server_backups_text,
    server_key_text,
)
from pact.ui.dialogs.create_database import CreateDatabaseDialog
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.dialogs.settings import SettingsDialog
from pact.ui.main_window import MainWindow
from tests import postgres
from tests.conftest import TEST_PASSWORD
from tests.db.conftest import secret_service  # noqa: F401 - the fixture
from tests.postgres import PgServer
from tests.ui.conftest import TEST_USER, fill_first_user

WAIT = 15_000


# pg_server: the test process's throwaway server (tests/conftest.py)


def _database(pg_server: PgServer, revision: str | None = "head", first_user: bool = True) -> str:
    """A new database on the server: its schema at ``revision`` (None: empty), with
    the test's pact user (TEST_USER, TEST_PASSWORD) when ``first_user``; its address."""
    address = pg_server.url(pg_server.create_database())
    url = parse_url(address, environ={})
    engine = make_server_engine(url, pg_server.password)
    try:
        if revision is not None:
            cfg = migrate.alembic_config()
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        if first_user:
            db = open_server_database(url, engine)
            users.create_first_user(
                db.uow(), UserData(username=TEST_USER, display_name="Tessa", password=TEST_PASSWORD)
            )
    finally:
        engine.dispose()
    return address


@pytest.fixture
def on_server(pg_server: PgServer) -> str:
    """A pact database on the server with its first user: its address."""
    return _database(pg_server)


StartOn = Callable[..., PactApp]


@pytest.fixture
def start_on(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StartOn]:
    """Start the app's controller as ``pact --server ADDRESS`` (or, with
    ``last_server=True`` and no address, as plain ``pact``); cleaned up afterwards."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    monkeypatch.setenv("PACT_USER", TEST_USER)
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    started: list[PactApp] = []

    def start(address: str | None = None, last_server: bool = False) -> PactApp:
        app = PactApp(tmp_path / "pact.db", server=address, last_server=last_server)
        started.append(app)
        app.start()
        return app

    yield start
    for app in started:
        if app.window is not None and app.exit_code is None:
            app.window._discard_changes = True
            app.window.close()
        ops.wait_idle()
        app.close_database()
        if app.dialog is not None:
            app.dialog.hide()
        app.status.close()


def connect_dialog(qtbot: QtBot, app: PactApp) -> ConnectServerDialog:
    qtbot.waitUntil(
        lambda: isinstance(app.dialog, ConnectServerDialog) and app.dialog.isVisible(),
        timeout=WAIT,
    )
    assert isinstance(app.dialog, ConnectServerDialog)
    return app.dialog


def idle(qtbot: QtBot, dialog: ConnectServerDialog) -> None:
    """Wait until the connection attempt answered."""
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT)


def wait_window(qtbot: QtBot, app: PactApp) -> MainWindow:
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
    assert app.window is not None
    return app.window


def error_of(dialog: QWidget, field: str) -> str:
    """The message shown under a field of the dialog ("" when none shows)."""
    label = dialog.findChild(QLabel, field + "Error")
    assert label is not None, field
    return label.text() if label.isVisibleTo(dialog) else ""


def type_password(qtbot: QtBot, dialog: ConnectServerDialog, password: str) -> None:
    dialog.password_edit.clear()
    QTest.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)


def settings_file() -> dict[str, object]:
    return json.loads(config.Settings.path().read_text(encoding="utf-8"))


def files_holding(root: Path, secret: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``secret``."""
    return [
        path for path in root.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()
    ]


# ---------------------------------------------------------------- the server password


def test_a_password_asked_in_the_dialog_goes_into_the_keyring_and_is_not_asked_again(
    qtbot: QtBot,
    pg_server: PgServer,
    on_server: str,
    start_on: StartOn,
    secret_service: object,  # noqa: F811 - the fixture
    private_dirs: Path,
) -> None:
    url = parse_url(on_server, environ={})
    try:
        app = start_on(on_server)
        dialog = connect_dialog(qtbot, app)
        # filled in from the address, connecting at once: the server asks for a password
        assert (dialog.host_edit.text(), dialog.port_spin.value()) == (url.host, url.port)
        assert (dialog.database_edit.text(), dialog.user_edit.text()) == (
            url.database,
            url.user,
        )
        assert dialog.tls_mode() == "disable"
        idle(qtbot, dialog)
        assert dialog.password_shown()
        asked = _("The server {where} asks for the password of {user}.").format(
            where=f"{url.host}:{url.port}", user=url.user
        )
        note = dialog.password_note.text()
        assert note == f"{asked} {password_note(url.user, credentials.KeyringState.AVAILABLE)}"
        assert (
            _(
                "Once it works, pact keeps it in the keyring of this computer, so you do not "
                "have to type it again."
            )
            in note
        )
        assert error_of(dialog, "serverPassword") == ""
        assert dialog.focusWidget() is dialog.password_edit

        type_password(qtbot, dialog, pg_server.password)
        window = wait_window(qtbot, app)
        assert window.windowTitle() == _("pact: {name}").format(name=f"{url.database}@{url.host}")
        assert app.mode is KeyMode.SERVER
        assert _("The server password is kept in the keyring of this computer.") in (
            window.statusBar().currentMessage()
        )
        # in the real Secret Service, under the server's entry; the address without it
        assert keyring.get_password(credentials.SERVER_SERVICE, url.key()) == pg_server.password
        assert settings_file()["last_server"] == url.text() == on_server
        assert settings_file()["use_server"] is True
        assert files_holding(private_dirs, pg_server.password) == []

        # the next plain `pact` starts on that server, with the password from the keyring
        window._discard_changes = True
        window.close()
        again = start_on(last_server=True)
        second = wait_window(qtbot, again)
        assert second.windowTitle() == window.windowTitle()
    finally:
        credentials.delete_server_password(url.key())


def test_without_a_keyring_the_password_is_asked_and_written_nowhere(
    qtbot: QtBot, pg_server: PgServer, on_server: str, start_on: StartOn, private_dirs: Path
) -> None:
    url = parse_url(on_server, environ={})
    app = start_on(on_server)
    dialog = connect_dialog(qtbot, app)
    idle(qtbot, dialog)
    assert dialog.password_shown()
    assert (
        _(
            "This computer has no usable keyring: pact asks for this password every time it "
            "connects, and never writes it to disk."
        )
        in dialog.password_note.text()
    )

    # a wrong password: said next to the password field, nothing remembered
    type_password(qtbot, dialog, "niet-het-wachtwoord")
    idle(qtbot, dialog)
    refused = _("The server {where} did not accept the password of {user}.").format(
        where=f"{url.host}:{url.port}", user=url.user
    )
    assert error_of(dialog, "serverPassword") == refused
    assert error_of(dialog, "serverHost") == ""
    assert not config.Settings.path().exists()

    type_password(qtbot, dialog, pg_server.password)
    window = wait_window(qtbot, app)
    assert (
        _(
            "The server password could not be kept in the keyring of this computer: pact "
            "asks for it again next time."
        )
        in window.statusBar().currentMessage()
    )
    assert settings_file()["last_server"] == on_server
    assert files_holding(private_dirs, pg_server.password) == []


# ---------------------------------------------------------------- errors next to their field


def test_connection_errors_are_shown_next_to_their_field_and_nothing_is_saved(
    qtbot: QtBot, pg_server: PgServer, start_on: StartOn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)  # the password is not the issue
    closed = postgres.free_port()
    app = start_on(f"postgresql://pact_admin@127.0.0.1:{closed}/pact?sslmode=disable")
    dialog = connect_dialog(qtbot, app)
    idle(qtbot, dialog)
    unreachable = _(
        "The server {where} cannot be reached (is it running, is the network up?): {reason}"
    ).format(where=f"127.0.0.1:{closed}", reason="")
    assert error_of(dialog, "serverHost").startswith(unreachable)
    assert not dialog.password_shown()

    # the right port, a database that is not there: next to the database
    dialog.port_spin.setValue(pg_server.port)
    assert error_of(dialog, "serverHost") == ""  # changing the field clears it
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert error_of(dialog, "serverDatabase") == _(
        "The server {where} has no database {name}."
    ).format(where=f"127.0.0.1:{pg_server.port}", name="pact")
    assert error_of(dialog, "serverHost") == ""

    # an encrypted connection to a server without TLS: next to the TLS mode
    dialog.database_edit.setText("postgres")
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("verify-full"))
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert error_of(dialog, "serverTls").startswith(
        _(
            "The secure connection (TLS mode {mode}) to {where} failed: {reason}. Check "
            "the CA file and the host name, or ask the server's administrator."
        )
        .split("{reason}")[0]
        .format(mode="verify-full", where=f"127.0.0.1:{pg_server.port}")
    )
    assert error_of(dialog, "serverDatabase") == ""

    # what is missing or wrong in the fields is said before anything is tried
    dialog.host_edit.clear()
    dialog.ca_field.edit.setText("/nergens/ca.pem")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert not dialog.is_busy()
    assert error_of(dialog, "serverHost") == _("Type the name or address of the server.")
    assert error_of(dialog, "serverCaFile") == _("There is no file {path}.").format(
        path="/nergens/ca.pem"
    )
    assert app.window is None
    assert not config.Settings.path().exists()  # nothing remembered of a failed attempt


def test_a_bad_server_address_says_why_in_the_dialog(qtbot: QtBot, start_on: StartOn) -> None:
    app = start_on("postgresql://pact:geheim@db.example.nl/team")
    dialog = connect_dialog(qtbot, app)
    assert dialog.message.isVisibleTo(dialog)
    assert (
        _(
            "Leave the password out of the server address: pact keeps it in the keyring of "
            "this computer, or takes it from PGPASSWORD."
        )
        in dialog.message.text.text()
    )
    assert not dialog.is_busy()  # nothing is tried
    assert dialog.host_edit.text() == ""


def test_db_and_server_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "x.db", "--server", "postgresql://pact@db/team"]) == 64
    assert _("Give either --db PATH or --server URL, not both.") in capsys.readouterr().err


# ---------------------------------------------------------------- the schema on the server


def test_an_empty_database_is_set_up_and_gets_its_first_user(
    qtbot: QtBot, pg_server: PgServer, start_on: StartOn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    address = _database(pg_server, revision=None, first_user=False)
    url = parse_url(address, environ={})
    app = start_on(address)
    connect_dialog(qtbot, app)
    qtbot.waitUntil(
        lambda: isinstance(app.setup_question, QMessageBox) and app.setup_question.isVisible(),
        timeout=WAIT,
    )
    box = app.setup_question
    assert box is not None
    assert box.text() == _("The database {name} on the server {host} is empty.").format(
        name=url.database, host=url.host
    )
    set_up = box.findChild(QWidget, "setUpServerButton")
    assert set_up is not None
    qtbot.mouseClick(set_up, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: isinstance(app.dialog, FirstUserDialog), timeout=WAIT)
    assert isinstance(app.dialog, FirstUserDialog)
    fill_first_user(app.dialog)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == TEST_USER and window.ctx.actor.is_administrator
    engine = make_server_engine(url, pg_server.password)
    try:
        assert migrate.schema_state(engine) is migrate.SchemaState.CURRENT
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT username FROM pact_user")) == TEST_USER
    finally:
        engine.dispose()


def test_an_empty_database_is_left_alone_when_not_set_up(
    qtbot: QtBot, pg_server: PgServer, start_on: StartOn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    address = _database(pg_server, revision=None, first_user=False)
    app = start_on(address)
    dialog = connect_dialog(qtbot, app)
    qtbot.waitUntil(lambda: app.setup_question is not None, timeout=WAIT)
    box = app.setup_question
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=WAIT)
    cancel = box.findChild(QWidget, "setUpServerCancel")
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT)
    assert dialog.message.text.text() == _("Nothing was changed on the server.")
    engine = make_server_engine(parse_url(address, environ={}), pg_server.password)
    try:
        assert migrate.schema_state(engine) is migrate.SchemaState.EMPTY
    finally:
        engine.dispose()
    assert not config.Settings.path().exists()


def test_an_older_schema_is_upgraded_and_a_newer_one_refused(
    qtbot: QtBot, pg_server: PgServer, start_on: StartOn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    older = _database(pg_server, revision="0005", first_user=False)
    app = start_on(older)
    qtbot.waitUntil(lambda: isinstance(app.dialog, FirstUserDialog), timeout=WAIT)
    assert isinstance(app.dialog, FirstUserDialog)
    fill_first_user(app.dialog)
    window = wait_window(qtbot, app)
    assert (
        _(
            "The database on the server was upgraded for this version of pact; the other "
            "workstations need this version too. pact made no copy: the backups of the "
            "server's administrator apply."
        )
        in window.statusBar().currentMessage()
    )

    newer = _database(pg_server, first_user=False)
    admin = parse_url(newer, environ={})
    engine = make_server_engine(admin, pg_server.password)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    engine.dispose()
    window._discard_changes = True
    window.close()
    app2 = start_on(newer)
    dialog = connect_dialog(qtbot, app2)
    idle(qtbot, dialog)
    assert dialog.message.text.text() == _(
        "This database was made by a newer version of pact. "
        "Install the newer pact to open it; nothing was changed."
    )
    assert app2.window is None


# ---------------------------------------------------------------- the start screen


def test_the_start_screen_offers_the_team_server(qtbot: QtBot, start_on: StartOn) -> None:
    remembered = config.Settings(last_server="postgresql://wijkteam@db.example.nl:6543/pact")
    remembered.save()  # connected once, but pact was last used on a file
    app = start_on(last_server=True)
    qtbot.waitUntil(lambda: isinstance(app.dialog, CreateDatabaseDialog), timeout=WAIT)
    start = app.dialog
    assert isinstance(start, CreateDatabaseDialog)
    assert start.connect_button.text() == _("Connect to the team server {name} &again…").format(
        name="pact@db.example.nl"
    )
    qtbot.mouseClick(start.connect_button, Qt.MouseButton.LeftButton)
    dialog = connect_dialog(qtbot, app)
    assert (dialog.host_edit.text(), dialog.port_spin.value(), dialog.user_edit.text()) == (
        "db.example.nl",
        6543,
        "wijkteam",
    )
    assert dialog.tls_mode() == "verify-full"  # the default: nothing in the address
    assert not dialog.is_busy()  # filled in, not connecting by itself
    assert not dialog.local_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # Back
    qtbot.waitUntil(lambda: isinstance(app.dialog, CreateDatabaseDialog), timeout=WAIT)
    assert app.exit_code is None


def test_a_new_dialog_is_empty_with_verify_full_and_every_tls_mode() -> None:
    dialog = ConnectServerDialog()
    assert dialog.host_edit.text() == "" and dialog.port_spin.value() == 5432
    assert dialog.tls_mode() == "verify-full"
    modes = [dialog.tls_combo.itemData(i) for i in range(dialog.tls_combo.count())]
    assert sorted(modes) == sorted(("disable", "allow", "prefer", "require", "verify-ca",
                                    "verify-full"))  # fmt: skip
    assert not dialog.password_shown()
    dialog.deleteLater()


# ---------------------------------------------------------------- local-only features


def test_what_only_a_database_on_this_computer_has_says_so_on_a_server(
    qtbot: QtBot,
    pg_server: PgServer,
    on_server: str,
    start_on: StartOn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    app = start_on(on_server)
    window = wait_window(qtbot, app)
    assert window.ctx.db.local is False
    # File → Backups: disabled, saying whose task it is
    action = window.action_backups
    assert action is not None and not action.isEnabled()
    assert action.toolTip() == server_backups_text()
    assert action.text() == _("&Backups: made by the server's administrator")
    # the status bar: no "last backup" of pact's, but who makes them
    label = window.findChild(QLabel, "statusBackup")
    assert label is not None and label.isVisible()
    assert label.text() == _("Backups: by the server's administrator")
    assert label.toolTip() == server_backups_text()
    assert window.mode_label.text() == _("On the team server")
    # Settings: no passphrase or keyring key to switch, no recovery sheet
    settings = SettingsDialog(window.ctx, window)
    qtbot.addWidget(settings)
    settings.show()
    assert not settings.switch_button.isVisible()
    assert settings.mode_help.text() == server_key_text()
    # the backups dialog, should it be opened, does nothing but say so
    backups = BackupDialog(window.ctx, window)
    qtbot.addWidget(backups)
    backups.show()
    assert backups.message.text.text() == server_backups_text()
    assert not backups.now_button.isEnabled() and not backups.restore_button.isEnabled()
