"""Fixtures and helpers for the case screens: a small pact (partner organisations
with contact persons, a welfare worker as the acting user) on the test's real
SQLCipher file, cases built through the services, and the cases view under test.

Test modules take them with ``from .case_fixtures import *`` (pytest finds fixtures
imported into a test module).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.db.database import Database
from pact.services import cases, clock, consent, consultations, partners, users
from pact.services.access import KeyMode
from pact.services.cases import CarerData, CaseHeader, CaseInput, ChildData
from pact.services.partners import ContactData, OrganisationData
from pact.services.users import Actor, UserData
from pact.ui.context import AppContext
from pact.ui.ops import wait_idle
from pact.ui.views.cases import CasesView

# key: (name, sector, municipalities, contact persons)
ORGANISATIONS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "home": ("Stichting Welzijn De Schakel", "welfare", ("Hengelo",), ("Wendy Wolters",)),
    "school": ("Basisschool De Wilgenhoek", "school", ("Hengelo",), ("Elia Brinkhuis",)),
    "social": ("Sociaal Team Hengelo", "social_team", ("Hengelo",), ("Sam Kuipers",)),
    "buddy": ("Maatjesproject Samen Sterk", "experience_experts", ("Hengelo",), ("Bart Buddy",)),
    "other": ("Jeugdhulp Elders", "youth_care", ("Enschede",), ("Otto Elders",)),
}


@dataclass
class CaseWorld:
    db: Database
    admin: Actor  # administrator and coordinator (sees every case)
    worker: Actor  # Wendy Wolters, welfare worker at "home", with her contact person
    orgs: dict[str, int]
    contacts: dict[str, int]
    municipalities: dict[str, int]

    def org_name(self, key: str) -> str:
        return ORGANISATIONS[key][0]

    def make_case(
        self,
        alias: str,
        municipality: str = "Hengelo",
        level: int = 1,
        lead: str | None = None,
        actor: Actor | None = None,
        registered_on: date | None = None,
        family_name: str = "",
    ) -> CaseHeader:
        return cases.register_case(
            self.db.uow(),
            actor or self.worker,
            CaseInput(
                alias=alias,
                municipality_id=self.municipalities[municipality],
                level=level,
                lead_contact_id=self.contacts[lead] if lead else None,
                registered_on=registered_on,
                family_name=family_name,
            ),
        )

    def add_family(self, case_id: int, child: str = "W.", born: int | None = None) -> None:
        """A child and two parents with parental authority."""
        year = born if born is not None else clock.today().year - 10
        actor = self.worker
        cases.save_child(self.db.uow(), actor, case_id, ChildData(name=child, birth_year=year))
        for alias, relation in (("M.", "mother"), ("V.", "father")):
            cases.save_carer(
                self.db.uow(),
                actor,
                case_id,
                CarerData(alias=alias, relation=relation, parental_authority=True),
            )

    def give_consent(self, case_id: int, partner_keys: Sequence[str], days: int = 365) -> int:
        """Consent of both parents (and the children) for ``partner_keys``."""
        file = cases.get_case(self.db.uow(), self.worker, case_id)
        givers = tuple(("carer", c.id or 0) for c in file.carers) + tuple(
            ("child", c.id or 0) for c in file.children
        )
        today = clock.today()
        return consent.record_consent(
            self.db.uow(),
            self.worker,
            case_id,
            consent.ConsentInput(
                given_on=today,
                method="signed_form",
                givers=givers,
                partner_ids=tuple(self.orgs[k] for k in partner_keys),
                info_kinds=("family", "school"),
                valid_until=today + timedelta(days=days),
            ),
        )

    def add_step(self, case_id: int, what: str, due: date, owner: str = "Wendy Wolters") -> int:
        data = consultations.add_action(
            self.db.uow(),
            self.worker,
            case_id,
            consultations.ActionInput(what, due, owner_contact_id=self.contacts[owner]),
        )
        return data.id


def build_world(db: Database, admin: Actor) -> CaseWorld:
    municipalities = {m.name: m.id for m in partners.list_municipalities(db.uow(), True)}
    orgs: dict[str, int] = {}
    contacts: dict[str, int] = {}
    for key, (name, sector, where, people) in ORGANISATIONS.items():
        saved = partners.save_organisation(
            db.uow(),
            OrganisationData(
                name=name,
                sector=sector,
                municipality_ids=tuple(municipalities[m] for m in where),
                contacts=tuple(ContactData(name=p) for p in people),
            ),
        )
        assert saved.id is not None
        orgs[key] = saved.id
        for c in saved.contacts:
            assert c.id is not None
            contacts[c.name] = c.id
    saved_user = users.save_user(
        db.uow(),
        admin,
        UserData(
            username="wendy",
            display_name="Wendy Wolters",
            organisation_id=orgs["home"],
            contact_id=contacts["Wendy Wolters"],
            roles=("worker",),
        ),
    )
    assert saved_user.id is not None
    worker = users.get_actor(db.uow(), saved_user.id)
    return CaseWorld(db, admin, worker, orgs, contacts, municipalities)


@pytest.fixture
def case_world(db: Database, actor: Actor) -> CaseWorld:
    return build_world(db, actor)


@pytest.fixture
def case_ctx(case_world: CaseWorld, qapp: object) -> Iterator[AppContext]:
    """The app context with the welfare worker acting."""
    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.worker)
    yield context
    wait_idle()


BuildCasesView = Callable[..., CasesView]


@pytest.fixture
def cases_view(case_ctx: AppContext, qtbot: QtBot, tmp_path: object) -> Iterator[BuildCasesView]:
    """Build the view (after the test has put its data in place), shown and loaded."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path) + "/qsettings"
    )
    built: list[CasesView] = []

    def build(ctx: AppContext | None = None, width: int = 1300, height: int = 800) -> CasesView:
        view = CasesView(ctx or case_ctx)
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        wait_loaded(qtbot, view)
        built.append(view)
        return view

    yield build
    for view in built:
        for dialog in (view.case_file.dialog, view.dialog):
            if dialog is not None and isValid(dialog):
                dialog.discard()
        view.close()  # what it remembers is written now, to this test's settings
    wait_idle()


