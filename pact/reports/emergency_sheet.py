"""The emergency sheet: the recovery key of a database on one printable A4 page.

Shown once, when a database is created in keyring mode (or switched to it). The
person prints it and keeps it away from the laptop; with it, the database opens on
a new computer, after a reinstall, or when the file was moved.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from pact.i18n import _, format_date
from pact.reports.styles import (
    ACCENT,
    CONTENT_WIDTH,
    FONT_MONO,
    PANEL,
    RULE,
    build_pdf,
    styles,
    table_style,
)

GROUPS_PER_LINE = 4
LABEL_WIDTH = 42 * mm
KEY_FONT_SIZE = 20


def _key_table(recovery_key: str) -> Table:
    """The key in large monospaced groups, four to a line, in a framed panel."""
    groups = [g for g in recovery_key.replace(" ", "-").split("-") if g]
    rows = [groups[i : i + GROUPS_PER_LINE] for i in range(0, len(groups), GROUPS_PER_LINE)]
    if rows and len(rows[-1]) < GROUPS_PER_LINE:
        rows[-1] = rows[-1] + [""] * (GROUPS_PER_LINE - len(rows[-1]))
    table = Table(rows, colWidths=[36 * mm] * GROUPS_PER_LINE, hAlign="CENTER")
    table.setStyle(
        table_style(
            ("FONTNAME", (0, 0), (-1, -1), FONT_MONO),
            ("FONTSIZE", (0, 0), (-1, -1), KEY_FONT_SIZE),
            ("LEADING", (0, 0), (-1, -1), KEY_FONT_SIZE + 4),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ("BACKGROUND", (0, 0), (-1, -1), PANEL),
            ("BOX", (0, 0), (-1, -1), 1.2, ACCENT),
        )
    )
    return table


def _fill_in_line(label: str) -> Table:
    """A label with an empty ruled line to write on by hand."""
    st = styles()
    table = Table(
        [[Paragraph(escape(label), st.label), ""]],
        colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH],
    )
    table.setStyle(
        table_style(
            ("LINEBELOW", (1, 0), (1, 0), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 9),
        )
    )
    return table


def render_emergency_sheet(recovery_key: str, db_path: Path, created: datetime) -> bytes:
    """One A4 page (PDF bytes) with ``recovery_key`` for the database at ``db_path``."""
    st = styles()
    title = _("pact - emergency sheet")

    def para(text: str, style: ParagraphStyle = st.body) -> Paragraph:
        return Paragraph(escape(text), style)

    facts = Table(
        [
            [para(_("Database file"), st.label), para(str(db_path), st.mono)],
            [para(_("Key made on"), st.label), para(format_date(created, "long"))],
        ],
        colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH],
    )
    facts.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        )
    )

    instructions = [
        _(
            "Print this sheet and keep it somewhere safe and locked, such as a safe or a "
            "locked cabinet at the office, and never together with the laptop."
        ),
        _(
            "Anyone who has this key and the database file can read everything in it. "
            "Do not e-mail, photograph or chat the key, and do not keep it on the computer: "
            "delete the PDF file after printing."
        ),
        _(
            "To use it: start pact; when it asks for the recovery key, type the groups above. "
            "Upper or lower case and the dashes do not matter; a typing error is detected."
        ),
        _(
            "When the protection of the database is changed in the settings, a new recovery "
            "key is made and this sheet no longer works: destroy it then."
        ),
    ]

    story: list[Flowable] = [
        para(title, st.title),
        para(
            _(
                "The pact database on this computer is encrypted. Its key is kept in the "
                "keyring of the computer, so nobody has to type it. If that key is lost "
                "(a new or repaired computer, a reinstalled system, a moved database file), "
                "this recovery key is the only way to open the data again. Nobody else, "
                "not even the makers of pact, can recover it."
            )
        ),
        para(_("Recovery key"), st.heading),
        Spacer(1, 2 * mm),
        _key_table(recovery_key),
        Spacer(1, 4 * mm),
        facts,
        para(_("What to do with this sheet"), st.heading),
    ]
    story += [Paragraph(escape(text), st.bullet, bulletText="\u2022") for text in instructions]
    story += [
        KeepTogether(
            [
                para(_("Who to contact"), st.heading),
                para(
                    _(
                        "If pact asks for this key and you are not sure why, contact the "
                        "person below before typing it anywhere."
                    )
                ),
                _fill_in_line(_("Name")),
                _fill_in_line(_("Phone")),
                _fill_in_line(_("Kept at")),
            ]
        )
    ]
    return build_pdf(
        story,
        title=title,
        subject=_("Recovery key of a pact database"),
        footer=_(
            "Confidential: this sheet holds the key to personal data. Keep it locked away "
            "and destroy it when it is replaced."
        ),
        printed_at=datetime.now().replace(microsecond=0),
    )
