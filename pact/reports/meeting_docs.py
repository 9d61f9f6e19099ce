"""The agenda, the chair's copy of the agenda and the minutes of a meeting, as PDF.

Pure functions from the plain data of ``pact.reports.documents`` to PDF bytes: what
an edition holds was decided by the services; this module only lays it out. Long
texts flow over as many pages as they need (no table row holds unbounded text), long
words break, and every page carries whose copy it is, the print date and "page X of
Y" (``styles.build_pdf``).
"""

from __future__ import annotations

import re
import threading
from datetime import date, time
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from pact.i18n import _, format_date
from pact.reports.documents import (
    AgendaDocument,
    AgendaLine,
    Letterhead,
    MinutesDocument,
    MinutesItem,
    StepLine,
)
from pact.reports.layout import clear_logos, facts_table, letterhead, list_table, panel
from pact.reports.styles import (
    ACCENT,
    CONTENT_WIDTH,
    FONT_BOLD,
    Styles,
    build_pdf,
    styles,
    table_style,
)

DECISION = colors.HexColor("#e8f1e4")
DECISION_BAR = colors.HexColor("#3f7d3a")
CHAIR = colors.HexColor("#fff4ce")
CHAIR_BAR = colors.HexColor("#b38600")


def confidentiality() -> str:
    return _(
        "Confidential: contains personal data about children and families. Only for the "
        "recipient named on this page; do not copy or forward it."
    )


# ---------------------------------------------------------------- text


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.S)
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")


def inline(text: str) -> str:
    """One line of light Markdown as reportlab's paragraph markup; everything else the
    user typed prints literally."""
    out = escape(text, quote=False)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def markdown(text: str, st: Styles) -> list[Flowable]:
    """Paragraphs, bullets and numbered lines of the minutes text."""
    out: list[Flowable] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append(_para("<br/>".join(inline(x) for x in lines), st.body))
            lines.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        bullet, numbered = _BULLET.match(raw), _NUMBERED.match(raw)
        if not raw.strip():
            flush()
        elif bullet:
            flush()
            out.append(_para(inline(bullet.group(1)), st.bullet, "•"))
        elif numbered:
            flush()
            out.append(_para(inline(numbered.group(2)), st.bullet, numbered.group(1) + "."))
        else:
            lines.append(raw)
    flush()
    return out


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return _para(escape(text, quote=False), style)


# Parsing a paragraph's markup and breaking it into lines are most of the work of a
# page, and the editions of one meeting share most of their texts: the parsed fragments
# and the lines (per width) are kept per markup and style, so later editions mostly
# only draw what an earlier one worked out.
_frags: dict[tuple[str, str, str | None], list[object]] = {}
_lines: dict[tuple[tuple[str, str, str | None], tuple[float, ...]], Any] = {}
_frags_lock = threading.Lock()
_KEPT = 20_000


class _SharedParagraph(Paragraph):
    """A Paragraph whose line breaking is shared with equal paragraphs (same markup,
    style and width) of other documents rendered in this process."""

    _share_key: tuple[str, str, str | None] | None = None

    def breakLines(self, width: Any) -> Any:
        key = self._share_key
        if key is None or not isinstance(width, list | tuple):
            return super().breakLines(width)
        wanted = (key, tuple(round(w, 3) for w in width))
        with _frags_lock:
            found = _lines.get(wanted)
        if found is not None:
            return _copy_lines(found)
        lines = super().breakLines(width)
        with _frags_lock:
            if len(_lines) >= _KEPT:
                _lines.clear()
            _lines[wanted] = _copy_lines(lines)
        return lines


def _copy_lines(para_lines: Any) -> Any:
    """A copy of broken lines that drawing may change (it trims the words it draws)
    without touching the kept ones: the lines and their words, not the fonts."""
    out = para_lines.clone()
    lines = []
    for line in para_lines.lines:
        if isinstance(line, tuple):
            lines.append((line[0], list(line[1])))
        else:
            kept = line.clone()
            kept.words = [w.clone() if hasattr(w, "clone") else w for w in line.words]
            lines.append(kept)
    out.lines = lines
    return out


