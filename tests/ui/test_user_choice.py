"""Who is working: the first user of a new database, the "Who is working?" dialog,
PACT_USER, switching user, and the consent refresh at start."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.db.database import Database, open_database
from pact.db.engine import Passphrase
from pact.i18n import _
from pact.services import access, users
from pact.services.users import UserData
from pact.ui.app import LAST_USER_KEY, PactApp
from pact.ui.dialogs.choose_user import ChooseUserDialog
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.main_window import MainWindow
from tests.ui.conftest import TEST_USER, TEST_USER_NAME, StartApp, add_first_user

PASSPHRASE = "lente in Twente 2024"
WAIT = 15_000


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def no_env_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACT_USER", raising=False)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


def wait_window(qtbot: QtBot, app: PactApp) -> MainWindow:
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
    assert app.window is not None
    return app.window


def wait_chooser(qtbot: QtBot, app: PactApp) -> ChooseUserDialog:
    qtbot.waitUntil(
        lambda: isinstance(app.dialog, ChooseUserDialog) and app.dialog.isVisible(), timeout=WAIT
    )
    assert isinstance(app.dialog, ChooseUserDialog)
    return app.dialog


def status_user(window: MainWindow) -> str:
    label = window.findChild(QLabel, "statusUser")
    assert label is not None
    return label.text()


def with_db(path: Path) -> Database:
    return open_database(path, Passphrase(PASSPHRASE))


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A database with an administrator, two workers and a user no longer active."""
    path = tmp_path / "team.db"
    created = access.create(path, PASSPHRASE)
    db = created.db
    try:
        admin = add_first_user(db)
        ids = {TEST_USER: admin.id}
        for username, name, active in (
            ("wendy", "Wendy Wolters", True),
            ("koen", "Koen Kamphuis", True),
            ("oud", "Olga Oudgediende", False),
        ):
            saved = users.save_user(
                db.uow(),
                admin,
                UserData(username=username, display_name=name, roles=("worker",), active=active),
            )
            assert saved.id is not None
            ids[username] = saved.id
    finally:
        db.close()
    return path, ids


# ---------------------------------------------------------------- the first user


