"""Start-up of the GUI: first run (create), unlock, wrong key, recovery key dialog.

Real SQLCipher files in tmp_path; the keyring is keyring's 'fail' backend (set by
tests/conftest.py), so pact sees a computer without a usable keyring.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from pact.db.database import create_database, open_database
from pact.db.engine import Passphrase, RawKey, make_engine, sqlite_header_is_plain
from pact.db.migrate import SchemaState
from pact.i18n import _
from pact.security import recovery
from pact.security.credentials import KeyringState
from pact.services import access
from pact.services.access import KeyMode
from pact.ui.app import PactApp, create_reason
from pact.ui.dialogs.create_database import CreateDatabaseDialog, only_key_warning
from pact.ui.dialogs.recovery_key import RecoveryKeyDialog, key_lines
from pact.ui.dialogs.unlock import UnlockDialog
from pact.ui.main_window import MainWindow

PASSPHRASE = "lente in Twente 2024"
WAIT = 15_000


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def child(parent: QWidget, name: str) -> QWidget:
    found = parent.findChild(QWidget, name)
    assert found is not None, name
    return found


def label_text(parent: QWidget, name: str) -> str:
    found = parent.findChild(QLabel, name)
    assert found is not None, name
    return found.text() if found.isVisible() else ""


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def make_passphrase_db(path: Path, passphrase: str = PASSPHRASE) -> None:
    created = access.create(path, passphrase)
    created.db.close()


def wait_dialog(qtbot: QtBot, app: PactApp, kind: type) -> QWidget:
    qtbot.waitUntil(lambda: isinstance(app.dialog, kind) and app.dialog.isVisible(), timeout=WAIT)
    assert app.dialog is not None
    return app.dialog


def wait_window(qtbot: QtBot, app: PactApp) -> MainWindow:
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
    assert app.window is not None
    return app.window


# ---------------------------------------------------------------- first run


def test_first_run_without_keyring_asks_for_a_passphrase_and_creates_encrypted_file(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    path = tmp_path / "nieuw.db"
    app = start_app(path)
    dialog = wait_dialog(qtbot, app, CreateDatabaseDialog)
    assert isinstance(dialog, CreateDatabaseDialog)

    # no keyring: the passphrase form, with the reason and the 'only key' warning
    assert dialog.uses_passphrase()
    assert label_text(dialog, "createReason") == create_reason(KeyringState.UNAVAILABLE)
    assert label_text(dialog, "onlyKeyWarning") == only_key_warning()
    assert str(path) in label_text(dialog, "createPath")

    # too short: the rule's message next to the field, nothing created
    qtbot.keyClicks(child(dialog, "passphraseEdit"), "kort")
    qtbot.keyClicks(child(dialog, "repeatEdit"), "kort")
    click(qtbot, child(dialog, "createButton"))
    assert label_text(dialog, "passphraseError") == _("Use at least {n} characters.").format(
        n=access.MIN_PASSPHRASE
    )
    assert not path.exists()

    # the two fields differ
    dialog.form.passphrase_edit.clear()
    dialog.form.repeat_edit.clear()
    qtbot.keyClicks(child(dialog, "passphraseEdit"), PASSPHRASE)
    qtbot.keyClicks(child(dialog, "repeatEdit"), PASSPHRASE + "!")
    click(qtbot, child(dialog, "createButton"))
    assert label_text(dialog, "passphraseError") == ""
    assert label_text(dialog, "repeatError") == _("The two passphrases are not the same.")
    assert not path.exists()

    dialog.form.repeat_edit.clear()
    qtbot.keyClicks(child(dialog, "repeatEdit"), PASSPHRASE)
    click(qtbot, child(dialog, "createButton"))
    window = wait_window(qtbot, app)

    assert window.ctx.mode is KeyMode.PASSPHRASE
    assert label_text(window, "statusKeyMode") == _("Protected by passphrase")
    assert path.stat().st_size > 0
    assert not sqlite_header_is_plain(path)
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    with pytest.raises(access.WrongKeyError):
        open_database(path, Passphrase("something else entirely"))


def test_keyring_refusing_to_store_falls_back_to_the_passphrase_form(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    """The keyring looked usable but refuses the key: the form switches to a passphrase."""
    path = tmp_path / "nieuw.db"
    app = PactApp(path)
    app._probed(KeyringState.AVAILABLE)  # as if the probe had found a keyring
    dialog = wait_dialog(qtbot, app, CreateDatabaseDialog)
    assert isinstance(dialog, CreateDatabaseDialog)
    assert not dialog.uses_passphrase()
    assert dialog.keyring_page.isVisible()

    click(qtbot, child(dialog, "createButton"))  # the 'fail' keyring refuses
    qtbot.waitUntil(dialog.uses_passphrase, timeout=WAIT)
    assert label_text(dialog, "createReason") == _(
        "This computer has no usable keyring: protect the database with a passphrase."
    )
    assert not path.exists() or path.stat().st_size == 0
    app.status.close()
    dialog.hide()


def test_pact_passphrase_creates_without_dialogs(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "script.db"
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert app.dialog is None
    assert window.ctx.mode is KeyMode.PASSPHRASE
    assert window.ctx.db.schema_state() is SchemaState.CURRENT
    assert not sqlite_header_is_plain(path)


def test_quit_on_the_create_dialog_creates_nothing(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    path = tmp_path / "nieuw.db"
    app = start_app(path)
    dialog = wait_dialog(qtbot, app, CreateDatabaseDialog)
    click(qtbot, child(dialog, "quitButton"))
    assert app.exit_code == 0
    assert app.window is None
    assert not path.exists()


# ---------------------------------------------------------------- unlocking


def test_reopen_asks_for_the_passphrase_and_a_wrong_one_leaves_the_file_untouched(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    path = tmp_path / "pact.db"
    make_passphrase_db(path)
    before = snapshot(path)

    app = start_app(path)
    dialog = wait_dialog(qtbot, app, UnlockDialog)
    assert isinstance(dialog, UnlockDialog)
    assert label_text(dialog, "unlockReason") == _("Enter the passphrase of this database.")
    secret = child(dialog, "secretEdit")
    assert dialog.secret_edit.echoMode() == dialog.secret_edit.EchoMode.Password
    qtbot.keyClick(child(dialog, "showSecret"), Qt.Key.Key_Space)
    assert dialog.secret_edit.echoMode() == dialog.secret_edit.EchoMode.Normal

    qtbot.keyClicks(secret, "dit is niet de goede zin")
    click(qtbot, child(dialog, "openButton"))
    qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=WAIT)
    assert dialog.error_text() == _("This key or passphrase does not open the database.")
    assert app.window is None
    assert dialog.isVisible()
    assert snapshot(path) == before  # same bytes, same mtime, no new files

    # a recovery key with a typing error is caught before the file is touched
    key = recovery.encode(bytes(range(32)))
    typo = ("Z" if key[0] != "Z" else "Y") + key[1:]
    dialog.secret_edit.clear()
    qtbot.keyClicks(secret, typo)
    click(qtbot, child(dialog, "openButton"))
    qtbot.waitUntil(
        lambda: (
            dialog.error_text()
            == _("This recovery key has a typing error. Check each group of five characters.")
        ),
        timeout=WAIT,
    )
    assert snapshot(path) == before

    dialog.secret_edit.clear()
    qtbot.keyClicks(secret, PASSPHRASE)
    qtbot.keyClick(secret, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert app.dialog is None  # the unlock dialog is gone
    assert window.ctx.mode is KeyMode.PASSPHRASE
    assert label_text(window, "statusDatabase") == _("Database: {path}").format(path=path)


def test_recovery_key_opens_a_keyring_database_on_a_new_computer(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    """A keyring-mode file without its keyring entry: the recovery key opens it."""
    path = tmp_path / "pact.db"
    key = os.urandom(32)
    create_database(path, RawKey(key)).close()

    app = start_app(path)
    dialog = wait_dialog(qtbot, app, UnlockDialog)
    qtbot.keyClicks(child(dialog, "secretEdit"), recovery.encode(key).lower())
    click(qtbot, child(dialog, "openButton"))
    window = wait_window(qtbot, app)
    assert window.ctx.mode is KeyMode.KEYRING
    assert label_text(window, "statusKeyMode") == _("Key in the keyring")


def test_quit_on_the_unlock_dialog(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    path = tmp_path / "pact.db"
    make_passphrase_db(path)
    app = start_app(path)
    dialog = wait_dialog(qtbot, app, UnlockDialog)
    click(qtbot, child(dialog, "quitButton"))
    assert app.exit_code == 0
    assert app.window is None
    assert app.dialog is None


def test_wrong_pact_passphrase_in_the_environment_asks_instead(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "pact.db"
    make_passphrase_db(path)
    monkeypatch.setenv("PACT_PASSPHRASE", "not the passphrase of this file")
    app = start_app(path)
    dialog = wait_dialog(qtbot, app, UnlockDialog)
    assert label_text(dialog, "unlockReason") == _(
        "This key or passphrase does not open the database."
    )


def test_database_from_a_newer_pact_is_refused(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "pact.db"
    make_passphrase_db(path)
    engine = make_engine(path, Passphrase(PASSPHRASE))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00000000999'"))
    engine.dispose()
    before = snapshot(path)

    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    app = start_app(path)
    qtbot.waitUntil(
        lambda: app.dialog is not None and app.dialog.objectName() == "fatalDialog", timeout=WAIT
    )
    dialog = app.dialog
    assert dialog is not None
    assert label_text(dialog, "errorMessage") == _(
        "This database was made by a newer version of pact. "
        "Install the newer pact to open it; nothing was changed."
    )
    assert not child(dialog, "detailsButton").isVisible()  # an expected error: message only
    click(qtbot, child(dialog, "closeButton"))
    assert app.exit_code == 1
    assert app.window is None
    assert snapshot(path) == before


def test_database_without_tables_is_upgraded_on_open(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "leeg.db"
    path.touch(mode=0o600)
    engine = make_engine(path, Passphrase(PASSPHRASE))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
        conn.execute(text("DROP TABLE scratch"))
    engine.dispose()
    assert path.stat().st_size > 0

    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert window.ctx.db.schema_state() is SchemaState.CURRENT


# ---------------------------------------------------------------- recovery key dialog


def test_recovery_key_dialog_shows_the_key_and_closes_only_after_confirming(
    qtbot: QtBot, tmp_path: Path
) -> None:
    key = recovery.encode(os.urandom(32))
    saved: list[Path] = []
    target = tmp_path / "noodblad"

    def ask(_parent: object, _title: str, suggested: Path, _filters: str) -> Path:
        assert suggested.suffix == ".pdf"
        saved.append(target)
        return target

    QGuiApplication.clipboard().setText("clipboard before")
    dialog = RecoveryKeyDialog(key, tmp_path / "pact.db", ask_path=ask)
    qtbot.addWidget(dialog)
    dialog.show()

    shown = label_text(dialog, "recoveryKeyLabel")
    assert shown.split() == key.split("-")
    assert recovery.normalise(shown) == recovery.normalise(key)
    assert shown.splitlines() == key_lines(key)
    assert len(shown.splitlines()) == 3

    close = child(dialog, "closeButton")
    assert not close.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible()

    click(qtbot, child(dialog, "saveSheetButton"))
    pdf = tmp_path / "noodblad.pdf"
    qtbot.waitUntil(lambda: dialog.saved_path == pdf, timeout=WAIT)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert oct(pdf.stat().st_mode & 0o777) == oct(0o600)
    assert str(pdf) in label_text(dialog, "sheetStatus")
    assert QGuiApplication.clipboard().text() == "clipboard before"

    qtbot.keyClick(child(dialog, "confirmCheck"), Qt.Key.Key_Space)
    assert close.isEnabled()
    click(qtbot, close)
    assert not dialog.isVisible()


def test_quit_while_the_key_is_being_tried_opens_no_window(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[[Path], PactApp]
) -> None:
    path = tmp_path / "pact.db"
    make_passphrase_db(path)
    app = start_app(path)
    dialog = wait_dialog(qtbot, app, UnlockDialog)
    qtbot.keyClicks(child(dialog, "secretEdit"), PASSPHRASE)
    click(qtbot, child(dialog, "openButton"))
    click(qtbot, child(dialog, "quitButton"))  # before the answer is back
    assert app.exit_code == 0
    qtbot.wait(300)  # the op's answer arrives now
    assert app.window is None
    assert app.ctx is None
