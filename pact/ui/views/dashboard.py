"""The start page: what needs the acting user's attention today.

Four panels from ``dashboard.dashboard``: my open next steps, overdue next steps,
cases whose consent ends within 30 days, recent signals. The rows name a case by
its code (and at most its alias), never a child or a family. Activating a row
(double-click, Enter) emits ``open_case(case_id, tab)``: the case file's tab the row
is about ("steps", "consent" or "signals").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError
from pact.i18n import _, format_date, format_number, ngettext
from pact.services import clock
from pact.services import dashboard as svc
from pact.services.consultations import ActionData
from pact.services.vocab import SERIOUSNESS_LABELS, SIGNAL_DOMAIN_LABELS, label
from pact.ui.context import AppContext
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.field import ERROR_COLOUR
from pact.ui.widgets.message_bar import MessageBar

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Row:
    """One entry of a panel, shown on two lines: the case and what it is about;
    under it the details (owner, due date …). ``late`` is the detail that has to
    stand out (overdue, ending soon, serious)."""

    case_id: int
    case: str  # the case code (with the alias at most, never a name)
    title: str
    details: tuple[str, ...] = ()
    meldcode: bool = False
    late: int | None = None

    @property
    def case_text(self) -> str:
        return _("{case} · Meldcode").format(case=self.case) if self.meldcode else self.case

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.case_text, self.title, *self.details)

    def text(self) -> str:
        """Everything the row shows, in one line (screen readers, tooltips, tests)."""
        return " | ".join(c for c in self.cells if c)


def short_date(day: date, today: date) -> str:
    """ "27 nov" in the current year, "27 nov 2025" otherwise."""
    return format_date(day, "d MMM") if day.year == today.year else format_date(day)


def due_text(due: date, today: date) -> str:
    days = (today - due).days
    when = short_date(due, today)
    if days > 0:
        return ngettext("due {date}, {n} day overdue", "due {date}, {n} days overdue", days).format(
            date=when, n=format_number(days)
        )
    if days == 0:
        return _("due today ({date})").format(date=when)
    return _("due {date}").format(date=when)


def step_rows(steps: tuple[ActionData, ...], today: date) -> list[Row]:
    return [
        Row(
            case_id=s.case_id,
            case=s.case_code,
            title=s.what,
            details=(s.owner or _("No owner"), due_text(s.due_on, today)),
            meldcode=s.meldcode,
            late=1 if s.overdue(today) else None,
        )
        for s in steps
        if s.case_id is not None
    ]


def expiring_rows(items: tuple[svc.ExpiringConsent, ...], today: date) -> list[Row]:
    rows = []
    for e in items:
        days = (e.ok_until - today).days
        left = (
            _("ends today")
            if days <= 0
            else ngettext("ends in {n} day", "ends in {n} days", days).format(n=format_number(days))
        )
        rows.append(
            Row(
                case_id=e.case_id,
                case=e.code,
                title=e.alias,
                details=(
                    _("consent valid until {date}").format(date=short_date(e.ok_until, today)),
                    left,
                ),
                meldcode=e.meldcode,
                late=1 if days <= 7 else None,
            )
        )
    return rows


def signal_rows(items: tuple[svc.RecentSignal, ...], today: date) -> list[Row]:
    """What kind of signal, how serious, when and from whom. Not the observation
    itself: free text often names the child, and the start page may be seen over a
    shoulder; the case file shows it to those who open the case."""
    rows = []
    for r in items:
        signal = r.signal
        details = [
            label(SERIOUSNESS_LABELS, signal.seriousness),
            _("observed {date}").format(date=short_date(signal.observed_on, today)),
        ]
        if signal.source:
            details.append(_("by {source}").format(source=signal.source))
        rows.append(
            Row(
                case_id=r.case_id,
                case=r.code,
                title=label(SIGNAL_DOMAIN_LABELS, signal.domain),
                details=tuple(details),
                meldcode=r.meldcode,
                late=0 if signal.seriousness >= 3 else None,
            )
        )
    return rows


def allot_widths(widths: list[int], gap: int, room: int, keep: int | None) -> list[int]:
    """How wide each of a row's details may be painted (``gap`` between them): all
    whole when they fit; else the ``keep`` one whole (as far as it fits), then the
    others from the left, the last of them shortened; 0 means left out."""
    if sum(widths) + gap * max(len(widths) - 1, 0) <= room:
        return list(widths)
    out = [0] * len(widths)
    left = room - gap * max(len(widths) - 1, 0)
    if keep is not None and 0 <= keep < len(widths):
        out[keep] = max(min(widths[keep], left), 0)
        left -= out[keep]
    for i, width in enumerate(widths):
        if i != keep:
            out[i] = max(min(width, left), 0)
            left -= out[i]
    return out


class RowDelegate(QStyledItemDelegate):
    """Paints a ``Row`` on two lines: the case code in bold (red with the Meldcode
    flag) and the title; under it the details, the late one in red."""

    GAP = 10
    PAD = 6

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        fm = option.fontMetrics
        return QSize(200, 2 * fm.height() + 2 * self.PAD + 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, Row):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        red = text if selected else QColor(ERROR_COLOUR)
        rect: QRect = opt.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD, -self.PAD)
        font = QFont(opt.font)
        bold = QFont(font)
        bold.setBold(True)
        fm, fm_bold = QFontMetrics(font), QFontMetrics(bold)
        line = fm.height()
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

        painter.save()
        # line 1: the case, then what it is about
        x, right = rect.left(), rect.right()
        painter.setFont(bold)
        painter.setPen(red if row.meldcode else text)
        case = fm_bold.elidedText(row.case_text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(x, rect.top(), right - x, line), flags, case)
        x += fm_bold.horizontalAdvance(case) + self.GAP
        if row.title and x < right:
            painter.setFont(font)
            painter.setPen(text)
            title = fm.elidedText(row.title, Qt.TextElideMode.ElideRight, right - x)
            painter.drawText(QRect(x, rect.top(), right - x, line), flags, title)
        # line 2: the details, separated by a dot; when they do not fit, the late one
        # (overdue, ending soon) stays whole and the others are shortened
        x, y = rect.left(), rect.top() + line + 2
        metrics = [fm_bold if i == row.late else fm for i in range(len(row.details))]
        dot = " · "
        full = [m.horizontalAdvance(part) for m, part in zip(metrics, row.details, strict=True)]
        widths = allot_widths(full, fm.horizontalAdvance(dot), right - x, row.late)
        painted = 0
        for i, part in enumerate(row.details):
            if widths[i] <= 0 or x >= right:
                continue
            if painted:
                painter.setFont(font)
                painter.setPen(muted)
                painter.drawText(QRect(x, y, right - x, line), flags, dot)
                x += fm.horizontalAdvance(dot)
            late = i == row.late
            painter.setFont(bold if late else font)
            painter.setPen(red if late else muted)
            elided = (
                part
                if widths[i] >= full[i]
                else metrics[i].elidedText(part, Qt.TextElideMode.ElideRight, widths[i])
            )
            painter.drawText(QRect(x, y, right - x, line), flags, elided)
            x += metrics[i].horizontalAdvance(elided)
            painted += 1
        painter.restore()


class Panel(QFrame):
    """A titled list with a count, or an empty state that says what would appear.
    ``tab`` is the case file's tab its rows open."""

    activated = Signal(int)

    def __init__(
        self,
        name: str,
        title: str,
        empty: tuple[str, str],
        parent: QWidget | None = None,
        tab: str = "",
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.tab = tab
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.rows: list[Row] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 10)
        head = QHBoxLayout()
        self.title = QLabel(title, self)
        self.title.setObjectName(name + "Title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.title.setFont(font)
        head.addWidget(self.title, 1)
        self.count = QLabel(self)
        self.count.setObjectName(name + "Count")
        self.count.setStyleSheet("color: palette(placeholder-text);")
        head.addWidget(self.count)
        outer.addLayout(head)

        self.stack = QStackedWidget(self)
        self.list = QListWidget(self.stack)
        self.list.setObjectName(name + "List")
        self.list.setAccessibleName(title)
        self.list.setItemDelegate(RowDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._on_activated)
        self.stack.addWidget(self.list)
        self.empty = EmptyState(name + "Empty", empty[0], empty[1], self.stack)
        empty_layout = self.empty.layout()
        if empty_layout is not None:
            empty_layout.setContentsMargins(12, 8, 12, 8)
        self.stack.addWidget(self.empty)
        outer.addWidget(self.stack, 1)
        self.stack.setCurrentWidget(self.empty)

    def set_rows(self, rows: list[Row], total: int | None = None) -> None:
        self.rows = rows
        total = len(rows) if total is None else total
        self.list.clear()
        for row in rows:
            # what a screen reader reads (and what typing a case code jumps to)
            item = QListWidgetItem(", ".join(c for c in row.cells if c), self.list)
            item.setData(ROW_ROLE, row)
            item.setToolTip("\n".join(c for c in row.cells if c))
        first = self.list.item(0)
        if first is not None:
            # current (Enter opens it) but not highlighted: the red must stay visible
            self.list.setCurrentItem(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.stack.setCurrentWidget(self.list)
        else:
            self.stack.setCurrentWidget(self.empty)
        if total > len(rows):
            self.count.setText(
                _("{shown} of {total} shown").format(
                    shown=format_number(len(rows)), total=format_number(total)
                )
            )
        else:
            self.count.setText(format_number(total))
        self.count.setAccessibleName(
            _("{title}: {count}").format(title=self.title.text(), count=self.count.text())
        )

    def row_texts(self) -> list[str]:
        """What each row shows, its parts joined by " | " (tests, screen readers)."""
        return [r.text() for r in self.rows]

    def showing_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _on_activated(self, item: QListWidgetItem) -> None:
        row = item.data(ROW_ROLE)
        if isinstance(row, Row):
            self.activated.emit(row.case_id)


class DashboardView(QWidget):
    open_case = Signal(int, str)  # the case, and the tab of its case file to show
    new_case_requested = Signal()
    loaded = Signal()  # a refresh finished (tests wait for it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self.ctx = ctx
        self.data: svc.Dashboard | None = None
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._build()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        head = QHBoxLayout()
        texts = QVBoxLayout()
        self.greeting = QLabel(self)
        self.greeting.setObjectName("dashboardGreeting")
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.greeting.setFont(font)
        texts.addWidget(self.greeting)
        self.summary = QLabel(self)
        self.summary.setObjectName("dashboardSummary")
        self.summary.setWordWrap(True)
        texts.addWidget(self.summary)
        head.addLayout(texts, 1)
        self.new_case_button = QPushButton(_("Register a case"), self)
        self.new_case_button.setObjectName("dashboardNewCase")
        self.new_case_button.setAccessibleName(_("Register a case"))
        self.new_case_button.setToolTip(_("Register a new case (Ctrl+N)"))
        self.new_case_button.clicked.connect(self.new_case_requested.emit)
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setAccessibleName(_("Refresh the start page"))
        self.refresh_button.clicked.connect(self.refresh)
        for button in (self.new_case_button, self.refresh_button):
            head.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        self.busy = busy_bar(self, "dashboardBusy")
        outer.addWidget(self.busy)
        self.message = MessageBar("dashboardMessage", self)
        outer.addWidget(self.message)

        self.my_steps = Panel(
            "dashboardMySteps",
            _("My open next steps"),
            (
                _("No open next steps for you"),
                _(
                    "Next steps agreed in a consultation appear here when you, your contact "
                    "person or your organisation owns them."
                ),
            ),
            self,
            tab="steps",
        )
        self.overdue = Panel(
            "dashboardOverdue",
            _("Overdue next steps"),
            (
                _("No overdue next steps"),
                _("Every open next step in the cases you can see is still on time."),
            ),
            self,
            tab="steps",
        )
        self.expiring = Panel(
            "dashboardExpiring",
            _("Consent expiring within 30 days"),
            (
                _("No consent expires within 30 days"),
                _(
                    "Cases whose consent ends within 30 days appear here, so that you can "
                    "ask the family to renew it in time."
                ),
            ),
            self,
            tab="consent",
        )
        self.signals = Panel(
            "dashboardSignals",
            _("Recent signals"),
            (
                _("No signals in the last two weeks"),
                _("Signals recorded in a case file in the last 14 days appear here."),
            ),
            self,
            tab="signals",
        )
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.my_steps, 0, 0)
        grid.addWidget(self.overdue, 0, 1)
        grid.addWidget(self.expiring, 1, 0)
        grid.addWidget(self.signals, 1, 1)
        for i in range(2):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)
        outer.addLayout(grid, 1)
        for panel in self.panels():
            panel.activated.connect(
                lambda case_id, tab=panel.tab: self.open_case.emit(case_id, tab)
            )
        chain: list[QWidget] = [self.new_case_button, self.refresh_button]
        chain += [p.list for p in self.panels()]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self._show_greeting()

    def panels(self) -> tuple[Panel, Panel, Panel, Panel]:
        return (self.my_steps, self.overdue, self.expiring, self.signals)

    def _show_greeting(self) -> None:
        name = self.ctx.actor.display_name
        hour = datetime.now().hour
        if hour < 12:
            text = _("Good morning, {name}")
        elif hour < 18:
            text = _("Good afternoon, {name}")
        else:
            text = _("Good evening, {name}")
        self.greeting.setText(text.format(name=name))

    # ------------------------------------------------------------ loading

    def _on_changed(self, what: str) -> None:
        # when hidden, showing the page loads it again anyway
        if what in ("cases", "actions", "partners", "users") and self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def refresh(self) -> None:
        """Load the four panels again (in an op)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        self._show_greeting()
        self.busy.show()
        uow = self.ctx.uow
        actor = self.ctx.actor
        Op(self, lambda: svc.dashboard(uow(), actor)).success(
            lambda data: self._loaded(generation, data)
        ).failure(lambda exc: self._failed(generation, exc)).run()

    def _loaded(self, generation: int, data: svc.Dashboard) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        self.message.hide()
        self.data = data
        today = clock.today()
        self.my_steps.set_rows(step_rows(data.my_steps, today), data.my_steps_total)
        self.overdue.set_rows(step_rows(data.overdue, today), data.overdue_total)
        self.expiring.set_rows(expiring_rows(data.expiring, today))
        self.signals.set_rows(signal_rows(data.signals, today))
        if data.visible_cases:
            self.summary.setText(
                ngettext(
                    "You can see {n} open case. Double-click a line (or press Enter) to open "
                    "its case file.",
                    "You can see {n} open cases. Double-click a line (or press Enter) to open "
                    "its case file.",
                    data.visible_cases,
                ).format(n=format_number(data.visible_cases))
            )
        else:
            self.summary.setText(
                _(
                    "There are no open cases you can see yet. Start one with “{button}” (Ctrl+N)."
                ).format(button=_("Register a case"))
            )
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        self.message.show_message(str(exc), "error")
        self.loaded.emit()