def clear_caches() -> None:
    """Forget the parsed paragraphs and logo sizes (benchmarks measure from scratch)."""
    with _frags_lock:
        _frags.clear()
        _lines.clear()
    clear_logos()


def _para(markup: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    key = (markup, style.name, bullet)
    with _frags_lock:
        frags = _frags.get(key)
    if frags is not None:
        para = _SharedParagraph(markup, style, bulletText=bullet, frags=list(frags))
    else:
        para = _SharedParagraph(markup, style, bulletText=bullet)
        with _frags_lock:
            if len(_frags) >= _KEPT:
                _frags.clear()
            _frags[key] = list(para.frags)
    para._share_key = key
    return para


# ---------------------------------------------------------------- shared parts


def _letterhead(head: Letterhead, document: str, st: Styles) -> list[Flowable]:
    name = _p(head.pact_name, st.heading.clone("pact-name", spaceBefore=0, spaceAfter=0))
    kind = _p(document, st.small)
    out: list[Flowable] = [letterhead(name, kind, head.logo), Spacer(1, 3 * mm)]
    if head.recipient:
        out.append(_p(_mark(head), st.label))
    return out


def _facts(rows: list[tuple[str, str]], st: Styles) -> Table:
    data: list[list[Flowable]] = [
        [_p(label, st.label), _p(value, st.body)] for label, value in rows if value
    ]
    return facts_table(data, 38 * mm)


def _when(held_on: date, starts: time, ends: time) -> str:
    return _("{date}, {start}–{end}").format(
        date=format_date(held_on, "full"),
        start=f"{starts:%H:%M}",
        end=f"{ends:%H:%M}",
    )


def _steps_table(steps: tuple[StepLine, ...], st: Styles, with_status: bool) -> Table:
    """What, who, when (and where it stands): done and cancelled steps struck through."""
    small = st.small.clone("pact-cell", textColor=colors.black)
    head = [_("What"), _("Who"), _("Due")]
    widths = [CONTENT_WIDTH * 0.46, CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.24]
    if with_status:
        head.append(_("Status"))
        widths = [CONTENT_WIDTH * 0.38, CONTENT_WIDTH * 0.24, CONTENT_WIDTH * 0.15]
        widths.append(CONTENT_WIDTH - sum(widths))
    rows: list[list[Flowable]] = [[_p(h, st.label) for h in head]]
    for step in steps:
        closed = step.status in ("done", "cancelled")
        what = inline(step.what)
        if step.case_reference:
            what += f" <font color='#52606d'>({escape(step.case_reference)})</font>"
        if closed:
            what = f"<strike>{what}</strike>"
        due = escape(format_date(step.due_on))
        if step.overdue:
            late = "" if with_status else f" ({escape(_('overdue'))})"  # else in its column
            due = f"<font color='#b3261e'><b>{due}{late}</b></font>"
        row = [_para(what, small), _p(step.owner, small), _para(due, small)]
        if with_status:
            if step.status == "done":
                status = _("done on {date}").format(date=format_date(step.done_on))
                if step.done_on is None:
                    status = _("done")
            elif step.status == "cancelled":
                status = _("cancelled")
            else:
                status = _("overdue") if step.overdue else _("open")
            row.append(_p(status, small))
        rows.append(row)
    return list_table(rows, widths)


def _boxed(flowables: list[Flowable], background: colors.Color, bar: colors.Color) -> Table:
    return panel(flowables, background, bar, bottom=2)


# ---------------------------------------------------------------- agenda


def _agenda_line(line: AgendaLine, st: Styles, chair: bool) -> list[Flowable]:
    number = f"{line.number}." if line.number is not None else "–"
    title = inline(line.title)
    if line.internal:
        title += " <font color='#b38600'><b>[" + escape(_("internal")) + "]</b></font>"
    row = [
        _p(number, st.body),
        _p(f"{line.starts_at:%H:%M}", st.body),
        _p(_("{n} min").format(n=line.planned_minutes), st.small),
        _para(f"<b>{title}</b>", st.body),
        _p(line.presenter, st.small),
    ]
    table = Table(
        [row],
        colWidths=[
            10 * mm,
            14 * mm,
            16 * mm,
            CONTENT_WIDTH - 10 * mm - 14 * mm - 16 * mm - 40 * mm,
            40 * mm,
        ],
    )
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        )
    )
    out: list[Flowable] = [table]
    indent = st.small.clone("pact-item-text", leftIndent=40 * mm)
    if line.case_reference and line.case_reference != line.title:
        out.append(_p(line.case_reference, indent))
    if line.description:
        out += [_para(inline(x), indent) for x in line.description.splitlines() if x.strip()]
    if chair and line.consent_note:
        out.append(_p(line.consent_note, indent.clone("pact-note", textColor=CHAIR_BAR)))
    if chair and line.chair_notes:
        notes = [_p(_("Chair's notes"), st.label), *markdown(line.chair_notes, st)]
        out.append(_boxed(notes, CHAIR, CHAIR_BAR))
    out.append(Spacer(1, 1.5 * mm))
    return out


