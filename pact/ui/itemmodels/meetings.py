"""A paged table model over the meetings the acting user may see.

Every query runs in the background (``Op``); the first page arrives on a reload,
scrolling near the end asks for the next (``canFetchMore`` / ``fetchMore``). An
answer to an older question (the filter changed meanwhile) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from shiboken6 import isValid

from pact.errors import PactError
from pact.i18n import N_, _, format_date
from pact.services import clock
from pact.services import meetings as svc
from pact.ui.context import AppContext
from pact.ui.ops import Op

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", N_("Date")),
    ("time", N_("Time")),
    ("kind", N_("Kind")),
    ("title", N_("Title")),
    ("status", N_("Status")),
)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200
_DATE, _TIME, _KIND, _TITLE, _STATUS = range(5)

STATUS_COLOURS = {
    "planned": "#1565c0",
    "held": "#6a1b9a",
    "minutes_draft": "#ef6c00",
    "minutes_sent": "#2e7d32",
    "minutes_approved": "#1b5e20",
    "cancelled": "#757575",
}


@dataclass(frozen=True)
class _Answer:
    total: int
    rows: list[svc.MeetingRow]


class MeetingTableModel(QAbstractTableModel):
    reloaded = Signal()
    failed = Signal(object)

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self._rows: list[svc.MeetingRow] = []
        self._total = 0
        self._filter = svc.MeetingFilter()
        self._generation = 0
        self._fetching = False
        self._loaded = False

    @property
    def total(self) -> int:
        return self._total

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def meeting_filter(self) -> svc.MeetingFilter:
        return self._filter

    def set_filter(self, f: svc.MeetingFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self, keep_loaded: bool = False) -> None:
        self._generation += 1
        self._fetching = False
        generation = self._generation
        limit = self.page_size
        if keep_loaded and len(self._rows) > limit:
            limit = -(-len(self._rows) // self.page_size) * self.page_size
        uow, actor, f = self.ctx.uow, self.ctx.actor, self._filter

        def work() -> _Answer:
            return _Answer(
                svc.count_meetings(uow(), actor, f), svc.list_meetings(uow(), actor, f, limit, 0)
            )

        self._start(
            work, lambda a: self._reset(generation, a), lambda e: self._failed(generation, e)
        )

    def _start(self, work: Any, ok: Any, failed: Any) -> None:
        def done(result: Any) -> None:
            if isValid(self):
                ok(result)

        def refused(exc: BaseException) -> None:
            if isValid(self):
                failed(exc)
            elif not isinstance(exc, PactError):
                raise exc

        Op(None, work).success(done).failure(refused).run()

    def _reset(self, generation: int, answer: _Answer) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._loaded = True
        self._total = answer.total
        self._rows = answer.rows
        self.endResetModel()
        self.reloaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if generation == self._generation:
            self._fetching = False
            self.failed.emit(exc)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._loaded
            and not self._fetching
            and len(self._rows) < self._total
        )

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._rows)
        uow, actor, f, size = self.ctx.uow, self.ctx.actor, self._filter, self.page_size

        def work() -> list[svc.MeetingRow]:
            return svc.list_meetings(uow(), actor, f, size, offset)

        self._start(
            work,
            lambda page: self._append(generation, offset, page),
            lambda e: self._failed(generation, e),
        )

    def _append(self, generation: int, offset: int, page: list[svc.MeetingRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # ------------------------------------------------------------ access

    def row(self, row: int) -> svc.MeetingRow:
        return self._rows[row]

    def row_of(self, meeting_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == meeting_id:
                return i
        return None

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        ):
            return _(COLUMNS[section][1])
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return r.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == _DATE:
                return format_date(r.held_on, "EEE d MMM y")
            if col == _TIME:
                return f"{r.starts_at:%H:%M}–{r.ends_at:%H:%M}"
            if col == _KIND:
                return svc.kind_label(r.kind)
            if col == _TITLE:
                return r.title
            if col == _STATUS:
                return svc.status_label(r.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [r.title, svc.kind_label(r.kind)]
            if r.series:
                parts.append(_("Series: {name}").format(name=r.series))
            if r.location:
                parts.append(r.location)
            return "\n".join(parts)
        if role == Qt.ItemDataRole.ForegroundRole and col == _STATUS:
            return QBrush(QColor(STATUS_COLOURS.get(r.status, "#000000")))
        if role == Qt.ItemDataRole.FontRole:
            if r.held_on == clock.today() and r.status != "cancelled":
                font = QFont()
                font.setBold(True)
                return font
            if r.status == "cancelled":
                font = QFont()
                font.setStrikeOut(True)
                return font
        return None
