"""Record or correct a signal: an early observation about a child or the family."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

from pact.errors import NotFoundError
from pact.i18n import _
from pact.services import cases as case_svc
from pact.services import clock
from pact.services import consultations as svc
from pact.services.vocab import SERIOUSNESS_LABELS, SIGNAL_DOMAIN_LABELS
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices, fill_owner_combo, owner_ids, owner_of
from pact.ui.dialogs.case_form import CaseFormDialog, combo, date_edit, date_value, text_edit
from pact.ui.dialogs.conflict import FieldValue


class SignalDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_id: int,
        children: Sequence[case_svc.ChildData],
        signal: svc.SignalData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "signalDialog",
            _("Record a signal") if signal is None else _("Signal"),
            intro=_(
                "A signal is an early observation: a child withdraws, is absent more often, "
                "has a short fuse. Write down what was seen, not a diagnosis."
            ),
            save_text=_("&Record signal") if signal is None else _("&Save"),
            parent=parent,
        )
        self.case_id = case_id
        self.signal = signal
        today = clock.today()
        self.date_edit = date_edit(
            "observedOnEdit", _("Observed on"), signal.observed_on if signal else today, today
        )
        self.add_row("observed_on", _("Observed &on"), self.date_edit, required=True)
        self.child_combo = combo(
            "signalChildCombo",
            _("About which child"),
            [(c.id, c.name) for c in children],
            _("The family as a whole"),
            signal.child_id if signal else None,
        )
        self.add_row("child_id", _("About &child"), self.child_combo)
        self.domain_combo = combo(
            "domainCombo",
            _("What it is about"),
            [(code, _(text)) for code, text in SIGNAL_DOMAIN_LABELS.items()],
            _("Choose…"),
            signal.domain if signal else None,
        )
        self.add_row("domain", _("&About"), self.domain_combo, required=True)
        self.seriousness_combo = combo(
            "seriousnessCombo",
            _("How serious"),
            [(code, _(text)) for code, text in SERIOUSNESS_LABELS.items()],
            None,
            signal.seriousness if signal else 1,
        )
        self.add_row("seriousness", _("&How serious"), self.seriousness_combo, required=True)
        self.source_combo = combo("sourceCombo", _("Who noticed it"), [])
        fill_owner_combo(
            self.source_combo,
            choices,
            ctx.actor if ctx.has_actor else None,
            _("Not recorded"),
            owner_of(signal.source_org_id, signal.source_contact_id) if signal else None,
            signal.source if signal else "",
        )
        self.add_row(
            "source",
            _("&Noticed by"),
            self.source_combo,
            hint=_("A contact person or a partner organisation."),
        )
        self.observation_edit = text_edit(
            "observationEdit", _("Observation"), signal.observation if signal else "", lines=5
        )
        self.add_row("observation", _("O&bservation"), self.observation_edit, required=True)
        self.aliases = {"source_org_id": "source", "source_contact_id": "source"}
        self.done_text = _("Signal recorded.") if signal is None else _("Signal saved.")
        self.finish_building(620)

    def prepare(self) -> Callable[[], Any] | None:
        org_id, contact_id = owner_ids(self.source_combo.currentData())
        s = self.signal
        data = svc.SignalData(
            observed_on=date_value(self.date_edit),
            observation=self.observation_edit.toPlainText(),
            domain=self.domain_combo.currentData() or "",
            seriousness=self.seriousness_combo.currentData() or 0,
            child_id=self.child_combo.currentData(),
            source_org_id=org_id,
            source_contact_id=contact_id,
            id=s.id if s else None,
            version=s.version if s else None,
        )
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.save_signal(uow(), actor, case_id, data)

    # someone else saved the signal first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this signal")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.signal is None:
            return None
        uow, actor, case_id, signal_id = self.ctx.uow, self.ctx.actor, self.case_id, self.signal.id

        def load() -> svc.SignalData:
            for signal in svc.list_signals(uow(), actor, case_id):
                if signal.id == signal_id:
                    return signal
            raise NotFoundError(_("This signal no longer exists."))

        return self.signal, load

    def adopt(self, record: Any) -> None:
        self.signal = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        s: svc.SignalData = record
        cap = self.caption
        return [
            FieldValue("observed_on", cap("observed_on"), self.date_edit, s.observed_on),
            FieldValue("child_id", cap("child_id"), self.child_combo, s.child_id, s.child),
            FieldValue("domain", cap("domain"), self.domain_combo, s.domain or None),
            FieldValue("seriousness", cap("seriousness"), self.seriousness_combo, s.seriousness),
            FieldValue(
                "source",
                cap("source"),
                self.source_combo,
                owner_of(s.source_org_id, s.source_contact_id),
                s.source,
            ),
            FieldValue("observation", cap("observation"), self.observation_edit, s.observation),
        ]
