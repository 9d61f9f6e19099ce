"""The dialogs to plan a meeting and to manage meeting series, on a real SQLCipher
file: a meeting planned from a series starts from the series' agenda template and
keeps its invitations; an end before the start is refused next to the end time and
saves nothing; a series' changed template is what its next meeting starts with; the
template is reordered with the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from pact.i18n import _
from pact.services import meetings
from pact.services.meetings import InviteInput, SeriesInput, TemplateItemInput
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.dialogs.meeting_plan import MeetingPlanDialog
from pact.ui.dialogs.meeting_series import TITLE, SeriesDialog
from pact.ui.ops import wait_idle

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld, choose, closed, tick

TEMPLATE = (
    TemplateItemInput("opening", "Opening", 5),
    TemplateItemInput("action_list", "Actielijst", 15),
    TemplateItemInput("theme", "Thema: ouderschapsplan", 30),
    TemplateItemInput("closing", "Sluiting", 5),
)


@pytest.fixture
def admin_ctx(case_world: CaseWorld, qapp: object) -> Iterator[AppContext]:
    """The coordinator (the first user) acting."""
    from pact.services.access import KeyMode

    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    yield context
    wait_idle()


def make_series(world: CaseWorld, **fields: object) -> meetings.SeriesData:
    data = SeriesInput(
        name="Netwerkoverleg Hengelo",
        interval_weeks=6,
        starts_at=time(9, 30),
        ends_at=time(11, 30),
        location="Gemeentehuis Hengelo",
        template=TEMPLATE,
        invites=(
            InviteInput(world.orgs["home"], world.contacts["Wendy Wolters"]),
            InviteInput(world.orgs["school"]),
        ),
    )
    data = SeriesInput(**{**data.__dict__, **fields})  # type: ignore[arg-type]
    return meetings.save_series(world.db.uow(), world.admin, data)


def shown(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    qtbot.waitUntil(lambda: getattr(dialog, "ready", False), timeout=10_000)
    QApplication.processEvents()


def open_plan(qtbot: QtBot, ctx: AppContext, series_id: int | None = None) -> MeetingPlanDialog:
    initial = meetings.meeting_defaults(ctx.uow(), ctx.actor, series_id=series_id)
    dialog = MeetingPlanDialog(ctx, initial)
    shown(qtbot, dialog)
    return dialog


def open_series(qtbot: QtBot, ctx: AppContext, series_id: int | None = None) -> SeriesDialog:
    dialog = SeriesDialog(ctx, series_id=series_id)
    shown(qtbot, dialog)
    return dialog


def press_save(qtbot: QtBot, dialog: QWidget) -> None:
    """Ctrl+S, wherever the keyboard is."""
    target = QApplication.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def template_titles(dialog: SeriesDialog) -> list[str]:
    return [t.title for t in dialog.table.template()]


# ---------------------------------------------------------------- planning


def test_plan_a_meeting_from_a_series(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    series = make_series(case_world)
    dialog = open_plan(qtbot, admin_ctx)
    assert dialog.windowTitle() == _("Plan a meeting")
    changes: list[str] = []
    admin_ctx.changed.connect(changes.append)

    # choosing the series fills in its settings and its invitations
    choose(dialog.findChild(QWidget, "meetingSeries"), "Netwerkoverleg Hengelo")
    location = dialog.findChild(QWidget, "meetingLocation")
    qtbot.waitUntil(lambda: location.text() == "Gemeentehuis Hengelo", timeout=10_000)
    assert dialog.findChild(QWidget, "meetingStart").time() == QTime(9, 30)
    assert dialog.findChild(QWidget, "meetingEnd").time() == QTime(11, 30)
    organisations = dialog.invite_pickers.organisations
    contacts = dialog.invite_pickers.contacts
    assert set(organisations.checked_values()) == {
        case_world.orgs["home"],
        case_world.orgs["school"],
    }
    assert contacts.checked_values() == (case_world.contacts["Wendy Wolters"],)
    # the title stays empty and shows what it will be
    title = dialog.findChild(QWidget, "meetingTitle")
    assert title.text() == ""
    assert title.placeholderText().startswith(meetings.kind_label("network"))

    # one organisation more, with its contact person by name
    tick(qtbot, dialog.findChild(QWidget, "meetingInvites"), "Sociaal Team Hengelo")
    contact_list = dialog.findChild(QWidget, "meetingInvitesContacts")
    tick(qtbot, contact_list, "Sam Kuipers")
    # the chair, typed into the searchable list
    chair_edit = dialog.findChild(QWidget, "meetingChairEdit")
    chair_edit.setFocus()
    chair_edit.selectAll()
    qtbot.keyClicks(chair_edit, "Sam Kuipers (Sociaal Team Hengelo)")
    qtbot.keyClick(QApplication.focusWidget() or chair_edit, Qt.Key.Key_Tab)
    assert dialog.findChild(QWidget, "meetingChair").currentText().startswith("Sam Kuipers")

    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        press_save(qtbot, dialog)
    meeting = saved.args[0]
    assert isinstance(meeting, meetings.MeetingData)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5_000)
    assert changes == ["meetings"]

    # the series' template, not the default one
    assert [(i.kind, i.title, i.planned_minutes) for i in meeting.items] == [
        (t.kind, t.title, t.planned_minutes) for t in TEMPLATE
    ]
    assert meeting.series_id == series.id
    assert meeting.title == meetings.default_title("network", meeting.held_on)
    assert meeting.chair_contact_id == case_world.contacts["Sam Kuipers"]
    again = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id)
    assert {(i.organisation_id, i.contact_id) for i in again.invites} == {
        (case_world.orgs["home"], case_world.contacts["Wendy Wolters"]),
        (case_world.orgs["school"], None),
        (case_world.orgs["social"], case_world.contacts["Sam Kuipers"]),
    }


def test_an_end_before_the_start_is_refused_next_to_the_end_time(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    dialog = open_plan(qtbot, admin_ctx)
    start = dialog.findChild(QWidget, "meetingStart")
    end = dialog.findChild(QWidget, "meetingEnd")
    start.setTime(QTime(11, 0))
    end.setTime(QTime(10, 0))
    qtbot.mouseClick(dialog.findChild(QWidget, "meetingSave"), Qt.MouseButton.LeftButton)
    wait_idle()
    error = dialog.findChild(QLabel, "ends_atError")
    qtbot.waitUntil(error.isVisible, timeout=10_000)
    assert error.text() == _("The meeting must end after it starts.")
    # the message is right under the end time, in the same row
    assert error.parentWidget() is end.parentWidget()
    assert (
        error.mapTo(dialog, error.rect().topLeft()).y()
        > end.mapTo(dialog, end.rect().topLeft()).y()
    )
    assert dialog.isVisible()
    assert meetings.count_meetings(case_world.db.uow(), case_world.admin) == 0

    # a later end clears the message, and then it saves
    end.setTime(QTime(12, 0))
    assert not error.isVisible()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.findChild(QWidget, "meetingSave"), Qt.MouseButton.LeftButton)
    assert saved.args[0].ends_at == time(12, 0)
    assert meetings.count_meetings(case_world.db.uow(), case_world.admin) == 1


def test_the_keyboard_goes_top_to_bottom_and_esc_cancels(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    dialog = open_plan(qtbot, admin_ctx)
    names = [w.objectName() for w in dialog.tab_chain()]
    wanted = [
        "meetingSeries",
        "meetingKind",
        "meetingTitle",
        "meetingDate",
        "meetingStart",
        "meetingEnd",
        "meetingLocation",
        "meetingVideo",
        "meetingChairEdit",
        "meetingMinuteTakerEdit",
        "meetingInvitesFilter",
        "meetingInvites",
        "meetingInvitesContactsFilter",
        "meetingInvitesContacts",
        "meetingSave",
        "meetingCancel",
    ]
    positions = [names.index(n) if n in names else -1 for n in wanted]
    assert -1 not in positions, dict(zip(wanted, positions, strict=True))
    assert positions == sorted(positions)
    for name in wanted:
        widget = dialog.findChild(QWidget, name)
        assert widget.accessibleName(), name
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5_000)
    assert meetings.count_meetings(case_world.db.uow(), case_world.admin) == 0


# ---------------------------------------------------------------- series


def test_a_changed_template_is_what_the_next_meeting_starts_with(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    dialog = open_series(qtbot, admin_ctx)
    # no series yet: a new one, from the default template
    assert template_titles(dialog) == [t.title for t in meetings.default_template()]
    name = dialog.findChild(QWidget, "seriesName")
    name.setFocus()
    qtbot.keyClicks(name, "Casusoverleg Borne")
    choose(dialog.findChild(QWidget, "seriesKind"), meetings.kind_label("case"))
    tick(qtbot, dialog.findChild(QWidget, "seriesInvites"), "Basisschool De Wilgenhoek")

    table = dialog.table
    # remove "Theme" (Delete), add an item after "Action list" and type its title
    table.setFocus()
    table.setCurrentCell(3, TITLE)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    table.setCurrentCell(2, TITLE)
    qtbot.mouseClick(dialog.findChild(QWidget, "seriesTemplateAdd"), Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert editor is not None and editor.objectName() == "templateTitleEditor"
    qtbot.keyClicks(editor, "Casus: gezin Jansen")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # finishes the cell, does not save yet
    QApplication.processEvents()
    assert table.state() != table.State.EditingState
    assert dialog.isVisible()
    assert meetings.list_series(case_world.db.uow(), case_world.admin, True) == []
    expected = [
        "Opening and agenda",
        "Minutes of the previous meeting",
        "Action list",
        "Casus: gezin Jansen",
        "Announcements from the partners",
        "Round",
        "Closing",
    ]
    expected = [_(t) for t in expected[:3]] + [expected[3]] + [_(t) for t in expected[4:]]
    assert template_titles(dialog) == expected

    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.findChild(QWidget, "seriesSave"), Qt.MouseButton.LeftButton)
    series = saved.args[0]
    assert isinstance(series, meetings.SeriesData)
    assert [t.title for t in series.template] == expected
    assert series.kind == "case"
    assert series.invites == (InviteInput(case_world.orgs["school"]),)
    # the dialog stays open and lists the new series
    assert dialog.isVisible()
    series_list = dialog.findChild(QWidget, "seriesList")
    assert series_list.count() == 1
    assert series_list.item(0).text().startswith("Casusoverleg Borne")
    assert "Casusoverleg Borne" in dialog.message.message()

    # a new meeting of the series starts from that template
    plan = open_plan(qtbot, admin_ctx, series_id=series.id)
    with qtbot.waitSignal(plan.saved, timeout=10_000) as planned:
        press_save(qtbot, plan)
    meeting = planned.args[0]
    assert [i.title for i in meeting.items] == expected
    assert meeting.kind == "case"
    assert [(i.organisation_id, i.contact_id) for i in meeting.invites] == [
        (case_world.orgs["school"], None)
    ]


def test_template_rows_move_with_ctrl_up_and_down(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    series = make_series(case_world)
    dialog = open_series(qtbot, admin_ctx, series.id)
    assert dialog.findChild(QWidget, "seriesName").text() == "Netwerkoverleg Hengelo"
    table = dialog.table
    table.setFocus()
    table.setCurrentCell(0, TITLE)
    up = dialog.findChild(QWidget, "seriesTemplateUp")
    assert not up.isEnabled()  # the first item cannot go up
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(table, Qt.Key.Key_Down, ctrl)
    qtbot.keyClick(table, Qt.Key.Key_Down, ctrl)
    assert template_titles(dialog) == [
        "Actielijst",
        "Thema: ouderschapsplan",
        "Opening",
        "Sluiting",
    ]
    assert table.currentRow() == 2  # the moved item stays the current one
    qtbot.keyClick(table, Qt.Key.Key_Up, ctrl)
    assert template_titles(dialog) == [
        "Actielijst",
        "Opening",
        "Thema: ouderschapsplan",
        "Sluiting",
    ]
    assert up.isEnabled()

    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        press_save(qtbot, dialog)
    assert [t.title for t in saved.args[0].template] == [
        "Actielijst",
        "Opening",
        "Thema: ouderschapsplan",
        "Sluiting",
    ]
    again = meetings.get_series(case_world.db.uow(), case_world.admin, series.id)
    assert [t.kind for t in again.template] == ["action_list", "opening", "theme", "closing"]


def test_only_a_coordinator_can_save_a_series(
    qtbot: QtBot, case_ctx: AppContext, case_world: CaseWorld
) -> None:
    worker: Actor = case_world.worker
    assert not worker.is_coordinator
    dialog = open_series(qtbot, case_ctx)
    name = dialog.findChild(QWidget, "seriesName")
    name.setFocus()
    qtbot.keyClicks(name, "Mijn eigen overleg")
    qtbot.mouseClick(dialog.findChild(QWidget, "seriesSave"), Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: bool(dialog.message.message()), timeout=10_000)
    assert _("Only a coordinator can plan meetings and series.") in dialog.message.message()
    assert meetings.list_series(case_world.db.uow(), case_world.admin, True) == []


def test_plan_the_next_meeting_from_a_held_one(
    qtbot: QtBot, admin_ctx: AppContext, case_world: CaseWorld
) -> None:
    series = make_series(case_world)
    uow, admin = case_world.db.uow, case_world.admin
    first = meetings.save_meeting(uow(), admin, meetings.meeting_defaults(uow(), admin, series.id))
    initial = meetings.meeting_defaults(uow(), admin, after_meeting_id=first.id)
    dialog = MeetingPlanDialog(admin_ctx, initial)
    shown(qtbot, dialog)
    assert dialog.findChild(QWidget, "meetingSeries").currentText() == "Netwerkoverleg Hengelo"
    # Enter in a field plans it
    location = dialog.findChild(QWidget, "meetingLocation")
    location.setFocus()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.keyClick(location, Qt.Key.Key_Return)
    meeting = saved.args[0]
    assert meeting.planned_from_id == first.id
    assert meeting.held_on == initial.held_on
    assert [i.title for i in meeting.items] == [t.title for t in TEMPLATE]
