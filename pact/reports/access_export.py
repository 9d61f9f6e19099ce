"""The access export of one case (AVG article 15) as PDF: everything pact holds
about a family, part by part, for the family itself.

A pure function from the plain data below to PDF bytes. The service
(``pact.services.subject_access``) decides what a part holds and words every label;
this module only lays it out in pact's house style (``styles.build_pdf``: A4, the
bundled fonts, "page X of Y"). Free texts flow over as many pages as they need and
never sit in a table row of their own; table cells wrap, long words break, and a row
taller than a page is split rather than clipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from pact.i18n import _, format_datetime
from pact.reports.layout import facts_table, letterhead, list_table, panel
from pact.reports.meeting_docs import markdown
from pact.reports.styles import (
    ACCENT,
    CONTENT_WIDTH,
    MUTED,
    PANEL,
    Styles,
    build_pdf,
    styles,
)

LABEL_WIDTH = 42 * mm
# a table row may be split over two pages when each part keeps at least this height
MIN_ROW_PART = 30
_MUTED_HEX = "#" + MUTED.hexval()[2:]  # "0x52606d" -> "#52606d", for paragraph markup


# ---------------------------------------------------------------- the plain data


@dataclass(frozen=True)
class Facts:
    """Label and value lines; lines without a value are left out."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Text:
    """A free text under its label: the family's notes, an observation, minutes."""

    label: str
    text: str
    markdown: bool = False  # minutes: **bold**, *italic*, "- " and "1. " lists


