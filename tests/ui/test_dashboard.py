"""The start page: my open next steps, overdue steps, consent expiring within 30
days, recent signals; rows open their case; empty states say what would appear."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidgetItem
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.i18n import _, ngettext
from pact.services import cases, clock, consent, consultations
from pact.services import partners as psvc
from pact.services.access import KeyMode
from pact.services.cases import CarerData, CaseInput, ChildData
from pact.services.consent import ConsentInput, MeldcodeInput
from pact.services.consultations import ActionInput, SignalData
from pact.services.users import Actor
from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.main_window import MainWindow
from pact.ui.views.dashboard import DashboardView, Panel, short_date
from pact.ui.widgets.field import ERROR_COLOUR
from tests.ui.conftest import MakePartner, MakeUser, _shown

WAIT = 15_000
CHILD = "Wesley"
FAMILY = "Tukker"


@dataclass
class Pact:
    db: Database
    worker: Actor
    org_id: int
    contact_id: int
    municipality_id: int

    def case(self, alias: str = "W.T.", level: int = 2) -> cases.CaseHeader:
        return cases.register_case(
            self.db.uow(),
            self.worker,
            CaseInput(
                alias=alias,
                municipality_id=self.municipality_id,
                level=level,
                family_name=FAMILY,
            ),
        )

    def step(self, case_id: int, what: str, due_in: int) -> int:
        """A next step for the worker's organisation, due in ``due_in`` days."""
        data = ActionInput(what, clock.today() + timedelta(days=due_in), owner_org_id=self.org_id)
        return consultations.add_action(self.db.uow(), self.worker, case_id, data).id


@pytest.fixture
def pact(db: Database, make_partner: MakePartner, make_user: MakeUser) -> Pact:
    org = make_partner(
        "Stichting Welzijn De Schakel",
        contacts=[psvc.ContactData(name="Wendy Wolters")],
    )
    assert org.id is not None and org.contacts[0].id is not None
    worker = make_user(
        "wendy",
        "Wendy Wolters",
        organisation_id=org.id,
        contact_id=org.contacts[0].id,
    )
    municipality = {m.name: m.id for m in psvc.list_municipalities(db.uow())}["Hengelo"]
    return Pact(db, worker, org.id, org.contacts[0].id, municipality)


@pytest.fixture
def dashboard_for(qtbot: QtBot, db: Database) -> Callable[[Actor], DashboardView]:
    def build(actor: Actor) -> DashboardView:
        ctx = AppContext(db, KeyMode.KEYRING, actor)
        view = DashboardView(ctx)
        with qtbot.waitSignal(view.loaded, timeout=WAIT):
            _shown(qtbot, view, 1200, 800)
        return view

    return build


def texts(panel: Panel) -> str:
    return "\n".join(panel.row_texts())


def item(panel: Panel, row: int = 0) -> QListWidgetItem:
    found = panel.list.item(row)
    assert found is not None
    return found


def red_pixels(panel: Panel, row: int) -> int:
    """How much of the row is painted in the error colour (overdue, Meldcode)."""
    image = panel.list.viewport().grab(panel.list.visualItemRect(item(panel, row))).toImage()
    red = QColor(ERROR_COLOUR)
    count = 0
    for x in range(image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - red.red()) < 40
                and abs(c.green() - red.green()) < 40
                and abs(c.blue() - red.blue()) < 40
            ):
                count += 1
    return count


