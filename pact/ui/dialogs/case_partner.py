"""Involve a partner organisation in a case, with its role. The service refuses a
partner that no consent (and no Meldcode justification) covers: its message shows
next to the partner field, with the way to the Consent tab."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QWidget

from pact.i18n import _
from pact.services import cases as svc
from pact.services.vocab import CASE_ROLE_LABELS
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices
from pact.ui.dialogs.case_form import CaseFormDialog, combo, text_edit

ROLES = tuple(code for code in CASE_ROLE_LABELS if code != "registrant")


class InvolvePartnerDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_id: int,
        involved: Iterable[int] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "involvePartnerDialog",
            _("Involve a partner"),
            intro=_(
                "An involved partner receives information about this case. That needs consent "
                "that covers the partner, or, at level 4, a recorded Meldcode justification."
            ),
            save_text=_("&Involve"),
            parent=parent,
        )
        self.case_id = case_id
        # refused for want of consent: the way to the Consent tab (little is typed here)
        self.offers_consent_tab = True
        taken = set(involved)
        items = [(pid, text) for pid, text in choices.partner_items() if pid not in taken]
        self.partner_combo = combo(
            "partnerCombo", _("Partner organisation"), items, _("Choose a partner…")
        )
        self.add_row("organisation_id", _("&Partner"), self.partner_combo, required=True)
        self.role_combo = combo(
            "roleCombo",
            _("Role in the case"),
            [(code, _(CASE_ROLE_LABELS[code])) for code in ROLES],
            _("Choose the role…"),
        )
        self.add_row("role", _("&Role"), self.role_combo, required=True)
        self.note_edit = text_edit("involvementNoteEdit", _("Note"), lines=2)
        self.add_row("note", _("&Note"), self.note_edit)
        self.done_text = _("Partner involved.")
        self.finish_building(600)

    def prepare(self) -> Callable[[], Any] | None:
        organisation_id = self.partner_combo.currentData()
        role = self.role_combo.currentData() or ""
        note = self.note_edit.toPlainText()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.involve_partner(uow(), actor, case_id, organisation_id, role, note)
