"""A paged, SQL-sorted and SQL-filtered table model over the cases the acting user
may see.

Like ``PartnerTableModel`` it never loads the whole table: every (re)load asks for
the first page, scrolling near the end asks for the next (``canFetchMore`` /
``fetchMore``). Unlike it, every query runs in the background (``Op``): the answer
resets the model (``reloaded``) or appends a page. An answer to an older question
(the filter changed meanwhile) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from pact.services import cases as svc
from pact.services.vocab import CASE_STATUS_LABELS, label
from pact.ui.context import AppContext
from pact.ui.ops import Op
from pact.ui.widgets.case_badges import (
    COLOURS,
    CONSENT_KIND,
    MELDCODE_RED,
    MELDCODE_TEXT,
    MELDCODE_TIP,
    consent_explained,
    consent_short,
    level_short,
    level_tip,
    meldcode_icon,
    overdue_icon,
    short_date,
)

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", N_("Case")),
    ("alias", N_("Family")),
    ("municipality", N_("Municipality")),
    ("level", N_("Level")),
    ("status", N_("Status")),
    ("consent", N_("Consent")),
    ("lead", N_("Case lead")),
    ("next_due", N_("Next step due")),
    ("registered_on", N_("Registered on")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
assert COLUMN_KEYS == svc.SORT_COLUMNS

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MELDCODE_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3
_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        ID_ROLE,
        MELDCODE_ROLE,
        OVERDUE_ROLE,
    )
)
_CODE, _ALIAS, _PLACE, _LEVEL, _STATUS, _CONSENT, _LEAD, _DUE, _REGISTERED = range(9)


@dataclass(frozen=True)
class _Answer:
    total: int | None
    rows: list[svc.CaseRow]
    # when nothing matches: how many match in any status, and how many cases there are
    any_status: int = 0
    any_case: int = 0


class CaseTableModel(QAbstractTableModel):
    """Rows are ``CaseRow``s of the acting user's cases.

    ``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused
    (the user is no longer active, the database went away); ``busy_changed(bool)``
    while a query runs.
    """

    reloaded = Signal()
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, ctx: AppContext, page_size: int = svc.PAGE_SIZE, parent: Any = None):
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self._rows: list[svc.CaseRow] = []
        self._total = 0
        self._any_status = 0
        self._any_case = 0
        self._filter = svc.CaseFilter()
        self._sort = "code"
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
        return self._total

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def case_filter(self) -> svc.CaseFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    @property
    def matches_in_any_status(self) -> int:
        """When nothing matches: how many cases would match in any status."""
        return self._any_status

    @property
    def cases_at_all(self) -> int:
        """When nothing matches: how many cases the user sees at all."""
        return self._any_case

    def set_filter(self, f: svc.CaseFilter) -> None:
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
        uow = self.ctx.uow
        actor = self.ctx.actor
        f, sort, descending = self._filter, self._sort, self._descending
        count = recount or not self._loaded

        def work() -> _Answer:
            total = svc.count_cases(uow(), actor, f) if count else None
            rows = svc.list_cases(uow(), actor, f, sort, descending, 0, limit)
            if total == 0 or (total is None and not rows):
                any_status = (
                    svc.count_cases(uow(), actor, replace(f, status=None)) if f.status else 0
                )
                any_case = svc.count_cases(uow(), actor, svc.CaseFilter(status=None))
                return _Answer(0, [], any_status, any_case)
            return _Answer(total, rows)

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
        if answer.total is not None:
            self._total = answer.total
        self._rows = answer.rows
        self._any_status = answer.any_status
        self._any_case = answer.any_case
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
        uow = self.ctx.uow
        actor = self.ctx.actor
        f, sort, descending, size = self._filter, self._sort, self._descending, self.page_size

        def work() -> list[svc.CaseRow]:
            return svc.list_cases(uow(), actor, f, sort, descending, offset, size)

        self._start(
            work,
            lambda page: self._append(generation, offset, page),
            lambda exc: self._page_failed(generation, exc),
        )

    def _append(self, generation: int, offset: int, page: list[svc.CaseRow]) -> None:
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.set_sort(COLUMN_KEYS[column], order == Qt.SortOrder.DescendingOrder)

    # ------------------------------------------------------------ access

    def row(self, row: int) -> svc.CaseRow:
        return self._rows[row]

    def row_of(self, case_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == case_id:
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
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.text(r, col)
            if col == _CODE and r.meldcode:
                return _("{code}, {marker}").format(code=text, marker=_(MELDCODE_TEXT))
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == ID_ROLE:
            return r.id
        if role == MELDCODE_ROLE:
            return r.meldcode
        if role == OVERDUE_ROLE:
            return r.overdue_steps
        if role == Qt.ItemDataRole.DecorationRole:
            if col == _CODE and r.meldcode:
                return meldcode_icon()
            if col == _DUE and r.overdue_steps:
                return overdue_icon()
            return None
        if role == Qt.ItemDataRole.BackgroundRole and col == _CONSENT:
            background, _fg, _border = COLOURS[CONSENT_KIND.get(r.consent, "neutral")]
            return QBrush(QColor(background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == _CONSENT:
                return QBrush(QColor(COLOURS[CONSENT_KIND.get(r.consent, "neutral")][1]))
            if (col == _DUE and r.overdue_steps) or (col == _CODE and r.meldcode):
                return QBrush(QColor(MELDCODE_RED))
            return None
        if role == Qt.ItemDataRole.FontRole and (
            (col == _DUE and r.overdue_steps) or (col == _CODE and r.meldcode)
        ):
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    @staticmethod
    def text(r: svc.CaseRow, col: int) -> str:
        if col == _CODE:
            return r.code
        if col == _ALIAS:
            return r.alias
        if col == _PLACE:
            return r.municipality
        if col == _LEVEL:
            return level_short(r.level)
        if col == _STATUS:
            return label(CASE_STATUS_LABELS, r.status)
        if col == _CONSENT:
            return consent_short(r.consent, r.consent_ok_until, short=True)
        if col == _LEAD:
            return r.lead
        if col == _DUE:
            if r.next_due is None:
                return ""
            text = short_date(r.next_due)
            if r.overdue_steps:
                overdue = ngettext("{n} overdue", "{n} overdue", r.overdue_steps).format(
                    n=r.overdue_steps
                )
                text = _("{date} · {overdue}").format(date=text, overdue=overdue)
            return text
        if col == _REGISTERED:
            return format_date(r.registered_on)
        return ""

    def _tooltip(self, r: svc.CaseRow, col: int) -> str | None:
        if col == _CODE and r.meldcode:
            return _("{code}\n{meldcode}").format(code=r.code, meldcode=_(MELDCODE_TIP))
        if col == _LEVEL:
            return level_tip(r.level)
        if col == _CONSENT:
            text = consent_explained(r.consent)
            if r.meldcode:
                text = _("{consent}\n{meldcode}").format(consent=text, meldcode=_(MELDCODE_TIP))
            return text
        if col == _LEAD and r.lead:
            if r.lead_organisation:
                return _("{contact} ({organisation})").format(
                    contact=r.lead, organisation=r.lead_organisation
                )
            return r.lead
        if col == _DUE:
            if not r.open_steps:
                return _("No open next steps.")
            text = ngettext("{n} open next step", "{n} open next steps", r.open_steps).format(
                n=r.open_steps
            )
            if r.overdue_steps:
                text += "\n" + ngettext(
                    "{n} of them is past its due date.",
                    "{n} of them are past their due date.",
                    r.overdue_steps,
                ).format(n=r.overdue_steps)
            return text
        return self.text(r, col) or None
