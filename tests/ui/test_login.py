"""Who is working, proven by a password: the first user of a new database, the log-in
dialog (right and wrong passwords, the wait after five wrong ones, a temporary
password replaced), PACT_USER with PACT_PASSWORD, a database from before log-in,
changing one's own password, an administrator's reset, logging out, and the
consent refresh at start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy import text

from pact.db.database import Database, open_database
from pact.db.engine import Passphrase
from pact.errors import LoginError, PasswordChangeRequiredError
from pact.i18n import _
from pact.services import access, audit, auth, users
from pact.services.users import Actor, UserData
from pact.ui.app import LAST_USER_KEY, PactApp
from pact.ui.dialogs.change_password import ChangePasswordDialog
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.dialogs.login import LoginDialog, wait_message
from pact.ui.dialogs.password_setup import PasswordSetupDialog
from pact.ui.dialogs.reset_password import ResetPasswordDialog
from pact.ui.main_window import MainWindow
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import TEST_USER, TEST_USER_NAME, StartApp, add_first_user

PASSPHRASE = "lente in Twente 2024"
WAIT = 15_000
NEW_PASSWORD = "Zomer-in-Delden-99"  # long enough, not common, not a name


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def no_env_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody named in the environment: pact asks who logs in."""
    monkeypatch.delenv("PACT_USER", raising=False)
    monkeypatch.delenv("PACT_PASSWORD", raising=False)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


def error_text(dialog: QWidget, field: str) -> str:
    label = dialog.findChild(QLabel, field + "Error")
    assert label is not None, field
    return label.text() if label.isVisibleTo(dialog) else ""


def shows(dialog: QWidget, field: str, message: str) -> Callable[[], bool]:
    """For waitUntil: ``message`` is shown next to ``field``."""
    return lambda: error_text(dialog, field) == message


def wait_window(qtbot: QtBot, app: PactApp) -> MainWindow:
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
    assert app.window is not None
    return app.window


def wait_login(qtbot: QtBot, app: PactApp) -> LoginDialog:
    qtbot.waitUntil(
        lambda: isinstance(app.dialog, LoginDialog) and app.dialog.isVisible(), timeout=WAIT
    )
    assert isinstance(app.dialog, LoginDialog)
    return app.dialog


def log_in(qtbot: QtBot, dialog: LoginDialog, password: str, username: str | None = None) -> None:
    """What a person does: (their user name,) their password, Enter."""
    if username is not None:
        dialog.username_edit.clear()
        qtbot.keyClicks(dialog.username_edit, username)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def status_user(window: MainWindow) -> str:
    label = window.findChild(QLabel, "statusUser")
    assert label is not None
    return label.text()


def with_db(path: Path) -> Database:
    return open_database(path, Passphrase(PASSPHRASE))


def admin_of(db: Database) -> Actor:
    return users.find_actor(db.uow(), TEST_USER)