def render_agenda(doc: AgendaDocument, head: Letterhead) -> bytes:
    """The agenda (or, with ``doc.chair_copy``, the chair's copy) as PDF bytes."""
    st = styles()
    document = _("Chair's copy of the agenda") if doc.chair_copy else _("Agenda")
    story: list[Flowable] = _letterhead(head, f"{document} · {doc.kind}", st)
    if doc.chair_copy:
        story.append(
            _boxed(
                [
                    _p(_("Chair's copy – not for distribution"), st.label),
                    _p(
                        _(
                            "Holds the internal items, the planned times and the chair's "
                            "notes. Keep it to yourself."
                        ),
                        st.small,
                    ),
                ],
                CHAIR,
                CHAIR_BAR,
            )
        )
        story.append(Spacer(1, 4 * mm))
    story += [
        _p(doc.title, st.title),
        _facts(
            [
                (_("When"), _when(doc.held_on, doc.starts_at, doc.ends_at)),
                (_("Where"), doc.location),
                (_("Video link"), doc.video_link),
                (_("Chair"), doc.chair),
                (_("Minute-taker"), doc.minute_taker),
                (_("Invited"), "; ".join(doc.invited)),
            ],
            st,
        ),
        _p(_("Agenda"), st.heading),
    ]
    header = Table(
        [[_p(h, st.label) for h in ("#", _("Start"), _("Time"), _("Item"), _("Presenter"))]],
        colWidths=[10 * mm, 14 * mm, 16 * mm, CONTENT_WIDTH - 80 * mm, 40 * mm],
    )
    header.setStyle(
        table_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, -1), 0.8, ACCENT),
        )
    )
    story.append(header)
    for line in doc.items:
        if line.internal and not doc.chair_copy:
            continue  # internal items are for the chair's copy only
        story += _agenda_line(line, st, doc.chair_copy)
    if not doc.items:
        story.append(_p(_("The agenda has no items yet."), st.small))
    if doc.chair_copy and doc.planned_end is not None:
        text = _("The plan ends at {time}.").format(time=f"{doc.planned_end:%H:%M}")
        if doc.overrun_minutes:
            text += " " + _("That is {n} minutes past the end of the meeting.").format(
                n=doc.overrun_minutes
            )
        story.append(_p(text, st.small))
    if doc.open_steps:
        story += [
            PageBreak(),
            _p(_("Annex: open next steps"), st.heading),
            _p(
                _("The next steps agreed earlier that are still open, by due date."),
                st.small,
            ),
            _steps_table(doc.open_steps, st, with_status=False),
        ]
    return _build(story, head, document, doc.title, doc.kind, doc.held_on)


def _build(
    story: list[Flowable], head: Letterhead, document: str, title: str, kind: str, held_on: date
) -> bytes:
    """The document in pact's page frame, with its metadata and whose copy it is."""
    return build_pdf(
        story,
        title=_("{document} – {title}").format(document=document, title=title),
        subject=_("{kind}, {date}").format(kind=kind, date=format_date(held_on)),
        author=head.pact_name,
        footer=confidentiality(),
        mark=_mark(head),
        printed_at=head.printed_at,
        header=f"{head.pact_name} · {document} · {format_date(held_on)}",
    )


