"""A paged, SQL-sorted and SQL-filtered table model over the partner directory.

Never loads the whole table: the first page comes with every (re)load, the next
ones when the view scrolls near the end (``canFetchMore``/``fetchMore``). Sorting
and filtering re-query the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from pact.db.uow import UnitOfWork
from pact.i18n import N_, _
from pact.services import partners as svc
from pact.services.vocab import domain_label, sector_label
from pact.ui.itemmodels.paged import ModelIndex, RowTableModel

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("sector", N_("Sector")),
    ("municipalities", N_("Municipalities")),
    ("domains", N_("Expertise")),
    ("phone", N_("Phone")),
    ("email", N_("E-mail")),
    ("contacts", N_("Contacts")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
assert set(COLUMN_KEYS) == set(svc.SORT_COLUMNS)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ARCHIVED_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ID_ROLE,
        ARCHIVED_ROLE,
    )
)


class PartnerTableModel(RowTableModel[svc.OrganisationRow]):
    """Rows are ``OrganisationRow``s, fetched in pages of ``page_size``.

    ``reloaded`` fires after every reset (new filter, new sort, refresh), so a view
    can switch between the table and its empty states.
    """

    reloaded = Signal()
    columns = COLUMNS

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        page_size: int = svc.PAGE_SIZE,
        parent: Any = None,
    ):
        super().__init__(parent)
        self._uow = uow
        self.page_size = page_size
        self._total = 0
        self._filter = svc.PartnerFilter()
        self._sort = "name"
        self._descending = False
        self._loaded = False
        self._grey: Any = None
        self._italic: QFont | None = None

    # ------------------------------------------------------------ loading

    @property
    def total(self) -> int:
        """How many organisations match the filter (loaded or not)."""
        return self._total

    @property
    def has_loaded(self) -> bool:
        """Whether the first query ran."""
        return self._loaded

    @property
    def partner_filter(self) -> svc.PartnerFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def set_filter(self, f: svc.PartnerFilter) -> None:
        if f != self._filter:
            self._filter = f
            self.reload()

    def reload(self, keep_loaded: bool = False, recount: bool = True) -> None:
        """Query again. With ``keep_loaded`` as many rows as are loaded now are fetched
        again (a refresh after a change keeps the scroll position meaningful). A new
        sort order keeps the same rows, so it need not count them again."""
        limit = self.page_size
        if keep_loaded and len(self._rows) > limit:
            limit = -(-len(self._rows) // self.page_size) * self.page_size
        if recount or not self._loaded:
            total = svc.count_organisations(self._uow(), self._filter)
        else:
            total = self._total
        rows = (
            svc.list_organisations(
                self._uow(), self._filter, self._sort, self._descending, 0, limit
            )
            if total
            else []
        )
        self.beginResetModel()
        self._loaded = True
        self._total = total
        self._rows = rows
        self.endResetModel()
        self.reloaded.emit()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = svc.list_organisations(
            self._uow(),
            self._filter,
            self._sort,
            self._descending,
            len(self._rows),
            self.page_size,
        )
        if not page:
            # rows disappeared meanwhile: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMN_KEYS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending) and self._loaded:
            return
        self._sort, self._descending = key, descending
        self.reload(recount=False)

    # ------------------------------------------------------------ Qt model

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the view asks ~8 roles per visible cell on every repaint: answer the rest fast
        if role not in _ROLES or not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            # the whole text of what a narrow column cuts off
            if col == 0 and r.archived:
                return _("{name}\nArchived: no longer an active partner.").format(name=r.name)
            if col in (0, 1, 2, 3, 5):
                return self._text(r, col) or None
            return None
        if role == ID_ROLE:
            return r.id
        if role == ARCHIVED_ROLE:
            return r.archived
        if r.archived:
            if role == Qt.ItemDataRole.ForegroundRole:
                if self._grey is None:
                    self._grey = QApplication.palette().brush(
                        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                    )
                return self._grey
            if role == Qt.ItemDataRole.FontRole:
                if self._italic is None:
                    self._italic = QFont()
                    self._italic.setItalic(True)
                return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(r: svc.OrganisationRow, col: int) -> str:
        if col == 0:
            return _("{name} (archived)").format(name=r.name) if r.archived else r.name
        if col == 1:
            return sector_label(r.sector)
        if col == 2:
            return ", ".join(r.municipalities)
        if col == 3:
            return ", ".join(domain_label(d) for d in r.domains)
        if col == 4:
            return r.phone
        if col == 5:
            return r.email
        if col == 6:
            return str(r.contact_count)
        return ""
