"""Settings: language switch without restart, key protection, municipalities."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pact import config, i18n
from pact.db.database import Database, open_database
from pact.db.engine import Passphrase, RawKey
from pact.errors import ValidationError, WrongKeyError
from pact.i18n import _, ngettext
from pact.security import credentials, recovery
from pact.security.credentials import KeyringState
from pact.services import access, partners
from pact.services.access import KeyMode
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.app import PactApp, apply_language
from pact.ui.context import AppContext
from pact.ui.dialogs.create_database import CreateDatabaseDialog
from pact.ui.dialogs.municipalities import MunicipalitiesDialog
from pact.ui.dialogs.recovery_key import RecoveryKeyDialog
from pact.ui.dialogs.settings import NewPassphraseDialog, SettingsDialog, keyring_refusal
from pact.ui.main_window import MainWindow
from tests.conftest import TEST_KEY
from tests.db.conftest import secret_service  # noqa: F401 - the real Secret Service fixture
from tests.ui.conftest import TEST_USER, TEST_USER_NAME

PASSPHRASE = "lente in Twente 2024"
NEW_PASSPHRASE = "zomer in Enschede 2025"
WAIT = 15_000


@pytest.fixture
def languages() -> Iterator[None]:
    """Start like run_gui does (Dutch, with Qt's qtbase_nl); leave no translator behind."""
    before = QLocale()
    apply_language("nl")
    yield
    apply_language("en")  # removes the Qt translator
    i18n.set_language("nl")
    QLocale.setDefault(before)


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path, actor: Actor) -> Iterator[MainWindow]:
    """A main window on a keyring-mode database (the conftest's raw key)."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    ctx = AppContext(db, KeyMode.KEYRING, actor)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    yield win
    ops.wait_idle()


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


def label(parent: QWidget, name: str) -> str:
    found = parent.findChild(QLabel, name)
    assert found is not None, name
    return found.text() if found.isVisible() else ""


def open_settings(window: MainWindow) -> SettingsDialog:
    window.action_settings.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    return dialog


def wait_window(qtbot: QtBot, app: PactApp) -> MainWindow:
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
    assert app.window is not None
    return app.window


# ---------------------------------------------------------------- language


def test_language_switch_rebuilds_the_window_in_english(
    qtbot: QtBot,
    tmp_path: Path,
    languages: None,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "pact.db"
    access.create(path, PASSPHRASE).db.close()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    app = start_app(path)
    old = wait_window(qtbot, app)
    old.show_area("who_can_help")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"  # qtbase_nl

    dialog = open_settings(old)
    combo = dialog.language_combo
    assert combo.currentData() == "nl"
    assert [combo.itemText(i) for i in range(combo.count())] == ["Nederlands", "English"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "en"
    click(qtbot, button(dialog, "okButton"))

    qtbot.waitUntil(lambda: app.window is not old, timeout=WAIT)
    new = wait_window(qtbot, app)
    assert i18n.language() == "en"
    assert config.Settings.load().language == "en"
    # visible texts are the English source strings, and Qt's own are English too
    assert [a.text() for a in new.menuBar().actions()] == ["&File", "&Edit", "&Help"]
    assert [a.text() for a in new.menuBar().actions()] == [_("&File"), _("&Edit"), _("&Help")]
    assert new.area_titles() == [
        "Start",
        "Cases",
        "Meetings",
        "Next steps",
        "Partners",
        "Who can help?",
        "Retention",
        "Users",
        "Audit log",
    ]
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    assert new.current_area() == "who_can_help"  # where the person was
    assert not old.isVisible()
    assert new.ctx is old.ctx  # the same open database
    assert new.ctx.actor.username == TEST_USER  # and the same acting user
    assert TEST_USER_NAME in label(new, "statusUser")

    # and back to Dutch
    dialog = open_settings(new)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("nl"))
    click(qtbot, button(dialog, "okButton"))
    qtbot.waitUntil(lambda: app.window is not new, timeout=WAIT)
    assert i18n.language() == "nl"
    assert config.Settings.load().language == "nl"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"


def test_cancel_keeps_the_language(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_settings(window)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    click(qtbot, button(dialog, "cancelButton"))
    assert i18n.language() == "nl"
    assert config.Settings.load().language == "nl"
    assert not dialog.language_changed


# ---------------------------------------------------------------- key protection


def test_passphrase_database_cannot_move_to_a_missing_keyring(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "pact.db"
    access.create(path, PASSPHRASE).db.close()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    window = wait_window(qtbot, start_app(path))
    dialog = open_settings(window)
    assert label(dialog, "keyModeLabel") == _("Protected by passphrase")
    qtbot.waitUntil(
        lambda: label(dialog, "keyStatus") == keyring_refusal(KeyringState.UNAVAILABLE),
        timeout=WAIT,
    )
    switch = button(dialog, "switchKeyModeButton")
    assert switch.text() == _("Store the key in this computer's &keyring")
    assert not switch.isEnabled()
    assert_no_overlap(qtbot, dialog)


def assert_no_overlap(qtbot: QtBot, dialog: QWidget) -> None:
    """Every visible label and button of ``dialog`` is as tall as its text needs
    and none covers another (word-wrapped labels need height-for-width)."""
    shown = [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, QLabel | QPushButton) and w.isVisible() and w.window() is dialog
    ]
    wrapped = [w for w in shown if isinstance(w, QLabel) and w.wordWrap() and w.text()]

    def squeezed() -> list[tuple[str, str, int, int]]:
        return [
            (w.objectName(), w.text(), w.height(), w.heightForWidth(w.width()))
            for w in wrapped
            if w.height() < w.heightForWidth(w.width())
        ]

    # the dialog grows on the next turns of the event loop, after a text changed
    try:
        qtbot.waitUntil(lambda: not squeezed(), timeout=1000)
    except qtbot.TimeoutError:
        raise AssertionError(squeezed()) from None
    boxes = []
    for w in shown:
        rect = w.geometry()
        rect.moveTopLeft(w.mapTo(dialog, w.rect().topLeft()))
        boxes.append((w, rect))
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            assert not ra.intersects(rb), (a.objectName() or a.text(), b.objectName() or b.text())


def test_settings_texts_fit_in_both_languages(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reviewer's case: the disabled keyring button covered the first line of the
    (wrapped) reason below it."""
    path = tmp_path / "pact.db"
    access.create(path, PASSPHRASE).db.close()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    window = wait_window(qtbot, start_app(path))
    for language in ("nl", "en"):
        i18n.set_language(language)
        dialog = SettingsDialog(window.ctx, window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(
            lambda d=dialog: label(d, "keyStatus") == keyring_refusal(KeyringState.UNAVAILABLE),
            timeout=WAIT,
        )
        assert_no_overlap(qtbot, dialog)
        dialog.reject()
    i18n.set_language("nl")


def test_switch_from_keyring_to_passphrase(
    qtbot: QtBot, window: MainWindow, db: Database, db_path: Path
) -> None:
    dialog = open_settings(window)
    assert label(dialog, "keyModeLabel") == _("Key in the keyring")
    click(qtbot, button(dialog, "switchKeyModeButton"))
    ask = dialog.child_dialog
    assert isinstance(ask, NewPassphraseDialog) and ask.isVisible()

    qtbot.keyClicks(ask.form.passphrase_edit, "te kort")
    qtbot.keyClicks(ask.form.repeat_edit, "te kort")
    click(qtbot, button(ask, "okButton"))
    assert label(ask, "passphraseError") == _("Use at least {n} characters.").format(
        n=access.MIN_PASSPHRASE
    )
    assert_no_overlap(qtbot, ask)
    assert window.ctx.mode is KeyMode.KEYRING

    ask.form.passphrase_edit.clear()
    ask.form.repeat_edit.clear()
    qtbot.keyClicks(ask.form.passphrase_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(ask.form.repeat_edit, NEW_PASSPHRASE)
    click(qtbot, button(ask, "okButton"))
    qtbot.waitUntil(lambda: window.ctx.mode is KeyMode.PASSPHRASE, timeout=WAIT)

    assert label(dialog, "keyModeLabel") == _("Protected by passphrase")
    assert label(dialog, "keyStatus") == _("The database is now protected by your passphrase.")
    assert label(window, "statusKeyMode") == _("Protected by passphrase")
    # the data is still there, and only the new passphrase opens the file
    assert len(partners.list_municipalities(db.uow())) == 14
    ops.wait_idle()
    db.close()
    reopened = open_database(db_path, Passphrase(NEW_PASSPHRASE))
    reopened.close()
    with pytest.raises(WrongKeyError):
        open_database(db_path, TEST_KEY)


# ---------------------------------------------------------------- municipalities


def test_municipalities_add_rename_inactive_and_duplicate(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    settings = open_settings(window)
    click(qtbot, button(settings, "municipalitiesButton"))
    dialog = settings.child_dialog
    assert isinstance(dialog, MunicipalitiesDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
    assert "Almelo" in dialog.names() and len(dialog.names()) == 14
    shown = [dialog.list.item(r).text() for r in range(dialog.list.count())]
    assert (
        _("{name} ({count})").format(
            name="Almelo", count=ngettext("{n} partner", "{n} partners", 0).format(n=0)
        )
        in shown
    )
    assert not [text for text in shown if "  " in text]  # one space, not two

    name = dialog.name_edit
    name.clear()
    qtbot.keyClicks(name, "Testdorp")
    with qtbot.waitSignal(window.ctx.changed, timeout=WAIT) as changed:
        click(qtbot, button(dialog, "addMunicipalityButton"))
    assert changed.args == ["municipalities"]
    qtbot.waitUntil(lambda: "Testdorp" in dialog.names(), timeout=WAIT)
    assert dialog.current() is not None and dialog.current().name == "Testdorp"

    # a duplicate (any case): the message next to the name field, nothing added
    name.clear()
    qtbot.keyClicks(name, "almelo")
    click(qtbot, button(dialog, "addMunicipalityButton"))
    qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=WAIT)
    assert dialog.error_text() == _("This municipality is already listed.")
    error = dialog.findChild(QLabel, "municipalityError")
    assert error is not None and error.geometry().top() >= name.geometry().bottom()
    assert len(partners.list_municipalities(db.uow(), include_inactive=True)) == 15

    # an empty name
    name.clear()
    click(qtbot, button(dialog, "addMunicipalityButton"))
    with pytest.raises(ValidationError) as expected:
        partners.save_municipality(db.uow(), "")
    qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=WAIT)
    assert dialog.error_text() == expected.value.for_field("name")

    # rename the selected one
    select(dialog, "Testdorp")
    name.clear()
    qtbot.keyClicks(name, "Testdorp-Oost")
    click(qtbot, button(dialog, "renameMunicipalityButton"))
    qtbot.waitUntil(lambda: "Testdorp-Oost" in dialog.names(), timeout=WAIT)
    assert "Testdorp" not in dialog.names()

    # set inactive: still listed here, no longer offered elsewhere
    select(dialog, "Testdorp-Oost")
    toggle = button(dialog, "toggleActiveButton")
    assert toggle.text() == _("Set &inactive")
    click(qtbot, toggle)
    qtbot.waitUntil(
        lambda: dialog.current() is not None and not dialog.current().active, timeout=WAIT
    )
    assert toggle.text() == _("Set &active")
    assert "Testdorp-Oost" in dialog.names()
    active = [m.name for m in partners.list_municipalities(db.uow())]
    assert "Testdorp-Oost" not in active
    item = dialog.list.currentItem()
    assert item is not None and item.text() == _("{name} ({count}, inactive)").format(
        name="Testdorp-Oost", count=ngettext("{n} partner", "{n} partners", 0).format(n=0)
    )


def select(dialog: MunicipalitiesDialog, name: str) -> None:
    for row in range(dialog.list.count()):
        item = dialog.list.item(row)
        if item.text().startswith(name + " "):
            dialog.list.setCurrentItem(item)
            return
    raise AssertionError(name)


# ---------------------------------------------------------------- with a real keyring


@pytest.mark.keyring
def test_keyring_mode_first_run_and_switching_both_ways(
    qtbot: QtBot,
    tmp_path: Path,
    start_app: Callable[[Path], PactApp],
    secret_service: KeyringBackend,  # noqa: F811
) -> None:
    path = tmp_path / "pact.db"
    app = start_app(path)
    qtbot.waitUntil(lambda: isinstance(app.dialog, CreateDatabaseDialog), timeout=WAIT)
    create = app.dialog
    assert isinstance(create, CreateDatabaseDialog)
    assert not create.uses_passphrase()  # a keyring: nothing to type
    click(qtbot, button(create, "createButton"))

    qtbot.waitUntil(lambda: isinstance(app.dialog, RecoveryKeyDialog), timeout=WAIT)
    shown = app.dialog
    assert isinstance(shown, RecoveryKeyDialog)
    first_key = label(shown, "recoveryKeyLabel")
    stored = credentials.read_key(path)
    assert stored.key == recovery.decode(first_key)
    qtbot.keyClick(shown.confirm_check, Qt.Key.Key_Space)
    click(qtbot, button(shown, "closeButton"))
    window = wait_window(qtbot, app)
    assert window.ctx.mode is KeyMode.KEYRING
    assert label(window, "statusKeyMode") == _("Key in the keyring")

    # keyring -> passphrase: the keyring entry goes
    settings = open_settings(window)
    click(qtbot, button(settings, "switchKeyModeButton"))
    ask = settings.child_dialog
    assert isinstance(ask, NewPassphraseDialog)
    qtbot.keyClicks(ask.form.passphrase_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(ask.form.repeat_edit, NEW_PASSPHRASE)
    click(qtbot, button(ask, "okButton"))
    qtbot.waitUntil(lambda: window.ctx.mode is KeyMode.PASSPHRASE, timeout=WAIT)
    assert credentials.read_key(path).state is KeyringState.NOT_FOUND

    # passphrase -> keyring: a new recovery key, shown once
    switch = button(settings, "switchKeyModeButton")
    qtbot.waitUntil(switch.isEnabled, timeout=WAIT)
    click(qtbot, switch)
    qtbot.waitUntil(lambda: isinstance(settings.child_dialog, RecoveryKeyDialog), timeout=WAIT)
    again = settings.child_dialog
    assert isinstance(again, RecoveryKeyDialog)
    new_key = label(again, "recoveryKeyLabel")
    assert recovery.normalise(new_key) != recovery.normalise(first_key)
    assert window.ctx.mode is KeyMode.KEYRING
    assert credentials.read_key(path).key == recovery.decode(new_key)
    qtbot.keyClick(again.confirm_check, Qt.Key.Key_Space)
    click(qtbot, button(again, "closeButton"))

    ops.wait_idle()
    window.ctx.db.close()
    open_database(path, RawKey(recovery.decode(new_key))).close()
    with pytest.raises(WrongKeyError):
        open_database(path, Passphrase(NEW_PASSPHRASE))


# ---------------------------------------------------------------- letterhead


def test_the_letterhead_is_saved_and_a_bad_logo_refused(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PIL import Image
    from shiboken6 import isValid

    from pact.services import documents

    dialog = open_settings(window)
    qtbot.waitUntil(dialog.letterhead_box.isEnabled, timeout=WAIT)  # read in the background
    assert dialog.pact_name_edit.text() == _("Divorce pact")  # nothing set yet
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("this is no picture", encoding="utf-8")
    dialog.choose_logo(str(not_a_picture))
    assert label(dialog, "logoError") == _("Choose a PNG or JPEG picture.")
    assert dialog.logo is None
    picture = tmp_path / "pact.png"
    Image.new("RGB", (80, 30), (43, 87, 151)).save(picture, "PNG")
    dialog.choose_logo(str(picture))
    assert label(dialog, "logoError") == "" and dialog.logo == picture.read_bytes()
    dialog.pact_name_edit.clear()
    click(qtbot, button(dialog, "okButton"))
    qtbot.waitUntil(lambda: label(dialog, "pactNameError") != "", timeout=WAIT)
    assert dialog.isVisible()  # nothing saved: the name is missing
    assert documents.document_settings(window.ctx.uow()).logo is None
    qtbot.keyClicks(dialog.pact_name_edit, "Scheidingspact Hengelo")
    click(qtbot, button(dialog, "okButton"))
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=WAIT)
    saved = documents.document_settings(window.ctx.uow())
    assert saved == documents.DocumentSettings("Scheidingspact Hengelo", picture.read_bytes())


def test_the_retention_term_is_a_setting_of_the_database(qtbot: QtBot, window: MainWindow) -> None:
    from shiboken6 import isValid

    from pact.services import retention

    dialog = open_settings(window)
    qtbot.waitUntil(dialog.retention_box.isEnabled, timeout=WAIT)
    spin = dialog.retention_spin
    assert spin.value() == retention.DEFAULT_YEARS
    assert spin.suffix() == ngettext(
        " year after the case was closed", " years after the case was closed", 20
    )
    spin.setValue(15)
    click(qtbot, button(dialog, "okButton"))
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=WAIT)
    assert retention.get_years(window.ctx.uow()) == 15
    again = open_settings(window)
    qtbot.waitUntil(again.retention_box.isEnabled, timeout=WAIT)
    assert again.retention_spin.value() == 15
    again.reject()
