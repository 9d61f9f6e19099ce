"""The next steps area: every next step the acting user may see, filtered by owner,
contact person, meeting, status, due dates, overdue and "mine"; marked done with a
date and a note (the message next to the field when the date is wrong), cancelled
and reopened; overdue rows stand out; a worker sees only steps of cases in their
scope; empty states say what to do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDateEdit, QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.i18n import _, format_date, ngettext
from pact.services import clock, consultations
from pact.services.access import KeyMode
from pact.services.consultations import ActionInput
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import qdate
from pact.ui.itemmodels.actions import OVERDUE_ROLE
from pact.ui.main_window import MainWindow
from pact.ui.ops import wait_idle
from pact.ui.views.next_steps import NextStepsView
from pact.ui.widgets.field import ERROR_COLOUR
from tests.ui.conftest import MakeUser

from .case_fixtures import *  # noqa: F403
from .case_fixtures import CaseWorld, choose, closed

WAIT = 10_000
_WHAT = 1


@pytest.fixture
def steps_view(
    case_ctx: AppContext, qtbot: QtBot, tmp_path: object
) -> Iterator[Callable[..., NextStepsView]]:
    """Build the view (after the test has put its data in place), shown and loaded."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path) + "/qsettings"
    )
    built: list[NextStepsView] = []

    def build(ctx: AppContext | None = None) -> NextStepsView:
        view = NextStepsView(ctx or case_ctx)
        qtbot.addWidget(view)
        view.resize(1300, 800)
        view.show()
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        wait_loaded(qtbot, view)
        qtbot.waitUntil(lambda: view.choices is not None, timeout=WAIT)
        built.append(view)
        return view

    yield build
    for view in built:
        if view.dialog is not None and isValid(view.dialog):
            view.dialog.discard()
        view.close()
    wait_idle()


def wait_loaded(qtbot: QtBot, view: NextStepsView) -> None:
    wait_idle()
    qtbot.waitUntil(lambda: view.model.has_loaded and not view.model.busy, timeout=WAIT)
    QApplication.processEvents()


def shown(view: NextStepsView) -> list[str]:
    """What the rows say has to be done, top to bottom (nothing when the table is
    not what is shown)."""
    if view.list_stack.currentWidget() is not view.table:
        return []
    model = view.table.model()
    return [model.index(r, _WHAT).data() for r in range(model.rowCount())]


def select(qtbot: QtBot, view: NextStepsView, what: str) -> int:
    """Make the row of ``what`` current, as a click would; its row number."""
    row = shown(view).index(what)
    view.table.setFocus()
    view.table.selectRow(row)
    QApplication.processEvents()
    return row


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


@dataclass
class Steps:
    first: int  # case ids
    second: int
    first_code: str
    second_code: str


@pytest.fixture
def steps(case_world: CaseWorld) -> Steps:
    """Two of Wendy's cases; the first has consent for the school. Open steps:
    "Plan a home visit" (Wendy, overdue by 2 days), "Call the school" (Wendy, in 3
    days), "Talk with the teacher" (Elia Brinkhuis of the school, in 5 days), "Send
    the leaflet" (second case, Wendy's organisation, in 10 days); one done step."""
    today = clock.today()
    first = case_world.make_case("Fam. A.")
    second = case_world.make_case("Fam. B.")
    case_world.add_family(first.id)
    case_world.give_consent(first.id, ["school"])
    case_world.add_step(first.id, "Plan a home visit", today - timedelta(days=2))
    case_world.add_step(first.id, "Call the school", today + timedelta(days=3))
    case_world.add_step(
        first.id, "Talk with the teacher", today + timedelta(days=5), "Elia Brinkhuis"
    )
    consultations.add_action(
        case_world.db.uow(),
        case_world.worker,
        second.id,
        ActionInput(
            "Send the leaflet", today + timedelta(days=10), owner_org_id=case_world.orgs["home"]
        ),
    )
    done = case_world.add_step(second.id, "Ask about the holidays", today + timedelta(days=1))
    consultations.set_action_status(
        case_world.db.uow(), case_world.worker, done, "done", today, "They go camping."
    )
    return Steps(first.id, second.id, first.code, second.code)


OPEN = ["Plan a home visit", "Call the school", "Talk with the teacher", "Send the leaflet"]


