"""Move a case on the escalation ladder (with its history), close it with a reason
and date, or reopen it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid

from pact.errors import NeedsConfirmationError
from pact.i18n import _, format_date, ngettext
from pact.services import cases as svc
from pact.services import clock
from pact.services.vocab import level_label
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    date_edit,
    date_value,
    hint_label,
    text_edit,
)
from pact.ui.widgets.field import ERROR_COLOUR
from pact.ui.widgets.level_chooser import LevelChooser
from pact.ui.widgets.record_table import Column, RecordTable


class ChangeLevelDialog(CaseFormDialog):
    def __init__(
        self,
        ctx: AppContext,
        header: svc.CaseHeader,
        history: Sequence[svc.LevelChangeData],
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "changeLevelDialog",
            _("Change the level of case {code}").format(code=header.code),
            intro=_(
                "The case is now at {level}. Choose the level that fits the situation now."
            ).format(level=level_label(header.level)),
            save_text=_("&Change level"),
            parent=parent,
        )
        self.header = header
        self.save_text = _("&Change level")
        self.confirming = False  # the service asked to confirm lowering the level
        self.level_chooser = LevelChooser("levelChooser", _("Escalation level"))
        self.level_chooser.set_level(header.level)
        self.add_row("level", _("&Level"), self.level_chooser, required=True)
        self.level_chooser.changed.connect(lambda _level: self._set_confirming(False))
        self.reason_edit = text_edit("levelReasonEdit", _("Reason for the change"), lines=3)
        self.add_row(
            "reason",
            _("&Why"),
            self.reason_edit,
            hint=_("What changed in the family's situation; it stays in the case's history."),
        )
        caption = QLabel(_("History of the level"), self)
        caption.setObjectName("levelHistoryLabel")
        self.body_layout.addWidget(caption)
        self.history = RecordTable(
            "levelHistory",
            _("History of the level"),
            [
                Column(_("Date"), 1.0, 10),
                Column(_("Level"), 1.9, 12),
                Column(_("By"), 1.3, 10),
                Column(_("Reason"), 2.6, 12),
            ],
        )
        rows = []
        for change in reversed(history):
            # short: the levels are explained above the table
            if change.previous_level is None:
                what = _("Level {n} (at registration)").format(n=change.level)
            else:
                what = _("Level {before} → {after}").format(
                    before=change.previous_level, after=change.level
                )
            rows.append([format_date(change.changed_on), what, change.user, change.reason])
        self.history.set_rows(rows, list(range(len(rows))))
        self.history.setMinimumHeight(self.history.fontMetrics().height() * 6)
        self.body_layout.addWidget(self.history, 1)
        self.done_text = _("Level changed.")
        self.finish_building(640)

    def prepare(self) -> Callable[[], Any] | None:
        level = self.level_chooser.level()
        reason = self.reason_edit.toPlainText()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.header.id
        confirm = self.confirming
        return lambda: svc.change_level(uow(), actor, case_id, level, reason, confirm=confirm)

    def _set_confirming(self, confirming: bool) -> None:
        """After the service's question the save button confirms it; choosing another
        level asks again."""
        self.confirming = confirming
        text = _("Lower the level &anyway") if confirming else self.save_text
        self.save_button.setText(text)
        self.save_button.setAccessibleName(text.replace("&", ""))
        if not confirming:
            row = self.rows["level"]
            if row.error():
                row.set_error(None)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, NeedsConfirmationError) and isValid(self):
            self._set_busy(False)
            for e in exc.errors:
                self.set_error(e.field, e.message)
            self._set_confirming(True)
            self.rows["level"].focus()
            self._refit()
            return
        super()._failed(exc)


class CloseCaseDialog(CaseFormDialog):
    """``open_steps``: how many next steps of the case are still open (closing cancels
    them; the dialog says so beforehand)."""

    def __init__(
        self,
        ctx: AppContext,
        header: svc.CaseHeader,
        open_steps: int = 0,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "closeCaseDialog",
            _("Close case {code}").format(code=header.code),
            intro=_(
                "A closed case can only be read until someone reopens it. Its records are "
                "kept (youth-care files are kept for 20 years after care ends)."
            ),
            save_text=_("&Close case"),
            parent=parent,
        )
        self.header = header
        self.steps_notice = hint_label(
            ngettext(
                "{n} open next step will be cancelled, with the note “{note}”",
                "{n} open next steps will be cancelled, each with the note “{note}”",
                open_steps,
            ).format(n=open_steps, note=_("Cancelled: the case was closed.")),
            "openStepsNotice",
        )
        self.steps_notice.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.steps_notice.setVisible(open_steps > 0)
        self.body_layout.insertWidget(0, self.steps_notice)
        today = clock.today()
        self.date_edit = date_edit("closedOnEdit", _("Closed on"), today, latest=today)
        self.add_row("closed_on", _("Closed &on"), self.date_edit, required=True)
        self.reason_edit = text_edit("closeReasonEdit", _("Reason for closing"), lines=3)
        self.add_row(
            "reason",
            _("&Reason"),
            self.reason_edit,
            required=True,
            hint=_("e.g. the family is doing well again, or the case moved to youth care."),
        )
        self.done_text = _("Case closed.")
        self.finish_building(560)

    def prepare(self) -> Callable[[], Any] | None:
        on = date_value(self.date_edit)
        reason = self.reason_edit.toPlainText()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.header.id
        return lambda: svc.close_case(uow(), actor, case_id, on, reason)


class ReopenCaseDialog(CaseFormDialog):
    def __init__(self, ctx: AppContext, header: svc.CaseHeader, parent: QWidget | None = None):
        super().__init__(
            ctx,
            "reopenCaseDialog",
            _("Reopen case {code}").format(code=header.code),
            intro=_("Reopening is recorded in the case's history, with your reason."),
            save_text=_("Re&open case"),
            parent=parent,
        )
        self.header = header
        self.reason_edit = text_edit("reopenReasonEdit", _("Reason for reopening"), lines=3)
        self.add_row("reason", _("&Reason"), self.reason_edit, required=True)
        self.aliases = {"status": "reason"}
        self.done_text = _("Case reopened.")
        self.finish_building(520)

    def prepare(self) -> Callable[[], Any] | None:
        reason = self.reason_edit.toPlainText()
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.header.id
        return lambda: svc.reopen_case(uow(), actor, case_id, reason)
