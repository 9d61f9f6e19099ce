"""The main window shell: areas, menus, DEMO banner, status bar, remembered geometry,
closing with unsaved changes, the global excepthook, and run_gui end to end."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pact.db.database import Database, open_database
from pact.db.engine import Passphrase
from pact.errors import NotFoundError
from pact.i18n import _, ngettext
from pact.models import AppSetting
from pact.security import recovery
from pact.services import access, users
from pact.services.access import KeyMode
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.app import PactApp, run_gui
from pact.ui.context import AppContext
from pact.ui.dialogs.about import AboutDialog
from pact.ui.dialogs.change_password import ChangePasswordDialog
from pact.ui.dialogs.create_database import CreateDatabaseDialog
from pact.ui.dialogs.error import GENERIC_MESSAGE, ErrorDialog, ExceptHook, scrub
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.dialogs.login import LoginDialog
from pact.ui.dialogs.municipalities import MunicipalitiesDialog
from pact.ui.dialogs.password_setup import PasswordSetupDialog
from pact.ui.dialogs.recovery_key import RecoveryKeyDialog
from pact.ui.dialogs.reset_password import ResetPasswordDialog
from pact.ui.dialogs.settings import NewPassphraseDialog, SettingsDialog
from pact.ui.dialogs.unlock import UnlockDialog
from pact.ui.dialogs.user_editor import DirectoryOptions, UserEditorDialog
from pact.ui.main_window import MainWindow
from pact.ui.views.cases import CasesView
from pact.ui.views.dashboard import DashboardView
from pact.ui.views.meetings import MeetingsView
from pact.ui.views.next_steps import NextStepsView
from pact.ui.views.partners import PartnersView
from pact.ui.views.users import UsersView
from pact.ui.views.who_can_help import WhoCanHelpView
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import TEST_USER, TEST_USER_NAME, add_first_user, fill_first_user

PASSPHRASE = "lente in Twente 2024"
WAIT = 15_000


@pytest.fixture
def qsettings_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def open_app(
    qtbot: QtBot, qsettings_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Path], PactApp]]:
    """Open an existing passphrase database (PACT_PASSPHRASE skips the unlock dialog,
    PACT_USER with PACT_PASSWORD the log-in dialog)."""
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PACT_USER", TEST_USER)
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    started: list[PactApp] = []

    def start(path: Path) -> PactApp:
        app = PactApp(path)
        started.append(app)
        app.start()
        qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
        return app

    yield start
    for app in started:
        if app.window is not None and app.exit_code is None:
            app.window._discard_changes = True
            app.window.close()
        ops.wait_idle()
        if app.ctx is not None:
            app.ctx.db.close()
        app.status.close()


def make_db(path: Path, demo: bool = False) -> Path:
    """A passphrase database with the test user (administrator and coordinator)."""
    created = access.create(path, PASSPHRASE)
    add_first_user(created.db)
    if demo:
        with created.db.uow() as uow:
            uow.session.add(AppSetting(key="demo", value="1"))
            uow.commit()
    created.db.close()
    return path


def window_of(app: PactApp) -> MainWindow:
    assert app.window is not None
    return app.window


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


# ---------------------------------------------------------------- main window


def test_demo_banner_on_a_demo_database(
    tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    window = window_of(open_app(make_db(tmp_path / "demo.db", demo=True)))
    banner = window.findChild(QLabel, "demoBanner")
    assert banner is not None
    assert banner.isVisible()
    assert banner.text() == _("DEMO: fictional data, not for real families")
    assert banner.y() < window.splitter.y()  # at the top, above the areas
    assert _("DEMO") in window.windowTitle()


def test_no_demo_banner_on_a_real_database(
    tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    window = window_of(open_app(make_db(tmp_path / "echt.db")))
    banner = window.findChild(QLabel, "demoBanner")
    assert banner is None or not banner.isVisible()
    assert _("DEMO") not in window.windowTitle()


def test_navigation_shows_the_areas_start_first(
    qtbot: QtBot, tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    window = window_of(open_app(make_db(tmp_path / "pact.db")))
    assert window.area_titles() == [
        _("Start"),
        _("Cases"),
        _("Meetings"),
        _("Next steps"),
        _("Partners"),
        _("Who can help?"),
        _("Retention"),  # the test user is a coordinator
        _("Users"),  # and an administrator
        _("Audit log"),
    ]
    assert isinstance(window.stack.currentWidget(), DashboardView)

    nav = window.navigation
    nav.setFocus()
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    assert isinstance(window.stack.currentWidget(), CasesView)
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    assert isinstance(window.stack.currentWidget(), MeetingsView)
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    assert isinstance(window.stack.currentWidget(), NextStepsView)
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    assert isinstance(window.stack.currentWidget(), WhoCanHelpView)
    assert window.current_area() == "who_can_help"

    # an action of the partner area switches back to it
    window.action_find.trigger()
    assert isinstance(window.stack.currentWidget(), PartnersView)
    window.show_area("who_can_help")
    window.action_new.trigger()
    assert window.current_area() == "partners"
    # Ctrl+1 … go to the areas in order
    areas = (
        "start",
        "cases",
        "meetings",
        "next_steps",
        "partners",
        "who_can_help",
        "retention",
        "users",
        "audit",
    )
    for n, key in enumerate(areas, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_area() == key


def test_ctrl_n_and_ctrl_f_act_on_the_current_area(
    qtbot: QtBot,
    tmp_path: Path,
    open_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = window_of(open_app(make_db(tmp_path / "pact.db")))
    calls: list[str] = []
    monkeypatch.setattr(window.cases, "new_case", lambda: calls.append("new case"))
    monkeypatch.setattr(window.cases, "focus_filter", lambda: calls.append("find case"))
    assert window.users is not None
    monkeypatch.setattr(window.users, "new_user", lambda: calls.append("new user"))

    def press(key: Qt.Key) -> None:
        qtbot.keyClick(window.navigation, key, Qt.KeyboardModifier.ControlModifier)

    window.navigation.setFocus()
    press(Qt.Key.Key_N)  # from Start: register a case
    assert window.current_area() == "cases"
    assert calls == ["new case"]
    press(Qt.Key.Key_F)
    assert calls == ["new case", "find case"]
    window.show_area("partners")
    window.navigation.setFocus()
    press(Qt.Key.Key_F)
    assert window.partners.search_edit.hasFocus()
    window.show_area("users")
    window.navigation.setFocus()
    press(Qt.Key.Key_N)
    assert calls[-1] == "new user"
    # the menu shows Ctrl+N next to what it does here
    assert window.action_new_user is not None
    assert window.action_new_user.shortcut().toString() == "Ctrl+N"
    assert window.action_new_case.shortcut().isEmpty()


def test_activating_a_helper_opens_it_in_the_partner_editor(
    qtbot: QtBot, tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    from pact.services import partners as svc

    path = make_db(tmp_path / "help.db")
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        svc.save_organisation(
            db.uow(),
            svc.OrganisationData(
                name="Budgetmaatje Borne", sector="financial", domains=("financial",)
            ),
        )
    finally:
        db.close()
    window = window_of(open_app(path))
    window.show_area("who_can_help")
    view = window.who_can_help
    view.domain_checks["financial"].setChecked(True)
    qtbot.waitUntil(lambda: view.ranked_names() == ["Budgetmaatje Borne"], timeout=WAIT)
    item = view.results.topLevelItem(0)
    view.results.itemActivated.emit(item, 0)
    qtbot.waitUntil(lambda: window.current_area() == "partners", timeout=WAIT)
    qtbot.waitUntil(
        lambda: window.partners.editor.name_edit.text() == "Budgetmaatje Borne", timeout=WAIT
    )
    assert window.partners.editor_stack.currentWidget() is window.partners.editor


def test_menus_shortcuts_and_status_bar(
    qtbot: QtBot, tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    path = make_db(tmp_path / "pact.db")
    window = window_of(open_app(path))
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == [_("&File"), _("&Edit"), _("&Help")]
    shortcuts = {
        a.objectName(): a.shortcut().toString() for a in window.actions() if a.objectName()
    }
    # the start page: Ctrl+N registers a case, Ctrl+F finds one
    assert shortcuts["actionNewCase"] == "Ctrl+N"
    assert shortcuts["actionFindCase"] == "Ctrl+F"
    assert shortcuts["actionNewPartner"] == ""
    assert shortcuts["actionSave"] == "Ctrl+S"
    assert shortcuts["actionQuit"] == "Ctrl+Q"
    assert [shortcuts[f"actionArea{n}"] for n in range(1, 8)] == [f"Ctrl+{n}" for n in range(1, 8)]
    window.show_area("partners")
    assert window.action_new.shortcut().toString() == "Ctrl+N"
    assert window.action_find.shortcut().toString() == "Ctrl+F"
    assert window.action_new_case.shortcut().isEmpty()
    file_items = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert file_items == [
        _("&Register a case…"),  # the words of the case list's button
        _("Plan a &meeting…"),  # the test user is a coordinator
        _("&New partner"),
        _("New &user…"),
        _("&Import partners (CSV)…"),
        _("E&xport partners (CSV)…"),
        _("Change &password…"),
        _("Log &out / log in as someone else"),
        _("&Settings…"),
        _("&Backups…"),  # coordinators and administrators
        _("&Lock"),
        _("&Quit"),
    ]
    status = window.findChild(QLabel, "statusDatabase")
    mode = window.findChild(QLabel, "statusKeyMode")
    user = window.findChild(QLabel, "statusUser")
    assert status is not None and mode is not None and user is not None
    assert status.text() == _("Database: {path}").format(path=path.resolve())
    assert mode.text() == _("Protected by passphrase")
    assert user.text() == _("User: {name}").format(name=TEST_USER_NAME)
    # a passing notice takes the database line's place for a while, then it is back
    assert status.isVisible()
    window.statusBar().showMessage(_("Your password has been changed."), 300)
    assert not status.isVisible()
    qtbot.waitUntil(status.isVisible, timeout=5_000)
    # every interactive widget has a name for tests and screen readers
    assert window.navigation.accessibleName()


def test_about_dialog(qtbot: QtBot, tmp_path: Path, open_app: Callable[[Path], PactApp]) -> None:
    window = window_of(open_app(make_db(tmp_path / "pact.db")))
    window.action_about.trigger()
    dialog = window.open_dialog
    assert isinstance(dialog, AboutDialog)
    assert dialog.isVisible()
    path = dialog.findChild(QLabel, "aboutDatabase")
    assert path is not None and path.text() == str(window.ctx.db.path)
    qtbot.mouseClick(button(dialog, "closeButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_window_geometry_and_area_are_remembered(
    qtbot: QtBot, tmp_path: Path, open_app: Callable[[Path], PactApp]
) -> None:
    path = make_db(tmp_path / "pact.db")
    app = open_app(path)
    window = window_of(app)
    wanted = (window.minimumSizeHint().width() + 37, window.minimumSizeHint().height() + 121)
    window.resize(*wanted)
    assert (window.width(), window.height()) == wanted
    window.splitter.setSizes([260, wanted[0] - 260])
    window.show_area("who_can_help")
    window.close()
    assert app.exit_code == 0

    again = window_of(open_app(path))
    # restoreGeometry keeps a window on its screen; the offscreen screen is only
    # 800 px wide, so the width cannot be compared here
    assert again.height() == wanted[1]
    assert again.current_area() == "who_can_help"
    # the splitter state is saved; its width cannot be compared on this small screen
    # either (the partner view's minimum width squeezes the navigation)
    assert QSettings("pact", "pact").value("mainWindow/splitter")


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot,
    tmp_path: Path,
    open_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = make_db(tmp_path / "pact.db")
    app = open_app(path)
    window = window_of(app)
    monkeypatch.setattr(window.partners, "has_unsaved_changes", lambda: True)

    window.close()
    box = window.open_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == _("The partner you are editing has changes that are not saved.")
    qtbot.mouseClick(button(box, "cancelButton"), Qt.MouseButton.LeftButton)
    assert window.isVisible()
    assert app.exit_code is None

    window.close()
    box = window.open_dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(button(box, "discardButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)
    assert not window.isVisible()
    # the database was closed: the file can be opened again at once
    open_database(path, Passphrase(PASSPHRASE)).close()


def test_closing_with_unsaved_changes_in_a_case_asks_too(
    qtbot: QtBot,
    tmp_path: Path,
    open_app: Callable[[Path], PactApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_app(make_db(tmp_path / "pact.db"))
    window = window_of(app)
    monkeypatch.setattr(window.cases, "has_unsaved_changes", lambda: True)
    window.close()
    box = window.open_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == _("The case you are editing has changes that are not saved.")
    assert box.findChild(QPushButton, "saveButton") is None  # a case saves in its dialogs
    qtbot.mouseClick(button(box, "cancelButton"), Qt.MouseButton.LeftButton)
    assert window.isVisible() and app.exit_code is None
    window.close()
    box = window.open_dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(button(box, "discardButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.exit_code == 0, timeout=WAIT)


# ---------------------------------------------------------------- errors


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExceptHook]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    installed = ExceptHook()
    installed.install()
    yield installed
    if installed.dialog is not None:
        installed.dialog.close()
    installed.uninstall()


def _raise(exc: BaseException) -> None:
    raise exc


@pytest.mark.qt_no_exception_capture
def test_uncaught_exception_shows_the_error_dialog_with_details(
    qtbot: QtBot, hook: ExceptHook
) -> None:
    QTimer.singleShot(0, lambda: _raise(RuntimeError("kapot in een slot")))
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=WAIT)
    dialog = hook.dialog
    assert isinstance(dialog, ErrorDialog)
    assert dialog.message_label.text() == _(GENERIC_MESSAGE)
    assert not dialog.details.isVisible()  # never only a traceback
    qtbot.mouseClick(button(dialog, "detailsButton"), Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible()
    assert dialog.details.isReadOnly()
    report = dialog.details.toPlainText()
    assert "RuntimeError: kapot in een slot" in report
    assert "Traceback" in report
    qtbot.mouseClick(button(dialog, "copyReportButton"), Qt.MouseButton.LeftButton)
    clipboard = QApplication.clipboard()
    assert clipboard is not None and clipboard.text() == report
    qtbot.mouseClick(button(dialog, "closeButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hook.dialog is None, timeout=WAIT)


@pytest.mark.qt_no_exception_capture
def test_expected_error_shows_its_message_only(qtbot: QtBot, hook: ExceptHook) -> None:
    QTimer.singleShot(0, lambda: _raise(NotFoundError(_("This municipality no longer exists."))))
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=WAIT)
    dialog = hook.dialog
    assert dialog is not None
    assert dialog.message_label.text() == _("This municipality no longer exists.")
    assert not button(dialog, "detailsButton").isVisible()


@pytest.mark.qt_no_exception_capture
def test_exception_in_another_thread_reaches_the_dialog(qtbot: QtBot, hook: ExceptHook) -> None:
    worker = threading.Thread(target=lambda: _raise(ValueError("mislukt in een thread")))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=WAIT)
    assert hook.dialog is not None
    assert "ValueError: mislukt in een thread" in hook.dialog.details.toPlainText()


@pytest.mark.qt_no_exception_capture
def test_a_second_error_is_counted_in_the_open_dialog(qtbot: QtBot, hook: ExceptHook) -> None:
    QTimer.singleShot(0, lambda: _raise(RuntimeError("eerste")))
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=WAIT)
    dialog = hook.dialog
    assert dialog is not None
    QTimer.singleShot(0, lambda: _raise(RuntimeError("tweede")))
    qtbot.waitUntil(lambda: "tweede" in dialog.details.toPlainText(), timeout=WAIT)
    assert hook.dialog is dialog  # no second dialog on top
    assert dialog.message_label.text() == ngettext(
        "{message}\n\n({n} error in a row; see the details.)",
        "{message}\n\n({n} errors in a row; see the details.)",
        2,
    ).format(message=_(GENERIC_MESSAGE), n=2)


def test_reports_never_contain_key_material() -> None:
    hex_key = bytes(range(32)).hex()
    report = scrub(
        f"""OperationalError: PRAGMA key = "x'{hex_key}'" failed\n"""
        "PRAGMA rekey = 'mijn ''geheime'' zin'\n"
        f"stored {hex_key}"
    )
    assert hex_key not in report
    assert "geheime" not in report
    assert "OperationalError" in report


# ---------------------------------------------------------------- run_gui


def test_run_gui_opens_the_window_and_returns_the_exit_code(
    qtbot: QtBot, tmp_path: Path, qsettings_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contract with the entry point: run_gui(db_path, argv) -> int."""
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    seen: list[str] = []

    def close_when_shown(tries: int = 200) -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        visible = [w for w in windows if w.isVisible()]
        first = [w for w in qapp.topLevelWidgets() if isinstance(w, FirstUserDialog)]
        if first and first[0].isVisible() and not first[0].form.display_name_edit.text():
            fill_first_user(first[0])  # a new database: who is going to work with it
        if visible:
            seen.append(visible[0].windowTitle())
            visible[0].close()
        elif tries:
            QTimer.singleShot(50, lambda: close_when_shown(tries - 1))
        else:
            qapp.exit(99)

    QTimer.singleShot(0, close_when_shown)
    path = tmp_path / "run.db"
    try:
        code = run_gui(path, ["pact"])
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert code == 0
    assert seen == [_("pact: {name}").format(name="run.db")]
    assert path.stat().st_size > 0


