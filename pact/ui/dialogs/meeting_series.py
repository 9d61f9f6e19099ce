"""Manage meeting series: on the left the series (retired ones too), on the right the
chosen one, with its settings, who is invited and its agenda template (the agenda
every new meeting of the series starts with).

Save runs ``meetings.save_series`` on the write worker; only a coordinator may (the
service says so to anyone else, and the dialog shows it). The dialog stays open
after a save, so that one series after another can be looked after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import NotFoundError, PactError
from pact.i18n import _, ngettext
from pact.models.meeting import ITEM_KINDS, VISIBILITIES
from pact.services import meetings as svc
from pact.services.meetings import SeriesData, SeriesInput, TemplateItemInput
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    check_box,
    combo,
    hint_label,
    line_edit,
    push_button,
    set_combo,
)
from pact.ui.dialogs.conflict import FieldValue
from pact.ui.dialogs.meeting_plan import (
    ContactCombo,
    InvitePickers,
    PlanChoices,
    invites_field,
    kind_items,
    load_plan_choices,
    meeting_fields,
    qtime,
    time_edit,
    time_value,
    video_placeholder,
)
from pact.ui.ops import Op
from pact.ui.widgets.field import ERROR_COLOUR

# a template holds no case discussion: cases are added per meeting
TEMPLATE_KINDS = tuple(kind for kind in ITEM_KINDS if kind != "case")
KIND, TITLE, MINUTES, VISIBILITY = range(4)
VALUE_ROLE = Qt.ItemDataRole.UserRole
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_MINUTES = svc.MAX_PLANNED

Index = QModelIndex | QPersistentModelIndex


def visibility_label(visibility: str) -> str:
    return {
        "everyone": _("Everyone invited"),
        "internal": _("Chair and minute-taker only"),
    }.get(visibility, visibility)


def minutes_text(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


# ---------------------------------------------------------------- the template table


class TemplateDelegate(QStyledItemDelegate):
    """Kind and visibility are chosen from a list, the minutes with a spin box."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = index.column()
        if column in (KIND, VISIBILITY):
            box = QComboBox(parent)
            box.setObjectName(
                "templateKindEditor" if column == KIND else "templateVisibilityEditor"
            )
            if column == KIND:
                box.setAccessibleName(_("Kind of agenda item"))
                for kind in TEMPLATE_KINDS:
                    box.addItem(svc.item_kind_label(kind), kind)
            else:
                box.setAccessibleName(_("Who sees the item"))
                for visibility in VISIBILITIES:
                    box.addItem(visibility_label(visibility), visibility)
            return box
        if column == MINUTES:
            spin = QSpinBox(parent)
            spin.setObjectName("templateMinutesEditor")
            spin.setAccessibleName(_("Planned minutes"))
            spin.setRange(0, MAX_MINUTES)
            spin.setSingleStep(5)
            return spin
        editor = super().createEditor(parent, option, index)
        editor.setObjectName("templateTitleEditor")
        editor.setAccessibleName(_("Title of the agenda item"))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(VALUE_ROLE)), 0))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(VALUE_ROLE) or 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), VALUE_ROLE)
            model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), VALUE_ROLE)
            model.setData(index, minutes_text(editor.value()), Qt.ItemDataRole.DisplayRole)
        else:
            super().setModelData(editor, model, index)


