"""The meetings area: the list of meetings on the left, the chosen meeting on the
right with its overview (planning, invitations, what to do next), the agenda
builder and the minutes.

The coordinator plans meetings (from a series and its agenda template), builds the
agenda, runs the meeting while typing the minutes, and afterwards saves the
minutes for e-mail or exports a calendar invite. Everyone else sees the meetings
their organisation was invited to, read-only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pact.config import atomic_write
from pact.errors import PactError, error_text
from pact.i18n import N_, _, format_date, ngettext
from pact.services import calendar as calendar_svc
from pact.services import clock, documents
from pact.services import meetings as svc
from pact.services.meetings import MeetingData, MeetingFilter
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import heading_label, push_button
from pact.ui.dialogs.meeting_plan import MeetingPlanDialog
from pact.ui.dialogs.meeting_series import SeriesDialog
from pact.ui.dialogs.print_preview import PrintPreviewDialog, open_preview
from pact.ui.itemmodels.meetings import STATUS_COLOURS, MeetingTableModel
from pact.ui.live import KeepPlace
from pact.ui.ops import Op
from pact.ui.widgets.agenda_builder import AgendaBuilder
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.list_table import select_row
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.minutes_panel import MinutesPanel

WHEN = (
    ("upcoming", N_("Upcoming")),
    ("past", N_("Held and earlier")),
    ("all", N_("All meetings")),
)
TAB_KEYS = ("overview", "agenda", "minutes")


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _scrolled(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


HELD_STATUSES = ("held", "minutes_draft", "minutes_sent", "minutes_approved")


class MeetingPage(QWidget):
    """One meeting: a header, the actions that fit its status, and three tabs."""

    meeting_changed = Signal(object)  # MeetingData after a write
    open_case = Signal(int)
    open_meeting = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: MeetingData | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)

        self.title = QLabel(self)
        self.title.setObjectName("meetingTitleLabel")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("meetingSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.subtitle)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)

        def button(name: str, text: str, tip: str) -> QPushButton:
            b = push_button(name, text, tip)
            buttons.addWidget(b)
            return b

        self.edit_button = button(
            "meetingEditButton", _("Planning…"), _("Change date, times, place and invitations")
        )
        self.held_button = button(
            "meetingHeldButton", _("Mark as held"), _("The meeting took place")
        )
        self.cancel_button = button(
            "meetingCancelButton", _("Cancel meeting…"), _("Call the meeting off, with a reason")
        )
        self.replan_button = button(
            "meetingReplanButton", _("Plan again"), _("Put a cancelled meeting back on")
        )
        self.next_button = button(
            "meetingNextButton",
            _("Plan next meeting…"),
            _("A new meeting after this one, with the same settings and invitations"),
        )
        self.ics_button = button(
            "meetingIcsButton",
            _("Calendar invite…"),
            _("Save the meeting as an iCalendar file for Outlook or Thunderbird"),
        )
        self.print_button = button(
            "meetingPrintButton",
            _("Print…"),
            _(
                "Preview the agenda, the chair's copy or the minutes per recipient, then "
                "print or save them as PDF (Ctrl+P)"
            ),
        )
        self.email_button = button(
            "meetingEmailButton",
            _("Save for e-mail…"),
            _(
                "Save one PDF edition of the minutes per receiving organisation in a folder, "
                "with their e-mail addresses, and record the minutes as sent"
            ),
        )
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.message = MessageBar("meetingMessage", self)
        layout.addWidget(self.message)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("meetingTabs")
        self.tabs.setAccessibleName(_("Parts of the meeting"))
        self.overview = self._build_overview()
        self.agenda = AgendaBuilder(ctx, self)
        self.minutes = MinutesPanel(ctx, self)
        # the overview and the agenda scroll when the window is low (a laptop screen)
        self.tabs.addTab(_scrolled(self.overview, "meetingOverviewScroll"), _("Overview"))
        self.tabs.addTab(_scrolled(self.agenda, "agendaScroll"), _("Agenda"))
        self.tabs.addTab(self.minutes, _("Minutes"))
        layout.addWidget(self.tabs, 1)

        self.agenda.meeting_changed.connect(self._changed)
        self.minutes.meeting_changed.connect(self._changed)
        self.agenda.open_case.connect(self.open_case)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.edit_button.clicked.connect(self.edit_planning)
        self.held_button.clicked.connect(lambda: self._set_status("held"))
        self.cancel_button.clicked.connect(self.cancel_meeting)
        self.replan_button.clicked.connect(lambda: self._set_status("planned"))
        self.next_button.clicked.connect(self.plan_next)
        self.ics_button.clicked.connect(self.export_ics)
        self.email_button.clicked.connect(self.save_for_email)
        self.print_button.clicked.connect(lambda: self.print_preview())
        QShortcut(QKeySequence.StandardKey.Print, self, lambda: self.print_preview())
        self.open_dialog: QWidget | None = None

    # ------------------------------------------------------------ overview

    def _build_overview(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("meetingOverview")
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.facts: dict[str, QLabel] = {}
        for key, label in (
            ("kind", _("Kind")),
            ("series", _("Series")),
            ("when", _("Date and time")),
            ("where", _("Location")),
            ("video", _("Video link")),
            ("chair", _("Chair")),
            ("minute_taker", _("Minute-taker")),
            ("status", _("Status")),
            ("approval", _("Minutes")),
            ("next", _("Next meeting")),
        ):
            value = QLabel(page)
            value.setObjectName(f"meetingFact_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            form.addRow(label + ":", value)
            self.facts[key] = value
        layout.addLayout(form)
        self.open_next = push_button("meetingOpenNext", _("Open the next meeting"))
        self.open_next.clicked.connect(self._open_next)
        row = QHBoxLayout()
        row.addWidget(self.open_next)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(heading_label(_("Invited"), "meetingInvitedHeading"))
        self.invites = QTableWidget(0, 4, page)
        _named(self.invites, "meetingInvites", _("Invited organisations and contact persons"))
        self.invites.setHorizontalHeaderLabels(
            [_("Organisation"), _("Contact person"), _("E-mail"), _("Attendance")]
        )
        self.invites.verticalHeader().hide()
        self.invites.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.invites.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.invites.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.invites, 1)
        self.no_invites = QLabel(
            _("Nobody is invited yet. Choose Planning… to invite organisations."), page
        )
        self.no_invites.setObjectName("meetingNoInvites")
        self.no_invites.setWordWrap(True)
        layout.addWidget(self.no_invites)
        return page

    def _fill_overview(self, d: MeetingData) -> None:
        self.facts["kind"].setText(svc.kind_label(d.kind))
        self.facts["series"].setText(d.series or _("none"))
        self.facts["when"].setText(
            _("{date}, {start}–{end}").format(
                date=format_date(d.held_on, "full"),
                start=f"{d.starts_at:%H:%M}",
                end=f"{d.ends_at:%H:%M}",
            )
        )
        self.facts["where"].setText(d.location or _("not set"))
        self.facts["video"].setText(d.video_link or _("none"))
        self.facts["chair"].setText(d.chair or _("not chosen"))
        self.facts["minute_taker"].setText(d.minute_taker or _("not chosen"))
        status = svc.status_label(d.status)
        if d.status == "cancelled" and d.cancelled_reason:
            status = _("{status}: {reason}").format(status=status, reason=d.cancelled_reason)
        self.facts["status"].setText(status)
        self.facts["status"].setStyleSheet(
            f"color: {STATUS_COLOURS.get(d.status, '#000')}; font-weight: bold;"
        )
        if d.approved_on is not None:
            approval = _("approved on {date}").format(date=format_date(d.approved_on))
            if d.approved_at is not None:
                approval = _("{approved} at “{meeting}”").format(
                    approved=approval, meeting=d.approved_at.title
                )
        elif d.minutes_sent_on is not None:
            approval = _("sent on {date}, not approved yet").format(
                date=format_date(d.minutes_sent_on)
            )
        elif d.status == "minutes_draft":
            approval = _("draft")
        else:
            approval = _("none yet")
        self.facts["approval"].setText(approval)
        self.facts["next"].setText(
            _("{title}, {date}").format(
                title=d.next_meeting.title, date=format_date(d.next_meeting.held_on)
            )
            if d.next_meeting
            else _("not planned yet")
        )
        self.open_next.setVisible(d.next_meeting is not None)
        self.invites.setRowCount(len(d.invites))
        for row, invite in enumerate(d.invites):
            attendance = svc.attendance_label(invite.attendance)
            if invite.replaced_by:
                attendance = _("{state}, replaced by {name}").format(
                    state=attendance, name=invite.replaced_by
                )
            for col, text in enumerate(
                (invite.organisation, invite.contact, invite.email, attendance)
            ):
                self.invites.setItem(row, col, QTableWidgetItem(text))
        self.invites.setVisible(bool(d.invites))
        self.no_invites.setVisible(not d.invites)

    # ------------------------------------------------------------ showing

    def show_meeting(self, data: MeetingData) -> None:
        self.data = data
        self.title.setText(data.title)
        parts = [
            svc.kind_label(data.kind),
            _("{date}, {start}–{end}").format(
                date=format_date(data.held_on, "EEEE d MMMM y"),
                start=f"{data.starts_at:%H:%M}",
                end=f"{data.ends_at:%H:%M}",
            ),
        ]
        if data.location:
            parts.append(data.location)
        parts.append(svc.status_label(data.status))
        self.subtitle.setText(" · ".join(parts))
        self._fill_overview(data)
        run = data.may_run
        status = data.status
        self.edit_button.setVisible(run and not data.locked)
        self.held_button.setVisible(run and status == "planned" and data.held_on <= clock.today())
        self.cancel_button.setVisible(run and status == "planned")
        self.replan_button.setVisible(run and status == "cancelled")
        self.next_button.setVisible(run and self.ctx.actor.is_coordinator and status != "cancelled")
        self.ics_button.setVisible(status not in ("cancelled",))
        self.email_button.setVisible(run and status in HELD_STATUSES)
        self.print_button.setVisible(
            status != "cancelled" and (run or self.ctx.actor.organisation_id is not None)
        )
        if not run:
            self.message.show_message(
                _(
                    "You see this meeting because your organisation was invited. Only a "
                    "coordinator, the chair or the minute-taker can change it."
                )
            )
        else:
            self.message.hide()
        self.agenda.show_meeting(data)
        self.minutes.show_meeting(data)

    def _changed(self, data: MeetingData) -> None:
        self.show_meeting(data)
        self.meeting_changed.emit(data)
        self.ctx.changed.emit("meetings")

    def _tab_changed(self, _index: int) -> None:
        # leaving the minutes: keep what was typed
        if self.tabs.currentIndex() != 2 and self.minutes.has_unsaved_changes():
            self.minutes.save_all()

    def show_tab(self, key: str) -> None:
        if key in TAB_KEYS:
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def _open_next(self) -> None:
        if self.data is not None and self.data.next_meeting is not None:
            self.open_meeting.emit(self.data.next_meeting.id)

    # ------------------------------------------------------------ actions

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        self.message.show_message(error_text(exc), "error")

    def _set_status(self, status: str, reason: str = "") -> None:
        if self.data is None:
            return
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id
        Op(
            self, lambda: svc.set_status(uow(), actor, meeting_id, status, reason), write=True
        ).success(self._changed).failure(self._failed).run()

    def cancel_meeting(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("cancelMeetingDialog")
        dialog.setWindowTitle(_("Cancel meeting"))
        dialog.setLabelText(_("Why is the meeting cancelled? The invitees will want to know."))
        dialog.setOkButtonText(_("Cancel the meeting"))
        dialog.setCancelButtonText(_("Keep it"))
        dialog.textValueSelected.connect(self._cancel_with)
        self.open_dialog = dialog
        dialog.open()

    def _cancel_with(self, reason: str) -> None:
        if reason.strip():
            self._set_status("cancelled", reason)
            return
        self.cancel_meeting()
        dialog = self.open_dialog
        if isinstance(dialog, QInputDialog):
            dialog.setLabelText(
                _("Write down why the meeting is cancelled: the reason is required.")
                + "\n"
                + _("Why is the meeting cancelled? The invitees will want to know.")
            )

    def edit_planning(self) -> None:
        if self.data is None:
            return
        dialog = MeetingPlanDialog(self.ctx, self.data.as_input(), self)
        dialog.saved.connect(self._changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_dialog = dialog
        dialog.open()

    def plan_next(self) -> None:
        if self.data is None:
            return
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id

        def ready(initial: svc.MeetingInput) -> None:
            dialog = MeetingPlanDialog(self.ctx, initial, self)
            dialog.saved.connect(lambda d: self.open_meeting.emit(d.id))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.open_dialog = dialog
            dialog.open()

        Op(self, lambda: svc.meeting_defaults(uow(), actor, after_meeting_id=meeting_id)).success(
            ready
        ).failure(self._failed).run()

    def export_ics(self, path: str | None = None) -> None:
        if self.data is None:
            return
        if path is None:
            stem = f"{self.data.held_on.isoformat()}-{self.data.kind}.ics"
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save calendar invite"),
                str(Path.home() / stem),
                _("Calendar files (*.ics)"),
            )
            if not path:
                return
        target = Path(path)
        if target.suffix.lower() != ".ics":
            target = target.with_suffix(".ics")
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id

        def work() -> Path:
            atomic_write(target, calendar_svc.meeting_ics(uow(), actor, meeting_id), 0o644)
            return target

        Op(self, work).success(
            lambda p: self.message.show_message(
                _(
                    "Calendar invite saved as {path}. Case items read only their case code "
                    "and level."
                ).format(path=p)
            )
        ).failure(self._failed).run()

    def print_preview(self, document: str | None = None) -> PrintPreviewDialog | None:
        """The print preview of this meeting's documents (for those who run it)."""
        data = self.data
        if data is None or data.status == "cancelled":
            return None
        if not data.may_run and self.ctx.actor.organisation_id is None:
            return None  # nobody's edition to print
        held = data.status in HELD_STATUSES
        dialog = open_preview(
            self.ctx,
            data.id,
            document or ("minutes" if held else "agenda"),
            held,
            self,
            may_run=data.may_run,
        )
        self.open_dialog = dialog
        return dialog

    def save_for_email(self, folder: str | None = None) -> None:
        if self.data is None:
            return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, _("Folder for the minutes to e-mail"), str(Path.home())
            )
            if not folder:
                return
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.data.id

        def work() -> tuple[documents.SavedEditions, MeetingData]:
            export = documents.save_all(
                uow(), actor, meeting_id, "minutes", Path(folder), for_email=True
            )
            return export, svc.get_meeting(uow(), actor, meeting_id)

        def done(result: tuple[documents.SavedEditions, MeetingData]) -> None:
            export, data = result
            self._changed(data)
            assert export.recipients_file is not None
            text = ngettext(
                "{n} edition of the minutes saved in {folder}, with the list of e-mail "
                "addresses ({list}). The minutes are recorded as sent.",
                "{n} editions of the minutes saved in {folder}, one per organisation, with "
                "the list of e-mail addresses ({list}). The minutes are recorded as sent.",
                len(export.files),
            ).format(n=len(export.files), folder=export.folder, list=export.recipients_file.name)
            if export.skipped:
                text += " " + ngettext(
                    "{n} file existed already and was left as it was.",
                    "{n} files existed already and were left as they were.",
                    len(export.skipped),
                ).format(n=len(export.skipped))
            if export.missing:
                text += " " + _("Without an e-mail address: {names}.").format(
                    names=", ".join(export.missing)
                )
            warn = export.missing or export.skipped
            self.message.show_message(text, "warning" if warn else "info")

        Op(self, work, write=True).with_progress(_("Saving the minutes…")).success(done).failure(
            self._failed
        ).run()


