"""The look shared by every pact document: fonts, paragraph styles, page frame.

The fonts are the DejaVu family bundled in ``resources/fonts`` (free licence, full
Latin coverage including Dutch diacritics), registered once and always embedded
(reportlab embeds a subset of every TrueType font it uses), so a PDF looks the same
on every computer and printer.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, TableStyle

from pact import __version__
from pact.config import resources_dir
from pact.i18n import language

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_MONO = "DejaVuSansMono"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}

PAGE_SIZE = A4
MARGIN = 20 * mm
FOOTER_HEIGHT = MARGIN  # the footer sits below this line, in the bottom margin
FRAME_PADDING = 6  # points; platypus frames pad their content on every side
#: the width a flowable (a table) may take between the margins
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN - 2 * FRAME_PADDING
#: where text starts and ends on the page
TEXT_LEFT = MARGIN + FRAME_PADDING
TEXT_RIGHT = PAGE_SIZE[0] - MARGIN - FRAME_PADDING
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#2b5797")
RULE = colors.HexColor("#9aa5b1")
PANEL = colors.HexColor("#f0f4f8")

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once per process)."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = resources_dir() / "fonts"
        for name, filename in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )
        _registered = True


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    mono: ParagraphStyle
    footer: ParagraphStyle


def styles() -> Styles:
    """Fresh paragraph styles (callers may derive from them with ``clone``)."""
    register_fonts()
    body = ParagraphStyle(
        "pact-body",
        fontName=FONT,
        fontSize=10.5,
        leading=14,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=4,
        bulletFontName=FONT,
    )
    return Styles(
        title=body.clone("pact-title", fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=8),
        heading=body.clone(
            "pact-heading",
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        body=body,
        bullet=body.clone("pact-bullet", leftIndent=5 * mm, bulletIndent=1 * mm),
        small=body.clone("pact-small", fontSize=9, leading=12, textColor=MUTED),
        label=body.clone("pact-label", fontName=FONT_BOLD, fontSize=9, leading=12, textColor=MUTED),
        mono=body.clone("pact-mono", fontName=FONT_MONO, fontSize=9.5, leading=13),
        footer=body.clone("pact-footer", fontSize=8, leading=10, textColor=MUTED),
    )


def table_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A TableStyle on pact's font (a table's own default is Helvetica, never embedded)."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            *commands,
        ]
    )


PageCallback = Callable[[Canvas, Any], None]


def footer_painter(text: str) -> PageCallback:
    """A page callback that draws a rule and ``text`` (wrapped) at the foot of every page."""

    def paint(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        version = f"pact {__version__}"
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(TEXT_LEFT, FOOTER_HEIGHT, TEXT_RIGHT, FOOTER_HEIGHT)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(TEXT_RIGHT, FOOTER_HEIGHT - 2 * mm - 8, version)  # 1st baseline
        if text:
            para = Paragraph(escape(text), styles().footer)
            text_width = TEXT_RIGHT - TEXT_LEFT - canvas.stringWidth(version, FONT, 8) - 6 * mm
            _w, h = para.wrapOn(canvas, text_width, FOOTER_HEIGHT)
            para.drawOn(canvas, TEXT_LEFT, FOOTER_HEIGHT - 2 * mm - h)
        canvas.restoreState()

    return paint


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    subject: str = "",
    footer: str = "",
    author: str = "pact",
) -> bytes:
    """Lay out ``story`` on A4 pages with the footer and return the PDF bytes."""
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,  # a gap above the footer rule
        title=title,
        author=author,
        subject=subject,
        creator=f"pact {__version__}",
        producer=f"pact {__version__}",
        lang=language(),
        initialFontName=FONT,  # else the canvas starts with Helvetica, never embedded
    )
    paint = footer_painter(footer)
    doc.build(list(story), onFirstPage=paint, onLaterPages=paint)
    return buf.getvalue()
