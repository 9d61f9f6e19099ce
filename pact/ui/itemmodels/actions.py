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

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from shiboken6 import isValid

from pact.errors import PactError
from pact.i18n import N_, _, format_date, ngettext
from pact.services import clock
from pact.services import consultations as svc
from pact.ui.context import AppContext
from pact.ui.ops import Op
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

ModelIndex = QModelIndex | QPersistentModelIndex

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
class _Answer:
    counts: svc.ActionCounts | None
    rows: list[svc.ActionData]
    today: date
    # when nothing matches: how many match in any status, and how many there are at all
    any_status: int = 0
    any_step: int = 0


class ActionTableModel(QAbstractTableModel):
    """Rows are ``ActionData``s.

    ``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused;
    ``busy_changed(bool)`` while a query runs.
    """

    reloaded = Signal()
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self._rows: list[svc.ActionData] = []
        self._counts = svc.ActionCounts(0, 0)
        self._any_status = 0
        self._any_step = 0
        self._today = clock.today()
        self._filter = svc.ActionFilter()
        self._sort = "due_on"
        self._descending = False
        self._loaded = False
        self._requested = False
        self._generation = 0
        self._fetching = False
        self._pending = 0
        self._bold: QFont | None = None

    # ------------------------------------------------------------ loading

    @property
    def total(self) -> int:
        return self._counts.total

    @property
    def overdue(self) -> int:
        return self._counts.overdue

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def action_filter(self) -> svc.ActionFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

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

    def set_filter(self, f: svc.ActionFilter) -> None:
        if f != self._filter or not self._requested:
            self._filter = f
            self.reload()

    def set_sort(self, key: str, descending: bool) -> None:
        if (key, descending) != (self._sort, self._descending) or not self._requested:
            self._sort, self._descending = key, descending
            self.reload(recount=not self._loaded)

    def reload(self, keep_loaded: bool = False, recount: bool = True) -> None:
        """Ask again (in the background). ``keep_loaded`` asks for as many rows as are
        loaded now (a refresh after a change keeps the scroll position)."""
        self._requested = True
        self._generation += 1
        self._fetching = False
        generation = self._generation
        limit = self.page_size
        if keep_loaded and len(self._rows) > limit:
            limit = -(-len(self._rows) // self.page_size) * self.page_size
        uow, actor = self.ctx.uow, self.ctx.actor
        f, sort, descending = self._filter, self._sort, self._descending
        count = recount or not self._loaded

        def work() -> _Answer:
            today = clock.today()
            counts = svc.action_counts(uow(), actor, f) if count else None
            rows = svc.list_actions(uow(), actor, f, limit, 0, sort, descending)
            if (counts is not None and counts.total == 0) or (counts is None and not rows):
                any_status = (
                    svc.count_actions(uow(), actor, replace(f, status=None)) if f.status else 0
                )
                any_step = svc.count_actions(uow(), actor, svc.ActionFilter(status=None))
                return _Answer(svc.ActionCounts(0, 0), [], today, any_status, any_step)
            return _Answer(counts, rows, today)

        self._start(
            work,
            lambda answer: self._reset(generation, answer),
            lambda exc: self._failed(generation, exc),
        )

    def _start(self, work: Any, ok: Any, failed: Any) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def done(result: Any) -> None:
            if not isValid(self):
                return
            self._finished()
            ok(result)

        def refused(exc: BaseException) -> None:
            if not isValid(self):
                if not isinstance(exc, PactError):
                    raise exc
                return
            self._finished()
            failed(exc)

        Op(None, work).success(done).failure(refused).run()

    def _finished(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)

    def _reset(self, generation: int, answer: _Answer) -> None:
        if generation != self._generation:
            return  # a newer question is on its way
        self.beginResetModel()
        self._loaded = True
        if answer.counts is not None:
            self._counts = answer.counts
        self._rows = answer.rows
        self._today = answer.today
        self._any_status = answer.any_status
        self._any_step = answer.any_step
        self.endResetModel()
        self.reloaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if generation == self._generation:
            self.failed.emit(exc)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._loaded
            and not self._fetching
            and len(self._rows) < self._counts.total
        )

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or not self.canFetchMore():
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._rows)
        uow, actor = self.ctx.uow, self.ctx.actor
        f, sort, descending, size = self._filter, self._sort, self._descending, self.page_size

        def work() -> list[svc.ActionData]:
            return svc.list_actions(uow(), actor, f, size, offset, sort, descending)

        self._start(
            work,
            lambda page: self._append(generation, offset, page),
            lambda exc: self._page_failed(generation, exc),
        )

    def _append(self, generation: int, offset: int, page: list[svc.ActionData]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not page:  # rows disappeared meanwhile: stop asking
            self._counts = replace(self._counts, total=len(self._rows))
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
        self._failed(generation, exc)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.set_sort(COLUMN_KEYS[column], order == Qt.SortOrder.DescendingOrder)

    # ------------------------------------------------------------ access

    def row(self, row: int) -> svc.ActionData:
        return self._rows[row]

    def row_of(self, action_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == action_id:
                return i
        return None

    def loaded(self) -> int:
        return len(self._rows)

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return _(COLUMNS[section][1])
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Click to sort by this column; click again to reverse.")
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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