def test_filters_narrow_the_rows(qtbot: QtBot, steps: Steps, steps_view, case_world) -> None:
    view = steps_view()
    assert shown(view) == OPEN  # open ones, by due date
    assert view.count_label.text() == _("{steps}, {overdue}").format(
        steps=ngettext("{n} next step", "{n} next steps", 4).format(n=4),
        overdue=ngettext("{n} overdue", "{n} overdue", 1).format(n=1),
    )

    # the owner organisation (its contact persons' steps included) ...
    choose(view.org_filter, case_world.org_name("school"))
    wait_loaded(qtbot, view)
    assert shown(view) == ["Talk with the teacher"]
    # ... and the contact persons offered are that organisation's
    contacts = [view.contact_filter.itemText(i) for i in range(view.contact_filter.count())]
    assert contacts == [_("All contact persons"), "Elia Brinkhuis"]
    choose(view.org_filter, case_world.org_name("home"))
    wait_loaded(qtbot, view)
    assert shown(view) == ["Plan a home visit", "Call the school", "Send the leaflet"]
    choose(view.contact_filter, "Wendy Wolters")
    wait_loaded(qtbot, view)
    assert shown(view) == ["Plan a home visit", "Call the school"]
    click(qtbot, view.clear_button)
    wait_loaded(qtbot, view)
    assert shown(view) == OPEN

    # my next steps: Wendy's contact person's, and her organisation's without a person
    view.mine_check.setChecked(True)
    wait_loaded(qtbot, view)
    assert shown(view) == ["Plan a home visit", "Call the school", "Send the leaflet"]
    view.mine_check.setChecked(False)
    view.overdue_check.setChecked(True)
    wait_loaded(qtbot, view)
    assert shown(view) == ["Plan a home visit"]
    view.overdue_check.setChecked(False)

    # due from / until only count when ticked
    today = clock.today()
    view.from_edit.setDate(qdate(today))
    view.until_edit.setDate(qdate(today + timedelta(days=4)))
    wait_loaded(qtbot, view)
    assert shown(view) == OPEN
    assert not view.from_edit.isEnabled()
    view.from_check.setChecked(True)
    assert view.from_edit.isEnabled()
    wait_loaded(qtbot, view)
    assert shown(view) == OPEN[1:]
    view.until_check.setChecked(True)
    wait_loaded(qtbot, view)
    assert shown(view) == ["Call the school"]
    click(qtbot, view.clear_button)
    wait_loaded(qtbot, view)

    # the search: what has to be done, or the case code
    qtbot.keyClicks(view.search_edit, "TEACHER")
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: shown(view) == ["Talk with the teacher"], timeout=WAIT)
    view.search_edit.setText(steps.second_code)
    qtbot.waitUntil(lambda: shown(view) == ["Send the leaflet"], timeout=WAIT)
    view.search_edit.clear()

    # the status
    choose(view.status_filter, _("All statuses"))
    wait_loaded(qtbot, view)
    assert len(shown(view)) == 5
    view.status_filter.setCurrentIndex(view.status_filter.findData("done"))
    wait_loaded(qtbot, view)
    assert shown(view) == ["Ask about the holidays"]
    status = view.table.model().index(0, 5).data()
    assert status == _("Done on {date}").format(date=format_date(today, "d MMM"))


