"""The case file: its tabs and dialogs, the consent rule at the partner field, a
closed case read-only, the timeline's filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from pact.errors import AccessDeniedError
from pact.i18n import _, ngettext
from pact.services import cases, clock, consent, consultations, timeline, users
from pact.services.access import KeyMode
from pact.ui.context import AppContext
from pact.ui.views.case_file import CaseFileView
from pact.ui.widgets.case_badges import MELDCODE_TEXT

from .case_fixtures import *  # noqa: F403
from .case_fixtures import (
    BuildCasesView,
    CaseWorld,
    choose,
    closed,
    open_case,
    save_dialog,
    tick,
    wait_dialog,
    wait_file,
)


def find(parent: QWidget, kind: type, name: str):
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def error_text(dialog: QWidget, key: str) -> str:
    label = find(dialog, QLabel, key + "Error")
    return label.text() if label.isVisible() else ""


def click(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = find(parent, QWidget, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def edit_controls(file: CaseFileView) -> list[QWidget]:
    names = [
        "editDetailsButton",
        "changeLevelButton",
        "addChildButton",
        "addCarerButton",
        "involvePartnerButton",
        "addSignalButton",
        "addConsultationButton",
        "recordConsentButton",
        "addStepButton",
    ]
    return [find(file, QWidget, n) for n in names]


def test_an_uncovered_partner_is_refused_next_to_the_partner_field(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("partners")
    click(qtbot, file, "involvePartnerButton")
    dialog = wait_dialog(qtbot, view, "involvePartnerDialog")
    choose(find(dialog, QComboBox, "partnerCombo"), case_world.org_name("social"))
    choose(find(dialog, QComboBox, "roleCombo"), _("Support"))
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "involvementNoteEdit"), "Consulent jeugd")
    click(qtbot, dialog, "saveButton")
    qtbot.waitUntil(lambda: bool(error_text(dialog, "organisation_id")), timeout=10_000)
    message = error_text(dialog, "organisation_id")
    assert message.startswith(
        _("{organisation} is not covered by the consent for this case.").format(
            organisation=case_world.org_name("social")
        )
    )
    assert dialog.isVisible()
    # nothing was added
    saved = cases.get_case(case_world.db.uow(), case_world.worker, case.id)
    assert [p.organisation for p in saved.partners] == [case_world.org_name("home")]
    # the way to the consent tab
    action = find(dialog, QWidget, "dialogMessageAction")
    assert action.isVisible()
    assert action.text() == _("Go to the Consent tab")
    qtbot.mouseClick(action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog))
    assert file.current_tab() == "consent"


def test_a_covered_partner_is_involved(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_family(case.id)
    case_world.give_consent(case.id, ["school"])
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("partners")
    click(qtbot, file, "involvePartnerButton")
    dialog = wait_dialog(qtbot, view, "involvePartnerDialog")
    choose(find(dialog, QComboBox, "partnerCombo"), case_world.org_name("school"))
    choose(find(dialog, QComboBox, "roleCombo"), _("School"))
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    table = file.partners_tab.table
    partners = [table.text(r, 0) for r in range(table.row_count())]
    assert case_world.org_name("school") in partners
    row = partners.index(case_world.org_name("school"))
    assert table.text(row, 4) == _("Consent")
    assert file.message.message() == _("Partner involved.")


def test_a_closed_case_is_read_only_and_reopening_is_recorded(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    assert all(w.isEnabled() for w in edit_controls(file))

    click(qtbot, file, "closeCaseButton")
    dialog = wait_dialog(qtbot, view, "closeCaseDialog")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "closeReasonEdit"), "Het gaat weer goed")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.closed_bar.isVisible()
    assert "Het gaat weer goed" in file.closed_bar.message()
    assert not any(w.isEnabled() for w in edit_controls(file))
    assert not find(file, QWidget, "closeCaseButton").isVisible()
    # the service refuses a write to a closed case anyway; its message is shown
    uow, actor = view.ctx.uow, view.ctx.actor
    file.run_write(lambda: cases.activate_case(uow(), actor, case.id), "")
    wait_file(qtbot, view)
    assert file.message.message().endswith(
        _("Case {code} is closed and can only be read. Reopen it to change it.").format(
            code=case.code
        )
    )

    action = find(file.closed_bar, QWidget, "closedBarAction")
    qtbot.mouseClick(action, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, view, "reopenCaseDialog")
    save_dialog(qtbot, dialog, closes=False)  # a reason is required
    assert error_text(dialog, "reason") == _("This field is required.")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "reopenReasonEdit"), "Nieuwe ruzie")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert not file.closed_bar.isVisible()
    assert all(w.isEnabled() for w in edit_controls(file))
    events = cases.get_case(case_world.db.uow(), case_world.worker, case.id).events
    assert [e.event for e in events] == ["registered", "closed", "reopened"]
    assert events[-1].reason == "Nieuwe ruzie"


def test_timeline_filters_and_meldcode_entries(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.", level=4)
    case_world.add_family(case.id)
    consultations.save_signal(
        case_world.db.uow(),
        case_world.worker,
        case.id,
        consultations.SignalData(clock.today(), "Withdrawn in class", "child_school", 2),
    )
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    # a Meldcode justification through its dialog
    file.show_tab("consent")
    click(qtbot, file, "recordMeldcodeButton")
    dialog = wait_dialog(qtbot, view, "meldcodeDialog")
    qtbot.keyClicks(
        find(dialog, QPlainTextEdit, "justificationEdit"),
        "Father threatened mother; Veilig Thuis advised to inform the school.",
    )
    tick(qtbot, find(dialog, QWidget, "meldcodePartners"), case_world.org_name("school"))
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.meldcode_badge.isVisible()

    file.show_tab("timeline")
    tab = file.timeline_tab
    everything = timeline.timeline(case_world.db.uow(), case_world.worker, case.id)
    assert tab.table.row_count() == len(everything)
    meld_rows = [
        r for r in range(tab.table.row_count()) if _(MELDCODE_TEXT) in tab.table.text(r, 1)
    ]
    assert len(meld_rows) == 1
    # only the signals
    for kind, check in tab.checks.items():
        if kind != "signal" and check.isChecked():
            qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    wait_file(qtbot, view)
    qtbot.waitUntil(lambda: tab.table.row_count() == 1)
    assert "Withdrawn in class" in tab.table.text(0, 2)
    # nothing ticked: nothing shown, and why
    qtbot.mouseClick(find(tab, QCheckBox, "timelineKind_signal"), Qt.MouseButton.LeftButton)
    wait_file(qtbot, view)
    qtbot.waitUntil(lambda: tab.table.row_count() == 0)
    assert tab.count.text() == _("Tick at least one kind of event to see the timeline.")


def test_meldcode_only_at_level_4(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.", level=3)
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    button = find(file, QWidget, "recordMeldcodeButton")
    assert not button.isEnabled()
    assert button.toolTip()
    # change the level (with a reason); the history shows it
    click(qtbot, file, "changeLevelButton")
    dialog = wait_dialog(qtbot, view, "changeLevelDialog")
    find(dialog, QWidget, "levelChooser4").setChecked(True)
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "levelReasonEdit"), "Threats at home")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert button.isEnabled()
    assert "4" in file.level_badge.text()
    levels = cases.get_case(case_world.db.uow(), case_world.worker, case.id).levels
    assert [(x.previous_level, x.level, x.reason) for x in levels] == [
        (None, 3, ""),
        (3, 4, "Threats at home"),
    ]


def test_family_child_and_consent_through_dialogs(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    year = clock.today().year - 10

    click(qtbot, file, "addChildButton")
    dialog = wait_dialog(qtbot, view, "childDialog")
    qtbot.keyClicks(find(dialog, QLineEdit, "childNameEdit"), "W.")
    qtbot.keyClicks(find(dialog, QLineEdit, "birthYearEdit"), str(year))
    assert find(dialog, QLabel, "agesLabel").text() == _("{young} or {old} years old now").format(
        young=9, old=10
    )
    choose(find(dialog, QComboBox, "schoolCombo"), case_world.org_name("school"))
    qtbot.keyClick(find(dialog, QLineEdit, "childNameEdit"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    wait_file(qtbot, view)
    assert file.family_tab.children_table.row_texts(0)[:4] == [
        "W.",
        str(year),
        _("{young} or {old}").format(young=9, old=10),
        case_world.org_name("school"),
    ]

    click(qtbot, file, "addCarerButton")
    dialog = wait_dialog(qtbot, view, "carerDialog")
    qtbot.keyClicks(find(dialog, QLineEdit, "carerAliasEdit"), "M.")
    choose(find(dialog, QComboBox, "relationCombo"), _("Mother"))
    assert find(dialog, QCheckBox, "parentalAuthorityCheck").isChecked()  # a mother's is
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.family_tab.carers_table.row_texts(0)[:3] == ["M.", _("Mother"), _("Yes")]
    assert file.consent_badge.text() == _("No consent recorded")

    file.show_tab("consent")
    assert "W." in file.consent_tab.required.text()
    click(qtbot, file, "recordConsentButton")
    dialog = wait_dialog(qtbot, view, "consentDialog")
    save_dialog(qtbot, dialog, closes=False)  # nothing ticked: every message at its field
    assert error_text(dialog, "method") == _("Choose how the consent was recorded.")
    assert error_text(dialog, "givers") == _("Tick who gave the consent.")
    assert error_text(dialog, "info_kinds") == _(
        "Tick the kinds of information the consent covers."
    )
    choose(find(dialog, QComboBox, "methodCombo"), _("Signed form"))
    tick(qtbot, find(dialog, QWidget, "giversList"), "M.")
    tick(qtbot, find(dialog, QWidget, "infoKindsList"), _("Family situation"))
    tick(qtbot, find(dialog, QWidget, "consentPartners"), case_world.org_name("school"))
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.consent_tab.table.row_count() == 1
    record = file.consent_tab.table.row_texts(0)
    assert record[1].startswith("M.")
    assert case_world.org_name("school") in record[2]
    assert file.consent_badge.kind == "ok"


def test_a_consultation_with_its_next_steps(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("consultations")
    click(qtbot, file, "addConsultationButton")
    dialog = wait_dialog(qtbot, view, "consultationDialog")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "questionEdit"), "How do we help the boy?")
    click(qtbot, dialog, "addStepButton")
    click(qtbot, dialog, "addStepButton")
    # the first step left empty: its messages show next to its own fields
    qtbot.keyClicks(find(dialog, QLineEdit, "step1What"), "Talk with the parents")
    choose(find(dialog, QComboBox, "step1Owner"), "Wendy Wolters")
    save_dialog(qtbot, dialog, closes=False)
    assert error_text(dialog, "step0what") == _("This field is required.")
    assert error_text(dialog, "step0owner") == _(
        "Choose who does it: a contact person or an organisation."
    )
    assert error_text(dialog, "step1what") == ""
    # remove it: the second step moves up, with what was typed
    click(qtbot, dialog, "step0Remove")
    assert find(dialog, QLineEdit, "step0What").text() == "Talk with the parents"
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.consultations_tab.table.row_count() == 1
    assert "Talk with the parents" in file.consultations_tab.detail.toPlainText()
    assert "How do we help the boy?" in file.consultations_tab.detail.toPlainText()
    file.show_tab("steps")
    assert file.steps_tab.table.row_texts(0)[0] == "Talk with the parents"


def test_a_next_step_is_marked_done_and_reopened(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    step = case_world.add_step(case.id, "Call the school", clock.today() - timedelta(days=2))
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("steps")
    table = file.steps_tab.table
    assert table.text(0, 3) == ngettext("Overdue by {n} day", "Overdue by {n} days", 2).format(n=2)
    assert table.hasFocus()  # going to a tab puts the keyboard in its list, on the first row
    click(qtbot, file, "doneStepButton")
    dialog = wait_dialog(qtbot, view, "stepDoneDialog")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "stepNoteEdit"), "Spoken with the teacher")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    done = consultations.case_actions(case_world.db.uow(), case_world.worker, case.id)
    assert [(a.id, a.status, a.note) for a in done] == [(step, "done", "Spoken with the teacher")]
    assert table.text(0, 3).startswith(_("Done on {date}").format(date="")[:4])
    click(qtbot, file, "reopenStepButton")
    wait_file(qtbot, view)
    again = consultations.case_actions(case_world.db.uow(), case_world.worker, case.id)
    assert again[0].status == "open"


def test_a_case_the_user_may_not_see_gives_a_message(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    hidden = case_world.make_case("Fam. X.", actor=case_world.admin)  # not the worker's
    view = cases_view()
    view.show_case(hidden.id)
    qtbot.waitUntil(lambda: bool(view.message.message()), timeout=10_000)
    assert view.showing_case() is None
    refusal = _(
        "You have no access to case {code}: you did not register it, you are not its case "
        "lead and your organisation is not involved in it."
    )
    assert view.message.message().startswith(refusal.format(code=hidden.code)[:20])
    view.show_case(99_999)
    qtbot.waitUntil(lambda: view.message.message() == _("This case no longer exists."))
    assert view.showing_case() is None


def test_ctrl_tab_moves_through_the_tabs(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    assert file.current_tab() == "family"
    focus = file.family_tab.children_table
    focus.setFocus()
    qtbot.keyClick(focus, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert file.current_tab() == "partners"
    qtbot.keyClick(file.tabs.tabBar(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert file.current_tab() == "signals"
    qtbot.keyClick(file.tabs.tabBar(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert file.current_tab() == "partners"


def test_a_coordinator_sees_and_edits_any_case(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    view = cases_view(ctx)
    # outside the coordinator's own cases: opened with a reason (break-glass)
    view.show_case(case.id)
    qtbot.waitUntil(lambda: view.case_file.break_glass_dialog is not None, timeout=10_000)
    glass = view.case_file.break_glass_dialog
    assert glass is not None
    qtbot.keyClicks(glass.reason_edit, "Covering for the case lead this week.")
    click(qtbot, glass, "openButton")
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=10_000)
    wait_file(qtbot, view)
    assert view.case_file.code_label.text() == case.code
    click(qtbot, view.case_file, "startSupportButton")
    wait_file(qtbot, view)
    assert view.case_file.status_badge.text() == _("Active")


def _inside_qt_part(w: QWidget) -> bool:
    """Part of a widget Qt builds itself (a combo's popup, a line edit's clear button,
    a table's corner button)."""
    from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QTabBar

    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QTabBar | QAbstractItemView):
            return True
        if isinstance(parent, QLineEdit) or type(parent).__name__.startswith("QComboBox"):
            return True
        if parent.objectName().startswith("qt_") or parent.inherits("QComboBoxPrivateContainer"):
            return True
        parent = parent.parentWidget()
    return False


