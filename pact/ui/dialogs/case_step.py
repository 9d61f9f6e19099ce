"""Agreed next steps (actions): add or change one, mark it done or cancelled; and
the inline editor of the new next steps of a consultation."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _, format_date
from pact.services import clock
from pact.services import consultations as svc
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.dialogs.case_choices import CaseChoices, fill_owner_combo, owner_ids, owner_of
from pact.ui.dialogs.case_form import (
    CaseFormDialog,
    combo,
    date_edit,
    date_value,
    line_edit,
    qdate,
    text_edit,
)
from pact.ui.dialogs.conflict import FieldValue
from pact.ui.widgets.field import FieldRow

DEFAULT_DUE_DAYS = 14


def owner_hint() -> str:
    return _(
        "Who does it: a contact person, or a partner organisation. They receive case "
        "information, so consent must cover their organisation."
    )


class StepDialog(CaseFormDialog):
    """A new next step of a case (outside a consultation), or a change to one."""

    def __init__(
        self,
        ctx: AppContext,
        choices: CaseChoices,
        case_id: int,
        action: svc.ActionData | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            ctx,
            "stepDialog",
            _("Add a next step") if action is None else _("Next step"),
            save_text=_("&Add next step") if action is None else _("&Save"),
            parent=parent,
        )
        self.case_id = case_id
        self.action = action
        today = clock.today()
        self.what_edit = line_edit(
            "stepWhatEdit",
            _("What has to be done"),
            action.what if action else "",
            _("e.g. Talk with Wesley about how things are at home"),
        )
        self.add_row("what", _("&What"), self.what_edit, required=True)
        self.owner_combo = combo("stepOwnerCombo", _("Who does it"), [])
        fill_owner_combo(
            self.owner_combo,
            choices,
            ctx.actor if ctx.has_actor else None,
            _("Choose who does it…"),
            owner_of(action.owner_org_id, action.owner_contact_id) if action else None,
            action.owner if action else "",
        )
        self.add_row("owner", _("W&ho"), self.owner_combo, required=True, hint=owner_hint())
        self.due_edit = date_edit(
            "stepDueEdit",
            _("Due on"),
            action.due_on if action else today + timedelta(days=DEFAULT_DUE_DAYS),
        )
        self.add_row("due_on", _("&Due on"), self.due_edit, required=True)
        self.done_text = _("Next step added.") if action is None else _("Next step saved.")
        self.finish_building(600)

    def prepare(self) -> Callable[[], Any] | None:
        org_id, contact_id = owner_ids(self.owner_combo.currentData())
        step = svc.ActionInput(self.what_edit.text(), date_value(self.due_edit), org_id, contact_id)
        uow, actor = self.ctx.uow, self.ctx.actor
        if self.action is None:
            case_id = self.case_id
            return lambda: svc.add_action(uow(), actor, case_id, step)
        action_id, version = self.action.id, self.action.version
        return lambda: svc.update_action(uow(), actor, action_id, step, version)

    # someone else saved the next step first (pact.ui.dialogs.conflict)

    def conflict_what(self) -> str:
        return _("this next step")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        if self.action is None:
            return None
        uow, actor, action_id = self.ctx.uow, self.ctx.actor, self.action.id
        return self.action, lambda: svc.get_action(uow(), actor, action_id)

    def adopt(self, record: Any) -> None:
        self.action = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        a: svc.ActionData = record
        cap = self.caption
        return [
            FieldValue("what", cap("what"), self.what_edit, a.what),
            FieldValue(
                "owner",
                cap("owner"),
                self.owner_combo,
                owner_of(a.owner_org_id, a.owner_contact_id),
                a.owner,
            ),
            FieldValue("due_on", cap("due_on"), self.due_edit, a.due_on),
        ]


class StepStatusDialog(CaseFormDialog):
    """Mark a next step done (date and note) or cancel it (note)."""

    def __init__(
        self,
        ctx: AppContext,
        action: svc.ActionData,
        status: str,
        parent: QWidget | None = None,
    ):
        done = status == "done"
        super().__init__(
            ctx,
            "stepDoneDialog" if done else "stepCancelDialog",
            _("Mark the next step done") if done else _("Cancel the next step"),
            intro=_("“{what}”, due {date}").format(
                what=action.what, date=format_date(action.due_on)
            ),
            save_text=_("&Mark done") if done else _("Cancel the &step"),
            parent=parent,
        )
        self.action = action
        self.status = status
        today = clock.today()
        self.done_edit = None
        if done:
            self.done_edit = date_edit("doneOnEdit", _("Done on"), today, latest=today)
            self.add_row("done_on", _("Done &on"), self.done_edit, required=True)
        self.note_edit = text_edit("stepNoteEdit", _("Note"), action.note, lines=3)
        self.add_row(
            "note",
            _("&Note"),
            self.note_edit,
            hint=_("What came of it") if done else _("Why it is no longer needed"),
        )
        self.done_text = _("Next step done.") if done else _("Next step cancelled.")
        self.finish_building(520)

    def prepare(self) -> Callable[[], Any] | None:
        done_on: date | None = date_value(self.done_edit) if self.done_edit is not None else None
        note = self.note_edit.toPlainText()
        uow, actor = self.ctx.uow, self.ctx.actor
        action_id, version, status = self.action.id, self.action.version, self.status
        return lambda: svc.set_action_status(
            uow(), actor, action_id, status, done_on, note, version
        )

    def conflict_what(self) -> str:
        return _("this next step")

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        uow, actor, action_id = self.ctx.uow, self.ctx.actor, self.action.id
        return self.action, lambda: svc.get_action(uow(), actor, action_id)

    def adopt(self, record: Any) -> None:
        self.action = record

    def conflict_values(self, record: Any) -> list[FieldValue]:
        a: svc.ActionData = record
        return [FieldValue("note", self.caption("note"), self.note_edit, a.note)]


# ---------------------------------------------------------------- inline, in a consultation


@dataclass
class StepWidgets:
    what: QLineEdit
    owner: QComboBox
    due_on: QDateEdit
    remove: QPushButton
    frame: QFrame


class StepsEditor(QWidget):
    """The next steps agreed in a consultation, typed inline: what, who, due date for
    each, with "Add a next step" and a remove button per step. The rows' messages use
    the service's field names (``steps.0.what``)."""

    changed = Signal()  # a step was added or removed
    edited = Signal()  # something was typed or chosen in a step

    def __init__(
        self,
        choices: CaseChoices,
        actor: Actor | None,
        held_on: Callable[[], date],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("stepsEditor")
        self.choices = choices
        self.actor = actor
        self.held_on = held_on
        self.rows: dict[str, FieldRow] = {}
        self._steps: list[StepWidgets] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.steps_box = QVBoxLayout()
        layout.addLayout(self.steps_box)
        self.none_label = QLabel(_("No next steps agreed yet."), self)
        self.none_label.setObjectName("noStepsLabel")
        layout.addWidget(self.none_label)
        self.add_button = QPushButton(_("Add a ne&xt step"), self)
        self.add_button.setObjectName("addStepButton")
        self.add_button.setAccessibleName(_("Add a next step"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_step)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def count(self) -> int:
        return len(self._steps)

    def add_step(self) -> None:
        i = len(self._steps)
        frame = QFrame(self)
        frame.setObjectName(f"step{i}Frame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(frame)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        number = i + 1
        what = line_edit(
            f"step{i}What",
            _("Next step {n}: what").format(n=number),
            placeholder=_("e.g. Talk with the parents about the parenting plan"),
        )
        owner = combo(f"step{i}Owner", _("Next step {n}: who").format(n=number), [])
        fill_owner_combo(owner, self.choices, self.actor, _("Choose who does it…"))
        held = self.held_on()
        due = date_edit(
            f"step{i}Due",
            _("Next step {n}: due on").format(n=number),
            max(held, clock.today()) + timedelta(days=DEFAULT_DUE_DAYS),
        )
        remove = QPushButton(_("Remove this step"), frame)
        remove.setObjectName(f"step{i}Remove")
        remove.setAccessibleName(_("Remove next step {n}").format(n=number))
        remove.setAutoDefault(False)
        for key, text, field in (
            ("what", _("What *"), what),
            ("owner", _("Who *"), owner),
            ("due_on", _("Due on *"), due),
        ):
            row = FieldRow(field, f"step{i}{key}")
            caption = QLabel(text, frame)
            caption.setBuddy(field)
            form.addRow(caption, row)
            self.rows[f"steps.{i}.{key}"] = row
            self._clear_on_change(field, row)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(remove)
        form.addRow("", remove_row)
        remove.clicked.connect(lambda _checked=False, f=frame: self._remove(f))
        # Tab: the steps in order, then "Add a next step" (new widgets would go last)
        before = self._steps[-1].remove if self._steps else self._focusable_before_add()
        chain: list[QWidget] = [what, owner, due, remove, self.add_button]
        if before is not None:
            chain.insert(0, before)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._steps.append(StepWidgets(what, owner, due, remove, frame))
        self.steps_box.addWidget(frame)
        self.none_label.hide()
        what.setFocus()
        self.changed.emit()

    def _focusable_before_add(self) -> QWidget | None:
        """The field Tab visits before "Add a next step" (the advice, in a consultation)."""
        widget = self.add_button.previousInFocusChain()
        for _step in range(500):
            if widget is None or widget is self.add_button:
                return None
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not self.isAncestorOf(widget):
                return widget
            widget = widget.previousInFocusChain()
        return None

    def _clear_on_change(self, field: QWidget, row: FieldRow) -> None:
        def clear(*_args: object) -> None:
            row.set_error(None)
            self.edited.emit()

        if isinstance(field, QComboBox):
            field.currentIndexChanged.connect(clear)
        elif hasattr(field, "dateChanged"):
            field.dateChanged.connect(clear)
        elif hasattr(field, "textEdited"):
            field.textEdited.connect(clear)

    def _remove(self, frame: QFrame) -> None:
        """Remove a step; the ones after it move up (and their row names with them)."""
        values = [self._values(w) for w in self._steps if w.frame is not frame]
        self._clear()
        for value in values:
            self.add_step()
            self._set_values(self._steps[-1], value)
        self.none_label.setVisible(not self._steps)
        target: QWidget = self._steps[-1].what if self._steps else self.add_button
        target.setFocus()
        self.changed.emit()

    def _clear(self) -> None:
        for widgets in self._steps:
            self.steps_box.removeWidget(widgets.frame)
            widgets.frame.hide()
            widgets.frame.setParent(None)  # out of the dialog now, gone soon
            widgets.frame.deleteLater()
        self._steps = []
        self.rows = {}

    @staticmethod
    def _values(w: StepWidgets) -> tuple[str, Any, date]:
        return w.what.text(), w.owner.currentData(), date_value(w.due_on)

    @staticmethod
    def _set_values(w: StepWidgets, value: tuple[str, Any, date]) -> None:
        text, owner_value, due = value
        w.what.setText(text)
        w.owner.setCurrentIndex(max(w.owner.findData(owner_value), 0) if owner_value else 0)
        w.due_on.setDate(qdate(due))

    def steps(self) -> tuple[svc.ActionInput, ...]:
        out = []
        for w in self._steps:
            text, owner_value, due = self._values(w)
            org_id, contact_id = owner_ids(owner_value)
            out.append(svc.ActionInput(text, due, org_id, contact_id))
        return tuple(out)

    def widgets(self, i: int) -> StepWidgets:
        return self._steps[i]