class TemplateTable(QTableWidget):
    """The agenda template, in order. Keyboard: arrows move, F2 or typing edits a
    cell, Ctrl+Up / Ctrl+Down move the item, Insert adds one, Delete removes it."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setObjectName("seriesTemplate")
        self.setAccessibleName(_("Agenda template"))
        self.setHorizontalHeaderLabels([_("Kind"), _("Title"), _("Min."), _("Who sees it")])
        self.setItemDelegate(TemplateDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Tab leaves the table (arrows move between the cells)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        widest_kind = max(metrics.horizontalAdvance(svc.item_kind_label(k)) for k in TEMPLATE_KINDS)
        widest_visibility = max(
            metrics.horizontalAdvance(visibility_label(v)) for v in VISIBILITIES
        )
        header.resizeSection(KIND, widest_kind + 44)
        header.resizeSection(MINUTES, metrics.horizontalAdvance(minutes_text(120)) + 44)
        header.resizeSection(VISIBILITY, widest_visibility + 44)
        self.setMinimumHeight(
            self.verticalHeader().defaultSectionSize() * 7 + header.sizeHint().height() + 6
        )
        self._filling = False
        self.itemChanged.connect(self._item_changed)
        for keys, slot in (
            ("Ctrl+Up", lambda: self.move_current(-1)),
            ("Ctrl+Down", lambda: self.move_current(+1)),
            ("Insert", self.add_item),
            ("Delete", self.remove_current),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------ values

    def set_template(self, template: Sequence[TemplateItemInput]) -> None:
        self._filling = True
        try:
            self.setRowCount(0)
            self.setRowCount(len(template))
            for row, item in enumerate(template):
                self._set_row(row, item)
        finally:
            self._filling = False
        if template:
            self.setCurrentCell(0, TITLE)

    def _set_row(self, row: int, value: TemplateItemInput) -> None:
        filling = self._filling
        self._filling = True
        try:
            kind = QTableWidgetItem(svc.item_kind_label(value.kind))
            kind.setData(VALUE_ROLE, value.kind)
            title = QTableWidgetItem(value.title)
            title.setData(DESCRIPTION_ROLE, value.description)
            minutes = QTableWidgetItem(minutes_text(value.planned_minutes))
            minutes.setData(VALUE_ROLE, value.planned_minutes)
            minutes.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            visibility = QTableWidgetItem(visibility_label(value.visibility))
            visibility.setData(VALUE_ROLE, value.visibility)
            for column, cell in enumerate((kind, title, minutes, visibility)):
                self.setItem(row, column, cell)
        finally:
            self._filling = filling

    def row_value(self, row: int) -> TemplateItemInput:
        def cell(column: int) -> QTableWidgetItem:
            item = self.item(row, column)
            assert item is not None
            return item

        return TemplateItemInput(
            kind=str(cell(KIND).data(VALUE_ROLE)),
            title=cell(TITLE).text(),
            planned_minutes=int(cell(MINUTES).data(VALUE_ROLE) or 0),
            description=str(cell(TITLE).data(DESCRIPTION_ROLE) or ""),
            visibility=str(cell(VISIBILITY).data(VALUE_ROLE)),
        )

    def template(self) -> tuple[TemplateItemInput, ...]:
        return tuple(self.row_value(r) for r in range(self.rowCount()))

    def total_minutes(self) -> int:
        return sum(t.planned_minutes for t in self.template())

    # ------------------------------------------------------------ changes

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.edited.emit()

    def add_item(self) -> None:
        """A new theme after the current item (at the end when none is current);
        the keyboard goes on in its title."""
        row = self.currentRow() + 1 if self.currentRow() >= 0 else self.rowCount()
        self._filling = True
        try:
            self.insertRow(row)
            self._set_row(row, TemplateItemInput("theme", "", 15))
        finally:
            self._filling = False
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setCurrentCell(row, TITLE)
        self.edited.emit()
        title = self.item(row, TITLE)
        if title is not None:
            self.editItem(title)

    def remove_current(self) -> None:
        row = self.currentRow()
        if row < 0:
            return
        self.removeRow(row)
        if self.rowCount():
            self.setCurrentCell(min(row, self.rowCount() - 1), max(self.currentColumn(), 0))
        self.edited.emit()

    def move_current(self, offset: int) -> None:
        row = self.currentRow()
        target = row + offset
        if row < 0 or not 0 <= target < self.rowCount():
            return
        column = max(self.currentColumn(), 0)
        moving, other = self.row_value(row), self.row_value(target)
        self._set_row(target, moving)
        self._set_row(row, other)
        self.setCurrentCell(target, column)
        self.edited.emit()


# ---------------------------------------------------------------- the dialog


class SeriesDialog(CaseFormDialog):
    """``saved(SeriesData)`` fires after each successful save (the dialog stays
    open); ``ready`` is True once the series and the choices are read."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, series_id: int | None = None
    ):
        coordinator = ctx.has_actor and ctx.actor.is_coordinator
        super().__init__(
            ctx,
            "seriesDialog",
            _("Meeting series"),
            intro=""
            if coordinator
            else _("You can look at the series; only a coordinator can change them."),
            save_text=_("&Save series"),
            parent=parent,
        )
        self.wanted_id = series_id
        self.series: list[SeriesData] = []
        self.current: SeriesData | None = None  # None: a new series
        self.ready = False
        self.choices = PlanChoices((), (), ())
        self.save_button.setObjectName("seriesSave")
        self.cancel_button.setObjectName("seriesClose")
        self.cancel_button.setText(_("Close"))
        self.cancel_button.setAccessibleName(_("Close"))
        self.cancel_button.setToolTip(_("Close the window (Esc)"))
        self.done_text = _("Series saved.")

        columns = QHBoxLayout()
        columns.setSpacing(16)
        self.body_layout.addLayout(columns, 1)

        # -- the list of series
        side = QVBoxLayout()
        caption = QLabel(_("Se&ries"), self.body)
        caption.setObjectName("seriesListLabel")
        self.series_list = QListWidget(self.body)
        self.series_list.setObjectName("seriesList")
        self.series_list.setAccessibleName(_("Meeting series"))
        self.series_list.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.series_list.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 21))
        self.series_list.setWordWrap(True)
        self.series_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.series_list.setSpacing(2)
        caption.setBuddy(self.series_list)
        self.new_button = QPushButton(_("&New series"), self.body)
        self.new_button.setObjectName("seriesNew")
        self.new_button.setAccessibleName(_("New series"))
        self.new_button.setToolTip(_("Start a new series (Ctrl+N)"))
        self.new_button.setAutoDefault(False)
        side.addWidget(caption)
        side.addWidget(self.series_list, 1)
        side.addWidget(self.new_button)
        columns.addLayout(side)

        # -- the editor: settings left, invitations right, the template below
        editor = QVBoxLayout()
        columns.addLayout(editor, 1)
        top = QHBoxLayout()
        top.setSpacing(16)
        editor.addLayout(top)
        self.settings_form = QFormLayout()
        self.settings_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.settings_form.setLabelAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        )
        self.invite_form = QFormLayout()
        self.invite_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.invite_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        top.addLayout(self.settings_form, 3)
        top.addLayout(self.invite_form, 2)

        form = self.settings_form
        self.name_edit = line_edit(
            "seriesName", _("Name of the series"), placeholder=_("e.g. Netwerkoverleg Hengelo")
        )
        self.add_row("name", _("Na&me"), self.name_edit, required=True, layout=form)
        self.kind_combo = combo("seriesKind", _("Kind of meeting"), kind_items())
        self.add_row("kind", _("&Kind"), self.kind_combo, required=True, layout=form)
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("seriesInterval")
        self.interval_spin.setAccessibleName(_("Every how many weeks"))
        self.interval_spin.setRange(1, 52)
        self.interval_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.interval_weeks = QLabel()
        interval = QWidget()
        interval_layout = QHBoxLayout(interval)
        interval_layout.setContentsMargins(0, 0, 0, 0)
        interval_layout.addWidget(self.interval_spin)
        interval_layout.addWidget(self.interval_weeks)
        interval_layout.addStretch(1)
        interval.setFocusProxy(self.interval_spin)
        interval_row = self.add_row(
            "interval_weeks", _("E&very"), interval, required=True, layout=form
        )
        self.clear_on(self.interval_spin.valueChanged, interval_row)
        self.interval_spin.valueChanged.connect(self._update_weeks)
        self.start_edit = time_edit("seriesStart", _("Starts at"), None)
        start_row = self.add_row(
            "starts_at", _("Starts &at"), self.start_edit, required=True, layout=form
        )
        self.end_edit = time_edit("seriesEnd", _("Ends at"), None)
        end_row = self.add_row("ends_at", _("E&nds at"), self.end_edit, required=True, layout=form)
        self.clear_on(self.start_edit.timeChanged, start_row, end_row)
        self.clear_on(self.end_edit.timeChanged, end_row, start_row)
        self.location_edit = line_edit(
            "seriesLocation", _("Location"), placeholder=_("e.g. Town hall Hengelo, room 2.14")
        )
        self.add_row("location", _("&Location"), self.location_edit, layout=form)
        self.video_edit = line_edit("seriesVideo", _("Video link"), placeholder=video_placeholder())
        self.add_row("video_link", _("&Video link"), self.video_edit, layout=form)
        self.chair_combo = ContactCombo("seriesChair", _("Chair"))
        self.add_row("chair_contact_id", _("C&hair"), self.chair_combo, layout=form)
        self.minutes_combo = ContactCombo("seriesMinuteTaker", _("Minute-taker"))
        self.add_row("minute_taker_contact_id", _("M&inute-taker"), self.minutes_combo, layout=form)
        self.active_box = check_box(
            "seriesActive",
            _("Ac&tive: new meetings can be planned in this series"),
            True,
            accessible=_("Active series"),
        )
        self.add_row(
            "active",
            "",
            self.active_box,
            hint=_("Untick to retire the series; its meetings stay."),
            layout=form,
        )

        self.invite_pickers = InvitePickers(
            "seriesInvites", self, organisation_rows=6, contact_rows=5
        )
        invites_row = self.add_row(
            "invites",
            _("Invited &organisations"),
            self.invite_pickers.organisations,
            layout=self.invite_form,
        )
        contacts_row = self.add_row(
            "invite_contacts",
            _("Contact pe&rsons (optional)"),
            self.invite_pickers.contacts,
            hint=_("Tick who is invited by name; otherwise the organisation as a whole."),
            layout=self.invite_form,
            hint_above=True,
        )
        self.clear_on(self.invite_pickers.changed, invites_row, contacts_row)
        top.setAlignment(self.settings_form, Qt.AlignmentFlag.AlignTop)
        top.setAlignment(self.invite_form, Qt.AlignmentFlag.AlignTop)

        # -- the template
        self.template_form = QFormLayout()
        self.template_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.template_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        editor.addLayout(self.template_form, 1)
        self.table = TemplateTable()
        template = QWidget()
        template_layout = QHBoxLayout(template)
        template_layout.setContentsMargins(0, 0, 0, 0)
        template_layout.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        template_layout.addLayout(buttons)
        self.add_item_button = push_button(
            "seriesTemplateAdd",
            _("A&dd item"),
            _("Add an agenda item (Insert)"),
        )
        self.add_item_button.clicked.connect(self.table.add_item)
        self.remove_item_button = push_button(
            "seriesTemplateRemove",
            _("Remo&ve item"),
            _("Remove the chosen agenda item (Delete)"),
        )
        self.remove_item_button.clicked.connect(self.table.remove_current)
        self.up_button = push_button(
            "seriesTemplateUp",
            _("Move &up"),
            _("Move the chosen item up (Ctrl+Up)"),
        )
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = push_button(
            "seriesTemplateDown",
            _("Move do&wn"),
            _("Move the chosen item down (Ctrl+Down)"),
        )
        self.down_button.clicked.connect(lambda: self._move(+1))
        for button in (
            self.add_item_button,
            self.remove_item_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        template.setFocusProxy(self.table)
        template_row = self.add_row(
            "template",
            _("A&genda template: every new meeting of the series starts with it"),
            template,
            layout=self.template_form,
        )
        self.total_label = hint_label("", "seriesTemplateTotal")
        template_layout_parent = template_row.layout()
        assert isinstance(template_layout_parent, QVBoxLayout)
        template_layout_parent.insertWidget(1, self.total_label)
        self.clear_on(self.table.edited, template_row)
        self.table.edited.connect(self._update_total)
        self.start_edit.timeChanged.connect(self._update_total)
        self.end_edit.timeChanged.connect(self._update_total)
        self.table.currentCellChanged.connect(self._update_buttons)
        self.table.edited.connect(self._update_buttons)

        self.series_list.currentItemChanged.connect(self._series_clicked)
        self.new_button.clicked.connect(self._new_clicked)
        new_shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        new_shortcut.activated.connect(self._new_clicked)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.activated.connect(self.save_now)

        self._load_editor(None)
        self.finish_building(1180)
        self._start_loading()

    def _move(self, offset: int) -> None:
        self.table.move_current(offset)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ loading

    def _start_loading(self) -> None:
        self.save_button.setEnabled(False)
        self.busy.show()
        Op(self, load_plan_choices(self.ctx)).success(self._choices_loaded).failure(
            self._load_failed
        ).run()

    def _choices_loaded(self, choices: PlanChoices) -> None:
        if not isValid(self):
            return
        self.choices = choices
        self.series = list(choices.series)
        self.invite_pickers.set_choices(choices.organisations, choices.contacts)
        self._fill_list()
        wanted = next((s for s in self.series if s.id == self.wanted_id), None)
        if wanted is None and self.wanted_id is None and self.series:
            wanted = self.series[0]
        self._show_series(wanted)
        self.busy.hide()
        self.save_button.setEnabled(True)
        self.ready = True
        self._refit()

    def _load_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.busy.hide()
        if not isinstance(exc, PactError):
            raise exc
        self.message.show_message(str(exc), "error")

    def _fill_list(self) -> None:
        self.series.sort(key=lambda s: s.name.casefold())
        self.series_list.blockSignals(True)
        try:
            self.series_list.clear()
            for series in self.series:
                text = (
                    series.name if series.active else _("{name} (retired)").format(name=series.name)
                )
                item = QListWidgetItem(text, self.series_list)
                item.setData(VALUE_ROLE, series.id)
                meetings = ngettext("{n} meeting", "{n} meetings", series.meetings).format(
                    n=series.meetings
                )
                item.setToolTip(meetings)
                if not series.active:
                    item.setForeground(QColor("#6b6b6b"))
        finally:
            self.series_list.blockSignals(False)

    def _select_in_list(self, series_id: int | None) -> None:
        self.series_list.blockSignals(True)
        try:
            self.series_list.setCurrentRow(-1)
            for row in range(self.series_list.count()):
                if self.series_list.item(row).data(VALUE_ROLE) == series_id:
                    self.series_list.setCurrentRow(row)
        finally:
            self.series_list.blockSignals(False)

    def _show_series(self, series: SeriesData | None) -> None:
        self._select_in_list(series.id if series else None)
        self._load_editor(series)

    def _load_editor(self, series: SeriesData | None) -> None:
        """Put a series in the editor (None: a new one, from the default template)."""
        self.current = series
        self._loading = True
        try:
            self.clear_errors()
            data = (
                SeriesInput(name="", template=svc.default_template()) if series is None else series
            )
            self.name_edit.setText(data.name)
            set_combo(self.kind_combo, data.kind)
            self.interval_spin.setValue(data.interval_weeks)
            if data.starts_at is not None:
                self.start_edit.setTime(qtime(data.starts_at))
            if data.ends_at is not None:
                self.end_edit.setTime(qtime(data.ends_at))
            self.location_edit.setText(data.location)
            self.video_edit.setText(data.video_link)
            contacts = self.choices.contacts
            self.chair_combo.set_choices(contacts, data.chair_contact_id)
            self.minutes_combo.set_choices(contacts, data.minute_taker_contact_id)
            self.active_box.setChecked(data.active)
            self.invite_pickers.set_invites(data.invites)
            self.table.set_template(data.template)
        finally:
            self._loading = False
        self._dirty = False
        self._update_weeks()
        self._update_total()
        self._update_buttons()

    # ------------------------------------------------------------ switching

    def _series_clicked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        series_id = item.data(VALUE_ROLE)
        target = next((s for s in self.series if s.id == series_id), None)
        if self.current is not None and target is not None and target.id == self.current.id:
            return
        self._go_to(target, new=False)

    def _new_clicked(self) -> None:
        self._go_to(None, new=True)

    def _go_to(self, target: SeriesData | None, new: bool) -> None:
        """Show another series (or a new one), unless the one shown has changes:
        then say so and offer to discard them."""
        if self._busy:
            self._select_in_list(self.current.id if self.current else None)
            return
        if self._dirty:
            self._select_in_list(self.current.id if self.current else None)
            name = self.name_edit.text().strip()
            text = (
                _("The changes to “{name}” are not saved yet. Save them first, or discard them.")
                if name
                else _("The new series is not saved yet. Save it first, or discard it.")
            )
            self.message.show_message(
                text.format(name=name),
                "warning",
                (_("Discard changes"), lambda: self._discard_and_go(target)),
            )
            return
        self._show_series(target)
        self.message.hide()
        if new:
            self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _discard_and_go(self, target: SeriesData | None) -> None:
        self._dirty = False
        self._show_series(target)
        self.message.hide()
        if target is None:
            self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.series_list.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ little things

    def _update_weeks(self) -> None:
        self.interval_weeks.setText(ngettext("week", "weeks", self.interval_spin.value()))

    def _update_total(self) -> None:
        total = self.table.total_minutes()
        start, end = time_value(self.start_edit), time_value(self.end_edit)
        available = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        text = _("Planned: {planned} of the {available} the meeting takes.").format(
            planned=minutes_text(total), available=minutes_text(max(available, 0))
        )
        over = available > 0 and total > available
        if over:
            text += " " + _("That is {n} too many.").format(n=minutes_text(total - available))
        self.total_label.setText(text)
        self.total_label.setStyleSheet(
            f"color: {ERROR_COLOUR};" if over else "color: palette(placeholder-text);"
        )

    def _update_buttons(self, *_args: object) -> None:
        row = self.table.currentRow()
        count = self.table.rowCount()
        self.remove_item_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    # ------------------------------------------------------------ keyboard

    def first_field(self) -> QWidget | None:
        return self.series_list if self.series_list.count() else self.name_edit

    # ------------------------------------------------------------ errors

    def set_error(self, field: str, message: str) -> None:
        """A template row's message names the row, and the keyboard goes to it."""
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "template" and parts[1].isdigit():
            row = int(parts[1])
            message = _("Item {n}: {message}").format(n=row + 1, message=message)
            if row < self.table.rowCount():
                column = {"kind": KIND, "planned_minutes": MINUTES, "visibility": VISIBILITY}
                self.table.setCurrentCell(row, column.get(parts[2], TITLE))
        super().set_error(field, message)

    # ------------------------------------------------------------ saving

    def series_input(self) -> SeriesInput:
        current = self.current
        return SeriesInput(
            name=self.name_edit.text(),
            kind=self.kind_combo.currentData() or "",
            interval_weeks=self.interval_spin.value(),
            starts_at=time_value(self.start_edit),
            ends_at=time_value(self.end_edit),
            location=self.location_edit.text(),
            video_link=self.video_edit.text(),
            chair_contact_id=self.chair_combo.value(),
            minute_taker_contact_id=self.minutes_combo.value(),
            template=self.table.template(),
            invites=self.invite_pickers.invites(),
            active=self.active_box.isChecked(),
            id=current.id if current else None,
            version=current.version if current else None,
        )

    def _finish_cell(self) -> bool:
        """Close the template cell being edited (what was typed counts); True when
        one was open."""
        if self.table.state() != QAbstractItemView.State.EditingState:
            return False
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def accept(self) -> None:
        """Save (the Save button, or Enter outside the template). Enter in a template
        cell only finishes the cell."""
        if not self.ready or not self.save_button.isEnabled():
            return
        if self._finish_cell():
            return
        super().accept()

    def save_now(self) -> None:
        """Ctrl+S (or Ctrl+Enter): save, also from inside a template cell."""
        self._finish_cell()
        self.accept()

    def prepare(self) -> Callable[[], Any] | None:
        data = self.series_input()
        uow, actor = self.ctx.uow, self.ctx.actor
        return lambda: svc.save_series(uow(), actor, data)

    def _saved(self, result: Any) -> None:
        """Stay open: the saved series is shown (with its new version) in the list."""
        if not isValid(self):
            return
        assert isinstance(result, SeriesData)
        self._set_busy(False)
        self.result_value = result
        self.series = [s for s in self.series if s.id != result.id] + [result]
        self._fill_list()
        self._show_series(result)
        self.message.show_message(_("Series “{name}” saved.").format(name=result.name), "info")
        self.ctx.changed.emit("meetings")
        self.saved.emit(result)

    # someone else saved the series first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this meeting series")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.current is None:
            return None
        uow, actor, series_id = self.ctx.uow, self.ctx.actor, self.current.id

        def load() -> SeriesData:
            try:
                return svc.get_series(uow(), actor, series_id)
            except NotFoundError as exc:
                raise NotFoundError(_("This meeting series no longer exists.")) from exc

        return self.current, load

    def adopt(self, record: Any) -> None:
        self.current = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        m: SeriesData = record
        cap = self.caption
        return [
            FieldValue("name", cap("name"), self.name_edit, m.name),
            FieldValue("kind", cap("kind"), self.kind_combo, m.kind),
            FieldValue(
                "interval_weeks", cap("interval_weeks"), self.interval_spin, m.interval_weeks
            ),
            *meeting_fields(self, m),
            FieldValue("active", _("Active series"), self.active_box, m.active),
            invites_field(self.invite_pickers, m.invites),
            FieldValue(
                "template",
                cap("template"),
                self.table,
                # in a 1-tuple: the order of the items counts (a bare tuple is
                # compared as a set of choices)
                (tuple(m.template),),
                get=lambda: (self.table.template(),),
                put=lambda v: self.table.set_template(v[0]),
                describe=lambda v: template_text(v[0]),
            ),
        ]


def template_text(template: Sequence[TemplateItemInput]) -> str:
    """An agenda template in words, one item a line ("Opening (5 min.)")."""
    return "\n".join(f"{t.title} ({minutes_text(t.planned_minutes)})" for t in template)


__all__ = ["SeriesDialog", "TemplateTable", "template_text", "visibility_label"]
