"""Log a consultation: when, which partners were consulted (or anonymously), the
question, the advice, and the next steps agreed (typed inline)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from pact.errors import NotFoundError
from pact.i18n import _, format_date
from pact.services import cases as case_svc
from pact.services import clock
from pact.services import consultations as svc
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    check_box,
    date_edit,
    date_value,
    hint_label,
    text_edit,
)
from pact.ui.dialogs.case_step import StepsEditor
from pact.ui.dialogs.conflict import FieldValue
from pact.ui.widgets.check_picker import CheckPicker
from pact.ui.widgets.field import FieldRow


def partner_picker_items(
    choices: CaseChoices, partners: Sequence[case_svc.InvolvementData]
) -> list[tuple[int, str]]:
    """Every partner, the ones involved in the case first (marked so)."""
    involved = [p for p in partners if p.ended_on is None]
    ids = {p.organisation_id for p in involved}
    items = [
        (p.organisation_id, _("{name} (involved)").format(name=p.organisation)) for p in involved
    ]
    items += [(pid, text) for pid, text in choices.partner_items() if pid not in ids]
    return items


def partner_picker_names(
    choices: CaseChoices, partners: Sequence[case_svc.InvolvementData]
) -> dict[int, str]:
    """The partners' plain names, for the line that says which are ticked."""
    names = {p.id: p.label for p in choices.partners}
    names.update({p.organisation_id: p.organisation for p in partners})
    return names


class ConsultationDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_file: case_svc.CaseFile,
        consultation: svc.ConsultationData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "consultationDialog",
            _("Log a consultation")
            if consultation is None
            else _("Consultation of {date}").format(date=format_date(consultation.held_on)),
            save_text=_("&Save consultation"),
            scroll=True,
            parent=parent,
        )
        self.case_id = case_file.header.id
        self.consultation = consultation
        today = clock.today()
        c = consultation
        self.date_edit = date_edit("heldOnEdit", _("Held on"), c.held_on if c else today, today)
        self.add_row("held_on", _("Held &on"), self.date_edit, required=True)

        self.anonymous_check = check_box(
            "anonymousCheck",
            _("&Anonymous: the partners hear only the case code and level"),
            c.anonymous if c else False,
            _("Anonymous consultation"),
        )
        self.add_row(
            "anonymous",
            "",
            self.anonymous_check,
            hint=_(
                "Without names or details no consent is needed. Otherwise every partner "
                "consulted must be covered by consent (or the Meldcode)."
            ),
        )
        self.partners = CheckPicker("consultedPartners", _("Partners consulted"), rows=6)
        self.partners.set_items(
            partner_picker_items(choices, case_file.partners),
            c.partner_ids if c else (),
            names=partner_picker_names(choices, case_file.partners),
        )
        self.add_row("partner_ids", _("&Partners consulted"), self.partners)

        self.question_edit = text_edit(
            "questionEdit", _("Question"), c.question if c else "", lines=4
        )
        self.add_row("question", _("&Question"), self.question_edit, required=True)
        self.advice_edit = text_edit("adviceEdit", _("Advice"), c.advice if c else "", lines=4)
        self.add_row("advice", _("Ad&vice given"), self.advice_edit)

        if c is not None and c.actions:
            earlier = "\n".join(
                _("• {what} ({owner}, due {date})").format(
                    what=a.what, owner=a.owner, date=format_date(a.due_on)
                )
                for a in c.actions
            )
            caption = QLabel(_("Agreed earlier"))
            agreed = hint_label(
                earlier + "\n" + _("Change these in the Next steps tab."), "agreedEarlier"
            )
            self.form.addRow(caption, agreed)

        self.steps_editor = StepsEditor(
            choices, ctx.actor if ctx.has_actor else None, lambda: date_value(self.date_edit)
        )
        self.steps_row = self.add_row(
            "steps",
            _("New next steps") if c else _("Next steps agreed"),
            self.steps_editor,
            hint=_(
                "Each step becomes an action with an owner and a due date. The owner receives "
                "case information, so consent must cover their organisation."
            ),
        )
        self.steps_editor.changed.connect(self._refit)
        self.steps_editor.changed.connect(self.mark_edited)
        self.steps_editor.edited.connect(self.mark_edited)
        self.done_text = _("Consultation saved.")
        self.finish_building(720)

    def row_for(self, field: str) -> FieldRow | None:
        row = self.steps_editor.rows.get(field)
        return row if row is not None else super().row_for(field)

    def clear_errors(self) -> None:
        super().clear_errors()
        for row in self.steps_editor.rows.values():
            row.set_error(None)

    def prepare(self) -> Callable[[], Any] | None:
        c = self.consultation
        data = svc.ConsultationInput(
            held_on=date_value(self.date_edit),
            question=self.question_edit.toPlainText(),
            advice=self.advice_edit.toPlainText(),
            anonymous=self.anonymous_check.isChecked(),
            partner_ids=tuple(self.partners.checked_values()),
            steps=self.steps_editor.steps(),
            id=c.id if c else None,
            version=c.version if c else None,
        )
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        return lambda: svc.save_consultation(uow(), actor, case_id, data)

    # someone else saved the consultation first (pact.ui.dialogs.conflict); the new
    # next steps typed here are not part of it and stay as typed

    def conflict_what(self) -> str:
        return _("this consultation")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.consultation is None:
            return None
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        consultation_id = self.consultation.id

        def load() -> svc.ConsultationData:
            for item in svc.list_consultations(uow(), actor, case_id):
                if item.id == consultation_id:
                    return item
            raise NotFoundError(_("This consultation no longer exists."))

        return self.consultation, load

    def adopt(self, record: Any) -> None:
        self.consultation = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        c: svc.ConsultationData = record
        cap = self.caption
        return [
            FieldValue("held_on", cap("held_on"), self.date_edit, c.held_on),
            FieldValue("anonymous", _("Anonymous"), self.anonymous_check, c.anonymous),
            FieldValue(
                "partner_ids", cap("partner_ids"), self.partners, tuple(sorted(c.partner_ids))
            ),
            FieldValue("question", cap("question"), self.question_edit, c.question),
            FieldValue("advice", cap("advice"), self.advice_edit, c.advice),
        ]
