"""A paged, SQL-sorted and SQL-filtered table model over the next steps (actions)
the acting user may see: those of their cases and the case-less ones of their
meetings.

Every (re)load asks for the counts (all matching, overdue) and the first page in
the background; scrolling near the end asks for the next page
(``canFetchMore``/``fetchMore``). An answer to an older question (the filter
changed meanwhile) is dropped. Overdue rows are red, with the due date in bold and
a red dot; done and cancelled ones grey; a Meldcode case is flagged as in the case
list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pact.i18n import N_, _, format_date, ngettext
from pact.services import clock
from pact.services import consultations as svc
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import FirstPage, ModelIndex, PagedQueryModel, Query
from pact.ui.views.case_file import GREY, step_closed_text, step_status
from pact.ui.widgets.case_badges import (
    MELDCODE_RED,
    MELDCODE_TEXT,
    MELDCODE_TIP,
    meldcode_icon,
    overdue_icon,
    short_date,
)
from pact.ui.widgets.field import ERROR_COLOUR

PAGE_SIZE = 200

COLUMNS: tuple[tuple[str, str], ...] = (
    ("due_on", N_("Due")),
    ("what", N_("What")),
    ("owner", N_("Who")),
    ("case", N_("Case")),
    ("meeting", N_("Meeting")),
    ("status", N_("Status")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
assert COLUMN_KEYS == svc.ACTION_SORT_COLUMNS

ID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2
MELDCODE_ROLE = Qt.ItemDataRole.UserRole + 3
CASE_ROLE = Qt.ItemDataRole.UserRole + 4
_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        ID_ROLE,
        OVERDUE_ROLE,
        MELDCODE_ROLE,
        CASE_ROLE,
    )
)
_DUE, _WHAT, _OWNER, _CASE, _MEETING, _STATUS = range(6)


@dataclass(frozen=True)
class _Answer(FirstPage[svc.ActionData]):
    counts: svc.ActionCounts | None
    today: date
    # when nothing matches: how many match in any status, and how many there are at all
    any_status: int = 0
    any_step: int = 0


class ActionTableModel(PagedQueryModel[svc.ActionData, svc.ActionFilter, _Answer]):
    """Rows are ``ActionData``s.

    ``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused;
    ``busy_changed(bool)`` while a query runs.
    """

    columns = COLUMNS

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(ctx, svc.ActionFilter(), "due_on", page_size, parent)
        self._overdue = 0
        self._any_status = 0
        self._any_step = 0
        self._today = clock.today()
        self._bold: QFont | None = None

    # ------------------------------------------------------------ loading

    @property
    def overdue(self) -> int:
        return self._overdue

    @property
    def action_filter(self) -> svc.ActionFilter:
        return self._filter

    @property
    def matches_in_any_status(self) -> int:
        """When nothing matches: how many steps would match in any status."""
        return self._any_status

    @property
    def steps_at_all(self) -> int:
        """When nothing matches: how many next steps the user sees at all."""
        return self._any_step

    @property
    def today(self) -> date:
        return self._today

    @staticmethod
    def fetch_first(q: Query[svc.ActionFilter], limit: int, count: bool) -> _Answer:
        uow, actor, f = q.uow, q.actor, q.filter
        today = clock.today()
        counts = svc.action_counts(uow(), actor, f) if count else None
        rows = svc.list_actions(uow(), actor, f, limit, 0, q.sort, q.descending)
        if (counts is not None and counts.total == 0) or (counts is None and not rows):
            any_status = svc.count_actions(uow(), actor, replace(f, status=None)) if f.status else 0
            any_step = svc.count_actions(uow(), actor, svc.ActionFilter(status=None))
            return _Answer(0, [], svc.ActionCounts(0, 0), today, any_status, any_step)
        return _Answer(None if counts is None else counts.total, rows, counts, today)

    @staticmethod
    def fetch_page(q: Query[svc.ActionFilter], offset: int, size: int) -> list[svc.ActionData]:
        return svc.list_actions(q.uow(), q.actor, q.filter, size, offset, q.sort, q.descending)

    def took(self, answer: _Answer) -> None:
        if answer.counts is not None:
            self._overdue = answer.counts.overdue
        self._today = answer.today
        self._any_status = answer.any_status
        self._any_step = answer.any_step

    # ------------------------------------------------------------ Qt model

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid() or index.row() >= len(self._rows):
            return None
        a = self._rows[index.row()]
        col = index.column()
        late = a.overdue(self._today)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(a, col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(a, col, late)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(a, col, late)
        if role == ID_ROLE:
            return a.id
        if role == OVERDUE_ROLE:
            return late
        if role == MELDCODE_ROLE:
            return a.meldcode
        if role == CASE_ROLE:
            return a.case_id
        if role == Qt.ItemDataRole.DecorationRole:
            if col == _DUE and late:
                return overdue_icon()
            if col == _CASE and a.meldcode:
                return meldcode_icon()
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if late:
                return QBrush(QColor(ERROR_COLOUR))
            if col == _CASE and a.meldcode:
                return QBrush(QColor(MELDCODE_RED))
            if a.status != "open":
                return QBrush(QColor(GREY))
            return None
        if role == Qt.ItemDataRole.FontRole and (
            (late and col in (_DUE, _STATUS)) or (col == _CASE and a.meldcode)
        ):
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    def text(self, a: svc.ActionData, col: int) -> str:
        if col == _DUE:
            return short_date(a.due_on)
        if col == _WHAT:
            return a.what.replace("\n", " ")
        if col == _OWNER:
            return a.owner
        if col == _CASE:
            return a.case_code or _("No case")
        if col == _MEETING:
            return a.meeting
        if col == _STATUS:
            return step_status(a, self._today)
        return ""

    def _accessible(self, a: svc.ActionData, col: int, late: bool) -> str:
        text = self.text(a, col)
        if col == _DUE and late:
            return _("{date}, overdue").format(date=text)
        if col == _CASE and a.meldcode:
            return _("{code}, {marker}").format(code=text, marker=_(MELDCODE_TEXT))
        return text

    def _tooltip(self, a: svc.ActionData, col: int, late: bool) -> str | None:
        if col == _DUE and not late:
            return _("Due on {date}").format(date=format_date(a.due_on))
        if col in (_DUE, _STATUS) and late:
            days = (self._today - a.due_on).days
            return ngettext(
                "Overdue: it was due on {date}, {n} day ago.",
                "Overdue: it was due on {date}, {n} days ago.",
                days,
            ).format(date=format_date(a.due_on), n=days)
        if col == _STATUS:
            parts = [step_closed_text(a) or self.text(a, col), a.note]
            return "\n".join(p for p in parts if p)
        if col == _CASE:
            if a.case_id is None:
                return _("Agreed at a meeting, about no case in particular.")
            if a.meldcode:
                return _("{code}\n{meldcode}").format(code=a.case_code, meldcode=_(MELDCODE_TIP))
        if col == _WHAT and a.note:
            return _("{what}\nNote: {note}").format(what=a.what, note=a.note)
        return self.text(a, col) or None