def _mark(head: Letterhead) -> str:
    if head.recipient:
        who = head.recipient
        if head.recipient_contact:
            who += f" – {head.recipient_contact}"
        return _("Copy for: {who}").format(who=who)
    return head.edition_label


# ---------------------------------------------------------------- minutes


def _minutes_item(item: MinutesItem, st: Styles) -> list[Flowable]:
    number = f"{item.number}. " if item.number is not None else ""
    internal = (
        " <font color='#b38600'><b>[" + escape(_("internal")) + "]</b></font>"
        if item.internal
        else ""
    )
    title = _para(
        f"{escape(number)}{inline(item.title)}{internal}"
        f" <font size='9' color='#52606d'>{item.starts_at:%H:%M}</font>",
        st.heading.clone("pact-item", fontSize=11.5, leading=15, spaceBefore=6),
    )
    body: list[Flowable] = markdown(item.minutes, st) if item.minutes else []
    out: list[Flowable] = [CondPageBreak(30 * mm), title, *body]
    for decision in item.decisions:
        out.append(
            _boxed(
                [
                    _p(_("Decision"), st.label.clone("pact-decision", textColor=DECISION_BAR)),
                    _para(inline(decision), st.body),
                ],
                DECISION,
                DECISION_BAR,
            )
        )
        out.append(Spacer(1, 1.5 * mm))
    if item.steps:
        label = st.label.clone("pact-steps-label", keepWithNext=1)
        out += [_p(_("New next steps"), label), _steps_table(item.steps, st, with_status=False)]
    if not (body or item.decisions or item.steps) and item.details:
        out.append(_p(_("Nothing was recorded under this item."), st.small))
    return out


def render_minutes(doc: MinutesDocument, head: Letterhead) -> bytes:
    """The minutes (one edition) as PDF bytes."""
    st = styles()
    story: list[Flowable] = _letterhead(head, f"{_('Minutes')} · {doc.kind}", st)
    status_style = st.label.clone(
        "pact-status",
        fontName=FONT_BOLD,
        fontSize=10,
        textColor=DECISION_BAR if doc.approved else CHAIR_BAR,
    )
    story += [
        _p(doc.title, st.title),
        _p(_("Minutes: {status}").format(status=doc.status), status_style),
        Spacer(1, 2 * mm),
        _facts(
            [
                (_("When"), _when(doc.held_on, doc.starts_at, doc.ends_at)),
                (_("Where"), doc.location),
                (_("Chair"), doc.chair),
                (_("Minute-taker"), doc.minute_taker),
                (_("Present"), "; ".join(doc.present)),
                (_("Excused"), "; ".join(doc.excused)),
                (_("Absent"), "; ".join(doc.absent)),
                (_("Replacements"), "; ".join(doc.replacements)),
            ],
            st,
        ),
    ]
    for item in doc.items:
        story += _minutes_item(item, st)
    if doc.all_steps:
        story += [
            CondPageBreak(40 * mm),
            _p(_("Next steps"), st.heading),
            _p(
                _("Every next step of this meeting; done and cancelled ones are struck through."),
                st.small,
            ),
            _steps_table(doc.all_steps, st, with_status=True),
        ]
    if doc.amendments:
        story.append(_p(_("Amendments"), st.heading))
        for a in doc.amendments:
            where = f" ({a.item})" if a.item else ""
            story.append(
                _para(
                    f"<b>{escape(format_date(a.made_on))}</b>{escape(where)}: {inline(a.text)}",
                    st.body,
                )
            )
    if doc.next_meeting is not None:
        story.append(
            KeepTogether(
                [
                    _p(_("Next meeting"), st.heading),
                    _p(format_date(doc.next_meeting, "full"), st.body),
                ]
            )
        )
    return _build(story, head, _("Minutes"), doc.title, doc.kind, doc.held_on)


__all__ = [
    "clear_caches",
    "confidentiality",
    "inline",
    "markdown",
    "render_agenda",
    "render_minutes",
]