def test_the_gui_acts_as_the_user_named_with_dash_dash_user(
    qtbot: QtBot,
    tmp_path: Path,
    qsettings_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pact --user NAME starts the window as NAME, as the commands do (over PACT_USER)."""
    import pact.__main__ as entry
    import pact.ui.app as app_module

    path = make_db(tmp_path / "pact.db")
    db = open_database(path, Passphrase(PASSPHRASE))
    try:
        admin = users.find_actor(db.uow(), TEST_USER)
        users.save_user(
            db.uow(),
            admin,
            users.UserData(
                username="wendy",
                display_name="Wendy Wolters",
                roles=("worker",),
                password=TEST_PASSWORD,
                password_is_temporary=False,
            ),
        )
    finally:
        db.close()
    calls: list[tuple[Path | None, str | None]] = []

    def fake_run_gui(db_path: Path | None, argv: list[str], user: str | None = None) -> int:
        calls.append((db_path, user))
        return 0

    monkeypatch.setattr(app_module, "run_gui", fake_run_gui)
    monkeypatch.setattr(entry, "has_no_display", lambda *a, **k: False)
    assert entry.main(["--db", str(path), "--user", "wendy"]) == 0
    assert calls == [(path, "wendy")]
    assert entry.main(["--db", str(path)]) == 0
    assert calls[-1] == (path, None)

    # the controller then logs in as that user with PACT_PASSWORD, without asking
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PACT_USER", TEST_USER)
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    app = PactApp(path, user="wendy")
    try:
        app.start()
        qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=WAIT)
        assert window_of(app).ctx.actor.username == "wendy"
    finally:
        if app.window is not None:
            app.window._discard_changes = True
            app.window.close()
        ops.wait_idle()
        if app.ctx is not None:
            app.ctx.db.close()
        app.status.close()


# ---------------------------------------------------------------- names (tests, screen readers)


def test_every_interactive_widget_of_the_shell_dialogs_is_named(
    qtbot: QtBot, tmp_path: Path, db: Database, actor: Actor
) -> None:
    ctx = AppContext(db, KeyMode.KEYRING, actor)
    rows = users.list_users(db.uow())
    dialogs: list[QWidget] = [
        FirstUserDialog(DirectoryOptions()),
        LoginDialog(tmp_path / "f.db", "tester", "message", demo=True),
        PasswordSetupDialog([(actor.id, actor.username)]),
        ChangePasswordDialog(ctx),
        ResetPasswordDialog(ctx, rows[0]),
        UserEditorDialog(ctx),
        UserEditorDialog(ctx, rows[0]),
        DashboardView(ctx),
        UsersView(ctx),
        CreateDatabaseDialog(tmp_path / "a.db", keyring_available=True),
        CreateDatabaseDialog(tmp_path / "b.db", keyring_available=False),
        UnlockDialog(tmp_path / "c.db", "reason"),
        RecoveryKeyDialog(recovery.encode(bytes(32)), tmp_path / "d.db"),
        SettingsDialog(ctx),
        NewPassphraseDialog(),
        MunicipalitiesDialog(ctx),
        ErrorDialog("message", "details"),
        AboutDialog(tmp_path / "e.db"),
    ]
    interactive = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit)
    checked = 0
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        for widget in dialog.findChildren(QWidget):
            if isinstance(widget, interactive) and not inside_combo(widget):
                where = f"{type(dialog).__name__}: {type(widget).__name__} {widget.objectName()!r}"
                assert widget.objectName(), where
                assert widget.accessibleName(), where
                checked += 1
    ops.wait_idle()
    assert checked > 60


def inside_combo(widget: QWidget) -> bool:
    """A combo box's own popup list (and a line edit's clear button, a list's header)
    is Qt's, not ours."""
    if isinstance(widget.parentWidget(), QLineEdit | QAbstractItemView):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox) or parent.inherits("QComboBoxPrivateContainer"):
            return True
        parent = parent.parentWidget()
    return False
