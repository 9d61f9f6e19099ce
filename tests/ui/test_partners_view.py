"""The partner directory screen, driven like a person would: typing, clicking, keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.i18n import _, ngettext
from pact.services import partners as svc
from pact.ui.context import AppContext
from pact.ui.itemmodels.partners import ID_ROLE
from pact.ui.main_window import MainWindow
from pact.ui.views.partners import PartnersView
from pact.ui.widgets.field import keep_numbers_together

from .conftest import MakePartner

Build = Callable[[], PartnersView]


def shown_names(view: PartnersView) -> list[str]:
    model = view.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def click_header(qtbot: QtBot, view: PartnersView, column: int) -> None:
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def click_row(qtbot: QtBot, view: PartnersView, row: int) -> None:
    rect = view.table.visualRect(view.table.model().index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def tick(qtbot: QtBot, checklist: QAbstractItemView, label: str) -> None:
    """Tick an item of a check list with the keyboard: move to it, press Space."""
    model = checklist.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == label:
            checklist.setFocus()
            checklist.setCurrentIndex(model.index(row, 0))
            qtbot.keyClick(checklist, Qt.Key.Key_Space)
            return
    raise AssertionError(f"{label} not in the list")


def answer_next_box(qtbot: QtBot, button: str) -> list[str]:
    """Click the button named ``button`` in the next modal message box; returns the
    box's text and the texts of its buttons."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        seen.extend(b.text() for b in box.buttons())
        target = box.findChild(QAbstractButton, button)
        assert target is not None, button
        target.click()

    QTimer.singleShot(0, click)
    return seen


# ---------------------------------------------------------------- list


def test_typing_in_the_filter_narrows_the_rows(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner("Basisschool De Esch", "school")
    make_partner("Huisartsenpraktijk Borne", "gp", places=("Borne",))
    make_partner(
        "Welzijn Hengelo",
        contacts=[svc.ContactData(name="Elia Jansen", function="maatschappelijk werker")],
    )
    view = partners_view()
    assert shown_names(view) == [
        "Basisschool De Esch",
        "Huisartsenpraktijk Borne",
        "Welzijn Hengelo",
    ]
    assert view.search_edit.placeholderText() == _("Search name, offer or contact person…")

    qtbot.keyClicks(view.search_edit, "es")
    qtbot.waitUntil(lambda: shown_names(view) == ["Basisschool De Esch"])
    assert view.count_label.text() == ngettext("{n} partner", "{n} partners", 1).format(n=1)

    # a contact person's name finds the organisation too
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "JANS")
    qtbot.waitUntil(lambda: shown_names(view) == ["Welzijn Hengelo"])

    # sector and municipality combos narrow as well
    view.search_edit.clear()
    qtbot.waitUntil(lambda: len(shown_names(view)) == 3)
    view.municipality_filter.setCurrentIndex(view.municipality_filter.findText("Borne"))
    qtbot.waitUntil(lambda: shown_names(view) == ["Huisartsenpraktijk Borne"])
    view.municipality_filter.setCurrentIndex(0)
    view.sector_filter.setCurrentIndex(view.sector_filter.findData("school"))
    qtbot.waitUntil(lambda: shown_names(view) == ["Basisschool De Esch"])
    assert view.sector_filter.itemText(0) == _("All sectors")
    assert view.municipality_filter.itemText(0) == _("All municipalities")


