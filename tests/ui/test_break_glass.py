"""Break-glass in the case file: a coordinator opens a case outside their own cases
only by giving a reason, which the audit log keeps; Cancel opens nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.i18n import _
from pact.services import audit
from pact.services.access import KeyMode
from pact.services.cases import CaseHeader
from pact.services.scope import MIN_REASON
from pact.ui.context import AppContext
from pact.ui.dialogs.break_glass import BreakGlassDialog
from pact.ui.ops import wait_idle
from pact.ui.views.cases import CasesView

from .case_fixtures import *  # noqa: F403
from .case_fixtures import BuildCasesView, CaseWorld, wait_file

WAIT = 10_000
REASON = "The case lead is ill and the school asks about the next step today."


def outside_case(world: CaseWorld) -> CaseHeader:
    """A case the welfare worker registered: outside the coordinator's own cases."""
    return world.make_case("Fam. Tukker", family_name="Tukker")


def coordinator_view(world: CaseWorld, cases_view: BuildCasesView) -> CasesView:
    """The cases view with the test user acting: a coordinator (and administrator)
    without an organisation of their own."""
    return cases_view(AppContext(world.db, KeyMode.KEYRING, world.admin))


def asked(qtbot: QtBot, view: CasesView) -> BreakGlassDialog:
    qtbot.waitUntil(
        lambda: (
            view.case_file.break_glass_dialog is not None
            and view.case_file.break_glass_dialog.isVisible()
        ),
        timeout=WAIT,
    )
    dialog = view.case_file.break_glass_dialog
    assert dialog is not None
    return dialog


def entries(world: CaseWorld, event: str, code: str) -> list[audit.AuditRow]:
    return audit.list_entries(
        world.db.uow(), world.admin, audit.AuditFilter(event=event, case_code=code)
    )


def click(qtbot: QtBot, dialog: BreakGlassDialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_cancel_leaves_the_case_closed(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = outside_case(case_world)
    view = coordinator_view(case_world, cases_view)
    view.show_case(case.id)
    dialog = asked(qtbot, view)
    assert dialog.message_label.text() == _(
        "Case {code} is outside your own cases: you did not register it, you are not its "
        "case lead and your organisation is not involved. Give a reason to open it; the "
        "reason is kept in the audit log."
    ).format(code=case.code)
    assert dialog.reason_edit.hasFocus()
    click(qtbot, dialog, "cancelButton")
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=WAIT)
    wait_idle()
    QApplication.processEvents()
    assert view.showing_case() is None
    assert view.case_file.case_id is None
    assert not view.busy.isVisible()
    assert entries(case_world, audit.BREAK_GLASS, case.code) == []
    assert entries(case_world, audit.READ, case.code) == []


def test_a_short_reason_is_refused_next_to_the_field(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = outside_case(case_world)
    view = coordinator_view(case_world, cases_view)
    view.show_case(case.id)
    dialog = asked(qtbot, view)
    qtbot.keyClicks(dialog.reason_edit, "curious")
    click(qtbot, dialog, "openButton")
    qtbot.waitUntil(lambda: bool(dialog.reason_error()), timeout=WAIT)
    assert dialog.reason_error() == _(
        "Say why you need to open this case (at least {n} characters)."
    ).format(n=MIN_REASON)
    assert dialog.isVisible() and view.showing_case() is None
    assert entries(case_world, audit.BREAK_GLASS, case.code) == []
    dialog.reject()


def test_a_good_reason_opens_the_case_file_and_is_logged(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = outside_case(case_world)
    view = coordinator_view(case_world, cases_view)
    view.show_case(case.id, tab="partners")
    dialog = asked(qtbot, view)
    qtbot.keyClicks(dialog.reason_edit, REASON)
    click(qtbot, dialog, "openButton")
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=WAIT)
    wait_file(qtbot, view)
    assert not isValid(dialog) or not dialog.isVisible()
    file = view.case_file
    assert file.code_label.text() == case.code and file.isVisible()
    assert file.current_tab() == "partners"  # where it was asked to open
    [glass] = entries(case_world, audit.BREAK_GLASS, case.code)
    assert glass.detail == REASON
    assert glass.outcome == audit.SUCCESS
    assert glass.user_id == case_world.admin.id
    assert len(entries(case_world, audit.READ, case.code)) == 1

    # a change in the open case reads it again: no second opening in the log
    view.ctx.changed.emit("cases")
    wait_file(qtbot, view)
    assert len(entries(case_world, audit.READ, case.code)) == 1

    # back to the list and open again: no second reason for eight hours
    view.show_list()
    view.show_case(case.id)
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=WAIT)
    wait_file(qtbot, view)
    assert file.break_glass_dialog is None
    assert len(entries(case_world, audit.BREAK_GLASS, case.code)) == 1
    assert len(entries(case_world, audit.READ, case.code)) == 2


def test_ctrl_enter_in_the_reason_opens(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = outside_case(case_world)
    view = coordinator_view(case_world, cases_view)
    view.show_case(case.id)
    dialog = asked(qtbot, view)
    qtbot.keyClicks(dialog.reason_edit, REASON)
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=WAIT)
    wait_file(qtbot, view)


def test_own_cases_open_without_asking(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. Eigen", actor=case_world.admin)
    view = coordinator_view(case_world, cases_view)
    view.show_case(case.id)
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=WAIT)
    assert view.case_file.break_glass_dialog is None
    assert entries(case_world, audit.BREAK_GLASS, case.code) == []
