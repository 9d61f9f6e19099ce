"""The users area (administrators only): the list, a new user, editing one, and the
service's messages next to the fields of the editor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.db.database import Database
from pact.errors import PasswordChangeRequiredError
from pact.i18n import _
from pact.services import auth, users
from pact.services import partners as psvc
from pact.services.access import KeyMode
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.dialogs.user_editor import UserEditorDialog
from pact.ui.main_window import MainWindow
from pact.ui.views.users import UsersView
from tests.ui.conftest import TEST_USER, TEST_USER_NAME, MakePartner, MakeUser, _shown

WAIT = 15_000


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


@pytest.fixture
def users_view(qtbot: QtBot, ctx: AppContext) -> Callable[[], UsersView]:
    def build() -> UsersView:
        view = _shown(qtbot, UsersView(ctx), 1100, 600)
        qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
        return view

    return build


def open_editor(qtbot: QtBot, view: UsersView, new: bool = True) -> UserEditorDialog:
    click(qtbot, view.new_button if new else view.edit_button)
    dialog = view.open_dialog
    assert isinstance(dialog, UserEditorDialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.isVisible(), timeout=WAIT)
    return dialog


def closed(dialog: QWidget) -> bool:
    return not isValid(dialog) or not dialog.isVisible()


def error_text(dialog: QWidget, field: str) -> str:
    label = dialog.findChild(QLabel, field + "Error")
    assert label is not None, field
    return label.text() if label.isVisible() else ""


def test_the_list_shows_every_user_with_their_details(
    qtbot: QtBot,
    make_user: MakeUser,
    make_partner: MakePartner,
    users_view: Callable[[], UsersView],
) -> None:
    org = make_partner("Basisschool De Wilgenhoek", contacts=[psvc.ContactData("Elia Brinkhuis")])
    assert org.id is not None
    make_user("elia", "Elia Brinkhuis", organisation_id=org.id, contact_id=org.contacts[0].id)
    make_user("oud", "Olga Oud", active=False)
    view = users_view()
    assert view.visible_rows() == [
        (
            "elia",
            "Elia Brinkhuis",
            "Basisschool De Wilgenhoek",
            "Elia Brinkhuis",
            _("Worker"),
            _("Yes"),
            _("Own"),
        ),
        ("oud", "Olga Oud", "", "", _("Worker"), _("No"), _("Own")),
        (
            TEST_USER,
            TEST_USER_NAME,
            "",
            "",
            f"{_('Administrator')}, {_('Coordinator')}",
            _("Yes"),
            _("Own"),
        ),
    ]
    # type to find; inactive users can be left out
    qtbot.keyClicks(view.search_edit, "wilgen")
    assert [r[0] for r in view.visible_rows()] == ["elia"]
    view.search_edit.clear()
    view.inactive_check.setChecked(False)
    assert [r[0] for r in view.visible_rows()] == ["elia", TEST_USER]


def test_a_new_user_with_organisation_contact_and_roles(
    qtbot: QtBot,
    ctx: AppContext,
    make_partner: MakePartner,
    users_view: Callable[[], UsersView],
) -> None:
    school = make_partner(
        "Basisschool De Wilgenhoek",
        contacts=[psvc.ContactData("Elia Brinkhuis"), psvc.ContactData("Marieke Olthof")],
    )
    make_partner("Sociaal Team Hengelo", contacts=[psvc.ContactData("Sam Kuipers")])
    view = users_view()
    dialog = open_editor(qtbot, view)
    form = dialog.form
    assert form.username_edit.hasFocus()
    assert not form.contact_combo.isEnabled()  # choose the organisation first
    qtbot.keyClicks(form.username_edit, "e.brinkhuis")
    qtbot.keyClicks(form.display_name_edit, "Elia Brinkhuis")
    form.organisation_combo.setCurrentIndex(form.organisation_combo.findData(school.id))
    contacts = [form.contact_combo.itemText(i) for i in range(form.contact_combo.count())]
    assert contacts == [_("No contact person"), "Elia Brinkhuis", "Marieke Olthof"]  # only hers
    form.contact_combo.setCurrentIndex(1)
    assert form.role_checks["worker"].isChecked()  # a new user is a worker by default
    assert not form.role_checks["coordinator"].isChecked()
    form.role_checks["coordinator"].setFocus()
    qtbot.keyClick(form.role_checks["coordinator"], Qt.Key.Key_Space)
    assert form.role_checks["coordinator"].isChecked()
    # a new user needs a temporary password: required here, its rules the service's
    assert form.passwords is not None and form.passwords.repeat_edit is None
    click(qtbot, dialog.save_button)
    assert error_text(dialog, "password") == _("Choose a password.")
    qtbot.keyClicks(form.passwords.edit, "kort")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(
        lambda: error_text(dialog, "password") == _("Use at least {n} characters.").format(n=10),
        timeout=WAIT,
    )
    assert not any(u.username == "e.brinkhuis" for u in users.list_users(ctx.uow()))
    form.passwords.edit.clear()
    qtbot.keyClicks(form.passwords.edit, "Tijdelijk-wachtwoord-1")
    with qtbot.waitSignal(ctx.changed, timeout=WAIT) as changed:
        click(qtbot, dialog.save_button)
    assert changed.args == ["users"]
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    qtbot.waitUntil(lambda: "e.brinkhuis" in [r[0] for r in view.visible_rows()], timeout=WAIT)
    saved = next(u for u in users.list_users(ctx.uow()) if u.username == "e.brinkhuis")
    assert saved.organisation == "Basisschool De Wilgenhoek"
    assert saved.contact == "Elia Brinkhuis"
    assert saved.roles == ("coordinator", "worker")
    assert saved.has_password and saved.must_change_password
    assert view.current_id() == saved.id
    with pytest.raises(PasswordChangeRequiredError):
        auth.login(ctx.uow(), "e.brinkhuis", "Tijdelijk-wachtwoord-1")
    ops.wait_idle()


def test_a_taken_user_name_is_shown_next_to_the_field_and_nothing_changes(
    qtbot: QtBot, ctx: AppContext, make_user: MakeUser, users_view: Callable[[], UsersView]
) -> None:
    make_user("wendy", "Wendy Wolters")
    before = users.list_users(ctx.uow())
    view = users_view()
    dialog = open_editor(qtbot, view)
    qtbot.keyClicks(dialog.form.username_edit, "Wendy")  # the same, in capitals
    qtbot.keyClicks(dialog.form.display_name_edit, "Wendy Wiggers")
    assert dialog.form.passwords is not None
    qtbot.keyClicks(dialog.form.passwords.edit, "Tijdelijk-wachtwoord-1")
    dialog.form.role_checks["worker"].setChecked(False)  # and no role at all
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: bool(error_text(dialog, "username")), timeout=WAIT)
    assert error_text(dialog, "username") == _("This user name is already taken.")
    assert error_text(dialog, "roles") == _("Give the user at least one role.")
    assert error_text(dialog, "display_name") == ""
    assert dialog.isVisible()
    assert dialog.form.username_edit.hasFocus()
    assert users.list_users(ctx.uow()) == before
    # typing clears the message
    qtbot.keyClicks(dialog.form.username_edit, "w.wiggers")
    assert error_text(dialog, "username") == ""
    click(qtbot, dialog.cancel_button)
    ops.wait_idle()


def test_editing_a_user_and_the_last_administrator_is_kept(
    qtbot: QtBot, ctx: AppContext, make_user: MakeUser, users_view: Callable[[], UsersView]
) -> None:
    wendy = make_user("wendy", "Wendy Wolters")
    view = users_view()
    view.select(wendy.id)
    dialog = open_editor(qtbot, view, new=False)
    form = dialog.form
    assert form.passwords is None  # an existing user's password is reset in the list
    assert form.username_edit.text() == "wendy"
    assert form.role_checks["worker"].isChecked()
    form.role_checks["coordinator"].setChecked(True)
    form.active_check.setChecked(False)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    qtbot.waitUntil(
        lambda: (
            (
                "wendy",
                "Wendy Wolters",
                "",
                "",
                f"{_('Coordinator')}, {_('Worker')}",
                _("No"),
                _("Own"),
            )
            in view.visible_rows()
        ),
        timeout=WAIT,
    )

    # the only administrator cannot give up the role
    view.select(ctx.actor.id)
    dialog = open_editor(qtbot, view, new=False)
    dialog.form.role_checks["administrator"].setChecked(False)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: bool(error_text(dialog, "roles")), timeout=WAIT)
    assert _("Administrator").lower() in error_text(dialog, "roles")
    assert users.get_actor(ctx.uow(), ctx.actor.id).is_administrator
    click(qtbot, dialog.cancel_button)
    ops.wait_idle()


def test_a_worker_has_no_users_area(
    qtbot: QtBot, db: Database, make_user: MakeUser, tmp_path: Path
) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    worker: Actor = make_user("wendy", "Wendy Wolters")
    window = MainWindow(AppContext(db, KeyMode.KEYRING, worker))
    qtbot.addWidget(window)
    window.show()
    assert window.area_titles() == [
        _("Start"),
        _("Cases"),
        _("Meetings"),
        _("Next steps"),
        _("Partners"),
        _("Who can help?"),
    ]
    assert window.users is None and window.action_new_user is None
    names = {a.objectName() for a in window.actions()}
    assert "actionNewUser" not in names and "actionArea7" not in names
    window.show_area("users")
    assert window.current_area() == "start"
    ops.wait_idle()
    window.close_for_rebuild()