def test_clicking_a_header_sorts(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner("Alpha", "welfare", contacts=[svc.ContactData(name="A")])
    make_partner(
        "Bravo",
        "school",
        contacts=[
            svc.ContactData(name="B1"),
            svc.ContactData(name="B2"),
            svc.ContactData(name="B3"),
        ],
    )
    make_partner("Charlie", "gp")
    view = partners_view()
    assert shown_names(view) == ["Alpha", "Bravo", "Charlie"]

    click_header(qtbot, view, 0)  # name again: descending
    qtbot.waitUntil(lambda: shown_names(view) == ["Charlie", "Bravo", "Alpha"])
    assert view.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    view.resize(1800, 800)  # room for every column, the number of contacts too
    qtbot.waitUntil(lambda: not view.table.isColumnHidden(6))
    click_header(qtbot, view, 6)  # contacts: fewest first
    qtbot.waitUntil(lambda: shown_names(view) == ["Charlie", "Alpha", "Bravo"])
    assert [view.table.model().index(r, 6).data() for r in range(3)] == ["0", "1", "3"]


def test_the_list_is_fetched_in_pages(
    db: Database, municipalities: dict[str, int], partners_view: Build, qtbot: QtBot
) -> None:
    with db.uow() as uow:
        svc.add_organisations(
            uow.session,
            [
                svc.OrganisationData(
                    name=f"Partner {i:03d}",
                    sector="other",
                    municipality_ids=(municipalities["Almelo"],),
                )
                for i in range(450)
            ],
        )
        uow.commit()
    view = partners_view()
    model = view.model
    assert model.total == 450
    assert model.rowCount() == 200
    assert view.count_label.text() == ngettext("{n} partner", "{n} partners", 450).format(n=450)

    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 450)
    assert not model.canFetchMore()
    assert shown_names(view)[-1] == "Partner 449"
    assert len(set(shown_names(view))) == 450


# ---------------------------------------------------------------- editor


def test_add_an_organisation_with_a_contact(
    db: Database, partners_view: Build, qtbot: QtBot
) -> None:
    view = partners_view()
    view.new_organisation()
    editor = view.editor
    assert view.editor_stack.currentWidget() is editor
    assert editor.name_edit.hasFocus()

    qtbot.keyClicks(editor.name_edit, "Sociaal Team Enschede")
    editor.sector_combo.setCurrentIndex(editor.sector_combo.findData("social_team"))
    tick(qtbot, editor.municipalities_list, "Enschede")
    tick(qtbot, editor.domains_list, _("Financial"))
    qtbot.keyClicks(editor.phone_edit, "053 481 00 00")
    qtbot.keyClicks(editor.email_edit, "info@sociaalteam.example.nl")
    assert view.has_unsaved_changes()

    qtbot.mouseClick(editor.add_contact_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.contact_name, "Tessa Nijhuis")
    qtbot.keyClicks(editor.contact_function, "consulent")
    qtbot.keyClicks(editor.contact_phone, "06 12345678")
    qtbot.mouseClick(editor.contact_representative, Qt.MouseButton.LeftButton)
    assert editor.contacts_list.item(0).text().startswith("Tessa Nijhuis, consulent")

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_names(view) == ["Sociaal Team Enschede"])
    qtbot.waitUntil(lambda: not view.has_unsaved_changes())
    assert editor.message.text.text() == _("Saved “{name}”.").format(name="Sociaal Team Enschede")
    assert view.table.currentIndex().row() == 0  # the saved partner is selected

    rows = svc.list_organisations(db.uow())
    assert [r.name for r in rows] == ["Sociaal Team Enschede"]
    saved = svc.get_organisation(db.uow(), rows[0].id)
    assert saved.sector == "social_team"
    assert saved.domains == ("financial",)
    assert saved.phone == "053 481 00 00"
    assert [(c.name, c.function, c.phone, c.representative) for c in saved.contacts] == [
        ("Tessa Nijhuis", "consulent", "06 12345678", True)
    ]
    assert view.table.model().index(0, 2).data() == "Enschede"
    assert view.table.model().index(0, 6).data() == "1"


