"""The next steps area ("Vervolgstappen"): every agreed next step the acting user
may see, from consultations and meetings, filtered, sorted and paged in SQL.

Contract the main window relies on:

    NextStepsView(ctx, parent)
    open_case(case_id, tab)    signal: show this case file (at its "steps" tab)
    focus_filter()             to the search field, its text selected
    show_case_steps(case_id)   the steps of one case (all statuses)

Filters: my next steps, status, owner organisation and contact person, meeting,
due from / until (each only when ticked), overdue only, and a search in what has
to be done and the case code. A step is marked done (date and note) or cancelled
in the same dialog as in the case file; a closed step can be reopened. Overdue
rows are red with the due date in bold; the count says how many are overdue.
Only layout (column proportions, sort order) is remembered, never a search text.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
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
from pact.i18n import _, format_date, format_number, ngettext
from pact.services import clock
from pact.services import consultations as svc
from pact.services.cases import Option
from pact.services.vocab import ACTION_STATUS_LABELS, label
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices, load_choices
from pact.ui.dialogs.case_form import date_edit, date_value, qdate
from pact.ui.dialogs.case_step import StepStatusDialog
from pact.ui.itemmodels.actions import COLUMN_KEYS, ActionTableModel
from pact.ui.live import KeepPlace
from pact.ui.ops import Op
from pact.ui.views.case_file import step_closed_text
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.case_badges import HINT_STYLE, meldcode_icon, overdue_icon
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.field import ERROR_COLOUR
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

# due, what, who, case, meeting, status
# the due date needs room for "● 27 Nov 2027" in bold
_WEIGHTS = (1.0, 3.0, 2.2, 1.0, 1.7, 1.4)
_MINIMUM_CHARS = (12, 14, 10, 9, 9, 12)
_COMFORTABLE_CHARS = (14, 30, 22, 11, 20, 16)
_MEETING = 4
# the meeting goes first when the comfortable widths do not fit (and while no
# next step was agreed at a meeting)
_HIDE_FIRST = (_MEETING,)
_SETTINGS_GROUP = "nextStepsView"
SEARCH_DELAY_MS = 150
DEFAULT_RANGE_DAYS = 14


def _settings() -> QSettings:
    return QSettings("pact", "pact")


class NextStepsView(QWidget):
    open_case = Signal(int, str)  # the case, and the tab of its case file to show

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("nextStepsView")
        self.ctx = ctx
        self.model = ActionTableModel(ctx, parent=self)
        self.choices: CaseChoices | None = None
        self.dialog: StepStatusDialog | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self._layout_saver = LayoutSaver(self, self._save_state)
        self._case_id: int | None = None  # show_case_steps: the steps of one case
        self._selected_id: int | None = None  # kept current across reloads
        self._show_all_statuses = False  # what the empty state's button does
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
        self._load_choices()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        page = QVBoxLayout(self)
        page.setContentsMargins(8, 8, 8, 8)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("nextStepSearch")
        self.search_edit.setAccessibleName(_("Search next steps"))
        self.search_edit.setPlaceholderText(_("Search what or case code…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            _("Finds next steps by what has to be done or by their case's code.")
        )
        self.search_edit.setMinimumWidth(200)
        bar.addWidget(self.search_edit, 3)
        self.status_filter = self._combo("nextStepStatusFilter", _("Filter by status"))
        for value, text in (
            ("open", _("Open next steps")),
            ("done", label(ACTION_STATUS_LABELS, "done")),
            ("cancelled", label(ACTION_STATUS_LABELS, "cancelled")),
            ("", _("All statuses")),
        ):
            self.status_filter.addItem(text, value)
        # its few choices are never cut short ("Open vervolgstappen" is the longest)
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar.addWidget(self.status_filter, 0)
        self.org_filter = self._combo("nextStepOrganisationFilter", _("Filter by organisation"))
        self.org_filter.addItem(_("All organisations"), None)
        self.org_filter.setToolTip(
            _("The organisation that does it (itself, or one of its contact persons)")
        )
        bar.addWidget(self.org_filter, 2)
        self.contact_filter = self._combo("nextStepContactFilter", _("Filter by contact person"))
        self.contact_filter.addItem(_("All contact persons"), None)
        bar.addWidget(self.contact_filter, 2)
        self.meeting_filter = self._combo("nextStepMeetingFilter", _("Filter by meeting"))
        self.meeting_filter.addItem(_("All meetings"), None)
        self.meeting_filter.setToolTip(_("The meeting at which the next step was agreed"))
        bar.addWidget(self.meeting_filter, 2)
        page.addLayout(bar)

        checks = QHBoxLayout()
        self.mine_check = self._check(
            "myNextStepsCheck",
            _("&My next steps"),
            _("Only my next steps"),
            _(
                "Next steps of your contact person, or of your organisation when no "
                "contact person is named."
            ),
        )
        checks.addWidget(self.mine_check)
        self.overdue_check = self._check(
            "overdueOnlyCheck",
            _("O&verdue only"),
            _("Only overdue next steps"),
            _("Open next steps past their due date."),
        )
        checks.addWidget(self.overdue_check)
        checks.addSpacing(16)
        today = clock.today()
        self.from_check = self._check(
            "dueFromCheck",
            _("Due &from"),
            _("Only next steps due on or after a date"),
            _("Tick to show only next steps due on or after this date."),
        )
        self.from_edit = date_edit("dueFromEdit", _("Due from"), today)
        self.from_edit.setEnabled(False)
        self.until_check = self._check(
            "dueUntilCheck",
            _("&until"),
            _("Only next steps due on or before a date"),
            _("Tick to show only next steps due on or before this date."),
        )
        self.until_edit = date_edit(
            "dueUntilEdit", _("Due until"), today + timedelta(days=DEFAULT_RANGE_DAYS)
        )
        self.until_edit.setEnabled(False)
        for w in (self.from_check, self.from_edit, self.until_check, self.until_edit):
            checks.addWidget(w)
        checks.addStretch(1)
        self.case_label = QLabel(self)
        self.case_label.setObjectName("nextStepCaseFilter")
        self.case_label.hide()
        checks.addWidget(self.case_label)
        self.clear_button = QPushButton(_("Clear filter"), self)
        self.clear_button.setObjectName("clearNextStepFilterButton")
        self.clear_button.setAccessibleName(_("Clear filter"))
        self.clear_button.setToolTip(_("Show every open next step again"))
        checks.addWidget(self.clear_button)
        page.addLayout(checks)

        self.message = MessageBar("nextStepsMessage", self)
        page.addWidget(self.message)
        self.busy = busy_bar(self, "nextStepsBusy")
        page.addWidget(self.busy)

        self.list_stack = QStackedWidget(self)
        self.list_stack.setObjectName("nextStepsStack")
        page.addWidget(self.list_stack, 1)
        self.table = FitTableView(self.list_stack)
        header = configure_list_table(
            self.table,
            "nextStepsTable",
            _("Next steps"),
            self.model,
            self.fontMetrics().height() + 10,
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

        self.loading = EmptyState("nextStepsLoading", _("Loading next steps…"), "", self)
        self.list_stack.addWidget(self.loading)
        self.no_steps = EmptyState("noNextSteps", "", "", self)
        self.list_stack.addWidget(self.no_steps)
        self.no_matches = EmptyState("noMatchingNextSteps", "", "", self)
        self.empty_clear_button = self.no_matches.add_button(
            "emptyClearNextStepFilterButton", _("Clear filter")
        )
        self.list_stack.addWidget(self.no_matches)
        self.list_stack.setCurrentWidget(self.loading)

        self.detail = QLabel(self)
        self.detail.setObjectName("nextStepDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.addWidget(self.detail)

        footer = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("nextStepCount")
        footer.addWidget(self.count_label)
        footer.addSpacing(12)
        for icon, text, name in (
            (overdue_icon(), _("overdue"), "nextStepOverdueLegend"),
            (meldcode_icon(), _("Meldcode case"), "nextStepMeldcodeLegend"),
        ):
            mark = QLabel(self)
            mark.setPixmap(icon.pixmap(12 if name == "nextStepOverdueLegend" else 16))
            footer.addWidget(mark)
            legend = QLabel(text, self)
            legend.setObjectName(name)
            legend.setStyleSheet(HINT_STYLE)
            footer.addWidget(legend)
            footer.addSpacing(8)
        footer.addStretch(1)
        self.done_button = self._button(
            "markStepDoneButton", _("Mark &done…"), _("Mark the next step done (date and note)")
        )
        self.cancel_button = self._button(
            "cancelStepButton", _("Cancel ste&p…"), _("Cancel the next step")
        )
        self.reopen_button = self._button(
            "reopenStepButton", _("&Reopen"), _("Reopen the next step")
        )
        self.open_button = self._button(
            "openCaseButton", _("&Open case"), _("Open the case file at its next steps (Enter)")
        )
        for button in (self.done_button, self.cancel_button, self.reopen_button, self.open_button):
            footer.addWidget(button)
        page.addLayout(footer)

        # behaviour
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.org_filter.currentIndexChanged.connect(self._org_changed)
        for combo in (self.status_filter, self.contact_filter, self.meeting_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        for check in (self.mine_check, self.overdue_check):
            check.toggled.connect(self._apply_filter)
        self.from_check.toggled.connect(self.from_edit.setEnabled)
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        for check in (self.from_check, self.until_check):
            check.toggled.connect(self._apply_filter)
        for edit in (self.from_edit, self.until_edit):
            edit.dateChanged.connect(lambda _d: self._search_timer.start())
        self.clear_button.clicked.connect(self.clear_filter)
        self.empty_clear_button.clicked.connect(self._on_empty_clear)
        self.table.activated.connect(lambda _index: self._open_current())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.done_button.clicked.connect(lambda: self._status("done"))
        self.cancel_button.clicked.connect(lambda: self._status("cancelled"))
        self.reopen_button.clicked.connect(self._reopen)
        self.open_button.clicked.connect(self._open_current)
        header.sectionResized.connect(self._layout_saver.changed)
        header.sortIndicatorChanged.connect(self._layout_saver.changed)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape_in_search)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_table)
        self.search_edit.returnPressed.connect(self._apply_filter)

        chain: list[QWidget] = [
            self.search_edit,
            self.status_filter,
            self.org_filter,
            self.contact_filter,
            self.meeting_filter,
            self.mine_check,
            self.overdue_check,
            self.from_check,
            self.from_edit,
            self.until_check,
            self.until_edit,
            self.clear_button,
            self.table,
            self.empty_clear_button,
            self.done_button,
            self.cancel_button,
            self.reopen_button,
            self.open_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._update_buttons()

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return combo

    def _check(self, name: str, text: str, accessible: str, tip: str) -> QCheckBox:
        check = QCheckBox(text, self)
        check.setObjectName(name)
        check.setAccessibleName(accessible)
        check.setToolTip(tip)
        return check

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.setAutoDefault(False)
        return button

    # ------------------------------------------------------------ the filter's choices

    def _load_choices(self) -> None:
        """Organisations and contact persons (the directory), and the meetings at
        which steps the user sees were agreed."""
        uow, actor = self.ctx.uow, self.ctx.actor

        def work() -> tuple[CaseChoices, list[Option]]:
            return load_choices(uow), svc.action_meetings(uow(), actor)

        def done(result: tuple[CaseChoices, list[Option]]) -> None:
            if not isValid(self):
                return
            choices, meetings = result
            self.choices = choices
            self._fill(
                self.org_filter, _("All organisations"), [(p.id, p.label) for p in choices.partners]
            )
            self._fill_contacts()
            self._fill(self.meeting_filter, _("All meetings"), [(m.id, m.label) for m in meetings])
            self._show_meetings(bool(meetings))

        Op(self, work).success(done).failure(self._on_model_failed).run()

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

    def _show_meetings(self, any_meeting: bool) -> None:
        """Without a step agreed at a meeting, the meeting filter has nothing to offer
        and the meeting column stays hidden (it would be empty)."""
        self.meeting_filter.setEnabled(any_meeting or self.meeting_filter.currentData() is not None)
        self.meeting_filter.setToolTip(
            _("The meeting at which the next step was agreed")
            if any_meeting
            else _("No next step you can see was agreed at a meeting yet.")
        )
        digit = self.fontMetrics().horizontalAdvance("0")
        self.columns.comfortable[_MEETING] = (
            _COMFORTABLE_CHARS[_MEETING] * digit if any_meeting else 10**6
        )
        if self.table.isVisible():  # a hidden table is fitted when it is shown
            self.columns.fit()

    def _fill_contacts(self) -> None:
        """The contact persons of the chosen organisation (of every one when none is
        chosen, then with their organisation's name)."""
        if self.choices is None:
            return
        org_id = self.org_filter.currentData()
        if org_id is None:
            items = self.choices.contact_items()
        else:
            items = [
                (c.id, c.label)
                for c in self.choices.contacts
                if self.choices.contact_orgs.get(c.id) == org_id
            ]
        self._fill(self.contact_filter, _("All contact persons"), items)

    def _org_changed(self, *_args: object) -> None:
        self._fill_contacts()
        self._apply_filter()

    # ------------------------------------------------------------ public API

    def focus_filter(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def show_case_steps(self, case_id: int, code: str = "") -> None:
        """Every next step of one case (any status); "Clear filter" shows all again."""
        self._case_id = case_id
        self.case_label.setText(_("Case {code}").format(code=code) if code else _("One case"))
        self.case_label.show()
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(self.status_filter.findData(""))
        self.status_filter.blockSignals(False)
        self._apply_filter()

    def current_action(self) -> svc.ActionData | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.loaded():
            return None
        return self.model.row(index.row())

    # ------------------------------------------------------------ filter

    def current_filter(self) -> svc.ActionFilter:
        status = self.status_filter.currentData()
        return svc.ActionFilter(
            status=status or None,
            case_id=self._case_id,
            meeting_id=self.meeting_filter.currentData(),
            owner_org_id=self.org_filter.currentData(),
            owner_contact_id=self.contact_filter.currentData(),
            mine=self.mine_check.isChecked(),
            overdue=self.overdue_check.isChecked(),
            due_from=date_value(self.from_edit) if self.from_check.isChecked() else None,
            due_until=date_value(self.until_edit) if self.until_check.isChecked() else None,
            text=self.search_edit.text().strip(),
        )

    def _apply_filter(self, *_args: object) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def clear_filter(self) -> None:
        widgets: list[QWidget] = [
            self.search_edit,
            self.status_filter,
            self.org_filter,
            self.contact_filter,
            self.meeting_filter,
            self.mine_check,
            self.overdue_check,
            self.from_check,
            self.until_check,
            self.from_edit,
            self.until_edit,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.clear()
        for combo in (self.status_filter, self.org_filter, self.meeting_filter):
            combo.setCurrentIndex(0)
        for check in (self.mine_check, self.overdue_check, self.from_check, self.until_check):
            check.setChecked(False)
        today = clock.today()
        self.from_edit.setDate(qdate(today))
        self.until_edit.setDate(qdate(today + timedelta(days=DEFAULT_RANGE_DAYS)))
        self.from_edit.setEnabled(False)
        self.until_edit.setEnabled(False)
        for w in widgets:
            w.blockSignals(False)
        self._case_id = None
        self.case_label.hide()
        self._fill_contacts()
        self.contact_filter.setCurrentIndex(0)
        self._apply_filter()

    def _on_empty_clear(self) -> None:
        if self._show_all_statuses:
            self.status_filter.setCurrentIndex(self.status_filter.findData(""))
        else:
            self.clear_filter()
        self.search_edit.setFocus()

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

    def _select_id(self, action_id: int) -> bool:
        row = self.model.row_of(action_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    # ------------------------------------------------------------ list state

    def _on_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def _on_reloaded(self) -> None:
        keep = self._selected_id
        if self.model.total:
            self.list_stack.setCurrentWidget(self.table)
        else:
            self._show_nothing_found(self.model.action_filter)
        self._update_count()
        if keep is None or not self._select_id(keep):
            self._selected_id = None
        self._on_current()

    def _show_nothing_found(self, f: svc.ActionFilter) -> None:
        self._show_all_statuses = False
        if self.model.steps_at_all == 0:
            if self.ctx.has_actor and not self.ctx.actor.is_coordinator:
                self.no_steps.set_text(
                    _("No next steps for you yet"),
                    _(
                        "You see the next steps of the cases you registered, lead or in which "
                        "your organisation is involved, and those of the meetings your "
                        "organisation was invited to. Agree next steps in a consultation or "
                        "add them in a case file's Next steps tab."
                    ),
                )
            else:
                self.no_steps.set_text(
                    _("No next steps yet"),
                    _(
                        "Next steps are agreed in a consultation or at a meeting, or added in "
                        "a case file's Next steps tab: who does what, by when. They all "
                        "appear here."
                    ),
                )
            self.list_stack.setCurrentWidget(self.no_steps)
            return
        if f == svc.ActionFilter(mine=True):  # the open ones of mine, nothing else
            self.no_matches.set_text(
                _("Nothing on your list"),
                _(
                    "No open next step is yours: none of your contact person, and none of "
                    "your organisation without a contact person named. Untick “My next "
                    "steps” to see everyone's."
                ),
            )
            text = _("Clear filter")
        elif f.status and self.model.matches_in_any_status:
            n = self.model.matches_in_any_status
            self.no_matches.set_text(
                ngettext(
                    "{n} next step with another status matches",
                    "{n} next steps with another status match",
                    n,
                ).format(n=format_number(n)),
                _("The status filter hides them. Show every status, or change the filter."),
            )
            text = _("Show all statuses")
            self._show_all_statuses = True
        else:
            self.no_matches.set_text(
                _("No next steps match this filter"),
                _(
                    "Check the spelling, untick a box, choose “All” in a list, widen the "
                    "dates, or clear the filter."
                ),
            )
            text = _("Clear filter")
        self.empty_clear_button.setText(text)
        self.empty_clear_button.setAccessibleName(text)
        self.list_stack.setCurrentWidget(self.no_matches)

    def _update_count(self, *_args: object) -> None:
        total, overdue = self.model.total, self.model.overdue
        text = ngettext("{n} next step", "{n} next steps", total).format(n=format_number(total))
        if overdue:
            text = _("{steps}, {overdue}").format(
                steps=text,
                overdue=ngettext("{n} overdue", "{n} overdue", overdue).format(
                    n=format_number(overdue)
                ),
            )
        self.count_label.setText(text)
        self.count_label.setStyleSheet(
            f"color: {ERROR_COLOUR}; font-weight: bold;" if overdue else ""
        )

    def _on_current(self, *_args: object) -> None:
        a = self.current_action()
        self._selected_id = a.id if a is not None else None
        if a is None:
            self.detail.setText("")
            self.detail.hide()
        else:
            where = (
                _("Agreed at {meeting}").format(meeting=a.meeting)
                if a.meeting
                else _("Agreed on {date} by {user}").format(
                    date=format_date(a.created_on), user=a.created_by or "?"
                )
            )
            parts = [
                _("{what} ({owner}, due {date})").format(
                    what=a.what, owner=a.owner or "?", date=format_date(a.due_on)
                ),
                where,
                step_closed_text(a),
                _("Note: {note}").format(note=a.note) if a.note else "",
            ]
            self.detail.setText("\n".join(p for p in parts if p))
            self.detail.show()
        self._update_buttons()

    def _update_buttons(self) -> None:
        a = self.current_action()
        shown = self.list_stack.currentWidget() is self.table
        is_open = shown and a is not None and a.status == "open"
        self.done_button.setEnabled(is_open)
        self.cancel_button.setEnabled(is_open)
        self.reopen_button.setEnabled(shown and a is not None and a.status != "open")
        self.open_button.setEnabled(shown and a is not None and a.case_id is not None)

    def _on_model_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if isValid(self):
            self.message.show_message(str(exc), "error")
            if not self.model.has_loaded:
                self.loading.set_text(_("The next steps could not be read"), str(exc))

    def _on_changed(self, what: str) -> None:
        if what in ("cases", "actions", "users", "meetings"):
            self.model.reload(keep_loaded=True)
            if what == "meetings":
                self._load_choices()
        elif what in ("partners", "municipalities"):
            self._load_choices()
            self.model.reload(keep_loaded=True)

    # ------------------------------------------------------------ actions

    def _open_current(self) -> None:
        a = self.current_action()
        if a is not None and a.case_id is not None:
            self.open_case.emit(a.case_id, "steps")

    def _status(self, status: str) -> None:
        a = self.current_action()
        if a is None or a.status != "open":
            return
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            return
        dialog = StepStatusDialog(self.ctx, a, status, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self._after_write(dialog.done_text))
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: StepStatusDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            if isValid(self):
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reopen(self) -> None:
        a = self.current_action()
        if a is None or a.status == "open":
            return
        uow, actor = self.ctx.uow, self.ctx.actor
        action_id, version = a.id, a.version

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self):
                self.message.show_message(
                    _("Not reopened: {reason}").format(reason=str(exc)), "error"
                )

        Op(
            self,
            lambda: svc.set_action_status(uow(), actor, action_id, "open", version=version),
            write=True,
        ).success(lambda _r: self._after_write(_("The next step is open again."))).failure(
            failed
        ).run()

    def _after_write(self, text: str) -> None:
        if not isValid(self):
            return
        self.message.show_message(text, "info")
        for kind in ("actions", "cases"):
            self.ctx.changed.emit(kind)

    # ------------------------------------------------------------ remembered layout

    def hideEvent(self, event: QHideEvent) -> None:
        self._layout_saver.flush()
        super().hideEvent(event)

    def _restore_state(self) -> None:
        settings = _settings()
        restore_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)
        header = self.table.horizontalHeader()
        restore_sort_indicator(settings, _SETTINGS_GROUP, header, COLUMN_KEYS)

    def _save_state(self) -> None:
        settings = _settings()
        save_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)
        header = self.table.horizontalHeader()
        save_sort_indicator(settings, _SETTINGS_GROUP, header, COLUMN_KEYS)


__all__ = ["NextStepsView"]
