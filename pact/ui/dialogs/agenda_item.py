"""Add an item to a meeting's agenda, or change one: its kind, title, presenter,
planned minutes, description and who may see it; a case discussion also names its
case and whether it is discussed with details or anonymously (code and level only).

What the dialog offers to choose from (the open cases the acting user may see, the
contact persons) is read once in the background (``load_agenda_choices``) and handed
to the dialog, so that the dialog never reads the database itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSizePolicy, QSpinBox, QWidget

from pact.db.uow import UnitOfWork
from pact.errors import NotFoundError
from pact.i18n import _
from pact.models.meeting import CASE_MODES, ITEM_KINDS, VISIBILITIES
from pact.services import meetings as svc
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    combo,
    line_edit,
    searchable,
    set_combo,
    text_edit,
)
from pact.ui.dialogs.conflict import FieldValue

DEFAULT_MINUTES = 10
CASE_MINUTES = 15


def default_minutes(kind: str) -> int:
    """The planned minutes a new item of ``kind`` starts with."""
    return CASE_MINUTES if kind == "case" else DEFAULT_MINUTES


@dataclass(frozen=True)
class AgendaChoices:
    cases: tuple[svc.Choice, ...] = ()  # label: the case code, extra: "level 3 · alias"
    contacts: tuple[svc.Choice, ...] = ()  # label: "Name (Organisation)"


def load_agenda_choices(make: Callable[[], UnitOfWork], actor: Actor) -> AgendaChoices:
    """Read the choices (on a worker thread; ``make`` is ``ctx.uow``)."""
    return AgendaChoices(
        cases=tuple(svc.case_choices(make(), actor)),
        contacts=tuple(svc.contact_choices(make(), actor)),
    )


def case_choice_text(choice: svc.Choice) -> str:
    """ "2026-0042 · level 3 · Alias" (the code alone when nothing follows it)"""
    if not choice.extra:
        return choice.label
    return _("{code} · {rest}").format(code=choice.label, rest=choice.extra)


def visibility_label(visibility: str) -> str:
    return {
        "everyone": _("Everyone invited"),
        "internal": _("Internal: chair and minute-taker only"),
    }.get(visibility, visibility)


def case_mode_label(mode: str) -> str:
    return {
        "full": _("With details (for the partners the consent covers)"),
        "anonymous": _("Anonymously: case code and level only"),
    }.get(mode, mode)


def chosen(box: QComboBox) -> tuple[bool, Any]:
    """(whether the typed text names an item, that item's data) of a searchable combo:
    the item with that text, or the only item whose text contains it."""
    text = box.currentText().strip()
    if not text:
        return True, None
    index = box.findText(text, Qt.MatchFlag.MatchFixedString)
    if index < 0:
        folded = text.casefold()
        matches = [i for i in range(box.count()) if folded in box.itemText(i).casefold()]
        if len(matches) != 1:
            return False, None
        index = matches[0]
    if index != box.currentIndex():
        box.setCurrentIndex(index)
    return True, box.itemData(index)


class AgendaItemDialog(CaseFormDialog):
    """``saved`` (and ``result_value``) carry the meeting as it is after the save
    (``MeetingData``)."""

    def __init__(
        self,
        ctx: AppContext,
        meeting: svc.MeetingData,
        choices: AgendaChoices,
        item: svc.ItemData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "agendaItemDialog",
            _("Add an agenda item") if item is None else _("Agenda item"),
            intro=_("{meeting}, starts at {time}").format(
                meeting=meeting.title, time=meeting.starts_at.strftime("%H:%M")
            ),
            save_text=_("&Add item") if item is None else _("&Save"),
            parent=parent,
        )
        self.meeting_id = meeting.id
        self.item = item
        kind = item.kind if item is not None else "theme"

        self.kind_combo = combo(
            "agendaKindCombo",
            _("Kind of item"),
            [(k, svc.item_kind_label(k)) for k in ITEM_KINDS],
            value=kind,
        )
        self.add_row("kind", _("&Kind"), self.kind_combo, required=True)

        self.case_combo = combo("agendaCaseCombo", _("Case"), [])
        self.case_combo.setMinimumContentsLength(36)
        for c in choices.cases:
            self.case_combo.addItem(case_choice_text(c), c.id)
        if item is not None and item.case_id is not None:
            if self.case_combo.findData(item.case_id) < 0:
                # a closed case (or one no longer offered) stays on its item
                self.case_combo.addItem(
                    svc.case_reference(item.case_code, item.case_level or 0), item.case_id
                )
            set_combo(self.case_combo, item.case_id)
        else:
            self.case_combo.setCurrentIndex(-1)
        searchable(self.case_combo, _("Type a case code or alias…"))
        self.add_row(
            "case_id",
            _("&Case"),
            self.case_combo,
            required=True,
            hint=_("Open cases you may see. Type part of the code or alias to find one."),
        )

        self.mode_combo = combo(
            "agendaModeCombo",
            _("How the case is discussed"),
            [(m, case_mode_label(m)) for m in CASE_MODES],
            value=item.case_mode if item is not None else "full",
        )
        self.add_row(
            "case_mode",
            _("Discuss &how"),
            self.mode_combo,
            hint=_(
                "Anonymously, the agenda and minutes show only the case code and level: "
                "use it when consent does not cover every invited partner."
            ),
        )

        self.title_edit = line_edit(
            "agendaTitleEdit",
            _("Title"),
            item.real_title if item is not None else "",
        )
        self.add_row("title", _("&Title"), self.title_edit)

        self.presenter_combo = combo(
            "agendaPresenterCombo",
            _("Presenter"),
            [(c.id, c.label) for c in choices.contacts],
            none_text=_("Nobody"),
        )
        if item is not None and item.presenter_contact_id is not None:
            if self.presenter_combo.findData(item.presenter_contact_id) < 0:
                self.presenter_combo.addItem(item.presenter, item.presenter_contact_id)
            set_combo(self.presenter_combo, item.presenter_contact_id)
        searchable(self.presenter_combo, _("Type a name…"))
        self.add_row("presenter", _("&Presenter"), self.presenter_combo)

        self.minutes_spin = QSpinBox()
        self.minutes_spin.setObjectName("agendaMinutesSpin")
        self.minutes_spin.setAccessibleName(_("Planned minutes"))
        self.minutes_spin.setRange(0, svc.MAX_PLANNED)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(_(" min"))
        self.minutes_spin.setValue(
            item.planned_minutes if item is not None else default_minutes(kind)
        )
        self.minutes_spin.setMinimumWidth(
            self.minutes_spin.fontMetrics().horizontalAdvance("0") * 12
        )
        self.minutes_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.add_row("planned_minutes", _("Planned &minutes"), self.minutes_spin, required=True)
        self._minutes_touched = item is not None
        self.minutes_spin.valueChanged.connect(self._minutes_changed)

        self.description_edit = text_edit(
            "agendaDescriptionEdit",
            _("Description"),
            item.description if item is not None else "",
            lines=4,
        )
        self.add_row("description", _("&Description"), self.description_edit)

        self.chair_notes_edit = text_edit(
            "agendaChairNotesEdit",
            _("Chair's notes"),
            item.chair_notes if item is not None else "",
            lines=3,
        )
        self.chair_notes_edit.setToolTip(
            _("Only on the chair's copy of the agenda: what the chair wants to remember")
        )
        self.add_row("chair_notes", _("C&hair's notes"), self.chair_notes_edit)

        self.visibility_combo = combo(
            "agendaVisibilityCombo",
            _("Who sees this item"),
            [(v, visibility_label(v)) for v in VISIBILITIES],
            value=item.visibility if item is not None else "everyone",
        )
        self.add_row("visibility", _("&Visible to"), self.visibility_combo)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.done_text = _("Agenda item added.") if item is None else _("Agenda item saved.")
        self._loading = True
        self._kind_changed()
        self.finish_building(620)

    # ------------------------------------------------------------ behaviour

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _minutes_changed(self, _value: int) -> None:
        if not self._loading:
            self._minutes_touched = True
            self.rows["planned_minutes"].set_error(None)
            self.mark_edited()

    def _kind_changed(self, *_args: object) -> None:
        """Only a case discussion has a case and a way to discuss it; the planned
        minutes follow the kind until the person sets them."""
        is_case = self.kind() == "case"
        for key in ("case_id", "case_mode"):
            self.form.setRowVisible(self.rows[key], is_case)
        if not self._minutes_touched:
            loading, self._loading = self._loading, True
            self.minutes_spin.setValue(default_minutes(self.kind()))
            self._loading = loading
        self.title_edit.setPlaceholderText(
            _("Empty: “Case <code> (level N)”")
            if is_case
            else _("Empty: “{kind}”").format(kind=svc.item_kind_label(self.kind()))
        )
        # the case rows hidden: no empty space where they were
        self._refit(shrink=True)

    def prepare(self) -> Callable[[], Any] | None:
        kind = self.kind()
        case_id: int | None = None
        if kind == "case":
            ok, value = chosen(self.case_combo)
            if not ok:
                self.set_error("case_id", _("Choose a case from the list."))
                self.rows["case_id"].focus()
                return None
            case_id = value
        ok, presenter = chosen(self.presenter_combo)
        if not ok:
            self.set_error("presenter", _("Choose a contact person from the list, or “Nobody”."))
            self.rows["presenter"].focus()
            return None
        data = svc.ItemInput(
            kind=kind,
            title=self.title_edit.text(),
            planned_minutes=self.minutes_spin.value(),
            description=self.description_edit.toPlainText(),
            chair_notes=self.chair_notes_edit.toPlainText(),
            visibility=str(self.visibility_combo.currentData()),
            presenter_contact_id=presenter,
            case_id=case_id,
            case_mode=str(self.mode_combo.currentData()) if kind == "case" else "full",
            id=self.item.id if self.item is not None else None,
            version=self.item.version if self.item is not None else None,
        )
        uow, actor, meeting_id = self.ctx.uow, self.ctx.actor, self.meeting_id
        return lambda: svc.save_item(uow(), actor, meeting_id, data)

    # someone else saved the agenda item first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this agenda item")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.item is None:
            return None
        uow, actor, meeting_id, item_id = (
            self.ctx.uow,
            self.ctx.actor,
            self.meeting_id,
            self.item.id,
        )

        def load() -> svc.ItemData:
            for item in svc.get_meeting(uow(), actor, meeting_id).items:
                if item.id == item_id:
                    return item
            raise NotFoundError(_("This agenda item no longer exists."))

        return self.item, load

    def adopt(self, record: Any) -> None:
        self.item = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        i: svc.ItemData = record
        cap = self.caption
        return [
            FieldValue("title", cap("title"), self.title_edit, i.real_title),
            FieldValue(
                "presenter",
                cap("presenter"),
                self.presenter_combo,
                i.presenter_contact_id,
                i.presenter,
            ),
            FieldValue(
                "planned_minutes", cap("planned_minutes"), self.minutes_spin, i.planned_minutes
            ),
            FieldValue("description", cap("description"), self.description_edit, i.description),
            FieldValue("chair_notes", cap("chair_notes"), self.chair_notes_edit, i.chair_notes),
            FieldValue("visibility", cap("visibility"), self.visibility_combo, i.visibility),
        ]


__all__ = [
    "AgendaChoices",
    "AgendaItemDialog",
    "case_choice_text",
    "case_mode_label",
    "load_agenda_choices",
    "visibility_label",
]