@dataclass(frozen=True)
class Cell:
    """A table cell with muted lines under its text (a note, a review)."""

    text: str
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A table: the column heads, each column's share of the width, the rows. A cell
    may hold several lines (separated by a line break)."""

    columns: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[str | Cell, ...], ...]


@dataclass(frozen=True)
class Record:
    """One recorded thing (a signal, a consent, an agenda item) with its title."""

    title: str
    blocks: tuple[Facts | Text | Grid, ...]


Block = Facts | Text | Grid | Record


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]  # empty: the part says "Nothing recorded."
    intro: str = ""
    count: int | None = None  # how many records, for the contents on page 1


@dataclass(frozen=True)
class AccessDocument:
    code: str  # the case code, on every page
    title: str
    pact_name: str
    made_at: datetime
    notice: str  # whose data this is and for whom the document is meant (page 1)
    facts: tuple[tuple[str, str], ...]  # about the export itself (page 1)
    sections: tuple[Section, ...]
    footer: str = ""
    logo: bytes | None = None


# ---------------------------------------------------------------- text


def _lines(text: str) -> str:
    """Plain text as paragraph markup: escaped, its line breaks kept."""
    return "<br/>".join(
        escape(line, quote=False) for line in text.replace("\r\n", "\n").split("\n")
    )


def _plain(text: str, st: Styles) -> list[Flowable]:
    """A free text as paragraphs (one per block of lines), so it flows over pages."""
    out: list[Flowable] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            out.append(Paragraph(_lines(block.strip("\n")), st.body))
    return out


# ---------------------------------------------------------------- blocks


def _facts(facts: Facts, st: Styles) -> Table | None:
    rows = [
        [Paragraph(escape(label), st.label), Paragraph(_lines(value), st.body)]
        for label, value in facts.rows
        if value
    ]
    if not rows:
        return None
    return facts_table(rows, LABEL_WIDTH, MIN_ROW_PART)


def _text(text: Text, st: Styles) -> list[Flowable]:
    if not text.text.strip():
        return []
    body = markdown(text.text, st) if text.markdown else _plain(text.text, st)
    label = Paragraph(escape(text.label), st.label.clone("pact-text-label", keepWithNext=1))
    return [label, *body]


def _cell(value: str | Cell) -> str:
    if isinstance(value, str):
        return _lines(value)
    extra = "".join(f"<br/><font color='{_MUTED_HEX}'>{_lines(x)}</font>" for x in value.extra if x)
    return _lines(value.text) + extra


def _grid(grid: Grid, st: Styles) -> Table:
    cell = st.small.clone("pact-access-cell", textColor=st.body.textColor)
    head = [Paragraph(escape(c), st.label) for c in grid.columns]
    rows: list[list[Flowable]] = [head]
    for row in grid.rows:
        rows.append([Paragraph(_cell(value), cell) for value in row])
    total = sum(grid.widths)
    widths = [CONTENT_WIDTH * w / total for w in grid.widths]
    return list_table(rows, widths, MIN_ROW_PART)


def _block(block: Block, st: Styles, first: bool = False) -> list[Flowable]:
    if isinstance(block, Facts):
        table = _facts(block, st)
        return [table] if table is not None else []
    if isinstance(block, Text):
        return _text(block, st)
    if isinstance(block, Grid):
        return [_grid(block, st), Spacer(1, 2 * mm)]
    title = Paragraph(
        escape(block.title),
        st.body.clone("pact-record", fontName=st.label.fontName, spaceBefore=5, keepWithNext=1),
    )
    # a record starts on a new page when little room is left (not the first of a
    # section: that one stays with the section's heading)
    out: list[Flowable] = [title] if first else [CondPageBreak(25 * mm), title]
    for part in block.blocks:
        out += _block(part, st)
    out.append(Spacer(1, 1.5 * mm))
    return out


def _section(section: Section, st: Styles) -> list[Flowable]:
    # the heading stays with the start of its first record (a title and a few facts); a
    # table may start right under it and split, so it is not kept with one (that would
    # move a long table whole and leave the rest of a page empty)
    keep = 1 if section.blocks and isinstance(section.blocks[0], Record) else 0
    heading = st.heading.clone("pact-section", keepWithNext=keep)
    out: list[Flowable] = [CondPageBreak(45 * mm), Paragraph(escape(section.title), heading)]
    if section.intro:
        out.append(
            Paragraph(escape(section.intro), st.small.clone("pact-intro", keepWithNext=keep))
        )
    if not section.blocks:
        out.append(Paragraph(escape(_("Nothing recorded.")), st.small))
        return out
    for n, block in enumerate(section.blocks):
        out += _block(block, st, first=n == 0)
    return out


# ---------------------------------------------------------------- page 1


def _letterhead(doc: AccessDocument, st: Styles) -> list[Flowable]:
    name = Paragraph(escape(doc.pact_name), st.heading.clone("pact-name", spaceBefore=0))
    kind = Paragraph(escape(_("Access to personal data (AVG article 15)")), st.small)
    return [letterhead(name, kind, doc.logo), Spacer(1, 3 * mm)]


def _notice(doc: AccessDocument, st: Styles) -> Table:
    head = Paragraph(escape(_("Personal data of the family")), st.label.clone("pact-notice"))
    body = Paragraph(escape(doc.notice), st.body)
    return panel([head, body], PANEL, ACCENT, bottom=4)


def _contents(doc: AccessDocument, st: Styles) -> list[Flowable]:
    lines = []
    for n, section in enumerate(doc.sections, start=1):
        count = "" if section.count is None else f" ({section.count})"
        lines.append(Paragraph(escape(f"{section.title}{count}"), st.bullet, bulletText=f"{n}."))
    return [KeepTogether([Paragraph(escape(_("Contents")), st.heading), *lines])]


def render(doc: AccessDocument) -> bytes:
    """The access export as PDF bytes."""
    st = styles()
    story: list[Flowable] = [
        *_letterhead(doc, st),
        Paragraph(escape(doc.title), st.title),
        _notice(doc, st),
        Spacer(1, 3 * mm),
    ]
    facts = _facts(Facts(doc.facts), st)
    if facts is not None:
        story.append(facts)
    story += _contents(doc, st)
    # numbered like the contents, so a part is easy to find
    for n, section in enumerate(doc.sections, start=1):
        numbered = Section(f"{n}. {section.title}", section.blocks, section.intro, section.count)
        story += _section(numbered, st)
    mark = _("Access export · case {code}").format(code=doc.code)
    return build_pdf(
        story,
        title=doc.title,
        subject=_("Access to personal data (AVG article 15)"),
        author=doc.pact_name,
        footer=doc.footer,
        mark=mark,
        printed_at=doc.made_at,
        header=f"{doc.pact_name} · {format_datetime(doc.made_at, 'd-M-y')}",
    )


__all__ = [
    "AccessDocument",
    "Block",
    "Cell",
    "Facts",
    "Grid",
    "Record",
    "Section",
    "Text",
    "render",
]