def mnemonics(root: QWidget) -> list[str]:
    """The Alt+letter keys of the buttons, captions and tabs shown under ``root``."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QTabBar

    texts: list[str] = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or _inside_qt_part(w):
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            texts.append(w.text())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
    keys = []
    for text in texts:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        if found:
            keys.append(found.group(1).lower())
    return keys


def unnamed(root: QWidget) -> list[str]:
    """Interactive widgets under ``root`` without an object name or accessible name
    (Qt's own parts of a combo box, spin box, scroll area or tab bar left out)."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QHeaderView,
        QTextEdit,
    )

    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)
    kinds += (QPlainTextEdit, QTextEdit)
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, kinds) or w.objectName().startswith("qt_"):
            continue
        if isinstance(w, QHeaderView) or _inside_qt_part(w):
            continue
        if not w.objectName() or not w.accessibleName():
            out.append(f"{type(w).__name__} {w.objectName()!r} {w.accessibleName()!r}")
    return out


def test_every_control_has_a_name_for_tests_and_screen_readers(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.", level=4)
    case_world.add_family(case.id)
    case_world.give_consent(case.id, ["school"])
    step = case_world.add_step(case.id, "Call the school", clock.today())
    view = cases_view()
    assert unnamed(view) == [], unnamed(view)
    open_case(qtbot, view, case.id)
    file = view.case_file
    assert unnamed(file) == [], unnamed(file)
    keys = mnemonics(file)
    assert len(keys) == len(set(keys)), keys
    # the main window's menus (File, Edit, Help) keep their letters, in the language shown
    menus = {_(text).split("&")[1][0].lower() for text in ("&File", "&Edit", "&Help")}
    assert not menus & set(keys), (menus, keys)
    openers = {
        "caseDetailsDialog": file.edit_details,
        "changeLevelDialog": file.change_level,
        "closeCaseDialog": file.close_case,
        "childDialog": lambda: file.family_tab._child(None),
        "carerDialog": lambda: file.family_tab._carer(None),
        "involvePartnerDialog": file.partners_tab._involve,
        "signalDialog": lambda: file.signals_tab._open(None),
        "consultationDialog": lambda: file.consultations_tab._open(None),
        "consentDialog": file.consent_tab._record,
        "meldcodeDialog": file.consent_tab._meldcode,
        "stepDialog": lambda: file.steps_tab._edit(step),
    }
    for name, opener in openers.items():
        opener()
        dialog = wait_dialog(qtbot, view, name)
        if name == "consultationDialog":
            click(qtbot, dialog, "addStepButton")
        assert unnamed(dialog) == [], (name, unnamed(dialog))
        keys = mnemonics(dialog)
        assert len(keys) == len(set(keys)), (name, keys)  # each Alt+letter does one thing
        dialog.discard()
        qtbot.waitUntil(lambda d=dialog: closed(d))
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    assert unnamed(dialog) == []
    dialog.reject()


def test_tab_reaches_new_next_steps_in_their_place(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    view.case_file.consultations_tab._open(None)
    dialog = wait_dialog(qtbot, view, "consultationDialog")
    click(qtbot, dialog, "addStepButton")
    click(qtbot, dialog, "addStepButton")
    qtbot.waitUntil(lambda: find(dialog, QLineEdit, "step1What").isVisible())
    names = [w.objectName() for w in dialog.tab_chain()]
    order = [
        "adviceEdit",
        "step0What",
        "step0Owner",
        "step0Due",
        "step0Remove",
        "step1What",
        "step1Remove",
        "addStepButton",
        "saveButton",
        "cancelButton",
    ]
    assert [n for n in names if n in order] == order
    dialog.discard()


def test_consent_and_meldcode_records_are_read_on_need_to_know(case_world: CaseWorld) -> None:
    """The two read functions the consent tab uses: what they return, and refused to
    a user who has no access to the case."""
    case = case_world.make_case("Fam. T.", level=4)
    case_world.add_family(case.id)
    record_id = case_world.give_consent(case.id, ["school", "social"])
    consent.record_meldcode(
        case_world.db.uow(),
        case_world.worker,
        case.id,
        consent.MeldcodeInput(
            clock.today(), "Veilig Thuis advised informing the GP now.", (case_world.orgs["other"],)
        ),
    )
    records = consent.list_consents(case_world.db.uow(), case_world.worker, case.id)
    assert [r.id for r in records] == [record_id]
    record = records[0]
    assert [g.name for g in record.givers][:2] == [
        _("{alias} ({relation})").format(alias="M.", relation=_("Mother").lower()),
        _("{alias} ({relation})").format(alias="V.", relation=_("Father").lower()),
    ]
    assert set(record.partners) == {case_world.org_name("school"), case_world.org_name("social")}
    assert record.info_kinds == ("family", "school")
    assert record.state == "in_force"
    meld = consent.list_meldcode(case_world.db.uow(), case_world.worker, case.id)
    assert [(m.partners, m.applies) for m in meld] == [((case_world.org_name("other"),), True)]

    saved = users.save_user(
        case_world.db.uow(),
        case_world.admin,
        users.UserData(
            username="otto",
            display_name="Otto Elders",
            organisation_id=case_world.orgs["other"],
            roles=("worker",),
        ),
    )
    outsider = users.get_actor(case_world.db.uow(), saved.id or 0)
    # (the Meldcode partner is not involved: the outsider's organisation sees nothing)
    with pytest.raises(AccessDeniedError):
        consent.list_consents(case_world.db.uow(), outsider, case.id)
    with pytest.raises(AccessDeniedError):
        consent.list_meldcode(case_world.db.uow(), outsider, case.id)


# ---------------------------------------------------------------- review fixes


def owner_texts(box: QComboBox) -> list[str]:
    return [box.itemText(i) for i in range(box.count()) if box.itemText(i)]


def test_a_next_step_for_someone_else_is_saved_and_edited_with_its_owner(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_family(case.id)
    case_world.give_consent(case.id, ["social"])
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("steps")
    click(qtbot, file, "addStepButton")
    dialog = wait_dialog(qtbot, view, "stepDialog")
    box = find(dialog, QComboBox, "stepOwnerCombo")
    texts = owner_texts(box)
    home = case_world.org_name("home")
    mine = _("{contact} ({organisation})").format(contact="Wendy Wolters", organisation=home)
    # the acting user's own contact person once, marked; their organisation marked as such
    assert [t for t in texts if t.startswith("Wendy Wolters")] == [
        _("{owner} (you)").format(owner=mine)
    ]
    assert _("{owner} (your organisation)").format(owner=home) in texts
    assert not any(t.endswith(_("{owner} (you)").format(owner=home)) for t in texts)
    qtbot.keyClicks(find(dialog, QLineEdit, "stepWhatEdit"), "Intake bij het sociaal team")
    choose(box, "Sam Kuipers")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    [step] = consultations.case_actions(case_world.db.uow(), case_world.worker, case.id)
    assert step.owner_contact_id == case_world.contacts["Sam Kuipers"]
    # editing it: its owner is chosen, and saving keeps it
    file.steps_tab._edit(step.id)
    dialog = wait_dialog(qtbot, view, "stepDialog")
    box = find(dialog, QComboBox, "stepOwnerCombo")
    assert box.currentText().startswith("Sam Kuipers")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    [again] = consultations.case_actions(case_world.db.uow(), case_world.worker, case.id)
    assert again.owner_contact_id == case_world.contacts["Sam Kuipers"]


def test_a_consultation_step_for_another_organisation(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_family(case.id)
    case_world.give_consent(case.id, ["school"])
    view = cases_view()
    open_case(qtbot, view, case.id)
    view.case_file.consultations_tab._open(None)
    dialog = wait_dialog(qtbot, view, "consultationDialog")
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "questionEdit"), "Hoe gaat het op school?")
    click(qtbot, dialog, "addStepButton")
    qtbot.keyClicks(find(dialog, QLineEdit, "step0What"), "Gesprek met de leerkracht")
    owner = find(dialog, QComboBox, "step0Owner")
    school = case_world.org_name("school")
    choose(owner, _("{organisation}: the organisation").format(organisation=school))
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    [step] = consultations.case_actions(case_world.db.uow(), case_world.worker, case.id)
    assert (step.owner_org_id, step.owner_contact_id) == (case_world.orgs["school"], None)


def test_lowering_a_meldcode_level_asks_to_confirm_first(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.", level=4)
    case_world.add_family(case.id)
    consent.record_meldcode(
        case_world.db.uow(),
        case_world.worker,
        case.id,
        consent.MeldcodeInput(
            clock.today(),
            "Veilig Thuis adviseert het sociaal team in te schakelen.",
            (case_world.orgs["social"],),
        ),
    )
    cases.involve_partner(
        case_world.db.uow(), case_world.worker, case.id, case_world.orgs["social"], "support"
    )
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    click(qtbot, file, "changeLevelButton")
    dialog = wait_dialog(qtbot, view, "changeLevelDialog")
    save = find(dialog, QWidget, "saveButton")
    normal = save.text()
    find(dialog, QWidget, "levelChooser3").setChecked(True)
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "levelReasonEdit"), "Het is rustiger thuis")
    save_dialog(qtbot, dialog, closes=False)
    # the consequence, next to the level; nothing changed yet
    assert case_world.org_name("social") in error_text(dialog, "level")
    assert save.text() == _("Lower the level &anyway")
    assert save.objectName() == "saveButton"
    assert cases.get_case(case_world.db.uow(), case_world.worker, case.id).header.level == 4
    # another choice asks again
    find(dialog, QWidget, "levelChooser2").setChecked(True)
    assert save.text() == normal
    assert error_text(dialog, "level") == ""
    find(dialog, QWidget, "levelChooser3").setChecked(True)
    save_dialog(qtbot, dialog, closes=False)
    assert save.text() == _("Lower the level &anyway")
    save_dialog(qtbot, dialog)  # confirmed
    wait_file(qtbot, view)
    assert cases.get_case(case_world.db.uow(), case_world.worker, case.id).header.level == 3


def tab_through(qtbot: QtBot, dialog: QWidget, key: Qt.Key, times: int) -> list[str]:
    from PySide6.QtWidgets import QApplication

    seen = []
    for _n in range(times):
        widget = QApplication.focusWidget()
        assert widget is not None
        seen.append(widget.objectName())
        modifier = (
            Qt.KeyboardModifier.ShiftModifier
            if key == Qt.Key.Key_Backtab
            else Qt.KeyboardModifier.NoModifier
        )
        qtbot.keyClick(widget, key, modifier)
    return seen


def test_tab_goes_round_in_the_case_dialogs(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    from PySide6.QtWidgets import QApplication

    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.steps_tab._edit(None)
    dialog = wait_dialog(qtbot, view, "stepDialog")
    first = find(dialog, QLineEdit, "stepWhatEdit")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    cancel = find(dialog, QWidget, "cancelButton")
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first
    qtbot.keyClick(first, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is cancel
    dialog.discard()
    # a dialog whose first field is a choice of levels: from the level chosen
    file.change_level()
    dialog = wait_dialog(qtbot, view, "changeLevelDialog")
    level = find(dialog, QWidget, "levelChooser1")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is level)
    seen = tab_through(qtbot, dialog, Qt.Key.Key_Tab, 5)
    assert seen == [
        "levelChooser1",
        "levelReasonEdit",
        "levelHistory",
        "saveButton",
        "cancelButton",
    ]
    assert QApplication.focusWidget() is level  # round again
    qtbot.keyClick(level, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget().objectName() == "cancelButton"
    dialog.discard()


def test_closing_says_the_open_next_steps_will_be_cancelled(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_step(case.id, "Call the school", clock.today() + timedelta(days=3))
    case_world.add_step(case.id, "Call the GP", clock.today() + timedelta(days=5))
    done = case_world.add_step(case.id, "Call the mother", clock.today())
    consultations.set_action_status(
        case_world.db.uow(), case_world.worker, done, "done", clock.today()
    )
    quiet = case_world.make_case("Fam. Q.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    click(qtbot, file, "closeCaseButton")
    dialog = wait_dialog(qtbot, view, "closeCaseDialog")
    notice = find(dialog, QLabel, "openStepsNotice")
    assert notice.isVisible()
    assert notice.text().startswith(
        ngettext(
            "{n} open next step will be cancelled, with the note “{note}”",
            "{n} open next steps will be cancelled, each with the note “{note}”",
            2,
        ).format(n=2, note="")[:12]
    )
    qtbot.keyClicks(find(dialog, QPlainTextEdit, "closeReasonEdit"), "Het gaat weer goed")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    file.show_tab("steps")
    statuses = [file.steps_tab.table.text(r, 3) for r in range(3)]
    assert statuses.count(_("Cancelled")) == 2
    # a case without open next steps says nothing of them
    open_case(qtbot, view, quiet.id)
    click(qtbot, file, "closeCaseButton")
    dialog = wait_dialog(qtbot, view, "closeCaseDialog")
    assert not find(dialog, QLabel, "openStepsNotice").isVisible()
    dialog.discard()


def test_the_steps_tab_says_who_closed_a_step_and_marks_it_late(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    from pact.ui.widgets.case_badges import short_date

    case = case_world.make_case("Fam. T.")
    late = case_world.add_step(case.id, "Call the school", clock.today() - timedelta(days=3))
    consultations.set_action_status(
        case_world.db.uow(), case_world.worker, late, "done", clock.today()
    )
    gone = case_world.add_step(case.id, "Call the GP", clock.today() + timedelta(days=3))
    consultations.set_action_status(
        case_world.db.uow(), case_world.admin, gone, "cancelled", note="Niet meer nodig"
    )
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("steps")
    table = file.steps_tab.table
    rows = {table.text(r, 0): r for r in range(table.row_count())}
    today = short_date(clock.today())
    assert table.text(rows["Call the school"], 3) == _("Done on {date} (late)").format(date=today)
    table.select_key(late)
    detail = file.steps_tab.detail.text()
    assert "Wendy Wolters" in detail
    assert (
        ngettext(
            "That was {n} day after its due date.", "That was {n} days after its due date.", 3
        ).format(n=3)
        in detail
    )
    table.select_key(gone)
    assert _("Cancelled by {user}.").format(user=case_world.admin.display_name) in (
        file.steps_tab.detail.text()
    )
    # the timeline names who did it
    file.show_tab("timeline")
    tl = file.timeline_tab.table
    by = {tl.text(r, 1): tl.text(r, 3) for r in range(tl.row_count())}
    assert by[_("Next step done late: {what}").format(what="Call the school")] == "Wendy Wolters"
    assert (
        by[_("Next step cancelled: {what}").format(what="Call the GP")]
        == case_world.admin.display_name
    )


def test_partner_pickers_name_what_is_ticked(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_family(case.id)
    view = cases_view()
    open_case(qtbot, view, case.id)
    view.case_file.consent_tab._record()
    dialog = wait_dialog(qtbot, view, "consentDialog")
    picker = find(dialog, QWidget, "consentPartners")
    summary = find(dialog, QLabel, "consentPartnersSummary")
    assert summary.text() == _("Nothing ticked yet.")
    tick(qtbot, picker, case_world.org_name("social"))
    tick(qtbot, picker, case_world.org_name("school"))
    names = sorted([case_world.org_name("social"), case_world.org_name("school")])
    assert summary.text() == _("Ticked: {names}").format(names=", ".join(names))
    assert all(name in summary.toolTip() for name in names)
    dialog.discard()


def test_a_new_parent_has_parental_authority_unless_unticked(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    click(qtbot, file, "addCarerButton")
    dialog = wait_dialog(qtbot, view, "carerDialog")
    relation = find(dialog, QComboBox, "relationCombo")
    authority = find(dialog, QCheckBox, "parentalAuthorityCheck")
    assert not authority.isChecked()
    choose(relation, _("Father"))
    assert authority.isChecked()
    choose(relation, _("Grandparent"))
    assert not authority.isChecked()
    choose(relation, _("Parent"))
    assert authority.isChecked()
    # once the person unticks it, the relation no longer decides
    qtbot.mouseClick(authority, Qt.MouseButton.LeftButton)
    assert not authority.isChecked()
    choose(relation, _("Mother"))
    assert not authority.isChecked()
    qtbot.keyClicks(find(dialog, QLineEdit, "carerAliasEdit"), "M.")
    save_dialog(qtbot, dialog)
    wait_file(qtbot, view)
    assert file.family_tab.carers_table.row_texts(0)[:3] == ["M.", _("Mother"), _("No")]
    # an existing carer keeps what was recorded
    carer = cases.get_case(case_world.db.uow(), case_world.worker, case.id).carers[0]
    file.family_tab._carer(carer.id)
    dialog = wait_dialog(qtbot, view, "carerDialog")
    choose(find(dialog, QComboBox, "relationCombo"), _("Father"))
    assert not find(dialog, QCheckBox, "parentalAuthorityCheck").isChecked()
    dialog.discard()


def test_escape_in_a_case_file_goes_back_to_the_list(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    view = cases_view()
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("signals")
    table = file.signals_tab.table
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert view.showing_case() is None
    assert view.table.hasFocus()
    # not while a dialog is open: Esc closes the dialog
    open_case(qtbot, view, case.id)
    file.family_tab._child(None)
    dialog = wait_dialog(qtbot, view, "childDialog")
    qtbot.keyClick(find(dialog, QLineEdit, "childNameEdit"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))
    assert view.showing_case() == case.id
    qtbot.keyClick(file.tabs.tabBar(), Qt.Key.Key_Escape)
    assert view.showing_case() is None


def test_opening_a_case_at_a_tab(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case = case_world.make_case("Fam. T.")
    case_world.add_step(case.id, "Call the school", clock.today())
    view = cases_view()
    view.show_case(case.id, tab="steps")
    qtbot.waitUntil(lambda: view.showing_case() == case.id, timeout=10_000)
    wait_file(qtbot, view)
    assert view.case_file.current_tab() == "steps"
    assert view.case_file.steps_tab.table.hasFocus()
    view.show_case(case.id, tab="consent")
    qtbot.waitUntil(lambda: view.case_file.current_tab() == "consent", timeout=10_000)
    view.show_case(case.id)  # the same case again: it stays where it is
    wait_file(qtbot, view)
    assert view.case_file.current_tab() == "consent"


def test_roles_and_step_statuses_are_not_cut_off(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    """In the cases area of a 1360 pixels wide window: the partners' roles and the
    next steps' statuses (with room to spare for a desktop's wider font)."""
    case = case_world.make_case("Fam. T.")
    case_world.add_family(case.id)
    case_world.give_consent(case.id, ["social"])
    header = cases.get_case(case_world.db.uow(), case_world.worker, case.id).header
    cases.update_case(  # a lead of another organisation: "Case lead's organisation"
        case_world.db.uow(),
        case_world.worker,
        cases.CaseInput(
            alias=header.alias,
            municipality_id=header.municipality_id,
            level=header.level,
            lead_contact_id=case_world.contacts["Sam Kuipers"],
            id=header.id,
            version=header.version,
        ),
    )
    late = case_world.add_step(case.id, "Call the school", clock.today() - timedelta(days=30))
    consultations.set_action_status(
        case_world.db.uow(), case_world.worker, late, "done", clock.today()
    )
    view = cases_view(width=1170, height=800)
    open_case(qtbot, view, case.id)
    file = view.case_file
    file.show_tab("partners")
    table = file.partners_tab.table
    assert any(table.text(r, 2) == _("Case lead's organisation") for r in range(table.row_count()))
    assert table.columnWidth(2) >= 1.15 * table.sizeHintForColumn(2)
    file.show_tab("steps")
    table = file.steps_tab.table
    assert table.text(0, 3).endswith(_("Done on {date} (late)").format(date="")[-6:])
    assert table.columnWidth(3) >= 1.15 * table.sizeHintForColumn(3), table.text(0, 3)
