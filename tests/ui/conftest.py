"""Fixtures for the partner screens: an AppContext on the real test database,
partners made through the services, and the views under test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.services import partners as svc
from pact.services.access import KeyMode
from pact.ui import ops
from pact.ui.app import PactApp
from pact.ui.context import AppContext
from pact.ui.ops import wait_idle
from pact.ui.views.partners import PartnersView
from pact.ui.views.who_can_help import WhoCanHelpView

MakePartner = Callable[..., svc.OrganisationData]


@pytest.fixture
def ctx(db: Database, qapp: object) -> Iterator[AppContext]:
    context = AppContext(db, KeyMode.KEYRING)
    yield context
    wait_idle()


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


@pytest.fixture
def start_app(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[Path], PactApp]]:
    """Start the app's controller on a database file; cleaned up after the test."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    started: list[PactApp] = []

    def start(path: Path) -> PactApp:
        app = PactApp(path)
        started.append(app)
        app.start()
        return app

    yield start
    for app in started:
        if app.window is not None and app.exit_code is None:
            app.window.close()
        ops.wait_idle()
        if app.ctx is not None:
            app.ctx.db.close()
        if app.dialog is not None:
            app.dialog.hide()
        app.status.close()
