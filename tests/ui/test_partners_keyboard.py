"""Keyboard order of the partner screen: Tab goes through the editor in visual order,
in the view alone and inside the main window (with its navigation list)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pact.services import partners as svc
from pact.ui.context import AppContext
from pact.ui.main_window import MainWindow
from pact.ui.views.partners import PartnersView

from .conftest import MakePartner

Build = Callable[[], PartnersView]

# the editor's fields, top to bottom, then its buttons left to right
ORGANISATION_ORDER = [
    "nameEdit",
    "sectorCombo",
    "municipalitiesList",
    "domainsList",
    "offerEdit",
    "addressEdit",
    "phoneEdit",
    "emailEdit",
    "websiteEdit",
    "memberSinceCheck",
    "memberSinceEdit",
    "notesEdit",
]
CONTACT_ORDER = [
    "contactsList",
    "addContactButton",
    "removeContactButton",
    "contactNameEdit",
    "contactFunctionEdit",
    "contactEmailEdit",
    "contactPhoneEdit",
    "contactRepresentativeCheck",
    "contactActiveCheck",
    "contactNotesEdit",
]
BUTTON_ORDER = ["revertButton", "archiveButton", "saveButton"]


def focus_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else "<none>"


def tab_through(qtbot: QtBot, steps: int, key: Qt.Key = Qt.Key.Key_Tab) -> list[str]:
    """The names of the focused widget, then of each next one, ``steps`` times.

    A date field takes a Tab per part (day, month, year), as everywhere in Qt; a
    few Tabs that stay in the same widget count as one step."""
    seen = [focus_name()]
    for _step in range(steps):
        for _part in range(4):
            widget = QApplication.focusWidget()
            assert widget is not None
            qtbot.keyClick(widget, key)
            if focus_name() != seen[-1]:
                break
        seen.append(focus_name())
    return seen


def available(view: PartnersView, names: list[str]) -> list[str]:
    """``names`` without those a person cannot tab to now (hidden or disabled)."""
    result = []
    for name in names:
        widget = view.findChild(QWidget, name)
        assert widget is not None, name
        if widget.isVisible() and widget.isEnabled():
            result.append(name)
    return result


def test_tab_on_a_new_partner_in_an_empty_directory_follows_the_form(
    partners_view: Build, qtbot: QtBot
) -> None:
    view = partners_view()
    assert view.empty_new_button.isVisible()  # the empty directory's buttons are shown
    view.new_organisation()  # Ctrl+N
    assert focus_name() == "nameEdit"
    expected = available(view, ORGANISATION_ORDER + CONTACT_ORDER + BUTTON_ORDER)
    # a new partner: no date (unticked), no contacts yet, no archive button
    assert expected == [
        *[n for n in ORGANISATION_ORDER if n != "memberSinceEdit"],
        "addContactButton",
        "revertButton",
        "saveButton",
    ]
    assert tab_through(qtbot, len(expected) - 1) == expected
    # and back again with Shift+Tab
    assert tab_through(qtbot, len(expected) - 1, Qt.Key.Key_Backtab) == expected[::-1]


def test_tab_with_a_partner_open_goes_through_its_contact_too(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner(
        "Alpha",
        contacts=[svc.ContactData(name="Anna", function="coördinator")],
        member_since=date(2021, 9, 1),  # the date can be reached too
    )
    view = partners_view()
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.editor.organisation_id is not None)
    view.editor.name_edit.setFocus()
    expected = available(view, ORGANISATION_ORDER + CONTACT_ORDER + BUTTON_ORDER)
    assert "memberSinceEdit" in expected and "contactNotesEdit" in expected
    assert expected[-1] == "archiveButton"  # nothing to undo or save yet
    assert tab_through(qtbot, len(expected) - 1) == expected


@pytest.mark.parametrize("with_partner", [False, True], ids=["new-in-empty", "partner-open"])
def test_tab_in_the_main_window_stays_in_the_editor(
    ctx: AppContext, make_partner: MakePartner, qtbot: QtBot, with_partner: bool
) -> None:
    """The reviewer's case: Name went to the navigation list (or the empty state's
    buttons), and only then to Sector."""
    if with_partner:
        make_partner("Alpha")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.partners
    if with_partner:
        view.table.selectRow(0)
        qtbot.waitUntil(lambda: view.editor.organisation_id is not None)
        view.editor.name_edit.setFocus()
    else:
        window.action_new.trigger()  # Ctrl+N
    assert focus_name() == "nameEdit"
    assert tab_through(qtbot, 3) == ["nameEdit", "sectorCombo", "municipalitiesList", "domainsList"]
