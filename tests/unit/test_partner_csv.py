"""CSV import and export of the partner directory, on real SQLCipher databases."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pact import i18n
from pact.db.database import Database, create_database
from pact.errors import ValidationError
from pact.i18n import _, ngettext
from pact.models import Contact, Organisation
from pact.models.partner import DOMAINS, SECTORS, TWENTE_MUNICIPALITIES
from pact.services import partner_csv as pc
from pact.services import partners as p
from pact.services import validation as v
from pact.services.partners import ContactData, OrganisationData
from tests.conftest import TEST_KEY

HEADER_LINE = ";".join(pc.HEADERS)


# ---------------------------------------------------------------- helpers


def mun_ids(db: Database) -> dict[str, int]:
    return {m.name: m.id for m in p.list_municipalities(db.uow(), include_inactive=True)}


def counts(db: Database) -> tuple[int, int]:
    with db.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Organisation)) or 0,
            s.scalar(select(func.count()).select_from(Contact)) or 0,
        )


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def row(**cells: str) -> list[str]:
    """A data row by header name: row(Organisatie="X", Sector="School")."""
    by_key = {h.replace(" ", "_").replace("-", "_").lower(): h for h in pc.HEADERS}
    values = {by_key[k.lower()]: val for k, val in cells.items()}
    return [values.get(h, "") for h in pc.HEADERS]


def file_of(*rows: list[str], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    return csv_bytes([list(pc.HEADERS), *rows], delimiter, encoding)


def portable(db: Database, data: OrganisationData) -> tuple:
    """An organisation without ids/versions, municipalities by name, contacts sorted."""
    names = {mid: name for name, mid in mun_ids(db).items()}
    contacts = sorted(
        (replace(c, id=None) for c in data.contacts), key=lambda c: (v.fold(c.name), c.name)
    )
    return (
        replace(data, id=None, version=None, municipality_ids=(), contacts=()),
        sorted(names[m] for m in data.municipality_ids),
        contacts,
    )


def directory(db: Database) -> list[tuple]:
    with db.sessions() as s:
        ids = list(s.scalars(select(Organisation.id)))
    return sorted(
        (portable(db, p.get_organisation(db.uow(), oid)) for oid in ids),
        key=lambda t: (v.fold(t[0].name), t[0].name, t[1]),
    )


@contextmanager
def fresh_db() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as tmp:
        database = create_database(Path(tmp) / "pact.db", TEST_KEY)
        try:
            yield database
        finally:
            database.close()


def read_export(data: bytes, delimiter: str = ";") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def sample(db: Database) -> dict[str, OrganisationData]:
    m = mun_ids(db)
    esch = p.save_organisation(
        db.uow(),
        OrganisationData(
            name="Basisschool De Esch",
            sector="school",
            municipality_ids=(m["Hengelo"], m["Borne"]),
            domains=("child_school", "parenting"),
            offer="Leerkrachten signaleren; IB'er voert gesprekjes",
            address="Eschstraat 1\n7551 AA Hengelo",
            phone="074 123 4567",
            email="info@esch.nl",
            website="www.esch.nl",
            member_since=date(2021, 9, 1),
            notes='=HYPERLINK("http://evil")',
            contacts=(
                ContactData(name="Elia Jansen", function="leerkracht", representative=True),
                ContactData(
                    name="Anouk Ëlberts",
                    function="intern begeleider",
                    email="anouk@esch.nl",
                    phone="+31 6 1234 5678",
                    active=False,
                    notes="Werkt di | do",
                ),
            ),
        ),
    )
    buddy = p.save_organisation(
        db.uow(),
        OrganisationData(
            name="Buddy Twente",
            sector="experience_experts",
            municipality_ids=(m["Enschede"],),
            domains=("relational",),
        ),
    )
    old = p.save_organisation(
        db.uow(),
        OrganisationData(name="Advocatenkantoor Oud", sector="legal", domains=("legal",)),
    )
    old = p.set_archived(db.uow(), old.id or 0, True)
    return {"esch": esch, "buddy": buddy, "old": old}


# ---------------------------------------------------------------- export


def test_export_writes_dutch_headers_bom_semicolons_and_one_row_per_contact(db, sample):
    data = pc.export_csv(db.uow())
    assert data.startswith(b"\xef\xbb\xbf" + HEADER_LINE.encode() + b"\r\n")
    rows = read_export(data)
    assert rows[0] == list(pc.HEADERS)
    body = [dict(zip(pc.HEADERS, r, strict=True)) for r in rows[1:]]
    # sorted by organisation, then contact; archived organisations included
    assert [(r["Organisatie"], r["Contactpersoon"]) for r in body] == [
        ("Advocatenkantoor Oud", ""),
        ("Basisschool De Esch", "Anouk Ëlberts"),
        ("Basisschool De Esch", "Elia Jansen"),
        ("Buddy Twente", ""),
    ]
    old, anouk, elia, buddy = body
    assert old["Gearchiveerd"] == "ja" and old["Sector"] == "Juridisch (advocaat, mediator)"
    assert buddy["Gearchiveerd"] == "nee" and buddy["Sector"] == "Ervaringsdeskundigen / buddy"
    # no contacts: the contact columns are empty
    assert all(buddy[h] == "" for h in pc.HEADERS[12:])
    # the organisation's columns repeat on each contact row
    assert {k: anouk[k] for k in pc.HEADERS[:12]} == {k: elia[k] for k in pc.HEADERS[:12]}
    assert anouk["Gemeenten"] == "Borne|Hengelo"
    assert anouk["Expertise"] == "Opvoeding|Kind & school"
    assert anouk["Lid sinds"] == "01-09-2021"
    assert anouk["Adres"] == "Eschstraat 1\n7551 AA Hengelo"
    assert (anouk["Pactvertegenwoordiger"], anouk["Contactpersoon actief"]) == ("nee", "nee")
    assert (elia["Pactvertegenwoordiger"], elia["Contactpersoon actief"]) == ("ja", "ja")
    assert anouk["Notities contactpersoon"] == "Werkt di | do"
    # cells a spreadsheet would run as a formula get a leading apostrophe
    assert anouk["Notities"] == '\'=HYPERLINK("http://evil")'
    assert anouk["Telefoon contactpersoon"] == "'+31 6 1234 5678"
    assert anouk["Telefoon"] == "074 123 4567"


def test_export_with_comma_is_plain_utf8(db, sample):
    data = pc.export_csv(db.uow(), comma=True)
    assert data.startswith(b"Organisatie,Sector,Gemeenten,")
    rows = read_export(data, ",")
    assert len(rows) == 5 and all(len(r) == len(pc.HEADERS) for r in rows)
    # a value holding the delimiter is quoted, not split
    esch = next(r for r in rows if r[0] == "Basisschool De Esch")
    assert esch[4] == "Leerkrachten signaleren; IB'er voert gesprekjes"


def test_export_does_not_change_with_the_ui_language(db, sample):
    dutch = pc.export_csv(db.uow())
    i18n.set_language("en")
    assert pc.export_csv(db.uow()) == dutch


def test_export_sorts_ignoring_case_and_accents(db):
    for name in ("Zorg Oost", "Émaus", "aap & co"):
        p.save_organisation(db.uow(), OrganisationData(name=name, sector="other"))
    p.save_organisation(
        db.uow(),
        OrganisationData(
            name="Buurtteam",
            sector="social_team",
            contacts=tuple(ContactData(name=n) for n in ("Frank", "Émile", "anna")),
        ),
    )
    rows = read_export(pc.export_csv(db.uow()))[1:]
    assert [(r[0], r[12]) for r in rows] == [
        ("aap & co", ""),
        ("Buurtteam", "anna"),
        ("Buurtteam", "Émile"),
        ("Buurtteam", "Frank"),
        ("Émaus", ""),
        ("Zorg Oost", ""),
    ]


def test_export_of_an_empty_directory_is_the_header_line(db):
    assert pc.export_csv(db.uow()) == b"\xef\xbb\xbf" + HEADER_LINE.encode() + b"\r\n"


# ---------------------------------------------------------------- round trip


def test_export_then_import_into_a_fresh_database_round_trips(db, sample, tmp_path):
    exported = pc.export_csv(db.uow())
    target = create_database(tmp_path / "other.db", TEST_KEY)
    try:
        preview = pc.preview_import(target.uow(), exported)
        assert preview.ok and preview.duplicates == ()
        assert (preview.rows, preview.encoding, preview.delimiter) == (4, "utf-8-sig", ";")
        result = pc.apply_import(target.uow(), preview)
        assert (result.organisations, result.contacts, result.skipped) == (3, 2, ())
        assert directory(target) == directory(db)
        assert pc.export_csv(target.uow()) == exported
        # archived stays archived: hidden from the default list
        assert [r.name for r in p.list_organisations(target.uow())] == [
            "Basisschool De Esch",
            "Buddy Twente",
        ]
    finally:
        target.close()


def test_comma_export_round_trips_too(db, sample, tmp_path):
    exported = pc.export_csv(db.uow(), comma=True)
    target = create_database(tmp_path / "other.db", TEST_KEY)
    try:
        preview = pc.preview_import(target.uow(), exported)
        assert (preview.encoding, preview.delimiter, preview.ok) == ("utf-8", ",", True)
        pc.apply_import(target.uow(), preview)
        assert directory(target) == directory(db)
    finally:
        target.close()


def test_importing_the_same_file_again_skips_everything_as_duplicates(db, sample):
    before = counts(db)
    preview = pc.preview_import(db.uow(), pc.export_csv(db.uow()))
    assert preview.ok and preview.organisations == ()
    assert len(preview.duplicates) == 3
    result = pc.apply_import(db.uow(), preview)
    assert result.organisations == 0 and len(result.skipped) == 3
    assert counts(db) == before


# ---------------------------------------------------------------- encodings and delimiters

ACCENTED = [
    row(
        Organisatie="Café Ëlsbeth",
        Sector="Welzijn",
        Gemeenten="Hof van Twente",
        # € ’ – exist in Windows-1252 but not in Latin-1
        Aanbod="Koffie voor €1 – ’s ochtends",
        Contactpersoon="Renée Brüggemann",
        Functie="coördinator",
    ),
    row(
        Organisatie="Café Ëlsbeth",
        Sector="Welzijn",
        Gemeenten="hof van twente",
        Aanbod="Koffie voor €1 – ’s ochtends",
        Contactpersoon="Zoë de Wit",
    ),
]


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("cp1252", "cp1252"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")],
)
@pytest.mark.parametrize("delimiter", [";", ","])
def test_import_reads_both_encodings_and_both_delimiters(db, encoding, reported, delimiter):
    data = file_of(*ACCENTED, delimiter=delimiter, encoding=encoding)
    if encoding == "cp1252":
        assert "é".encode("cp1252") in data  # really Windows-1252, not UTF-8
    preview = pc.preview_import(db.uow(), data)
    assert (preview.encoding, preview.delimiter) == (reported, delimiter)
    assert preview.ok, preview.errors
    pc.apply_import(db.uow(), preview)
    (org,) = p.list_organisations(db.uow())
    assert org.name == "Café Ëlsbeth" and org.municipalities == ("Hof van Twente",)
    full = p.get_organisation(db.uow(), org.id)
    assert full.offer == "Koffie voor €1 – ’s ochtends"
    assert [(c.name, c.function) for c in full.contacts] == [
        ("Renée Brüggemann", "coördinator"),
        ("Zoë de Wit", ""),
    ]


def test_excel_style_cp1252_file_with_crlf_and_quotes(db):
    text = (
        "Organisatie;Sector;Gemeenten;Expertise;Notities\r\n"
        'Stichting Één;GGZ;Almelo;Opvoeding|Veiligheid;"Zegt: ""hé"";\r\nnieuwe regel"\r\n'
        ";;;;\r\n"  # an empty row as Excel writes it
    )
    preview = pc.preview_import(db.uow(), text.encode("cp1252"))
    assert preview.ok and preview.rows == 1 and preview.encoding == "cp1252"
    (org,) = preview.organisations
    assert org.notes == 'Zegt: "hé";\r\nnieuwe regel'
    assert org.sector == "mental_health" and org.domains == ("parenting", "safety")


# ---------------------------------------------------------------- bad input: nothing changes


def test_bad_rows_change_nothing_and_are_reported_per_row(db, sample):
    before_counts, before_export = counts(db), pc.export_csv(db.uow())
    data = file_of(
        row(Organisatie="Goed Bezig", Sector="Welzijn", Gemeenten="Losser"),  # line 2: fine
        row(Organisatie="Slecht", Sector="Bakkerij"),  # 3: unknown sector
        row(Organisatie="Nergens", Sector="School", Gemeenten="Atlantis"),  # 4
        row(Organisatie="Telefoon", Sector="School", Telefoon="12345"),  # 5
        row(Organisatie="", Sector="School", Contactpersoon="Wie"),  # 6: no name
        row(Organisatie="Datum", Sector="School", Lid_sinds="31-02-2020"),  # 7
        row(Organisatie="Mail", Sector="School", E_mail_contactpersoon="x@", Contactpersoon="X"),
        row(Organisatie="Vlag", Sector="School", Gearchiveerd="misschien"),  # 9
        row(Organisatie="Toekomst", Sector="School", Lid_sinds="2999-01-01"),  # 10
    )
    preview = pc.preview_import(db.uow(), data)
    assert not preview.ok and preview.rows == 9
    where = {(e.line, e.column) for e in preview.errors}
    assert where == {
        (3, "Sector"),
        (4, "Gemeenten"),
        (5, "Telefoon"),
        (6, "Organisatie"),
        (7, "Lid sinds"),
        (8, "E-mail contactpersoon"),
        (9, "Gearchiveerd"),
        (10, "Lid sinds"),
    }
    messages = {(e.line, e.message) for e in preview.errors}
    assert (4, _("Unknown municipality “{name}”.").format(name="Atlantis")) in messages
    assert (6, _("This field is required.")) in messages
    assert (10, _("This date lies in the future.")) in messages
    assert (8, v.email("x@")) in messages
    # only the good organisation would be imported
    assert [o.name for o in preview.organisations] == ["Goed Bezig"]

    # the command line: all or nothing
    with pytest.raises(ValidationError) as info:
        pc.apply_import(db.uow(), preview)
    assert any("Atlantis" in e.message for e in info.value.errors)
    assert counts(db) == before_counts
    assert pc.export_csv(db.uow()) == before_export

    # the GUI after confirmation: only the valid organisations
    result = pc.apply_import(db.uow(), preview, skip_bad=True)
    assert (result.organisations, result.contacts) == (1, 0)
    assert counts(db) == (before_counts[0] + 1, before_counts[1])


def test_describe_names_the_line_and_column():
    error = pc.RowError(4, "Gemeenten", "Unknown municipality “Atlantis”.")
    text = pc.describe(error)
    assert "4" in text and "Gemeenten" in text and "Atlantis" in text
    assert "7" in pc.describe(pc.RowError(7, None, "x"))


def test_one_bad_row_keeps_its_whole_organisation_out(db):
    data = file_of(
        row(Organisatie="Sportclub", Sector="Sport", Gemeenten="Wierden", Contactpersoon="Piet"),
        row(
            Organisatie="Sportclub",
            Sector="Sport",
            Gemeenten="Wierden",
            Contactpersoon="Klaas",
            Telefoon_contactpersoon="999",
        ),
        row(Organisatie="Sportclub", Sector="Sport", Gemeenten="Rijssen-Holten"),  # another one
    )
    preview = pc.preview_import(db.uow(), data)
    assert [(e.line, e.column) for e in preview.errors] == [(3, "Telefoon contactpersoon")]
    # the Sportclub in Wierden is left out; the one in Rijssen-Holten is fine
    assert [(o.name, len(o.contacts)) for o in preview.organisations] == [("Sportclub", 0)]
    pc.apply_import(db.uow(), preview, skip_bad=True)
    assert [r.municipalities for r in p.list_organisations(db.uow())] == [("Rijssen-Holten",)]


def test_unknown_header_is_an_error_on_line_one_and_nothing_is_imported(db):
    data = csv_bytes(
        [
            ["Organisatie", "Sector", "Schoenmaat", "Gemeenten"],
            ["Goed Bezig", "Welzijn", "44", "Losser"],
        ]
    )
    preview = pc.preview_import(db.uow(), data)
    (error,) = preview.errors
    assert (error.line, error.column) == (pc.HEADER_LINE, None)
    # the message names the column and lists every column pact knows
    assert "“Schoenmaat”" in error.message
    assert all(header in error.message for header in pc.HEADERS)
    assert preview.header_errors == (error,) and preview.row_errors == ()
    assert preview.unknown_columns == ("Schoenmaat",)
    assert not preview.ok
    assert preview.organisations == () and preview.rows == 1
    with pytest.raises(ValidationError):
        pc.apply_import(db.uow(), preview)
    assert pc.apply_import(db.uow(), preview, skip_bad=True).organisations == 0
    assert counts(db) == (0, 0)


def test_rows_are_checked_even_when_the_header_is_bad(db):
    """All problems at once: the unknown columns and every bad row, read with the
    columns that were recognised. Still nothing can be imported."""
    data = csv_bytes(
        [
            ["Organisatie", "Kleur", "Sector", "Gemeenten", "Maat", "Telefoon"],
            ["Goed Bezig", "rood", "Welzijn", "Losser", "44", "053 123 45 67"],
            ["Kapot", "blauw", "Bakkerij", "Losser", "", "053 123 45 67"],
            ["", "groen", "School", "Nergenshuizen", "", "bel maar"],
        ]
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.unknown_columns == ("Kleur", "Maat")
    (header_error,) = preview.header_errors
    assert "“Kleur”, “Maat”" in header_error.message
    assert header_error.message == ngettext(
        "Unknown column {columns}. Rename or remove it. The columns pact knows are: {headers}.",
        "Unknown columns {columns}. Rename or remove them. The columns pact knows are: {headers}.",
        2,
    ).format(columns="“Kleur”, “Maat”", headers=", ".join(pc.HEADERS))
    assert [(e.line, e.column) for e in preview.row_errors] == [
        (3, "Sector"),
        (4, "Organisatie"),
        (4, "Gemeenten"),
        (4, "Telefoon"),
    ]
    assert preview.errors == preview.header_errors + preview.row_errors  # header first
    assert preview.organisations == () and preview.duplicates == () and preview.rows == 3
    assert pc.apply_import(db.uow(), preview, skip_bad=True).organisations == 0
    assert counts(db) == (0, 0)


def test_missing_and_repeated_headers(db):
    preview = pc.preview_import(db.uow(), csv_bytes([["Organisatie", "Gemeenten", "gemeenten"]]))
    assert {(e.line, e.column) for e in preview.errors} == {(1, "Sector"), (1, "gemeenten")}
    assert preview.missing_columns == ("Sector",)
    assert preview.repeated_columns == ("gemeenten",)


def test_a_missing_column_is_reported_once_not_on_every_row(db):
    data = csv_bytes(
        [
            ["Organisatie", "Gemeenten"],
            ["Goed Bezig", "Losser"],
            ["Ook Goed", "Nergenshuizen"],
        ]
    )
    preview = pc.preview_import(db.uow(), data)
    assert [(e.line, e.column) for e in preview.errors] == [(1, "Sector"), (3, "Gemeenten")]
    assert preview.organisations == ()


def test_headers_match_loosely_and_order_does_not_matter(db):
    data = csv_bytes(
        [
            ["  SECTOR ", "organisatie", "Email", "e-mail CONTACTPERSOON", "contactpersoon"],
            ["School", "De Toren", "info@toren.nl", "jan@toren.nl", "Jan"],
        ]
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok, preview.errors
    (org,) = preview.organisations
    assert (org.name, org.email, org.contacts[0].email) == (
        "De Toren",
        "info@toren.nl",
        "jan@toren.nl",
    )


def test_extra_cells_and_unnamed_columns(db):
    data = csv_bytes(
        [
            ["Organisatie", "Sector", ""],
            ["Leeg", "School", ""],  # empty cell in an unnamed column: fine
            ["Vol", "School", "iets"],
            ["Lang", "School", "", "meer"],
        ]
    )
    preview = pc.preview_import(db.uow(), data)
    assert [(e.line, e.column) for e in preview.errors] == [(3, None), (4, None)]
    assert [o.name for o in preview.organisations] == ["Leeg"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b" \r\n\r\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "Organisatie;Sector".encode("utf-16"),
        b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx workbook
        b"naam,tel\r\nJan,0612345678\r\n",  # no known header at all
        b"\xef\xbb\xbfOrganisatie;Sector\r\n\xff\xfe;school\r\n",  # a BOM, but not UTF-8
    ],
)
def test_unreadable_files_raise_csv_format_error(db, data):
    with pytest.raises(pc.CsvFormatError) as info:
        pc.preview_import(db.uow(), data)
    assert str(info.value)  # a message for the user
    assert counts(db) == (0, 0)


# ---------------------------------------------------------------- grouping and duplicates


def test_rows_of_one_organisation_group_into_one_with_several_contacts(db):
    base = {"Organisatie": "Wijkteam Noord", "Sector": "Sociaal team", "Gemeenten": "Almelo"}
    data = file_of(
        row(**base, Contactpersoon="Bram"),
        row(**{**base, "Organisatie": "wijkteam  NOORD "}, Contactpersoon="Ans"),
        row(**{**base, "Gemeenten": "Almelo|Wierden"}, Contactpersoon="Cor"),  # line 4
        row(**{**base, "Sector": "Welzijn"}, Contactpersoon="Dirk"),  # line 5
        row(**base, Contactpersoon="Bram"),  # line 6: repeats line 2
        row(**base),  # line 7: the organisation once more without a contact: harmless
    )
    preview = pc.preview_import(db.uow(), data)
    # line 3 names the organisation differently (capitals): its columns must agree
    assert [(e.line, e.column) for e in preview.errors] == [
        (3, "Organisatie"),
        (4, "Gemeenten"),
        (5, "Sector"),
    ]
    assert preview.errors[0].message == _(
        "This row belongs to “{name}” of line {first}, but this column differs from that line."
    ).format(name="Wijkteam Noord", first=2)
    assert preview.duplicates == (
        _("Line {line} repeats line {first}; it was skipped.").format(line=6, first=2),
    )
    # the group has bad rows, so nothing is importable
    assert preview.organisations == ()


def test_agreeing_rows_make_one_organisation(db):
    base = {"Organisatie": "Wijkteam Noord", "Sector": "Sociaal team", "Gemeenten": "Almelo"}
    data = file_of(
        row(**base, Contactpersoon="Bram", Pactvertegenwoordiger="ja"),
        row(**{**base, "Gemeenten": "ALMELO", "Sector": "social_team"}, Contactpersoon="Ans"),
        row(**base, Contactpersoon="Bram", Pactvertegenwoordiger="ja"),  # repeats line 2
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok and len(preview.duplicates) == 1
    (org,) = preview.organisations
    assert [(c.name, c.representative) for c in org.contacts] == [("Bram", True), ("Ans", False)]
    result = pc.apply_import(db.uow(), preview)
    assert (result.organisations, result.contacts) == (1, 2)
    assert result.skipped == preview.duplicates


def test_same_contact_name_with_other_details_is_an_error(db):
    base = {"Organisatie": "GGD", "Sector": "Overig"}
    data = file_of(
        row(**base, Contactpersoon="Sanne", Functie="arts"),
        row(**base, Contactpersoon="sanne", Functie="verpleegkundige"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.errors == (
        pc.RowError(3, "Contactpersoon", _("This contact person is listed twice.")),
    )
    assert preview.organisations == ()


def test_same_name_in_other_municipalities_are_different_organisations(db):
    data = file_of(
        row(Organisatie="Humanitas", Sector="Welzijn", Gemeenten="Almelo"),
        row(Organisatie="Humanitas", Sector="Welzijn", Gemeenten="Borne"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok and len(preview.organisations) == 2
    assert pc.apply_import(db.uow(), preview).organisations == 2


def test_organisations_already_in_the_database_are_skipped_and_reported(db, sample):
    m = mun_ids(db)
    before = counts(db)
    data = file_of(
        # same name (other capitals/accents), shares Hengelo: a duplicate
        row(Organisatie="basisschool de ésch", Sector="School", Gemeenten="Hengelo"),
        # same name in another municipality: new
        row(Organisatie="Basisschool De Esch", Sector="School", Gemeenten="Tubbergen"),
        # the archived one: skipped, with the hint to restore it
        row(Organisatie="Advocatenkantoor Oud", Sector="Juridisch", Contactpersoon="Mr. Vos"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok
    assert [o.municipality_ids for o in preview.organisations] == [(m["Tubbergen"],)]
    assert len(preview.duplicates) == 2
    assert preview.duplicates[0] == _("Line {line}: {reason} It was not imported.").format(
        line=2,
        reason=_("An organisation named “{name}” already works in {where}.").format(
            name="Basisschool De Esch", where="Hengelo"
        ),
    )
    archived_hint = _(
        "An archived organisation named “{name}” already works in {where}. Restore it instead."
    ).format(name="Advocatenkantoor Oud", where=_("the same area"))
    assert archived_hint in preview.duplicates[1]
    result = pc.apply_import(db.uow(), preview)
    assert result.organisations == 1 and result.skipped == preview.duplicates
    assert counts(db) == (before[0] + 1, before[1])


def test_a_duplicate_that_appears_after_the_preview_is_skipped_not_doubled(db):
    m = mun_ids(db)
    data = file_of(
        row(Organisatie="Kinderopvang Zon", Sector="Kinderopvang", Gemeenten="Oldenzaal"),
        row(Organisatie="Kinderopvang Maan", Sector="Kinderopvang", Gemeenten="Oldenzaal"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert len(preview.organisations) == 2
    # someone adds the same organisation in the editor in the meantime
    p.save_organisation(
        db.uow(),
        OrganisationData(
            name="Kinderopvang Zon", sector="childcare", municipality_ids=(m["Oldenzaal"],)
        ),
    )
    result = pc.apply_import(db.uow(), preview)
    assert result.organisations == 1
    assert len(result.skipped) == 1 and "Kinderopvang Zon" in result.skipped[0]
    assert counts(db) == (2, 0)


def test_import_revalidates_inside_the_transaction_all_or_nothing(db):
    data = file_of(
        row(Organisatie="Eerste", Sector="School"),
        row(Organisatie="Tweede", Sector="School"),
    )
    preview = pc.preview_import(db.uow(), data)
    broken = replace(
        preview,
        organisations=(
            preview.organisations[0],
            replace(preview.organisations[1], sector="bakery"),
        ),
    )
    with pytest.raises(ValidationError) as info:
        pc.apply_import(db.uow(), broken, skip_bad=True)
    assert "Tweede" in info.value.errors[0].message
    assert counts(db) == (0, 0)  # the first one was rolled back too


# ---------------------------------------------------------------- cell values


def test_values_in_dutch_labels_english_codes_and_variants(db):
    data = file_of(
        row(
            Organisatie="Codes",
            Sector="youth_care",
            Gemeenten=" enschede | HENGELO |",
            Expertise="legal|Psycho-educatie| kind en school ",
            Lid_sinds="2020-03-05",
            Gearchiveerd="WAAR",
            Contactpersoon="A",
            Pactvertegenwoordiger="yes",
            Contactpersoon_actief="0",
        ),
        row(
            Organisatie="Labels",
            Sector="jeugdbescherming",
            Lid_sinds="5-3-2020",
            Gearchiveerd="nee",
            Contactpersoon="B",
            Pactvertegenwoordiger="",
            Contactpersoon_actief="",
        ),
        row(Organisatie="Datum", Sector="Overig", Lid_sinds="05/03/2020"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok, preview.errors
    codes, labels, datum = preview.organisations
    m = mun_ids(db)
    assert codes.sector == "youth_care"
    assert codes.municipality_ids == tuple(sorted((m["Enschede"], m["Hengelo"])))
    assert codes.domains == ("legal", "psychoeducation", "child_school")
    assert codes.member_since == labels.member_since == datum.member_since == date(2020, 3, 5)
    assert codes.archived and not labels.archived
    assert (codes.contacts[0].representative, codes.contacts[0].active) == (True, False)
    # blank = the default: not a representative, active
    assert (labels.contacts[0].representative, labels.contacts[0].active) == (False, True)
    assert labels.sector == "youth_protection"


def test_every_sector_and_domain_label_is_read_back():
    for code in SECTORS:
        assert pc._SECTOR_LOOKUP[pc._key(pc.SECTOR_LABELS_NL[code])] == code
    for code in DOMAINS:
        assert pc._DOMAIN_LOOKUP[pc._key(pc.DOMAIN_LABELS_NL[code])] == code


def test_unknown_domain_and_bad_boolean_are_row_errors(db):
    data = file_of(
        row(Organisatie="X", Sector="School", Expertise="Koken|Juridisch"),
        row(Organisatie="Y", Sector="School", Contactpersoon="Z", Contactpersoon_actief="soms"),
    )
    preview = pc.preview_import(db.uow(), data)
    assert [(e.line, e.column) for e in preview.errors] == [
        (2, "Expertise"),
        (3, "Contactpersoon actief"),
    ]
    assert "Koken" in preview.errors[0].message


def test_contact_columns_without_a_name_are_an_error(db):
    data = file_of(row(Organisatie="X", Sector="School", Functie="directeur"))
    preview = pc.preview_import(db.uow(), data)
    assert preview.errors == (pc.RowError(2, "Contactpersoon", _("This field is required.")),)


def test_excel_dropped_leading_zero_is_restored(db):
    data = file_of(
        row(
            Organisatie="X",
            Sector="School",
            Telefoon="612345678",
            Contactpersoon="Y",
            Telefoon_contactpersoon="'+31 6 1234 5678",
        ),
    )
    preview = pc.preview_import(db.uow(), data)
    assert preview.ok
    (org,) = preview.organisations
    assert org.phone == "0612345678"
    assert org.contacts[0].phone == "+31 6 1234 5678"


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+31 6", "-5", "@SUM(A1)", "\tx", "'=1+1", "''+x", "'plain", "plain", "", "'"],
)
def test_formula_escape_is_undone_by_import(text):
    escaped = pc.escape_cell(text)
    assert pc.unescape_cell(escaped) == text
    assert escaped[:1] not in ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- property-based

# letters with Dutch accents, CSV specials, formula triggers, and any other printable text
SPECIAL = list("aeiouyAEIOUY éëèêïöüçñÉËÏÖÜ;,|\"'=+-@&()/.0123456789")
CHARS = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")),
)
NOTE_PARTS = st.one_of(CHARS, st.sampled_from(["\n", "\r\n", "\r", "\t"]))


def _text(min_size: int = 0, max_size: int = 25) -> st.SearchStrategy[str]:
    return st.text(CHARS, min_size=min_size, max_size=max_size)


NAMES = _text(1, 30).filter(lambda s: not v.required(s))
NOTES = st.lists(NOTE_PARTS, max_size=60).map("".join)  # text with line breaks
PHONES = st.sampled_from(
    ["", "06 12345678", "+31 6 1234 5678", "053-1234567", "14 053", "0800-1234"]
)
EMAILS = st.sampled_from(["", "a@b.nl", "info@een-twee.nl", "x.y+z@example.com"])
SITES = st.sampled_from(["", "www.example.nl", "https://example.nl/pad?x=1;y=2"])
DATES = st.one_of(st.none(), st.dates(date(1900, 1, 1), date.today()))

contacts_st = st.lists(
    st.builds(
        ContactData,
        name=NAMES,
        function=_text(),
        email=EMAILS,
        phone=PHONES,
        representative=st.booleans(),
        active=st.booleans(),
        notes=NOTES,
    ),
    max_size=3,
    unique_by=lambda c: v.fold(c.name),
)

organisations_st = st.lists(
    st.builds(
        OrganisationData,
        name=NAMES,
        sector=st.sampled_from(SECTORS),
        municipality_ids=st.lists(st.sampled_from(TWENTE_MUNICIPALITIES), max_size=3).map(tuple),
        domains=st.lists(st.sampled_from(DOMAINS), max_size=4, unique=True).map(tuple),
        offer=NOTES,
        address=NOTES,
        phone=PHONES,
        email=EMAILS,
        website=SITES,
        member_since=DATES,
        notes=NOTES,
        contacts=contacts_st.map(tuple),
        archived=st.booleans(),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda o: v.fold(o.name) or o.name,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs=organisations_st, comma=st.booleans())
def test_property_random_directories_survive_export_and_import(orgs, comma):
    with fresh_db() as source, fresh_db() as target:
        m = mun_ids(source)
        for org in orgs:
            data = replace(org, municipality_ids=tuple(m[n] for n in org.municipality_ids))
            try:
                p.save_organisation(source.uow(), data)
            except ValidationError:
                assume(False)  # e.g. two names that fold to the same key
        exported = pc.export_csv(source.uow(), comma=comma)
        preview = pc.preview_import(target.uow(), exported)
        assert preview.errors == () and preview.duplicates == ()
        pc.apply_import(target.uow(), preview)
        assert directory(target) == directory(source)
        assert pc.export_csv(target.uow(), comma=comma) == exported


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_property_garbage_bytes_never_crash_and_never_write(db, data):
    try:
        preview = pc.preview_import(db.uow(), data)
    except pc.CsvFormatError as exc:
        assert str(exc)
        event("CsvFormatError")
        return
    event("read as CSV")
    assert isinstance(preview.errors, tuple)
    assert counts(db) == (0, 0)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=600),
    delimiter=st.sampled_from([";", ","]),
    bom=st.booleans(),
)
def test_property_valid_header_then_garbage_never_crashes_and_never_writes(
    db, body, delimiter, bom
):
    data = (b"\xef\xbb\xbf" if bom else b"") + delimiter.join(pc.HEADERS).encode() + b"\r\n" + body
    try:
        preview = pc.preview_import(db.uow(), data)
    except pc.CsvFormatError as exc:
        assert str(exc)
        event("CsvFormatError")
        return
    event("errors" if preview.errors else "no errors")
    assert preview.delimiter == delimiter
    if preview.errors:
        with pytest.raises(ValidationError):
            pc.apply_import(db.uow(), preview)
    assert counts(db) == (0, 0)


CELL = st.lists(
    st.one_of(
        st.sampled_from(list(";,|\"'\n\r =+-@")),
        st.sampled_from(["ja", "nee", "School", "Hengelo", "2020-01-01", "31-12-2020", "x@y.nl"]),
        st.characters(codec="cp1252", exclude_categories=("Cs",)),
    ),
    max_size=6,
).map("".join)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from([*pc.HEADERS, "Onbekend"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=6),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_property_random_csv_rows_give_errors_or_organisations_never_partial_writes(
    db, header, rows, delimiter, encoding
):
    data = csv_bytes([header, *rows], delimiter, encoding)
    before = counts(db)
    try:
        preview = pc.preview_import(db.uow(), data)
    except pc.CsvFormatError:
        event("not readable as CSV")
        assert counts(db) == before
        return
    event("errors" if preview.errors else "no errors")
    event("organisations to import" if preview.organisations else "nothing to import")
    assert counts(db) == before  # a preview never writes
    if preview.header_errors:
        assert preview.organisations == ()  # a bad header keeps the whole file out
    for error in preview.errors:
        assert error.line >= 1 and error.message
    if preview.errors:
        with pytest.raises(ValidationError):
            pc.apply_import(db.uow(), preview)
        assert counts(db) == before
    result = pc.apply_import(db.uow(), preview, skip_bad=True)
    assert result.organisations == len(preview.organisations) - len(
        [s for s in result.skipped if s not in preview.duplicates]
    )
    assert counts(db)[0] == before[0] + result.organisations