def entries(db: Database, event: str) -> list[audit.AuditRow]:
    return audit.list_entries(db.uow(), admin_of(db), audit.AuditFilter(event=event))


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A database with an administrator, two workers and a user no longer active,
    each with TEST_PASSWORD as their own password."""
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
                UserData(
                    username=username,
                    display_name=name,
                    roles=("worker",),
                    active=active,
                    password=TEST_PASSWORD,
                    password_is_temporary=False,
                ),
            )
            assert saved.id is not None
            ids[username] = saved.id
    finally:
        db.close()
    return path, ids


# ---------------------------------------------------------------- the first user


def test_the_first_user_chooses_a_password_and_is_logged_in(
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
    hint = dialog.findChild(QLabel, "passwordHint")
    assert hint is not None and hint.isVisible()
    assert "10" in hint.text()  # the rules, in words, before anything is typed
    form = dialog.form
    assert form.passwords is not None and form.passwords.repeat_edit is not None
    first, again = form.passwords.edit, form.passwords.repeat_edit
    assert first.echoMode() == first.EchoMode.Password
    assert form.username_edit.hasFocus()
    assert not form.role_checks["administrator"].isVisible()  # not a choice here

    # a user name that is not right, no password: the service's messages by the fields
    qtbot.keyClicks(form.username_edit, "Ilse Kamphuis")
    click(qtbot, button(dialog, "createUserButton"))
    assert error_text(dialog, "password") == _("Choose a password.")  # checked here
    form.username_edit.clear()
    qtbot.keyClicks(form.username_edit, "i.kamphuis")
    qtbot.keyClicks(form.display_name_edit, "Ilse Kamphuis")

    # the two passwords differ: said next to the second one, nothing sent
    qtbot.keyClicks(first, NEW_PASSWORD)
    qtbot.keyClicks(again, NEW_PASSWORD + "x")
    qtbot.keyClick(again, Qt.Key.Key_Return)
    assert error_text(dialog, "password_repeat") == _("The two passwords are not the same.")
    assert not dialog.busy.isVisible()

    # too short, then one of the most common passwords: the service's message
    for password, message in (
        ("kort", _("Use at least {n} characters.").format(n=10)),
        ("Welkom2024!", _("This password is one of the most used passwords: choose another.")),
    ):
        first.clear()
        again.clear()
        qtbot.keyClicks(first, password)
        qtbot.keyClicks(again, password)
        qtbot.keyClick(again, Qt.Key.Key_Return)
        qtbot.waitUntil(shows(dialog, "password", message), timeout=WAIT)
        assert error_text(dialog, "password_repeat") == ""
        assert app.window is None
    assert app.db is not None
    assert users.count_users(app.db.uow()) == 0  # nothing created

    first.clear()
    again.clear()
    qtbot.keyClicks(first, NEW_PASSWORD)
    qtbot.keyClicks(again, NEW_PASSWORD)
    qtbot.keyClick(again, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)  # logged in: no second password prompt
    assert window.ctx.actor.username == "i.kamphuis"
    assert window.ctx.actor.roles == frozenset({"administrator", "coordinator"})
    assert app.db.actor == window.ctx.actor
    assert status_user(window) == _("User: {name}").format(name="Ilse Kamphuis")
    assert _("Users") in window.area_titles()
    assert "Ilse Kamphuis" in window.dashboard.greeting.text()
    rows = users.list_users(window.ctx.uow())
    assert [(r.username, r.roles, r.has_password, r.must_change_password) for r in rows] == [
        ("i.kamphuis", ("administrator", "coordinator"), True, False)
    ]
    assert auth.login(window.ctx.uow(), "i.kamphuis", NEW_PASSWORD).username == "i.kamphuis"


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


# ---------------------------------------------------------------- log-in


def test_log_in_with_the_right_password(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    QSettings("pact", "pact").setValue(LAST_USER_KEY, ids["wendy"])
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    assert app.window is None  # nothing of the database before log-in
    # the last user on this computer, looked up by the number kept in the settings
    assert dialog.username_edit.text() == "wendy"
    assert dialog.password_edit.hasFocus()
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    log_in(qtbot, dialog, TEST_PASSWORD)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "wendy"
    assert app.db is not None and app.db.actor == window.ctx.actor
    assert status_user(window) == _("User: {name}").format(name="Wendy Wolters")
    assert _("Users") not in window.area_titles()  # a worker
    # the last user is remembered by their number only
    settings = QSettings("pact", "pact")
    assert int(settings.value(LAST_USER_KEY)) == ids["wendy"]
    stored = " ".join(str(settings.value(k)) for k in settings.allKeys())
    assert "wendy" not in stored.lower() and TEST_PASSWORD not in stored
    [entry] = entries(app.db, audit.LOGIN)
    assert entry.username == "wendy" and entry.outcome == audit.SUCCESS


def test_a_wrong_password_is_refused_and_logged(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, _ids = team
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    assert dialog.username_edit.text() == ""  # nobody logged in here before
    assert dialog.username_edit.hasFocus()
    log_in(qtbot, dialog, "not the password", username="koen")
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=WAIT)
    assert dialog.error_text() == _("The user name or the password is not right.")
    assert dialog.password_edit.text() == ""
    assert dialog.login_button.isEnabled()
    assert app.window is None
    assert app.db is not None and app.db.actor is None
    [failed] = entries(app.db, audit.LOGIN_FAILED)
    assert failed.username == "koen" and failed.outcome == audit.REFUSED
    assert entries(app.db, audit.LOGIN) == []

    # an unknown user name gets the same words
    log_in(qtbot, dialog, TEST_PASSWORD, username="nobody")
    db = app.db
    qtbot.waitUntil(lambda: len(entries(db, audit.LOGIN_FAILED)) == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=WAIT)
    assert dialog.error_text() == _("The user name or the password is not right.")

    # typing takes the message away; the right password logs in
    log_in(qtbot, dialog, TEST_PASSWORD, username="koen")
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "koen"


def test_five_wrong_passwords_make_the_next_attempt_wait(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    for n in range(1, 6):
        log_in(qtbot, dialog, f"wrong password {n}", username="wendy" if n == 1 else None)
        qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=WAIT)
        qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=WAIT)
    # the fifth: a countdown, and "Log in" disabled until it ends
    assert dialog.waiting()
    assert 25 <= dialog.seconds_left() <= 30
    assert dialog.error_text() == wait_message(dialog.seconds_left())
    assert (
        _("Too many wrong passwords: try again in {wait}.").split("{wait}")[0]
        in dialog.error_text()
    )
    assert not dialog.login_button.isEnabled()
    qtbot.keyClicks(dialog.password_edit, TEST_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # nothing happens
    assert not dialog.busy.isVisible()
    assert app.db is not None
    assert len(entries(app.db, audit.LOGIN_FAILED)) == 5
    click(qtbot, button(dialog, "quitButton"))
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)

    # the wait is kept in the database: a new start shows it at once
    QSettings("pact", "pact").setValue(LAST_USER_KEY, ids["wendy"])
    again = start_app(path)
    dialog = wait_login(qtbot, again)
    assert dialog.username_edit.text() == "wendy"
    assert dialog.waiting() and not dialog.login_button.isEnabled()
    assert (
        _("Too many wrong passwords: try again in {wait}.").split("{wait}")[0]
        in dialog.error_text()
    )

    # when a countdown ends, "Log in" can be used again
    dialog.start_wait(1)
    qtbot.waitUntil(dialog.login_button.isEnabled, timeout=5_000)
    assert not dialog.waiting()
    assert dialog.error_text() == _("You can try again now.")


def test_pact_user_and_pact_password_log_in_without_the_dialog(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    monkeypatch.setenv("PACT_USER", "WENDY")  # user names are case-insensitive
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    asked: list[object] = []

    class Spy(LoginDialog):
        def __init__(self, *args: object, **kwargs: object) -> None:
            asked.append(args)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("pact.ui.app.LoginDialog", Spy)
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "wendy"
    assert asked == []
    assert app.db is not None and app.db.actor == window.ctx.actor
    assert [e.username for e in entries(app.db, audit.LOGIN)] == ["wendy"]
    assert window.users is None  # a worker: no users area


def test_a_wrong_pact_password_shows_the_dialog_with_the_error(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    monkeypatch.setenv("PACT_PASSWORD", "not the password")
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    assert dialog.username_edit.text() == TEST_USER
    assert dialog.error_text() == _("The user name or the password is not right.")
    log_in(qtbot, dialog, TEST_PASSWORD)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == TEST_USER

    # an inactive user is refused the same way
    window.close()
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    monkeypatch.setenv("PACT_USER", "oud")
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    again = start_app(path)
    dialog = wait_login(qtbot, again)
    assert dialog.error_text() == _(
        "The user {name} is no longer active; ask an administrator."
    ).format(name="oud")
    assert again.window is None


def test_quit_on_the_log_in_dialog_closes_the_database(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, _ids = team
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    assert app.window is None


def test_a_temporary_password_must_be_replaced_at_log_in(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    db = with_db(path)
    try:
        auth.reset_password(db.uow(), admin_of(db), ids["wendy"], "Tijdelijk-wachtwoord-1")
    finally:
        db.close()
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    log_in(qtbot, dialog, "Tijdelijk-wachtwoord-1", username="wendy")
    qtbot.waitUntil(dialog.on_new_password_page, timeout=WAIT)
    intro = dialog.findChild(QLabel, "newPasswordIntro")
    assert intro is not None and intro.isVisible()
    assert (
        _("An administrator set this password: choose a new password of your own.") in intro.text()
    )
    assert not dialog.username_edit.isVisible()
    assert dialog.new_password.edit.hasFocus()
    assert app.window is None
    repeat = dialog.new_password.repeat_edit
    assert repeat is not None

    qtbot.keyClicks(dialog.new_password.edit, NEW_PASSWORD)
    qtbot.keyClicks(repeat, "something else")
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    assert error_text(dialog, "new_password_repeat") == _("The two passwords are not the same.")
    assert not dialog.busy.isVisible()  # not sent

    # the temporary one again, or a common one: the service's message by the field
    for password, message in (
        ("Tijdelijk-wachtwoord-1", _("Choose a password that differs from the old one.")),
        ("Welkom2024!", _("This password is one of the most used passwords: choose another.")),
    ):
        dialog.new_password.clear()
        qtbot.keyClicks(dialog.new_password.edit, password)
        qtbot.keyClicks(repeat, password)
        qtbot.keyClick(repeat, Qt.Key.Key_Return)
        qtbot.waitUntil(shows(dialog, "new_password", message), timeout=WAIT)
        assert dialog.on_new_password_page()
    assert app.window is None

    dialog.new_password.clear()
    qtbot.keyClicks(dialog.new_password.edit, NEW_PASSWORD)
    qtbot.keyClicks(repeat, NEW_PASSWORD)
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "wendy"
    uow = window.ctx.uow
    [row] = [r for r in users.list_users(uow()) if r.username == "wendy"]
    assert row.has_password and not row.must_change_password
    assert auth.login(uow(), "wendy", NEW_PASSWORD).username == "wendy"
    with pytest.raises(LoginError):
        auth.login(uow(), "wendy", "Tijdelijk-wachtwoord-1")


def test_a_temporary_pact_password_asks_for_a_new_one(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, ids = team
    db = with_db(path)
    try:
        auth.reset_password(db.uow(), admin_of(db), ids["koen"], "Tijdelijk-wachtwoord-1")
    finally:
        db.close()
    monkeypatch.setenv("PACT_USER", "koen")
    monkeypatch.setenv("PACT_PASSWORD", "Tijdelijk-wachtwoord-1")
    app = start_app(path)
    dialog = wait_login(qtbot, app)
    assert dialog.on_new_password_page()
    repeat = dialog.new_password.repeat_edit
    assert repeat is not None
    qtbot.keyClicks(dialog.new_password.edit, NEW_PASSWORD)
    qtbot.keyClicks(repeat, NEW_PASSWORD)
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.username == "koen"


# ---------------------------------------------------------------- a database from step 4


def test_a_database_without_passwords_lets_an_administrator_set_one(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    no_env_user: None,
) -> None:
    path, ids = team
    db = with_db(path)
    try:
        with db.engine.begin() as conn:  # as a database upgraded from before log-in
            conn.execute(text("UPDATE pact_user SET password_hash = NULL"))
    finally:
        db.close()
    app = start_app(path)
    qtbot.waitUntil(
        lambda: isinstance(app.dialog, PasswordSetupDialog) and app.dialog.isVisible(),
        timeout=WAIT,
    )
    dialog = app.dialog
    assert isinstance(dialog, PasswordSetupDialog)
    intro = dialog.findChild(QLabel, "passwordSetupIntro")
    assert intro is not None
    assert intro.text() == _(
        "From this version on, everyone logs in to pact with their user name and "
        "a password, and pact records who did what. The users of this database "
        "have no password yet. Choose an administrator and set their password: "
        "pact then opens as that administrator. In “Users”, give every other "
        "user a temporary password; they choose their own at their first log-in."
    )
    # only the administrator can be chosen
    combo = dialog.admin_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [TEST_USER]
    assert dialog.passwords.edit.hasFocus()
    repeat = dialog.passwords.repeat_edit
    assert repeat is not None

    qtbot.keyClicks(dialog.passwords.edit, NEW_PASSWORD)
    qtbot.keyClicks(repeat, "typo")
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    assert dialog.error("password_repeat") == _("The two passwords are not the same.")
    dialog.passwords.clear()
    qtbot.keyClicks(dialog.passwords.edit, "kort")
    qtbot.keyClicks(repeat, "kort")
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: dialog.error("password") == _("Use at least {n} characters.").format(n=10),
        timeout=WAIT,
    )
    assert app.window is None

    dialog.passwords.clear()
    qtbot.keyClicks(dialog.passwords.edit, NEW_PASSWORD)
    qtbot.keyClicks(repeat, NEW_PASSWORD)
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    window = wait_window(qtbot, app)
    assert window.ctx.actor.id == ids[TEST_USER]
    assert app.db is not None and app.db.actor == window.ctx.actor
    rows = {r.username: r.has_password for r in users.list_users(window.ctx.uow())}
    assert rows == {TEST_USER: True, "wendy": False, "koen": False, "oud": False}
    # the users area says who still has no password
    window.show_area("users")
    view = window.users
    assert view is not None
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
    states = {r[0]: r[-1] for r in view.visible_rows()}
    assert states["wendy"] == _("None yet") and states[TEST_USER] == _("Own")


# ---------------------------------------------------------------- passwords in the window


def test_change_own_password(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    monkeypatch.setenv("PACT_USER", "wendy")
    app = start_app(path)
    window = wait_window(qtbot, app)
    assert window.action_change_password in window.file_menu.actions()
    window.action_change_password.trigger()
    dialog = window.open_dialog
    assert isinstance(dialog, ChangePasswordDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    qtbot.waitUntil(dialog.old_edit.hasFocus, timeout=WAIT)
    repeat = dialog.passwords.repeat_edit
    assert repeat is not None

    def change(old: str, new: str, again: str) -> None:
        for edit in (dialog.old_edit, dialog.passwords.edit, repeat):
            edit.clear()
        qtbot.keyClicks(dialog.old_edit, old)
        qtbot.keyClicks(dialog.passwords.edit, new)
        qtbot.keyClicks(repeat, again)
        qtbot.keyClick(repeat, Qt.Key.Key_Return)

    change(TEST_PASSWORD, NEW_PASSWORD, "typo")
    assert dialog.error("new_password_repeat") == _("The two passwords are not the same.")
    change("not my password", NEW_PASSWORD, NEW_PASSWORD)
    qtbot.waitUntil(
        lambda: dialog.error("old_password") == _("This is not your current password."),
        timeout=WAIT,
    )
    change(TEST_PASSWORD, "Wendy-Wolters", "Wendy-Wolters")
    qtbot.waitUntil(
        lambda: dialog.error("new_password") == _("Do not make the password from your own name."),
        timeout=WAIT,
    )
    change(TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=WAIT)
    assert window.statusBar().currentMessage() == _("Your password has been changed.")
    uow = window.ctx.uow
    assert auth.login(uow(), "wendy", NEW_PASSWORD).username == "wendy"
    with pytest.raises(LoginError):
        auth.login(uow(), "wendy", TEST_PASSWORD)


def test_an_administrator_resets_a_password(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
) -> None:
    path, ids = team
    app = start_app(path)
    window = wait_window(qtbot, app)
    window.show_area("users")
    view = window.users
    assert view is not None
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
    view.select(ids["wendy"])
    click(qtbot, view.reset_button)
    dialog = view.open_dialog
    assert isinstance(dialog, ResetPasswordDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    intro = dialog.findChild(QLabel, "resetPasswordIntro")
    assert intro is not None and "Wendy Wolters" in intro.text()
    assert intro.text() == _(
        "Give {name} ({username}) a temporary password. pact asks them to choose a "
        "password of their own at their next log-in. Tell them the temporary "
        "password in person or by phone, not by e-mail."
    ).format(name="Wendy Wolters", username="wendy")
    repeat = dialog.passwords.repeat_edit
    assert repeat is not None
    qtbot.keyClicks(dialog.passwords.edit, "kort")
    qtbot.keyClicks(repeat, "kort")
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: dialog.error("new_password") == _("Use at least {n} characters.").format(n=10),
        timeout=WAIT,
    )
    dialog.passwords.clear()
    qtbot.keyClicks(dialog.passwords.edit, "Tijdelijk-wachtwoord-1")
    qtbot.keyClicks(repeat, "Tijdelijk-wachtwoord-1")
    qtbot.keyClick(repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=WAIT)
    assert view.message.message() == _(
        "The password of {name} has been reset: they choose a new one at their next log-in."
    ).format(name="Wendy Wolters")
    qtbot.waitUntil(
        lambda: ("wendy", _("Temporary")) in [(r[0], r[-1]) for r in view.visible_rows()],
        timeout=WAIT,
    )
    with pytest.raises(PasswordChangeRequiredError):
        auth.login(window.ctx.uow(), "wendy", "Tijdelijk-wachtwoord-1")
    [entry] = entries(window.ctx.db, audit.PERMISSION_CHANGE)
    assert entry.username == TEST_USER and "wendy" in entry.detail


# ---------------------------------------------------------------- logging out


def test_log_out_and_log_in_as_someone_else(
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

    old.action_log_out.trigger()
    dialog = wait_login(qtbot, app)
    assert not old.isVisible()  # nothing of wendy's work is on screen
    assert app.db is not None and app.db.actor is None
    assert dialog.message_text() == _("You are logged out.")
    assert dialog.username_edit.text() == "wendy"
    assert button(dialog, "quitButton").isVisible()  # nobody is logged in: quit or log in

    log_in(qtbot, dialog, TEST_PASSWORD, username="tester")
    qtbot.waitUntil(lambda: app.window is not old, timeout=WAIT)
    new = wait_window(qtbot, app)
    assert new.ctx is ctx and ctx.actor.id == ids[TEST_USER]
    assert app.db.actor == ctx.actor
    assert status_user(new) == _("User: {name}").format(name=TEST_USER_NAME)
    assert _("Users") in new.area_titles()  # an administrator
    assert new.current_area() == "start"
    assert TEST_USER_NAME in new.dashboard.greeting.text()
    assert not isValid(old) or not old.isVisible()  # closed and deleted
    assert app.exit_code is None

    # quitting at the log-in dialog after logging out quits pact
    new.action_log_out.trigger()
    dialog = wait_login(qtbot, app)
    click(qtbot, button(dialog, "quitButton"))
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)


def test_logging_out_with_unsaved_changes_asks_first(
    qtbot: QtBot,
    team: tuple[Path, dict[str, int]],
    start_app: StartApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ids = team
    app = start_app(path)
    window = wait_window(qtbot, app)
    monkeypatch.setattr(window.cases, "has_unsaved_changes", lambda: True)
    window.action_log_out.trigger()
    box = window.open_dialog
    assert box is not None and box.isVisible()
    assert box.objectName() == "logOutUnsavedBox"
    assert _("The case you are editing has changes that are not saved.") in box.text()  # type: ignore[attr-defined]
    click(qtbot, button(box, "switchLaterButton"))
    assert app.dialog is None and window.isVisible()
    window.action_log_out.trigger()
    assert window.open_dialog is not None
    click(qtbot, button(window.open_dialog, "switchNowButton"))
    wait_login(qtbot, app)


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
