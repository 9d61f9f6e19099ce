"""CSV import and export of the partner directory (sociale kaart). No Qt.

The file format is fixed and Dutch, whatever the UI language: the column
headers (``HEADERS``), the sector and expertise labels, ``ja``/``nee`` and
dates as ``dd-mm-jjjj``. One row per contact person with the organisation's
columns repeated; an organisation without contacts has one row with empty
contact columns; several values in one cell are separated by ``|``.

Export writes UTF-8 with a BOM and ``;`` (what Dutch Excel opens directly), or
plain UTF-8 with ``,``. Import reads UTF-8 with or without BOM and
Windows-1252 (what Dutch Excel's "CSV (gescheiden door lijstscheidingsteken)"
writes), with ``;`` or ``,``; it also accepts the English codes of sectors and
domains and ISO dates.

Spreadsheet formula injection: a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (after any leading apostrophes) is written
with one extra leading apostrophe, so a spreadsheet shows it as text instead
of running it as a formula. The import removes exactly that one apostrophe
again, so export -> import returns the same text (also for text that itself
starts with apostrophes).

Import rules: rows with the same organisation name (case- and
accent-insensitive) and the same municipalities form one organisation; its
columns must agree on every row. An organisation is imported with all its
rows or not at all: one bad row keeps the whole organisation out. Rows of an
organisation that already exists (the editor's duplicate rule) and rows that
repeat an earlier row exactly are skipped and reported, not errors.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pact.db.uow import UnitOfWork
from pact.errors import FieldError, PactError, ValidationError
from pact.i18n import _, ngettext
from pact.models import Municipality, Organisation
from pact.models.partner import DOMAINS, SECTORS
from pact.services import audit
from pact.services import partners as p
from pact.services import validation as v
from pact.services.partners import ContactData, OrganisationData

# ---------------------------------------------------------------- the format

# (key, header): the key names the field of OrganisationData / ContactData
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Organisatie"),
    ("sector", "Sector"),
    ("municipalities", "Gemeenten"),
    ("domains", "Expertise"),
    ("offer", "Aanbod"),
    ("address", "Adres"),
    ("phone", "Telefoon"),
    ("email", "E-mail"),
    ("website", "Website"),
    ("member_since", "Lid sinds"),
    ("archived", "Gearchiveerd"),
    ("notes", "Notities"),
    ("contact.name", "Contactpersoon"),
    ("contact.function", "Functie"),
    ("contact.email", "E-mail contactpersoon"),
    ("contact.phone", "Telefoon contactpersoon"),
    ("contact.representative", "Pactvertegenwoordiger"),
    ("contact.active", "Contactpersoon actief"),
    ("contact.notes", "Notities contactpersoon"),
)

HEADERS: tuple[str, ...] = tuple(header for _key, header in _COLUMNS)
HEADER_LINE = 1  # the column headers are always the file's first line
_HEADER = dict(_COLUMNS)  # key -> header
_REQUIRED = ("name", "sector")

# Fixed Dutch labels: CSV values must not change with the UI language.
SECTOR_LABELS_NL: dict[str, str] = {
    "school": "School",
    "childcare": "Kinderopvang",
    "gp": "Huisarts",
    "mental_health": "GGZ",
    "welfare": "Welzijn",
    "youth_care": "Jeugdhulp",
    "youth_protection": "Jeugdbescherming",
    "social_team": "Sociaal team",
    "legal": "Juridisch (advocaat, mediator)",
    "financial": "Financieel (schuldhulpverlening)",
    "experience_experts": "Ervaringsdeskundigen / buddy",
    "sports": "Sport / vereniging",
    "other": "Overig",
}
DOMAIN_LABELS_NL: dict[str, str] = {
    "legal": "Juridisch",
    "relational": "Relationeel",
    "parenting": "Opvoeding",
    "safety": "Veiligheid",
    "financial": "Financieel",
    "psychoeducation": "Psycho-educatie",
    "child_school": "Kind & school",
}
# other spellings people type
_SECTOR_ALIASES: dict[str, str] = {
    "Geestelijke gezondheidszorg": "mental_health",
    "Gemeentelijk sociaal team": "social_team",
    "Wijkteam": "social_team",
    "Juridisch": "legal",
    "Advocaat": "legal",
    "Mediator": "legal",
    "Financieel": "financial",
    "Schuldhulpverlening": "financial",
    "Ervaringsdeskundigen": "experience_experts",
    "Buddy": "experience_experts",
    "Sport": "sports",
    "Vereniging": "sports",
    "Jeugdzorg": "youth_care",
    "Anders": "other",
}
_DOMAIN_ALIASES: dict[str, str] = {
    "Psychoeducatie": "psychoeducation",
    "Kind en school": "child_school",
}
assert tuple(SECTOR_LABELS_NL) == SECTORS
assert tuple(DOMAIN_LABELS_NL) == DOMAINS

SEPARATOR = "|"
YES, NO = "ja", "nee"
_TRUE = {"ja", "j", "yes", "y", "1", "waar", "true"}
_FALSE = {"nee", "n", "no", "0", "onwaar", "false"}
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NL_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_BATCH = 500
_T = TypeVar("_T")


def _key(text: str) -> str:
    """Loose form for matching headers and labels: folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", v.fold(text))


