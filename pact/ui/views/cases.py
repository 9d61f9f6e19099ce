"""The cases area: the case list (filtered, sorted and paged in SQL) and, in its
place, the case file of the case opened.

Contract the main window relies on:

    CasesView(ctx, parent)
    new_case()                 Ctrl+N in the cases area: register a new case
    focus_filter()             Ctrl+F: to the case list's search field
    show_case(case_id, message="", tab=None)
                               open one case file (from the dashboard), at a tab
                               (a key of CaseFileView.TAB_KEYS; None: the first)
    has_unsaved_changes()      whether closing or switching would lose typed input

Every edit happens in a modal dialog that keeps what was typed until it is saved
or cancelled (cancelling typed input asks first); ``has_unsaved_changes`` is True
while such a dialog holds typed input. Only layout (column proportions, sort
order) is remembered, never a search text or a name.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError
from pact.i18n import _, format_number, ngettext
from pact.services import cases as svc
from pact.services.vocab import CASE_STATUS_LABELS, label
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices, load_choices
from pact.ui.dialogs.case_form import CaseFormDialog
from pact.ui.dialogs.case_register import CaseDetailsDialog
from pact.ui.itemmodels.cases import COLUMN_KEYS, ID_ROLE, CaseTableModel
from pact.ui.live import KeepPlace
from pact.ui.ops import Op
from pact.ui.views.case_file import CaseFileView
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.case_badges import level_long, meldcode_icon
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.fit_columns import FitColumns, FitTableView
from pact.ui.widgets.list_table import (
    LayoutSaver,
    configure_list_table,
    restore_column_weights,
    restore_sort_indicator,
    save_column_weights,
    save_sort_indicator,
    select_row,
)
from pact.ui.widgets.message_bar import MessageBar

# "Next step due" needs room for "● 27 Nov · 2 overdue" in bold (Dutch: "te laat")
_WEIGHTS = (1.05, 0.9, 1.1, 1.85, 0.85, 1.2, 1.5, 1.95, 1.1)
_MINIMUM_CHARS = (10, 8, 9, 12, 8, 10, 10, 12, 9)
_COMFORTABLE_CHARS = (12, 10, 12, 26, 9, 13, 14, 22, 11)
# (the weights used to be kept under "columnWeights"; those cut the due column short)
_WEIGHTS_KEY = "columnWeights2"
# when the comfortable widths do not fit: registered on goes first, then municipality
_HIDE_FIRST = (8, 2, 4)
_SETTINGS_GROUP = "casesView"
SEARCH_DELAY_MS = 150


def _settings() -> QSettings:
    return QSettings("pact", "pact")


class CasesView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("casesView")
        self.ctx = ctx
        self.model = CaseTableModel(ctx, parent=self)
        self.choices: CaseChoices | None = None
        self.dialog: CaseDetailsDialog | None = None
        self._opening: int | None = None
        self._open_single_hit = False  # Enter in the search: open the one case found
        self._leads_loaded = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self._layout_saver = LayoutSaver(self, self._save_state)
        self._build()
        self.model.reloaded.connect(self._on_reloaded)
        # a refresh keeps the chosen rows and the scroll position (pact.ui.live)
        self._keep_place = KeepPlace(self.table, self.model)
        self.model.rowsInserted.connect(self._update_count)
        self.model.failed.connect(self._on_model_failed)
        self.model.busy_changed.connect(self._on_busy)
        self._restore_state()
        self.table.setSortingEnabled(True)
        self.model.set_filter(self.current_filter())  # the first query
        self._load_vocabulary()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("casesStack")
        outer.addWidget(self.stack)

        self.list_page = QWidget(self.stack)
        self.list_page.setObjectName("caseListPage")
        page = QVBoxLayout(self.list_page)
        page.setContentsMargins(8, 8, 8, 8)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self.list_page)
        self.search_edit.setObjectName("caseSearch")
        self.search_edit.setAccessibleName(_("Search cases"))
        self.search_edit.setPlaceholderText(_("Search case code, alias, family or child's name…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            _(
                "Finds cases by their code, the family's alias or name, or a child's name. "
                "Enter opens the case when only one is found. (Ctrl+F)"
            )
        )
        self.search_edit.setMinimumWidth(220)
        bar.addWidget(self.search_edit, 3)
        self.status_filter = self._combo("caseStatusFilter", _("Filter by status"))
        self.status_filter.setToolTip(_("Open cases: registered or active"))
        for value, text in (
            ("open", _("Open cases")),
            ("registered", label(CASE_STATUS_LABELS, "registered")),
            ("active", label(CASE_STATUS_LABELS, "active")),
            ("closed", label(CASE_STATUS_LABELS, "closed")),
            ("", _("All statuses")),
        ):
            self.status_filter.addItem(text, value)
        bar.addWidget(self.status_filter, 1)
        self.municipality_filter = self._combo(
            "caseMunicipalityFilter", _("Filter by municipality")
        )
        self.municipality_filter.addItem(_("All municipalities"), None)
        bar.addWidget(self.municipality_filter, 1)
        self.level_filter = self._combo("caseLevelFilter", _("Filter by level"))
        self.level_filter.addItem(_("All levels"), None)
        for level in (1, 2, 3, 4):
            self.level_filter.addItem(level_long(level), level)
        bar.addWidget(self.level_filter, 1)
        self.lead_filter = self._combo("caseLeadFilter", _("Filter by case lead"))
        self.lead_filter.addItem(_("All case leads"), None)
        bar.addWidget(self.lead_filter, 1)
        bar.addSpacing(12)
        self.new_button = QPushButton(_("Register a case"), self.list_page)
        self.new_button.setObjectName("registerCaseButton")
        self.new_button.setAccessibleName(_("Register a case"))
        self.new_button.setToolTip(_("Register a new case (Ctrl+N)"))
        bar.addWidget(self.new_button)
        page.addLayout(bar)

        checks = QHBoxLayout()
        self.mine_check = self._check(
            "myCasesCheck",
            _("&My cases"),
            _("Only cases I registered or lead"),
            _("Cases you registered or of which you are the case lead."),
        )
        self.consent_check = self._check(
            "consentProblemCheck",
            _("&Consent missing or expiring"),
            _("Only cases whose consent is missing, incomplete, expired or expiring"),
            _("Consent missing, incomplete, expired, or ending within 30 days."),
        )
        self.overdue_check = self._check(
            "overdueCheck",
            _("&Overdue next steps"),
            _("Only cases with overdue next steps"),
            _("Cases with an open next step past its due date."),
        )
        for check in (self.mine_check, self.consent_check, self.overdue_check):
            checks.addWidget(check)
        checks.addStretch(1)
        page.addLayout(checks)

        self.message = MessageBar("caseListMessage", self.list_page)
        page.addWidget(self.message)
        self.busy = busy_bar(self.list_page, "caseListBusy")
        page.addWidget(self.busy)

        self.list_stack = QStackedWidget(self.list_page)
        self.list_stack.setObjectName("caseListStack")
        page.addWidget(self.list_stack, 1)
        self.table = FitTableView(self.list_stack)
        header = configure_list_table(
            self.table, "caseTable", _("Cases"), self.model, self.fontMetrics().height() + 10
        )
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.columns = FitColumns.in_characters(
            self.table,
            _WEIGHTS,
            minimum=_MINIMUM_CHARS,
            comfortable=_COMFORTABLE_CHARS,
            hide_first=_HIDE_FIRST,
        )
        self.table.columns = self.columns
        self.list_stack.addWidget(self.table)

        self.loading = EmptyState("casesLoading", _("Loading cases…"), "", self.list_stack)
        self.list_stack.addWidget(self.loading)
        self.no_cases = EmptyState(
            "noCases",
            _("No cases yet"),
            _(
                "Register the first family you support: the family's initials or an alias "
                "and the municipality are enough to start. pact gives the case a code."
            ),
            self.list_stack,
        )
        self.empty_new_button = self.no_cases.add_button(
            "emptyRegisterCaseButton", _("Register a case")
        )
        self.list_stack.addWidget(self.no_cases)
        self.no_matches = EmptyState("noMatchingCases", "", "", self.list_stack)
        self.clear_filter_button = self.no_matches.add_button(
            "clearCaseFilterButton", _("Clear filter")
        )
        self.list_stack.addWidget(self.no_matches)
        self.list_stack.setCurrentWidget(self.loading)

        footer = QHBoxLayout()
        self.count_label = QLabel(self.list_page)
        self.count_label.setObjectName("caseCount")
        footer.addWidget(self.count_label, 1)
        flag = QLabel(self.list_page)
        flag.setPixmap(meldcode_icon().pixmap(16, 16))
        footer.addWidget(flag)
        self.legend = QLabel(
            _("Meldcode: information shared without consent under the reporting code"),
            self.list_page,
        )
        self.legend.setObjectName("caseLegend")
        self.legend.setStyleSheet("color: palette(placeholder-text);")
        footer.addWidget(self.legend)
        page.addLayout(footer)
        self.stack.addWidget(self.list_page)

        self.case_file = CaseFileView(self.ctx, self.stack)
        self.stack.addWidget(self.case_file)

        # behaviour
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (
            self.status_filter,
            self.municipality_filter,
            self.level_filter,
            self.lead_filter,
        ):
            combo.currentIndexChanged.connect(self._apply_filter)
        for check in (self.mine_check, self.consent_check, self.overdue_check):
            check.toggled.connect(self._apply_filter)
        self.new_button.clicked.connect(self.new_case)
        self.empty_new_button.clicked.connect(self.new_case)
        self.clear_filter_button.clicked.connect(self._on_clear_filter_button)
        self.table.activated.connect(self._on_activated)
        self.case_file.back_requested.connect(self.show_list)
        self.case_file.load_failed.connect(self._on_load_failed)
        self.case_file.open_cancelled.connect(self._on_open_cancelled)
        self.case_file.case_loaded.connect(self._on_case_loaded)
        header.sectionResized.connect(self._layout_saver.changed)
        header.sortIndicatorChanged.connect(self._layout_saver.changed)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape_in_search)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_table)
        self.search_edit.returnPressed.connect(self._enter_in_search)

        chain: list[QWidget] = [
            self.search_edit,
            self.status_filter,
            self.municipality_filter,
            self.level_filter,
            self.lead_filter,
            self.new_button,
            self.mine_check,
            self.consent_check,
            self.overdue_check,
            self.table,
            self.empty_new_button,
            self.clear_filter_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self.list_page)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return combo

    def _check(self, name: str, text: str, accessible: str, tip: str) -> QCheckBox:
        check = QCheckBox(text, self.list_page)
        check.setObjectName(name)
        check.setAccessibleName(accessible)
        check.setToolTip(tip)
        return check

    def _load_vocabulary(self) -> None:
        """Municipalities and case leads for the filters (and the dialogs' choices)."""
        uow, actor = self.ctx.uow, self.ctx.actor

        def work() -> tuple[CaseChoices, list[svc.Option]]:
            return load_choices(uow), svc.lead_options(uow(), actor)

        def done(result: tuple[CaseChoices, list[svc.Option]]) -> None:
            if not isValid(self):
                return
            choices, leads = result
            self.choices = choices
            if self.case_file.choices is None:
                self.case_file.choices = choices
            self._fill(self.municipality_filter, _("All municipalities"), choices.municipalities)
            self._fill(
                self.lead_filter,
                _("All case leads"),
                [
                    (
                        o.id,
                        _("{contact} ({organisation})").format(
                            contact=o.label, organisation=o.detail
                        ),
                    )
                    for o in leads
                ],
            )
            self._leads_loaded = True

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self):
                self.message.show_message(str(exc), "error")

        Op(self, work).success(done).failure(failed).run()

    @staticmethod
    def _fill(combo: QComboBox, everything: str, items: Sequence[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, text in items:
            combo.addItem(text, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if current is not None and index < 0:
            combo.currentIndexChanged.emit(0)  # the chosen value is gone: filter again

    # ------------------------------------------------------------ public API

    def new_case(self) -> None:
        """Ctrl+N: the register-case dialog (after reading the choices, the first time)."""
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        if self.choices is None:
            uow = self.ctx.uow

            def loaded(choices: CaseChoices) -> None:
                if isValid(self):
                    self.choices = choices
                    self._open_register(choices)

            Op(self, lambda: load_choices(uow)).success(loaded).failure(self._on_model_failed).run()
            return
        self._open_register(self.choices)

    def _open_register(self, choices: CaseChoices) -> None:
        dialog = CaseDetailsDialog(self.ctx, choices, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._registered)
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: CaseDetailsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _registered(self, header: svc.CaseHeader) -> None:
        self.ctx.changed.emit("cases")
        if isValid(self):
            self.show_case(
                header.id,
                _("Case {code} is registered. Add the family's children and parents next.").format(
                    code=header.code
                ),
            )

    def focus_filter(self) -> None:
        """Ctrl+F: back to the list, to the search field with its text selected."""
        self.show_list()
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def show_case(self, case_id: int, message: str = "", tab: str | None = None) -> None:
        """Open a case file (at ``tab``, a key of ``CaseFileView.TAB_KEYS``). A case
        that is gone, or one the user may not see, gives a message on the list
        instead."""
        self._opening = case_id
        self.busy.show()
        self.case_file.load(case_id, message, tab)

    def show_list(self) -> None:
        self._opening = None
        was_file = self.stack.currentWidget() is self.case_file
        self.stack.setCurrentWidget(self.list_page)
        if was_file:
            case_id = self.case_file.case_id
            if case_id is not None:
                self._select_id(case_id)
            self._focus_table()

    def has_unsaved_changes(self) -> bool:
        """True while an open case dialog holds typed input that is not saved."""
        for dialog in (self.dialog, self.case_file.dialog):
            if (
                isinstance(dialog, CaseFormDialog)
                and isValid(dialog)
                and dialog.isVisible()
                and dialog.is_dirty()
            ):
                return True
        return False

    def showing_case(self) -> int | None:
        """The id of the case file shown, or None when the list is shown."""
        if self.stack.currentWidget() is self.case_file:
            return self.case_file.case_id
        return None

    # ------------------------------------------------------------ opening

    def _on_activated(self, index: object) -> None:
        row = self.table.currentIndex()
        if row.isValid():
            case_id = row.data(ID_ROLE)
            if case_id is not None:
                self.show_case(int(case_id))

    def _on_case_loaded(self, case_id: int) -> None:
        if self._opening == case_id:
            self._opening = None
            self.busy.setVisible(self.model.busy)
            if self.stack.currentWidget() is not self.case_file:
                self.stack.setCurrentWidget(self.case_file)
            self.case_file.focus_first()

    def _on_open_cancelled(self) -> None:
        """No break-glass reason given: the case stays closed, the page as it was."""
        self._opening = None
        self.busy.setVisible(self.model.busy)

    def _on_load_failed(self, message: str) -> None:
        self._opening = None
        self.busy.setVisible(self.model.busy)
        self.stack.setCurrentWidget(self.list_page)
        self.message.show_message(message, "warning")
        self.model.reload(keep_loaded=True)

    # ------------------------------------------------------------ filter

    def current_filter(self) -> svc.CaseFilter:
        status = self.status_filter.currentData()
        return svc.CaseFilter(
            text=self.search_edit.text(),
            status=status or None,
            municipality_id=self.municipality_filter.currentData(),
            level=self.level_filter.currentData(),
            lead_contact_id=self.lead_filter.currentData(),
            mine=self.mine_check.isChecked(),
            consent_problem=self.consent_check.isChecked(),
            overdue=self.overdue_check.isChecked(),
        )

    def _apply_filter(self, *_args: object) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def clear_filter(self) -> None:
        widgets: list[QWidget] = [
            self.search_edit,
            self.status_filter,
            self.municipality_filter,
            self.level_filter,
            self.lead_filter,
            self.mine_check,
            self.consent_check,
            self.overdue_check,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.clear()
        for combo in (
            self.status_filter,
            self.municipality_filter,
            self.level_filter,
            self.lead_filter,
        ):
            combo.setCurrentIndex(0)
        for check in (self.mine_check, self.consent_check, self.overdue_check):
            check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._apply_filter()

    def _on_clear_filter_button(self) -> None:
        f = self.model.case_filter
        if f.status and self.model.matches_in_any_status:
            self.status_filter.setCurrentIndex(self.status_filter.findData(""))
        else:
            self.clear_filter()
        self.search_edit.setFocus()

    def _enter_in_search(self) -> None:
        """Enter in the search field: search now; exactly one case found opens it,
        more go to the list."""
        self._search_timer.stop()
        self._open_single_hit = True
        f = self.current_filter()
        if f != self.model.case_filter:
            self.model.set_filter(f)
        else:  # ask again: the answer on screen may be older than the last change
            self.model.reload(keep_loaded=True)

    def _after_search_enter(self) -> None:
        if self.model.total == 1 and self.model.loaded() == 1:
            self.show_case(self.model.row(0).id)
        elif self.model.total > 1:
            self._focus_table()

    def _escape_in_search(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
        else:
            self._focus_table()

    def _focus_table(self) -> None:
        if self.list_stack.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(0, 0))

    def _select_id(self, case_id: int) -> None:
        row = self.model.row_of(case_id)
        if row is None:
            return
        select_row(self.table, row)

    # ------------------------------------------------------------ list state

    def _on_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy or self._opening is not None)

    def _on_reloaded(self) -> None:
        if self.model.total:
            self.list_stack.setCurrentWidget(self.table)
        else:
            self._show_nothing_found(self.model.case_filter)
        self._update_count()
        current = self.case_file.case_id
        if current is not None:
            self._select_id(current)
        if self._open_single_hit:
            self._open_single_hit = False
            if self.search_edit.hasFocus():  # still where Enter was pressed
                self._after_search_enter()

    def _show_nothing_found(self, f: svc.CaseFilter) -> None:
        if self.model.cases_at_all == 0:
            if self.ctx.has_actor and not self.ctx.actor.is_coordinator:
                # other cases may well exist: this user does not see them
                self.no_cases.set_text(
                    _("No cases for you yet"),
                    _(
                        "You see only the cases you registered or lead, and those in which "
                        "your organisation is involved. Register a case to start one: the "
                        "family's initials or an alias and the municipality are enough."
                    ),
                )
            else:
                self.no_cases.set_text(
                    _("No cases yet"),
                    _(
                        "Register the first family you support: the family's initials or an "
                        "alias and the municipality are enough to start. pact gives the case "
                        "a code."
                    ),
                )
            self.list_stack.setCurrentWidget(self.no_cases)
            return
        if f.status and self.model.matches_in_any_status:
            n = self.model.matches_in_any_status
            self.no_matches.set_text(
                ngettext(
                    "{n} case with another status matches",
                    "{n} cases with another status match",
                    n,
                ).format(n=format_number(n)),
                _("The status filter hides them. Show every status, or change the filter."),
            )
            text = _("Show all statuses")
        else:
            self.no_matches.set_text(
                _("No cases match this filter"),
                _("Check the spelling of the code or initials, untick a box, or clear the filter."),
            )
            text = _("Clear filter")
        self.clear_filter_button.setText(text)
        self.clear_filter_button.setAccessibleName(text)
        self.list_stack.setCurrentWidget(self.no_matches)

    def _update_count(self, *_args: object) -> None:
        total = self.model.total
        self.count_label.setText(
            ngettext("{n} case", "{n} cases", total).format(n=format_number(total))
        )

    def _on_model_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if isValid(self):
            self.message.show_message(str(exc), "error")
            if not self.model.has_loaded:
                self.loading.set_text(_("The cases could not be read"), str(exc))

    def _on_changed(self, what: str) -> None:
        if what in ("cases", "actions", "users"):
            self.model.reload(keep_loaded=True)
            if what == "cases":
                self._refresh_leads()
        elif what in ("partners", "municipalities"):
            self.choices = None
            self._load_vocabulary()
            self.model.reload(keep_loaded=True)

    def _refresh_leads(self) -> None:
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(leads: list[svc.Option]) -> None:
            if isValid(self):
                self._fill(
                    self.lead_filter,
                    _("All case leads"),
                    [
                        (
                            o.id,
                            _("{contact} ({organisation})").format(
                                contact=o.label, organisation=o.detail
                            ),
                        )
                        for o in leads
                    ],
                )

        Op(self, lambda: svc.lead_options(uow(), actor)).success(done).failure(
            lambda _exc: None
        ).run()

    # ------------------------------------------------------------ remembered layout

    def hideEvent(self, event: QHideEvent) -> None:
        self._layout_saver.flush()
        super().hideEvent(event)

    def _restore_state(self) -> None:
        settings = _settings()
        restore_column_weights(settings, f"{_SETTINGS_GROUP}/{_WEIGHTS_KEY}", self.columns)
        header = self.table.horizontalHeader()
        restore_sort_indicator(settings, _SETTINGS_GROUP, header, COLUMN_KEYS)

    def _save_state(self) -> None:
        settings = _settings()
        save_column_weights(settings, f"{_SETTINGS_GROUP}/{_WEIGHTS_KEY}", self.columns)
        header = self.table.horizontalHeader()
        save_sort_indicator(settings, _SETTINGS_GROUP, header, COLUMN_KEYS)