# ---------------------------------------------------------------- helpers


def wait_loaded(qtbot: QtBot, view: CasesView) -> None:
    """Until the list has answered the last question."""
    qtbot.waitUntil(lambda: view.model.has_loaded and not view.model.busy, timeout=10_000)


def shown_codes(view: CasesView) -> list[str]:
    model = view.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def open_case(qtbot: QtBot, view: CasesView, case_id: int) -> None:
    view.show_case(case_id)
    qtbot.waitUntil(lambda: view.showing_case() == case_id, timeout=10_000)
    wait_file(qtbot, view)


def wait_file(qtbot: QtBot, view: CasesView) -> None:
    """Until the case file has read everything it asked for."""
    wait_idle()
    qtbot.waitUntil(lambda: not view.case_file.busy.isVisible(), timeout=10_000)
    QApplication.processEvents()


def wait_dialog(qtbot: QtBot, view: CasesView, name: str) -> QDialog:
    """The dialog named ``name`` the view (or its case file) has opened."""

    def found() -> QDialog | None:
        for candidate in (view.case_file.dialog, view.dialog):
            if candidate is not None and candidate.objectName() == name and candidate.isVisible():
                return candidate
        return None

    qtbot.waitUntil(lambda: found() is not None, timeout=10_000)
    dialog = found()
    assert dialog is not None
    return dialog


def closed(dialog: QWidget) -> bool:
    """The dialog is gone (dialogs delete themselves when closed) or hidden."""
    return not isValid(dialog) or not dialog.isVisible()


def save_dialog(qtbot: QtBot, dialog: QDialog, closes: bool = True) -> None:
    """Press Enter in the dialog's Save button and wait for the answer."""
    button = dialog.findChild(QWidget, "saveButton")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle()
    if closes:
        qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    else:
        qtbot.waitUntil(lambda: button.isEnabled(), timeout=10_000)
    QApplication.processEvents()


def tick(qtbot: QtBot, checklist: QAbstractItemView, text: str) -> None:
    """Tick the item whose text starts with ``text``: move to it, press Space."""
    model = checklist.model()
    for row in range(model.rowCount()):
        if str(model.index(row, 0).data()).startswith(text):
            checklist.setFocus()
            checklist.setCurrentIndex(model.index(row, 0))
            qtbot.keyClick(checklist, Qt.Key.Key_Space)
            return
    raise AssertionError(f"{text} not in the list")


def choose(combo: QWidget, text: str) -> None:
    """Choose the item of a combo box whose text starts with ``text``."""
    from PySide6.QtWidgets import QComboBox

    assert isinstance(combo, QComboBox)
    for i in range(combo.count()):
        if combo.itemText(i).startswith(text):
            combo.setCurrentIndex(i)
            return
    raise AssertionError(f"{text} not in {[combo.itemText(i) for i in range(combo.count())]}")


__all__ = [
    "ORGANISATIONS",
    "BuildCasesView",
    "CaseWorld",
    "build_world",
    "case_ctx",
    "case_world",
    "cases_view",
    "choose",
    "closed",
    "open_case",
    "save_dialog",
    "shown_codes",
    "tick",
    "wait_dialog",
    "wait_file",
    "wait_loaded",
]
