"""The machinery the list models share: a table of frozen rows (``RowTableModel``)
and, on top of it, one that pages through a SQL query in the background
(``PagedQueryModel``).

``PagedQueryModel`` never loads the whole table: every (re)load asks for the count
and the first page, scrolling near the end asks for the next (``canFetchMore`` /
``fetchMore``). Every query runs in the background (``Op``): the answer resets the
model (``reloaded``) or appends a page. An answer to an older question (the filter
or the sort changed meanwhile) is dropped.

A subclass supplies ``columns``, ``data()`` and two functions that run on the
worker: ``fetch_first`` (the count and the first page) and ``fetch_page`` (a later
page). They get everything they need in a ``Query`` and must touch neither the
model nor a widget. ``took`` keeps whatever else the first answer carried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from shiboken6 import isValid

from pact.db.uow import UnitOfWork
from pact.errors import PactError
from pact.i18n import _
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.ops import Op

ModelIndex = QModelIndex | QPersistentModelIndex


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=_HasId)
FilterT = TypeVar("FilterT")
AnswerT = TypeVar("AnswerT", bound="FirstPage[Any]")
T = TypeVar("T")


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """A read-only table of frozen rows (each with an ``id``), one column per entry
    of ``columns`` (key, untranslated header)."""

    columns: ClassVar[tuple[tuple[str, str], ...]] = ()
    # whether clicking a header sorts (and so whether the header says so)
    sortable: ClassVar[bool] = True

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[RowT] = []

    # ------------------------------------------------------------ access

    def row(self, row: int) -> RowT:
        return self._rows[row]

    def row_of(self, row_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == row_id:
                return i
        return None

    def loaded(self) -> int:
        return len(self._rows)

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return _(self.columns[section][1])
            if role == Qt.ItemDataRole.ToolTipRole and self.sortable:
                return _("Click to sort by this column; click again to reverse.")
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True)
class FirstPage(Generic[RowT]):
    """The answer to a (re)load. ``total`` is None when it was not counted again
    (a new sort order of the same rows); subclasses add what else they asked."""

    total: int | None
    rows: list[RowT]


@dataclass(frozen=True)
class Query(Generic[FilterT]):
    """What the worker needs to ask, taken on the UI thread."""

    uow: Callable[[], UnitOfWork]
    actor: Actor
    filter: FilterT
    sort: str
    descending: bool


class PagedQueryModel(RowTableModel[RowT], Generic[RowT, FilterT, AnswerT]):
    """``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused
    (the user is no longer active, the database went away); ``busy_changed(bool)``
    while a query runs."""

    reloaded = Signal()
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        initial_filter: FilterT,
        sort: str = "",
        page_size: int = 200,
        parent: Any = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self._total = 0
        self._filter = initial_filter
        self._sort = sort
        self._descending = False
        self._loaded = False
        self._requested = False
        self._generation = 0
        self._fetching = False
        self._pending = 0
        self.keeps_place = False

    # ------------------------------------------------------------ to supply

    @staticmethod
    def fetch_first(q: Query[FilterT], limit: int, count: bool) -> AnswerT:
        """On the worker: the first ``limit`` rows, and the total when ``count``."""
        raise NotImplementedError

    @staticmethod
    def fetch_page(q: Query[FilterT], offset: int, size: int) -> list[RowT]:
        """On the worker: ``size`` rows from ``offset``."""
        raise NotImplementedError

    def took(self, answer: AnswerT) -> None:
        """Keep what else ``answer`` carried (called inside the model reset)."""

    # ------------------------------------------------------------ state

    @property
    def total(self) -> int:
        return self._total

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def set_filter(self, f: FilterT) -> None:
        if f != self._filter or not self._requested:
            self._filter = f
            self.reload()

    def set_sort(self, key: str, descending: bool) -> None:
        if (key, descending) != (self._sort, self._descending) or not self._requested:
            self._sort, self._descending = key, descending
            self.reload(recount=not self._loaded)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.sortable and 0 <= column < len(self.columns):
            self.set_sort(self.columns[column][0], order == Qt.SortOrder.DescendingOrder)

    def _query(self) -> Query[FilterT]:
        return Query(self.ctx.uow, self.ctx.actor, self._filter, self._sort, self._descending)

    # ------------------------------------------------------------ loading

    def reload(self, keep_loaded: bool = False, recount: bool = True) -> None:
        """Ask again (in the background). ``keep_loaded`` asks for as many rows as are
        loaded now (a refresh after a change keeps the scroll position)."""
        self._requested = True
        self._generation += 1
        self._fetching = False
        self.keeps_place = keep_loaded  # a refresh: the views keep selection and scroll
        generation = self._generation
        limit = self.page_size
        if keep_loaded and len(self._rows) > limit:
            limit = -(-len(self._rows) // self.page_size) * self.page_size
        q = self._query()
        count = recount or not self._loaded
        fetch_first = self.fetch_first
        self._start(
            lambda: fetch_first(q, limit, count),
            lambda answer: self._reset(generation, answer),
            lambda exc: self._failed(generation, exc),
        )

    def _start(
        self,
        work: Callable[[], T],
        ok: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def done(result: T) -> None:
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

    def _reset(self, generation: int, answer: AnswerT) -> None:
        if generation != self._generation:
            return  # a newer question is on its way
        self.beginResetModel()
        self._loaded = True
        if answer.total is not None:
            self._total = answer.total
        self._rows = answer.rows
        self.took(answer)
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
            and len(self._rows) < self._total
        )

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or not self.canFetchMore():
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._rows)
        q, size = self._query(), self.page_size
        fetch_page = self.fetch_page
        self._start(
            lambda: fetch_page(q, offset, size),
            lambda page: self._append(generation, offset, page),
            lambda exc: self._page_failed(generation, exc),
        )

    def _append(self, generation: int, offset: int, page: list[RowT]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not page:
            self._total = len(self._rows)  # rows disappeared meanwhile: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
        self._failed(generation, exc)
