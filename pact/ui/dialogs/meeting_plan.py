"""Plan a meeting (a network meeting or a case consultation), or change its planning.

The dialog reads what it offers (series, organisations, contact persons) in the
background; Save runs ``meetings.save_meeting`` on the write worker. A new meeting
starts from its series' agenda template (the service copies it). Choosing a series
for a new meeting fills the fields in from that series (``meeting_defaults``).

Also here, for the series dialog: ``ContactCombo`` (a searchable choice of one
contact person, or nobody) and ``InvitePickers`` (the invited organisations and,
per organisation, optionally the contact persons invited by name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QSizePolicy,
    QTimeEdit,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import NotFoundError, PactError
from pact.i18n import _
from pact.models.meeting import MEETING_KINDS
from pact.services import meetings as svc
from pact.services.meetings import Choice, InviteInput, MeetingInput, SeriesData
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    combo,
    date_edit,
    date_value,
    line_edit,
    qdate,
    searchable,
    set_combo,
)
from pact.ui.dialogs.conflict import FieldValue
from pact.ui.ops import Op
from pact.ui.widgets.check_picker import CheckPicker

DEFAULT_START = time(9, 30)
DEFAULT_END = time(11, 0)


# ---------------------------------------------------------------- small helpers


def kind_items() -> list[tuple[str, str]]:
    return [(kind, svc.kind_label(kind)) for kind in MEETING_KINDS]


def qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def time_edit(name: str, accessible: str, value: time | None) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("HH:mm")
    edit.setTime(qtime(value or DEFAULT_START))
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00:00") + 48)
    return edit


def time_value(edit: QTimeEdit) -> time:
    value = edit.time().toPython()
    assert isinstance(value, time)
    return value.replace(second=0, microsecond=0)


def shown_title(meeting: MeetingInput) -> str:
    """The title as the form shows it: empty for the default title, which follows the
    kind and date."""
    if meeting.held_on is not None and meeting.title == svc.default_title(
        meeting.kind, meeting.held_on
    ):
        return ""
    return meeting.title


def time_field(key: str, label: str, edit: QTimeEdit, value: time | None) -> FieldValue:
    """A time of day for the conflict dialog (pact.ui.dialogs.conflict)."""
    return FieldValue(
        key,
        label,
        edit,
        value,
        get=lambda: time_value(edit),
        put=lambda v: edit.setTime(qtime(v)) if isinstance(v, time) else None,
        describe=lambda v: v.strftime("%H:%M") if isinstance(v, time) else "",
    )


def contact_field(key: str, label: str, combo: ContactCombo, value: int | None) -> FieldValue:
    return FieldValue(key, label, combo, value, get=combo.value, put=combo.set_value)


def meeting_fields(form: Any, m: MeetingInput | SeriesData) -> list[FieldValue]:
    """The times, place and people of a meeting or a series, as the conflict dialog
    compares them; ``form`` is the planning or the series dialog (the same widgets)."""
    cap = form.caption
    return [
        time_field("starts_at", cap("starts_at"), form.start_edit, m.starts_at),
        time_field("ends_at", cap("ends_at"), form.end_edit, m.ends_at),
        FieldValue("location", cap("location"), form.location_edit, m.location),
        FieldValue("video_link", cap("video_link"), form.video_edit, m.video_link),
        contact_field(
            "chair_contact_id", cap("chair_contact_id"), form.chair_combo, m.chair_contact_id
        ),
        contact_field(
            "minute_taker_contact_id",
            cap("minute_taker_contact_id"),
            form.minutes_combo,
            m.minute_taker_contact_id,
        ),
    ]


def invites_field(pickers: InvitePickers, invites: Iterable[InviteInput]) -> FieldValue:
    return FieldValue(
        "invites",
        _("Invited"),
        pickers.organisations,
        tuple(sorted(set(invites), key=invite_order)),
        get=lambda: tuple(sorted(set(pickers.invites()), key=invite_order)),
        put=pickers.set_invites,
        describe=pickers.describe,
    )


def video_placeholder() -> str:
    return _("e.g. https://meet.example.nl/netwerkoverleg")


class ContactCombo(QComboBox):
    """One contact person of the directory, or nobody. Type part of a name (or of the
    organisation) and choose from the list that appears; what does not match a
    contact person goes back to the last choice when the field is left."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        searchable(self, _("Type a name to search…"))
        edit = self.lineEdit()
        assert edit is not None
        edit.setObjectName(name + "Edit")
        edit.editingFinished.connect(self.settle)
        self.set_choices([], None)

    def set_choices(self, choices: Iterable[Choice], value: int | None) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(_("Nobody"), None)
            for choice in choices:
                self.addItem(choice.label, choice.id)
        finally:
            self.blockSignals(False)
        self.set_value(value)

    def set_value(self, value: int | None) -> None:
        if value is not None and self.findData(value) < 0:
            # someone no longer in the directory stays chosen until changed
            self.addItem(_("Contact person no longer in the directory"), value)
        index = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.setEditText(self.itemText(self.currentIndex()))

    def settle(self) -> None:
        """Make the typed text a choice: an exact name chooses it, an empty field
        chooses nobody, anything else goes back to the current choice."""
        text = self.currentText().strip()
        if not text:
            self.setCurrentIndex(0)
        else:
            index = self.findText(text, Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))

    def value(self) -> int | None:
        self.settle()
        data = self.currentData()
        return int(data) if data is not None else None


