"""Consent for a case: record it (who gave it, for which partners and kinds of
information, how, until when), withdraw it, or record a Meldcode justification
for sharing without consent (only at level 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QHBoxLayout, QWidget

from pact.i18n import _, format_date
from pact.services import cases as case_svc
from pact.services import clock
from pact.services import consent as svc
from pact.services.consent_rules import Party
from pact.services.vocab import CONSENT_METHOD_LABELS, INFO_KIND_LABELS, RELATION_LABELS, label
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices
from pact.ui.dialogs.case_consultation import partner_picker_items, partner_picker_names
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    check_box,
    combo,
    date_edit,
    date_value,
    qdate,
    text_edit,
)
from pact.ui.widgets.check_picker import CheckPicker
from pact.ui.widgets.checklist import CheckList

VALID_YEARS = 1


def party_key(party: Party) -> str:
    return f"{party[0]}:{party[1]}"


def party_of(key: str) -> Party:
    kind, _sep, number = key.partition(":")
    return (kind, int(number))


def family_items(case_file: case_svc.CaseFile) -> list[tuple[str, str]]:
    """The family's carers, then its children, as (key, text) for a check list."""
    items: list[tuple[str, str]] = []
    for carer in case_file.carers:
        relation = label(RELATION_LABELS, carer.relation).lower()
        if carer.parental_authority:
            text = _("{alias} ({relation}, parental authority)").format(
                alias=carer.alias, relation=relation
            )
        else:
            text = _("{alias} ({relation})").format(alias=carer.alias, relation=relation)
        items.append((f"carer:{carer.id}", text))
    for child in case_file.children:
        items.append(
            (
                f"child:{child.id}",
                _("{name} (child, born {year})").format(name=child.name, year=child.birth_year),
            )
        )
    return items


def one_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + VALID_YEARS)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year + VALID_YEARS, day=28)


class ConsentDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_file: case_svc.CaseFile,
        parent: QWidget | None = None,
    ):
        required = case_file.consent.required
        intro = _("Record the consent as the family gave it.")
        if required:
            intro += "\n" + _("Whose consent is required:") + "\n"
            intro += "\n".join(_("• {line}").format(line=line) for line in required)
        super().__init__(
            ctx,
            "consentDialog",
            _("Record consent for case {code}").format(code=case_file.header.code),
            intro=intro,
            save_text=_("&Record consent"),
            scroll=True,
            parent=parent,
        )
        self.case_id = case_file.header.id
        today = clock.today()
        self.given_edit = date_edit("givenOnEdit", _("Given on"), today, latest=today)
        self.add_row("given_on", _("&Given on"), self.given_edit, required=True)
        self.method_combo = combo(
            "methodCombo",
            _("How it was recorded"),
            [(code, _(text)) for code, text in CONSENT_METHOD_LABELS.items()],
            _("Choose…"),
        )
        self.add_row("method", _("&How"), self.method_combo, required=True)

        self.givers = CheckList("giversList", _("Who gave the consent"), columns=1)
        self.givers.set_items(family_items(case_file))
        hint = ""
        if not case_file.carers and not case_file.children:
            hint = _("Add the family's parents and children in the Family tab first.")
        self.add_row("givers", _("Given &by"), self.givers, required=True, hint=hint)

        self.partners = CheckPicker("consentPartners", _("Partners the consent is for"), rows=6)
        involved = [
            p.organisation_id
            for p in case_file.partners
            if p.ended_on is None and p.role != "registrant"
        ]
        self.partners.set_items(
            partner_picker_items(choices, case_file.partners),
            involved,
            names=partner_picker_names(choices, case_file.partners),
        )
        self.add_row("partner_ids", _("For &partners"), self.partners, required=True)

        self.kinds = CheckList("infoKindsList", _("Kinds of information"), columns=2)
        self.kinds.set_items([(code, _(text)) for code, text in INFO_KIND_LABELS.items()])
        self.add_row("info_kinds", _("&Information"), self.kinds, required=True)

        until = QWidget()
        until_layout = QHBoxLayout(until)
        until_layout.setContentsMargins(0, 0, 0, 0)
        self.until_check = check_box(
            "validUntilCheck", _("Ends &on"), True, _("The consent has an end date")
        )
        until_layout.addWidget(self.until_check)
        self.until_edit = date_edit("validUntilEdit", _("Valid until"), one_year_later(today))
        until_layout.addWidget(self.until_edit)
        until_layout.addStretch(1)
        until.setFocusProxy(self.until_check)
        self.add_row(
            "valid_until",
            _("Valid until"),
            until,
            hint=_("Usually one year. Untick for a consent without an end date."),
        )
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        self._until_touched = False
        self._moving = False
        self.until_edit.dateChanged.connect(self._until_changed)
        self.given_edit.dateChanged.connect(self._given_changed)

        self.notes_edit = text_edit("consentNotesEdit", _("Notes"), lines=2)
        self.add_row("notes", _("&Notes"), self.notes_edit)
        self.done_text = _("Consent recorded.")
        self.finish_building(700)

    def _until_changed(self, *_args: object) -> None:
        if not self._loading and not self._moving:
            self._until_touched = True

    def _given_changed(self, value: QDate) -> None:
        if not self._until_touched:
            self._moving = True
            given = value.toPython()
            assert isinstance(given, date)
            self.until_edit.setDate(qdate(one_year_later(given)))
            self._moving = False

    def data(self) -> svc.ConsentInput:
        return svc.ConsentInput(
            given_on=date_value(self.given_edit),
            method=self.method_combo.currentData() or "",
            givers=tuple(party_of(k) for k in self.givers.checked_values()),
            partner_ids=tuple(self.partners.checked_values()),
            info_kinds=tuple(self.kinds.checked_values()),
            valid_until=date_value(self.until_edit) if self.until_check.isChecked() else None,
            notes=self.notes_edit.toPlainText(),
        )

    def prepare(self) -> Callable[[], Any] | None:
        data = self.data()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.record_consent(uow(), actor, case_id, data)


class WithdrawConsentDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        case_file: case_svc.CaseFile,
        record: svc.ConsentRecord,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "withdrawConsentDialog",
            _("Withdraw consent"),
            intro=_(
                "The consent of {date} for {partners}. It stays on record as withdrawn."
            ).format(date=format_date(record.given_on), partners=", ".join(record.partners)),
            save_text=_("&Withdraw consent"),
            parent=parent,
        )
        self.record = record
        today = clock.today()
        self.date_edit = date_edit("withdrawnOnEdit", _("Withdrawn on"), today, latest=today)
        self.add_row("withdrawn_on", _("Withdrawn &on"), self.date_edit, required=True)
        gave = [party_key(g.party) for g in record.givers]
        items = family_items(case_file)
        items.sort(key=lambda item: item[0] not in gave)
        self.by_combo = combo(
            "withdrawnByCombo", _("Withdrawn by"), items, _("Choose who withdrew it…")
        )
        self.add_row("by", _("&By"), self.by_combo, required=True)
        self.note_edit = text_edit("withdrawNoteEdit", _("Note"), lines=3)
        self.add_row("note", _("&Note"), self.note_edit)
        self.done_text = _("Consent withdrawn.")
        self.finish_building(560)

    def prepare(self) -> Callable[[], Any] | None:
        key = self.by_combo.currentData()
        data = svc.WithdrawalInput(
            withdrawn_on=date_value(self.date_edit),
            by=party_of(key) if key else None,
            note=self.note_edit.toPlainText(),
        )
        uow, actor, consent_id = self.ctx.uow, self.ctx.actor, self.record.id
        return lambda: svc.withdraw_consent(uow(), actor, consent_id, data)


class MeldcodeDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_file: case_svc.CaseFile,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "meldcodeDialog",
            _("Record a Meldcode justification"),
            intro=_(
                "Without consent, information about a family may only be shared under the "
                "reporting code for domestic violence and child abuse (Meldcode), when there "
                "are safety concerns (level 4). Write down why, and with which partners. The "
                "case is then flagged “Meldcode” everywhere."
            ),
            save_text=_("&Record justification"),
            scroll=True,
            parent=parent,
        )
        self.case_id = case_file.header.id
        today = clock.today()
        self.date_edit = date_edit("decidedOnEdit", _("Decided on"), today, latest=today)
        self.add_row("decided_on", _("&Decided on"), self.date_edit, required=True)
        self.partners = CheckPicker("meldcodePartners", _("Partners that receive it"), rows=6)
        self.partners.set_items(
            partner_picker_items(choices, case_file.partners),
            names=partner_picker_names(choices, case_file.partners),
        )
        self.add_row("partner_ids", _("&Partners"), self.partners, required=True)
        self.justification_edit = text_edit("justificationEdit", _("Justification"), lines=6)
        self.add_row(
            "justification",
            _("&Justification"),
            self.justification_edit,
            required=True,
            hint=_(
                "Which safety concern, which step of the Meldcode, who decided (for example "
                "after consulting Veilig Thuis)."
            ),
        )
        self.aliases = {"level": "justification"}
        self.done_text = _("Meldcode justification recorded.")
        self.finish_building(680)

    def prepare(self) -> Callable[[], Any] | None:
        data = svc.MeldcodeInput(
            decided_on=date_value(self.date_edit),
            justification=self.justification_edit.toPlainText(),
            partner_ids=tuple(self.partners.checked_values()),
        )
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.record_meldcode(uow(), actor, case_id, data)