def test_a_bad_email_is_shown_next_to_the_field_and_nothing_is_saved(
    db: Database, partners_view: Build, qtbot: QtBot
) -> None:
    view = partners_view()
    view.new_organisation()
    editor = view.editor
    qtbot.keyClicks(editor.name_edit, "Mediation Twente")
    editor.sector_combo.setCurrentIndex(editor.sector_combo.findData("legal"))
    qtbot.keyClicks(editor.email_edit, "info@mediation")
    qtbot.mouseClick(editor.add_contact_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.contact_name, "Lars Brink")
    qtbot.keyClicks(editor.contact_phone, "12345")

    view.save()  # Ctrl+S
    error = editor.findChild(QWidget, "emailError")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() == _("Enter an e-mail address like name@example.nl.")
    # right under the field, inside the same form row
    field_geometry = editor.email_edit.geometry()
    assert error.parentWidget() is editor.email_edit.parentWidget()
    assert error.geometry().top() >= field_geometry.bottom()
    assert error.geometry().left() == field_geometry.left()
    assert editor.email_edit.hasFocus()  # the first bad field
    # the contact person's bad phone is marked too
    contact_error = editor.findChild(QLabel, "contactPhoneError")
    assert contact_error.isVisible()
    message = editor.field_error("contacts.0.phone")
    assert message != ""
    # the example numbers in the message are never broken across two lines
    assert contact_error.text() == keep_numbers_together(message)
    assert re.search(r"\d \d", contact_error.text()) is None
    assert "06\u00a012345678" in contact_error.text()
    assert editor.message.isVisible()
    assert editor.message.text.text().startswith(
        _("Not saved. Please correct what is marked in red.")
    )
    assert svc.count_organisations(db.uow(), svc.PartnerFilter(include_archived=True)) == 0
    assert view.has_unsaved_changes()

    # correcting the field removes its message
    editor.email_edit.clear()
    qtbot.keyClicks(editor.email_edit, "info@mediation-twente.nl")
    assert not error.isVisible()


def test_archive_hides_the_partner_unless_show_archived(
    db: Database, make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner("Alpha")
    bravo = make_partner("Bravo")
    view = partners_view()
    click_row(qtbot, view, 1)
    qtbot.waitUntil(lambda: view.editor.organisation_id == bravo.id)
    assert view.editor.archive_button.text() == _("Archive")

    qtbot.mouseClick(view.editor.archive_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_names(view) == ["Alpha"])
    assert svc.get_organisation(db.uow(), bravo.id or 0).archived
    assert view.editor.archive_button.text() == _("Restore")

    qtbot.mouseClick(view.archived_check, Qt.MouseButton.LeftButton)
    archived_label = _("{name} (archived)").format(name="Bravo")
    qtbot.waitUntil(lambda: shown_names(view) == ["Alpha", archived_label])
    index = view.table.model().index(1, 0)
    assert index.data(ID_ROLE) == bravo.id
    grey = QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == grey

    # restore from the editor
    qtbot.mouseClick(view.editor.archive_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_names(view) == ["Alpha", "Bravo"])
    assert not svc.get_organisation(db.uow(), bravo.id or 0).archived


def test_switching_with_unsaved_changes_asks_first(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    alpha = make_partner("Alpha")
    bravo = make_partner("Bravo")
    view = partners_view()
    click_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.editor.organisation_id == alpha.id)
    qtbot.keyClicks(view.editor.name_edit, " Plus")
    assert view.has_unsaved_changes()

    # Cancel: stay on Alpha with the edits, Alpha selected again
    seen = answer_next_box(qtbot, "unsavedCancelButton")
    click_row(qtbot, view, 1)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0] == _("Save your changes to “{name}”?").format(name="Alpha Plus")
    # own button texts: Qt's "Discard" would read "Verwerpen" in Dutch
    assert sorted(seen[1:]) == sorted([_("Save"), _("Don't save"), _("Cancel")])
    qtbot.waitUntil(lambda: view.table.currentIndex().row() == 0)
    assert view.editor.organisation_id == alpha.id
    assert view.editor.name_edit.text() == "Alpha Plus"

    # Save: saved, then Bravo opens
    answer_next_box(qtbot, "unsavedSaveButton")
    click_row(qtbot, view, 1)
    qtbot.waitUntil(lambda: view.editor.organisation_id == bravo.id)
    qtbot.waitUntil(lambda: "Alpha Plus" in shown_names(view))
    assert view.table.model().index(view.table.currentIndex().row(), 0).data() == "Bravo"

    # Discard: the edits are gone
    qtbot.keyClicks(view.editor.name_edit, " Extra")
    answer_next_box(qtbot, "unsavedDiscardButton")
    view.new_organisation()
    qtbot.waitUntil(lambda: view.editor.is_new)
    assert shown_names(view) == ["Alpha Plus", "Bravo"]