def invite_order(invite: InviteInput) -> tuple[int, int]:
    return (invite.organisation_id, invite.contact_id or 0)


class InvitePickers(QObject):
    """Two check lists: the invited organisations, and the contact persons of the
    ticked organisations (invited by name). An organisation without a ticked contact
    person is invited as a whole. The lists are named ``<name>`` and
    ``<name>Contacts``."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        organisation_rows: int = 7,
        contact_rows: int = 6,
    ):
        super().__init__(parent)
        self.organisations = CheckPicker(name, _("Invited organisations"), rows=organisation_rows)
        self.contacts = CheckPicker(
            name + "Contacts", _("Contact persons invited by name"), rows=contact_rows
        )
        self._organisations: list[Choice] = []
        self._contacts: list[Choice] = []
        self._org_of: dict[int, int] = {}
        self._kept: list[InviteInput] = []  # contact persons no longer in the directory
        self.organisations.changed.connect(self._organisations_changed)
        self.contacts.changed.connect(self.changed)

    def set_choices(self, organisations: Sequence[Choice], contacts: Sequence[Choice]) -> None:
        self._organisations = list(organisations)
        self._contacts = list(contacts)
        self._org_of = {c.id: int(c.extra) for c in contacts if c.extra.isdigit()}

    def set_invites(self, invites: Iterable[InviteInput]) -> None:
        invites = list(invites)
        self._kept = [
            i for i in invites if i.contact_id is not None and i.contact_id not in self._org_of
        ]
        self.organisations.set_items(
            [(o.id, o.label) for o in self._organisations],
            checked=[i.organisation_id for i in invites],
        )
        self._fill_contacts([i.contact_id for i in invites if i.contact_id is not None])

    def _fill_contacts(self, checked: Iterable[int]) -> None:
        ticked = set(self.organisations.checked_values())
        self.contacts.set_items(
            [(c.id, c.label) for c in self._contacts if self._org_of.get(c.id) in ticked],
            checked=[c for c in checked if self._org_of.get(c) in ticked],
        )

    def _organisations_changed(self) -> None:
        self._fill_contacts(self.contacts.checked_values())
        self.changed.emit()

    def describe(self, invites: Iterable[InviteInput]) -> str:
        """The invites in words, one line each ("School: Elia Brinkhuis")."""
        organisations = {o.id: o.label for o in self._organisations}
        people = {c.id: c.label for c in self._contacts}
        lines = []
        for invite in sorted(set(invites or ()), key=invite_order):
            line = organisations.get(invite.organisation_id, str(invite.organisation_id))
            if invite.contact_id is not None:
                line += ": " + people.get(invite.contact_id, str(invite.contact_id))
            lines.append(line)
        return "\n".join(lines)

    def invites(self) -> tuple[InviteInput, ...]:
        contacts = self.contacts.checked_values()
        out: list[InviteInput] = []
        for org_id in self.organisations.checked_values():
            mine = [InviteInput(org_id, c) for c in contacts if self._org_of.get(c) == org_id]
            mine += [i for i in self._kept if i.organisation_id == org_id]
            if mine:
                out += mine
            else:
                out.append(InviteInput(org_id))
        return tuple(out)


@dataclass(frozen=True)
class PlanChoices:
    series: tuple[SeriesData, ...]
    organisations: tuple[Choice, ...]
    contacts: tuple[Choice, ...]


def load_plan_choices(ctx: AppContext) -> Callable[[], PlanChoices]:
    """The work of reading the choices (run on a worker thread)."""
    uow, actor = ctx.uow, ctx.actor

    def load() -> PlanChoices:
        return PlanChoices(
            series=tuple(svc.list_series(uow(), actor, include_inactive=True)),
            organisations=tuple(svc.organisation_choices(uow(), actor)),
            contacts=tuple(svc.contact_choices(uow(), actor)),
        )

    return load


# ---------------------------------------------------------------- the dialog


class MeetingPlanDialog(CaseFormDialog):
    """``saved(MeetingData)`` fires after a successful save; then the dialog closes.
    ``ready`` is True once the choices are read (Save works from then on)."""

    def __init__(self, ctx: AppContext, initial: MeetingInput, parent: QWidget | None = None):
        new = initial.id is None
        super().__init__(
            ctx,
            "meetingPlanDialog",
            _("Plan a meeting") if new else _("Meeting planning"),
            save_text=_("&Plan meeting") if new else _("&Save"),
            parent=parent,
        )
        self.initial = initial
        self.ready = False
        self._generation = 0
        self.save_button.setObjectName("meetingSave")
        self.cancel_button.setObjectName("meetingCancel")

        # two columns: the meeting on the left, who is invited on the right
        self.body_layout.setDirection(QBoxLayout.Direction.LeftToRight)
        self.body_layout.setSpacing(18)
        self.invite_form = QFormLayout()
        self.invite_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.invite_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body_layout.addLayout(self.invite_form)
        self.body_layout.setStretch(0, 3)
        self.body_layout.setStretch(1, 2)

        self.series_combo = combo("meetingSeries", _("Series"), [], none_text=_("No series"))
        self.add_row(
            "series_id",
            _("Seri&es"),
            self.series_combo,
            hint=_("A new meeting of a series takes its settings and agenda template.")
            if new
            else "",
        )
        self.kind_combo = combo(
            "meetingKind", _("Kind of meeting"), kind_items(), value=initial.kind
        )
        self.add_row("kind", _("&Kind"), self.kind_combo, required=True)
        self.title_edit = line_edit("meetingTitle", _("Title"))
        self.add_row(
            "title", _("&Title"), self.title_edit, hint=_("Leave empty to use the kind and date.")
        )
        self.date_edit = date_edit("meetingDate", _("Date"), initial.held_on)
        self.add_row("held_on", _("&Date"), self.date_edit, required=True)
        self.start_edit = time_edit("meetingStart", _("Starts at"), initial.starts_at)
        start_row = self.add_row("starts_at", _("Starts &at"), self.start_edit, required=True)
        self.end_edit = time_edit("meetingEnd", _("Ends at"), initial.ends_at or DEFAULT_END)
        end_row = self.add_row("ends_at", _("E&nds at"), self.end_edit, required=True)
        # the end is checked against the start: a change to either clears both
        self.clear_on(self.start_edit.timeChanged, start_row, end_row)
        self.clear_on(self.end_edit.timeChanged, end_row, start_row)
        self.location_edit = line_edit(
            "meetingLocation",
            _("Location"),
            initial.location,
            _("e.g. Town hall Hengelo, room 2.14"),
        )
        self.add_row("location", _("&Location"), self.location_edit)
        self.video_edit = line_edit(
            "meetingVideo", _("Video link"), initial.video_link, video_placeholder()
        )
        self.add_row("video_link", _("&Video link"), self.video_edit)
        self.chair_combo = ContactCombo("meetingChair", _("Chair"))
        self.add_row("chair_contact_id", _("C&hair"), self.chair_combo)
        self.minutes_combo = ContactCombo("meetingMinuteTaker", _("Minute-taker"))
        self.add_row("minute_taker_contact_id", _("&Minute-taker"), self.minutes_combo)

        self.invite_pickers = InvitePickers("meetingInvites", self)
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
            hint=_(
                "Tick who is invited by name. An organisation without a ticked contact "
                "person is invited as a whole."
            ),
            layout=self.invite_form,
            hint_above=True,
        )
        self.clear_on(self.invite_pickers.changed, invites_row, contacts_row)
        self.body_layout.setAlignment(self.form, Qt.AlignmentFlag.AlignTop)
        self.body_layout.setAlignment(self.invite_form, Qt.AlignmentFlag.AlignTop)

        self.kind_combo.currentIndexChanged.connect(self._update_title_hint)
        self.date_edit.dateChanged.connect(self._update_title_hint)
        self.series_combo.currentIndexChanged.connect(self._series_chosen)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.activated.connect(self.accept)

        self.title_edit.setText(shown_title(initial))
        self._update_title_hint()
        self.done_text = _("Meeting planned.") if new else _("Meeting saved.")
        self.finish_building(1000)
        self._start_loading()

    # ------------------------------------------------------------ loading

    def _start_loading(self) -> None:
        self._loading = True
        self.save_button.setEnabled(False)
        self.busy.show()
        Op(self, load_plan_choices(self.ctx)).success(self._choices_loaded).failure(
            self._load_failed
        ).run()

    def _choices_loaded(self, choices: PlanChoices) -> None:
        if not isValid(self):
            return
        self.choices = choices
        initial = self.initial
        self.series_combo.blockSignals(True)
        self.series_combo.clear()
        self.series_combo.addItem(_("No series"), None)
        for series in choices.series:
            if series.active or series.id == initial.series_id:
                self.series_combo.addItem(series.name, series.id)
        set_combo(self.series_combo, initial.series_id)
        self.series_combo.blockSignals(False)
        self.invite_pickers.set_choices(choices.organisations, choices.contacts)
        self._fill(initial)
        self.busy.hide()
        self.save_button.setEnabled(True)
        self.ready = True
        self._loading = False
        self._refit()

    def _load_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self):
            return
        self.busy.hide()
        self.message.show_message(str(exc), "error")
        self._refit()

    def _fill(self, data: MeetingInput) -> None:
        """Put ``data`` in the fields (not the series, nor the title)."""
        was_loading = self._loading
        self._loading = True
        try:
            set_combo(self.kind_combo, data.kind)
            if data.held_on is not None:
                self.date_edit.setDate(qdate(data.held_on))
            self.start_edit.setTime(qtime(data.starts_at or DEFAULT_START))
            self.end_edit.setTime(qtime(data.ends_at or DEFAULT_END))
            self.location_edit.setText(data.location)
            self.video_edit.setText(data.video_link)
            contacts = self.choices.contacts
            self.chair_combo.set_choices(contacts, data.chair_contact_id)
            self.minutes_combo.set_choices(contacts, data.minute_taker_contact_id)
            self.invite_pickers.set_invites(data.invites)
        finally:
            self._loading = was_loading
        self._update_title_hint()

    def _series_chosen(self) -> None:
        """A new meeting takes the chosen series' settings (its next date, times,
        place, chair, minute-taker and invitations)."""
        if self._loading or self.initial.id is not None:
            return
        series_id = self.series_combo.currentData()
        if series_id is None:
            return
        self._generation += 1
        generation = self._generation
        uow, actor = self.ctx.uow, self.ctx.actor
        self.busy.show()
        self.save_button.setEnabled(False)

        def done(data: MeetingInput) -> None:
            if not isValid(self) or generation != self._generation:
                return
            self.busy.hide()
            self.save_button.setEnabled(True)
            self.title_edit.clear()
            self._fill(data)
            self.mark_edited()

        def failed(exc: BaseException) -> None:
            if not isValid(self) or generation != self._generation:
                return
            self.busy.hide()
            self.save_button.setEnabled(True)
            if not isinstance(exc, PactError):
                raise exc
            self.set_error("series_id", str(exc))

        Op(self, lambda: svc.meeting_defaults(uow(), actor, series_id=series_id)).success(
            done
        ).failure(failed).run()

    def _update_title_hint(self) -> None:
        kind = self.kind_combo.currentData() or "network"
        self.title_edit.setPlaceholderText(svc.default_title(kind, date_value(self.date_edit)))

    # ------------------------------------------------------------ saving

    def meeting_input(self) -> MeetingInput:
        """What the fields say."""
        initial = self.initial
        return MeetingInput(
            kind=self.kind_combo.currentData() or "",
            held_on=date_value(self.date_edit),
            starts_at=time_value(self.start_edit),
            ends_at=time_value(self.end_edit),
            title=self.title_edit.text(),
            location=self.location_edit.text(),
            video_link=self.video_edit.text(),
            chair_contact_id=self.chair_combo.value(),
            minute_taker_contact_id=self.minutes_combo.value(),
            series_id=self.series_combo.currentData(),
            invites=self.invite_pickers.invites(),
            planned_from_id=initial.planned_from_id,
            id=initial.id,
            version=initial.version,
        )

    def accept(self) -> None:
        if not self.ready or not self.save_button.isEnabled():
            return
        super().accept()

    def prepare(self) -> Callable[[], Any] | None:
        data = self.meeting_input()
        uow, actor = self.ctx.uow, self.ctx.actor
        return lambda: svc.save_meeting(uow(), actor, data)

    def _saved(self, result: Any) -> None:
        if isValid(self):
            self.ctx.changed.emit("meetings")
        super()._saved(result)

    # someone else saved the meeting first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this meeting")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.initial.id is None:
            return None
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.initial.id

        def load() -> MeetingInput:
            try:
                return svc.get_meeting(uow(), actor, meeting_id).as_input()
            except NotFoundError as exc:
                raise NotFoundError(_("This meeting no longer exists.")) from exc

        return self.initial, load

    def adopt(self, record: Any) -> None:
        self.initial = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        m: MeetingInput = record
        cap = self.caption
        return [
            FieldValue("title", cap("title"), self.title_edit, shown_title(m)),
            FieldValue("held_on", cap("held_on"), self.date_edit, m.held_on),
            *meeting_fields(self, m),
            invites_field(self.invite_pickers, m.invites),
        ]


__all__ = [
    "ContactCombo",
    "InvitePickers",
    "MeetingPlanDialog",
    "PlanChoices",
    "contact_field",
    "invites_field",
    "kind_items",
    "load_plan_choices",
    "meeting_fields",
    "qtime",
    "shown_title",
    "time_edit",
    "time_field",
    "time_value",
]
