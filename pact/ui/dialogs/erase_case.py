"""Erase a case on the family's request (AVG article 17): the date of the request and
who asked how; for a case that may have to be kept for a child's safety (the
Meldcode), the warning and a written justification. The service says what is wrong
next to the field; nothing changes unless the whole erasure succeeds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from pact.errors import MeldcodeKeepError
from pact.i18n import _, ngettext
from pact.services import clock
from pact.services import retention as svc
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    date_edit,
    date_value,
    hint_label,
    qdate,
    text_edit,
)
from pact.ui.widgets.field import ERROR_COLOUR

WARNING_STYLE = f"color: {ERROR_COLOUR};"
HEADING_STYLE = f"color: {ERROR_COLOUR}; font-weight: bold;"


def done_text(result: svc.ErasureResult) -> str:
    """What the case file says after the erasure."""
    parts = [_("The personal data of case {code} were erased.").format(code=result.code)]
    if result.closed_now:
        parts.append(_("The case was still open: it is closed now."))
    if result.warning:
        parts.append(result.warning)
    return " ".join(parts)


class EraseCaseDialog(CaseFormDialog):
    def __init__(self, ctx: AppContext, info: svc.ErasureInfo, parent: QWidget | None = None):
        super().__init__(
            ctx,
            "eraseCaseDialog",
            _("Erase case {code} on request").format(code=info.code),
            intro=_(
                "A family may ask for its data to be erased (AVG article 17); the request "
                "must be carried out within {n} months. pact removes the names, free texts "
                "and contact details of case {code}. The case code, dates, levels, "
                "municipality, partners and the counts for the reports stay, and the "
                "minutes of its agenda items keep only “Case {code}: discussed.”"
            ).format(code=info.code, n=svc.ERASURE_TERM_MONTHS),
            save_text=_("&Erase the personal data"),
            parent=parent,
        )
        self.info = info
        self.today = clock.today()

        self.keep_heading = hint_label(
            _("This case may have to be kept for the child's safety:"), "meldcodeKeepHeading"
        )
        self.keep_heading.setStyleSheet(HEADING_STYLE)
        self.keep_notice = hint_label(
            "\n".join(f"• {reason}" for reason in info.keep_reasons), "meldcodeKeepNotice"
        )
        self.keep_notice.setStyleSheet(WARNING_STYLE)
        for widget in (self.keep_heading, self.keep_notice):
            widget.setVisible(info.needs_justification)
        self.body_layout.setContentsMargins(0, 6, 0, 0)
        self.body_layout.insertWidget(0, self.keep_heading)
        self.body_layout.insertWidget(1, self.keep_notice)
        self.body_layout.insertSpacing(2, 6)
        self.open_notice = hint_label(
            _("The case is still open: erasing it closes it today.")
            + (
                " "
                + ngettext(
                    "Its {n} open next step is cancelled.",
                    "Its {n} open next steps are cancelled.",
                    info.open_steps,
                ).format(n=info.open_steps)
                if info.open_steps
                else ""
            ),
            "eraseOpenNotice",
        )
        self.open_notice.setStyleSheet(HEADING_STYLE)
        self.open_notice.setVisible(info.open)
        self.body_layout.insertWidget(3, self.open_notice)
        self.body_layout.insertSpacing(4, 6)

        self.date_edit = date_edit(
            "requestedOnEdit", _("Date of the request"), self.today, latest=self.today
        )
        self.date_edit.setMinimumDate(qdate(info.registered_on))
        self.add_row(
            "requested_on",
            _("Request &made on"),
            self.date_edit,
            required=True,
            hint=_("The day the family's request came in."),
        )
        self.late_notice = hint_label("", "eraseLateNotice")
        self.late_notice.setStyleSheet(WARNING_STYLE)
        self.late_notice.hide()
        self.body_layout.addWidget(self.late_notice)
        self.reason_edit = text_edit("eraseReasonEdit", _("Whose request, and how"), lines=3)
        self.add_row(
            "reason",
            _("&Reason"),
            self.reason_edit,
            required=True,
            hint=_(
                "Whose request it is and how it came in, e.g. “letter from both parents”. "
                "It stays with the case: write no names of the family."
            ),
        )
        self.justification_edit = text_edit(
            "eraseJustificationEdit", _("Why the case is erased anyway"), lines=3
        )
        self.justification_row = self.add_row(
            "justification",
            _("&Justification for erasing"),
            self.justification_edit,
            required=True,
            hint=_(
                "Why erasing is right although the case may have to be kept, e.g. what Veilig "
                "Thuis advised (at least {n} characters)."
            ).format(n=svc.MIN_JUSTIFICATION),
        )
        self._show_justification(info.needs_justification)
        self.final_notice = hint_label(
            _(
                "This cannot be undone. Backups made before today still hold the old data "
                "until they are replaced by newer ones."
            ),
            "eraseFinalNotice",
        )
        self.body_layout.addWidget(self.final_notice)
        self.body_layout.addStretch(1)  # any height to spare goes below the form
        self.date_edit.dateChanged.connect(lambda _d: self._show_late())
        self._show_late()
        self.done_text = _("The personal data were erased.")
        self.finish_building(600)
        # as tall as the wrapped texts are at this width (the size hint measured them
        # narrower, with room to spare)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(self.width(), max(layout.totalHeightForWidth(self.width()), 200))

    def _show_justification(self, shown: bool) -> None:
        self.justification_row.setVisible(shown)
        label = self.form.labelForField(self.justification_row)
        if label is not None:
            label.setVisible(shown)

    def _show_late(self) -> None:
        requested = date_value(self.date_edit)
        late = self.today > svc.add_months(requested, svc.ERASURE_TERM_MONTHS)
        self.late_notice.setText(
            _(
                "More than {n} months ago: the legal term has passed. The case is erased all "
                "the same; tell the family why it took longer."
            ).format(n=svc.ERASURE_TERM_MONTHS)
            if late
            else ""
        )
        self.late_notice.setVisible(late)

    def requested_on(self) -> date:
        return date_value(self.date_edit)

    def prepare(self) -> Callable[[], Any] | None:
        requested = self.requested_on()
        reason = self.reason_edit.toPlainText()
        justification = (
            self.justification_edit.toPlainText()
            if self.justification_row.isVisibleTo(self)
            else ""
        )
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.info.case_id
        return lambda: svc.erase(uow(), actor, case_id, reason, requested, justification)

    def _saved(self, result: Any) -> None:
        if isinstance(result, svc.ErasureResult):
            self.done_text = done_text(result)
        super()._saved(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, MeldcodeKeepError) and isValid(self):
            if self.keep_notice.isVisible():
                # the reasons are listed above: next to the field only what to do
                short = _("Write down why the case is erased anyway (at least {n} characters).")
                exc = MeldcodeKeepError(
                    [
                        replace(e, message=short.format(n=svc.MIN_JUSTIFICATION))
                        if e.field == "justification"
                        else e
                        for e in exc.errors
                    ]
                )
            else:
                # the case became one to keep meanwhile: ask for the justification now
                self._show_justification(True)
                self.keep_heading.setVisible(True)
        super()._failed(exc)