def test_a_conflict_offers_to_reload(
    db: Database, make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    """Someone else saved first: the conflict dialog (tests/ui/test_conflict_dialog.py
    has the rest); Reload shows their version."""
    from pact.ui.dialogs.conflict import ConflictDialog

    alpha = make_partner("Alpha")
    view = partners_view()
    click_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.editor.organisation_id == alpha.id)
    # saved meanwhile, by the same user in another window
    theirs = replace(svc.get_organisation(db.uow(), alpha.id or 0), phone="074 123 45 67")
    svc.save_organisation(db.uow(), theirs)
    qtbot.keyClicks(view.editor.name_edit, " mine")
    view.save()
    qtbot.waitUntil(lambda: view.findChild(ConflictDialog) is not None)
    dialog = view.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.headline.text().startswith(
        _("You saved this at {time} in another window, while you were changing it here.").split(
            "{"
        )[0]
    )
    assert svc.get_organisation(db.uow(), alpha.id or 0).name == "Alpha"

    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.editor.phone_edit.text() == "074 123 45 67")
    assert view.editor.name_edit.text() == "Alpha"
    assert not view.has_unsaved_changes()


# ---------------------------------------------------------------- empty states


def test_empty_states_tell_what_to_do(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    view = partners_view()
    assert view.list_stack.currentWidget() is view.empty_directory
    assert view.empty_directory.isVisible()
    assert view.empty_directory.title.text() == _("Your partner directory is still empty")
    assert "Ctrl+N" in view.empty_directory.body.text()
    assert view.empty_new_button.isVisible() and view.empty_import_button.isVisible()
    # nothing to choose on the left: the right pane does not ask to
    assert view.no_selection.isVisible()
    assert view.no_selection.title.text() == _("The details of a partner appear here.")
    assert not view.export_button.isEnabled()  # nothing to export
    assert not view.has_partners

    qtbot.mouseClick(view.empty_new_button, Qt.MouseButton.LeftButton)
    assert view.editor.isVisible() and view.editor.name_edit.hasFocus()
    qtbot.mouseClick(view.editor.revert_button, Qt.MouseButton.LeftButton)  # "Cancel"
    assert view.no_selection.isVisible()

    make_partner("Alpha")
    with qtbot.waitSignal(view.has_partners_changed) as changed:
        view.ctx.changed.emit("partners")
    assert changed.args == [True]
    qtbot.waitUntil(lambda: view.table.isVisible())
    assert view.export_button.isEnabled()
    assert view.no_selection.title.text() == _("Select a partner on the left or add a new one.")
    qtbot.keyClicks(view.search_edit, "zzz")
    qtbot.waitUntil(lambda: view.no_matches.isVisible())
    assert view.no_matches.title.text() == _("No partners match this filter")
    assert view.clear_filter_button.text() == _("Clear filter")
    qtbot.mouseClick(view.clear_filter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_names(view) == ["Alpha"])
    assert view.search_edit.text() == ""


def test_a_filter_that_only_finds_archived_partners_says_so(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner("Zorgboerderij Klaproos", archived=True)
    make_partner("Klaproos Kinderopvang", archived=True)
    make_partner("Alpha")
    view = partners_view()
    qtbot.keyClicks(view.search_edit, "Klaproos")
    qtbot.waitUntil(lambda: view.no_matches.isVisible())
    # not a spelling mistake: the filter does find partners, archived ones
    assert view.no_matches.title.text() == ngettext(
        "{n} archived partner matches this filter",
        "{n} archived partners match this filter",
        2,
    ).format(n=2)
    assert view.clear_filter_button.text() == _("Show archived")
    assert view.export_button.isEnabled()

    qtbot.mouseClick(view.clear_filter_button, Qt.MouseButton.LeftButton)
    archived = [
        _("{name} (archived)").format(name=n)
        for n in ("Klaproos Kinderopvang", "Zorgboerderij Klaproos")
    ]
    qtbot.waitUntil(lambda: shown_names(view) == archived)
    assert view.archived_check.isChecked()
    assert view.search_edit.text() == "Klaproos"  # the filter is kept

    # a filter that finds nothing at all is (perhaps) a spelling mistake
    view.archived_check.setChecked(False)
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "Klaproso")
    qtbot.waitUntil(lambda: view.no_matches.isVisible())
    assert view.no_matches.title.text() == _("No partners match this filter")
    assert view.clear_filter_button.text() == _("Clear filter")


def test_export_is_disabled_in_an_empty_directory_also_in_the_menu(
    ctx: AppContext, make_partner: MakePartner, qtbot: QtBot
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert not window.partners.export_button.isEnabled()
    assert not window.action_export.isEnabled()
    make_partner("Alpha", archived=True)  # an archived partner is exported too
    ctx.changed.emit("partners")
    qtbot.waitUntil(window.action_export.isEnabled)
    assert window.partners.export_button.isEnabled()


# ---------------------------------------------------------------- keyboard, a11y, export


def test_every_interactive_widget_has_a_name_and_the_shortcut_methods_work(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot
) -> None:
    make_partner("Alpha", contacts=[svc.ContactData(name="Anna")])
    view = partners_view()
    click_row(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.editor.organisation_id is not None)

    kinds = (
        QAbstractButton,
        QLineEdit,
        QComboBox,
        QAbstractItemView,
        QPlainTextEdit,
        QAbstractSpinBox,
    )
    inner = (QComboBox, QAbstractSpinBox, QAbstractItemView, QLineEdit)  # their own parts
    unnamed = []
    for w in view.findChildren(QWidget):
        if not isinstance(w, kinds) or w.objectName().startswith("qt_"):
            continue
        parent = w.parentWidget()
        part_of_another = False
        while parent is not None and parent is not view:
            if isinstance(parent, inner):
                part_of_another = True
            parent = parent.parentWidget()
        if part_of_another:
            continue
        if not w.objectName() or not w.accessibleName():
            unnamed.append((type(w).__name__, w.objectName(), getattr(w, "text", str)()))
    assert unnamed == [], unnamed

    view.focus_filter()
    assert view.search_edit.hasFocus()
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    view.focus_filter()
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Tab)
    assert view.sector_filter.hasFocus()


def test_export_writes_the_file_and_says_where(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    make_partner("Alpha", contacts=[svc.ContactData(name="Anna de Vries")])
    view = partners_view()
    target = tmp_path / "export.csv"
    view.export_to(target)
    qtbot.waitUntil(lambda: view.message.isVisible())
    assert view.message.text.text() == _("The partner directory was exported to {path}.").format(
        path=str(target)
    )
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Organisatie;")
    assert "Alpha" in text and "Anna de Vries" in text
    assert not list(tmp_path.glob(".export.csv.*"))  # no temp file left behind


def test_a_long_error_message_is_shown_whole_under_its_field(
    partners_view: Build, qtbot: QtBot
) -> None:
    """The phone message wraps onto three lines in a narrow editor: the form makes
    room for all of them instead of clipping the message under the next field."""
    view = partners_view()
    view.splitter.setSizes([870, 430])
    view.new_organisation()
    editor = view.editor
    qtbot.keyClicks(editor.name_edit, "Zorgboerderij Klaproos")
    qtbot.keyClicks(editor.phone_edit, "12345")
    view.save()
    error = editor.findChild(QLabel, "phoneError")
    qtbot.waitUntil(error.isVisible)

    def shown_whole() -> bool:
        return error.height() >= error.heightForWidth(error.width())

    qtbot.waitUntil(shown_whole)
    lines = error.heightForWidth(error.width()) // error.fontMetrics().lineSpacing()
    assert lines >= 2  # it does wrap here
    # the next field starts below the message
    below = editor.email_edit.mapTo(editor, editor.email_edit.rect().topLeft()).y()
    assert error.mapTo(editor, error.rect().bottomLeft()).y() < below
