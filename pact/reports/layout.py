"""Layout pieces shared by pact's documents (the meeting documents, the access export):
the letterhead with the logo, label/value facts, list tables with a ruled head, and
a panel with a coloured bar. Each takes flowables its caller has made, so a document
keeps its own paragraphs and styles; these only fix how the pieces are laid out.
"""

from __future__ import annotations

import hashlib
import io
import threading

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Table

from pact.reports.styles import ACCENT, CONTENT_WIDTH, RULE, table_style

LOGO_BOX = (40 * mm, 18 * mm)  # width, height

_logos: dict[str, tuple[float, float]] = {}
_logo_lock = threading.Lock()


def logo(data: bytes | None) -> Image | None:
    """The logo scaled into its box; its size is worked out once per picture."""
    if not data:
        return None
    key = hashlib.sha256(data).hexdigest()
    with _logo_lock:
        size = _logos.get(key)
        if size is None:
            width, height = ImageReader(io.BytesIO(data)).getSize()
            scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
            size = (width * scale, height * scale)
            _logos[key] = size
    return Image(io.BytesIO(data), width=size[0], height=size[1])


def clear_logos() -> None:
    """Forget the logo sizes worked out so far."""
    with _logo_lock:
        _logos.clear()


def letterhead(name: Flowable, kind: Flowable, logo_data: bytes | None) -> Table:
    """The pact's name over what the document is, the logo (if any) left of them, and
    a rule below."""
    picture = logo(logo_data)
    if picture is not None:
        cells = [[picture, [name, kind]]]
        widths = [LOGO_BOX[0] + 4 * mm, CONTENT_WIDTH - LOGO_BOX[0] - 4 * mm]
    else:
        cells = [[[name, kind]]]
        widths = [CONTENT_WIDTH]
    table = Table(cells, colWidths=widths)
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LINEBELOW", (0, 0), (-1, -1), 0.8, ACCENT),
        )
    )
    return table


def facts_table(rows: list[list[Flowable]], label_width: float, split_in_row: int = 0) -> Table:
    """Label and value rows: the labels in a column ``label_width`` wide, no rules."""
    table = Table(
        rows, colWidths=[label_width, CONTENT_WIDTH - label_width], splitInRow=split_in_row
    )
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        )
    )
    return table


def list_table(rows: list[list[Flowable]], widths: list[float], split_in_row: int = 0) -> Table:
    """A list under a head row (``rows[0]``, repeated on every page it runs over): a
    rule in the accent colour under the head, a thin one under every row."""
    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=split_in_row)
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        )
    )
    return table


def panel(
    flowables: list[Flowable], background: colors.Color, bar: colors.Color, bottom: float
) -> Table:
    """``flowables`` in a box the width of the text on ``background``, with a ``bar``
    down its left side; ``bottom``: the padding under the last line, in points."""
    table = Table([[flowables]], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        table_style(
            ("BACKGROUND", (0, 0), (-1, -1), background),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, bar),
            ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
        )
    )
    return table
