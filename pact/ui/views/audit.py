"""The audit log area (administrators only): every audited event, newest first,
filtered in SQL by user, case code, event and period; the chain checked; the
entries the filter shows exported to CSV for the privacy officer.

Contract the main window relies on:

    AuditView(ctx, parent)
    focus_filter()             Ctrl+F: to the case code filter
    refresh()                  ask the log again (also on showing the area, and on
                               ctx.changed while shown: reading a case file writes an
                               entry without a changed signal)

Nothing is queried before the area is first shown. Only layout (column proportions,
the splitter, the CSV folder) is remembered, never a filter.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.config import atomic_write
from pact.errors import PactError
from pact.i18n import _, format_number, ngettext
from pact.security.audit import Verified
from pact.services import audit as svc
from pact.ui.context import AppContext
from pact.ui.itemmodels.audit import (
    AT,
    CASE,
    EVENT,
    ON_BEHALF,
    OUTCOME,
    RECORD,
    ROLE,
    SEQ,
    USER,
    WORKSTATION,
    AuditTableModel,
    local_text,
    zone_name,
)
from pact.ui.live import KeepPlace
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.buttons import action_button
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.fit_columns import FitColumns, FitTableView
from pact.ui.widgets.list_table import (
    LayoutSaver,
    configure_list_table,
    restore_column_weights,
    save_column_weights,
)
from pact.ui.widgets.message_bar import MessageBar

# no., date and time, event, user, role, on behalf of, workstation, record, case,
# outcome, detail
# (the date and time never clips: "22 dec. 2026, 10:19:53" is 21 characters)
_WEIGHTS = (0.5, 2.0, 1.1, 0.9, 1.0, 1.5, 1.0, 1.0, 0.9, 0.75, 2.4)
_MINIMUM_CHARS = (4, 21, 9, 7, 8, 8, 8, 8, 9, 6, 10)
_COMFORTABLE_CHARS = (6, 22, 13, 10, 12, 16, 12, 12, 10, 8, 18)
# when the comfortable widths do not fit: the workstation goes first, then on whose
# behalf and the role (the detail pane still shows them)
_HIDE_FIRST = (WORKSTATION, ON_BEHALF, ROLE)
_SETTINGS_GROUP = "auditView"
CASE_DELAY_MS = 300
# the period offered when the person ticks "from": the last 30 days
DEFAULT_DAYS = 30


def _settings() -> QSettings:
    return QSettings("pact", "pact")


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


class AuditView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditView")
        self.setAccessibleName(_("Audit log"))
        self.ctx = ctx
        self.model = AuditTableModel(ctx, parent=self)
        self._users_generation = 0
        self._case_timer = QTimer(self)
        self._case_timer.setSingleShot(True)
        self._case_timer.setInterval(CASE_DELAY_MS)
        self._case_timer.timeout.connect(self._apply_filter)
        self._layout_saver = LayoutSaver(self, self._save_state)
        self._build()
        self.model.reloaded.connect(self._on_reloaded)
        # a refresh keeps the chosen rows and the scroll position (pact.ui.live)
        self._keep_place = KeepPlace(self.table, self.model)
        self.model.rowsInserted.connect(self._update_count)
        self.model.failed.connect(self._on_model_failed)
        self.model.busy_changed.connect(self.busy.setVisible)
        self._restore_state()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        bar = QHBoxLayout()
        self.user_filter = QComboBox(self)
        self.user_filter.setObjectName("auditUserFilter")
        self.user_filter.setAccessibleName(_("Filter by user"))
        self.user_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.user_filter.setMinimumContentsLength(10)
        self.user_filter.addItem(_("All users"), None)
        bar.addWidget(self._label(_("&User:"), self.user_filter, "auditUserLabel"))
        bar.addWidget(self.user_filter, 2)

        self.case_edit = QLineEdit(self)
        self.case_edit.setObjectName("auditCaseFilter")
        self.case_edit.setAccessibleName(_("Filter by case code"))
        self.case_edit.setPlaceholderText(_("e.g. 2026-0042"))
        self.case_edit.setToolTip(
            _("Only the entries of one case: type its whole code, like 2026-0042. (Ctrl+F)")
        )
        self.case_edit.setClearButtonEnabled(True)
        self.case_edit.setMaxLength(16)
        self.case_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 14)
        bar.addWidget(self._label(_("Ca&se:"), self.case_edit, "auditCaseLabel"))
        bar.addWidget(self.case_edit, 1)

        self.event_filter = QComboBox(self)
        self.event_filter.setObjectName("auditEventFilter")
        self.event_filter.setAccessibleName(_("Filter by event"))
        self.event_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.event_filter.setMinimumContentsLength(10)
        self.event_filter.addItem(_("All events"), None)
        for code in svc.EVENTS:
            self.event_filter.addItem(svc.event_label(code), code)
        bar.addWidget(self._label(_("E&vent:"), self.event_filter, "auditEventLabel"))
        bar.addWidget(self.event_filter, 2)

        bar.addSpacing(8)
        self.clear_button = action_button(
            self, "auditClearFilterButton", _("Clear filter"), _("Show every entry again")
        )
        bar.addWidget(self.clear_button)
        outer.addLayout(bar)

        actions = QHBoxLayout()
        today = QDate.currentDate()
        self.since_check, self.since_edit = self._period(
            "auditSince",
            _("Fro&m"),
            _("Only entries from this day on"),
            _("First day of the period"),
            today.addDays(-DEFAULT_DAYS),
        )
        actions.addWidget(self.since_check)
        actions.addWidget(self.since_edit)
        self.until_check, self.until_edit = self._period(
            "auditUntil",
            _("&To"),
            _("Only entries up to and including this day"),
            _("Last day of the period"),
            today,
        )
        actions.addWidget(self.until_check)
        actions.addWidget(self.until_edit)
        actions.addStretch(1)
        self.refresh_button = action_button(
            self, "auditRefreshButton", _("Refresh"), _("Read the log again (F5)")
        )
        actions.addWidget(self.refresh_button)
        self.verify_button = action_button(
            self,
            "auditVerifyButton",
            _("Check the log"),
            _(
                "Check every entry's fingerprint: shows whether an entry was changed "
                "or removed after it was written"
            ),
        )
        actions.addWidget(self.verify_button)
        self.export_button = action_button(
            self,
            "auditExportButton",
            _("Export to CSV…"),
            _("Save the entries the filter shows as a CSV file (for the privacy officer)"),
        )
        actions.addWidget(self.export_button)
        outer.addLayout(actions)

        self.message = MessageBar("auditMessage", self)
        outer.addWidget(self.message)
        self.busy = busy_bar(self, "auditBusy")
        outer.addWidget(self.busy)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("auditSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.list_stack = QStackedWidget(self.splitter)
        self.list_stack.setObjectName("auditListStack")
        self.table = FitTableView(self.list_stack)
        configure_list_table(
            self.table, "auditTable", _("Audit log"), self.model, self.fontMetrics().height() + 10
        )
        self.table.setSortingEnabled(False)
        self.columns = FitColumns.in_characters(
            self.table,
            _WEIGHTS,
            minimum=_MINIMUM_CHARS,
            comfortable=_COMFORTABLE_CHARS,
            hide_first=_HIDE_FIRST,
        )
        self.table.columns = self.columns
        self.list_stack.addWidget(self.table)
        self.loading = EmptyState("auditLoading", _("Reading the audit log…"), "", self.list_stack)
        self.list_stack.addWidget(self.loading)
        self.no_entries = EmptyState(
            "noAuditEntries",
            _("The audit log is empty"),
            _(
                "Every log-in, every case file opened and every change is written here, "
                "with who did it and when."
            ),
            self.list_stack,
        )
        self.list_stack.addWidget(self.no_entries)
        self.no_matches = EmptyState(
            "noMatchingAuditEntries",
            _("No entries match this filter"),
            _(
                "Type the whole case code (like 2026-0042), choose another user or event, "
                "or widen the period."
            ),
            self.list_stack,
        )
        self.empty_clear_button = self.no_matches.add_button(
            "auditEmptyClearFilterButton", _("Clear filter")
        )
        self.list_stack.addWidget(self.no_matches)
        self.list_stack.setCurrentWidget(self.loading)
        self.splitter.addWidget(self.list_stack)

        self.detail = QPlainTextEdit(self.splitter)
        self.detail.setObjectName("auditDetail")
        self.detail.setAccessibleName(_("The chosen entry in full"))
        self.detail.setReadOnly(True)
        self.detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.detail.setPlaceholderText(_("Choose an entry to see all of it here."))
        self.detail.setTabChangesFocus(True)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([600, self.fontMetrics().lineSpacing() * 6 + 16])

        footer = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCount")
        footer.addWidget(self.count_label, 1)
        self.zone_label = QLabel(self)
        self.zone_label.setObjectName("auditZone")
        self.zone_label.setStyleSheet("color: palette(placeholder-text);")
        footer.addWidget(self.zone_label)
        outer.addLayout(footer)

        # behaviour
        self.case_edit.textChanged.connect(lambda _t: self._case_timer.start())
        self.case_edit.returnPressed.connect(self._apply_filter)
        for combo in (self.user_filter, self.event_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        for check in (self.since_check, self.until_check):
            check.toggled.connect(self._on_period_toggled)
        self.since_edit.dateChanged.connect(self._on_since_changed)
        self.until_edit.dateChanged.connect(self._on_until_changed)
        self.clear_button.clicked.connect(self.clear_filter)
        self.empty_clear_button.clicked.connect(self._on_empty_clear)
        self.refresh_button.clicked.connect(self._refresh_all)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.export_csv)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row)
        self.table.horizontalHeader().sectionResized.connect(self._layout_saver.changed)
        self.splitter.splitterMoved.connect(self._layout_saver.changed)

        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self._refresh_all)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.case_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape_in_case)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.case_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_table)

        chain: list[QWidget] = [
            self.user_filter,
            self.case_edit,
            self.event_filter,
            self.clear_button,
            self.since_check,
            self.since_edit,
            self.until_check,
            self.until_edit,
            self.refresh_button,
            self.verify_button,
            self.export_button,
            self.table,
            self.empty_clear_button,
            self.detail,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._update_period_edits()
        self._update_clear_button()

    def _label(self, text: str, buddy: QWidget, name: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setBuddy(buddy)
        return label

    def _period(
        self, name: str, text: str, check_tip: str, edit_name: str, value: QDate
    ) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(text, self)
        check.setObjectName(name + "Check")
        check.setAccessibleName(check_tip)
        check.setToolTip(_("{what}. Not ticked: no limit.").format(what=check_tip))
        edit = QDateEdit(value, self)
        edit.setObjectName(name + "Date")
        edit.setAccessibleName(edit_name)
        edit.setCalendarPopup(True)
        inner = edit.findChild(QLineEdit)  # the date's text: named for screen readers too
        if inner is not None:
            inner.setAccessibleName(edit_name)
        edit.setDisplayFormat("dd-MM-yyyy")
        edit.setToolTip(_("{what} (days in this computer's time zone)").format(what=edit_name))
        return check, edit

    # ------------------------------------------------------------ public API

    def focus_filter(self) -> None:
        """Ctrl+F: to the case code filter, its text selected."""
        self.case_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.case_edit.selectAll()

    def refresh(self) -> None:
        """Ask the log again, keeping what is loaded."""
        if self.model.has_loaded:
            self.model.reload(keep_loaded=True)
        else:
            self.model.set_filter(self.current_filter())

    def _refresh_all(self) -> None:
        """Refresh (F5): the entries and the users of the filter."""
        self.refresh()
        self._load_users()

    def current_filter(self) -> svc.AuditFilter:
        return svc.AuditFilter(
            user_id=self.user_filter.currentData(),
            case_code=self.case_edit.text().strip(),
            event=self.event_filter.currentData(),
            since=_day(self.since_edit.date()) if self.since_check.isChecked() else None,
            until=_day(self.until_edit.date()) if self.until_check.isChecked() else None,
        )

    def clear_filter(self) -> None:
        # (not the case code's signals: its clear button follows them)
        widgets: list[QWidget] = [
            self.user_filter,
            self.event_filter,
            self.since_check,
            self.until_check,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.case_edit.clear()
        self.user_filter.setCurrentIndex(0)
        self.event_filter.setCurrentIndex(0)
        self.since_check.setChecked(False)
        self.until_check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._update_period_edits()
        self._apply_filter()

    def visible_rows(self) -> list[tuple[str, ...]]:
        """The loaded rows as the table shows them (tests)."""
        return [self.model.texts(r) for r in range(self.model.rowCount())]

    # ------------------------------------------------------------ showing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.zone_label.setText(_("Times in {zone}").format(zone=zone_name()))
        self.refresh()
        self._load_users()  # (reads every entry's user: not on every refresh)

    def _on_changed(self, what: str) -> None:
        # any change may have written entries; a hidden view asks again on showing
        if self.isVisible():
            self.refresh()
            if what == "users":
                self._load_users()

    # ------------------------------------------------------------ filter

    def _apply_filter(self, *_args: object) -> None:
        self._case_timer.stop()
        self._update_clear_button()
        self.model.set_filter(self.current_filter())

    def _update_clear_button(self) -> None:
        self.clear_button.setEnabled(self.current_filter() != svc.AuditFilter())

    def _on_period_toggled(self, _checked: bool) -> None:
        self._update_period_edits()
        self._apply_filter()

    def _update_period_edits(self) -> None:
        self.since_edit.setEnabled(self.since_check.isChecked())
        self.until_edit.setEnabled(self.until_check.isChecked())

    def _on_since_changed(self, value: QDate) -> None:
        if self.until_edit.date() < value:  # a period ends on or after its first day
            self.until_edit.blockSignals(True)
            self.until_edit.setDate(value)
            self.until_edit.blockSignals(False)
        if self.since_check.isChecked():
            self._apply_filter()

    def _on_until_changed(self, value: QDate) -> None:
        if self.since_edit.date() > value:
            self.since_edit.blockSignals(True)
            self.since_edit.setDate(value)
            self.since_edit.blockSignals(False)
        if self.until_check.isChecked():
            self._apply_filter()

    def _on_empty_clear(self) -> None:
        self.clear_filter()
        self.case_edit.setFocus()

    def _escape_in_case(self) -> None:
        if self.case_edit.text():
            self.case_edit.clear()
            self._apply_filter()
        else:
            self._focus_table()

    def _focus_table(self) -> None:
        if self.list_stack.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(0, 0))

    def _load_users(self) -> None:
        self._users_generation += 1
        generation = self._users_generation
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(choices: list[tuple[int, str]]) -> None:
            if isValid(self) and generation == self._users_generation:
                self._fill_users(choices)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            # the model's own query says the same; one message is enough

        Op(self, lambda: svc.user_choices(uow(), actor)).success(done).failure(failed).run()

    def _fill_users(self, choices: list[tuple[int, str]]) -> None:
        combo = self.user_filter
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All users"), None)
        for user_id, name in choices:
            combo.addItem(name, user_id)
        index = combo.findData(current) if current is not None else 0
        if current is not None and index < 0:  # keep the chosen user, even if gone
            combo.addItem(str(current), current)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # ------------------------------------------------------------ list state

    def _on_reloaded(self) -> None:
        if self.model.total:
            self.list_stack.setCurrentWidget(self.table)
        elif self.model.audit_filter == svc.AuditFilter():
            self.list_stack.setCurrentWidget(self.no_entries)
        else:
            self.list_stack.setCurrentWidget(self.no_matches)
        self._update_count()
        self.export_button.setEnabled(self.model.total > 0)
        self._show_current()

    def _update_count(self, *_args: object) -> None:
        total = self.model.total
        self.count_label.setText(
            ngettext("{n} entry", "{n} entries", total).format(n=format_number(total))
        )

    def _on_model_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if isValid(self):
            self.message.show_message(str(exc), "error")
            if not self.model.has_loaded:
                self.loading.set_text(_("The audit log could not be read"), str(exc))

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            self.detail.clear()
            return
        self.detail.setPlainText(self.entry_text(index.row()))

    def entry_text(self, row: int) -> str:
        """The whole of one entry, for the detail pane."""
        r = self.model.row(row)
        cells = self.model.texts(row)
        head = _("Entry {seq} · {when} · {event} · {outcome}").format(
            seq=cells[SEQ], when=cells[AT], event=cells[EVENT], outcome=cells[OUTCOME]
        )
        lines = [head]
        who = cells[USER] or _("(no user)")
        if cells[ROLE]:
            who = _("{user} ({roles})").format(user=who, roles=cells[ROLE])
        if cells[ON_BEHALF]:
            who = _("{who}, on behalf of {organisation}").format(
                who=who, organisation=cells[ON_BEHALF]
            )
        parts = [_("By: {who}").format(who=who)]
        if cells[WORKSTATION]:
            parts.append(_("workstation: {where}").format(where=cells[WORKSTATION]))
        lines.append(" · ".join(parts))
        parts = []
        if cells[RECORD]:
            parts.append(_("Record: {record}").format(record=cells[RECORD]))
        if cells[CASE]:
            parts.append(_("case {code}").format(code=cells[CASE]))
        if parts:
            lines.append(_first_upper(" · ".join(parts)))
        if r.detail:
            lines.append(_("Detail: {detail}").format(detail=r.detail))
        return "\n".join(lines)

    # ------------------------------------------------------------ the chain

    def verify(self) -> None:
        """Check the whole chain in the background; say the outcome in the message bar."""
        uow, actor = self.ctx.uow, self.ctx.actor
        self.verify_button.setEnabled(False)

        def done(result: Verified) -> None:
            if not isValid(self):
                return
            self.verify_button.setEnabled(True)
            self.message.show_message(*self.verified_message(result))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self):
                self.verify_button.setEnabled(True)
                self.message.show_message(
                    _("The log could not be checked: {reason}").format(reason=str(exc)), "error"
                )

        Op(self, lambda: svc.check_log(uow(), actor), write=True).with_progress(
            _("Checking the audit log…")
        ).success(done).failure(failed).run()

    @staticmethod
    def verified_message(result: Verified) -> tuple[str, str]:
        """(text, kind) for the message bar."""
        if not result.ok:
            return (
                _(
                    "{broken}. The entries from there on cannot be trusted; "
                    "compare them with a backup."
                ).format(broken=_first_upper(svc.broken_message(result))),
                "error",
            )
        if result.newest is None:
            return _("The audit log is intact (no entries yet)."), "info"
        n = ngettext("{n} entry", "{n} entries", result.entries).format(
            n=format_number(result.entries)
        )
        return (
            _("The audit log is intact ({entries}, newest {when}).").format(
                entries=n, when=local_text(result.newest)
            ),
            "info",
        )

    # ------------------------------------------------------------ CSV

    def _csv_folder(self) -> str:
        folder = str(_settings().value(f"{_SETTINGS_GROUP}/csvFolder", "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def default_file_name(self) -> str:
        return _("pact-audit-{date}.csv").format(date=date.today().isoformat())

    def export_csv(self) -> None:
        """Ask where, then write the entries the filter shows."""
        suggested = str(Path(self._csv_folder()) / self.default_file_name())
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Export the audit log"), suggested, _("CSV files (*.csv)")
        )
        if path:
            target = Path(path)
            if not target.suffix:
                target = target.with_suffix(".csv")
            self.export_to(target)

    def export_to(self, path: Path) -> None:
        """Write the entries of the current filter as CSV to ``path`` (atomically), in
        the background; the export is logged too."""
        _settings().setValue(f"{_SETTINGS_GROUP}/csvFolder", str(path.parent))
        uow, actor, f = self.ctx.uow, self.ctx.actor, self.model.audit_filter
        count = self.model.total

        def write() -> Path:
            atomic_write(path, svc.export_csv(uow(), actor, f))
            return path

        def done(p: Path) -> None:
            if not isValid(self):
                return
            n = ngettext("{n} entry", "{n} entries", count).format(n=format_number(count))
            self.message.show_message(
                _("Exported {entries} to {path}.").format(entries=n, path=str(p)), "info"
            )
            self.refresh()  # the export is an entry of its own

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
            elif isinstance(exc, PactError):
                reason = str(exc)
            else:
                raise exc
            if isValid(self):
                self.message.show_message(
                    _("The export failed: {reason}").format(reason=reason), "error"
                )

        Op(self, write, write=True).with_progress(_("Exporting the audit log…")).success(
            done
        ).failure(failed).run()

    # ------------------------------------------------------------ remembered layout

    def hideEvent(self, event: QHideEvent) -> None:
        self._layout_saver.flush()
        super().hideEvent(event)

    def _restore_state(self) -> None:
        settings = _settings()
        restore_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)
        splitter = settings.value(f"{_SETTINGS_GROUP}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _save_state(self) -> None:
        settings = _settings()
        save_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)
        settings.setValue(f"{_SETTINGS_GROUP}/splitter", self.splitter.saveState())
