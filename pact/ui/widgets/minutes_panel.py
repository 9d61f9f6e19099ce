"""Taking the minutes during and after a meeting.

Attendance at the top (who came, who was excused, who replaced whom), the agenda on
the left, and for the item chosen on the right: the minutes (rich text saved as
Markdown), the decisions, and new next steps typed without leaving the item. The
"action list" item reviews the open next steps of earlier meetings; the "minutes of
the previous meeting" item approves earlier minutes.

Typed text is autosaved as a draft (apart from the minutes) a moment after the last
keystroke, in the background; after a crash the next start offers it again
(``RecoveredMinutesDialog``). Approved minutes are locked: a correction is a dated
amendment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QTextCharFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pact.errors import ConflictError, PactError, ValidationError
from pact.i18n import _, format_date
from pact.models.meeting import ATTENDANCE
from pact.services import clock, minutes
from pact.services import meetings as meetings_svc
from pact.services.consultations import ActionInput, meeting_label
from pact.services.meetings import (
    Choice,
    InviteData,
    InviteInput,
    ItemData,
    MeetingData,
    ReviewRow,
    attendance_label,
    item_kind_label,
    status_label,
)
from pact.ui.context import AppContext
from pact.ui.dialogs.agenda_item import case_choice_text
from pact.ui.dialogs.case_choices import owner_ids
from pact.ui.dialogs.case_form import date_edit, date_value, heading_label, push_button, qdate
from pact.ui.dialogs.conflict import (
    CANCEL,
    OVERWRITE,
    RELOAD,
    ConflictDialog,
    Difference,
    not_saved_text,
)
from pact.ui.ops import Op
from pact.ui.widgets.field import ERROR_STYLE, FieldRow, error_label
from pact.ui.widgets.message_bar import MessageBar

AUTOSAVE_MS = 2000  # after the last keystroke
AUTOSAVE_MAX_MS = 15000  # while someone keeps typing without a pause
DEFAULT_DUE_DAYS = 14
SPLITTER_KEY = "minutes/splitter"
STATUS_STYLE = "color: #555555;"  # the autosave line


def outcome_items() -> list[tuple[str | None, str]]:
    return [
        (None, _("Not discussed yet")),
        ("done", _("Done")),
        ("continue", _("Continue")),
        ("cancelled", _("Cancelled")),
    ]


def _settings() -> Any:
    # late import: the main window imports the views that hold this panel
    from pact.ui.main_window import qsettings

    return qsettings()


def _clear_layout(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


class FitList(QListWidget):
    """A short list of wrapped lines (decisions, steps, amendments) exactly as tall as
    its rows, up to ``most`` pixels: measured again when its width changes, since a
    wrapped row's height depends on it."""

    def __init__(self, parent: QWidget | None = None, most: int = 110):
        super().__init__(parent)
        self.most = most
        self.setWordWrap(True)
        self.setSpacing(1)
        self.setMaximumHeight(most)

    def refit(self) -> None:
        # the view's own size hints do not wrap to its width: measure the wrapped text
        width = max(50, self.viewport().width() - 8)
        metrics = self.fontMetrics()
        rows = sum(
            metrics.boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, self.item(r).text()
            ).height()
            + 2 * self.spacing()
            + 4
            for r in range(self.count())
        )
        self.setFixedHeight(min(self.most, rows + 2 * self.frameWidth() + 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.refit()


def item_label(item: ItemData) -> str:
    """ "4. Title"; internal items have no number (they are not on the printed agenda)."""
    return f"{item.number}. {item.title}" if item.number else f"– {item.title}"


class MinutesEditor(QTextEdit):
    """The rich text editor of an item's minutes. Ctrl+S is taken here (before any
    window shortcut) and reported as ``save_requested``."""

    save_requested = Signal()

    def event(self, e: QEvent) -> bool:
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and isinstance(e, QKeyEvent)
            and e.matches(QKeySequence.StandardKey.Save)
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.matches(QKeySequence.StandardKey.Save):
            e.accept()
            self.save_requested.emit()
            return
        super().keyPressEvent(e)


class MinutesPanel(QWidget):
    """The minutes of one meeting. ``show_meeting`` shows a meeting (None: nothing);
    ``meeting_changed`` carries the new MeetingData after every write."""

    meeting_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("minutesPanel")
        self.setAccessibleName(_("Minutes"))
        self.ctx = ctx
        self.data: MeetingData | None = None
        self.rows: dict[str, FieldRow] = {}
        self.last_autosave: datetime | None = None
        self._item_id: int | None = None
        self._item_version: int | None = None
        self._base = ""  # the item's minutes as loaded into the editor (Markdown)
        self._loaded_source = ""  # the item's minutes as the database held them
        self._draft_text: str | None = None  # what the last autosave wrote
        self._loading = False
        self._pending = 0  # writes under way
        self._choices_loaded = False
        self._contacts: list[Choice] = []
        self._cases: list[Choice] = []
        self._attendance: dict[int, tuple[QComboBox, QLineEdit]] = {}
        self._review: dict[int, QComboBox] = {}
        self._approve: dict[int, QPushButton] = {}
        self.conflict_dialog: ConflictDialog | None = None
        self.copy_dialog: QWidget | None = None

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setObjectName("autosaveTimer")
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.flush_draft)
        self.max_timer = QTimer(self)
        self.max_timer.setSingleShot(True)
        self.max_timer.setInterval(AUTOSAVE_MAX_MS)
        self.max_timer.timeout.connect(self.flush_draft)

        self._build()
        self.show_meeting(None)

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        self.header = QLabel(self)
        self.header.setObjectName("minutesHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.header.setFont(font)
        outer.addWidget(self.header)

        self.message = MessageBar("minutesMessage", self)
        outer.addWidget(self.message)

        self._build_locked(outer)
        self._build_attendance(outer)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("minutesSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        left = QWidget(self.splitter)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        agenda_caption = heading_label(_("A&genda"))
        left_box.addWidget(agenda_caption)
        self.agenda = QListWidget(left)
        self.agenda.setObjectName("agendaList")
        self.agenda.setAccessibleName(_("Agenda items"))
        self.agenda.setAccessibleDescription(_("Alt+Up and Alt+Down move between the items"))
        self.agenda.setWordWrap(True)
        self.agenda.setMinimumWidth(200)
        self.agenda.currentItemChanged.connect(self._agenda_moved)
        agenda_caption.setBuddy(self.agenda)
        left_box.addWidget(self.agenda, 1)
        self.splitter.addWidget(left)

        self.item_scroll = QScrollArea(self.splitter)
        self.item_scroll.setObjectName("itemScroll")
        self.item_scroll.setWidgetResizable(True)
        self.item_scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self.item_scroll)
        body.setObjectName("itemBody")
        self.item_box = QVBoxLayout(body)
        self.item_box.setContentsMargins(10, 0, 4, 0)
        self.item_box.setSpacing(6)
        self.item_scroll.setWidget(body)
        self.splitter.addWidget(self.item_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([260, 780])
        state = _settings().value(SPLITTER_KEY)
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_a: _settings().setValue(SPLITTER_KEY, self.splitter.saveState())
        )

        self.item_title = QLabel(body)
        self.item_title.setObjectName("itemTitle")
        self.item_title.setTextFormat(Qt.TextFormat.PlainText)
        self.item_title.setWordWrap(True)
        font = self.item_title.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.item_title.setFont(font)
        self.item_box.addWidget(self.item_title)
        self.item_info = QLabel(body)
        self.item_info.setObjectName("itemInfo")
        self.item_info.setTextFormat(Qt.TextFormat.PlainText)
        self.item_info.setWordWrap(True)
        self.item_box.addWidget(self.item_info)

        self._build_action_list(body)
        self._build_previous(body)
        self._build_editor(body)
        self._build_decisions(body)
        self._build_steps(body)

        for keys, step in (("Alt+Up", -1), ("Alt+Down", +1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.move_item(step))
        # Ctrl+S elsewhere in the panel is the window's Save (MainWindow.save saves the
        # minutes when the meetings area is shown); a second shortcut would be ambiguous

    def _build_locked(self, outer: QVBoxLayout) -> None:
        self.locked_banner = QFrame(self)
        self.locked_banner.setObjectName("lockedBanner")
        self.locked_banner.setStyleSheet(
            "#lockedBanner { background: #fff4d6; border: 1px solid #d9b44a;"
            " border-radius: 4px; } #lockedBanner QLabel { color: #4a3800; }"
        )
        box = QVBoxLayout(self.locked_banner)
        box.setContentsMargins(10, 6, 10, 6)
        top = QHBoxLayout()
        self.locked_text = QLabel(self.locked_banner)
        self.locked_text.setObjectName("lockedText")
        self.locked_text.setWordWrap(True)
        self.locked_text.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(self.locked_text, 1)
        self.amend_button = push_button("addAmendmentButton", _("Add a&mendment…"))
        self.amend_button.clicked.connect(self.open_amendment)
        top.addWidget(self.amend_button, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(top)

        self.amendment_list = FitList(self.locked_banner)
        self.amendment_list.setObjectName("amendmentList")
        self.amendment_list.setAccessibleName(_("Amendments"))
        box.addWidget(self.amendment_list)

        self.amendment_form = QWidget(self.locked_banner)
        self.amendment_form.setObjectName("amendmentForm")
        form = QGridLayout(self.amendment_form)
        form.setContentsMargins(0, 4, 0, 0)
        text_caption = QLabel(_("&Correction:"), self.amendment_form)
        self.amendment_edit = QPlainTextEdit(self.amendment_form)
        self.amendment_edit.setObjectName("amendmentEdit")
        self.amendment_edit.setAccessibleName(_("Amendment text"))
        self.amendment_edit.setTabChangesFocus(True)
        self.amendment_edit.setFixedHeight(self.amendment_edit.fontMetrics().lineSpacing() * 3 + 14)
        text_caption.setBuddy(self.amendment_edit)
        self.rows["amendment"] = FieldRow(self.amendment_edit, "amendment", self.amendment_form)
        item_caption = QLabel(_("About &item:"), self.amendment_form)
        self.amendment_item = QComboBox(self.amendment_form)
        self.amendment_item.setObjectName("amendmentItemCombo")
        self.amendment_item.setAccessibleName(_("Agenda item of the amendment"))
        item_caption.setBuddy(self.amendment_item)
        self.rows["item"] = FieldRow(self.amendment_item, "amendmentItem", self.amendment_form)
        buttons = QHBoxLayout()
        self.amendment_save = push_button("saveAmendmentButton", _("Add the amendment"))
        self.amendment_save.clicked.connect(self.add_amendment)
        self.amendment_cancel = push_button(
            "cancelAmendmentButton", _("Cancel"), accessible=_("Cancel the amendment")
        )
        self.amendment_cancel.clicked.connect(self._close_amendment)
        buttons.addStretch(1)
        buttons.addWidget(self.amendment_save)
        buttons.addWidget(self.amendment_cancel)
        form.addWidget(text_caption, 0, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.rows["amendment"], 0, 1)
        form.addWidget(item_caption, 1, 0)
        form.addWidget(self.rows["item"], 1, 1)
        form.addLayout(buttons, 2, 1)
        form.setColumnStretch(1, 1)
        box.addWidget(self.amendment_form)
        self.amendment_form.hide()
        outer.addWidget(self.locked_banner)

    def _build_attendance(self, outer: QVBoxLayout) -> None:
        self.attendance_toggle = QToolButton(self)
        self.attendance_toggle.setObjectName("attendanceToggle")
        self.attendance_toggle.setAccessibleName(_("Show or hide the attendance"))
        self.attendance_toggle.setCheckable(True)
        self.attendance_toggle.setChecked(True)
        self.attendance_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.attendance_toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.attendance_toggle.setAutoRaise(True)
        self.attendance_toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.attendance_toggle.toggled.connect(self._toggle_attendance)
        outer.addWidget(self.attendance_toggle)

        self.attendance_box = QWidget(self)
        self.attendance_box.setObjectName("attendanceBox")
        box = QVBoxLayout(self.attendance_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.attendance_table = QTableWidget(0, 4, self.attendance_box)
        self.attendance_table.setObjectName("attendanceTable")
        self.attendance_table.setAccessibleName(_("Attendance"))
        self.attendance_table.setHorizontalHeaderLabels(
            [_("Organisation"), _("Contact person"), _("Attendance"), _("Replaced by")]
        )
        self.attendance_table.verticalHeader().hide()
        self.attendance_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attendance_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.attendance_table.setTabKeyNavigation(False)
        # about five people visible, the rest by scrolling: the minutes need the room
        self.attendance_table.setMaximumHeight(175)
        header = self.attendance_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rows["attendance"] = FieldRow(self.attendance_table, "attendance", self.attendance_box)
        self.rows["replaced_by"] = self.rows["attendance"]
        box.addWidget(self.rows["attendance"])

        walk = QHBoxLayout()
        self.walk_in_button = push_button("walkInButton", _("Add someone &who came…"))
        self.walk_in_button.clicked.connect(self._open_walk_in)
        walk.addWidget(self.walk_in_button)
        self.walk_in_combo = QComboBox(self.attendance_box)
        self.walk_in_combo.setObjectName("walkInCombo")
        self.walk_in_combo.setAccessibleName(_("Who came (not invited)"))
        self.walk_in_combo.setMinimumContentsLength(30)
        self.walk_in_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.rows["invites"] = FieldRow(self.walk_in_combo, "walkIn", self.attendance_box)
        walk.addWidget(self.rows["invites"], 1)
        self.walk_in_add = push_button("walkInAddButton", _("Add as present"))
        self.walk_in_add.clicked.connect(self.add_walk_in)
        walk.addWidget(self.walk_in_add, 0, Qt.AlignmentFlag.AlignTop)
        walk.addStretch(1)
        box.addLayout(walk)
        self._walk_in_widgets = (self.rows["invites"], self.walk_in_add)
        for w in self._walk_in_widgets:
            w.hide()
        outer.addWidget(self.attendance_box)

    def _build_action_list(self, body: QWidget) -> None:
        self.action_section = QWidget(body)
        self.action_section.setObjectName("actionListSection")
        box = QVBoxLayout(self.action_section)
        box.setContentsMargins(0, 4, 0, 4)
        box.addWidget(heading_label(_("Open next steps of earlier meetings")))
        self.action_table = QTableWidget(0, 4, self.action_section)
        self.action_table.setObjectName("actionListTable")
        self.action_table.setAccessibleName(_("Action list"))
        self.action_table.setHorizontalHeaderLabels(
            [_("Next step"), _("Who"), _("Due on"), _("Outcome")]
        )
        self.action_table.verticalHeader().hide()
        self.action_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.action_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.action_table.setTabKeyNavigation(False)
        self.action_table.setWordWrap(True)
        header = self.action_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.rows["outcome"] = FieldRow(self.action_table, "outcome", self.action_section)
        self.rows["note"] = self.rows["outcome"]
        box.addWidget(self.rows["outcome"])
        self.action_empty = QLabel(_("No open next steps from earlier meetings."), body)
        self.action_empty.setObjectName("actionListEmpty")
        box.addWidget(self.action_empty)
        self.item_box.addWidget(self.action_section)

    def _build_previous(self, body: QWidget) -> None:
        self.previous_section = QWidget(body)
        self.previous_section.setObjectName("previousMinutesSection")
        box = QVBoxLayout(self.previous_section)
        box.setContentsMargins(0, 4, 0, 4)
        box.addWidget(heading_label(_("Minutes awaiting approval")))
        self.previous_box = QVBoxLayout()
        box.addLayout(self.previous_box)
        self.previous_empty = QLabel(_("No earlier minutes await approval."), body)
        self.previous_empty.setObjectName("previousEmpty")
        box.addWidget(self.previous_empty)
        self.approve_error = error_label(body, "approveError")
        box.addWidget(self.approve_error)
        self.item_box.addWidget(self.previous_section)

    def _build_editor(self, body: QWidget) -> None:
        caption = heading_label(_("Mi&nutes"))
        self.item_box.addWidget(caption)
        tools = QHBoxLayout()
        tools.setSpacing(2)
        self.editor = MinutesEditor(body)
        self.editor.setObjectName("minutesEditor")
        self.editor.setAccessibleName(_("Minutes of this agenda item"))
        self.editor.setTabChangesFocus(True)
        self.editor.setAutoFormatting(QTextEdit.AutoFormattingFlag.AutoBulletList)
        self.editor.setMinimumHeight(200)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        caption.setBuddy(self.editor)
        self.tool_buttons: list[QToolButton] = []

        def tool(
            name: str, text: str, accessible: str, keys: str, slot: Callable[[], None]
        ) -> QAction:
            action = QAction(text, self.editor)
            action.setObjectName(name + "Action")
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{accessible} ({native})")
            action.triggered.connect(slot)
            self.editor.addAction(action)
            button = QToolButton(body)
            button.setObjectName(name + "Button")
            button.setDefaultAction(action)
            button.setAccessibleName(accessible)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumWidth(32)
            tools.addWidget(button)
            self.tool_buttons.append(button)
            return action

        self.bold_action = tool("bold", _("B"), _("Bold"), "Ctrl+B", self.toggle_bold)
        self.bold_action.setCheckable(True)
        f = QFont(self.font())
        f.setBold(True)
        self.tool_buttons[-1].setFont(f)
        self.italic_action = tool("italic", _("I"), _("Italic"), "Ctrl+I", self.toggle_italic)
        self.italic_action.setCheckable(True)
        f = QFont(self.font())
        f.setItalic(True)
        self.tool_buttons[-1].setFont(f)
        self.bullets_action = tool(
            "bullets", _("• List"), _("Bulleted list"), "Ctrl+Shift+8", self.toggle_bullets
        )
        self.numbers_action = tool(
            "numbers", _("1. List"), _("Numbered list"), "Ctrl+Shift+7", self.toggle_numbers
        )
        tools.addStretch(1)
        self.item_box.addLayout(tools)
        self.rows["minutes"] = FieldRow(self.editor, "minutes", body)
        self.item_box.addWidget(self.rows["minutes"], 1)
        self.editor.textChanged.connect(self._typed)
        self.editor.currentCharFormatChanged.connect(self._char_format_changed)
        self.editor.save_requested.connect(self.save_all)

        status = QHBoxLayout()
        self.autosave_label = QLabel(body)
        self.autosave_label.setObjectName("autosaveLabel")
        self.autosave_label.setTextFormat(Qt.TextFormat.PlainText)
        self.autosave_label.setStyleSheet(STATUS_STYLE)
        status.addWidget(self.autosave_label, 1)
        self.save_button = push_button(
            "saveMinutesButton", _("&Save minutes"), _("Save the minutes of this item (Ctrl+S)")
        )
        self.save_button.clicked.connect(self.save_all)
        status.addWidget(self.save_button)
        self.item_box.addLayout(status)

    def _build_decisions(self, body: QWidget) -> None:
        self.decisions_section = QWidget(body)
        self.decisions_section.setObjectName("decisionsSection")
        box = QVBoxLayout(self.decisions_section)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(heading_label(_("Decisions")))
        self.decision_list = FitList(self.decisions_section)
        self.decision_list.setObjectName("decisionList")
        self.decision_list.setAccessibleName(_("Decisions on this item"))
        box.addWidget(self.decision_list)
        self.no_decisions = QLabel(_("No decisions on this item yet."), body)
        self.no_decisions.setObjectName("noDecisionsLabel")
        box.addWidget(self.no_decisions)
        row = QHBoxLayout()
        self.decision_edit = QLineEdit(self.decisions_section)
        self.decision_edit.setObjectName("decisionEdit")
        self.decision_edit.setAccessibleName(_("New decision"))
        self.decision_edit.setPlaceholderText(_("Type a decision and press Enter"))
        self.decision_edit.returnPressed.connect(self.add_decision)
        self.rows["decision"] = FieldRow(self.decision_edit, "decision", self.decisions_section)
        row.addWidget(self.rows["decision"], 1)
        self.decision_add = push_button("addDecisionButton", _("Add &decision"))
        self.decision_add.clicked.connect(self.add_decision)
        row.addWidget(self.decision_add, 0, Qt.AlignmentFlag.AlignTop)
        self.decision_remove = push_button(
            "removeDecisionButton", _("Remove"), accessible=_("Remove the chosen decision")
        )
        self.decision_remove.clicked.connect(self.remove_decision)
        row.addWidget(self.decision_remove, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(row)
        self.item_box.addWidget(self.decisions_section)

    def _build_steps(self, body: QWidget) -> None:
        self.steps_section = QWidget(body)
        self.steps_section.setObjectName("stepsSection")
        box = QVBoxLayout(self.steps_section)
        box.setContentsMargins(0, 6, 0, 0)
        self.step_caption = heading_label(_("New next step"))
        box.addWidget(self.step_caption)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.step_what = QLineEdit(self.steps_section)
        self.step_what.setObjectName("stepWhatEdit")
        self.step_what.setAccessibleName(_("Next step: what"))
        self.step_what.setPlaceholderText(_("What has to be done"))
        self.step_what.returnPressed.connect(self.add_step)
        self.step_owner = QComboBox(self.steps_section)
        self.step_owner.setObjectName("stepOwnerCombo")
        self.step_owner.setAccessibleName(_("Next step: who does it"))
        self.step_owner.setMinimumContentsLength(22)
        self.step_owner.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.step_due = date_edit("stepDueEdit", _("Next step: due on"))
        self.step_case = QComboBox(self.steps_section)
        self.step_case.setObjectName("stepCaseCombo")
        self.step_case.setAccessibleName(_("Next step: linked case"))
        self.step_case.setMinimumContentsLength(14)
        self.step_case.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.step_add = push_button("addStepButton", _("&Add"), accessible=_("Add the next step"))
        self.step_add.clicked.connect(self.add_step)
        # "what" gets a whole line to itself (it is what the minute-taker types); who,
        # by when and the case go on the line below it, with the Add button
        places = {
            "what": (0, 0, 1, 4),
            "owner": (2, 0, 1, 1),
            "due_on": (2, 1, 1, 1),
            "case_id": (2, 2, 1, 1),
        }
        for key, text, field in (
            ("what", _("W&hat"), self.step_what),
            ("owner", _("Who"), self.step_owner),
            ("due_on", _("Due on"), self.step_due),
            ("case_id", _("Case"), self.step_case),
        ):
            caption = QLabel(text, self.steps_section)
            caption.setBuddy(field)
            row = FieldRow(field, "step" + key.title().replace("_", ""), self.steps_section)
            self.rows[key] = row
            line, col, rows, cols = places[key]
            grid.addWidget(caption, line, col)
            grid.addWidget(row, line + 1, col, rows, cols, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.step_add, 3, 3, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        box.addLayout(grid)
        box.addWidget(heading_label(_("Next steps agreed under this item")))
        self.step_list = FitList(self.steps_section)
        self.step_list.setObjectName("stepList")
        self.step_list.setAccessibleName(_("Next steps agreed under this item"))
        box.addWidget(self.step_list)
        self.no_steps = QLabel(_("No next steps agreed under this item yet."), body)
        self.no_steps.setObjectName("noStepsLabel")
        box.addWidget(self.no_steps)
        self.item_box.addWidget(self.steps_section)

    # ------------------------------------------------------------ public
    def show_meeting(self, data: MeetingData | None) -> None:
        """Show ``data`` (None: no meeting). Typed text of the meeting shown before is
        saved as minutes first. The meeting shown already (the page hands back what
        ``meeting_changed`` carried) is not shown again."""
        if data is not None and data is self.data:
            return
        if self.data is not None and (data is None or data.id != self.data.id):
            self.save_all()
            self._item_id = None
        if data is not None and not self._choices_loaded:
            self._load_choices()
        if data is not None and (self.data is None or data.id != self.data.id):
            # attendance open while it is still to be taken; folded once it is recorded
            self.attendance_toggle.setChecked(
                not data.invites or any(i.attendance == "invited" for i in data.invites)
            )
        self._apply(data)

    def has_unsaved_changes(self) -> bool:
        return self._editor_dirty()

    def save_all(self) -> None:
        """Save the typed text of the current item as its minutes, now."""
        self.autosave_timer.stop()
        self.max_timer.stop()
        if not self._editor_dirty() or self._item_id is None:
            return
        text = self._markdown()
        item_id, version, base = self._item_id, self._item_version, self._loaded_source
        self._save_minutes(item_id, text, version, base)

    def _save_minutes(self, item_id: int, text: str, version: int | None, base: str) -> None:
        """Save ``text`` as the minutes of the item, typed from its ``version`` holding
        ``base``; when someone else saved other minutes of it meanwhile, the conflict
        dialog asks what to do (nothing is merged or lost silently)."""
        uow, actor = self.ctx.uow, self.ctx.actor
        meeting_id = self.data.id if self.data is not None else None

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConflictError) and meeting_id is not None:
                self._minutes_conflict(exc, meeting_id, item_id, text)

        self._write(
            lambda: minutes.save_minutes(uow(), actor, item_id, text, version, base),
            lambda _data: self._minutes_saved(item_id, text),
            failed,
        )

    def _minutes_saved(self, item_id: int, text: str) -> None:
        if self._item_id == item_id:
            self._base = text
            self._loaded_source = text
            self._draft_text = None
            self.autosave_label.setText(_("Minutes saved."))

    # ------------------------------------------------------------ conflicts
    def _minutes_conflict(
        self, exc: ConflictError, meeting_id: int, item_id: int, text: str
    ) -> None:
        """Someone else saved the minutes of the item first: read theirs, then ask."""
        uow, actor = self.ctx.uow, self.ctx.actor
        self._pending += 1

        def read() -> MeetingData:
            return meetings_svc.get_meeting(uow(), actor, meeting_id)

        def failed(error: BaseException) -> None:
            self._pending -= 1
            if not isinstance(error, PactError):
                raise error
            self.message.show_message(not_saved_text(exc, actor.id) + "\n" + str(error), "error")

        def read_done(data: MeetingData) -> None:
            self._pending -= 1
            item = next((i for i in data.items if i.id == item_id), None)
            if item is None:
                self.message.show_message(_("This agenda item no longer exists."), "error")
                return
            self._ask(exc, data, item, text)

        Op(self, read).success(read_done).failure(failed).run()

    def _ask(self, exc: ConflictError, data: MeetingData, item: ItemData, text: str) -> None:
        name = item.title or item_kind_label(item.kind)
        dialog = ConflictDialog(
            exc,
            [Difference(_("Minutes"), item.minutes, text, "minutes", markdown=True)],
            _("the minutes of “{item}”").format(item=name),
            copy_hint=_(
                "Their minutes stay saved. Your text is kept as your draft of this item: "
                "pact shows it to you now, and offers it again later until you restore "
                "or discard it."
            ),
            me_id=self.ctx.actor.id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda choice: self._conflict_chosen(choice, exc, data, item, text))
        self.conflict_dialog = dialog
        dialog.open()

    def _conflict_chosen(
        self, choice: str, exc: ConflictError, data: MeetingData, item: ItemData, text: str
    ) -> None:
        self.conflict_dialog = None
        uow, actor, item_id = self.ctx.uow, self.ctx.actor, item.id
        if choice == OVERWRITE:
            self._save_minutes(item_id, text, item.version, item.minutes)
            return
        if choice == CANCEL:
            if self._item_id == item_id:
                self.flush_draft()  # what was typed stays, and is kept as a draft
            else:
                Op(self, lambda: minutes.save_draft(uow(), actor, item_id, text), write=True).run()
            self.message.show_message(not_saved_text(exc, actor.id), "warning")
            return
        # their minutes are kept as saved: the editor shows them
        if self._item_id == item_id:
            self._load_text(item.minutes)
        if self.data is not None and data.id == self.data.id:
            self._apply(data)
        if choice == RELOAD:

            def drop() -> None:
                for draft in minutes.pending_drafts(uow(), actor):
                    if draft.item_id == item_id:
                        minutes.discard_draft(uow(), actor, draft.id)

            Op(self, drop, write=True).run()
            self.message.show_message(
                _("Their minutes are shown now; your changes were dropped."), "info"
            )
            return

        def keep() -> list[minutes.DraftData]:
            minutes.save_draft(uow(), actor, item_id, text)
            return [d for d in minutes.pending_drafts(uow(), actor) if d.item_id == item_id]

        Op(self, keep, write=True).success(self._show_copy).run()
        self.message.show_message(
            _(
                "Their minutes are shown now. Your text is kept as your draft of this item "
                "(Recovered minutes)."
            ),
            "warning",
        )

    def _show_copy(self, drafts: list[minutes.DraftData]) -> None:
        """The user's text kept after a conflict, in the recovered-minutes window."""
        if not drafts:
            return
        from pact.ui.dialogs.recovered_minutes import RecoveredMinutesDialog

        dialog = RecoveredMinutesDialog(
            self.ctx,
            drafts,
            self,
            intro=_(
                "Someone else saved the minutes of this item while you were typing. Their "
                "minutes are saved; your text is kept here. Restore it to make it the "
                "minutes (theirs are then replaced), or discard it. Decide later: pact "
                "offers it again."
            ),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.copy_dialog = dialog
        dialog.open()

    def flush_draft(self) -> None:
        """Autosave now: what was typed goes into the database as a draft."""
        self.autosave_timer.stop()
        self.max_timer.stop()
        if not self._editor_dirty() or self._item_id is None:
            return
        text = self._markdown()
        if text == self._draft_text:
            return
        self._draft_text = text
        item_id = self._item_id
        uow, actor = self.ctx.uow, self.ctx.actor
        self._pending += 1

        def done(moment: datetime) -> None:
            self._pending -= 1
            self.last_autosave = moment
            if self._item_id == item_id:
                self.autosave_label.setStyleSheet(STATUS_STYLE)
                self.autosave_label.setText(minutes.saved_at_label(moment))

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            if self._draft_text == text:
                self._draft_text = None
            if not isinstance(exc, PactError):
                raise exc
            self.autosave_label.setStyleSheet(ERROR_STYLE)
            self.autosave_label.setText(
                _("Not saved automatically: {reason}").format(reason=str(exc))
            )

        Op(self, lambda: minutes.save_draft(uow(), actor, item_id, text), write=True).success(
            done
        ).failure(failed).run()

    def busy(self) -> bool:
        """A write of this panel is under way."""
        return self._pending > 0

    def current_item(self) -> ItemData | None:
        if self.data is None or self._item_id is None:
            return None
        return next((i for i in self.data.items if i.id == self._item_id), None)

    def show_item(self, item_id: int) -> None:
        for row in range(self.agenda.count()):
            if self.agenda.item(row).data(Qt.ItemDataRole.UserRole) == item_id:
                self.agenda.setCurrentRow(row)
                return

    def move_item(self, step: int) -> None:
        row = self.agenda.currentRow() + step
        if 0 <= row < self.agenda.count():
            self.agenda.setCurrentRow(row)
            focus = self.focusWidget()
            if focus is None or not self.isAncestorOf(focus):
                self.editor.setFocus()

    def attendance_widgets(self, invite_id: int) -> tuple[QComboBox, QLineEdit]:
        return self._attendance[invite_id]

    def review_combo(self, action_id: int) -> QComboBox:
        return self._review[action_id]

    def approve_button(self, meeting_id: int) -> QPushButton:
        return self._approve[meeting_id]

    # ------------------------------------------------------------ showing
    def _may_write(self) -> bool:
        return self.data is not None and self.data.may_run and not self.data.locked

    def _apply(self, data: MeetingData | None) -> None:
        self.data = data
        self.setEnabled(data is not None)
        if data is None:
            self.header.setText(_("No meeting chosen."))
            self.locked_banner.hide()
            self.attendance_table.setRowCount(0)
            self._attendance.clear()
            self.agenda.clear()
            self._show_item(None)
            return
        self.header.setText(
            _("{meeting} · {status}").format(
                meeting=meeting_label(data.title, data.held_on),
                status=status_label(data.status),
            )
        )
        self._apply_locked(data)
        self._apply_attendance(data)
        self._apply_agenda(data)

    def _apply_locked(self, data: MeetingData) -> None:
        approved = data.status == "minutes_approved"
        if approved:
            at = data.approved_at.title if data.approved_at else ""
            self.locked_text.setText(
                _("Approved on {date} at {meeting}: locked. Add an amendment to correct.").format(
                    date=format_date(data.approved_on), meeting=at
                )
            )
        elif data.status == "cancelled":
            self.locked_text.setText(_("This meeting is cancelled: its minutes cannot change."))
        elif not data.may_run:
            self.locked_text.setText(
                _("Only a coordinator, the chair or the minute-taker can change these minutes.")
            )
        self.locked_banner.setVisible(data.locked or not data.may_run)
        self.amend_button.setVisible(approved and data.may_run)
        self.amendment_list.clear()
        for a in data.amendments:
            about = _(" (about “{item}”)").format(item=a.item_title) if a.item_title else ""
            text = _("{date}{about}: {text}").format(
                date=format_date(a.made_on), about=about, text=a.text
            )
            if a.made_by:
                text += " " + _("({name})").format(name=a.made_by)
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, a.id)
            self.amendment_list.addItem(entry)
        self.amendment_list.setVisible(bool(data.amendments))
        if data.amendments:
            self.amendment_list.refit()
        self.amendment_item.clear()
        self.amendment_item.addItem(_("The minutes as a whole"), None)
        for item in data.items:
            self.amendment_item.addItem(item_label(item), item.id)
        if not (approved and data.may_run):
            self.amendment_form.hide()

    def _apply_attendance(self, data: MeetingData) -> None:
        summary = minutes.attendance_summary(data)
        self.attendance_toggle.setText(
            _("Attendance ({summary})").format(summary=summary) if summary else _("Attendance")
        )
        writable = self._may_write()
        ids = [i.id for i in data.invites]
        if ids != list(self._attendance):
            self._rebuild_attendance(data.invites)
        for invite in data.invites:
            state, replaced = self._attendance[invite.id]
            state.blockSignals(True)
            state.setCurrentIndex(max(state.findData(invite.attendance), 0))
            state.blockSignals(False)
            if not replaced.hasFocus() or replaced.text() == invite.replaced_by:
                replaced.setText(invite.replaced_by)
            replaced.setProperty("saved", invite.replaced_by)
            state.setEnabled(writable)
            replaced.setReadOnly(not writable)
            replaced.setPlaceholderText(_("Name of who came instead") if writable else "")
            replaced.setEnabled(writable or bool(invite.replaced_by))
        self.walk_in_button.setVisible(writable)
        if not writable:
            for w in self._walk_in_widgets:
                w.hide()
        table = self.attendance_table
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(min(table.rowCount(), 6)))
        table.setFixedHeight(height + 2)

    def _rebuild_attendance(self, invites: tuple[InviteData, ...]) -> None:
        table = self.attendance_table
        self._attendance.clear()
        table.setRowCount(len(invites))
        completer = QCompleter([c.label for c in self._contacts], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        for row, invite in enumerate(invites):
            who = invite.contact or invite.organisation
            table.setItem(row, 0, QTableWidgetItem(invite.organisation))
            table.setItem(row, 1, QTableWidgetItem(invite.contact or "—"))
            state = QComboBox()
            state.setObjectName(f"attendanceState{invite.id}")
            state.setAccessibleName(_("Attendance of {who}").format(who=who))
            for key in ATTENDANCE:
                state.addItem(attendance_label(key), key)
            state.activated.connect(lambda _i, iid=invite.id: self._attendance_changed(iid))
            replaced = QLineEdit()
            replaced.setObjectName(f"replacedBy{invite.id}")
            replaced.setAccessibleName(_("Who replaced {who}").format(who=who))
            replaced.setPlaceholderText(_("Name of who came instead"))
            replaced.setCompleter(completer)
            replaced.setFrame(False)
            replaced.editingFinished.connect(lambda iid=invite.id: self._replacement_typed(iid))
            table.setCellWidget(row, 2, state)
            table.setCellWidget(row, 3, replaced)
            self._attendance[invite.id] = (state, replaced)
        table.resizeRowsToContents()

    def _apply_agenda(self, data: MeetingData) -> None:
        wanted = self._item_id
        ids = [i.id for i in data.items]
        if wanted not in ids:
            wanted = ids[0] if ids else None
        self.agenda.blockSignals(True)
        self.agenda.clear()
        for item in data.items:
            entry = QListWidgetItem(
                (
                    _("{number}.  {time}  {title}")
                    if item.number
                    else _("–  {time}  {title} (internal)")
                ).format(
                    number=item.number,
                    time=item.starts_at.strftime("%H:%M"),
                    title=item.title,
                )
            )
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setToolTip(item_kind_label(item.kind))
            self.agenda.addItem(entry)
            if item.id == wanted:
                self.agenda.setCurrentItem(entry)
        self.agenda.blockSignals(False)
        chosen = next((i for i in data.items if i.id == wanted), None)
        self._show_item(chosen)

    def _agenda_moved(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None or self.data is None:
            return
        item_id = current.data(Qt.ItemDataRole.UserRole)
        if item_id == self._item_id:
            return
        self.save_all()  # the typed text of the item left becomes its minutes
        item = next((i for i in self.data.items if i.id == item_id), None)
        self._item_id = None  # a new item: its own text is loaded
        self._show_item(item)

    def _no_access(self, item: ItemData) -> bool:
        """A case item the viewer may not see the details of."""
        return not item.details

    def _show_item(self, item: ItemData | None) -> None:
        data = self.data
        for row in self.rows.values():
            if row is not self.rows.get("attendance") and row is not self.rows.get("amendment"):
                row.set_error(None)
        if item is None or data is None:
            self._item_id = None
            self.item_title.setText("")
            self.item_info.setText("")
            self._load_text("")
            for w in (self.action_section, self.previous_section, self.decisions_section):
                w.hide()
            self.steps_section.hide()
            return
        same = item.id == self._item_id
        self._item_id = item.id
        self.item_title.setText(item_label(item))
        info = [
            _("{time}, {minutes} min").format(
                time=item.starts_at.strftime("%H:%M"), minutes=item.planned_minutes
            ),
            item_kind_label(item.kind),
        ]
        if item.case_code:
            info.append(_("case {code}").format(code=item.case_code))
        if item.presenter:
            info.append(_("introduced by {name}").format(name=item.presenter))
        text = " · ".join(info)
        if item.description:
            text += "\n" + item.description
        self.item_info.setText(text)
        writable = self._may_write() and not self._no_access(item)

        # the editor: a new item's text is loaded; the same item keeps what is typed
        if not same:
            # another item: start at its title, not where the last one was scrolled to
            self.item_scroll.verticalScrollBar().setValue(0)
        if not same or (not self._editor_dirty() and item.minutes != self._loaded_source):
            self._load_text(item.minutes)
            self.autosave_label.setText("")
            self.autosave_label.setStyleSheet(STATUS_STYLE)
        self._item_version = item.version
        self.editor.setReadOnly(not writable)
        # a locked or read-only text should not look like a box to type in
        self.editor.setStyleSheet("" if writable else "QTextEdit { background: #f2f2f2; }")
        for button in self.tool_buttons:
            button.setEnabled(writable)
            button.setVisible(writable)
        self.save_button.setVisible(writable)
        if self._no_access(item):
            self.autosave_label.setText(_("You have no access to the case of this item."))

        self.action_section.setVisible(item.kind == "action_list")
        if item.kind == "action_list":
            self._fill_action_list(data.action_list)
        self.previous_section.setVisible(item.kind == "previous_minutes")
        if item.kind == "previous_minutes":
            self._fill_previous(data)

        self.decisions_section.show()
        self.decision_list.clear()
        for decision in item.decisions:
            entry = QListWidgetItem(decision.text)
            entry.setData(Qt.ItemDataRole.UserRole, decision.id)
            self.decision_list.addItem(entry)
        self.decision_list.setVisible(bool(item.decisions))
        self.decision_list.refit()
        self.no_decisions.setVisible(not item.decisions)
        for w in (self.rows["decision"], self.decision_add):
            w.setVisible(writable)
        self.decision_remove.setVisible(writable and bool(item.decisions))

        self.steps_section.show()
        self.step_list.clear()
        for step in item.steps:
            what = step.what or _("Next step in case {code}").format(code=step.case_code)
            line = _("{what} · {owner} · due {date}").format(
                what=what, owner=step.owner, date=format_date(step.due_on)
            )
            if step.case_code and step.what:
                line += " · " + _("case {code}").format(code=step.case_code)
            self.step_list.addItem(line)
        self.step_list.setVisible(bool(item.steps))
        self.step_list.refit()
        self.no_steps.setVisible(not item.steps)
        for w in self.steps_section.findChildren(QLabel):
            if w.buddy() is not None:
                w.setVisible(writable)
        for key in ("what", "owner", "due_on", "case_id"):
            self.rows[key].setVisible(writable)
        self.step_add.setVisible(writable)
        self.step_caption.setVisible(writable)
        self._fill_case_combo(item)
        if not same:
            due = max(data.held_on, clock.today()) + timedelta(days=DEFAULT_DUE_DAYS)
            self.step_due.setDate(qdate(due))

    def _fill_action_list(self, rows: tuple[ReviewRow, ...]) -> None:
        table = self.action_table
        writable = self._may_write()
        self._review.clear()
        table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            step = row.action
            what = (
                _("Next step in case {code}").format(code=step.case_code)
                if row.hidden or not step.what
                else step.what
            )
            if step.meeting and not row.hidden:
                what += "\n" + _("from {meeting}").format(meeting=step.meeting)
            elif step.case_code and not row.hidden:
                what += "\n" + _("case {code}").format(code=step.case_code)
            cell = QTableWidgetItem(what)
            if row.note:
                cell.setToolTip(row.note)
            table.setItem(n, 0, cell)
            table.setItem(n, 1, QTableWidgetItem(step.owner))
            table.setItem(n, 2, QTableWidgetItem(format_date(step.due_on)))
            box = QComboBox()
            box.setObjectName(f"reviewCombo{step.id}")
            box.setAccessibleName(_("Outcome of “{what}”").format(what=what.split("\n")[0]))
            for key, text in outcome_items():
                box.addItem(text, key)
            box.setCurrentIndex(max(box.findData(row.outcome), 0))
            box.setEnabled(writable and not row.hidden)
            if row.hidden:
                box.setToolTip(_("You have no access to this case."))
            box.activated.connect(lambda _i, aid=step.id, b=box: self.review(aid, b.currentData()))
            table.setCellWidget(n, 3, box)
            self._review[step.id] = box
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
        height += sum(table.rowHeight(r) for r in range(min(len(rows), 8)))
        table.setFixedHeight(height)
        self.rows["outcome"].setVisible(bool(rows))
        self.action_empty.setVisible(not rows)

    def _fill_previous(self, data: MeetingData) -> None:
        _clear_layout(self.previous_box)
        self._approve.clear()
        self.approve_error.hide()
        for ref in data.previous:
            line = QWidget(self.previous_section)
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            label = QLabel(
                _("{meeting}: {status}").format(
                    meeting=meeting_label(ref.title, ref.held_on), status=status_label(ref.status)
                ),
                line,
            )
            label.setWordWrap(True)
            row.addWidget(label, 1)
            text = _("Approve minutes of {title}").format(title=ref.title)
            button = push_button(f"approveButton{ref.id}", text, accessible=text)
            button.setEnabled(self._may_write())
            button.clicked.connect(lambda _c=False, mid=ref.id: self.approve(mid))
            row.addWidget(button)
            self.previous_box.addWidget(line)
            self._approve[ref.id] = button
        for ref in data.approved_here:
            done = QLabel(
                _("{meeting}: approved at this meeting").format(
                    meeting=meeting_label(ref.title, ref.held_on)
                ),
                self.previous_section,
            )
            done.setObjectName(f"approvedHere{ref.id}")
            done.setWordWrap(True)
            self.previous_box.addWidget(done)
        self.previous_empty.setVisible(not data.previous and not data.approved_here)

    def _fill_case_combo(self, item: ItemData) -> None:
        box = self.step_case
        box.clear()
        if item.case_id is not None:
            box.addItem(_("Case {code}").format(code=item.case_code), item.case_id)
            box.setEnabled(False)
            return
        box.addItem(_("No case"), None)
        for c in self._cases:
            box.addItem(case_choice_text(c), c.id)
        box.setEnabled(True)

    def _load_text(self, markdown: str) -> None:
        self.autosave_timer.stop()
        self.max_timer.stop()
        self._loading = True
        try:
            self.editor.setMarkdown(markdown)
            self._loaded_source = markdown
            self._base = self._markdown()
            self._draft_text = None
        finally:
            self._loading = False

    def _markdown(self) -> str:
        return self.editor.document().toMarkdown().strip()

    def _editor_dirty(self) -> bool:
        if self._item_id is None or self.editor.isReadOnly():
            return False
        return self._markdown() != self._base

    # ------------------------------------------------------------ typing
    def _typed(self) -> None:
        if self._loading or self.editor.isReadOnly() or self._item_id is None:
            return
        self.autosave_timer.start()  # restarted on every keystroke
        if not self.max_timer.isActive():
            self.max_timer.start()
        self.rows["minutes"].set_error(None)

    def _char_format_changed(self, fmt: QTextCharFormat) -> None:
        self.bold_action.setChecked(fmt.fontWeight() >= QFont.Weight.Bold)
        self.italic_action.setChecked(fmt.fontItalic())

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.editor.currentCharFormat().fontWeight() < QFont.Weight.Bold
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self.editor.mergeCurrentCharFormat(fmt)
        self.bold_action.setChecked(bold)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        italic = not self.editor.currentCharFormat().fontItalic()
        fmt.setFontItalic(italic)
        self.editor.mergeCurrentCharFormat(fmt)
        self.italic_action.setChecked(italic)

    def _toggle_list(self, style: QTextListFormat.Style) -> None:
        if self.editor.isReadOnly():
            return
        cursor = self.editor.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            block = cursor.block()
            current.remove(block)
            fmt = block.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        elif current is not None:
            list_fmt = current.format()
            list_fmt.setStyle(style)
            current.setFormat(list_fmt)
        else:
            new_fmt = QTextListFormat()
            new_fmt.setStyle(style)
            cursor.createList(new_fmt)
        cursor.endEditBlock()
        self.editor.setFocus()

    def toggle_bullets(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDisc)

    def toggle_numbers(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDecimal)

    # ------------------------------------------------------------ writes
    def _write(
        self,
        fn: Callable[[], MeetingData],
        done: Callable[[MeetingData], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._pending += 1
        Op(self, fn, write=True).success(lambda data: self._written(data, done)).failure(
            lambda exc: self._failed(exc, failed)
        ).run()

    def _written(self, data: MeetingData, done: Callable[[MeetingData], None] | None) -> None:
        self._pending -= 1
        if done is not None:
            done(data)
        if self.data is not None and data.id == self.data.id:
            self._apply(data)
        self.meeting_changed.emit(data)

    def _failed(self, exc: BaseException, failed: Callable[[BaseException], None] | None) -> None:
        self._pending -= 1
        if failed is not None:
            failed(exc)
            if isinstance(exc, ConflictError) and exc.record_type:
                return  # the caller asks what to do (the minutes' conflict dialog)
        if isinstance(exc, ValidationError):
            shown = False
            for e in exc.errors:
                row = self.rows.get(e.field)
                if e.field == "approve":
                    self.approve_error.setText(e.message)
                    self.approve_error.show()
                    shown = True
                elif row is not None and row.isVisibleTo(self):
                    row.set_error(e.message)
                    if not shown:
                        row.focus()
                    shown = True
                else:
                    self.message.show_message(e.message, "error")
                    shown = True
            return
        if isinstance(exc, PactError):
            self.message.show_message(str(exc), "error")
            return
        raise exc

    def _clear_errors(self, *keys: str) -> None:
        for key in keys:
            self.rows[key].set_error(None)

    def _attendance_changed(self, invite_id: int) -> None:
        state, replaced = self._attendance[invite_id]
        value = state.currentData()
        name = "" if value == "present" else replaced.text()
        self._save_attendance(invite_id, value, name)

    def _replacement_typed(self, invite_id: int) -> None:
        state, replaced = self._attendance[invite_id]
        if replaced.isReadOnly() or replaced.text().strip() == (replaced.property("saved") or ""):
            return
        self._save_attendance(invite_id, state.currentData(), replaced.text())

    def _save_attendance(self, invite_id: int, state: str, name: str) -> None:
        name = name.strip()
        contact = next((c for c in self._contacts if c.label == name), None)
        contact_id = contact.id if contact is not None else None
        uow, actor = self.ctx.uow, self.ctx.actor
        invite = (
            next((i for i in self.data.invites if i.id == invite_id), None) if self.data else None
        )
        who = (invite.contact or invite.organisation) if invite else ""
        self._clear_errors("attendance")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and who:
                exc.errors = [
                    type(e)(e.field, _("{who}: {message}").format(who=who, message=e.message))
                    for e in exc.errors
                ]

        self._write(
            lambda: minutes.set_attendance(
                uow(),
                actor,
                invite_id,
                state,
                replaced_by_contact_id=contact_id,
                replaced_by_name="" if contact_id else name,
            ),
            failed=failed,
        )

    def _toggle_attendance(self, shown: bool) -> None:
        self.attendance_box.setVisible(shown)
        self.attendance_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    def _open_walk_in(self) -> None:
        if not self._choices_loaded:
            self._load_choices()
        for w in self._walk_in_widgets:
            w.show()
        self.walk_in_combo.setFocus()

    def add_walk_in(self) -> None:
        if self.data is None:
            return
        value = self.walk_in_combo.currentData()
        org_id, contact_id = owner_ids(value)
        if contact_id is not None:
            contact = next((c for c in self._contacts if c.id == contact_id), None)
            org_id = int(contact.extra) if contact is not None and contact.extra else None
        if org_id is None:
            self.rows["invites"].set_error(
                _("Choose who came: a contact person or an organisation.")
            )
            return
        self._clear_errors("invites")
        meeting_id = self.data.id
        uow, actor = self.ctx.uow, self.ctx.actor
        invite = InviteInput(org_id, contact_id)

        def done(_data: MeetingData) -> None:
            self.walk_in_combo.setCurrentIndex(0)
            for w in self._walk_in_widgets:
                w.hide()
            self.walk_in_button.setFocus()

        self._write(
            lambda: meetings_svc.add_invite(uow(), actor, meeting_id, invite, attendance="present"),
            done,
        )

    def add_decision(self) -> None:
        if self._item_id is None:
            return
        self._clear_errors("decision")
        item_id, text = self._item_id, self.decision_edit.text()
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(_data: MeetingData) -> None:
            if self.decision_edit.text() == text:
                self.decision_edit.clear()

        self._write(lambda: minutes.add_decision(uow(), actor, item_id, text), done)

    def remove_decision(self) -> None:
        entry = self.decision_list.currentItem()
        if entry is None:
            self.rows["decision"].set_error(_("Choose the decision to remove in the list."))
            return
        decision_id = entry.data(Qt.ItemDataRole.UserRole)
        uow, actor = self.ctx.uow, self.ctx.actor
        self._write(lambda: minutes.remove_decision(uow(), actor, decision_id))

    def add_step(self) -> None:
        if self._item_id is None:
            return
        self._clear_errors("what", "owner", "due_on", "case_id")
        org_id, contact_id = owner_ids(self.step_owner.currentData())
        step = ActionInput(self.step_what.text(), date_value(self.step_due), org_id, contact_id)
        case_id = self.step_case.currentData() if self.step_case.isEnabled() else None
        item_id = self._item_id
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(_data: MeetingData) -> None:
            self.step_what.clear()
            self.step_owner.setCurrentIndex(0)
            self.step_what.setFocus()
            self.ctx.changed.emit("actions")

        self._write(lambda: minutes.add_step(uow(), actor, item_id, step, case_id), done)

    def review(self, action_id: int, outcome: str | None) -> None:
        if self.data is None:
            return
        self._clear_errors("outcome")
        meeting_id = self.data.id
        uow, actor = self.ctx.uow, self.ctx.actor
        self._write(
            lambda: minutes.review_step(uow(), actor, meeting_id, action_id, outcome),
            lambda _d: self.ctx.changed.emit("actions"),
        )

    def approve(self, meeting_id: int) -> None:
        if self.data is None:
            return
        self.approve_error.hide()
        at = self.data.id
        title = next((r.title for r in self.data.previous if r.id == meeting_id), "")
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(_data: MeetingData) -> None:
            self.message.show_message(
                _("The minutes of {title} are approved and locked.").format(title=title)
            )

        self._write(lambda: minutes.approve_minutes(uow(), actor, meeting_id, at), done)

    def open_amendment(self) -> None:
        self.amendment_form.show()
        current = self.amendment_item.findData(self._item_id)
        self.amendment_item.setCurrentIndex(max(current, 0))
        self.amendment_edit.setFocus()

    def _close_amendment(self) -> None:
        self.amendment_edit.clear()
        self._clear_errors("amendment", "item")
        self.amendment_form.hide()
        self.amend_button.setFocus()

    def add_amendment(self) -> None:
        if self.data is None:
            return
        self._clear_errors("amendment", "item")
        meeting_id = self.data.id
        text = self.amendment_edit.toPlainText()
        item_id = self.amendment_item.currentData()
        uow, actor = self.ctx.uow, self.ctx.actor

        def done(_data: MeetingData) -> None:
            self.amendment_edit.clear()
            self.amendment_form.hide()
            self.message.show_message(_("Amendment added."))

        self._write(lambda: minutes.add_amendment(uow(), actor, meeting_id, text, item_id), done)

    # ------------------------------------------------------------ choices
    def _load_choices(self) -> None:
        self._choices_loaded = True
        uow, actor = self.ctx.uow, self.ctx.actor

        def read() -> tuple[list[Choice], list[Choice], list[Choice]]:
            return (
                meetings_svc.contact_choices(uow(), actor),
                meetings_svc.organisation_choices(uow(), actor),
                meetings_svc.case_choices(uow(), actor),
            )

        def failed(exc: BaseException) -> None:
            self._choices_loaded = False
            if not isinstance(exc, PactError):
                raise exc
            self.message.show_message(str(exc), "error")

        Op(self, read).success(self._choices_read).failure(failed).run()

    def _choices_read(self, choices: tuple[list[Choice], list[Choice], list[Choice]]) -> None:
        self._contacts, organisations, self._cases = choices
        for box, none_text in (
            (self.step_owner, _("Choose who does it…")),
            (self.walk_in_combo, _("Choose who came…")),
        ):
            box.clear()
            box.addItem(none_text, None)
            for c in self._contacts:
                box.addItem(c.label, f"contact:{c.id}")
            box.insertSeparator(box.count())
            for o in organisations:
                box.addItem(
                    _("{organisation}: the organisation").format(organisation=o.label),
                    f"org:{o.id}",
                )
        if self.data is not None:
            self._attendance.clear()  # the completers get the contact persons
            self._apply_attendance(self.data)
            shown = self.current_item()
            if shown is not None:
                self._fill_case_combo(shown)


__all__ = ["AUTOSAVE_MS", "MinutesEditor", "MinutesPanel"]