_HEADER_LOOKUP = {_key(header): key for key, header in _COLUMNS}
_SECTOR_LOOKUP = {
    **{_key(code): code for code in SECTORS},
    **{_key(label): code for label, code in _SECTOR_ALIASES.items()},
    **{_key(label): code for code, label in SECTOR_LABELS_NL.items()},
}
_DOMAIN_LOOKUP = {
    **{_key(code): code for code in DOMAINS},
    **{_key(label): code for label, code in _DOMAIN_ALIASES.items()},
    **{_key(label): code for code, label in DOMAIN_LABELS_NL.items()},
}


# ---------------------------------------------------------------- results


class CsvFormatError(PactError):
    """The file cannot be read as a CSV file at all (empty, binary, no header line)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file; the header line is 1
    column: str | None  # the column header, or None for the whole row
    message: str


@dataclass(frozen=True)
class ImportPreview:
    """What a file would import. ``errors`` holds every problem, those of the header
    line (``HEADER_LINE``) first. A problem in the header keeps the whole file out:
    ``organisations`` is then empty, but the rows are still checked (with the columns
    that were recognised), so every row's errors are known at once.
    ``unknown_columns``, ``missing_columns`` and ``repeated_columns`` name the header's
    problems, as written in the file (missing ones as ``HEADERS`` spells them)."""

    organisations: tuple[OrganisationData, ...]
    errors: tuple[RowError, ...]
    duplicates: tuple[str, ...]
    rows: int
    encoding: str
    delimiter: str
    unknown_columns: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    repeated_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def header_errors(self) -> tuple[RowError, ...]:
        return tuple(e for e in self.errors if e.line == HEADER_LINE)

    @property
    def row_errors(self) -> tuple[RowError, ...]:
        return tuple(e for e in self.errors if e.line != HEADER_LINE)


@dataclass(frozen=True)
class ImportResult:
    organisations: int
    contacts: int
    skipped: tuple[str, ...]


def describe(error: RowError) -> str:
    """One line for a person: where the problem is and what it is."""
    if error.column:
        return _("Line {line}, column “{column}”: {message}").format(
            line=error.line, column=error.column, message=error.message
        )
    return _("Line {line}: {message}").format(line=error.line, message=error.message)


# ---------------------------------------------------------------- cells


def escape_cell(text: str) -> str:
    """Keep spreadsheets from running the cell as a formula (see the module doc)."""
    return "'" + text if _FORMULA.match(text) else text


def unescape_cell(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA.match(text) else text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def format_date(value: date | None) -> str:
    return "" if value is None else f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def parse_date(text: str) -> date | None:
    """ISO (2020-12-31) or Dutch (31-12-2020, 31/12/2020, 31.12.2020). Raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if m := _ISO_DATE.fullmatch(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _NL_DATE.fullmatch(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise ValueError(text)
    return date(y, mo, d)


def parse_bool(text: str, default: bool) -> bool:
    """ja/nee (also yes/no, 1/0, waar/onwaar, true/false); blank = ``default``.
    Raises ValueError."""
    word = v.fold(text)
    if not word:
        return default
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(text)


def _bool_cell(value: bool) -> str:
    return YES if value else NO


def _repair_phone(text: str) -> str:
    """Excel reads 0612345678 as a number and writes it back as 612345678:
    give a nine-digit number without its leading zero the zero back."""
    stripped = text.strip()
    if re.fullmatch(r"[1-9][0-9]{8}", stripped):
        return "0" + stripped
    return text


# ---------------------------------------------------------------- export


def _organisation_cells(o: Organisation) -> list[str]:
    domains = {link.domain for link in o.domain_links}
    return [
        o.name,
        SECTOR_LABELS_NL.get(o.sector, o.sector),
        SEPARATOR.join(m.name for m in o.municipalities),
        SEPARATOR.join(DOMAIN_LABELS_NL[d] for d in DOMAINS if d in domains),
        o.offer,
        o.address,
        o.phone,
        o.email,
        o.website,
        format_date(o.member_since),
        _bool_cell(o.archived),
        o.notes,
    ]


def _batches(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def export_csv(uow: UnitOfWork, comma: bool = False) -> bytes:
    """The whole directory (archived organisations included), sorted by organisation
    then contact. UTF-8 with BOM and ``;``; ``comma=True``: UTF-8 without BOM and ``,``.
    The export is logged (audit event export, as the session's acting user)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter="," if comma else ";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    no_contact = [""] * (len(HEADERS) - 12)
    with uow:
        s = uow.session
        ids = list(
            s.scalars(select(Organisation.id).order_by(Organisation.name_key, Organisation.id))
        )
        for batch in _batches(ids, _BATCH):
            loaded = s.scalars(
                select(Organisation)
                .where(Organisation.id.in_(batch))
                .options(
                    selectinload(Organisation.municipalities),
                    selectinload(Organisation.domain_links),
                    selectinload(Organisation.contacts),
                )
            ).all()
            by_id = {o.id: o for o in loaded}
            for oid in batch:
                o = by_id[oid]
                cells = _organisation_cells(o)
                contacts = sorted(o.contacts, key=lambda c: (v.fold(c.name), c.name, c.id))
                rows = [
                    [
                        c.name,
                        c.function,
                        c.email,
                        c.phone,
                        _bool_cell(c.representative),
                        _bool_cell(c.active),
                        c.notes,
                    ]
                    for c in contacts
                ] or [no_contact]
                for contact_cells in rows:
                    writer.writerow([escape_cell(cell) for cell in cells + contact_cells])
            s.expunge_all()
        audit.record(
            s,
            audit.acting(s),
            audit.EXPORT,
            record_type="partner_directory",
            detail=ngettext("{n} organisation to CSV", "{n} organisations to CSV", len(ids)).format(
                n=len(ids)
            ),
        )
        uow.commit()
    return buf.getvalue().encode("utf-8" if comma else "utf-8-sig")


# ---------------------------------------------------------------- import: reading


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFormatError(
            _(
                "This file is saved as UTF-16 (“Unicode text”). Save it as "
                "“CSV UTF-8” or “CSV (semicolon delimited)” and try again."
            )
        )
    if b"\x00" in data:
        raise CsvFormatError(
            _(
                "This is not a CSV text file. If it is a spreadsheet, "
                "save it as “CSV” first and import that file."
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CsvFormatError(
                _("This file says it is UTF-8, but it contains bytes that are not UTF-8.")
            ) from exc
    else:
        try:
            encoding, text = "utf-8", data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                encoding, text = "cp1252", data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise CsvFormatError(
                    _("This file is neither UTF-8 nor Windows-1252 text.")
                ) from exc
    if not text.strip():
        raise CsvFormatError(_("The file is empty."))
    return text, encoding


def _reader(text: str, delimiter: str) -> Any:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


def _header_score(cells: list[str]) -> int:
    return sum(1 for cell in cells if _key(unescape_cell(cell)) in _HEADER_LOOKUP)


def _choose_delimiter(text: str) -> str:
    best, best_score = ";", -1
    for delimiter in (";", ","):
        try:
            header: list[str] = next(_reader(text, delimiter), [])
        except csv.Error:
            continue
        score = _header_score(header)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score <= 0:
        raise CsvFormatError(
            _(
                "The first line of the file does not name the columns. "
                "It should hold the column headers, such as {headers}."
            ).format(headers=", ".join(HEADERS[:4]) + ", …")
        )
    return best


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells), blank records included."""
    reader = _reader(text, delimiter)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFormatError(
                _("The file cannot be read as CSV near line {line}.").format(line=reader.line_num)
            ) from exc
        yield previous + 1, cells
        previous = reader.line_num


# ---------------------------------------------------------------- import: rows


@dataclass
class _Row:
    line: int
    errors: list[RowError]
    name_key: str = ""
    municipality_ids: frozenset[int] | None = None
    organisation: OrganisationData | None = None  # normalised, without contacts
    contact: ContactData | None = None  # normalised


@dataclass
class _Group:
    line: int
    key: str
    municipality_ids: frozenset[int]
    organisation: OrganisationData
    contacts: list[tuple[int, ContactData]] = field(default_factory=list)


def _overlap(a: frozenset[int], b: frozenset[int]) -> bool:
    """The editor's duplicate rule: a shared municipality, or neither has one."""
    return bool(a & b) or (not a and not b)


class _RowParser:
    def __init__(self, columns: dict[str, int], municipalities: dict[str, int]):
        self.columns = columns
        self.municipalities = municipalities

    def parse(self, line: int, cells: list[str]) -> _Row:
        row = _Row(line, [])

        def cell(key: str) -> str:
            index = self.columns.get(key)
            if index is None or index >= len(cells):
                return ""
            return unescape_cell(cells[index])

        def error(key: str, message: str) -> None:
            row.errors.append(RowError(line, _HEADER[key], message))

        name = cell("name")
        # grouping key: the folded name (as the editor's duplicate check), or the name
        # itself when folding leaves nothing (a name of combining marks only)
        row.name_key = v.fold(name) or " ".join(name.split())
        if v.required(name):
            error("name", _("This field is required."))

        sector_text = cell("sector").strip()
        sector = _SECTOR_LOOKUP.get(_key(sector_text), "")
        if not sector_text:
            error("sector", _("Choose a sector."))
        elif not sector:
            error(
                "sector",
                _("Unknown sector “{value}”. Use one of: {labels}.").format(
                    value=sector_text, labels=", ".join(SECTOR_LABELS_NL.values())
                ),
            )

        municipality_ids: set[int] = set()
        municipalities_ok = True
        for mun in _split(cell("municipalities")):
            mid = self.municipalities.get(v.fold(mun))
            if mid is None:
                municipalities_ok = False
                error("municipalities", _("Unknown municipality “{name}”.").format(name=mun))
            else:
                municipality_ids.add(mid)
        if municipalities_ok:
            row.municipality_ids = frozenset(municipality_ids)

        domains: list[str] = []
        for text in _split(cell("domains")):
            code = _DOMAIN_LOOKUP.get(_key(text))
            if code is None:
                error(
                    "domains",
                    _("Unknown expertise domain “{value}”. Use: {labels}.").format(
                        value=text, labels=", ".join(DOMAIN_LABELS_NL.values())
                    ),
                )
            else:
                domains.append(code)

        member_since = None
        try:
            member_since = parse_date(cell("member_since"))
        except ValueError:
            error("member_since", _("Enter a date like 31-12-2020 or 2020-12-31."))

        def flag(key: str, default: bool) -> bool:
            try:
                return parse_bool(cell(key), default)
            except ValueError:
                error(key, _("Enter “ja” or “nee”."))
                return default

        archived = flag("archived", False)
        contact_keys = [key for key, _header in _COLUMNS if key.startswith("contact.")]
        contact = None
        if any(cell(key).strip() for key in contact_keys):
            contact = ContactData(
                name=cell("contact.name"),
                function=cell("contact.function"),
                email=cell("contact.email"),
                phone=_repair_phone(cell("contact.phone")),
                representative=flag("contact.representative", False),
                active=flag("contact.active", True),
                notes=cell("contact.notes"),
            )
        data = p.normalised(
            OrganisationData(
                name=name,
                sector=sector,
                municipality_ids=tuple(municipality_ids),
                domains=tuple(domains),
                offer=cell("offer"),
                address=cell("address"),
                phone=_repair_phone(cell("phone")),
                email=cell("email"),
                website=cell("website"),
                member_since=member_since,
                notes=cell("notes"),
                archived=archived,
                contacts=(contact,) if contact else (),
            )
        )
        # the editor's field checks, except where the cell itself could not be read
        flagged = {e.column for e in row.errors}
        for problem in p.field_errors(data):
            column = _column_of(problem.field)
            if column not in flagged:
                row.errors.append(RowError(line, column, problem.message))
        row.organisation = replace(data, contacts=())
        row.contact = data.contacts[0] if data.contacts else None
        return row


_FIELD_COLUMN = {
    "name": "name",
    "sector": "sector",
    "municipality_ids": "municipalities",
    "domains": "domains",
    "offer": "offer",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "member_since": "member_since",
    "archived": "archived",
    "notes": "notes",
}


def _first_difference(a: OrganisationData, b: OrganisationData) -> str:
    for f in fields(OrganisationData):
        if f.name in _FIELD_COLUMN and getattr(a, f.name) != getattr(b, f.name):
            return _HEADER[_FIELD_COLUMN[f.name]]
    return _HEADER["name"]


def _column_of(field_name: str) -> str | None:
    """Map an editor field name (``phone``, ``contacts.0.email``) to a column header."""
    if field_name.startswith("contacts."):
        key = "contact." + field_name.rsplit(".", 1)[-1]
    else:
        key = _FIELD_COLUMN.get(field_name, field_name)
    return _HEADER.get(key)


class _Importer:
    def __init__(self, parser: _RowParser, header: list[str]):
        self.parser = parser
        self.width = len(header)
        self.unnamed = [i for i, text in enumerate(header) if not unescape_cell(text).strip()]
        self.groups: dict[str, list[_Group]] = {}
        self.errors: list[RowError] = []
        self.duplicates: list[str] = []
        # (name key, municipalities or None = every group of that name) of bad rows
        self.tainted: list[tuple[str, frozenset[int] | None]] = []
        self.rows = 0

    def add(self, line: int, cells: list[str]) -> None:
        if not any(c.strip() for c in cells):
            return  # blank line (Excel writes ";;;;" for an empty row)
        self.rows += 1
        row = self.parser.parse(line, cells)
        if any(c.strip() for c in cells[self.width :]):
            row.errors.append(
                RowError(line, None, _("This row has more cells than there are columns."))
            )
        for index in self.unnamed:
            if index < len(cells) and cells[index].strip():
                row.errors.append(
                    RowError(
                        line,
                        None,
                        _("Column {n} has no header, but this row has a value in it.").format(
                            n=index + 1
                        ),
                    )
                )
        if row.errors:
            self.errors.extend(row.errors)
        if not row.name_key:
            return
        if row.errors or row.organisation is None or row.municipality_ids is None:
            self.tainted.append((row.name_key, row.municipality_ids))
            return
        same_name = self.groups.setdefault(row.name_key, [])
        group = next(
            (g for g in same_name if _overlap(g.municipality_ids, row.municipality_ids)), None
        )
        if group is None:
            group = _Group(line, row.name_key, row.municipality_ids, row.organisation)
            same_name.append(group)
        elif group.organisation != row.organisation:
            self.errors.append(
                RowError(
                    line,
                    _first_difference(group.organisation, row.organisation),
                    _(
                        "This row belongs to “{name}” of line {first}, "
                        "but this column differs from that line."
                    ).format(name=group.organisation.name, first=group.line),
                )
            )
            self.tainted.append((row.name_key, row.municipality_ids))
            return
        if row.contact is None:
            return
        for first, existing in group.contacts:
            if existing == row.contact:
                self.duplicates.append(
                    _("Line {line} repeats line {first}; it was skipped.").format(
                        line=line, first=first
                    )
                )
                return
        group.contacts.append((line, row.contact))

    def is_tainted(self, group: _Group) -> bool:
        return any(
            key == group.key and (muns is None or _overlap(muns, group.municipality_ids))
            for key, muns in self.tainted
        )

    def valid_groups(self) -> list[tuple[_Group, OrganisationData]]:
        """The organisations to import, in file order; adds the errors of rules across
        rows (every row passed the field checks on its own already)."""
        reported = set(self.errors)
        result = []
        for same_name in self.groups.values():
            for group in same_name:
                data = replace(group.organisation, contacts=tuple(c for _l, c in group.contacts))
                problems = p.field_errors(data)  # e.g. a contact listed twice
                for problem in problems:
                    line = group.line
                    if problem.field.startswith("contacts."):
                        line = group.contacts[int(problem.field.split(".")[1])][0]
                    error = RowError(line, _column_of(problem.field), problem.message)
                    if error not in reported:
                        reported.add(error)
                        self.errors.append(error)
                if not problems and not self.is_tainted(group):
                    result.append((group, data))
        result.sort(key=lambda item: item[0].line)
        return result


@dataclass(frozen=True)
class _Header:
    columns: dict[str, int]  # key -> index of the (first) column with that header
    unknown: tuple[str, ...]
    missing: tuple[str, ...]  # required columns that are not there (their headers)
    repeated: tuple[str, ...]

    @property
    def bad(self) -> bool:
        return bool(self.unknown or self.missing or self.repeated)

    def errors(self) -> list[RowError]:
        errors: list[RowError] = []
        if self.unknown:
            errors.append(
                RowError(
                    HEADER_LINE,
                    None,
                    ngettext(
                        "Unknown column {columns}. Rename or remove it. The columns pact "
                        "knows are: {headers}.",
                        "Unknown columns {columns}. Rename or remove them. The columns pact "
                        "knows are: {headers}.",
                        len(self.unknown),
                    ).format(
                        columns=", ".join(f"“{c}”" for c in self.unknown),
                        headers=", ".join(HEADERS),
                    ),
                )
            )
        for text in self.repeated:
            errors.append(
                RowError(
                    HEADER_LINE, text, _("The column “{header}” appears twice.").format(header=text)
                )
            )
        for text in self.missing:
            errors.append(
                RowError(
                    HEADER_LINE, text, _("The column “{header}” is missing.").format(header=text)
                )
            )
        return errors


def _read_header(header: list[str]) -> _Header:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, raw in enumerate(header):
        text = unescape_cell(raw).strip()
        if not text:
            continue  # an unnamed (normally empty) column; cells in it are reported per row
        key = _HEADER_LOOKUP.get(_key(text))
        if key is None:
            unknown.append(text)
        elif key in columns:
            repeated.append(text)
        else:
            columns[key] = index
    missing = tuple(_HEADER[key] for key in _REQUIRED if key not in columns)
    return _Header(columns, tuple(unknown), missing, tuple(repeated))


def preview_import(uow: UnitOfWork, data: bytes) -> ImportPreview:
    """Read and check a CSV file against the database. Writes nothing.

    Raises CsvFormatError when the file is not a readable CSV file at all."""
    text, encoding = _decode(data)
    delimiter = _choose_delimiter(text)
    records = _records(text, delimiter)
    _line, header_cells = next(records)
    header = _read_header(header_cells)
    with uow:
        s = uow.session
        municipalities: dict[str, int] = {}
        for mid, name in s.execute(
            select(Municipality.id, Municipality.name).order_by(Municipality.id)
        ):
            municipalities.setdefault(v.fold(name), mid)
        # with a bad header the rows are still read with the columns that were
        # recognised, so that every row's errors are reported in one go
        importer = _Importer(_RowParser(header.columns, municipalities), header_cells)
        for line, cells in records:
            importer.add(line, cells)
        valid = importer.valid_groups()
        organisations: list[OrganisationData] = []
        if not header.bad:
            existing = _existing_name_keys(s, {v.fold(org.name) for _group, org in valid})
            for group, org in valid:
                dup = p.duplicate_error(s, org) if v.fold(org.name) in existing else None
                if dup is not None:
                    importer.duplicates.append(
                        _("Line {line}: {reason} It was not imported.").format(
                            line=group.line, reason=dup.message
                        )
                    )
                else:
                    organisations.append(org)
    order = {h: i for i, h in enumerate(HEADERS)}
    row_errors = importer.errors
    if header.missing:
        # every row would repeat that the missing column is empty: say it once
        row_errors = [e for e in row_errors if e.column not in header.missing]
    errors = header.errors() + sorted(
        row_errors, key=lambda e: (e.line, order.get(e.column or "", -1), e.message)
    )
    return ImportPreview(
        # a bad header keeps the whole file out: nothing is imported
        organisations=() if header.bad else tuple(organisations),
        errors=tuple(errors),
        duplicates=() if header.bad else tuple(importer.duplicates),
        rows=importer.rows,
        encoding=encoding,
        delimiter=delimiter,
        unknown_columns=header.unknown,
        missing_columns=header.missing,
        repeated_columns=header.repeated,
    )


def _existing_name_keys(s: Session, keys: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for batch in _batches(ordered, _BATCH):
        found.update(
            s.scalars(select(Organisation.name_key).where(Organisation.name_key.in_(batch)))
        )
    return found


# ---------------------------------------------------------------- import: writing


def apply_import(uow: UnitOfWork, preview: ImportPreview, skip_bad: bool = False) -> ImportResult:
    """Write the organisations of ``preview`` in one transaction.

    ``skip_bad=False`` (command line): a preview with errors raises ValidationError and
    nothing is written. ``skip_bad=True`` (GUI, after the user confirmed): the valid
    organisations are written, the bad rows were never part of ``preview.organisations``.
    Each organisation is checked again inside the transaction: one that became a
    duplicate since the preview is skipped and reported; any other problem raises
    ValidationError and nothing is written."""
    if preview.errors and not skip_bad:
        raise ValidationError([FieldError(e.column or "", describe(e)) for e in preview.errors])
    skipped = list(preview.duplicates)
    organisations = contacts = 0
    with uow:
        s = uow.session
        for org in preview.organisations:
            data = p.normalised(
                replace(
                    org,
                    id=None,
                    version=None,
                    contacts=tuple(replace(c, id=None) for c in org.contacts),
                )
            )
            dup = p.duplicate_error(s, data)
            if dup is not None:
                skipped.append(
                    _("“{name}”: {reason} It was not imported.").format(
                        name=data.name, reason=dup.message
                    )
                )
                continue
            problems = p.validate(s, data)
            if problems:
                raise ValidationError(
                    [
                        FieldError(
                            e.field,
                            _("“{name}”: {message}").format(name=data.name, message=e.message),
                        )
                        for e in problems
                    ]
                )
            p.add_organisations(s, [data])  # flushes: the next duplicate check sees it
            organisations += 1
            contacts += len(data.contacts)
        uow.commit()
    return ImportResult(organisations=organisations, contacts=contacts, skipped=tuple(skipped))


__all__ = [
    "HEADERS",
    "HEADER_LINE",
    "CsvFormatError",
    "ImportPreview",
    "ImportResult",
    "RowError",
    "apply_import",
    "describe",
    "export_csv",
    "preview_import",
]