def test_mark_done_with_a_date_and_a_note(qtbot: QtBot, steps: Steps, steps_view) -> None:
    view = steps_view()
    choose(view.status_filter, _("All statuses"))
    wait_loaded(qtbot, view)
    select(qtbot, view, "Call the school")
    assert view.done_button.isEnabled() and not view.reopen_button.isEnabled()
    click(qtbot, view.done_button)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=WAIT)
    dialog = view.dialog
    assert dialog is not None and dialog.objectName() == "stepDoneDialog"
    done_on = dialog.findChild(QDateEdit, "doneOnEdit")
    note = dialog.findChild(QPlainTextEdit, "stepNoteEdit")
    assert done_on is not None and note is not None
    # the step was agreed today: it cannot have been done yesterday
    today = clock.today()
    done_on.setDate(qdate(today - timedelta(days=1)))
    qtbot.keyClicks(note, "Spoke with the teacher; all well.")
    click(qtbot, dialog.save_button)
    wait_idle()
    error = dialog.findChild(QLabel, "done_onError")
    assert error is not None
    qtbot.waitUntil(error.isVisible, timeout=WAIT)
    assert error.text() == _("It cannot be done before it was agreed.")
    assert dialog.isVisible()
    done_on.setDate(qdate(today))
    assert not error.isVisible()  # the message goes once the date is changed
    click(qtbot, dialog.save_button)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    wait_loaded(qtbot, view)
    row = shown(view).index("Call the school")
    model = view.table.model()
    assert model.index(row, 5).data() == _("Done on {date}").format(
        date=format_date(today, "d MMM")
    )
    assert "Spoke with the teacher; all well." in model.index(row, 5).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert view.message.text.text() == _("Next step done.")
    # the row stays current: its details and the buttons follow
    assert view.current_action() is not None and view.current_action().what == "Call the school"
    assert "Spoke with the teacher; all well." in view.detail.text()
    assert view.reopen_button.isEnabled() and not view.done_button.isEnabled()
    # among the open ones it is gone; reopened, it is back
    click(qtbot, view.reopen_button)
    qtbot.waitUntil(
        lambda: view.message.text.text() == _("The next step is open again."), timeout=WAIT
    )
    wait_loaded(qtbot, view)
    row = shown(view).index("Call the school")
    assert view.table.model().index(row, 5).data() == _("Open")
    view.status_filter.setCurrentIndex(view.status_filter.findData("open"))
    wait_loaded(qtbot, view)
    assert shown(view) == OPEN


def test_cancel_a_step(qtbot: QtBot, steps: Steps, steps_view) -> None:
    view = steps_view()
    select(qtbot, view, "Send the leaflet")
    click(qtbot, view.cancel_button)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=WAIT)
    dialog = view.dialog
    assert dialog is not None and dialog.objectName() == "stepCancelDialog"
    note = dialog.findChild(QPlainTextEdit, "stepNoteEdit")
    assert note is not None
    qtbot.keyClicks(note, "The family moved away.")
    click(qtbot, dialog.save_button)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    wait_loaded(qtbot, view)
    assert shown(view) == OPEN[:3]
    view.status_filter.setCurrentIndex(view.status_filter.findData("cancelled"))
    wait_loaded(qtbot, view)
    assert shown(view) == ["Send the leaflet"]


