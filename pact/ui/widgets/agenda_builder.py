"""The agenda of one meeting, as its chair or minute-taker builds it.

    AgendaBuilder(ctx, parent)
    show_meeting(data)       the meeting to show (``MeetingData``), None: nothing chosen
    meeting_changed          signal(MeetingData): after every successful write (the
                             meetings page shows it everywhere and tells the app)
    open_case                signal(int): show this case file

The items in order with their start times (from the meeting's start), who presents,
the planned minutes, internal items marked, and for a case discussion its code,
level, Meldcode flag and whether consent covers every invited organisation. Items
move by drag and drop, with Ctrl+Up / Ctrl+Down or with the Move buttons; the line
under the list says when the meeting ends as planned, in red when that is after its
end time. The selected case item shows which invited partners consent does not
cover, and offers to discuss the case anonymously (code and level only) or, at
level 4, to record a Meldcode justification. The selected action list item shows
the open next steps the meeting will review.

Only a coordinator, the chair and the minute-taker change the agenda, and only
until the minutes are approved (or the meeting is cancelled); everyone else sees
the buttons disabled, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import BreakGlassRequiredError, PactError, error_text
from pact.i18n import _, format_date, ngettext
from pact.services import cases as case_svc
from pact.services import clock
from pact.services import meetings as svc
from pact.ui.context import AppContext
from pact.ui.dialogs.agenda_item import (
    AgendaChoices,
    AgendaItemDialog,
    load_agenda_choices,
    visibility_label,
)
from pact.ui.dialogs.break_glass import ask_break_glass
from pact.ui.dialogs.case_choices import CaseChoices, load_choices
from pact.ui.dialogs.case_consent import MeldcodeDialog
from pact.ui.dialogs.case_form import push_button, wrapped_label
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.case_badges import (
    COLOURS,
    HINT_STYLE,
    MELDCODE_TIP,
    Badge,
    meldcode_icon,
    overdue_icon,
    short_date,
)
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.field import ERROR_COLOUR
from pact.ui.widgets.fit_columns import FitColumns, FitTableView
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.record_table import Cell, Column, RecordTable

MIME_TYPE = "application/x-pact-agenda-row"
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1

# number, start, title, kind, presenter, minutes, visible to, case, consent
COLUMNS = (
    "number",
    "start",
    "title",
    "kind",
    "presenter",
    "minutes",
    "visibility",
    "case",
    "consent",
)
_WEIGHTS = (0.35, 0.6, 3.4, 1.3, 1.4, 0.55, 1.1, 1.6, 2.8)
_MINIMUM_CHARS = (3, 6, 18, 10, 10, 5, 14, 17, 16)
FEWEST_ROWS = 4  # the table is as tall as its rows, never shorter than this
# the kind, presenter and visibility go first when the table is narrow
_HIDE_FIRST = (3, 6, 4)
INTERNAL_COLOUR = "#5b2c83"


def hhmm(moment: Any) -> str:
    return str(moment.strftime("%H:%M"))


def column_titles() -> list[str]:
    return [
        _("No."),
        _("Start"),
        _("Title"),
        _("Kind"),
        _("Presenter"),
        _("Min."),
        _("Visible to"),
        _("Case"),
        _("Consent"),
    ]


def basis_label(basis: str) -> str:
    return {
        "registrant": _("holds the case file"),
        "consent": _("consent"),
        "meldcode": _("Meldcode"),
    }.get(basis, basis)


def consent_cell(item: svc.ItemData) -> str:
    """The consent column of a case item: covered, anonymous, or who is not covered."""
    check = item.consent
    if check is None:
        return ""
    if item.case_mode == "anonymous":
        return _("Anonymous: code and level only")
    if check.complete:
        return _("Covers every invited partner")
    names = ", ".join(name for _id, name in check.uncovered)
    return _("Not covered: {partners}").format(partners=names)


def time_plan_text(data: svc.MeetingData) -> str:
    """ "Ends at 11:05 — 5 minutes over the planned end 11:00" (or minutes to spare)."""
    plan = data.plan
    end, planned = hhmm(plan.planned_end), hhmm(data.ends_at)
    if plan.overrun:
        return ngettext(
            "Ends at {end} — {n} minute over the planned end {planned}",
            "Ends at {end} — {n} minutes over the planned end {planned}",
            plan.overrun,
        ).format(end=end, n=plan.overrun, planned=planned)
    spare = plan.available_minutes - plan.planned_minutes
    if spare == 0:
        return _("Ends at {end}, exactly at the planned end").format(end=end)
    return ngettext(
        "Ends at {end}, {n} minute to spare",
        "Ends at {end}, {n} minutes to spare",
        spare,
    ).format(end=end, n=spare)


def read_only_reason(data: svc.MeetingData) -> str:
    """Why the agenda cannot be changed ('' when it can)."""
    if data.status == "minutes_approved":
        return _("The minutes of this meeting are approved: its agenda can no longer change.")
    if data.status == "cancelled":
        return _("This meeting is cancelled: plan it again to change its agenda.")
    if not data.may_run:
        return _("Only a coordinator, the chair or the minute-taker can change this agenda.")
    return ""


# ---------------------------------------------------------------- the model


class AgendaTable(FitTableView):
    """As tall as its rows (so the details of the selected item sit right under the
    last one), shrinking with a scroll bar when the room runs out."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def _height_for(self, rows: int) -> int:
        header = self.horizontalHeader().sizeHint().height()
        scroll = self.horizontalScrollBar()
        bar = scroll.sizeHint().height() if scroll.isVisible() else 0
        return (
            header
            + rows * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
            + bar
            + 2
        )

    def sizeHint(self) -> QSize:
        model = self.model()
        rows = max(model.rowCount() if model is not None else 0, FEWEST_ROWS)
        return QSize(super().sizeHint().width(), self._height_for(rows))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height_for(3))


