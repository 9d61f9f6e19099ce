"""CSV import from the partner screen: preview with row errors, then import the rest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.i18n import _, ngettext
from pact.services import partners as svc
from pact.services.partner_csv import HEADERS
from pact.ui.dialogs.import_csv import ImportCsvDialog
from pact.ui.itemmodels.partners import ID_ROLE
from pact.ui.views.partners import PartnersView

from .conftest import MakePartner

Build = Callable[[], PartnersView]


def _counts() -> dict[str, str]:
    """The counts of the import in the sample file, as the dialog words them."""
    return {
        "organisations": ngettext("{n} organisation", "{n} organisations", 1).format(n=1),
        "contacts": ngettext("{n} contact person", "{n} contact persons", 2).format(n=2),
    }


def csv_file(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    lines = [";".join(HEADERS)]
    for row in rows:
        unknown = set(row) - set(HEADERS)
        assert not unknown, unknown
        lines.append(";".join(row.get(h, "") for h in HEADERS))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def shown_names(view: PartnersView) -> list[str]:
    model = view.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def open_preview(qtbot: QtBot, view: PartnersView, path: Path) -> ImportCsvDialog:
    view.import_file(path)
    qtbot.waitUntil(lambda: view.import_dialog is not None and view.import_dialog.isVisible())
    dialog = view.import_dialog
    assert dialog is not None
    return dialog


def test_a_bad_row_is_listed_and_the_rest_imported(
    db: Database, make_partner: MakePartner, partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    make_partner("Huisartsenpraktijk Borne", "gp", places=("Borne",))
    path = csv_file(
        tmp_path / "partners.csv",
        [
            {
                "Organisatie": "Basisschool De Esch",
                "Sector": "School",
                "Gemeenten": "Hengelo",
                "Expertise": "Kind & school|Opvoeding",
                "Contactpersoon": "Elia Jansen",
                "Functie": "leerkracht",
            },
            {
                "Organisatie": "Basisschool De Esch",
                "Sector": "School",
                "Gemeenten": "Hengelo",
                "Expertise": "Kind & school|Opvoeding",
                "Contactpersoon": "Ruud Bosch",
                "Functie": "intern begeleider",
            },
            {  # line 4: a bad e-mail address
                "Organisatie": "Welzijn Almelo",
                "Sector": "Welzijn",
                "Gemeenten": "Almelo",
                "E-mail": "info@@welzijn",
            },
            {  # already in the directory
                "Organisatie": "Huisartsenpraktijk Borne",
                "Sector": "Huisarts",
                "Gemeenten": "Borne",
            },
        ],
    )
    view = partners_view()
    dialog = open_preview(qtbot, view, path)

    # counts with ngettext, in a sentence whose verb does not depend on them
    assert dialog.summary.text() == _(
        "From {file} you can import {organisations} and {contacts}."
    ).format(**_counts(), file="partners.csv")
    assert dialog.errors_label.text() == ngettext(
        "{n} row has errors. Its organisation is not imported:",
        "{n} rows have errors. Their organisations are not imported:",
        1,
    ).format(n=1)
    assert not dialog.header_problem.isVisible()
    assert "UTF-8" in dialog.details.text() and ";" in dialog.details.text()
    table = dialog.errors_table
    assert table.isVisible()
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(2)] == ["4", "E-mail"]
    assert table.item(0, 2).text() == _("Enter an e-mail address like name@example.nl.")
    assert dialog.duplicates_list.isVisible()
    assert dialog.duplicates_list.count() == 1
    assert "Huisartsenpraktijk Borne" in dialog.duplicates_list.item(0).text()
    assert dialog.import_button.isEnabled()
    assert dialog.note.text() == _("Rows with errors are skipped; you can import them later.")
    # nothing is written before the person confirms
    assert svc.count_organisations(db.uow()) == 1

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_result is not None)
    assert dialog.summary.text().startswith(
        _("Imported {organisations} and {contacts}.").format(**_counts())
    )
    assert not dialog.import_button.isVisible()
    assert dialog.cancel_button.text() == _("Close")
    qtbot.waitUntil(
        lambda: shown_names(view) == ["Basisschool De Esch", "Huisartsenpraktijk Borne"]
    )
    assert view.message.text.text() == _("Imported {organisations} and {contacts}.").format(
        **_counts()
    )

    rows = svc.list_organisations(db.uow(), svc.PartnerFilter(text="esch"))
    esch = svc.get_organisation(db.uow(), rows[0].id)
    assert sorted(c.name for c in esch.contacts) == ["Elia Jansen", "Ruud Bosch"]
    assert esch.domains == ("parenting", "child_school")
    assert svc.list_organisations(db.uow(), svc.PartnerFilter(text="almelo")) == []

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.import_dialog is None)


def test_nothing_valid_means_no_import_button(
    db: Database, partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "excel.csv",
        [{"Organisatie": "Café Ons Huis", "Sector": "Onbekend", "Gemeenten": "Hengelo"}],
        encoding="cp1252",
    )
    view = partners_view()
    dialog = open_preview(qtbot, view, path)
    assert dialog.summary.text() == _("Nothing in {file} can be imported.").format(file="excel.csv")
    assert "Windows-1252" in dialog.details.text()
    assert dialog.errors_table.item(0, 1).text() == "Sector"
    assert not dialog.import_button.isEnabled()
    assert dialog.cancel_button.text() == _("Close")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert svc.count_organisations(db.uow()) == 0


def test_a_file_without_contacts_does_not_mention_them(
    partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "one.csv",
        [{"Organisatie": "Welzijn Almelo", "Sector": "Welzijn", "Gemeenten": "Almelo"}],
    )
    view = partners_view()
    dialog = open_preview(qtbot, view, path)
    assert dialog.summary.text() == _("From {file} you can import {organisations}.").format(
        file="one.csv",
        organisations=ngettext("{n} organisation", "{n} organisations", 1).format(n=1),
    )
    dialog.reject()


def test_an_unknown_column_is_a_header_problem_shown_with_every_row_error(
    db: Database, partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "messy.csv"
    lines = [
        "Organisatie;Sector;Kleur;Gemeenten;E-mail",
        "Goed Bezig;Welzijn;rood;Losser;info@goedbezig.nl",
        "Kapot;Bakkerij;blauw;Losser;",
        "Ook Kapot;School;groen;Losser;info@@kapot",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    view = partners_view()
    dialog = open_preview(qtbot, view, path)

    assert dialog.summary.text() == _(
        "Nothing in {file} can be imported until its column names are right."
    ).format(file="messy.csv")
    # the header problem is shown as such, naming the column, with what to do
    assert dialog.header_problem.isVisible()
    assert dialog.header_problem.text() == ngettext(
        "The file has a column pact does not know: {columns}.",
        "The file has columns pact does not know: {columns}.",
        1,
    ).format(columns=_("“{name}”").format(name="Kleur"))
    assert dialog.header_help.isVisible()
    assert all(header in dialog.header_help.text() for header in HEADERS)
    # every row error is listed at once, the header line is not one of them
    assert dialog.errors_label.text() == ngettext(
        "{n} row has errors as well. Correct it too:",
        "{n} rows have errors as well. Correct them too:",
        2,
    ).format(n=2)
    table = dialog.errors_table
    assert [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(2)] == [
        ("3", "Sector"),
        ("4", "E-mail"),
    ]
    assert table.rowCount() == 2
    # all or nothing: the good row is not offered for import
    assert not dialog.import_button.isEnabled()
    assert dialog.note.text() == _("Correct the file and import it again.")
    assert dialog.cancel_button.text() == _("Close")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert svc.count_organisations(db.uow()) == 0


def test_an_unreadable_file_says_why(partners_view: Build, qtbot: QtBot, tmp_path: Path) -> None:
    view = partners_view()
    missing = tmp_path / "gone.csv"
    view.import_file(missing)
    qtbot.waitUntil(lambda: view.message.isVisible())
    assert view.message.text.text().startswith(
        _("{file} cannot be imported: {reason}").format(file="gone.csv", reason="")
    )
    assert view.import_dialog is None


def test_the_open_partner_stays_in_view_after_an_import(
    make_partner: MakePartner, partners_view: Build, qtbot: QtBot, tmp_path: Path
) -> None:
    """The import adds rows before the open partner and shows a message above the
    list; the open partner's row stays visible."""
    zorg = make_partner("Zorgboerderij Klaproos")
    view = partners_view()
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.editor.organisation_id == zorg.id)
    path = csv_file(
        tmp_path / "many.csv",
        [
            {"Organisatie": f"Basisschool {n:02d}", "Sector": "School", "Gemeenten": "Almelo"}
            for n in range(60)
        ],
    )
    dialog = open_preview(qtbot, view, path)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_result is not None)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # "Close"
    qtbot.waitUntil(lambda: len(shown_names(view)) == 61)
    assert view.message.isVisible()
    current = view.table.currentIndex()
    assert current.row() == 60 and current.data(ID_ROLE) == zorg.id

    def row_visible() -> bool:
        return view.table.viewport().rect().contains(view.table.visualRect(current))

    qtbot.wait(50)  # let the layout settle after the message appeared
    qtbot.waitUntil(row_visible)
