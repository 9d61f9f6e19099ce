"""The look shared by every pact document: fonts, paragraph styles, page frame.

The fonts are the DejaVu family bundled in ``resources/fonts`` (free licence, full
Latin coverage including Dutch diacritics), registered once and always embedded
(reportlab embeds a subset of every TrueType font it uses), so a PDF looks the same
on every computer and printer.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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
from pact.i18n import _, format_datetime, language

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_MONO = "DejaVuSansMono"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
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
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
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


@dataclass(frozen=True)
class PageFrame:
    """What every page shows around the content: whose copy it is (``mark``, at the
    top and the foot), the print date, "page X of Y" and a confidentiality line."""

    footer: str = ""
    mark: str = ""
    printed_at: datetime | None = None
    header: str = ""  # e.g. the pact's name and the document, top left from page 2 on


def _decorate(canvas: Canvas, frame: PageFrame, page: int, total: int) -> None:
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(TEXT_LEFT, FOOTER_HEIGHT, TEXT_RIGHT, FOOTER_HEIGHT)
    top = PAGE_SIZE[1] - MARGIN + 5 * mm
    full = TEXT_RIGHT - TEXT_LEFT
    later = bool(frame.header) and page > 1
    mark_width = 0.0
    if frame.mark:  # whose copy first: the running header takes what is left
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.setFillColor(ACCENT)
        mark = _clip(canvas, frame.mark, FONT_BOLD, 8.5, full * 0.6 if later else full)
        mark_width = canvas.stringWidth(mark, FONT_BOLD, 8.5)
        canvas.drawRightString(TEXT_RIGHT, top, mark)
    if later:
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        room = full - mark_width - 6 * mm
        canvas.drawString(TEXT_LEFT, top, _clip(canvas, frame.header, FONT, 8.5, room))
    # the foot: whose copy and the confidentiality line (wrapped, never cut) on the left,
    # the page number, print date and version on the right
    canvas.setFont(FONT_BOLD, 8)
    canvas.setFillColor(INK)
    first = FOOTER_HEIGHT - 2 * mm - 8
    canvas.drawRightString(
        TEXT_RIGHT, first, _("page {page} of {total}").format(page=page, total=total)
    )
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    right = [f"pact {__version__}"]
    if frame.printed_at is not None:
        right.insert(
            0,
            _("printed {moment}").format(moment=format_datetime(frame.printed_at, "d-M-y HH:mm")),
        )
    for n, line in enumerate(right, start=1):
        canvas.drawRightString(TEXT_RIGHT, first - n * 10, line)
    widest = max(canvas.stringWidth(t, FONT, 8) for t in right)
    text_width = full - max(widest, 30 * mm) - 6 * mm
    y = FOOTER_HEIGHT - 2 * mm
    st = styles()
    parts = []
    if frame.mark:
        parts.append(
            Paragraph(
                escape(frame.mark), st.footer.clone("pact-mark", fontName=FONT_BOLD, textColor=INK)
            )
        )
    if frame.footer:
        parts.append(Paragraph(escape(frame.footer), st.footer))
    for para in parts:
        _w, h = para.wrapOn(canvas, text_width, FOOTER_HEIGHT)
        para.drawOn(canvas, TEXT_LEFT, y - h)
        y -= h + 1
    canvas.restoreState()


def _clip(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` on one line."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _numbered_canvas(frame: PageFrame) -> type[Canvas]:
    """A canvas that keeps each finished page until the document ends, so every page
    can say "page X of Y" in one layout pass."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for n, state in enumerate(self._kept, start=1):
                self.__dict__.update(state)
                _decorate(self, frame, n, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    subject: str = "",
    footer: str = "",
    author: str = "pact",
    mark: str = "",
    printed_at: datetime | None = None,
    header: str = "",
) -> bytes:
    """Lay out ``story`` on A4 pages in pact's page frame and return the PDF bytes."""
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
    frame = PageFrame(footer=footer, mark=mark, printed_at=printed_at, header=header)
    doc.build(list(story), canvasmaker=_numbered_canvas(frame))
    return buf.getvalue()
