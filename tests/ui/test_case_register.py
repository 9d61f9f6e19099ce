"""Registering a case through the dialog, typed like a person would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pact.i18n import _
from pact.services import cases

from .case_fixtures import *  # noqa: F403
from .case_fixtures import BuildCasesView, CaseWorld, choose, closed, wait_dialog, wait_file


def child(dialog: object, kind: type, name: str):
    widget = dialog.findChild(kind, name)  # type: ignore[attr-defined]
    assert widget is not None, name
    return widget


def error_text(dialog: object, key: str) -> str:
    label = child(dialog, QLabel, key + "Error")
    return label.text() if label.isVisible() else ""


def test_registering_a_case_opens_its_file(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    view = cases_view()
    view.new_case()  # what Ctrl+N in the main window calls
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    alias = child(dialog, QLineEdit, "aliasEdit")
    qtbot.waitUntil(alias.hasFocus)  # the keyboard starts in the first field
    qtbot.keyClicks(alias, "Fam. K.")
    choose(child(dialog, QComboBox, "municipalityCombo"), "Borne")
    dialog.findChild(object, "levelChooser3").setChecked(True)
    qtbot.keyClick(alias, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: view.showing_case() is not None, timeout=10_000)
    wait_file(qtbot, view)
    rows = cases.list_cases(case_world.db.uow(), case_world.worker)
    assert [r.alias for r in rows] == ["Fam. K."]
    assert rows[0].municipality == "Borne" and rows[0].level == 3
    assert view.case_file.code_label.text() == rows[0].code
    assert view.case_file.alias_label.text() == "Fam. K."
    assert rows[0].code in view.case_file.message.message()  # "Case … is registered"
    assert "3" in view.case_file.level_badge.text()
    # the list behind it knows the new case too
    view.show_list()
    qtbot.waitUntil(lambda: view.model.total == 1)


def test_an_empty_alias_is_refused_next_to_the_field(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    view = cases_view()
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    choose(child(dialog, QComboBox, "municipalityCombo"), "Hengelo")
    qtbot.keyClicks(child(dialog, object, "caseNotesEdit"), "First talk at school")
    qtbot.mouseClick(child(dialog, object, "saveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(error_text(dialog, "alias")), timeout=10_000)
    assert error_text(dialog, "alias") == _("This field is required.")
    assert dialog.isVisible()
    assert cases.count_cases(case_world.db.uow(), case_world.worker) == 0  # nothing saved
    # what was typed is still there; the message goes when the field is typed in
    assert child(dialog, object, "caseNotesEdit").toPlainText() == "First talk at school"
    qtbot.keyClicks(child(dialog, QLineEdit, "aliasEdit"), "J.")
    assert error_text(dialog, "alias") == ""
    # typed input is not lost to Esc: pact asks first
    assert view.has_unsaved_changes()
    qtbot.keyClick(child(dialog, QLineEdit, "aliasEdit"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_box is not None and dialog.discard_box.isVisible())
    qtbot.mouseClick(
        dialog.discard_box.findChild(QWidget, "keepEditingButton"), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert child(dialog, QLineEdit, "aliasEdit").text() == "J."
    dialog.reject()
    qtbot.waitUntil(lambda: dialog.discard_box is not None and dialog.discard_box.isVisible())
    qtbot.mouseClick(
        dialog.discard_box.findChild(QWidget, "discardButton"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: closed(dialog))
    assert not view.has_unsaved_changes()
    assert cases.count_cases(case_world.db.uow(), case_world.worker) == 0


def test_a_case_lead_not_covered_by_consent_is_refused(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    """The lead's organisation would receive case information: without consent the
    service refuses, and its message shows next to the case lead field."""
    view = cases_view()
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    qtbot.keyClicks(child(dialog, QLineEdit, "aliasEdit"), "Fam. S.")
    choose(child(dialog, QComboBox, "municipalityCombo"), "Hengelo")
    choose(child(dialog, QComboBox, "leadCombo"), "Sam Kuipers")
    qtbot.mouseClick(child(dialog, object, "saveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(error_text(dialog, "lead_contact_id")), timeout=10_000)
    message = error_text(dialog, "lead_contact_id")
    assert message.startswith(
        _("{organisation} is not covered by the consent for this case.").format(
            organisation=case_world.org_name("social")
        )
    )
    assert cases.count_cases(case_world.db.uow(), case_world.worker) == 0
    assert child(dialog, QLineEdit, "aliasEdit").text() == "Fam. S."
    # the worker's own organisation needs no consent
    choose(child(dialog, QComboBox, "leadCombo"), "Wendy Wolters")
    qtbot.mouseClick(child(dialog, object, "saveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    rows = cases.list_cases(case_world.db.uow(), case_world.worker)
    assert [r.lead for r in rows] == ["Wendy Wolters"]


def test_the_full_family_name_is_optional_and_hidden_at_first(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    view = cases_view()
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    family = child(dialog, QLineEdit, "familyNameEdit")
    assert not family.isVisible()
    toggle = child(dialog, object, "familyNameToggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert family.isVisible()
    # what the hint says is true: stored encrypted, shown to whoever may see the case
    hint = child(dialog, QLabel, "family_nameHint").text()
    assert hint == _(
        "Stored encrypted. Everyone who may see the case can read it in the case details; "
        "lists and printouts show only the case code and alias. The case search also finds "
        "the case by this name."
    )
    dialog.discard()


def test_tab_goes_through_the_fields_then_save_then_cancel(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    view = cases_view()
    view.new_case()
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    names = [w.objectName() for w in dialog.tab_chain()]
    fields = [
        "aliasEdit",
        "familyNameToggle",
        "municipalityCombo",
        "levelChooser1",
        "registeredOnEdit",
        "referredByCombo",
        "leadCombo",
        "caseNotesEdit",
        "saveButton",
        "cancelButton",
    ]
    assert [n for n in names if n in fields] == fields
    assert names.index("saveButton") > names.index("caseNotesEdit")
    dialog.reject()
