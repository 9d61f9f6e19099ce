"""When someone else saved first, as a welfare worker meets it: the save shows the
conflict dialog naming who saved and when, with their text and mine; each choice
does what it says (reload: theirs; overwrite: mine, audited; keep my text as a
copy: theirs saved, mine visible under the field and easy to take over; Escape: the
form as I left it). The other save is made by another user through the services
(another session), as a second workstation would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import time as dtime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy import select

from pact.i18n import format_datetime
from pact.models import AuditEntry
from pact.services import cases, clock, consultations, meetings, minutes, users
from pact.services.access import KeyMode
from pact.services.meetings import MeetingInput
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.dialogs.agenda_item import AgendaItemDialog
from pact.ui.dialogs.case_choices import CaseChoices, load_choices
from pact.ui.dialogs.case_family import CarerDialog, ChildDialog
from pact.ui.dialogs.case_register import CaseDetailsDialog
from pact.ui.dialogs.case_signal import SignalDialog
from pact.ui.dialogs.case_step import StepDialog
from pact.ui.dialogs.conflict import ConflictDialog
from pact.ui.dialogs.user_editor import UserEditorDialog
from pact.ui.ops import wait_idle
from pact.ui.widgets.minutes_panel import MinutesPanel

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld, closed, save_dialog
from .conftest import MakeUser

COLLEAGUE = "Koen Collega"


@pytest.fixture
def colleague(case_world: CaseWorld, make_user: MakeUser) -> Actor:
    """A second welfare worker of the same organisation: the other workstation."""
    return make_user("koen", COLLEAGUE, organisation_id=case_world.orgs["home"])


def _now_hhmm() -> set[str]:
    """The minute of the other save as the dialog shows it (this one or the last)."""
    now = datetime.now()
    return {format_datetime(t, "HH:mm") for t in (now, now - timedelta(minutes=1))}


def conflict_dialog(qtbot: QtBot) -> ConflictDialog:
    def found() -> ConflictDialog | None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, ConflictDialog) and isValid(w) and w.isVisible():
                return w
        return None

    qtbot.waitUntil(lambda: found() is not None, timeout=10_000)
    dialog = found()
    assert dialog is not None
    return dialog


def no_conflict_dialog() -> bool:
    return not any(
        isinstance(w, ConflictDialog) and isValid(w) and w.isVisible()
        for w in QApplication.topLevelWidgets()
    )


def texts(dialog: QWidget, prefix: str) -> list[str]:
    out = []
    for n in range(1, 20):
        view = dialog.findChild(QWidget, f"{prefix}{n}")
        if view is None:
            break
        if isinstance(view, QPlainTextEdit):
            out.append(view.toPlainText())
        elif isinstance(view, QTextEdit):
            out.append(view.toMarkdown().strip())
        elif isinstance(view, QLabel):
            out.append(view.text())
    return out


def click(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    button = dialog.findChild(QWidget, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle()
    QApplication.processEvents()


def type_into(qtbot: QtBot, edit: QWidget, text: str) -> None:
    """Select what the field holds and type ``text`` over it, as a person does."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


@pytest.fixture
def choices(case_ctx: AppContext) -> CaseChoices:
    return load_choices(case_ctx.uow)


def show(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isVisible)


def audited_updates(world: CaseWorld, record_type: str, record_id: object) -> list[str]:
    with world.db.sessions() as s:
        return list(
            s.scalars(
                select(AuditEntry.username)
                .where(
                    AuditEntry.record_type == record_type,
                    AuditEntry.record_id == str(record_id),
                    AuditEntry.event == "update",
                )
                .order_by(AuditEntry.seq)
            )
        )


# ---------------------------------------------------------------- a child's details


