"""The retention area (coordinators only): the closed cases whose retention term has
ended, longest closed first, paged like the other lists; select them and anonymise
them (after a confirmation that says what goes and what stays).

Contract the main window relies on:

    RetentionView(ctx, parent)
    refresh()                  ask again (also on showing the area, and on
                               ctx.changed "cases" / "retention" (the term changed) /
                               "settings" while shown)
    open_case(case_id)         a row was opened (double-click or Enter)

Nothing is queried before the area is first shown. The rows hold no names: the
case code, level, municipality and dates only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError, error_text
from pact.i18n import N_, _, format_date, format_number, ngettext
from pact.services import retention as svc
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import FirstPage, ModelIndex, PagedQueryModel, Query
from pact.ui.live import KeepPlace
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.buttons import action_button, spoken
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.fit_columns import FitColumns, FitTableView
from pact.ui.widgets.list_table import (
    LayoutSaver,
    configure_list_table,
    restore_column_weights,
    save_column_weights,
)
from pact.ui.widgets.message_bar import MessageBar

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", N_("Case")),
    ("level", N_("Level")),
    ("municipality", N_("Municipality")),
    ("closed_on", N_("Closed on")),
    ("retention_end", N_("Retention ended on")),
)
CODE, LEVEL, MUNICIPALITY, CLOSED_ON, RETENTION_END = range(len(COLUMNS))
_WEIGHTS = (1.0, 0.6, 1.6, 1.2, 1.2)
_MINIMUM_CHARS = (9, 5, 10, 11, 11)
_SETTINGS_GROUP = "retentionView"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200


def _settings() -> QSettings:
    return QSettings("pact", "pact")


@dataclass(frozen=True)
class DuePage(FirstPage[svc.DueCase]):
    """The first page, with the term it was counted with."""

    years: int = svc.DEFAULT_YEARS


def cell_texts(r: svc.DueCase) -> tuple[str, ...]:
    return (
        r.code,
        str(r.level),
        r.municipality,
        format_date(r.closed_on),
        format_date(r.retention_end),
    )


class DueTableModel(PagedQueryModel[svc.DueCase, None, DuePage]):
    """The due cases, longest closed first (not sortable: the order is the point)."""

    columns = COLUMNS
    sortable = False

    def __init__(self, ctx: AppContext, page_size: int = PAGE_SIZE, parent: Any = None):
        super().__init__(ctx, None, "closed_on", page_size, parent)
        self.years = svc.DEFAULT_YEARS

    @staticmethod
    def fetch_first(q: Query[None], limit: int, count: bool) -> DuePage:
        years = svc.get_years(q.uow())
        total = svc.count_due(q.uow(), q.actor) if count else None
        rows = svc.list_due(q.uow(), q.actor, limit=limit) if total != 0 else []
        return DuePage(total, rows, years)

    @staticmethod
    def fetch_page(q: Query[None], offset: int, size: int) -> list[svc.DueCase]:
        return svc.list_due(q.uow(), q.actor, limit=size, offset=offset)

    def took(self, answer: DuePage) -> None:
        self.years = answer.years

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = cell_texts(r)[col]
            if role == Qt.ItemDataRole.AccessibleTextRole and col == LEVEL:
                return _("Level {n}").format(n=r.level)
            return text
        if role == ID_ROLE:
            return r.case_id
        if role == Qt.ItemDataRole.TextAlignmentRole and col == LEVEL:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def removed_and_kept(code: str) -> str:
    """What anonymising does, for the confirmation (``code``: one of the cases)."""
    return "\n\n".join(
        (
            _(
                "Removed: the family's alias and name, the children's names, the parents' "
                "initials or aliases, notes and reasons, signals, consent and Meldcode texts, "
                "consultation questions and advice, the texts of next steps, and the "
                "minutes of their agenda items (they keep only “{discussed}”)."
            ).format(discussed=svc.discussed_text(code)),
            _(
                "Kept: the case codes, dates, levels, municipalities, the partners "
                "involved and the counts for the reports to the municipalities."
            ),
            _(
                "This cannot be undone. Backups made before today still hold the old "
                "data until they are replaced by newer ones."
            ),
        )
    )


class RetentionView(QWidget):
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("retentionView")
        self.setAccessibleName(_("Retention"))
        self.ctx = ctx
        self.model = DueTableModel(ctx, parent=self)
        self.confirm_box: QMessageBox | None = None
        self._busy_writing = False
        self._layout_saver = LayoutSaver(self, self._save_state)
        self._build()
        self.model.reloaded.connect(self._on_reloaded)
        # a refresh keeps the chosen rows and the scroll position (pact.ui.live)
        self._keep_place = KeepPlace(self.table, self.model)
        self.model.rowsInserted.connect(self._update_count)
        self.model.failed.connect(self._on_model_failed)
        self.model.busy_changed.connect(self._on_busy)
        self._restore_state()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        self.title = QLabel(_("Retention"), self)
        self.title.setObjectName("retentionTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        outer.addWidget(self.title)
        self.intro = QLabel(self)
        self.intro.setObjectName("retentionIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.intro)

        actions = QHBoxLayout()
        self.anonymise_button = action_button(
            self,
            "anonymiseButton",
            _("&Anonymise…"),
            _("Remove the names and texts of the chosen cases (asks first)"),
        )
        self.select_all_button = action_button(
            self,
            "selectAllDueButton",
            _("Select a&ll"),
            _("Choose every case in the list (Ctrl+A)"),
        )
        self.refresh_button = action_button(
            self, "retentionRefreshButton", _("Refresh"), _("Read the list again (F5)")
        )
        actions.addWidget(self.anonymise_button)
        actions.addWidget(self.select_all_button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        outer.addLayout(actions)

        self.message = MessageBar("retentionMessage", self)
        outer.addWidget(self.message)
        self.busy = busy_bar(self, "retentionBusy")
        outer.addWidget(self.busy)

        self.list_stack = QStackedWidget(self)
        self.list_stack.setObjectName("retentionListStack")
        self.table = FitTableView(self.list_stack)
        configure_list_table(
            self.table,
            "retentionTable",
            _("Cases past their retention term"),
            self.model,
            self.fontMetrics().height() + 10,
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(False)
        self.columns = FitColumns.in_characters(self.table, _WEIGHTS, minimum=_MINIMUM_CHARS)
        self.table.columns = self.columns
        self.list_stack.addWidget(self.table)
        self.loading = EmptyState(
            "retentionLoading", _("Looking for cases past their retention term…"), "", self
        )
        self.list_stack.addWidget(self.loading)
        self.no_cases = EmptyState("noDueCases", _("No case has passed its retention term"), "")
        self.list_stack.addWidget(self.no_cases)
        self.list_stack.setCurrentWidget(self.loading)
        outer.addWidget(self.list_stack, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("retentionCount")
        footer.addWidget(self.count_label, 1)
        outer.addLayout(footer)

        self.anonymise_button.clicked.connect(self.ask_anonymise)
        self.select_all_button.clicked.connect(self._select_all)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.table.activated.connect(self._on_activated)
        self.table.horizontalHeader().sectionResized.connect(self._layout_saver.changed)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        for first, second in itertools.pairwise(
            [self.anonymise_button, self.select_all_button, self.refresh_button, self.table]
        ):
            QWidget.setTabOrder(first, second)
        self._show_term(svc.DEFAULT_YEARS)
        self._update_buttons()

    def _show_term(self, years: int) -> None:
        term = svc.term_text(years)
        self.intro.setText(
            _(
                "Case files are kept {term}, as for youth-care files. Closed cases that "
                "have passed that term are listed here: anonymise them to remove the names, "
                "free texts and contact details. The case codes, dates and the counts for "
                "the reports to the municipalities stay."
            ).format(term=term)
        )
        self.no_cases.set_text(
            _("No case has passed its retention term"),
            _(
                "A closed case appears here once its retention term has ended: {term}. "
                "Then its names and texts can be removed, while its counts stay in the "
                "reports. Nothing needs to be done now. The term is a setting (File → "
                "Settings)."
            ).format(term=term),
        )

    # ------------------------------------------------------------ public API

    def refresh(self) -> None:
        if self.model.has_loaded:
            self.model.reload(keep_loaded=True)
        else:
            self.model.set_filter(None)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row(r).case_id for r in rows if r < self.model.rowCount()]

    def selected_codes(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row(r).code for r in rows if r < self.model.rowCount()]

    def visible_rows(self) -> list[tuple[str, ...]]:
        """The loaded rows as the table shows them (tests)."""
        return [cell_texts(self.model.row(r)) for r in range(self.model.rowCount())]

    # ------------------------------------------------------------ showing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _on_changed(self, what: str) -> None:
        # a hidden view asks again when it shows
        if what in ("cases", "retention", "settings") and self.isVisible():
            self.refresh()

    def _on_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy or self._busy_writing)

    def _on_reloaded(self) -> None:
        self._show_term(self.model.years)
        self.list_stack.setCurrentWidget(self.table if self.model.total else self.no_cases)
        self._update_count()
        self._update_buttons()

    def _update_count(self, *_args: object) -> None:
        total = self.model.total
        self.count_label.setText(
            ngettext(
                "{n} case past its retention term", "{n} cases past their retention term", total
            ).format(n=format_number(total))
            if self.model.has_loaded
            else ""
        )

    def _update_buttons(self) -> None:
        chosen = len(self.table.selectionModel().selectedRows())
        self.anonymise_button.setEnabled(chosen > 0 and not self._busy_writing)
        self.select_all_button.setEnabled(self.model.rowCount() > 0)
        text = (
            ngettext("&Anonymise {n} case…", "&Anonymise {n} cases…", chosen).format(n=chosen)
            if chosen
            else _("&Anonymise…")
        )
        self.anonymise_button.setText(text)
        self.anonymise_button.setAccessibleName(spoken(text))

    def _select_all(self) -> None:
        self.table.selectAll()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < self.model.rowCount():
            self.open_case.emit(self.model.row(index.row()).case_id)

    def _on_model_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if isValid(self):
            self.message.show_message(str(exc), "error")
            if not self.model.has_loaded:
                self.loading.set_text(_("The list could not be read"), str(exc))

    # ------------------------------------------------------------ anonymising

    def ask_anonymise(self) -> None:
        """Ask first; then anonymise the chosen cases in the background."""
        ids, codes = self.selected_ids(), self.selected_codes()
        if not ids or self._busy_writing:
            return
        box = QMessageBox(self)
        box.setObjectName("anonymiseConfirmBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Anonymise cases"))
        shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
        box.setText(
            ngettext(
                "Anonymise {n} case ({codes})?", "Anonymise {n} cases ({codes})?", len(ids)
            ).format(n=len(ids), codes=shown)
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # (the codes and texts are no HTML)
        box.setInformativeText(removed_and_kept(codes[0]))
        # wide enough to read the paragraphs without a tall narrow column
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 520px; }")
        ok = box.addButton(_("Anonymise"), QMessageBox.ButtonRole.DestructiveRole)
        ok.setObjectName("confirmButton")
        ok.setAccessibleName(_("Anonymise"))
        cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        cancel.setAccessibleName(_("Cancel"))
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self.anonymise(ids, codes) if b is ok else None)
        self.confirm_box = box
        box.open()

    def anonymise(self, ids: list[int], codes: list[str]) -> None:
        uow, actor = self.ctx.uow, self.ctx.actor
        self._busy_writing = True
        self.busy.show()
        self._update_buttons()

        def done(n: int) -> None:
            if not isValid(self):
                return
            self._busy_writing = False
            self.busy.setVisible(self.model.busy)
            self.message.show_message(
                ngettext(
                    "{n} case anonymised: {codes}.", "{n} cases anonymised: {codes}.", n
                ).format(n=n, codes=", ".join(codes)),
                "info",
            )
            self.ctx.changed.emit("cases")  # refreshes this list too

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if not isValid(self):
                return
            self._busy_writing = False
            self.busy.setVisible(self.model.busy)
            self.message.show_message(
                _("Nothing was anonymised: {reason}").format(reason=error_text(exc)), "error"
            )
            self.refresh()

        Op(self, lambda: svc.anonymise(uow(), actor, ids), write=True).with_progress(
            _("Anonymising…")
        ).success(done).failure(failed).run()

    # ------------------------------------------------------------ remembered layout

    def hideEvent(self, event: QHideEvent) -> None:
        self._layout_saver.flush()
        super().hideEvent(event)

    def _restore_state(self) -> None:
        restore_column_weights(_settings(), f"{_SETTINGS_GROUP}/columnWeights", self.columns)

    def _save_state(self) -> None:
        save_column_weights(_settings(), f"{_SETTINGS_GROUP}/columnWeights", self.columns)


__all__ = ["DueTableModel", "RetentionView", "removed_and_kept"]
