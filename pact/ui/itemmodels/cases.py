"""A paged, SQL-sorted and SQL-filtered table model over the cases the acting user
may see.

Like ``PartnerTableModel`` it never loads the whole table: every (re)load asks for
the first page, scrolling near the end asks for the next (``canFetchMore`` /
``fetchMore``). Unlike it, every query runs in the background (``Op``): the answer
resets the model (``reloaded``) or appends a page. An answer to an older question
(the filter changed meanwhile) is dropped. That machinery is ``PagedQueryModel``'s
(``pact.ui.itemmodels.paged``); this module says what to ask and how rows look.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pact.i18n import N_, _, format_date, ngettext
from pact.services import cases as svc
from pact.services.vocab import CASE_STATUS_LABELS, label
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import FirstPage, ModelIndex, PagedQueryModel, Query
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
class _Answer(FirstPage[svc.CaseRow]):
    # when nothing matches: how many match in any status, and how many cases there are
    any_status: int = 0
    any_case: int = 0


class CaseTableModel(PagedQueryModel[svc.CaseRow, svc.CaseFilter, _Answer]):
    """Rows are ``CaseRow``s of the acting user's cases.

    ``reloaded`` fires after every reset; ``failed(exc)`` when a query is refused
    (the user is no longer active, the database went away); ``busy_changed(bool)``
    while a query runs.
    """

    columns = COLUMNS

    def __init__(self, ctx: AppContext, page_size: int = svc.PAGE_SIZE, parent: Any = None):
        super().__init__(ctx, svc.CaseFilter(), "code", page_size, parent)
        self._any_status = 0
        self._any_case = 0
        self._bold: QFont | None = None

    # ------------------------------------------------------------ loading

    @property
    def case_filter(self) -> svc.CaseFilter:
        return self._filter

    @property
    def matches_in_any_status(self) -> int:
        """When nothing matches: how many cases would match in any status."""
        return self._any_status

    @property
    def cases_at_all(self) -> int:
        """When nothing matches: how many cases the user sees at all."""
        return self._any_case

    @staticmethod
    def fetch_first(q: Query[svc.CaseFilter], limit: int, count: bool) -> _Answer:
        uow, actor, f = q.uow, q.actor, q.filter
        total = svc.count_cases(uow(), actor, f) if count else None
        rows = svc.list_cases(uow(), actor, f, q.sort, q.descending, 0, limit)
        if total == 0 or (total is None and not rows):
            any_status = svc.count_cases(uow(), actor, replace(f, status=None)) if f.status else 0
            any_case = svc.count_cases(uow(), actor, svc.CaseFilter(status=None))
            return _Answer(0, [], any_status, any_case)
        return _Answer(total, rows)

    @staticmethod
    def fetch_page(q: Query[svc.CaseFilter], offset: int, size: int) -> list[svc.CaseRow]:
        return svc.list_cases(q.uow(), q.actor, q.filter, q.sort, q.descending, offset, size)

    def took(self, answer: _Answer) -> None:
        self._any_status = answer.any_status
        self._any_case = answer.any_case

    # ------------------------------------------------------------ Qt model

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