def _child_conflict(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> tuple[ChildDialog, ConflictDialog, int]:
    """Wendy edits the child's notes; meanwhile the coordinator saves other notes;
    Wendy saves: the conflict dialog."""
    header = case_world.make_case("Fam. Tukker")
    case_world.add_family(header.id, "W.")
    child = cases.get_case(case_world.db.uow(), case_world.worker, header.id).children[0]
    dialog = ChildDialog(case_ctx, choices, header.id, child)
    show(qtbot, dialog)
    type_into(qtbot, dialog.notes_edit, "Wesley praat met de IB'er.")
    cases.save_child(
        case_world.db.uow(), colleague, header.id, replace(child, notes="Vader woont apart.")
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    return dialog, conflict_dialog(qtbot), header.id


def _saved_notes(case_world: CaseWorld, case_id: int) -> str:
    return cases.get_case(case_world.db.uow(), case_world.worker, case_id).children[0].notes


def test_the_dialog_names_who_and_when_and_shows_both_texts(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    _form, dialog, _case_id = _child_conflict(qtbot, case_world, case_ctx, choices, colleague)
    headline = dialog.headline.text()
    assert headline.startswith(COLLEAGUE)  # the coordinator's display name
    assert any(t in headline for t in _now_hhmm()), headline
    assert dialog.windowTitle().startswith(COLLEAGUE)
    # only the field that differs, their text and mine
    assert texts(dialog, "conflictField") == ["Notes"] or texts(dialog, "conflictField") == [
        "Notities"
    ]
    assert texts(dialog, "conflictTheirs") == ["Vader woont apart."]
    assert texts(dialog, "conflictMine") == ["Wesley praat met de IB'er."]
    for name in ("conflictTheirs1", "conflictMine1"):
        view = dialog.findChild(QPlainTextEdit, name)
        assert view is not None and view.isReadOnly()
    # the safe choice (nothing lost) is what Enter does
    assert dialog.copy_button.isDefault()
    dialog.reject()


def test_reload_takes_their_version(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    form, dialog, case_id = _child_conflict(qtbot, case_world, case_ctx, choices, colleague)
    click(qtbot, dialog, "conflictReloadButton")
    qtbot.waitUntil(no_conflict_dialog)
    assert form.isVisible()
    assert form.notes_edit.toPlainText() == "Vader woont apart."
    assert not form.is_dirty()  # closing now asks nothing: nothing of mine is left
    assert _saved_notes(case_world, case_id) == "Vader woont apart."
    # and saving now saves on their version, without a new conflict
    type_into(qtbot, form.notes_edit, "Vader woont apart. Moeder belt.")
    save_dialog(qtbot, form)
    assert _saved_notes(case_world, case_id) == "Vader woont apart. Moeder belt."


def test_overwrite_saves_mine_over_theirs_as_an_ordinary_update(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    form, dialog, case_id = _child_conflict(qtbot, case_world, case_ctx, choices, colleague)
    click(qtbot, dialog, "conflictOverwriteButton")
    qtbot.waitUntil(lambda: closed(form), timeout=10_000)
    assert _saved_notes(case_world, case_id) == "Wesley praat met de IB'er."
    assert audited_updates(case_world, "case", case_id)[-2:] == ["koen", "wendy"]


def test_keep_my_text_as_a_copy_shows_mine_under_theirs(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    form, dialog, case_id = _child_conflict(qtbot, case_world, case_ctx, choices, colleague)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the default: keep a copy
    qtbot.waitUntil(no_conflict_dialog)
    assert form.notes_edit.toPlainText() == "Vader woont apart."
    copy = form.findChild(QLabel, "notesCopyText")
    assert copy is not None and copy.isVisible()
    assert copy.text() == "Wesley praat met de IB'er."
    assert form.is_dirty()  # closing the window now asks first: my copy is not lost silently
    assert _saved_notes(case_world, case_id) == "Vader woont apart."
    # take my text over, and save: no new conflict, mine is saved
    click(qtbot, form, "notesUseCopy")
    assert form.notes_edit.toPlainText() == "Wesley praat met de IB'er."
    save_dialog(qtbot, form)
    assert _saved_notes(case_world, case_id) == "Wesley praat met de IB'er."


def test_escape_keeps_the_form_as_it_was(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    form, dialog, case_id = _child_conflict(qtbot, case_world, case_ctx, choices, colleague)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(no_conflict_dialog)
    assert form.isVisible()
    assert form.notes_edit.toPlainText() == "Wesley praat met de IB'er."
    assert COLLEAGUE in form.message.message()
    assert _saved_notes(case_world, case_id) == "Vader woont apart."
    # saving again asks again (their save still stands between)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    conflict_dialog(qtbot).reject()


def test_a_change_elsewhere_in_the_case_saves_without_asking(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    """Adding a child changes the case's version, not its details: the details saved
    meanwhile by the worker are no conflict (nothing of the other save is lost)."""
    header = case_world.make_case("Fam. Tukker")
    header = cases.get_case(case_world.db.uow(), case_world.worker, header.id).header
    form = CaseDetailsDialog(case_ctx, choices, header)
    show(qtbot, form)
    type_into(qtbot, form.notes_edit, "Gesprek op school gepland.")
    case_world.add_family(header.id, "W.")  # by the coordinator's colleague, meanwhile
    assert cases.get_case(case_world.db.uow(), case_world.worker, header.id).header.version > (
        header.version
    )
    save_dialog(qtbot, form)
    assert no_conflict_dialog()
    saved = cases.get_case(case_world.db.uow(), case_world.worker, header.id)
    assert saved.header.notes == "Gesprek op school gepland."
    assert [c.name for c in saved.children] == ["W."]


# ---------------------------------------------------------------- other forms


def test_case_details_conflict_over_the_alias(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    header = case_world.make_case("Fam. T.")
    form = CaseDetailsDialog(case_ctx, choices, header)
    show(qtbot, form)
    type_into(qtbot, form.alias_edit, "Fam. Tukker")
    cases.update_case(
        case_world.db.uow(),
        colleague,
        cases.CaseInput(
            alias="Familie T.",
            municipality_id=header.municipality_id,
            id=header.id,
            version=header.version,
        ),
    )
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    dialog = conflict_dialog(qtbot)
    assert texts(dialog, "conflictTheirs") == ["Familie T."]
    assert texts(dialog, "conflictMine") == ["Fam. Tukker"]
    click(qtbot, dialog, "conflictOverwriteButton")
    qtbot.waitUntil(lambda: closed(form), timeout=10_000)
    assert cases.get_case(case_world.db.uow(), case_world.worker, header.id).header.alias == (
        "Fam. Tukker"
    )


def test_carer_signal_and_step_forms_show_the_conflict(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    choices: CaseChoices,
    colleague: Actor,
) -> None:
    header = case_world.make_case("Fam. Tukker")
    case_world.add_family(header.id, "W.")
    file = cases.get_case(case_world.db.uow(), case_world.worker, header.id)
    admin, uow = colleague, case_world.db.uow

    carer = file.carers[0]
    form = CarerDialog(case_ctx, header.id, carer)
    show(qtbot, form)
    type_into(qtbot, form.alias_edit, "M.T.")
    cases.save_carer(uow(), admin, header.id, replace(carer, alias="Moeder T."))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    dialog = conflict_dialog(qtbot)
    assert (texts(dialog, "conflictTheirs"), texts(dialog, "conflictMine")) == (
        ["Moeder T."],
        ["M.T."],
    )
    click(qtbot, dialog, "conflictReloadButton")
    assert form.alias_edit.text() == "Moeder T."
    form.discard()

    signal = consultations.save_signal(
        uow(),
        case_world.worker,
        header.id,
        consultations.SignalData(
            observed_on=clock.today(), observation="Wesley is vaker afwezig.", domain="child_school"
        ),
    )
    form2 = SignalDialog(case_ctx, choices, header.id, file.children, signal)
    show(qtbot, form2)
    type_into(qtbot, form2.observation_edit, "Wesley heeft een kort lontje.")
    consultations.save_signal(
        uow(), admin, header.id, replace(signal, observation="Afwezig en teruggetrokken.")
    )
    qtbot.mouseClick(form2.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    dialog = conflict_dialog(qtbot)
    assert texts(dialog, "conflictTheirs") == ["Afwezig en teruggetrokken."]
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # keep a copy
    qtbot.waitUntil(no_conflict_dialog)
    assert form2.observation_edit.toPlainText() == "Afwezig en teruggetrokken."
    copy = form2.findChild(QLabel, "observationCopyText")
    assert copy is not None and copy.text() == "Wesley heeft een kort lontje."
    form2.discard()

    step_id = case_world.add_step(
        header.id, "Gesprek met de IB'er", clock.today() + timedelta(days=7)
    )
    step = consultations.get_action(uow(), case_world.worker, step_id)
    form3 = StepDialog(case_ctx, choices, header.id, step)
    show(qtbot, form3)
    type_into(qtbot, form3.what_edit, "Gesprek met moeder")
    consultations.update_action(
        uow(),
        admin,
        step_id,
        consultations.ActionInput(
            "Gesprek met de school", step.due_on, step.owner_org_id, step.owner_contact_id
        ),
        step.version,
    )
    qtbot.mouseClick(form3.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    dialog = conflict_dialog(qtbot)
    assert texts(dialog, "conflictTheirs") == ["Gesprek met de school"]
    click(qtbot, dialog, "conflictOverwriteButton")
    qtbot.waitUntil(lambda: closed(form3), timeout=10_000)
    assert consultations.get_action(uow(), case_world.worker, step_id).what == "Gesprek met moeder"


# ---------------------------------------------------------------- minutes


@pytest.fixture
def minutes_ctx(case_world: CaseWorld, qapp: object) -> Iterator[AppContext]:
    """The coordinator who takes the minutes (Tessa Tester) acting."""
    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    yield context
    wait_idle()


@pytest.fixture
def other_coordinator(make_user: MakeUser) -> Actor:
    """A second coordinator, typing the minutes on another workstation."""
    return make_user("carla", "Carla Coördinator", roles=("coordinator",))


@pytest.fixture
def panel(minutes_ctx: AppContext, qtbot: QtBot) -> Iterator[MinutesPanel]:
    view = MinutesPanel(minutes_ctx)
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    yield view
    for dialog in (view.conflict_dialog, view.copy_dialog):
        if dialog is not None and isValid(dialog):
            dialog.close()
    wait_idle()


def _meeting_today(world: CaseWorld) -> meetings.MeetingData:
    return meetings.save_meeting(
        world.db.uow(),
        world.admin,
        MeetingInput(
            kind="network",
            held_on=clock.today(),
            starts_at=dtime(9, 30),
            ends_at=dtime(11, 0),
        ),
    )


def _settle(qtbot: QtBot, view: MinutesPanel) -> None:
    qtbot.waitUntil(lambda: not view.busy(), timeout=10_000)
    wait_idle()
    QApplication.processEvents()


def _type_minutes(
    qtbot: QtBot, view: MinutesPanel, data: meetings.MeetingData, n: int, text: str
) -> None:
    view.show_meeting(data)
    qtbot.waitUntil(lambda: view.step_owner.count() > 1, timeout=10_000)
    view.show_item(data.items[n].id)
    qtbot.waitUntil(
        lambda: view.current_item() is not None and view.current_item().id == data.items[n].id
    )  # type: ignore[union-attr]
    view.editor.setFocus()
    qtbot.keyClicks(view.editor, text)


def _minutes_of(world: CaseWorld, meeting_id: int) -> list[str]:
    return [i.minutes for i in meetings.get_meeting(world.db.uow(), world.admin, meeting_id).items]


def test_minutes_on_different_items_never_conflict(
    qtbot: QtBot, panel: MinutesPanel, case_world: CaseWorld, other_coordinator: Actor
) -> None:
    data = _meeting_today(case_world)
    _type_minutes(qtbot, panel, data, 0, "Welkom door de voorzitter.")
    # meanwhile, on the other workstation, the minutes of the next item
    second = data.items[1]
    minutes.save_minutes(
        case_world.db.uow(),
        other_coordinator,
        second.id,
        "Verslag goedgekeurd.",
        second.version,
        "",
    )
    qtbot.keyClick(panel.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    panel.save_all()
    _settle(qtbot, panel)
    assert no_conflict_dialog()
    assert _minutes_of(case_world, data.id)[:2] == [
        "Welkom door de voorzitter.",
        "Verslag goedgekeurd.",
    ]
    assert not panel.message.message()


@pytest.mark.parametrize("choice", ["reload", "overwrite", "copy", "escape"])
def test_minutes_of_the_same_item_ask_and_each_choice_keeps_what_it_says(
    qtbot: QtBot,
    panel: MinutesPanel,
    case_world: CaseWorld,
    other_coordinator: Actor,
    choice: str,
) -> None:
    data = _meeting_today(case_world)
    item = data.items[0]
    _type_minutes(qtbot, panel, data, 0, "Mijn verslag van de opening.")
    minutes.save_minutes(
        case_world.db.uow(),
        other_coordinator,
        item.id,
        "Haar verslag van de opening.",
        item.version,
        "",
    )
    panel.save_all()
    dialog = conflict_dialog(qtbot)
    assert dialog.headline.text().startswith("Carla Coördinator")
    assert any(t in dialog.headline.text() for t in _now_hhmm())
    assert texts(dialog, "conflictTheirs") == ["Haar verslag van de opening."]
    assert texts(dialog, "conflictMine") == ["Mijn verslag van de opening."]
    # never merged: theirs is what is saved while the dialog asks
    assert _minutes_of(case_world, data.id)[0] == "Haar verslag van de opening."

    if choice == "escape":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    else:
        click(
            qtbot,
            dialog,
            {
                "reload": "conflictReloadButton",
                "overwrite": "conflictOverwriteButton",
                "copy": "conflictCopyButton",
            }[choice],
        )
    qtbot.waitUntil(no_conflict_dialog)
    _settle(qtbot, panel)
    saved = _minutes_of(case_world, data.id)[0]
    drafts = [d.text for d in minutes.pending_drafts(case_world.db.uow(), case_world.admin)]
    shown = panel.editor.toPlainText().strip()
    if choice == "reload":
        assert (saved, shown, drafts) == (
            "Haar verslag van de opening.",
            "Haar verslag van de opening.",
            [],
        )
        assert not panel.has_unsaved_changes()
    elif choice == "overwrite":
        assert (saved, shown, drafts) == (
            "Mijn verslag van de opening.",
            "Mijn verslag van de opening.",
            [],
        )
    elif choice == "copy":
        assert saved == "Haar verslag van de opening."
        assert shown == "Haar verslag van de opening."
        assert drafts == ["Mijn verslag van de opening."]  # kept as my draft of the item
        qtbot.waitUntil(lambda: panel.copy_dialog is not None and panel.copy_dialog.isVisible())
        copy = panel.copy_dialog
        assert copy is not None
        recovered = [
            w.toMarkdown().strip()
            for w in copy.findChildren(QTextEdit)
            if w.objectName().endswith("Text")
        ]
        assert recovered == ["Mijn verslag van de opening."]
    else:
        assert saved == "Haar verslag van de opening."
        assert shown == "Mijn verslag van de opening."  # as I left it
        assert drafts == ["Mijn verslag van de opening."]
        assert "Carla Coördinator" in panel.message.message()


# ---------------------------------------------------------------- users and agenda items


def test_user_editor_shows_the_conflict(
    qtbot: QtBot, case_world: CaseWorld, make_user: MakeUser, minutes_ctx: AppContext
) -> None:
    other_admin = make_user("bea", "Bea Beheer", roles=("administrator",))
    row = next(r for r in users.list_users(case_world.db.uow()) if r.username == "wendy")
    dialog = UserEditorDialog(minutes_ctx, row)
    show(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    type_into(qtbot, dialog.form.display_name_edit, "Wendy Wolters-Smit")
    target = users.get_user(case_world.db.uow(), other_admin, row.id)
    users.save_user(case_world.db.uow(), other_admin, replace(target, display_name="W. Wolters"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    conflict = conflict_dialog(qtbot)
    assert conflict.headline.text().startswith("Bea Beheer")
    assert (texts(conflict, "conflictTheirs"), texts(conflict, "conflictMine")) == (
        ["W. Wolters"],
        ["Wendy Wolters-Smit"],
    )
    click(qtbot, conflict, "conflictOverwriteButton")
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10_000)
    assert users.get_user(case_world.db.uow(), other_admin, row.id).display_name == (
        "Wendy Wolters-Smit"
    )


def test_agenda_item_dialog_shows_the_conflict(
    qtbot: QtBot, case_world: CaseWorld, minutes_ctx: AppContext, other_coordinator: Actor
) -> None:
    from pact.ui.dialogs.agenda_item import load_agenda_choices

    data = _meeting_today(case_world)
    item = data.items[0]
    dialog = AgendaItemDialog(
        minutes_ctx, data, load_agenda_choices(minutes_ctx.uow, case_world.admin), item
    )
    show(qtbot, dialog)
    type_into(qtbot, dialog.description_edit, "Mijn toelichting")
    meetings.save_item(
        case_world.db.uow(),
        other_coordinator,
        data.id,
        meetings.ItemInput(
            kind=item.kind,
            title=item.real_title,
            planned_minutes=item.planned_minutes,
            description="Haar toelichting",
            id=item.id,
            version=item.version,
        ),
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    conflict = conflict_dialog(qtbot)
    assert conflict.headline.text().startswith("Carla Coördinator")
    assert texts(conflict, "conflictTheirs") == ["Haar toelichting"]
    click(qtbot, conflict, "conflictCopyButton")
    assert dialog.description_edit.toPlainText() == "Haar toelichting"
    copy = dialog.findChild(QLabel, "descriptionCopyText")
    assert copy is not None and copy.text() == "Mijn toelichting"
    dialog.discard()


def test_meeting_plan_dialog_shows_the_conflict(
    qtbot: QtBot, case_world: CaseWorld, minutes_ctx: AppContext, other_coordinator: Actor
) -> None:
    from pact.ui.dialogs.meeting_plan import MeetingPlanDialog

    data = _meeting_today(case_world)
    dialog = MeetingPlanDialog(minutes_ctx, data.as_input())
    show(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
    type_into(qtbot, dialog.location_edit, "Stadhuis, zaal 2")
    meetings.save_meeting(
        case_world.db.uow(),
        other_coordinator,
        replace(data.as_input(), location="Bibliotheek", ends_at=dtime(11, 30)),
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    conflict = conflict_dialog(qtbot)
    assert conflict.headline.text().startswith("Carla Coördinator")
    # every field where their version differs from what the form holds
    assert texts(conflict, "conflictTheirs") == ["11:30", "Bibliotheek"]
    assert texts(conflict, "conflictMine") == ["11:00", "Stadhuis, zaal 2"]
    click(qtbot, conflict, "conflictOverwriteButton")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    saved = meetings.get_meeting(case_world.db.uow(), case_world.admin, data.id)
    assert (saved.location, saved.ends_at) == ("Stadhuis, zaal 2", dtime(11, 0))


def test_meeting_series_dialog_shows_the_conflict(
    qtbot: QtBot, case_world: CaseWorld, minutes_ctx: AppContext, other_coordinator: Actor
) -> None:
    from pact.ui.dialogs.meeting_series import SeriesDialog

    series = meetings.save_series(
        case_world.db.uow(),
        case_world.admin,
        meetings.SeriesInput(
            name="Netwerkoverleg Hengelo",
            interval_weeks=6,
            starts_at=dtime(9, 30),
            ends_at=dtime(11, 30),
            template=meetings.default_template(),
        ),
    )
    dialog = SeriesDialog(minutes_ctx, series_id=series.id)
    show(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.ready and dialog.current is not None, timeout=10_000)
    type_into(qtbot, dialog.location_edit, "Stadhuis, zaal 2")
    meetings.save_series(
        case_world.db.uow(),
        other_coordinator,
        replace(
            meetings.SeriesInput(
                **{k: getattr(series, k) for k in meetings.SeriesInput.__dataclass_fields__}
            ),
            location="Bibliotheek",
        ),
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    conflict = conflict_dialog(qtbot)
    assert conflict.headline.text().startswith("Carla Coördinator")
    assert texts(conflict, "conflictTheirs") == ["Bibliotheek"]
    assert texts(conflict, "conflictMine") == ["Stadhuis, zaal 2"]
    click(qtbot, conflict, "conflictReloadButton")
    assert dialog.location_edit.text() == "Bibliotheek"
    # saved again over their version: nothing of theirs is lost, no second conflict
    type_into(qtbot, dialog.video_edit, "https://meet.example.nl/hengelo")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(
        lambda: (
            meetings.get_series(case_world.db.uow(), case_world.admin, series.id).video_link
            == "https://meet.example.nl/hengelo"
        ),
        timeout=10_000,
    )
    saved = meetings.get_series(case_world.db.uow(), case_world.admin, series.id)
    assert saved.location == "Bibliotheek"
    assert no_conflict_dialog()
