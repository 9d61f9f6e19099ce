"""Fixtures for the screens: an AppContext (with an acting user) on the real test
database, partners and users made through the services, the views under test,
and the app's start-up controller (which asks who logs in)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.services import partners as svc
from pact.services import users
from pact.services.access import KeyMode
from pact.services.users import Actor, UserData
from pact.ui import ops
from pact.ui.app import PactApp
from pact.ui.context import AppContext
from pact.ui.dialogs.first_user import FirstUserDialog
from pact.ui.ops import wait_idle
from pact.ui.views.partners import PartnersView
from pact.ui.views.who_can_help import WhoCanHelpView
from tests.conftest import TEST_PASSWORD

MakePartner = Callable[..., svc.OrganisationData]

# the user the tests act as unless they choose another
TEST_USER = "tester"
TEST_USER_NAME = "Tessa Tester"


def add_first_user(db: Database, username: str = TEST_USER, name: str = TEST_USER_NAME) -> Actor:
    """The first user of ``db`` (administrator and coordinator), through the service."""
    return users.create_first_user(
        db.uow(), UserData(username=username, display_name=name, password=TEST_PASSWORD)
    )


@pytest.fixture
def actor(db: Database) -> Actor:
    return add_first_user(db)


@pytest.fixture
def ctx(db: Database, actor: Actor, qapp: object) -> Iterator[AppContext]:
    context = AppContext(db, KeyMode.KEYRING, actor)
    yield context
    wait_idle()


MakeUser = Callable[..., Actor]


@pytest.fixture
def make_user(db: Database, actor: Actor) -> MakeUser:
    """Another user, saved by the first (an administrator), with TEST_PASSWORD as
    their own password."""

    def make(
        username: str,
        name: str,
        roles: Sequence[str] = ("worker",),
        organisation_id: int | None = None,
        contact_id: int | None = None,
        active: bool = True,
    ) -> Actor:
        saved = users.save_user(
            db.uow(),
            actor,
            UserData(
                username=username,
                display_name=name,
                roles=tuple(roles),
                organisation_id=organisation_id,
                contact_id=contact_id,
                active=active,
                password=TEST_PASSWORD,
                password_is_temporary=False,
            ),
        )
        assert saved.id is not None
        if not active:
            return Actor(saved.id, saved.username, saved.display_name, None, None, frozenset())
        return users.get_actor(db.uow(), saved.id)

    return make


@pytest.fixture
def municipalities(db: Database) -> dict[str, int]:
    return {m.name: m.id for m in svc.list_municipalities(db.uow())}


@pytest.fixture
def make_partner(db: Database, municipalities: dict[str, int]) -> MakePartner:
    def make(
        name: str,
        sector: str = "welfare",
        places: Sequence[str] = ("Hengelo",),
        domains: Sequence[str] = (),
        contacts: Sequence[svc.ContactData] = (),
        archived: bool = False,
        **fields: object,
    ) -> svc.OrganisationData:
        saved = svc.save_organisation(
            db.uow(),
            svc.OrganisationData(
                name=name,
                sector=sector,
                municipality_ids=tuple(municipalities[p] for p in places),
                domains=tuple(domains),
                contacts=tuple(contacts),
                **fields,  # type: ignore[arg-type]
            ),
        )
        if archived:
            saved = svc.set_archived(db.uow(), saved.id or 0, True)
        return saved

    return make


View = TypeVar("View", bound=QWidget)


def _shown(qtbot: QtBot, view: View, width: int, height: int) -> View:
    """Show a view as the active window, as a user would have it."""
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


@pytest.fixture
def partners_view(ctx: AppContext, qtbot: QtBot) -> Callable[[], PartnersView]:
    """Build the view after the test has put its data in place."""

    def build() -> PartnersView:
        return _shown(qtbot, PartnersView(ctx), 1300, 800)

    return build


@pytest.fixture
def who_view(ctx: AppContext, qtbot: QtBot) -> Callable[[], WhoCanHelpView]:
    def build() -> WhoCanHelpView:
        return _shown(qtbot, WhoCanHelpView(ctx), 1100, 700)

    return build


def fill_first_user(
    dialog: FirstUserDialog, name: str = TEST_USER_NAME, password: str = TEST_PASSWORD
) -> None:
    """What a person does in the first-user dialog: type their name and a password
    twice, press Enter (the user name is filled in from PACT_USER)."""
    form = dialog.form
    if not form.username_edit.text():
        QTest.keyClicks(form.username_edit, TEST_USER)
    QTest.keyClicks(form.display_name_edit, name)
    assert form.passwords is not None and form.passwords.repeat_edit is not None
    QTest.keyClicks(form.passwords.edit, password)
    QTest.keyClicks(form.passwords.repeat_edit, password)
    QTest.keyClick(form.passwords.repeat_edit, Qt.Key.Key_Return)


class _FirstUserDriver:
    """Answers the first-user dialog when the controller shows one."""

    def __init__(self, app: PactApp):
        self.app = app
        self.answered: set[int] = set()
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        dialog: QDialog | None = self.app.dialog
        if (
            isinstance(dialog, FirstUserDialog)
            and dialog.isVisible()
            and id(dialog) not in self.answered
        ):
            self.answered.add(id(dialog))
            fill_first_user(dialog)
        if self.app.window is not None or self.app.exit_code is not None:
            self.timer.stop()


StartApp = Callable[..., PactApp]


@pytest.fixture
def start_app(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StartApp]:
    """Start the app's controller on a database file; cleaned up after the test.

    PACT_USER and PACT_PASSWORD name the test user and TEST_PASSWORD: a database that
    has that user opens logged in as them, without the log-in dialog; a database
    without users gets the first-user dialog, which is answered like a person would
    (``first_user=False``: the test does it).
    """
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    monkeypatch.setenv("PACT_USER", TEST_USER)
    monkeypatch.setenv("PACT_PASSWORD", TEST_PASSWORD)
    started: list[PactApp] = []
    drivers: list[_FirstUserDriver] = []

    def start(path: Path, first_user: bool = True) -> PactApp:
        app = PactApp(path)
        started.append(app)
        if first_user:
            drivers.append(_FirstUserDriver(app))
        app.start()
        return app

    yield start
    for driver in drivers:
        driver.timer.stop()
    for app in started:
        if app.window is not None and app.exit_code is None:
            app.window._discard_changes = True
            app.window.close()
        ops.wait_idle()
        app.close_database()
        if app.dialog is not None:
            app.dialog.hide()
        app.status.close()