class AgendaModel(QAbstractTableModel):
    """The agenda items in order. Rows move by drag and drop (``dropMimeData``) or
    ``move_row``; the new start times follow at once, and ``order_changed`` asks the
    builder to save the order."""

    order_changed = Signal(list)  # the item ids in their new order

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.items: list[svc.ItemData] = []
        self.meeting: svc.MeetingData | None = None
        self.movable = False
        self._warning: QIcon | None = None
        self._titles = column_titles()

    def set_meeting(self, data: svc.MeetingData | None, movable: bool) -> None:
        self.beginResetModel()
        self.meeting = data
        self.items = list(data.items) if data is not None else []
        self.movable = movable
        self.endResetModel()

    def item(self, row: int) -> svc.ItemData | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, item_id: int) -> int:
        for row, item in enumerate(self.items):
            if item.id == item_id:
                return row
        return -1

    def ids(self) -> list[int]:
        return [i.id for i in self.items]

    # ------------------------------------------------------------ reading

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None

    def warning_icon(self) -> QIcon:
        if self._warning is None:
            self._warning = QApplication.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning
            )
        return self._warning

    def _text(self, item: svc.ItemData, row: int, column: str) -> str:
        if column == "number":
            if item.visibility != "everyone":
                return "–"
            return str(sum(1 for i in self.items[: row + 1] if i.visibility == "everyone"))
        if column == "start":
            return hhmm(item.starts_at)
        if column == "title":
            if item.kind == "action_list" and self.meeting is not None:
                n = len(self.meeting.action_list)
                if n:
                    return ngettext(
                        "{title} · {n} next step to review",
                        "{title} · {n} next steps to review",
                        n,
                    ).format(title=item.title, n=n)
            return item.title
        if column == "kind":
            return svc.item_kind_label(item.kind)
        if column == "presenter":
            return item.presenter
        if column == "minutes":
            return str(item.planned_minutes)
        if column == "visibility":
            return _("Internal") if item.visibility == "internal" else _("Everyone")
        if column == "case":
            if item.case_id is None:
                return ""
            return _("{code} · level {level}").format(code=item.case_code, level=item.case_level)
        if column == "consent":
            return consent_cell(item)
        return ""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, index.row(), column)
        if role == ITEM_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, index.row(), column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(item, index.row(), column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("number", "minutes"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == "case" and item.meldcode:
                return meldcode_icon()
            if column == "consent" and self._uncovered(item):
                return self.warning_icon()
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "consent" and self._uncovered(item):
                return QBrush(QColor(ERROR_COLOUR))
            if column == "visibility" and item.visibility == "internal":
                return QBrush(QColor(INTERNAL_COLOUR))
            if column == "visibility":
                return QBrush(QColor("#6b6b6b"))
        if role == Qt.ItemDataRole.FontRole and (
            (column == "visibility" and item.visibility == "internal")
            or (column == "consent" and self._uncovered(item))
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _uncovered(item: svc.ItemData) -> bool:
        return (
            item.consent is not None and not item.consent.complete and item.case_mode != "anonymous"
        )

    def _tooltip(self, item: svc.ItemData, row: int, column: str) -> str:
        if column == "visibility":
            return visibility_label(item.visibility)
        if column == "case" and item.case_id is not None:
            text = svc.case_reference(item.case_code, item.case_level or 0)
            return f"{text}\n{_(MELDCODE_TIP)}" if item.meldcode else text
        if column == "consent" and item.consent is not None:
            return consent_summary(item)
        if column == "title" and item.description:
            return f"{item.title}\n\n{item.description}"
        return self._text(item, row, column)

    def _accessible(self, item: svc.ItemData, row: int, column: str) -> str:
        text = self._text(item, row, column)
        if column == "case" and item.meldcode:
            return _("{case}, Meldcode").format(case=text)
        if column == "consent" and self._uncovered(item):
            return _("Warning: {text}").format(text=text)
        return text

    # ------------------------------------------------------------ moving

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            # drops land between rows, never on one
            return Qt.ItemFlag.ItemIsDropEnabled if self.movable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.movable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(MIME_TYPE, QByteArray(str(rows[0]).encode("ascii")))
        return data

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        return self.movable and data.hasFormat(MIME_TYPE)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if not self.movable or action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        try:
            source = int(bytes(data.data(MIME_TYPE).data()).decode("ascii"))
        except ValueError:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.items)
        return self.move_row(source, row)

    def move_row(self, source: int, before: int) -> bool:
        """Move the item in row ``source`` to just before row ``before`` (``len`` for
        the end); the start times follow. False when nothing moves."""
        if not self.movable or not 0 <= source < len(self.items):
            return False
        before = max(0, min(before, len(self.items)))
        if before in (source, source + 1):
            return False
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), before)
        item = self.items.pop(source)
        self.items.insert(before if before < source else before - 1, item)
        self.endMoveRows()
        self._restart()
        self.order_changed.emit(self.ids())
        return True

    def _restart(self) -> None:
        """The start times of the new order (the same sums the service makes)."""
        if self.meeting is None:
            return
        plan = svc.time_plan(
            self.meeting.starts_at,
            self.meeting.ends_at,
            [i.planned_minutes for i in self.items],
        )
        self.items = [
            replace(item, starts_at=start, position=n)
            for n, (item, start) in enumerate(zip(self.items, plan.starts, strict=True))
        ]
        if self.items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.items) - 1, COLUMNS.index("start"))
            )


