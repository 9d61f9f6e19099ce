"""A child of the family (name or initials, year of birth, school, buddy), or a
parent or carer (alias, relation, parental authority)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from pact.db.uow import UnitOfWork
from pact.errors import NotFoundError
from pact.i18n import _
from pact.services import cases as svc
from pact.services import clock
from pact.services.consent_rules import possible_ages
from pact.services.users import Actor
from pact.services.vocab import RELATION_LABELS
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    check_box,
    combo,
    date_edit,
    date_value,
    hint_label,
    line_edit,
    qdate,
    text_edit,
)
from pact.ui.dialogs.conflict import FieldValue

# relations that usually come with parental authority: a new carer's box starts ticked
AUTHORITY_RELATIONS = frozenset({"mother", "father", "parent"})


def ages_text(birth_year: int) -> str:
    """ "10 or 11 years old now" for a year of birth."""
    youngest, oldest = possible_ages(birth_year, clock.today())
    if youngest == oldest:
        return _("{n} years old now").format(n=oldest)
    return _("{young} or {old} years old now").format(young=youngest, old=oldest)


class ChildDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_id: int,
        child: svc.ChildData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "childDialog",
            _("Add a child") if child is None else _("Child: {name}").format(name=child.name),
            save_text=_("&Add child") if child is None else _("&Save"),
            parent=parent,
        )
        self.case_id = case_id
        self.child = child
        today = clock.today()
        self.name_edit = line_edit(
            "childNameEdit", _("First name or initials"), child.name if child else "", _("e.g. W.")
        )
        self.add_row(
            "name",
            _("&First name or initials"),
            self.name_edit,
            required=True,
            hint=_("Initials are enough; the case file never needs the child's surname."),
        )

        self.year_edit = line_edit(
            "birthYearEdit",
            _("Year of birth"),
            str(child.birth_year) if child else "",
            _("e.g. {year}").format(year=today.year - 10),
        )
        self.year_edit.setValidator(QIntValidator(1900, 2999, self.year_edit))
        self.year_edit.setMaximumWidth(self.year_edit.fontMetrics().horizontalAdvance("0") * 10)
        year_box = QWidget()
        year_layout = QHBoxLayout(year_box)
        year_layout.setContentsMargins(0, 0, 0, 0)
        year_layout.addWidget(self.year_edit)
        self.ages_label = hint_label("", "agesLabel")
        year_layout.addWidget(self.ages_label, 1)
        year_box.setFocusProxy(self.year_edit)
        self.add_row(
            "birth_year",
            _("&Year of birth"),
            year_box,
            required=True,
            hint=_(
                "The year is enough: pact works out whose consent is needed from the possible "
                "ages (the stricter rule when the age is uncertain)."
            ),
        )
        self.year_edit.textChanged.connect(self._show_ages)
        self._show_ages(self.year_edit.text())

        schools = choices.partners_of("school")
        school_items = [(p.id, p.label) for p in schools]
        if child is not None and child.school_id and child.school_id not in {p.id for p in schools}:
            school_items.append((child.school_id, child.school))
        self.school_combo = combo(
            "schoolCombo",
            _("School"),
            school_items,
            _("No school / not known"),
            child.school_id if child else None,
        )
        self.add_row("school_id", _("&School"), self.school_combo)

        buddies = choices.partners_of("experience_experts")
        buddy_items = [(p.id, p.label) for p in buddies]
        current = child.buddy_organisation_id if child else None
        if current and current not in {p.id for p in buddies}:
            buddy_items.append((current, child.buddy_organisation if child else ""))
        self.buddy_combo = combo(
            "buddyCombo", _("Buddy programme"), buddy_items, _("No buddy"), current
        )
        self.add_row(
            "buddy_organisation_id",
            _("B&uddy"),
            self.buddy_combo,
            hint=_(
                "An experience expert of a buddy programme. Linking the child shares case "
                "information with the programme: consent must cover it."
            ),
        )
        self.buddy_since_edit = date_edit(
            "buddySinceEdit",
            _("Buddy since"),
            child.buddy_since if child and child.buddy_since else today,
            latest=today,
        )
        self.add_row("buddy_since", _("Buddy s&ince"), self.buddy_since_edit)
        self.buddy_combo.currentIndexChanged.connect(self._buddy_changed)
        self._buddy_changed()

        self.notes_edit = text_edit("childNotesEdit", _("Notes"), child.notes if child else "")
        self.add_row("notes", _("&Notes"), self.notes_edit)
        self.done_text = _("Child added.") if child is None else _("Child saved.")
        self.finish_building(600)

    def _show_ages(self, text: str) -> None:
        year = int(text) if text.isdigit() and len(text) == 4 else 0
        today = clock.today()
        self.ages_label.setText(ages_text(year) if 0 < today.year - year <= 30 else "")

    def _buddy_changed(self, *_args: object) -> None:
        self.buddy_since_edit.setEnabled(self.buddy_combo.currentData() is not None)

    def data(self) -> svc.ChildData:
        text = self.year_edit.text().strip()
        buddy = self.buddy_combo.currentData()
        c = self.child
        return svc.ChildData(
            name=self.name_edit.text(),
            birth_year=int(text) if text.isdigit() else 0,
            school_id=self.school_combo.currentData(),
            notes=self.notes_edit.toPlainText(),
            buddy_organisation_id=buddy,
            buddy_since=date_value(self.buddy_since_edit) if buddy is not None else None,
            id=c.id if c else None,
            version=c.version if c else None,
        )

    def prepare(self) -> Callable[[], Any] | None:
        data = self.data()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.save_child(uow(), actor, case_id, data)

    # someone else saved the child first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this child's details")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.child is None:
            return None
        uow, actor, case_id, child_id = self.ctx.uow, self.ctx.actor, self.case_id, self.child.id
        return self.child, lambda: current_child(uow(), actor, case_id, child_id)

    def adopt(self, record: Any) -> None:
        self.child = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        c: svc.ChildData = record

        def buddy_since() -> date | None:
            if self.buddy_combo.currentData() is None:
                return None
            return date_value(self.buddy_since_edit)

        def show_buddy_since(value: Any) -> None:
            if isinstance(value, date):
                self.buddy_since_edit.setDate(qdate(value))

        cap = self.caption
        return [
            FieldValue("name", cap("name"), self.name_edit, c.name),
            FieldValue("birth_year", cap("birth_year"), self.year_edit, str(c.birth_year)),
            FieldValue("school_id", cap("school_id"), self.school_combo, c.school_id, c.school),
            FieldValue(
                "buddy_organisation_id",
                cap("buddy_organisation_id"),
                self.buddy_combo,
                c.buddy_organisation_id,
                c.buddy_organisation,
            ),
            FieldValue(
                "buddy_since",
                cap("buddy_since"),
                self.buddy_since_edit,
                c.buddy_since if c.buddy_organisation_id is not None else None,
                get=buddy_since,
                put=show_buddy_since,
            ),
            FieldValue("notes", cap("notes"), self.notes_edit, c.notes),
        ]


def current_child(uow: UnitOfWork, actor: Actor, case_id: int, child_id: int | None) -> Any:
    """The child as saved now (NotFoundError when it was removed)."""
    for child in svc.get_case(uow, actor, case_id, opening=False).children:
        if child.id == child_id:
            return child
    raise NotFoundError(_("This child is no longer part of the case."))


def current_carer(uow: UnitOfWork, actor: Actor, case_id: int, carer_id: int | None) -> Any:
    for carer in svc.get_case(uow, actor, case_id, opening=False).carers:
        if carer.id == carer_id:
            return carer
    raise NotFoundError(_("This parent or carer is no longer part of the case."))


class CarerDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        case_id: int,
        carer: svc.CarerData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "carerDialog",
            _("Add a parent or carer")
            if carer is None
            else _("Parent or carer: {alias}").format(alias=carer.alias),
            save_text=_("&Add") if carer is None else _("&Save"),
            parent=parent,
        )
        self.case_id = case_id
        self.carer = carer
        self.alias_edit = line_edit(
            "carerAliasEdit", _("Initials or alias"), carer.alias if carer else "", _("e.g. M.T.")
        )
        self.add_row("alias", _("&Initials or alias"), self.alias_edit, required=True)
        self.relation_combo = combo(
            "relationCombo",
            _("Relation to the children"),
            [(code, _(text)) for code, text in RELATION_LABELS.items()],
            _("Choose…"),
            carer.relation if carer else None,
        )
        self.add_row("relation", _("&Relation"), self.relation_combo, required=True)
        self.authority_check: QCheckBox = check_box(
            "parentalAuthorityCheck",
            _("Has &parental authority (gezag)"),
            carer.parental_authority if carer else False,
            _("Has parental authority"),
        )
        self.add_row(
            "parental_authority",
            "",
            self.authority_check,
            hint=_(
                "Parents with parental authority give consent for a child under 16 (together "
                "with the child from 12)."
            ),
        )
        # a new carer: the box follows the relation until the person ticks or unticks it
        self._authority_touched = carer is not None
        self.authority_check.clicked.connect(self._authority_clicked)
        self.relation_combo.currentIndexChanged.connect(self._relation_changed)
        self.notes_edit = text_edit("carerNotesEdit", _("Notes"), carer.notes if carer else "")
        self.add_row("notes", _("&Notes"), self.notes_edit)
        self.done_text = _("Parent or carer added.") if carer is None else _("Details saved.")
        self.finish_building(520)

    def _authority_clicked(self, *_args: object) -> None:
        self._authority_touched = True

    def _relation_changed(self, *_args: object) -> None:
        if not self._authority_touched:
            self.authority_check.setChecked(
                self.relation_combo.currentData() in AUTHORITY_RELATIONS
            )

    def prepare(self) -> Callable[[], Any] | None:
        c = self.carer
        data = svc.CarerData(
            alias=self.alias_edit.text(),
            relation=self.relation_combo.currentData() or "",
            parental_authority=self.authority_check.isChecked(),
            notes=self.notes_edit.toPlainText(),
            id=c.id if c else None,
            version=c.version if c else None,
        )
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.save_carer(uow(), actor, case_id, data)

    def conflict_what(self) -> str:
        return _("these details")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.carer is None:
            return None
        uow, actor, case_id, carer_id = self.ctx.uow, self.ctx.actor, self.case_id, self.carer.id
        return self.carer, lambda: current_carer(uow(), actor, case_id, carer_id)

    def adopt(self, record: Any) -> None:
        self.carer = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        c: svc.CarerData = record
        cap = self.caption
        return [
            FieldValue("alias", cap("alias"), self.alias_edit, c.alias),
            FieldValue("relation", cap("relation"), self.relation_combo, c.relation or None),
            FieldValue(
                "parental_authority",
                _("Has parental authority (gezag)"),
                self.authority_check,
                c.parental_authority,
            ),
            FieldValue("notes", cap("notes"), self.notes_edit, c.notes),
        ]