def test_the_four_panels_show_what_needs_attention(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    today = clock.today()
    steps_case = pact.case()
    pact.step(steps_case.id, "Gesprek met de intern begeleider plannen", 7)
    pact.step(steps_case.id, "Ouderschapsplan met beide ouders bespreken", -3)
    # a case whose consent runs out in ten days
    consent_case = pact.case(alias="F.K.")
    child = cases.save_child(
        pact.db.uow(), pact.worker, consent_case.id, ChildData(CHILD, today.year - 8)
    )
    parents = [
        cases.save_carer(
            pact.db.uow(), pact.worker, consent_case.id, CarerData(alias, relation, True)
        )
        for alias, relation in (("M.K.", "mother"), ("V.K.", "father"))
    ]
    consent.record_consent(
        pact.db.uow(),
        pact.worker,
        consent_case.id,
        ConsentInput(
            given_on=today - timedelta(days=200),
            method="signed_form",
            givers=tuple(("carer", p.id) for p in parents if p.id is not None),
            partner_ids=(pact.org_id,),
            info_kinds=("family", "signals"),
            valid_until=today + timedelta(days=10),
        ),
    )
    consultations.save_signal(
        pact.db.uow(),
        pact.worker,
        consent_case.id,
        SignalData(
            observed_on=today - timedelta(days=1),
            observation=f"{CHILD} trekt zich terug in de klas, vraagt of het zijn schuld is",
            domain="child_school",
            seriousness=2,
            child_id=child.id,
            source_org_id=pact.org_id,
        ),
    )

    view = dashboard_for(pact.worker)
    assert "Wendy Wolters" in view.greeting.text()
    # my open next steps: both, the overdue one first; its "what" is in the row
    mine = view.my_steps.row_texts()
    assert len(mine) == 2
    assert "Ouderschapsplan met beide ouders bespreken" in mine[0]
    assert "Gesprek met de intern begeleider plannen" in mine[1]
    assert all(steps_case.code in row for row in mine)
    assert view.my_steps.count.text() == "2"
    assert view.my_steps.rows[0].details[0] == "Stichting Welzijn De Schakel"  # the owner
    # the overdue step stands out: in words and in red
    overdue = view.overdue.row_texts()
    assert len(overdue) == 1 and "Ouderschapsplan" in overdue[0]
    due = ngettext("due {date}, {n} day overdue", "due {date}, {n} days overdue", 3).format(
        date=short_date(today - timedelta(days=3), today), n=3
    )
    assert view.overdue.rows[0].details[1] == due
    assert view.overdue.rows[0].late == 1
    assert red_pixels(view.overdue, 0) > 20  # in red, also while it is the current row
    assert red_pixels(view.my_steps, 0) > 20
    on_time = view.my_steps.rows[1]
    assert on_time.late is None
    assert on_time.details[1] == _("due {date}").format(
        date=short_date(today + timedelta(days=7), today)
    )
    assert red_pixels(view.my_steps, 1) == 0
    # consent expiring within 30 days: the case by code and alias, with the date
    expiring = view.expiring.row_texts()
    assert len(expiring) == 1
    assert consent_case.code in expiring[0] and "F.K." in expiring[0]
    assert short_date(today + timedelta(days=10), today) in expiring[0]
    # recent signals, without the child's name
    signals = view.signals.row_texts()
    assert len(signals) == 1
    signal = view.signals.rows[0]
    assert signal.case == consent_case.code
    assert signal.title == _("Child & school")
    assert signal.details == (
        _("Worrying"),
        _("observed {date}").format(date=short_date(today - timedelta(days=1), today)),
        _("by {source}").format(source="Stichting Welzijn De Schakel"),
    )
    # the observation itself (free text, here with the child's name) stays in the file
    assert "trekt zich terug" not in signals[0]
    # never a child's or family's name in these lists
    for panel in view.panels():
        assert CHILD not in texts(panel) and FAMILY not in texts(panel)
        assert not panel.showing_empty()
        assert panel.list.isVisible()


def test_activating_a_row_opens_the_case_in_the_cases_area(
    qtbot: QtBot,
    pact: Pact,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    case = pact.case()
    pact.step(case.id, "Buddy koppelen via het maatjesproject", 5)
    window = MainWindow(AppContext(pact.db, KeyMode.KEYRING, pact.worker))
    opened: list[int] = []
    tabs: list[str | None] = []

    def show_case(case_id: int, message: str = "", tab: str | None = None) -> None:
        opened.append(case_id)
        tabs.append(tab)

    monkeypatch.setattr(window.cases, "show_case", show_case)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=WAIT):
        window.show()
    assert window.current_area() == "start"
    panel = window.dashboard.my_steps
    assert "Buddy koppelen via het maatjesproject" in texts(panel)
    panel.list.setFocus()
    panel.list.setCurrentItem(item(panel))
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert opened == [case.id]
    assert window.current_area() == "cases"
    # and with a double-click on the line
    with qtbot.waitSignal(window.dashboard.loaded, timeout=WAIT):  # shown: loaded again
        window.show_area("start")
    where = panel.list.visualItemRect(item(panel)).center()
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [case.id, case.id]
    assert tabs == ["steps", "steps"]  # a next step opens the case at its next steps
    assert window.current_area() == "cases"
    ops.wait_idle()


def test_empty_panels_say_what_would_appear(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    view = dashboard_for(pact.worker)
    for panel in view.panels():
        assert panel.showing_empty()
        assert panel.empty.isVisible()
        assert panel.count.text() == "0"
    assert view.my_steps.empty.texts() == "\n".join(
        (
            _("No open next steps for you"),
            _(
                "Next steps agreed in a consultation appear here when you, your contact "
                "person or your organisation owns them."
            ),
        )
    )
    assert view.expiring.empty.body.text()
    # the same words as the case list's button
    assert _("Register a case") in view.summary.text()
    assert view.new_case_button.text() == _("Register a case")


def test_it_refreshes_when_next_steps_change_and_counts_what_it_leaves_out(
    qtbot: QtBot,
    pact: Pact,
    dashboard_for: Callable[[Actor], DashboardView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pact.services.dashboard.LIMIT", 2)
    case = pact.case()
    view = dashboard_for(pact.worker)
    assert view.my_steps.showing_empty()
    for n in range(3):
        pact.step(case.id, f"Stap {n + 1}", 3 + n)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.ctx.changed.emit("actions")
    assert view.my_steps.rows[0].title == "Stap 1"
    assert len(view.my_steps.row_texts()) == 2
    assert view.my_steps.count.text() == _("{shown} of {total} shown").format(shown=2, total=3)


def test_a_meldcode_case_is_flagged(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    case = pact.case(level=4)
    consent.record_meldcode(
        pact.db.uow(),
        pact.worker,
        case.id,
        MeldcodeInput(
            decided_on=clock.today(),
            justification="Acute zorgen over de veiligheid thuis, overleg met Veilig Thuis.",
            partner_ids=(pact.org_id,),
        ),
    )
    pact.step(case.id, "Veiligheidsplan opstellen", 2)
    view = dashboard_for(pact.worker)
    row = view.my_steps.rows[0]
    assert row.case_text == _("{case} · Meldcode").format(case=case.code)
    assert row.late is None  # not overdue: the red is the flag
    assert red_pixels(view.my_steps, 0) > 20
    assert row.case_text in item(view.my_steps).text()  # read out by a screen reader


def test_a_step_due_today_is_not_overdue(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    case = pact.case()
    pact.step(case.id, "Vandaag bellen", 0)
    view = dashboard_for(pact.worker)
    assert view.overdue.showing_empty()
    assert view.my_steps.rows[0].details[1] == _("due today ({date})").format(
        date=short_date(clock.today(), clock.today())
    )


def test_each_panel_opens_the_case_at_its_tab(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    case = pact.case()
    pact.step(case.id, "Te laat", -2)
    consultations.save_signal(
        pact.db.uow(),
        pact.worker,
        case.id,
        SignalData(clock.today(), "Moe in de klas", "child_school", 1, source_org_id=pact.org_id),
    )
    view = dashboard_for(pact.worker)
    for panel, tab in (
        (view.my_steps, "steps"),
        (view.overdue, "steps"),
        (view.signals, "signals"),
    ):
        panel.list.setFocus()
        panel.list.setCurrentItem(item(panel))
        with qtbot.waitSignal(view.open_case, timeout=WAIT) as blocker:
            qtbot.keyClick(panel.list, Qt.Key.Key_Return)
        assert blocker.args == [case.id, tab]
    assert view.expiring.tab == "consent"


def test_allot_widths_keeps_the_late_detail_whole() -> None:
    from pact.ui.views.dashboard import allot_widths

    assert allot_widths([100, 80], 10, 300, 1) == [100, 80]  # room for both
    assert allot_widths([100, 80], 10, 150, 1) == [60, 80]  # the other one shortened
    assert allot_widths([100, 80], 10, 70, 1) == [0, 60]
    assert allot_widths([100, 80], 10, 150, None) == [100, 40]


def test_an_overdue_row_in_a_narrow_panel_keeps_its_due_date_whole(
    qtbot: QtBot, pact: Pact, dashboard_for: Callable[[Actor], DashboardView]
) -> None:
    case = pact.case()
    pact.step(case.id, "Ouders uitnodigen voor een gesprek op school", -12)
    view = dashboard_for(pact.worker)
    wide = red_pixels(view.overdue, 0)
    assert wide > 20
    view.resize(720, 800)
    qtbot.waitUntil(lambda: view.overdue.list.viewport().width() < 330)
    # the owner is shortened, not "due 27 Nov, 12 days overdue"
    assert red_pixels(view.overdue, 0) >= wide * 0.95
