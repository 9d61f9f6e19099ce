"""A paged table model over the meetings the acting user may see.

Every query runs in the background (``Op``); the first page arrives on a reload,
scrolling near the end asks for the next (``canFetchMore`` / ``fetchMore``). An
answer to an older question (the filter changed meanwhile) is dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pact.i18n import N_, _, format_date
from pact.services import clock
from pact.services import meetings as svc
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import FirstPage, ModelIndex, PagedQueryModel, Query

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


class MeetingTableModel(
    PagedQueryModel[svc.MeetingRow, svc.MeetingFilter, FirstPage[svc.MeetingRow]]
):
    """Rows are ``MeetingRow``s, in the order the service gives (not sortable)."""

    columns = COLUMNS
    sortable = False

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(ctx, svc.MeetingFilter(), page_size=page_size, parent=parent)

    @property
    def meeting_filter(self) -> svc.MeetingFilter:
        return self._filter

    def set_filter(self, f: svc.MeetingFilter) -> None:
        self._filter = f
        self.reload()  # even when it is the same filter: "refresh"

    @staticmethod
    def fetch_first(
        q: Query[svc.MeetingFilter], limit: int, count: bool
    ) -> FirstPage[svc.MeetingRow]:
        total = svc.count_meetings(q.uow(), q.actor, q.filter) if count else None
        return FirstPage(total, svc.list_meetings(q.uow(), q.actor, q.filter, limit, 0))

    @staticmethod
    def fetch_page(q: Query[svc.MeetingFilter], offset: int, size: int) -> list[svc.MeetingRow]:
        return svc.list_meetings(q.uow(), q.actor, q.filter, size, offset)

    # ------------------------------------------------------------ Qt model

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