def covered_text(check: svc.ConsentCheck) -> str:
    """ "Covered: Sociaal Team (consent), GGD (Meldcode)" """
    return _("Covered: {partners}").format(
        partners=", ".join(
            _("{name} ({basis})").format(name=name, basis=basis_label(basis))
            for _id, name, basis in check.covered
        )
    )


def consent_summary(item: svc.ItemData) -> str:
    """Which invited partners the case's consent covers, and on what ground."""
    check = item.consent
    if check is None:
        return ""
    lines = []
    if check.covered:
        lines.append(covered_text(check))
    if check.uncovered:
        lines.append(
            _("Not covered by consent: {partners}").format(
                partners=", ".join(name for _id, name in check.uncovered)
            )
        )
    if not lines:
        lines.append(_("No organisation is invited yet."))
    return "\n".join(lines)


# ---------------------------------------------------------------- the widget


def panel_style(name: str, kind: str) -> str:
    """A framed panel in the colours of a badge of ``kind`` ("ok", "warn"...)."""
    background, _text, border = COLOURS[kind]
    return (
        f"QFrame#{name} {{ background: {background}; border: 1px solid {border};"
        " border-radius: 4px; }"
        f" QFrame#{name} QLabel {{ background: transparent; border: none; }}"
    )


def _panel(name: str, kind: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(panel_style(name, kind))
    return frame


class AgendaBuilder(QWidget):
    meeting_changed = Signal(object)  # MeetingData, after every successful write
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agendaBuilder")
        self.setAccessibleName(_("Agenda"))
        self.ctx = ctx
        self.data: svc.MeetingData | None = None
        self.dialog: QWidget | None = None  # the dialog it opened (tests, closing)
        self.confirm_box: QMessageBox | None = None
        self._generation = 0
        self._writes = 0

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.empty = EmptyState(
            "agendaEmpty",
            _("No meeting chosen"),
            _("Choose a meeting to see and build its agenda."),
            self.stack,
        )
        self.stack.addWidget(self.empty)
        self.page = QWidget(self.stack)
        self.page.setObjectName("agendaPage")
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(0, 0, 0, 0)

        # heading and time plan
        top = QHBoxLayout()
        self.heading = wrapped_label(_("Agenda"), "agendaHeading", bold=True)
        top.addWidget(self.heading)
        self.hours = wrapped_label(name="agendaHours", style=HINT_STYLE)
        self.hours.setWordWrap(False)
        top.addWidget(self.hours)
        top.addStretch(1)
        self.plan_badge = Badge("agendaTimePlan")
        top.addWidget(self.plan_badge)
        layout.addLayout(top)

        self.read_only_note = wrapped_label(name="agendaReadOnlyNote", style=HINT_STYLE)
        self.read_only_note.hide()
        layout.addWidget(self.read_only_note)
        self.message = MessageBar("agendaMessage", self.page)
        layout.addWidget(self.message)

        # the items
        self.model = AgendaModel(self)
        self.table = AgendaTable(self.page)
        self.table.setObjectName("agendaTable")
        self.table.setAccessibleName(_("Agenda items"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        self.table.columns = FitColumns.in_characters(
            self.table,
            _WEIGHTS,
            minimum=_MINIMUM_CHARS,
            hide_first=_HIDE_FIRST,
        )
        layout.addWidget(self.table)
        self.no_items = wrapped_label(
            _("The agenda is empty: add its first item (Insert)."), "agendaNoItems", HINT_STYLE
        )
        self.no_items.hide()
        layout.addWidget(self.no_items)

        # the buttons under the list
        self.add_button = push_button(
            "agendaAddButton",
            _("&Add item…"),
            _("Add an item at the end of the agenda (Insert or Ctrl+Shift+N)"),
        )
        self.edit_button = push_button(
            "agendaEditButton", _("&Edit…"), _("Change the selected item (Enter)")
        )
        self.remove_button = push_button(
            "agendaRemoveButton", _("&Remove"), _("Remove the selected item (Delete)")
        )
        self.up_button = push_button(
            "agendaUpButton", _("Move &up"), _("Move the selected item up (Ctrl+Up)")
        )
        self.down_button = push_button(
            "agendaDownButton", _("Move do&wn"), _("Move the selected item down (Ctrl+Down)")
        )
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addSpacing(16)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        self.busy = busy_bar(self.page, "agendaBusy")
        self.busy.setMaximumWidth(120)
        buttons.addWidget(self.busy)
        layout.addLayout(buttons)

        # what the selected item brings with it
        self.item_details = wrapped_label(name="agendaItemDetails", style=HINT_STYLE)
        self.item_details.hide()
        layout.addWidget(self.item_details)
        self._build_consent_panel(layout)
        self._build_action_panel(layout)

        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(self.edit_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(+1))
        self.table.activated.connect(lambda _index: self.edit_item())
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._selection_changed()
        )
        self.model.order_changed.connect(self._save_order)
        for keys, slot in (
            ("Insert", self.add_item),
            ("Ctrl+Shift+N", self.add_item),
            ("Ctrl+Up", lambda: self.move_selected(-1)),
            ("Ctrl+Down", lambda: self.move_selected(+1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_item)
        ctx.changed.connect(self._on_changed)
        self.show_meeting(None)

    def _build_consent_panel(self, layout: QVBoxLayout) -> None:
        self.consent_panel = _panel("agendaConsentPanel", "warn")
        box = QVBoxLayout(self.consent_panel)
        box.setContentsMargins(10, 8, 10, 8)
        self.consent_heading = wrapped_label(name="agendaConsentHeading", bold=True)
        box.addWidget(self.consent_heading)
        self.consent_text = wrapped_label(name="agendaConsentText")
        box.addWidget(self.consent_text)
        self.consent_mode = wrapped_label(name="agendaConsentMode")
        box.addWidget(self.consent_mode)
        self.anonymous_button = push_button(
            "agendaAnonymousButton",
            _("Discuss a&nonymously"),
            _("The agenda and minutes show only the case code and level"),
        )
        self.full_button = push_button(
            "agendaFullButton",
            _("Discuss with de&tails"),
            _("The agenda and minutes show the case's title and details again"),
        )
        self.meldcode_button = push_button(
            "agendaMeldcodeButton",
            _("Record &Meldcode justification…"),
            accessible=_("Record Meldcode justification"),
        )
        self.case_button = push_button(
            "agendaOpenCaseButton",
            _("Open case &file"),
            _("Record consent in the case file"),
        )
        row = QHBoxLayout()
        for b in (self.anonymous_button, self.full_button, self.meldcode_button, self.case_button):
            row.addWidget(b)
        row.addStretch(1)
        box.addLayout(row)
        self.meldcode_hint = wrapped_label(name="agendaMeldcodeHint", style=HINT_STYLE)
        box.addWidget(self.meldcode_hint)
        self.anonymous_button.clicked.connect(lambda: self.set_case_mode("anonymous"))
        self.full_button.clicked.connect(lambda: self.set_case_mode("full"))
        self.meldcode_button.clicked.connect(self.record_meldcode)
        self.case_button.clicked.connect(self._open_selected_case)
        layout.addWidget(self.consent_panel)

    def _build_action_panel(self, layout: QVBoxLayout) -> None:
        self.action_panel = QFrame()
        self.action_panel.setObjectName("agendaActionListPanel")
        box = QVBoxLayout(self.action_panel)
        box.setContentsMargins(0, 6, 0, 0)
        self.action_heading = wrapped_label(name="agendaActionListHeading", bold=True)
        box.addWidget(self.action_heading)
        self.action_table = RecordTable(
            "agendaActionTable",
            _("Next steps to review"),
            [
                Column(_("Next step"), 4.0, 16),
                Column(_("Who"), 2.2, 12),
                Column(_("Due"), 1.0, 10),
                Column(_("Case"), 1.0, 10),
            ],
            fit_rows=(1, 6),
        )
        box.addWidget(self.action_table)
        self.no_actions = wrapped_label(
            _(
                "No open next steps: earlier meetings of this series and the cases on the "
                "agenda have none."
            ),
            "agendaNoActions",
            HINT_STYLE,
        )
        box.addWidget(self.no_actions)
        self.action_table.activated_key.connect(self._open_action_case)
        layout.addWidget(self.action_panel)
        layout.addStretch(1)

    # ------------------------------------------------------------ showing

    @property
    def editable(self) -> bool:
        return self.data is not None and self.data.may_run and not self.data.locked

    def show_meeting(self, data: svc.MeetingData | None) -> None:
        """Show this meeting's agenda (None: nothing chosen). The meeting this agenda
        shows already (the page hands back what ``meeting_changed`` carried) is not
        shown again."""
        self._generation += 1
        if data is None or data is not self.data:
            self._show(data)

    def _show(self, data: svc.MeetingData | None, select_new: set[int] | None = None) -> None:
        """Show ``data``, keeping the selected item selected; with ``select_new`` (the
        item ids before a write) the item the write added is selected instead."""
        keep = self.selected_item()
        keep_id = keep.id if keep is not None else None
        if data is not None and select_new is not None:
            added = [i.id for i in data.items if i.id not in select_new]
            keep_id = added[-1] if added else keep_id
        had_focus = self.table.hasFocus()
        self.data = data
        if data is None:
            self.model.set_meeting(None, False)
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.page)
        self.model.set_meeting(data, self.editable)
        self.table.updateGeometry()
        self.table.setDragEnabled(self.editable)
        self.table.setAcceptDrops(self.editable)
        self.table.viewport().setAcceptDrops(self.editable)
        self.hours.setText(
            _("{date}, {start}–{end}").format(
                date=format_date(data.held_on), start=hhmm(data.starts_at), end=hhmm(data.ends_at)
            )
        )
        self.plan_badge.set_badge(
            time_plan_text(data),
            "bad" if data.plan.overrun else "ok",
            ngettext(
                "{planned} minute planned, {available} available",
                "{planned} minutes planned, {available} available",
                data.plan.planned_minutes,
            ).format(planned=data.plan.planned_minutes, available=data.plan.available_minutes),
        )
        reason = read_only_reason(data)
        self.read_only_note.setText(reason)
        self.read_only_note.setVisible(bool(reason))
        self.no_items.setVisible(not data.items)
        if (keep_id is None or not self.select_item(keep_id)) and data.items:
            self._select_row(0)
        if had_focus:
            self.table.setFocus()
        self._selection_changed()

    def selected_item(self) -> svc.ItemData | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select_item(self, item_id: int) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, COLUMNS.index("title"))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _selection_changed(self) -> None:
        item = self.selected_item()
        editable = self.editable and self._writes == 0
        reason = read_only_reason(self.data) if self.data is not None else ""
        self.add_button.setEnabled(editable)
        self.add_button.setToolTip(
            reason or _("Add an item at the end of the agenda (Insert or Ctrl+Shift+N)")
        )
        can_edit = editable and item is not None and self._may_edit(item)
        self.edit_button.setEnabled(can_edit)
        self.remove_button.setEnabled(editable and item is not None)
        row = self.table.currentIndex().row() if item is not None else -1
        self.up_button.setEnabled(editable and row > 0)
        self.down_button.setEnabled(editable and 0 <= row < self.model.rowCount() - 1)
        for b in (self.edit_button, self.remove_button, self.up_button, self.down_button):
            if reason:
                b.setToolTip(reason)
        if item is not None and not self._may_edit(item) and not reason:
            self.edit_button.setToolTip(
                _(
                    "You may not see this case: only those who may see it can change its item. "
                    "You can still move or remove it."
                )
            )
        elif not reason:
            self.edit_button.setToolTip(_("Change the selected item (Enter)"))
            self.remove_button.setToolTip(_("Remove the selected item (Delete)"))
            self.up_button.setToolTip(_("Move the selected item up (Ctrl+Up)"))
            self.down_button.setToolTip(_("Move the selected item down (Ctrl+Down)"))
        self._show_details(item)

    @staticmethod
    def _may_edit(item: svc.ItemData) -> bool:
        # a case item whose case the viewer may not see (no consent check came back)
        return item.case_id is None or item.consent is not None

    def _show_details(self, item: svc.ItemData | None) -> None:
        details = []
        if item is not None:
            if item.visibility == "internal":
                details.append(_("Internal: only the chair and the minute-taker see this item."))
            if item.description:
                details.append(_("Description: {text}").format(text=item.description))
        self.item_details.setText("\n".join(details))
        self.item_details.setVisible(bool(details))
        self._show_consent(item)
        self._show_actions(item)

    def _show_consent(self, item: svc.ItemData | None) -> None:
        check = item.consent if item is not None else None
        if item is None or check is None:
            self.consent_panel.hide()
            return
        editable = self.editable and self._writes == 0
        anonymous = item.case_mode == "anonymous"
        reference = svc.case_reference(check.case_code, check.level)
        missing = not check.complete
        kind = "warn" if missing and not anonymous else "ok"
        self.consent_panel.setStyleSheet(panel_style("agendaConsentPanel", kind))
        self.consent_heading.setText(_("Consent check: {case}").format(case=reference))
        if missing:
            names = ", ".join(name for _id, name in check.uncovered)
            text = ngettext(
                "Consent does not cover {partners}: this invited partner may not hear "
                "details about the family.",
                "Consent does not cover {partners}: these invited partners may not hear "
                "details about the family.",
                len(check.uncovered),
            ).format(partners=names)
        elif check.covered:
            text = _("Consent covers every invited partner.")
        else:
            text = _("No organisation is invited yet.")
        if check.covered:
            text += "\n" + covered_text(check)
        self.consent_text.setText(text)
        self.consent_text.setAccessibleName(text)
        if anonymous:
            mode = _(
                "This case is discussed anonymously: the agenda and minutes show only “{case}”."
            ).format(case=reference)
        elif missing:
            mode = _(
                "Discuss it anonymously (case code and level only), record consent in the "
                "case file, or record a Meldcode justification."
            )
        else:
            mode = ""
        if item.meldcode:
            mode = (mode + "\n" if mode else "") + _(
                "Meldcode: a justification for sharing without consent is recorded for this case."
            )
        self.consent_mode.setText(mode)
        self.consent_mode.setVisible(bool(mode))
        self.anonymous_button.setVisible(not anonymous and missing)
        self.anonymous_button.setEnabled(editable)
        self.full_button.setVisible(anonymous)
        self.full_button.setEnabled(editable)
        self.meldcode_button.setVisible(missing and not anonymous)
        self.meldcode_button.setEnabled(editable and check.meldcode_possible)
        self.case_button.setVisible(missing and not anonymous)
        hint = ""
        if missing and not anonymous and not check.meldcode_possible:
            hint = _(
                "A Meldcode justification needs level 4 (safety concerns); this case is at "
                "level {level}."
            ).format(level=check.level)
        self.meldcode_hint.setText(hint)
        self.meldcode_hint.setVisible(bool(hint))
        self.meldcode_button.setToolTip(
            hint or _("Share without consent under the Meldcode: write down why, and with whom")
        )
        self.consent_panel.show()

    def _show_actions(self, item: svc.ItemData | None) -> None:
        if item is None or item.kind != "action_list" or self.data is None:
            self.action_panel.hide()
            return
        rows = self.data.action_list
        today = clock.today()
        self.action_heading.setText(
            ngettext(
                "{n} open next step to review under “{title}”",
                "{n} open next steps to review under “{title}”",
                len(rows),
            ).format(n=len(rows), title=item.title)
        )
        cells: list[list[Cell | str]] = []
        for r in rows:
            a = r.action
            late = a.overdue(today)
            what = _("Next step in case {code}").format(code=a.case_code) if r.hidden else a.what
            cells.append(
                [
                    Cell(what, colour="#6b6b6b" if r.hidden else ""),
                    a.owner,
                    Cell(
                        short_date(a.due_on),
                        tooltip=_("Overdue since {date}").format(date=format_date(a.due_on))
                        if late
                        else format_date(a.due_on),
                        colour=ERROR_COLOUR if late else "",
                        bold=late,
                        icon=overdue_icon() if late else None,
                    ),
                    Cell(a.case_code, icon=meldcode_icon() if a.meldcode else None),
                ]
            )
        self.action_table.set_rows(cells, [r.action.id for r in rows])
        self.action_table.setVisible(bool(rows))
        self.no_actions.setVisible(not rows)
        self.action_panel.show()

    # ------------------------------------------------------------ writes

    def _write(self, fn: Callable[[], svc.MeetingData]) -> None:
        """Run a write; its result is shown (the last of several in a row) and
        announced. A refusal shows above the list, and the meeting is read again."""
        if self.data is None:
            return
        self._writes += 1
        self.busy.show()
        self._selection_changed()
        generation = self._generation

        def done(result: svc.MeetingData) -> None:
            if not isValid(self):
                return
            self._writes -= 1
            if self._writes == 0:
                self.busy.hide()
                if generation == self._generation:
                    self._show(result)
                else:
                    self._selection_changed()
            self.meeting_changed.emit(result)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if not isValid(self):
                return
            self._writes -= 1
            if self._writes == 0:
                self.busy.hide()
            self.message.show_message(
                _("Not changed: {reason}").format(reason=error_text(exc)), "error"
            )
            self.reload()

        Op(self, fn, write=True).success(done).failure(failed).run()

    def reload(self, announce: bool = False) -> None:
        """Read the meeting again (``announce``: emit ``meeting_changed`` with it)."""
        if self.data is None:
            return
        self._generation += 1
        generation = self._generation
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id

        def done(result: svc.MeetingData) -> None:
            if not isValid(self) or generation != self._generation:
                return
            self._show(result)
            if announce:
                self.meeting_changed.emit(result)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self) and generation == self._generation:
                self.message.show_message(str(exc), "error")

        Op(self, lambda: svc.get_meeting(uow(), actor, meeting_id)).success(done).failure(
            failed
        ).run()

    def _on_changed(self, kind: str) -> None:
        # consent recorded or a case's level changed elsewhere: check again
        if kind == "cases" and self.data is not None and self._writes == 0:
            self.reload()

    def move_selected(self, offset: int) -> None:
        """Ctrl+Up / Ctrl+Down and the Move buttons: one place up or down."""
        item = self.selected_item()
        if not self.editable or item is None:
            return
        row = self.table.currentIndex().row()
        target = row + offset
        if not 0 <= target < self.model.rowCount():
            return
        self.model.move_row(row, target if offset < 0 else target + 1)
        self.table.setFocus()
        self._selection_changed()

    def _save_order(self, ids: list[int]) -> None:
        if self.data is None:
            return
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id
        order = list(ids)
        self._write(lambda: svc.reorder_items(uow(), actor, meeting_id, order))

    def set_case_mode(self, mode: str) -> None:
        item = self.selected_item()
        if not self.editable or item is None or item.case_id is None:
            return
        uow, actor, item_id = self.ctx.uow, self.ctx.actor, item.id
        self._write(lambda: svc.set_case_mode(uow(), actor, item_id, mode))

    def remove_item(self) -> None:
        item = self.selected_item()
        if not self.editable or item is None or self._writes:
            return
        box = QMessageBox(self)
        box.setObjectName("removeAgendaItemBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Please confirm"))
        box.setText(_("Remove “{title}” from the agenda?").format(title=item.title))
        box.setInformativeText(_("The items after it move up."))
        yes = box.addButton(_("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        yes.setObjectName("confirmButton")
        yes.setAccessibleName(_("Remove the item"))
        no = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        no.setObjectName("cancelButton")
        no.setAccessibleName(_("Cancel"))
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        uow, actor, item_id = self.ctx.uow, self.ctx.actor, item.id

        def answered(button: object) -> None:
            self.confirm_box = None
            if button is yes and isValid(self):
                self._write(lambda: svc.remove_item(uow(), actor, item_id))
                self.table.setFocus()

        box.buttonClicked.connect(answered)
        self.confirm_box = box
        box.open()

    # ------------------------------------------------------------ dialogs

    def add_item(self) -> None:
        if self.editable and self._writes == 0:
            self._open_item_dialog(None)

    def edit_item(self) -> None:
        item = self.selected_item()
        if self.editable and self._writes == 0 and item is not None and self._may_edit(item):
            self._open_item_dialog(item)

    def _open_item_dialog(self, item: svc.ItemData | None) -> None:
        if self.data is None or self._dialog_open():
            return
        meeting = self.data
        uow, actor = self.ctx.uow, self.ctx.actor
        self.busy.show()

        def loaded(choices: AgendaChoices) -> None:
            if not isValid(self) or self.data is None or self.data.id != meeting.id:
                return
            self.busy.setVisible(self._writes > 0)
            dialog = AgendaItemDialog(self.ctx, self.data, choices, item, parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(self._item_saved)
            dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
            self.dialog = dialog
            dialog.open()

        Op(self, lambda: load_agenda_choices(uow, actor)).success(loaded).failure(
            self._read_failed
        ).run()

    def _item_saved(self, result: svc.MeetingData) -> None:
        if not isValid(self):
            return
        self._generation += 1
        self._show(result, select_new=set(self.model.ids()))
        self.table.setFocus()
        self.meeting_changed.emit(result)

    def record_meldcode(self) -> None:
        """The Meldcode justification of the selected case, its uncovered invited
        partners ticked; afterwards the meeting is read again."""
        item = self.selected_item()
        check = item.consent if item is not None else None
        if not self.editable or check is None or not check.meldcode_possible:
            return
        if self._dialog_open():
            return
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, check.case_id
        uncovered = [oid for oid, _name in check.uncovered]
        self.busy.show()

        def work() -> tuple[CaseChoices, case_svc.CaseFile]:
            return load_choices(uow), case_svc.get_case(uow(), actor, case_id)

        def loaded(result: tuple[CaseChoices, case_svc.CaseFile]) -> None:
            if not isValid(self):
                return
            self.busy.setVisible(self._writes > 0)
            choices, case_file = result
            dialog = MeldcodeDialog(self.ctx, choices, case_file, parent=self)
            dialog.partners.set_checked(uncovered)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _r: self._meldcode_recorded())
            dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
            self.dialog = dialog
            dialog.open()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BreakGlassRequiredError) and isValid(self):
                # a coordinator, the case outside their own: only with a reason
                self.busy.setVisible(self._writes > 0)
                glass = ask_break_glass(self, self.ctx, exc, self.record_meldcode)
                glass.finished.connect(lambda _r: self._dialog_closed(glass))
                self.dialog = glass
                return
            self._read_failed(exc)

        Op(self, work).success(loaded).failure(failed).run()

    def _meldcode_recorded(self) -> None:
        if not isValid(self):
            return
        self.message.show_message(_("Meldcode justification recorded."), "info")
        # the case changed (its Meldcode flag): the case views refresh, and so does this
        # agenda, announcing the meeting as it now reads (this read goes last)
        self.ctx.changed.emit("cases")
        self.reload(announce=True)

    def _dialog_open(self) -> bool:
        return self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible()

    def _dialog_closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if isValid(self):
            self.table.setFocus()

    def _read_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if isValid(self):
            self.busy.setVisible(self._writes > 0)
            self.message.show_message(error_text(exc), "error")

    def _open_selected_case(self) -> None:
        item = self.selected_item()
        if item is not None and item.case_id is not None:
            self.open_case.emit(item.case_id)

    def _open_action_case(self, action_id: object) -> None:
        if self.data is None:
            return
        for r in self.data.action_list:
            if r.action.id == action_id and r.action.case_id is not None and not r.hidden:
                self.open_case.emit(r.action.case_id)
                return


__all__ = ["AgendaBuilder", "AgendaModel", "consent_cell", "time_plan_text"]
