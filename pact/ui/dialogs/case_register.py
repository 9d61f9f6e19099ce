"""Register a case, or edit its details: the family's alias or initials, the full
family name only when needed, municipality, level (when registering), who brought
the case in, the case lead and notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from pact.i18n import _
from pact.services import cases as svc
from pact.services import clock
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    check_box,
    combo,
    date_edit,
    date_value,
    line_edit,
    text_edit,
)
from pact.ui.dialogs.conflict import FieldValue
from pact.ui.widgets.level_chooser import LevelChooser


class CaseDetailsDialog(CaseFormDialog):
    """Without ``header``: register a new case (``saved`` gets its CaseHeader). With
    one: edit that case's details."""

    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        header: svc.CaseHeader | None = None,
        parent: QWidget | None = None,
    ):
        self.header = header
        new = header is None
        super().__init__(
            ctx,
            "registerCaseDialog" if new else "caseDetailsDialog",
            _("Register a case")
            if header is None
            else _("Case details: {code}").format(code=header.code),
            intro=_(
                "A case is known by its code and the family's alias or initials. pact makes "
                "the code when you register the case."
            )
            if new
            else "",
            save_text=_("&Register") if new else _("&Save"),
            parent=parent,
        )
        self.choices = choices
        today = clock.today()

        self.alias_edit = line_edit(
            "aliasEdit",
            _("Family alias or initials"),
            header.alias if header else "",
            _("e.g. Fam. T. or J&M"),
        )
        self.add_row(
            "alias",
            _("&Alias or initials"),
            self.alias_edit,
            required=True,
            hint=_(
                "Initials or an alias are enough. Full names are optional: add them only when "
                "you need them."
            ),
        )

        self.family_toggle = check_box(
            "familyNameToggle",
            _("Also record the &full family name (optional)"),
            False,
            _("Also record the full family name"),
        )
        self.form.addRow("", self.family_toggle)
        self.family_edit = line_edit(
            "familyNameEdit", _("Full family name"), header.family_name if header else ""
        )
        self.family_row = self.add_row(
            "family_name",
            _("Full family name"),
            self.family_edit,
            hint=_(
                "Stored encrypted. Everyone who may see the case can read it in the case "
                "details; lists and printouts show only the case code and alias. The case "
                "search also finds the case by this name."
            ),
        )
        shown = bool(header and header.family_name)
        self._set_family_visible(shown)
        self.family_toggle.setChecked(shown)
        self.family_toggle.toggled.connect(self._set_family_visible)

        self.municipality_combo = combo(
            "municipalityCombo",
            _("Municipality"),
            choices.municipalities,
            _("Choose the municipality…"),
            header.municipality_id if header else None,
        )
        if header is not None and self.municipality_combo.findData(header.municipality_id) < 0:
            # an inactive municipality stays possible for the cases that have it
            self.municipality_combo.addItem(header.municipality, header.municipality_id)
            self.municipality_combo.setCurrentIndex(self.municipality_combo.count() - 1)
        self.add_row("municipality_id", _("&Municipality"), self.municipality_combo, required=True)

        self.level_chooser: LevelChooser | None = None
        self.registered_edit = None
        if new:
            self.level_chooser = LevelChooser("levelChooser", _("Escalation level"))
            self.level_chooser.set_level(1)
            self.add_row("level", _("&Level"), self.level_chooser, required=True)
            self.registered_edit = date_edit(
                "registeredOnEdit", _("Registered on"), today, latest=today
            )
            self.add_row("registered_on", _("Re&gistered on"), self.registered_edit)

        self.referred_combo = combo(
            "referredByCombo",
            _("Partner who brought the case in"),
            choices.partner_items(),
            _("No partner (the family itself, or not known)"),
            header.referred_by_id if header else None,
        )
        self.add_row("referred_by_id", _("&Brought in by"), self.referred_combo)

        self.lead_combo = combo(
            "leadCombo",
            _("Case lead"),
            choices.contact_items(),
            _("No case lead yet"),
            header.lead_contact_id if header else None,
        )
        self.add_row(
            "lead_contact_id",
            _("Case l&ead"),
            self.lead_combo,
            hint=_(
                "The one professional who keeps the overview. Their organisation receives "
                "case information, so consent must cover it, unless it is your own "
                "organisation."
            ),
        )

        self.notes_edit = text_edit("caseNotesEdit", _("Notes"), header.notes if header else "")
        self.add_row("notes", _("&Notes"), self.notes_edit)
        self.aliases = {"registered_by": "alias"}
        self.done_text = _("Case registered.") if new else _("Case details saved.")
        self.finish_building(620)

    def _set_family_visible(self, shown: bool) -> None:
        self.family_row.setVisible(shown)
        caption = self.form.labelForField(self.family_row)
        if caption is not None:
            caption.setVisible(shown)
        if shown and not self._loading:
            self.family_edit.setFocus()
        self._refit()

    def data(self) -> svc.CaseInput:
        registered: date | None = (
            date_value(self.registered_edit) if self.registered_edit is not None else None
        )
        h = self.header
        return svc.CaseInput(
            alias=self.alias_edit.text(),
            municipality_id=self.municipality_combo.currentData(),
            level=self.level_chooser.level() if self.level_chooser else (h.level if h else 1),
            # unticked: no full name is kept (any name recorded before is removed)
            family_name=self.family_edit.text() if self.family_toggle.isChecked() else "",
            referred_by_id=self.referred_combo.currentData(),
            lead_contact_id=self.lead_combo.currentData(),
            notes=self.notes_edit.toPlainText(),
            registered_on=registered,
            id=h.id if h else None,
            version=h.version if h else None,
        )

    def prepare(self) -> Callable[[], Any] | None:
        data = self.data()
        uow, actor = self.ctx.uow, self.ctx.actor
        if self.header is None:
            return lambda: svc.register_case(uow(), actor, data)
        return lambda: svc.update_case(uow(), actor, data)

    # someone else saved the case details first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("the case details")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.header is None:
            return None
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.header.id
        return self.header, lambda: svc.get_case(uow(), actor, case_id, opening=False).header

    def adopt(self, record: Any) -> None:
        self.header = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        h: svc.CaseHeader = record
        cap = self.caption

        def family_name() -> str:
            return self.family_edit.text().strip() if self.family_toggle.isChecked() else ""

        def show_family_name(value: Any) -> None:
            self.family_edit.setText(str(value or ""))
            self.family_toggle.setChecked(bool(value) or self.family_toggle.isChecked())

        return [
            FieldValue("alias", cap("alias"), self.alias_edit, h.alias),
            FieldValue(
                "family_name",
                _("Full family name"),
                self.family_edit,
                h.family_name,
                get=family_name,
                put=show_family_name,
            ),
            FieldValue(
                "municipality_id",
                cap("municipality_id"),
                self.municipality_combo,
                h.municipality_id,
                h.municipality,
            ),
            FieldValue(
                "referred_by_id",
                cap("referred_by_id"),
                self.referred_combo,
                h.referred_by_id,
                h.referred_by,
            ),
            FieldValue(
                "lead_contact_id",
                cap("lead_contact_id"),
                self.lead_combo,
                h.lead_contact_id,
                h.lead,
            ),
            FieldValue("notes", cap("notes"), self.notes_edit, h.notes),
        ]

    def show_errors(self, errors: list[Any]) -> None:
        if any(e.field == "family_name" for e in errors) and not self.family_toggle.isChecked():
            self.family_toggle.setChecked(True)
        super().show_errors(errors)
