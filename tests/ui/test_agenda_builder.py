"""The agenda builder: adding a case item through its dialog, reordering by keyboard
and by drag and drop with start times that follow, the overrun warning, the consent
check of a case item (anonymous discussion, Meldcode at level 4), the action list,
and a read-only agenda for who may not run the meeting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import time, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact import i18n
from pact.services import clock, meetings
from pact.services.access import KeyMode
from pact.services.meetings import InviteInput, ItemInput, MeetingInput
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.dialogs.agenda_item import AgendaItemDialog
from pact.ui.dialogs.case_consent import MeldcodeDialog
from pact.ui.ops import wait_idle
from pact.ui.widgets.agenda_builder import COLUMNS, AgendaBuilder

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld, closed

# the default agenda: opening 5, minutes 10, action list 15, theme 30,
# announcements 15, round 10, closing 5 = 90 minutes, 09:30 to 11:00
DEFAULT_STARTS = ["09:30", "09:35", "09:45", "10:00", "10:30", "10:45", "10:55"]


@pytest.fixture(autouse=True)
def english(dutch: None) -> Iterator[None]:
    """The texts asserted are the English source strings."""
    i18n.set_language("en")
    yield


def plan_meeting(world: CaseWorld, chair: str | None = "Sam Kuipers") -> meetings.MeetingData:
    """A network meeting next week, 09:30 to 11:00, with home, school and the social
    team invited (planned by the coordinator)."""
    return meetings.save_meeting(
        world.db.uow(),
        world.admin,
        MeetingInput(
            kind="network",
            held_on=clock.today() + timedelta(days=7),
            starts_at=time(9, 30),
            ends_at=time(11, 0),
            chair_contact_id=world.contacts[chair] if chair else None,
            invites=(
                InviteInput(world.orgs["home"]),
                InviteInput(world.orgs["school"]),
                InviteInput(world.orgs["social"]),
            ),
        ),
    )


def tukker_case(world: CaseWorld, level: int = 3) -> int:
    """Case "Tukker" with a family whose consent covers the school only."""
    header = world.make_case("Tukker", level=level)
    world.add_family(header.id)
    world.give_consent(header.id, ["school"])
    return header.id


BuildBuilder = Callable[..., AgendaBuilder]


@pytest.fixture
def admin_ctx(case_world: CaseWorld, qapp: object) -> Iterator[AppContext]:
    """The coordinator acting: may run every meeting."""
    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    yield context
    wait_idle()


@pytest.fixture
def builder(admin_ctx: AppContext, case_world: CaseWorld, qtbot: QtBot) -> Iterator[BuildBuilder]:
    built: list[AgendaBuilder] = []

    def build(meeting_id: int, actor: Actor | None = None) -> AgendaBuilder:
        ctx = admin_ctx
        if actor is not None:
            ctx = AppContext(case_world.db, KeyMode.KEYRING, actor)
        widget = AgendaBuilder(ctx)
        widget.setProperty("test_ctx", ctx)
        qtbot.addWidget(widget)
        widget.resize(1300, 820)
        widget.show()
        widget.activateWindow()
        qtbot.waitUntil(widget.isActiveWindow)
        widget.show_meeting(meetings.get_meeting(case_world.db.uow(), ctx.actor, meeting_id))
        widget.table.setFocus()
        built.append(widget)
        return widget

    yield build
    for widget in built:
        dialog = widget.dialog
        if dialog is not None and isValid(dialog):
            dialog.discard()  # type: ignore[attr-defined]
    wait_idle()


def column(widget: AgendaBuilder, name: str) -> list[str]:
    model = widget.table.model()
    c = COLUMNS.index(name)
    return [str(model.index(r, c).data() or "") for r in range(model.rowCount())]


def settle(qtbot: QtBot, widget: AgendaBuilder) -> None:
    """Until every write and read the builder started has come back."""
    wait_idle()
    qtbot.waitUntil(lambda: widget._writes == 0 and not widget.busy.isVisible(), timeout=10_000)
    wait_idle()
    QApplication.processEvents()


def child(widget: QWidget, name: str) -> QWidget:
    found = widget.findChild(QWidget, name)
    assert found is not None, name
    return found


def button(widget: QWidget, name: str) -> QPushButton:
    found = child(widget, name)
    assert isinstance(found, QPushButton)
    return found


def open_dialog(qtbot: QtBot, widget: AgendaBuilder) -> AgendaItemDialog:
    qtbot.waitUntil(
        lambda: isinstance(widget.dialog, AgendaItemDialog) and widget.dialog.isVisible(),
        timeout=10_000,
    )
    dialog = widget.dialog
    assert isinstance(dialog, AgendaItemDialog)
    return dialog


def select_row(qtbot: QtBot, widget: AgendaBuilder, title: str) -> None:
    """Click the row with this title."""
    titles = column(widget, "title")
    row = next(r for r, t in enumerate(titles) if t.startswith(title))
    index = widget.model.index(row, COLUMNS.index("title"))
    rect = widget.table.visualRect(index)
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert widget.selected_item() is not None
    assert widget.selected_item().title.startswith(title)  # type: ignore[union-attr]


def save(qtbot: QtBot, dialog: AgendaItemDialog) -> None:
    qtbot.mouseClick(button(dialog, "saveButton"), Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)


# ---------------------------------------------------------------- tests


def test_add_a_case_item_through_the_dialog(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    case_id = tukker_case(case_world)
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    assert column(widget, "start") == DEFAULT_STARTS
    changed: list[meetings.MeetingData] = []
    widget.meeting_changed.connect(changed.append)

    qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
    dialog = open_dialog(qtbot, widget)
    kind = child(dialog, "agendaKindCombo")
    assert isinstance(kind, QComboBox)
    # a theme has no case to choose
    assert not child(dialog, "agendaCaseCombo").isVisibleTo(dialog)
    kind.setFocus()
    kind.setCurrentIndex(kind.findData("case"))
    case_combo = child(dialog, "agendaCaseCombo")
    assert isinstance(case_combo, QComboBox)
    assert case_combo.isVisibleTo(dialog)
    # Tab goes through the fields top to bottom, then Save and Cancel, and round
    seen = []
    for _step in range(12):
        focused = QApplication.focusWidget()
        assert focused is not None
        seen.append(focused.objectName())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert seen == [
        "agendaKindCombo",
        "agendaCaseCombo",
        "agendaModeCombo",
        "agendaTitleEdit",
        "agendaPresenterCombo",
        "agendaMinutesSpin",
        "agendaDescriptionEdit",
        "agendaChairNotesEdit",
        "agendaVisibilityCombo",
        "saveButton",
        "cancelButton",
        "agendaKindCombo",
    ]
    # nothing chosen: the service's message appears next to the case field
    save_button = button(dialog, "saveButton")
    qtbot.mouseClick(save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: child(dialog, "case_idError").isVisible(), timeout=10_000)
    assert dialog.isVisible()

    line = case_combo.lineEdit()
    assert line is not None
    qtbot.keyClicks(line, "Tukker")
    qtbot.keyClicks(child(dialog, "agendaTitleEdit"), "Familie Tukker")
    minutes = child(dialog, "agendaMinutesSpin")
    assert isinstance(minutes, QSpinBox)
    assert minutes.value() == 15  # a case discussion starts at 15 minutes
    save(qtbot, dialog)
    settle(qtbot, widget)

    titles = column(widget, "title")
    assert titles[-1] == "Familie Tukker"
    assert column(widget, "start")[-1] == "11:00"  # after the 90 minutes before it
    code = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id).items[-1]
    assert code.case_id == case_id
    assert column(widget, "case")[-1] == f"{code.case_code} · level 3"
    assert widget.selected_item() is not None and widget.selected_item().id == code.id  # type: ignore[union-attr]
    assert changed and changed[-1].items[-1].id == code.id


def test_reorder_by_keyboard_moves_the_start_times(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    opening = meeting.items[0]
    select_row(qtbot, widget, opening.title)
    assert not button(widget, "agendaUpButton").isEnabled()

    qtbot.keyClick(widget.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    # at once: the opening is second, and starts after the 10 minutes of the minutes
    titles = column(widget, "title")
    assert titles[1] == opening.title
    assert column(widget, "start")[:2] == ["09:30", "09:40"]
    assert widget.selected_item() is not None and widget.selected_item().id == opening.id  # type: ignore[union-attr]
    settle(qtbot, widget)
    saved = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id)
    assert [i.id for i in saved.items][:2] == [meeting.items[1].id, opening.id]
    assert column(widget, "start")[:2] == ["09:30", "09:40"]
    assert column(widget, "number")[:2] == ["1", "2"]

    # and back up with the button
    qtbot.mouseClick(button(widget, "agendaUpButton"), Qt.MouseButton.LeftButton)
    settle(qtbot, widget)
    assert column(widget, "title")[0] == opening.title
    assert column(widget, "start") == DEFAULT_STARTS


def test_drag_and_drop_saves_the_new_order(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    model = widget.model
    closing = meeting.items[-1]
    data = model.mimeData([model.index(len(meeting.items) - 1, 0)])
    # what the view does when the closing is dropped above the first row
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert column(widget, "title")[0] == closing.title
    assert column(widget, "start")[:2] == ["09:30", "09:35"]
    settle(qtbot, widget)
    saved = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id)
    assert saved.items[0].id == closing.id
    assert saved.items[1].starts_at == time(9, 35)


def test_overrun_warning_when_the_plan_runs_late(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    plan = widget.plan_badge
    assert plan.text() == "Ends at 11:00, exactly at the planned end"
    assert plan.kind == "ok"

    theme = next(i for i in meeting.items if i.kind == "theme")
    select_row(qtbot, widget, theme.title)
    qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, widget)
    minutes = child(dialog, "agendaMinutesSpin")
    assert isinstance(minutes, QSpinBox)
    assert minutes.value() == 30
    minutes.setFocus()
    minutes.selectAll()
    qtbot.keyClicks(minutes, "45")
    save(qtbot, dialog)
    settle(qtbot, widget)

    assert plan.text() == "Ends at 11:15 — 15 minutes over the planned end 11:00"
    assert plan.kind == "bad"
    assert column(widget, "minutes")[3] == "45"
    assert column(widget, "start")[4] == "10:45"

    # shorter again: minutes to spare
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, widget)
    minutes = child(dialog, "agendaMinutesSpin")
    assert isinstance(minutes, QSpinBox)
    minutes.setFocus()
    minutes.selectAll()
    qtbot.keyClicks(minutes, "20")
    save(qtbot, dialog)
    settle(qtbot, widget)
    assert plan.text() == "Ends at 10:50, 10 minutes to spare"
    assert plan.kind == "ok"


def test_consent_panel_names_the_uncovered_partner_and_goes_anonymous(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    case_id = tukker_case(case_world)
    meeting = plan_meeting(case_world)
    meetings.save_item(
        case_world.db.uow(),
        case_world.admin,
        meeting.id,
        ItemInput(kind="case", title="Familie Tukker", planned_minutes=15, case_id=case_id),
    )
    widget = builder(meeting.id)
    panel = child(widget, "agendaConsentPanel")
    assert not panel.isVisible()  # the opening is selected
    consent = column(widget, "consent")[-1]
    assert consent == "Not covered: Sociaal Team Hengelo"

    select_row(qtbot, widget, "Familie Tukker")
    assert panel.isVisible()
    text = child(widget, "agendaConsentText").text()  # type: ignore[attr-defined]
    assert "Consent does not cover Sociaal Team Hengelo" in text
    assert "Basisschool De Wilgenhoek (consent)" in text
    assert "Stichting Welzijn De Schakel (holds the case file)" in text
    # level 3: no Meldcode, and the builder says why
    meldcode = button(widget, "agendaMeldcodeButton")
    assert meldcode.isVisible() and not meldcode.isEnabled()
    hint = child(widget, "agendaMeldcodeHint")
    assert hint.isVisible()
    assert "needs level 4" in hint.text()  # type: ignore[attr-defined]

    anonymous = button(widget, "agendaAnonymousButton")
    assert anonymous.isVisible() and anonymous.isEnabled()
    qtbot.mouseClick(anonymous, Qt.MouseButton.LeftButton)
    settle(qtbot, widget)
    item = widget.selected_item()
    assert item is not None and item.case_mode == "anonymous"
    saved = meetings.get_meeting(case_world.db.uow(), case_world.admin, meeting.id)
    assert saved.items[-1].case_mode == "anonymous"
    assert column(widget, "consent")[-1] == "Anonymous: code and level only"
    assert not anonymous.isVisible()
    full = button(widget, "agendaFullButton")
    assert full.isVisible() and full.isEnabled()
    assert "discussed anonymously" in child(widget, "agendaConsentMode").text()  # type: ignore[attr-defined]

    # and with its details again
    qtbot.mouseClick(full, Qt.MouseButton.LeftButton)
    settle(qtbot, widget)
    assert widget.selected_item().case_mode == "full"  # type: ignore[union-attr]


def test_meldcode_justification_from_the_consent_warning(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    case_id = tukker_case(case_world, level=4)
    meeting = plan_meeting(case_world)
    meetings.save_item(
        case_world.db.uow(),
        case_world.admin,
        meeting.id,
        ItemInput(kind="case", title="Familie Tukker", planned_minutes=15, case_id=case_id),
    )
    widget = builder(meeting.id)
    select_row(qtbot, widget, "Familie Tukker")
    meldcode = button(widget, "agendaMeldcodeButton")
    assert meldcode.isEnabled()
    assert not child(widget, "agendaMeldcodeHint").isVisible()
    qtbot.mouseClick(meldcode, Qt.MouseButton.LeftButton)
    # the worker's case is outside the coordinator's own cases: a reason first
    qtbot.waitUntil(
        lambda: widget.dialog is not None and widget.dialog.objectName() == "breakGlassDialog",
        timeout=10_000,
    )
    glass = widget.dialog
    assert glass is not None
    qtbot.keyClicks(child(glass, "reasonEdit"), "Meldcode advice asked in the meeting.")
    qtbot.mouseClick(button(glass, "openButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: widget.dialog is not None and widget.dialog.objectName() == "meldcodeDialog",
        timeout=10_000,
    )
    dialog = widget.dialog
    assert dialog is not None
    # the partner that consent does not cover is ticked already
    assert isinstance(dialog, MeldcodeDialog)
    assert dialog.partners.checked_values() == (case_world.orgs["social"],)
    qtbot.keyClicks(
        child(dialog, "justificationEdit"), "Zorgen over veiligheid, na overleg met Veilig Thuis."
    )
    qtbot.mouseClick(button(dialog, "saveButton"), Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    qtbot.waitUntil(
        lambda: widget.data is not None and widget.data.items[-1].meldcode, timeout=10_000
    )
    settle(qtbot, widget)
    item = widget.selected_item()
    assert item is not None and item.consent is not None and item.consent.complete
    assert column(widget, "consent")[-1] == "Covers every invited partner"
    assert "Sociaal Team Hengelo (Meldcode)" in child(widget, "agendaConsentText").text()  # type: ignore[attr-defined]


def test_action_list_shows_the_open_steps_of_the_cases_on_the_agenda(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    case_id = tukker_case(case_world)
    case_world.add_step(case_id, "Gesprek met Wesley", clock.today() + timedelta(days=3))
    meeting = plan_meeting(case_world)
    meetings.save_item(
        case_world.db.uow(),
        case_world.admin,
        meeting.id,
        ItemInput(kind="case", title="Familie Tukker", case_id=case_id),
    )
    widget = builder(meeting.id)
    action_list = next(i for i in meeting.items if i.kind == "action_list")
    select_row(qtbot, widget, action_list.title)
    panel = child(widget, "agendaActionListPanel")
    assert panel.isVisible()
    table = widget.action_table
    assert table.row_count() == 1
    assert table.text(0, 0) == "Gesprek met Wesley"
    assert table.text(0, 1).startswith("Wendy Wolters")
    assert "1 next step to review" in column(widget, "title")[2]
    opened: list[int] = []
    widget.open_case.connect(opened.append)
    table.setFocus()
    table.select_row(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [case_id]


def test_who_may_not_run_the_meeting_sees_it_read_only(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    meeting = plan_meeting(case_world)  # chaired by Sam: Wendy's organisation is invited
    widget = builder(meeting.id, actor=case_world.worker)
    assert widget.data is not None and not widget.data.may_run
    note = child(widget, "agendaReadOnlyNote")
    assert note.isVisible()
    assert "Only a coordinator, the chair or the minute-taker" in note.text()  # type: ignore[attr-defined]
    for name in (
        "agendaAddButton",
        "agendaEditButton",
        "agendaRemoveButton",
        "agendaUpButton",
        "agendaDownButton",
    ):
        b = button(widget, name)
        assert not b.isEnabled(), name
        assert "Only a coordinator" in b.toolTip()
    # the keyboard cannot change it either
    select_row(qtbot, widget, meeting.items[0].title)
    qtbot.keyClick(widget.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
    wait_idle()
    QApplication.processEvents()
    assert widget.dialog is None
    assert column(widget, "title")[0] == meeting.items[0].title
    assert not widget.model.flags(widget.model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    # internal items are not on the worker's agenda at all
    assert "Internal" not in column(widget, "visibility")


def test_remove_an_item_with_delete_after_confirming(
    case_world: CaseWorld, builder: BuildBuilder, qtbot: QtBot
) -> None:
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    round_item = next(i for i in meeting.items if i.kind == "round")
    select_row(qtbot, widget, round_item.title)
    qtbot.keyClick(widget.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: widget.confirm_box is not None and widget.confirm_box.isVisible())
    box = widget.confirm_box
    assert box is not None
    assert round_item.title in box.text()
    qtbot.mouseClick(button(box, "confirmButton"), Qt.MouseButton.LeftButton)
    settle(qtbot, widget)
    assert round_item.title not in column(widget, "title")
    assert len(column(widget, "title")) == len(meeting.items) - 1
    assert widget.plan_badge.text() == "Ends at 10:50, 10 minutes to spare"
    # the keyboard is back in the list (offscreen, the window is activated by hand)
    widget.activateWindow()
    qtbot.waitUntil(widget.table.hasFocus)


def test_nothing_chosen_shows_the_empty_state(builder: BuildBuilder, case_world: CaseWorld) -> None:
    meeting = plan_meeting(case_world)
    widget = builder(meeting.id)
    widget.show_meeting(None)
    assert widget.stack.currentWidget() is widget.empty
    assert widget.model.rowCount() == 0