def test_overdue_rows_stand_out(qtbot: QtBot, steps: Steps, steps_view) -> None:
    view = steps_view()
    model = view.table.model()
    late, on_time = shown(view).index("Plan a home visit"), shown(view).index("Call the school")
    assert model.index(late, 0).data(OVERDUE_ROLE) is True
    for column in range(model.columnCount()):
        brush = model.index(late, column).data(Qt.ItemDataRole.ForegroundRole)
        assert brush is not None and brush.color() == QColor(ERROR_COLOUR)
    due = model.index(late, 0)
    assert due.data(Qt.ItemDataRole.FontRole).bold()
    assert due.data(Qt.ItemDataRole.DecorationRole) is not None  # the red dot
    assert due.data(Qt.ItemDataRole.ToolTipRole) == ngettext(
        "Overdue: it was due on {date}, {n} day ago.",
        "Overdue: it was due on {date}, {n} days ago.",
        2,
    ).format(date=format_date(clock.today() - timedelta(days=2)), n=2)
    assert model.index(late, 5).data() == ngettext(
        "Overdue by {n} day", "Overdue by {n} days", 2
    ).format(n=2)
    assert due.data(Qt.ItemDataRole.AccessibleTextRole) == _("{date}, overdue").format(
        date=due.data()
    )
    # a step not yet due looks ordinary
    assert model.index(on_time, 0).data(OVERDUE_ROLE) is False
    assert model.index(on_time, 1).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(on_time, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(on_time, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert "color: " + ERROR_COLOUR in view.count_label.styleSheet()


def test_a_worker_sees_only_steps_of_cases_in_scope(
    qtbot: QtBot, steps: Steps, steps_view, case_world: CaseWorld, make_user: MakeUser
) -> None:
    otto = make_user(
        "otto",
        "Otto Elders",
        organisation_id=case_world.orgs["other"],
        contact_id=case_world.contacts["Otto Elders"],
    )
    elsewhere = case_world.make_case("Fam. E.", municipality="Enschede", actor=otto)
    consultations.add_action(
        case_world.db.uow(),
        otto,
        elsewhere.id,
        ActionInput(
            "Secret step elsewhere",
            clock.today(),
            owner_contact_id=case_world.contacts["Otto Elders"],
        ),
    )
    view = steps_view()
    assert "Secret step elsewhere" not in shown(view)
    view.search_edit.setText(elsewhere.code)
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: view.list_stack.currentWidget() is view.no_matches, timeout=WAIT)
    assert view.no_matches.title.text() == _("No next steps match this filter")
    # the coordinator sees it
    admin_ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    admin_view = steps_view(admin_ctx)
    assert "Secret step elsewhere" in shown(admin_view)
    assert len(shown(admin_view)) == len(OPEN) + 1


def test_empty_states_say_what_to_do(qtbot: QtBot, case_world: CaseWorld, steps_view) -> None:
    view = steps_view()
    assert view.list_stack.currentWidget() is view.no_steps
    assert view.no_steps.title.text() == _("No next steps for you yet")
    assert view.no_steps.body.text() == _(
        "You see the next steps of the cases you registered, lead or in which "
        "your organisation is involved, and those of the meetings your "
        "organisation was invited to. Agree next steps in a consultation or "
        "add them in a case file's Next steps tab."
    )
    assert not view.done_button.isEnabled() and not view.open_button.isEnabled()
    assert view.count_label.text() == ngettext("{n} next step", "{n} next steps", 0).format(n=0)

    # a step, then done: hidden by the status filter, and the empty state says so
    case = case_world.make_case("Fam. C.")
    step = case_world.add_step(case.id, "Only step", clock.today())
    consultations.set_action_status(
        case_world.db.uow(), case_world.worker, step, "done", clock.today()
    )
    view.ctx.changed.emit("actions")
    wait_loaded(qtbot, view)
    assert view.list_stack.currentWidget() is view.no_matches
    assert view.no_matches.title.text() == ngettext(
        "{n} next step with another status matches",
        "{n} next steps with another status match",
        1,
    ).format(n=1)
    assert view.empty_clear_button.text() == _("Show all statuses")
    click(qtbot, view.empty_clear_button)
    wait_loaded(qtbot, view)
    assert shown(view) == ["Only step"]

    # "my next steps" with nothing of mine open
    view.status_filter.setCurrentIndex(view.status_filter.findData("open"))
    view.mine_check.setChecked(True)
    wait_loaded(qtbot, view)
    assert view.no_matches.title.text() == _("Nothing on your list")


def test_the_area_in_the_main_window_opens_a_case(
    qtbot: QtBot, steps: Steps, case_ctx: AppContext, tmp_path: object
) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path) + "/qsettings"
    )
    window = MainWindow(case_ctx)
    qtbot.addWidget(window)
    window.show()
    keys = [key for key, _label in window.areas]
    assert keys.index("next_steps") > keys.index("cases")
    assert window.area_titles()[keys.index("next_steps")] == _("Next steps")
    window.show_area("next_steps")
    assert window.current_area() == "next_steps"
    view = window.next_steps
    wait_loaded(qtbot, view)
    select(qtbot, view, "Send the leaflet")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_area() == "cases", timeout=WAIT)
    qtbot.waitUntil(lambda: window.cases.showing_case() == steps.second, timeout=WAIT)
    wait_idle()
    window._discard_changes = True
    window.close()
    wait_idle()


def test_the_controls_have_names_and_the_keyboard_reaches_them(
    qtbot: QtBot, steps: Steps, steps_view
) -> None:
    view = steps_view()
    for widget in view.findChildren(QWidget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(view):
            if widget.objectName().startswith("qt_"):
                continue  # the inside of a date edit or a combo box
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    # Tab from the search reaches the table, then the buttons
    view.search_edit.setFocus()
    seen: list[str] = []
    for _step in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName())
    for name in ("nextStepStatusFilter", "myNextStepsCheck", "dueFromCheck", "nextStepsTable"):
        assert name in seen
    select(qtbot, view, "Call the school")
    for _step in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget().objectName() == "markStepDoneButton":
            break
    assert QApplication.focusWidget().objectName() == "markStepDoneButton"
