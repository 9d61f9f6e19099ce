"""A paged table model over the audit log, newest entry first.

Like the case list it never loads the whole log: every (re)load asks for the count
and the first page, scrolling near the end asks for the next (``PagedQueryModel``),
each in the background. The log is always shown newest first (``seq`` descending,
the primary key), so it is not sortable by column.

The stored time is UTC; the table shows it in this computer's time zone (the header's
tooltip says so, a cell's tooltip gives the UTC time as well).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pact.i18n import N_, _, format_datetime
from pact.models.user import ROLES
from pact.services import audit as svc
from pact.services.vocab import ROLE_LABELS, label
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import FirstPage, ModelIndex, PagedQueryModel, Query

COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", N_("No.")),
    ("at", N_("Date and time")),
    ("event", N_("Event")),
    ("user", N_("User")),
    ("roles", N_("Role")),
    ("on_behalf_of", N_("On behalf of")),
    ("workstation", N_("Workstation")),
    ("record", N_("Record")),
    ("case", N_("Case")),
    ("outcome", N_("Outcome")),
    ("detail", N_("Detail")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
(
    SEQ,
    AT,
    EVENT,
    USER,
    ROLE,
    ON_BEHALF,
    WORKSTATION,
    RECORD,
    CASE,
    OUTCOME,
    DETAIL,
) = range(len(COLUMNS))

ID_ROLE = Qt.ItemDataRole.UserRole + 1
REFUSED_ROLE = Qt.ItemDataRole.UserRole + 2
# a refused action stands out: red text in every column, the outcome in bold
REFUSED_RED = "#b3261e"
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
        REFUSED_ROLE,
    )
)
PAGE_SIZE = 200


def local_time(at: datetime) -> datetime:
    """A stored (naive UTC) time in this computer's time zone."""
    return at.replace(tzinfo=UTC).astimezone()


def local_text(at: datetime) -> str:
    return format_datetime(local_time(at), "medium")


def zone_name() -> str:
    """This computer's time zone as the user knows it, e.g. "CET, UTC+01:00"."""
    now = datetime.now().astimezone()
    offset = now.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    name = now.tzname() or ""
    return f"{name}, {utc}" if name and name != "UTC" else utc


def roles_text(roles: str) -> str:
    """The stored roles ("administrator,coordinator") in words."""
    wanted = {r for r in roles.split(",") if r}
    known = [label(ROLE_LABELS, r) for r in ROLES if r in wanted]
    return ", ".join(known + sorted(wanted - set(ROLES)))


def record_text(r: svc.AuditRow) -> str:
    if not r.record_type:
        return ""
    kind = svc.record_type_label(r.record_type)
    return f"{kind} {r.record_id}" if r.record_id else kind


def is_refused(r: svc.AuditRow) -> bool:
    return r.outcome == svc.REFUSED


def cell_texts(r: svc.AuditRow) -> tuple[str, ...]:
    """What each column shows for ``r``."""
    return (
        str(r.id),
        local_text(r.at),
        svc.event_label(r.event),
        r.username,
        roles_text(r.roles),
        r.on_behalf_of,
        r.workstation,
        record_text(r),
        r.case_code,
        svc.outcome_label(r.outcome),
        " ".join(r.detail.split()),  # one line in the table; the pane shows it whole
    )


class AuditTableModel(PagedQueryModel[svc.AuditRow, svc.AuditFilter, FirstPage[svc.AuditRow]]):
    """Rows are ``AuditRow``s of the entries the filter asks for, newest first.

    ``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused
    (not an administrator, the database went away); ``busy_changed(bool)`` while a
    query runs.
    """

    columns = COLUMNS
    sortable = False

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(ctx, svc.AuditFilter(), "seq", page_size, parent)
        self._texts: dict[int, tuple[str, ...]] = {}
        self._red: QBrush | None = None
        self._bold: QFont | None = None

    @property
    def audit_filter(self) -> svc.AuditFilter:
        return self._filter

    # ------------------------------------------------------------ loading

    @staticmethod
    def fetch_first(q: Query[svc.AuditFilter], limit: int, count: bool) -> FirstPage[svc.AuditRow]:
        total = svc.count_entries(q.uow(), q.actor, q.filter) if count else None
        rows = svc.list_entries(q.uow(), q.actor, q.filter, 0, limit) if total != 0 else []
        return FirstPage(total, rows)

    @staticmethod
    def fetch_page(q: Query[svc.AuditFilter], offset: int, size: int) -> list[svc.AuditRow]:
        return svc.list_entries(q.uow(), q.actor, q.filter, offset, size)

    def took(self, answer: FirstPage[svc.AuditRow]) -> None:
        self._texts.clear()

    # ------------------------------------------------------------ Qt model

    def texts(self, row: int) -> tuple[str, ...]:
        """The cells of ``row`` as shown (formatted once, when first painted)."""
        r = self._rows[row]
        found = self._texts.get(r.id)
        if found is None:
            found = self._texts[r.id] = cell_texts(r)
        return found

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return self.header_tip(section)
        return super().headerData(section, orientation, role)

    @staticmethod
    def header_tip(section: int) -> str | None:
        if section == SEQ:
            return _("The entry's number in the log (the check of the log names it)")
        if section == AT:
            return _("Local time of this computer ({zone}); the log stores the time in UTC").format(
                zone=zone_name()
            )
        if section == ON_BEHALF:
            return _("The organisation the user works for")
        if section == WORKSTATION:
            return _(
                "The computer the action came from, and whether from the app or the command line"
            )
        if section == RECORD:
            return _("The kind of record and its number")
        if section == CASE:
            return _("The case the record belongs to")
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the view asks ~8 roles per visible cell on every repaint: answer the rest fast
        if role not in _ROLES or not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(index.row())[col]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.texts(index.row())[col]
            if col == OUTCOME and is_refused(r):
                return _("{outcome} (refused action)").format(outcome=text)
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), r, col)
        if role == ID_ROLE:
            return r.id
        if role == REFUSED_ROLE:
            return is_refused(r)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == SEQ:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        refused = is_refused(r)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not refused:
                return None
            if self._red is None:
                self._red = QBrush(QColor(REFUSED_RED))
            return self._red
        if role == Qt.ItemDataRole.FontRole and (
            (refused and col in (EVENT, OUTCOME)) or (col == EVENT and r.event == svc.BREAK_GLASS)
        ):
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    def _tooltip(self, row: int, r: svc.AuditRow, col: int) -> str | None:
        if col == AT:
            return _("{local} (local time)\n{utc} UTC").format(
                local=self.texts(row)[AT], utc=r.at.strftime("%Y-%m-%d %H:%M:%S")
            )
        if col == DETAIL:
            return r.detail or None
        if col == OUTCOME and is_refused(r):
            return _("The action was refused; the detail says why.")
        text = self.texts(row)[col]
        return text or None
