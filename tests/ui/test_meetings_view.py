"""The meetings area end to end, as a coordinator uses it: plan a meeting from a
series, put a case on its agenda, take the minutes with a decision and a next step
during the meeting, plan the next meeting, and find that step on its action list.
A real SQLCipher file per test; every step through the widgets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time as dtime
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pact.services import clock, meetings
from pact.services.access import KeyMode
from pact.services.meetings import InviteInput, SeriesInput, TemplateItemInput
from pact.ui.context import AppContext
from pact.ui.ops import wait_idle
from pact.ui.views.meetings import MeetingsView
from pact.ui.widgets.record_table import RecordTable

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld, closed

WAIT = 15_000


def child(parent: QWidget, name: str) -> QWidget:
    found = parent.findChild(QWidget, name)
    assert found is not None, name
    return found


@pytest.fixture
def view(case_world: CaseWorld, qtbot: QtBot, qapp: object) -> Iterator[MeetingsView]:
    meetings.save_series(
        case_world.db.uow(),
        case_world.admin,
        SeriesInput(
            name="Netwerkoverleg Scheidingspact",
            starts_at=dtime(9, 30),
            ends_at=dtime(11, 0),
            chair_contact_id=case_world.contacts["Wendy Wolters"],
            template=(
                TemplateItemInput("opening", "Opening", 5),
                TemplateItemInput("action_list", "Actielijst", 15),
                TemplateItemInput("closing", "Sluiting", 5),
            ),
            invites=(
                InviteInput(case_world.orgs["home"], case_world.contacts["Wendy Wolters"]),
                InviteInput(case_world.orgs["school"]),
            ),
        ),
    )
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    widget = MeetingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    yield widget
    wait_idle()


def plan_through_dialog(qtbot: QtBot, view: MeetingsView, button: QWidget) -> None:
    owner = view.page if button is view.page.next_button else view
    owner.open_dialog = None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: owner.open_dialog is not None, timeout=WAIT)
    dialog = owner.open_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: getattr(dialog, "ready", False), timeout=WAIT)
    qtbot.mouseClick(child(dialog, "meetingSave"), Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)


def test_plan_agenda_minutes_and_the_step_returns_at_the_next_meeting(
    case_world: CaseWorld, view: MeetingsView, qtbot: QtBot
) -> None:
    case = case_world.make_case("Familie Tukker", level=2)
    case_world.add_family(case.id, child="W.")
    case_world.give_consent(case.id, ["school"])

    # the empty list says what to do
    qtbot.waitUntil(lambda: view.model.has_loaded, timeout=WAIT)
    assert view.left.currentWidget() is view.empty
    assert view.empty_plan.isVisible()

    # plan: the dialog starts from the series (today, its template and invitations)
    plan_through_dialog(qtbot, view, view.plan_button)
    qtbot.waitUntil(lambda: view.page.data is not None, timeout=WAIT)
    meeting = view.page.data
    assert meeting is not None and meeting.held_on == clock.today()
    assert [i.title for i in meeting.items] == ["Opening", "Actielijst", "Sluiting"]
    assert view.page.tabs.currentIndex() == 1  # the agenda
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)

    # agenda: add the case through the item dialog
    agenda = view.page.agenda
    qtbot.mouseClick(child(agenda, "agendaAddButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: agenda.dialog is not None and agenda.dialog.isVisible(), timeout=WAIT)
    dialog = agenda.dialog
    assert dialog is not None
    kind = child(dialog, "agendaKindCombo")
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("case"))
    case_combo = child(dialog, "agendaCaseCombo")
    assert isinstance(case_combo, QComboBox) and case_combo.lineEdit() is not None
    qtbot.keyClicks(case_combo.lineEdit(), case.code)
    qtbot.keyClicks(child(dialog, "agendaTitleEdit"), "Familie Tukker: omgang")
    qtbot.mouseClick(child(dialog, "saveButton"), Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.page.data is not None and len(view.page.data.items) == 4, timeout=WAIT
    )
    case_item = view.page.data.items[-1]
    assert case_item.case_id == case.id and case_item.title == "Familie Tukker: omgang"

    # during the meeting: minutes, a decision and a next step under the case item
    view.page.show_tab("minutes")
    panel = view.page.minutes
    panel.show_item(case_item.id)
    qtbot.waitUntil(lambda: panel.step_owner.count() > 1, timeout=WAIT)
    editor = child(panel, "minutesEditor")
    editor.setFocus()
    qtbot.keyClicks(editor, "Moeder en vader spreken met de school.")
    decision = child(panel, "decisionEdit")
    assert isinstance(decision, QLineEdit)
    qtbot.keyClicks(decision, "Omgang blijft zoals afgesproken")
    qtbot.keyClick(decision, Qt.Key.Key_Return)
    wait_idle()
    what = child(panel, "stepWhatEdit")
    qtbot.keyClicks(what, "Gesprek met beide ouders")
    owner = child(panel, "stepOwnerCombo")
    assert isinstance(owner, QComboBox)
    owner.setCurrentIndex(next(i for i in range(owner.count()) if "Wendy" in owner.itemText(i)))
    qtbot.mouseClick(child(panel, "addStepButton"), Qt.MouseButton.LeftButton)
    wait_idle()
    QApplication.processEvents()
    qtbot.waitUntil(
        lambda: view.page.data is not None and len(view.page.data.items[-1].steps) == 1,
        timeout=WAIT,
    )
    panel.save_all()
    wait_idle()
    qtbot.waitUntil(lambda: not panel.has_unsaved_changes(), timeout=WAIT)
    data = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id)
    saved = data.items[-1]
    assert saved.minutes == "Moeder en vader spreken met de school."
    assert [d.text for d in saved.decisions] == ["Omgang blijft zoals afgesproken"]
    assert data.status == "minutes_draft"
    # the overview shows the new status
    assert view.page.facts["status"].text() == meetings.status_label("minutes_draft")

    # plan the next meeting from this one: the open step is on its action list
    view.page.show_tab("overview")
    plan_through_dialog(qtbot, view, view.page.next_button)
    qtbot.waitUntil(
        lambda: view.page.data is not None and view.page.data.id != meeting.id, timeout=WAIT
    )
    nxt = view.page.data
    assert nxt is not None and nxt.held_on == meeting.held_on + timedelta(weeks=6)
    assert [r.action.what for r in nxt.action_list] == ["Gesprek met beide ouders"]
    # and the agenda builder shows it under the action-list item
    agenda.show_meeting(nxt)
    action_item = next(i for i in nxt.items if i.kind == "action_list")
    agenda.select_item(action_item.id)
    QApplication.processEvents()
    table = child(agenda, "agendaActionTable")
    assert isinstance(table, RecordTable) and table.isVisibleTo(agenda)
    texts = [t for r in range(table.row_count()) for t in table.row_texts(r)]
    assert "Gesprek met beide ouders" in texts
    # both meetings in the list, the new one chosen
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=WAIT)


def test_a_worker_sees_only_invited_meetings_read_only(
    case_world: CaseWorld, qtbot: QtBot, qapp: object
) -> None:
    meeting = meetings.save_meeting(
        case_world.db.uow(),
        case_world.admin,
        meetings.MeetingInput(
            kind="network",
            held_on=clock.today(),
            starts_at=dtime(9),
            ends_at=dtime(10),
            invites=(InviteInput(case_world.orgs["home"]),),
        ),
    )
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.worker)
    widget = MeetingsView(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=WAIT)
    assert not widget.plan_button.isVisible()
    widget.show_meeting(meeting.id)
    qtbot.waitUntil(lambda: widget.page.data is not None, timeout=WAIT)
    assert widget.page.message.message()  # explains why it is read-only
    assert not widget.page.edit_button.isVisible()
    assert not child(widget.page.agenda, "agendaAddButton").isEnabled()
    wait_idle()