def test_the_first_user_becomes_administrator_and_coordinator(
    qtbot: QtBot, tmp_path: Path, start_app: StartApp, no_env_user: None
) -> None:
    path = tmp_path / "new.db"
    app = start_app(path, first_user=False)
    qtbot.waitUntil(
        lambda: isinstance(app.dialog, FirstUserDialog) and app.dialog.isVisible(), timeout=WAIT
    )
    dialog = app.dialog
    assert isinstance(dialog, FirstUserDialog)
    intro = dialog.findChild(QLabel, "firstUserIntro")
    assert intro is not None
    assert _("Administrator").lower() in intro.text() and _("Coordinator").lower() in intro.text()
    hint = dialog.findChild(QLabel, "firstUserDirectoryHint")
    assert hint is not None and hint.isVisible()  # the directory is empty: link later
    form = dialog.form
    assert form.username_edit.hasFocus()
    assert not form.role_checks["administrator"].isVisible()  # not a choice here

    # a user name that is not right: the service's message next to the field
    qtbot.keyClicks(form.username_edit, "Ilse Kamphuis")
    click(qtbot, button(dialog, "createUserButton"))
    error = dialog.findChild(QLabel, "usernameError")
    assert error is not None
    qtbot.waitUntil(error.isVisible, timeout=WAIT)
    assert error.text() == _(
        "Use lower-case letters, digits and . _ - only, starting with a letter "
        "or digit (e.g. i.kamphuis)."
    )
    required = dialog.findChild(QLabel, "display_nameError")
    assert required is not None and required.text() == _("This field is required.")
    assert app.window is None

    form.username_edit.clear()
    qtbot.keyClicks(form.username_edit, "i.kamphuis")
    qtbot.keyClicks(form.display_name_edit, "Ilse Kamphuis")
    qtbot.keyClick(form.display_name_edit, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "i.kamphuis"
    assert window.ctx.actor.roles == frozenset({"administrator", "coordinator"})
    assert status_user(window) == _("User: {name}").format(name="Ilse Kamphuis")
    assert _("Users") in window.area_titles()
    assert window.current_area() == "start"
    assert "Ilse Kamphuis" in window.dashboard.greeting.text()
    rows = users.list_users(window.ctx.uow())
    assert [(r.username, r.roles) for r in rows] == [
        ("i.kamphuis", ("administrator", "coordinator"))
    ]


def test_quit_on_the_first_user_dialog_creates_no_user(
    qtbot: QtBot, tmp_path: Path, start_app: StartApp, no_env_user: None
) -> None:
    path = tmp_path / "new.db"
    app = start_app(path, first_user=False)
    qtbot.waitUntil(lambda: isinstance(app.dialog, FirstUserDialog), timeout=WAIT)
    assert app.dialog is not None
    click(qtbot, button(app.dialog, "quitButton"))
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    assert app.window is None
    db = with_db(path)  # closed again: opens at once
    try:
        assert users.count_users(db.uow()) == 0
    finally:
        db.close()


# ---------------------------------------------------------------- who is working?


def test_the_chooser_lists_active_users_and_enter_chooses(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    app = start_app(path)
    chooser = wait_chooser(qtbot, app)
    names = chooser.visible_names()
    assert names == [
        "Koen Kamphuis (koen)",
        f"{TEST_USER_NAME} ({TEST_USER})",
        "Wendy Wolters (wendy)",
    ]  # the inactive user is not offered
    assert chooser.search_edit.hasFocus()

    qtbot.keyClicks(chooser.search_edit, "wol")
    assert chooser.visible_names() == ["Wendy Wolters (wendy)"]
    assert chooser.current_id() == ids["wendy"]
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "wendy"
    assert status_user(window) == _("User: {name}").format(name="Wendy Wolters")
    # the last choice is remembered by its number only
    settings = QSettings("pact", "pact")
    assert int(settings.value(LAST_USER_KEY)) == ids["wendy"]
    stored = " ".join(str(settings.value(k)) for k in settings.allKeys())
    assert "Wendy" not in stored and "wendy" not in stored


def test_the_chooser_preselects_the_last_user_and_arrows_move(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    QSettings("pact", "pact").setValue(LAST_USER_KEY, ids["wendy"])
    app = start_app(path)
    chooser = wait_chooser(qtbot, app)
    assert chooser.current_id() == ids["wendy"]
    chooser.list.setFocus()
    qtbot.keyClick(chooser.list, Qt.Key.Key_Up)
    assert chooser.current_id() == ids[TEST_USER]
    qtbot.keyClick(chooser.list, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.id == ids[TEST_USER]


def test_a_user_made_inactive_meanwhile_is_refused_in_the_dialog(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    app = start_app(path)
    chooser = wait_chooser(qtbot, app)
    db = with_db(path)
    try:
        admin = users.get_actor(db.uow(), ids[TEST_USER])
        koen = users.get_user(db.uow(), admin, ids["koen"])
        users.save_user(db.uow(), admin, replace(koen, active=False))
    finally:
        db.close()
    qtbot.keyClicks(chooser.search_edit, "koen")
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(chooser.message_text()), timeout=WAIT)
    assert chooser.message_text() == _("This user is no longer an active pact user.")
    assert app.window is None
    assert chooser.choose_button.isEnabled()  # choose someone else


def test_pact_user_skips_the_dialog(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    monkeypatch.setenv("PACT_USER", "WENDY")  # user names are case-insensitive
    asked: list[object] = []

    class Spy(ChooseUserDialog):
        def __init__(self, *args: object, **kwargs: object) -> None:
            asked.append(args)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("pact.ui.app.ChooseUserDialog", Spy)
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "wendy"
    assert asked == []
    # a worker: no users area
    assert _("Users") not in window.area_titles()
    assert window.users is None


def test_pact_user_naming_an_unknown_user_asks_with_a_message(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, ids = team
    monkeypatch.setenv("PACT_USER", "nobody")
    app = start_app(path)
    chooser = wait_chooser(qtbot, app)
    message = chooser.message_text()
    # one sentence, in every language
    assert message == _(
        "{source} names “{name}”, but that is not an active pact user: choose who is working."
    ).format(source="PACT_USER", name="nobody")
    chosen = chooser.current_id()
    assert chosen in ids.values()
    click(qtbot, chooser.choose_button)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.id == chosen

    # an inactive user is refused the same way
    window.close()
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    monkeypatch.setenv("PACT_USER", "oud")
    again = start_app(path)
    chooser = wait_chooser(qtbot, again)
    assert "oud" in chooser.message_text()


def test_quit_on_the_chooser_closes_the_database(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, _ids = team
    app = start_app(path)
    chooser = wait_chooser(qtbot, app)
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    assert app.window is None


# ---------------------------------------------------------------- switching


def test_switch_user_rebuilds_the_window_for_the_other_user(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, ids = team
    monkeypatch.setenv("PACT_USER", "wendy")
    app = start_app(path)
    old = wait_window(qtbot, app)
    assert old.users is None
    old.show_area("partners")
    ctx = old.ctx

    old.action_switch_user.trigger()
    chooser = wait_chooser(qtbot, app)
    assert chooser.parent() is old
    assert button(chooser, "cancelButton").isVisible()  # not "Quit": pact goes on
    click(qtbot, button(chooser, "cancelButton"))
    qtbot.waitUntil(lambda: app.dialog is None, timeout=WAIT)
    assert app.window is old and old.isVisible()
    assert ctx.actor.username == "wendy"

    old.action_switch_user.trigger()
    chooser = wait_chooser(qtbot, app)
    qtbot.keyClicks(chooser.search_edit, "tessa")
    qtbot.keyClick(chooser.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window is not old, timeout=WAIT)
    new = wait_window(qtbot, app)
    assert new.ctx is ctx and ctx.actor.id == ids[TEST_USER]
    assert status_user(new) == _("User: {name}").format(name=TEST_USER_NAME)
    assert _("Users") in new.area_titles()  # an administrator
    assert new.current_area() == "start"
    assert TEST_USER_NAME in new.dashboard.greeting.text()
    assert not isValid(old) or not old.isVisible()  # closed and deleted
    assert app.exit_code is None


def test_switching_user_with_unsaved_changes_asks_first(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    app = start_app(path)
    window = wait_window(qtbot, app)
    monkeypatch.setattr(window.cases, "has_unsaved_changes", lambda: True)
    window.action_switch_user.trigger()
    box = window.open_dialog
    assert box is not None and box.isVisible()
    assert box.objectName() == "switchUserUnsavedBox"
    assert _("The case you are editing has changes that are not saved.") in box.text()  # type: ignore[attr-defined]
    click(qtbot, button(box, "switchLaterButton"))
    assert app.dialog is None
    window.action_switch_user.trigger()
    assert window.open_dialog is not None
    click(qtbot, button(window.open_dialog, "switchNowButton"))
    wait_chooser(qtbot, app)


def test_an_administrator_changing_their_own_name_sees_it_at_once(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
) -> None:
    path, ids = team
    app = start_app(path)
    window = wait_window(qtbot, app)
    me = users.get_user(window.ctx.uow(), window.ctx.actor, ids[TEST_USER])
    users.save_user(window.ctx.uow(), window.ctx.actor, replace(me, display_name="Tessa T."))
    window.ctx.changed.emit("users")
    qtbot.waitUntil(lambda: status_user(window).endswith("Tessa T."), timeout=WAIT)
    assert window.ctx.actor.display_name == "Tessa T."
    assert app.window is window  # roles unchanged: no rebuild


def test_consent_states_are_refreshed_at_start(
    qtbot: QtBot, tmp_path: Path, start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def refresh_stale(uow: object) -> int:
        assert release.wait(WAIT / 1000)
        return 2  # two cases changed

    monkeypatch.setattr("pact.services.consent.refresh_stale", refresh_stale)
    path = tmp_path / "team.db"
    created = access.create(path, PASSPHRASE)
    add_first_user(created.db)
    created.db.close()
    app = start_app(path)
    window = wait_window(qtbot, app)
    with qtbot.waitSignal(window.ctx.changed, timeout=WAIT) as changed:
        release.set()
    assert changed.args == ["cases"]