class MeetingsView(QWidget):
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("meetingsView")
        self.ctx = ctx
        self._selected: int | None = None
        self._want: int | None = None
        self.open_dialog: QWidget | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.search = QLineEdit(self)
        _named(self.search, "meetingSearch", _("Search meetings"))
        self.search.setPlaceholderText(_("Search title or location (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 2)
        self.when = QComboBox(self)
        _named(self.when, "meetingWhen", _("Which meetings"))
        for key, label in WHEN:
            self.when.addItem(_(label), key)
        bar.addWidget(self.when)
        self.kind = QComboBox(self)
        _named(self.kind, "meetingKindFilter", _("Kind of meeting"))
        self.kind.addItem(_("Every kind"), None)
        for key in ("network", "case"):
            self.kind.addItem(svc.kind_label(key), key)
        bar.addWidget(self.kind)
        self.plan_button = push_button(
            "planMeetingButton", _("Plan meeting…"), _("Plan a new meeting (Ctrl+N)")
        )
        bar.addWidget(self.plan_button)
        self.series_button = push_button(
            "meetingSeriesButton",
            _("Series…"),
            _("Recurring meetings and the agenda every new meeting of a series starts with"),
            accessible=_("Meeting series"),
        )
        bar.addWidget(self.series_button)
        layout.addLayout(bar)
        self.count = QLabel(self)
        self.count.setObjectName("meetingCount")
        layout.addWidget(self.count)

        # the list above the meeting: the agenda and the minutes get the full width
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("meetingsSplitter")
        left = QStackedWidget(self.splitter)
        self.table = QTableView(left)
        _named(self.table, "meetingTable", _("Meetings"))
        self.model = MeetingTableModel(ctx, parent=self)
        self.table.setModel(self.model)
        # a refresh keeps the chosen rows and the scroll position (pact.ui.live)
        self._keep_place = KeepPlace(self.table, self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        left.addWidget(self.table)
        self.empty = EmptyState("meetingsEmpty", "", "", left)
        self.empty_plan = self.empty.add_button("meetingsEmptyPlan", _("Plan meeting…"))
        self.empty_plan.clicked.connect(self.new_meeting)
        left.addWidget(self.empty)
        self.left = left
        self.splitter.addWidget(left)

        right = QStackedWidget(self.splitter)
        self.nothing = EmptyState(
            "meetingNothing",
            _("Choose a meeting"),
            _(
                "Choose a meeting on the left to see its agenda and minutes, or plan a new one "
                "with Plan meeting… (Ctrl+N)."
            ),
            right,
        )
        right.addWidget(self.nothing)
        self.page = MeetingPage(ctx, right)
        right.addWidget(self.page)
        self.right = right
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([120, 750])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.when.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.kind.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.plan_button.clicked.connect(self.new_meeting)
        self.series_button.clicked.connect(self.edit_series)
        self.model.reloaded.connect(self._reloaded)
        self.model.failed.connect(lambda exc: self.page._failed(exc))
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.page.open_meeting.connect(self.show_meeting)
        self.page.open_case.connect(self.open_case)
        ctx.changed.connect(self._context_changed)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.edit_series)
        self.plan_button.setVisible(ctx.actor.is_coordinator)
        self.series_button.setVisible(ctx.actor.is_coordinator)
        self._loaded_once = False
        self._stale = False  # something the meeting shows changed elsewhere meanwhile

    # ------------------------------------------------------------ list

    def showEvent(self, event: QShowEvent) -> None:
        if not self._loaded_once:
            self._apply_filter()
        elif self._stale and self._selected is not None:
            self._load(self._selected)
        self._stale = False
        super().showEvent(event)

    def _filter(self) -> MeetingFilter:
        return MeetingFilter(
            when=str(self.when.currentData()),
            kind=self.kind.currentData(),
            text=self.search.text(),
        )

    def _apply_filter(self) -> None:
        self._loaded_once = True
        self.model.set_filter(self._filter())

    def _context_changed(self, what: str) -> None:
        """A meeting changed (here or in a dialog): the list follows; the shown meeting
        is already the answer of the write. A change elsewhere (a next step marked done
        in another area, a case, a partner) is read when the meetings are shown again."""
        if not self._loaded_once:
            return
        if what == "meetings":
            self.model.reload(keep_loaded=True)
        elif what in ("partners", "cases", "actions") and not self.isVisible():
            # (while the meetings are shown, such a change came from the meeting itself)
            self._stale = True

    def _reloaded(self) -> None:
        total = self.model.total
        f = self.model.meeting_filter
        self.count.setText(
            ngettext("{n} meeting", "{n} meetings", total).format(n=total) if total else ""
        )
        if total == 0:
            if f.text or f.kind:
                self.empty.set_text(
                    _("No meeting matches"),
                    _("Clear the search or choose “Every kind” to see more meetings."),
                )
                self.empty_plan.hide()
            elif f.when == "upcoming":
                self.empty.set_text(
                    _("No meetings planned"),
                    _(
                        "Plan the next network meeting or case consultation with Plan "
                        "meeting…. Choose “Held and earlier” to see past meetings."
                    )
                    if self.ctx.actor.is_coordinator
                    else _("Your organisation is not invited to any coming meeting."),
                )
                self.empty_plan.setVisible(self.ctx.actor.is_coordinator)
            else:
                self.empty.set_text(
                    _("No meetings yet"),
                    _(
                        "Start with a series (Series…) so every meeting gets the same agenda, "
                        "or plan a single meeting with Plan meeting…."
                    )
                    if self.ctx.actor.is_coordinator
                    else _("Your organisation has not been invited to a meeting yet."),
                )
                self.empty_plan.setVisible(self.ctx.actor.is_coordinator)
            self.left.setCurrentWidget(self.empty)
        else:
            self.left.setCurrentWidget(self.table)
        want = self._want if self._want is not None else self._selected
        if want is not None:
            row = self.model.row_of(want)
            if row is not None:
                self._select_row(row)
        elif total and self.model.row_of(self._selected or -1) is None and self._selected is None:
            self._select_row(0)

    def _select_row(self, row: int) -> None:
        select_row(self.table, row)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        meeting_id = self.model.row(current.row()).id
        if meeting_id != self._selected:
            self._load(meeting_id)

    def _load(self, meeting_id: int) -> None:
        if self.page.minutes.has_unsaved_changes():
            self.page.minutes.save_all()
        self._selected = meeting_id
        uow, actor = self.ctx.uow, self.ctx.actor

        def shown(data: MeetingData) -> None:
            if data.id != self._selected:
                return
            self._want = None
            self.page.show_meeting(data)
            self.right.setCurrentWidget(self.page)

        Op(self, lambda: svc.get_meeting(uow(), actor, meeting_id)).success(shown).failure(
            self.page._failed
        ).run()

    def show_meeting(self, meeting_id: int, tab: str | None = None) -> None:
        """Show one meeting (it is searched in "All meetings" when the list hides it)."""
        self._want = meeting_id
        if self.model.row_of(meeting_id) is None and self.when.currentData() != "all":
            self.when.setCurrentIndex([k for k, _l in WHEN].index("all"))
        elif self.model.row_of(meeting_id) is not None:
            self._select_row(self.model.row_of(meeting_id) or 0)
        self._load(meeting_id)
        if tab:
            self.page.show_tab(tab)

    # ------------------------------------------------------------ actions

    def focus_filter(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_meeting(self) -> None:
        if not self.ctx.actor.is_coordinator:
            return
        uow, actor = self.ctx.uow, self.ctx.actor

        def ready(initial: svc.MeetingInput) -> None:
            dialog = MeetingPlanDialog(self.ctx, initial, self)
            dialog.saved.connect(self._planned)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.open_dialog = dialog
            dialog.open()

        def defaults() -> svc.MeetingInput:
            series = svc.list_series(uow(), actor)
            return svc.meeting_defaults(uow(), actor, series_id=series[0].id if series else None)

        Op(self, defaults).success(ready).failure(self.page._failed).run()

    def _planned(self, data: MeetingData) -> None:
        self.show_meeting(data.id, "agenda")

    def edit_series(self) -> None:
        if not self.ctx.actor.is_coordinator:
            return
        dialog = SeriesDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_dialog = dialog
        dialog.open()

    def has_unsaved_changes(self) -> bool:
        return self.page.minutes.has_unsaved_changes()

    def save(self) -> None:
        self.page.minutes.save_all()


__all__ = ["MeetingPage", "MeetingsView"]
