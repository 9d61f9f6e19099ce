"""The minutes panel: attendance with replacements, the minutes typed as rich text and
autosaved without blocking the typing, decisions and next steps added without
leaving the item, the action list reviewed, earlier minutes approved (then locked,
corrected by a dated amendment). A real SQLCipher file per test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time as dtime
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton as QToolButtonType
from pytestqt.qtbot import QtBot

from pact.i18n import format_date
from pact.services import clock, meetings, minutes
from pact.services.consultations import ActionInput
from pact.services.meetings import InviteInput, MeetingData, SeriesInput, TemplateItemInput
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import qdate as qdate_of
from pact.ui.ops import wait_idle
from pact.ui.widgets.minutes_panel import MinutesPanel

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld
from .conftest import MakeUser


@dataclass
class Meetings:
    first: MeetingData  # six weeks ago, its minutes await approval
    second: MeetingData  # today
    step_id: int  # agreed at the first, on the second's action list


def build_meetings(world: CaseWorld) -> Meetings:
    """A series of two network meetings: the first six weeks ago (minutes and a next
    step), the second today."""
    admin = world.admin
    series = meetings.save_series(
        world.db.uow(),
        admin,
        SeriesInput(
            name="Netwerkoverleg Scheidingspact",
            interval_weeks=6,
            starts_at=dtime(9, 30),
            ends_at=dtime(11, 0),
            location="Gemeentehuis Hengelo",
            chair_contact_id=world.contacts["Wendy Wolters"],
            template=(
                TemplateItemInput("opening", "Opening", 5),
                TemplateItemInput("previous_minutes", "Verslag vorige keer", 10),
                TemplateItemInput("action_list", "Actielijst", 15),
                TemplateItemInput("theme", "Thema: ouderschapsplan", 30),
                TemplateItemInput("closing", "Sluiting", 5),
            ),
            invites=(
                InviteInput(world.orgs["home"], world.contacts["Wendy Wolters"]),
                InviteInput(world.orgs["school"], world.contacts["Elia Brinkhuis"]),
                InviteInput(world.orgs["social"], world.contacts["Sam Kuipers"]),
            ),
        ),
    )
    base = meetings.meeting_defaults(world.db.uow(), admin, series_id=series.id)
    held = clock.today() - timedelta(weeks=6)
    first = meetings.save_meeting(
        world.db.uow(), admin, meetings.MeetingInput(**{**base.__dict__, "held_on": held})
    )
    first = minutes.save_minutes(world.db.uow(), admin, first.items[0].id, "Welkom allemaal.")
    first = minutes.add_step(
        world.db.uow(),
        admin,
        first.items[3].id,
        ActionInput("Folder naar alle scholen", held + timedelta(days=20), world.orgs["school"]),
    )
    step_id = first.items[3].steps[0].id
    after = meetings.meeting_defaults(world.db.uow(), admin, after_meeting_id=first.id)
    second = meetings.save_meeting(world.db.uow(), admin, after)
    assert second.held_on == clock.today()
    return Meetings(first, second, step_id)


@pytest.fixture
def admin_ctx(case_world: CaseWorld, qapp: object) -> Iterator[AppContext]:
    """The coordinator (who may run every meeting) acting."""
    from pact.services.access import KeyMode

    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    yield context
    wait_idle()


@pytest.fixture
def panel(admin_ctx: AppContext, qtbot: QtBot) -> Iterator[MinutesPanel]:
    view = MinutesPanel(admin_ctx)
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    yield view
    wait_idle()


def load(qtbot: QtBot, view: MinutesPanel, data: MeetingData) -> None:
    view.show_meeting(data)
    qtbot.waitUntil(lambda: view.step_owner.count() > 1, timeout=10_000)  # choices read


def settle(qtbot: QtBot, view: MinutesPanel) -> None:
    """Until every write of the panel has answered."""
    qtbot.waitUntil(lambda: not view.busy(), timeout=10_000)
    wait_idle()
    qtbot.wait(20)


def reread(world: CaseWorld, meeting_id: int) -> MeetingData:
    return meetings.get_meeting(world.db.uow(), world.admin, meeting_id)


def choose_item(qtbot: QtBot, view: MinutesPanel, kind: str) -> None:
    assert view.data is not None
    item = next(i for i in view.data.items if i.kind == kind)
    view.agenda.setFocus()
    while view.current_item() is None or view.current_item().kind != kind:  # type: ignore[union-attr]
        qtbot.keyClick(view.agenda, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert view.item_title.text().endswith(item.title)


def test_attendance_with_a_replacement(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    sam = next(i for i in data.second.invites if i.contact == "Sam Kuipers")
    wendy = next(i for i in data.second.invites if i.contact == "Wendy Wolters")
    state, _replaced = panel.attendance_widgets(wendy.id)
    state.setFocus()
    qtbot.keyClick(state, Qt.Key.Key_Down)  # invited -> present
    settle(qtbot, panel)
    state, replaced = panel.attendance_widgets(sam.id)
    state.setFocus()
    qtbot.keyClick(state, Qt.Key.Key_Down)  # invited -> present
    qtbot.keyClick(state, Qt.Key.Key_Down)  # present -> excused
    settle(qtbot, panel)
    replaced.setFocus()
    qtbot.keyClicks(replaced, "Joke Jansen")
    qtbot.keyClick(replaced, Qt.Key.Key_Tab)
    settle(qtbot, panel)
    stored = {
        i.contact: (i.attendance, i.replaced_by) for i in reread(case_world, data.second.id).invites
    }
    assert stored["Sam Kuipers"] == ("excused", "Joke Jansen")
    assert stored["Wendy Wolters"] == ("present", "")
    assert panel.attendance_widgets(sam.id)[1].text() == "Joke Jansen"
    # someone present is not replaced: the message stands next to the table
    state, replaced = panel.attendance_widgets(wendy.id)
    replaced.setFocus()
    qtbot.keyClicks(replaced, "Iemand Anders")
    qtbot.keyClick(replaced, Qt.Key.Key_Return)
    settle(qtbot, panel)
    assert "Wendy Wolters" in panel.rows["attendance"].error()
    # and someone who just walked in
    qtbot.mouseClick(panel.walk_in_button, Qt.MouseButton.LeftButton)
    choose(panel.walk_in_combo, "Bart Buddy")  # noqa: F405
    qtbot.mouseClick(panel.walk_in_add, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    came = [i for i in reread(case_world, data.second.id).invites if i.contact == "Bart Buddy"]
    assert [i.attendance for i in came] == ["present"]
    assert "Bart Buddy" in [
        panel.attendance_table.item(r, 1).text() for r in range(panel.attendance_table.rowCount())
    ]


def test_typed_minutes_are_autosaved_without_blocking_the_typing(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    choose_item(qtbot, panel, "theme")
    item_id = panel.current_item().id  # type: ignore[union-attr]
    # a slow disk: every autosave takes a second, on a thread that is not the UI's
    real = minutes.save_draft
    writing = threading.Event()
    threads: list[int] = []

    def slow_save(*args: object) -> object:
        threads.append(threading.get_ident())
        writing.set()
        time.sleep(1.0)
        try:
            return real(*args)  # type: ignore[arg-type]
        finally:
            writing.clear()

    monkeypatch.setattr(minutes, "save_draft", slow_save)
    editor = panel.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Besproken: ")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "ouderschapsplan")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, " volgt.")
    last_key = time.monotonic()
    assert panel.has_unsaved_changes()
    # nothing is written while typing goes on; then the autosave starts by itself
    qtbot.waitUntil(writing.is_set, timeout=5_000)
    started = time.monotonic() - last_key
    assert panel.autosave_timer.interval() / 1000 - 0.3 <= started < 5.0
    # typing while the (slow) autosave is writing: every key lands at once
    before = time.monotonic()
    qtbot.keyClicks(editor, " Meer.")
    typed_in = time.monotonic() - before
    assert writing.is_set(), "the autosave was still writing while these keys were typed"
    assert editor.toPlainText().endswith("volgt. Meer.")
    assert typed_in < 0.5
    assert threads and threads[0] != threading.get_ident()
    # the label says when; within 5 seconds of the last keystroke the text is in the database
    qtbot.waitUntil(lambda: panel.autosave_label.text() != "", timeout=5_000)
    assert panel.last_autosave is not None
    assert panel.last_autosave.strftime("%H:%M:%S") in panel.autosave_label.text()
    last_key = time.monotonic()
    qtbot.waitUntil(
        lambda: any(
            "Meer." in d.text for d in minutes.pending_drafts(case_world.db.uow(), case_world.admin)
        ),
        timeout=5_000,
    )
    assert time.monotonic() - last_key < 5.0
    drafts = minutes.pending_drafts(case_world.db.uow(), case_world.admin)
    assert [(d.item_id, d.text) for d in drafts] == [
        (item_id, "Besproken: **ouderschapsplan** volgt. Meer.")
    ]
    # drafts live apart from the minutes
    item = next(i for i in reread(case_world, data.second.id).items if i.id == item_id)
    assert item.minutes == ""
    settle(qtbot, panel)


def test_save_minutes_stores_markdown_and_switching_items_saves(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    opening = data.second.items[0]
    editor = panel.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Welkom door de ")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "voorzitter")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.mouseClick(panel.findChild(QToolButtonType, "bulletsButton"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor, "Sam is er niet")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Joke neemt waar")
    # Ctrl+S in the editor saves the minutes
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, panel)
    saved = reread(case_world, data.second.id).items[0].minutes
    assert "Welkom door de **voorzitter**" in saved
    assert [line for line in saved.splitlines() if line.startswith(("- ", "* "))] == [
        saved.splitlines()[-2],
        saved.splitlines()[-1],
    ]
    assert saved.splitlines()[-1][2:] == "Joke neemt waar"
    assert not panel.has_unsaved_changes()
    assert minutes.pending_drafts(case_world.db.uow(), case_world.admin) == []
    assert reread(case_world, data.second.id).status == "minutes_draft"
    # what is typed under an item is saved as its minutes when moving to the next one
    qtbot.keyClicks(editor, ", tot juli")
    qtbot.keyClick(editor, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert panel.current_item().id != opening.id  # type: ignore[union-attr]
    assert editor.toPlainText() == ""
    settle(qtbot, panel)
    assert "Joke neemt waar, tot juli" in reread(case_world, data.second.id).items[0].minutes
    # and back: the saved minutes are shown again
    qtbot.keyClick(editor, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert "Joke neemt waar" in editor.toPlainText()


def test_decision_and_next_step_without_leaving_the_item(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    choose_item(qtbot, panel, "theme")
    theme_id = panel.current_item().id  # type: ignore[union-attr]
    panel.decision_edit.setFocus()
    qtbot.keyClicks(panel.decision_edit, "We maken een folder voor ouders")
    qtbot.keyClick(panel.decision_edit, Qt.Key.Key_Return)
    settle(qtbot, panel)
    assert panel.decision_edit.text() == ""
    assert [panel.decision_list.item(r).text() for r in range(panel.decision_list.count())] == [
        "We maken een folder voor ouders"
    ]
    # a step without what: the message stands next to the field, nothing is added
    choose(panel.step_owner, "Elia Brinkhuis")  # noqa: F405
    qtbot.mouseClick(panel.step_add, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert panel.rows["what"].error()
    assert panel.step_list.count() == 0 or not panel.step_list.isVisible()
    panel.step_what.setFocus()
    qtbot.keyClicks(panel.step_what, "Tekst folder schrijven")
    due = clock.today() + timedelta(days=21)
    panel.step_due.setDate(qdate_of(due))
    qtbot.keyClick(panel.step_what, Qt.Key.Key_Return)
    settle(qtbot, panel)
    assert panel.current_item().id == theme_id  # type: ignore[union-attr]
    assert not panel.rows["what"].error()
    assert panel.step_what.text() == ""
    item = next(i for i in reread(case_world, data.second.id).items if i.id == theme_id)
    assert [d.text for d in item.decisions] == ["We maken een folder voor ouders"]
    assert [(s.what, s.owner_contact_id, s.due_on) for s in item.steps] == [
        ("Tekst folder schrijven", case_world.contacts["Elia Brinkhuis"], due)
    ]
    assert (
        panel.step_list.count() == 1 and "Tekst folder schrijven" in panel.step_list.item(0).text()
    )
    # remove the decision again
    panel.decision_list.setCurrentRow(0)
    qtbot.mouseClick(panel.decision_remove, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    item = next(i for i in reread(case_world, data.second.id).items if i.id == theme_id)
    assert item.decisions == ()


def test_review_an_action_list_step_as_done(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    choose_item(qtbot, panel, "action_list")
    assert panel.action_section.isVisible()
    assert panel.action_table.item(0, 0).text().startswith("Folder naar alle scholen")
    combo = panel.review_combo(data.step_id)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # not discussed -> done
    settle(qtbot, panel)
    row = next(
        r for r in reread(case_world, data.second.id).action_list if r.action.id == data.step_id
    )
    assert (row.outcome, row.action.status) == ("done", "done")
    assert panel.review_combo(data.step_id).currentData() == "done"


def test_approve_previous_minutes_then_locked_with_an_amendment(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld
) -> None:
    data = build_meetings(case_world)
    load(qtbot, panel, data.second)
    choose_item(qtbot, panel, "previous_minutes")
    button = panel.approve_button(data.first.id)
    assert data.first.title in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    first = reread(case_world, data.first.id)
    assert first.status == "minutes_approved" and first.approved_on == data.second.held_on
    assert panel.data is not None and panel.data.previous == ()
    # the earlier meeting is locked now
    panel.show_meeting(first)
    assert panel.locked_banner.isVisible()
    assert format_date(first.approved_on) in panel.locked_text.text()
    assert panel.editor.isReadOnly()
    assert not panel.save_button.isVisible()
    assert not panel.decision_edit.isVisible() and not panel.step_add.isVisible()
    assert all(not b.isEnabled() for b in panel.tool_buttons)
    qtbot.keyClicks(panel.editor, "stil veranderd")
    assert "stil veranderd" not in panel.editor.toPlainText()
    assert not panel.has_unsaved_changes()
    # a correction is a dated amendment
    qtbot.mouseClick(panel.amend_button, Qt.MouseButton.LeftButton)
    assert panel.amendment_form.isVisible()
    qtbot.keyClicks(panel.amendment_edit, "De folder gaat ook naar de kinderopvang.")
    qtbot.mouseClick(panel.amendment_save, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    first = reread(case_world, data.first.id)
    assert [(a.text, a.made_on, a.item_id) for a in first.amendments] == [
        ("De folder gaat ook naar de kinderopvang.", clock.today(), first.items[0].id)
    ]
    assert first.items[0].minutes == "Welkom allemaal."
    assert panel.amendment_list.count() == 1
    assert "kinderopvang" in panel.amendment_list.item(0).text()
    assert not panel.amendment_form.isVisible()


def test_someone_who_may_not_run_the_meeting_reads_only(
    qtbot: QtBot, case_world: CaseWorld, make_user: MakeUser
) -> None:
    from pact.services.access import KeyMode

    data = build_meetings(case_world)
    minutes.save_minutes(case_world.db.uow(), case_world.admin, data.second.items[0].id, "Welkom.")
    teacher = make_user("elia", "Elia Brinkhuis", organisation_id=case_world.orgs["school"])
    ctx = AppContext(case_world.db, KeyMode.KEYRING, teacher)
    view = MinutesPanel(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    seen = meetings.get_meeting(case_world.db.uow(), teacher, data.second.id)
    assert not seen.may_run
    view.show_meeting(seen)
    qtbot.waitUntil(lambda: view.step_owner.count() > 1, timeout=10_000)
    assert view.editor.isReadOnly() and view.editor.toPlainText() == "Welkom."
    assert view.locked_banner.isVisible() and not view.amend_button.isVisible()
    assert not view.save_button.isVisible() and not view.walk_in_button.isVisible()
    assert not view.decision_edit.isVisible() and not view.step_what.isVisible()
    state, replaced = view.attendance_widgets(seen.invites[0].id)
    assert not state.isEnabled() and replaced.isReadOnly()
    qtbot.keyClicks(view.editor, "x")
    assert not view.has_unsaved_changes()
    wait_idle()
