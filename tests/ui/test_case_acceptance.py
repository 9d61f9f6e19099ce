"""The acceptance test of step 2, through the GUI only: register a case, add a
child (and a parent), record a signal and a consent, log a consultation with a next
step owned by the acting worker; the step then shows on the dashboard under "my
open next steps", by case code, without the child's name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from pact.i18n import _
from pact.services import cases, clock, consultations
from pact.ui.context import AppContext
from pact.ui.ops import wait_idle
from pact.ui.views.dashboard import DashboardView

from .case_fixtures import *  # noqa: F403
from .case_fixtures import (
    BuildCasesView,
    CaseWorld,
    choose,
    closed,
    save_dialog,
    tick,
    wait_dialog,
    wait_file,
)


def find(parent: QWidget, kind: type, name: str):
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def press(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = find(parent, QWidget, name)
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_case_from_registration_to_the_dashboard(
    qtbot: QtBot,
    case_world: CaseWorld,
    case_ctx: AppContext,
    cases_view: BuildCasesView,
) -> None:
    view = cases_view()
    year = clock.today().year - 10

    # register the case (Ctrl+N in the main window calls new_case)
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    alias = find(dialog, QLineEdit, "aliasEdit")
    qtbot.waitUntil(alias.hasFocus)
    qtbot.keyClicks(alias, "Fam. T.")
    choose(find(dialog, QComboBox, "municipalityCombo"), "Hengelo")
    qtbot.keyClick(alias, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: view.showing_case() is not None, timeout=10_000)
    wait_file(qtbot, view)
    file = view.case_file
    code = file.code_label.text()
    case_id = view.showing_case()
    assert case_id is not None

    # a child and a parent with parental authority
    press(qtbot, file, "addChildButton")
    dialog = wait_dialog(qtbot, view, "childDialog")
    qtbot.waitUntil(find(dialog, QLineEdit, "childNameEdit").hasFocus)
    qtbot.keyClicks(find(dialog, QLineEdit, "childNameEdit"), "Wesley")
    qtbot.keyClick(find(dialog, QLineEdit, "childNameEdit"), Qt.Key.Key_Tab)
    qtbot.keyClicks(find(dialog, QLineEdit, "birthYearEdit"), str(year))
    choose(find(dialog, QComboBox, "schoolCombo"), case_world.org_name("school"))
    qtbot.keyClick(find(dialog, QLineEdit, "birthYearEdit"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    wait_file(qtbot, view)
    press(qtbot, file, "addCarerButton")
    dialog = wait_dialog(qtbot, view, "carerDialog")
    qtbot.keyClicks(find(dialog, QLineEdit, "carerAliasEdit"), "M.")
    choose(find(dialog, QComboBox, "relationCombo"), _("Mother"))
    assert find(dialog, QCheckBox, "parentalAuthorityCheck").isChecked()  # a mother's is
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)

    # a signal
    file.show_tab("signals")
    press(qtbot, file, "addSignalButton")
    dialog = wait_dialog(qtbot, view, "signalDialog")
    choose(find(dialog, QComboBox, "signalChildCombo"), "Wesley")
    choose(find(dialog, QComboBox, "domainCombo"), _("Child & school"))
    qtbot.keyClicks(
        find(dialog, QPlainTextEdit, "observationEdit"), "Absent more often, short fuse in class"
    )
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.signals_tab.table.row_count() == 1

    # consent of the mother, for the school
    file.show_tab("consent")
    press(qtbot, file, "recordConsentButton")
    dialog = wait_dialog(qtbot, view, "consentDialog")
    choose(find(dialog, QComboBox, "methodCombo"), _("Signed form"))
    tick(qtbot, find(dialog, QWidget, "giversList"), "M.")
    tick(qtbot, find(dialog, QWidget, "infoKindsList"), _("School and learning"))
    tick(qtbot, find(dialog, QWidget, "consentPartners"), case_world.org_name("school"))
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.consent_tab.table.row_count() == 1

    # a consultation with the school, and the next step agreed in it
    file.show_tab("consultations")
    press(qtbot, file, "addConsultationButton")
    dialog = wait_dialog(qtbot, view, "consultationDialog")
    tick(qtbot, find(dialog, QWidget, "consultedPartners"), case_world.org_name("school"))
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "questionEdit"), "How can school help him?")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "adviceEdit"), "Short talks with the IB'er")
    press(qtbot, dialog, "addStepButton")
    qtbot.keyClicks(find(dialog, QLineEdit, "step0What"), "Plan short talks at school")
    choose(find(dialog, QComboBox, "step0Owner"), "Wendy Wolters")  # the acting worker
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    steps = consultations.case_actions(case_world.db.uow(), case_world.worker, case_id)
    assert [(s.what, s.owner_contact_id) for s in steps] == [
        ("Plan short talks at school", case_world.contacts["Wendy Wolters"])
    ]
    saved = cases.get_case(case_world.db.uow(), case_world.worker, case_id)
    assert [c.name for c in saved.children] == ["Wesley"]
    assert saved.header.status == "active"  # the consultation started the support

    # the dashboard: my open next steps
    dashboard = DashboardView(case_ctx)
    qtbot.addWidget(dashboard)
    dashboard.resize(1100, 700)
    dashboard.show()
    wait_idle()
    panel = dashboard.findChild(QWidget, "dashboardMySteps")
    assert panel is dashboard.my_steps
    qtbot.waitUntil(lambda: bool(dashboard.my_steps.row_texts()), timeout=10_000)
    rows = dashboard.my_steps.row_texts()
    assert len(rows) == 1
    assert code in rows[0] and "Plan short talks at school" in rows[0]
    for panel_ in dashboard.panels():
        assert not any("Wesley" in text for text in panel_.row_texts())
