"""The case file: one family's case, with a header (code, alias, level, status,
consent, Meldcode) and tabs for the family, partners, signals, consultations,
consent, next steps and the timeline.

Everything is read in one background query (``load_bundle``) and shown from frozen
DTOs; every change goes through a dialog (``pact.ui.dialogs.case_*``) or a small
confirmed write, on the write worker. After a write the view says what changed
(``ctx.changed``: ``cases``, and ``actions`` for next steps) and reads the case
again. A closed case is read-only: every edit control is disabled, and the
services refuse anyway (their message is shown).
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import BreakGlassRequiredError, PactError, error_text, os_reason
from pact.i18n import N_, _, format_date, format_datetime, ngettext
from pact.services import cases as case_svc
from pact.services import clock, subject_access
from pact.services import consent as consent_svc
from pact.services import consultations as step_svc
from pact.services import documents as documents_svc
from pact.services import retention as retention_svc
from pact.services import timeline as timeline_svc
from pact.services.consent_rules import possible_ages
from pact.services.users import Actor
from pact.services.vocab import (
    ACTION_STATUS_LABELS,
    CASE_ROLE_LABELS,
    CASE_STATUS_LABELS,
    CONSENT_METHOD_LABELS,
    INFO_KIND_LABELS,
    RELATION_LABELS,
    SERIOUSNESS_LABELS,
    SIGNAL_DOMAIN_LABELS,
    label,
    sector_label,
)
from pact.ui.context import AppContext
from pact.ui.dialogs.break_glass import BreakGlassDialog, ask_break_glass
from pact.ui.dialogs.case_choices import CaseChoices, load_choices
from pact.ui.dialogs.case_consent import ConsentDialog, MeldcodeDialog, WithdrawConsentDialog
from pact.ui.dialogs.case_consultation import ConsultationDialog
from pact.ui.dialogs.case_family import CarerDialog, ChildDialog
from pact.ui.dialogs.case_form import CaseFormDialog, heading_label, push_button, wrapped_label
from pact.ui.dialogs.case_partner import InvolvePartnerDialog
from pact.ui.dialogs.case_register import CaseDetailsDialog
from pact.ui.dialogs.case_signal import SignalDialog
from pact.ui.dialogs.case_status import ChangeLevelDialog, CloseCaseDialog, ReopenCaseDialog
from pact.ui.dialogs.case_step import StepDialog, StepStatusDialog
from pact.ui.dialogs.erase_case import EraseCaseDialog
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.case_badges import (
    COLOURS,
    CONSENT_KIND,
    HINT_STYLE,
    LEVEL_KIND,
    MELDCODE_RED,
    MELDCODE_TEXT,
    MELDCODE_TIP,
    Badge,
    consent_explained,
    consent_long,
    level_long,
    level_tip,
    meldcode_icon,
    overdue_icon,
    short_date,
)
from pact.ui.widgets.field import ERROR_COLOUR
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.record_table import Cell, Column, RecordTable

GREY = "#5f6368"
_SETTINGS_GROUP = "caseFile"
NO_NAME = "–"  # a name removed by an anonymisation or erasure

TIMELINE_KIND_LABELS = {
    "status": N_("Status"),
    "level": N_("Level"),
    "signal": N_("Signals"),
    "consultation": N_("Consultations"),
    "consent": N_("Consent and Meldcode"),
    "partner": N_("Partners"),
    "action": N_("Next steps"),
    "meeting": N_("Meetings"),
}
assert tuple(TIMELINE_KIND_LABELS) == timeline_svc.KINDS

RECORD_STATE_LABELS = {
    "in_force": N_("In force"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "future": N_("Not yet in force"),
}
BASIS_LABELS = {
    "registrant": N_("Holds the case file"),
    "consent": N_("Consent"),
    "meldcode": N_("Meldcode"),
}


def _settings() -> QSettings:
    return QSettings("pact", "pact")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class CaseBundle:
    """Everything the case file shows, read in one go."""

    file: case_svc.CaseFile
    signals: tuple[step_svc.SignalData, ...]
    consultations: tuple[step_svc.ConsultationData, ...]
    actions: tuple[step_svc.ActionData, ...]
    consents: tuple[consent_svc.ConsentRecord, ...]
    meldcode: tuple[consent_svc.MeldcodeRecord, ...]
    timeline: tuple[timeline_svc.TimelineEntry, ...]
    today: date
    disclosures: tuple[documents_svc.DisclosureRow, ...] = ()

    @property
    def header(self) -> case_svc.CaseHeader:
        return self.file.header


def load_bundle(
    uow: Callable[[], Any],
    actor: Actor,
    case_id: int,
    kinds: Collection[str] | None = None,
    opening: bool = True,
) -> CaseBundle:
    """Read a case file (on a worker thread; ``uow`` is ``ctx.uow``). ``opening``:
    the person opens it (an audited read); False when the open file is read again."""
    return CaseBundle(
        file=case_svc.get_case(uow(), actor, case_id, opening=opening),
        signals=tuple(step_svc.list_signals(uow(), actor, case_id)),
        consultations=tuple(step_svc.list_consultations(uow(), actor, case_id)),
        actions=tuple(step_svc.case_actions(uow(), actor, case_id)),
        consents=tuple(consent_svc.list_consents(uow(), actor, case_id)),
        meldcode=tuple(consent_svc.list_meldcode(uow(), actor, case_id)),
        timeline=tuple(timeline_svc.timeline(uow(), actor, case_id, kinds)),
        today=clock.today(),
        disclosures=tuple(documents_svc.case_disclosures(uow(), actor, case_id)),
    )


def age_range(birth_year: int, today: date) -> str:
    """ "9 or 10" for a column headed "Age now"."""
    youngest, oldest = possible_ages(birth_year, today)
    if youngest == oldest:
        return str(oldest)
    return _("{young} or {old}").format(young=youngest, old=oldest)


def _buttons_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


# ---------------------------------------------------------------- tabs


class _Tab(QWidget):
    """A tab of the case file; ``show_bundle`` fills it, ``edit_buttons`` are the
    controls a closed case disables."""

    def __init__(self, view: CaseFileView, name: str):
        super().__init__()
        self.setObjectName(name)
        self.view = view
        self.bundle: CaseBundle | None = None
        self.editable = False

    def show_bundle(self, bundle: CaseBundle, editable: bool) -> None:
        self.bundle = bundle
        self.editable = editable
        self.fill(bundle)
        self.update_buttons()

    def fill(self, bundle: CaseBundle) -> None:
        raise NotImplementedError

    def update_buttons(self) -> None:
        raise NotImplementedError

    def first_focus(self) -> QWidget | None:
        return None


class FamilyTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "familyTab")
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(_("Children"), "childrenHeading"))
        self.children_table = RecordTable(
            "childrenTable",
            _("Children"),
            [
                Column(_("Name or initials"), 1.6, 10),
                Column(_("Born"), 0.7, 6),
                Column(_("Age now"), 1.3, 10),
                Column(_("School"), 2.0, 10),
                Column(_("Buddy"), 2.0, 10),
                Column(_("Notes"), 2.0, 8),
            ],
            fit_rows=(3, 8),
        )
        layout.addWidget(self.children_table)
        self.add_child = push_button("addChildButton", _("Add a child…"))
        self.edit_child = push_button("editChildButton", _("Edit…"), accessible=_("Edit the child"))
        self.remove_child = push_button(
            "removeChildButton", _("Remove"), accessible=_("Remove the child")
        )
        layout.addLayout(_buttons_row(self.add_child, self.edit_child, self.remove_child))
        layout.addSpacing(10)
        layout.addWidget(heading_label(_("Parents and carers"), "carersHeading"))
        self.carers_table = RecordTable(
            "carersTable",
            _("Parents and carers"),
            [
                Column(_("Initials or alias"), 1.6, 10),
                Column(_("Relation"), 1.4, 10),
                Column(_("Parental authority"), 1.4, 10),
                Column(_("Notes"), 3.0, 10),
            ],
            fit_rows=(3, 8),
        )
        layout.addWidget(self.carers_table)
        self.add_carer = push_button("addCarerButton", _("Add a parent or carer…"))
        self.edit_carer = push_button(
            "editCarerButton", _("Edit…"), accessible=_("Edit the parent or carer")
        )
        self.remove_carer = push_button(
            "removeCarerButton", _("Remove"), accessible=_("Remove the parent or carer")
        )
        layout.addLayout(_buttons_row(self.add_carer, self.edit_carer, self.remove_carer))
        layout.addStretch(1)

        self.add_child.clicked.connect(lambda: self._child(None))
        self.edit_child.clicked.connect(lambda: self._child(self.children_table.current_key()))
        self.children_table.activated_key.connect(self._child)
        self.remove_child.clicked.connect(self._remove_child)
        self.add_carer.clicked.connect(lambda: self._carer(None))
        self.edit_carer.clicked.connect(lambda: self._carer(self.carers_table.current_key()))
        self.carers_table.activated_key.connect(self._carer)
        self.remove_carer.clicked.connect(self._remove_carer)
        self.children_table.current_key_changed.connect(lambda _k: self.update_buttons())
        self.carers_table.current_key_changed.connect(lambda _k: self.update_buttons())

    def fill(self, bundle: CaseBundle) -> None:
        f = bundle.file
        self.children_table.set_rows(
            [
                [
                    c.name or NO_NAME,
                    str(c.birth_year),
                    age_range(c.birth_year, bundle.today),
                    c.school,
                    _("{buddy} (since {date})").format(
                        buddy=c.buddy_organisation, date=format_date(c.buddy_since)
                    )
                    if c.buddy_organisation and c.buddy_since
                    else c.buddy_organisation,
                    c.notes.replace("\n", " "),
                ]
                for c in f.children
            ],
            [c.id for c in f.children],
        )
        self.carers_table.set_rows(
            [
                [
                    c.alias or NO_NAME,
                    label(RELATION_LABELS, c.relation),
                    _("Yes") if c.parental_authority else _("No"),
                    c.notes.replace("\n", " "),
                ]
                for c in f.carers
            ],
            [c.id for c in f.carers],
        )

    def update_buttons(self) -> None:
        has_child = self.children_table.current_key() is not None
        has_carer = self.carers_table.current_key() is not None
        self.add_child.setEnabled(self.editable)
        self.edit_child.setEnabled(self.editable and has_child)
        self.remove_child.setEnabled(self.editable and has_child)
        self.add_carer.setEnabled(self.editable)
        self.edit_carer.setEnabled(self.editable and has_carer)
        self.remove_carer.setEnabled(self.editable and has_carer)

    def first_focus(self) -> QWidget | None:
        return self.children_table

    def _find_child(self, child_id: int | None) -> case_svc.ChildData | None:
        if self.bundle is None or child_id is None:
            return None
        return next((c for c in self.bundle.file.children if c.id == child_id), None)

    def _child(self, child_id: int | None) -> None:
        if not self.editable or self.bundle is None:
            return
        child = self._find_child(child_id)
        if child_id is not None and child is None:
            return
        self.view.open_dialog(
            lambda choices: ChildDialog(
                self.view.ctx, choices, self.bundle.header.id if self.bundle else 0, child
            )
        )

    def _carer(self, carer_id: int | None) -> None:
        if not self.editable or self.bundle is None:
            return
        carer = next((c for c in self.bundle.file.carers if c.id == carer_id), None)
        if carer_id is not None and carer is None:
            return
        case_id = self.bundle.header.id
        self.view.open_dialog(lambda _choices: CarerDialog(self.view.ctx, case_id, carer))

    def _remove_child(self) -> None:
        child = self._find_child(self.children_table.current_key())
        if child is None or self.bundle is None:
            return
        if not self.view.confirm(
            "removeChildBox",
            _("Remove {name} from the case?").format(name=child.name),
            _("Only for a child entered by mistake. Signals about the child stay in the case."),
            _("Remove"),
        ):
            return
        uow, actor, case_id = self.view.ctx.uow, self.view.ctx.actor, self.bundle.header.id
        self.view.run_write(
            lambda: case_svc.remove_child(uow(), actor, case_id, child.id or 0),
            _("{name} was removed from the case.").format(name=child.name),
        )

    def _remove_carer(self) -> None:
        if self.bundle is None:
            return
        carer_id = self.carers_table.current_key()
        carer = next((c for c in self.bundle.file.carers if c.id == carer_id), None)
        if carer is None:
            return
        if not self.view.confirm(
            "removeCarerBox",
            _("Remove {alias} from the case?").format(alias=carer.alias),
            _("Only for a parent or carer entered by mistake."),
            _("Remove"),
        ):
            return
        uow, actor, case_id = self.view.ctx.uow, self.view.ctx.actor, self.bundle.header.id
        self.view.run_write(
            lambda: case_svc.remove_carer(uow(), actor, case_id, carer.id or 0),
            _("{alias} was removed from the case.").format(alias=carer.alias),
        )


class PartnersTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "partnersTab")
        layout = QVBoxLayout(self)
        self.warning = wrapped_label("", "partnersWarning", f"color: {ERROR_COLOUR};")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.table = RecordTable(
            "partnersTable",
            _("Partners involved"),
            [
                # the roles ("Organisation of the case lead") need their room; a note
                # is elided, and shown whole under the table
                Column(_("Partner"), 2.1, 12),
                Column(_("Sector"), 1.9, 8),
                Column(_("Role"), 2.0, 12),
                Column(_("Since"), 0.9, 9),
                Column(_("Basis"), 1.5, 10),
                Column(_("Note"), 1.6, 8),
            ],
            select_first=True,
            fit_rows=(4, 14),
        )
        layout.addWidget(self.table)
        self.detail = wrapped_label("", "partnerDetail")
        layout.addWidget(self.detail)
        self.involve = push_button("involvePartnerButton", _("Involve a partner…"))
        self.end = push_button(
            "endInvolvementButton",
            _("End involvement…"),
            accessible=_("End the partner's involvement"),
        )
        self.to_consent = push_button("partnersToConsentButton", _("Go to the Consent tab"))
        layout.addLayout(_buttons_row(self.involve, self.end, self.to_consent))
        layout.addStretch(1)
        self.involve.clicked.connect(self._involve)
        self.end.clicked.connect(self._end)
        self.to_consent.clicked.connect(lambda: self.view.show_tab("consent"))
        self.table.current_key_changed.connect(lambda _k: self._selected())

    def _partner(self, key: Any) -> case_svc.InvolvementData | None:
        if self.bundle is None:
            return None
        return next((p for p in self.bundle.file.partners if p.id == key), None)

    def fill(self, bundle: CaseBundle) -> None:
        rows: list[list[Cell | str]] = []
        uncovered = []
        for p in bundle.file.partners:
            role = label(CASE_ROLE_LABELS, p.role)
            if p.ended_on is not None:
                grey = lambda text: Cell(text, colour=GREY)  # noqa: E731
                rows.append(
                    [
                        grey(p.organisation),
                        grey(sector_label(p.sector)),
                        grey(role),
                        grey(format_date(p.added_on)),
                        grey(_("Ended on {date}").format(date=format_date(p.ended_on))),
                        grey(p.note.replace("\n", " ")),
                    ]
                )
                continue
            if p.basis is None:
                uncovered.append(p.organisation)
                basis = Cell(_("Not covered"), tooltip=p.problem, colour=ERROR_COLOUR, bold=True)
                note = Cell(p.problem, colour=ERROR_COLOUR)
            elif p.basis == "meldcode":
                basis = Cell(
                    _(BASIS_LABELS["meldcode"]),
                    tooltip=_(MELDCODE_TIP),
                    colour=MELDCODE_RED,
                    bold=True,
                    icon=meldcode_icon(),
                )
                note = Cell(p.note.replace("\n", " "))
            else:
                basis = Cell(label(BASIS_LABELS, p.basis))
                note = Cell(p.note.replace("\n", " "))
            rows.append(
                [
                    Cell(p.organisation, bold=p.basis is None),
                    sector_label(p.sector),
                    role,
                    format_date(p.added_on),
                    basis,
                    note,
                ]
            )
        self.table.set_rows(rows, [p.id for p in bundle.file.partners])
        if uncovered:
            self.warning.setText(
                ngettext(
                    "{names} is involved but not covered by consent: no case information may "
                    "go to it. Record consent that covers it (Consent tab).",
                    "{names} are involved but not covered by consent: no case information may "
                    "go to them. Record consent that covers them (Consent tab).",
                    len(uncovered),
                ).format(names=", ".join(uncovered))
            )
        self.warning.setVisible(bool(uncovered))
        self.to_consent.setVisible(bool(uncovered))
        self._selected()

    def _selected(self) -> None:
        p = self._partner(self.table.current_key())
        if p is None:
            self.detail.setText("")
        else:
            parts = [
                _("{organisation}: {role}, involved since {date} (by {user}).").format(
                    organisation=p.organisation,
                    role=label(CASE_ROLE_LABELS, p.role).lower(),
                    date=format_date(p.added_on),
                    user=p.added_by or "?",
                )
            ]
            if p.problem:
                parts.append(p.problem)
            if p.note:
                parts.append(p.note)
            self.detail.setText("\n".join(parts))
        self.update_buttons()

    def update_buttons(self) -> None:
        p = self._partner(self.table.current_key())
        self.involve.setEnabled(self.editable)
        self.end.setEnabled(
            self.editable and p is not None and p.ended_on is None and p.role != "registrant"
        )

    def first_focus(self) -> QWidget | None:
        return self.table

    def _involve(self) -> None:
        if not self.editable or self.bundle is None:
            return
        case_id = self.bundle.header.id
        involved = [p.organisation_id for p in self.bundle.file.partners if p.ended_on is None]
        self.view.open_dialog(
            lambda choices: InvolvePartnerDialog(self.view.ctx, choices, case_id, involved)
        )

    def _end(self) -> None:
        p = self._partner(self.table.current_key())
        if p is None or self.bundle is None:
            return
        if not self.view.confirm(
            "endInvolvementBox",
            _("End the involvement of {organisation}?").format(organisation=p.organisation),
            _("From today it no longer receives information about this case."),
            _("End involvement"),
        ):
            return
        uow, actor, case_id = self.view.ctx.uow, self.view.ctx.actor, self.bundle.header.id
        self.view.run_write(
            lambda: case_svc.end_involvement(uow(), actor, case_id, p.id),
            _("{organisation} is no longer involved.").format(organisation=p.organisation),
        )


class SignalsTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "signalsTab")
        layout = QVBoxLayout(self)
        self.table = RecordTable(
            "signalsTable",
            _("Signals"),
            [
                Column(_("Date"), 1.0, 9),
                Column(_("Child"), 1.1, 7),
                Column(_("About"), 1.2, 8),
                Column(_("Seriousness"), 1.0, 8),
                Column(_("Noticed by"), 1.8, 10),
                Column(_("Observation"), 3.6, 12),
            ],
            select_first=True,
        )
        layout.addWidget(self.table, 1)
        self.detail = wrapped_label("", "signalDetail")
        layout.addWidget(self.detail)
        self.add = push_button("addSignalButton", _("Record a signal…"))
        self.edit = push_button("editSignalButton", _("Edit…"), accessible=_("Edit the signal"))
        layout.addLayout(_buttons_row(self.add, self.edit))
        self.add.clicked.connect(lambda: self._open(None))
        self.edit.clicked.connect(lambda: self._open(self.table.current_key()))
        self.table.activated_key.connect(self._open)
        self.table.current_key_changed.connect(lambda _k: self._selected())
        self.empty = wrapped_label(
            _(
                "No signals yet. A signal is an early observation about a child or the family: "
                "record it with “Record a signal…”."
            ),
            "noSignalsLabel",
            HINT_STYLE,
        )
        layout.insertWidget(0, self.empty)

    def _signal(self, key: Any) -> step_svc.SignalData | None:
        if self.bundle is None:
            return None
        return next((s for s in self.bundle.signals if s.id == key), None)

    def fill(self, bundle: CaseBundle) -> None:
        rows: list[list[Cell | str]] = []
        for s in bundle.signals:
            serious = s.seriousness >= 3
            rows.append(
                [
                    format_date(s.observed_on),
                    s.child or _("Family"),
                    label(SIGNAL_DOMAIN_LABELS, s.domain),
                    Cell(
                        label(SERIOUSNESS_LABELS, s.seriousness),
                        colour=ERROR_COLOUR if serious else "",
                        bold=serious,
                    ),
                    s.source,
                    Cell(s.observation.replace("\n", " "), tooltip=s.observation),
                ]
            )
        self.table.set_rows(rows, [s.id for s in bundle.signals])
        self.empty.setVisible(not bundle.signals)
        self._selected()

    def _selected(self) -> None:
        s = self._signal(self.table.current_key())
        if s is None:
            self.detail.setText("")
        else:
            who = _("Recorded by {user}.").format(user=s.recorded_by) if s.recorded_by else ""
            self.detail.setText("\n".join(t for t in (s.observation, who) if t))
        self.update_buttons()

    def update_buttons(self) -> None:
        self.add.setEnabled(self.editable)
        self.edit.setEnabled(self.editable and self.table.current_key() is not None)

    def first_focus(self) -> QWidget | None:
        return self.table

    def _open(self, key: Any) -> None:
        if not self.editable or self.bundle is None:
            return
        signal = self._signal(key)
        if key is not None and signal is None:
            return
        bundle = self.bundle
        self.view.open_dialog(
            lambda choices: SignalDialog(
                self.view.ctx, choices, bundle.header.id, bundle.file.children, signal
            )
        )


class ConsultationsTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "consultationsTab")
        layout = QVBoxLayout(self)
        self.empty = wrapped_label(
            _(
                "No consultations yet. Log one when you ask a partner or the pact for advice "
                "about this family, with the next steps you agree."
            ),
            "noConsultationsLabel",
            HINT_STYLE,
        )
        layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("consultationsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.table = RecordTable(
            "consultationsTable",
            _("Consultations"),
            [
                Column(_("Date"), 1.0, 9),
                Column(_("Worker"), 1.3, 8),
                Column(_("Partners consulted"), 2.4, 12),
                Column(_("Question"), 3.2, 12),
                Column(_("Next steps"), 0.9, 7),
            ],
            select_first=True,
            parent=self.splitter,
        )
        self.detail = QTextBrowser(self.splitter)
        self.detail.setObjectName("consultationDetail")
        self.detail.setAccessibleName(_("The consultation in full"))
        self.detail.setOpenLinks(False)
        self.detail.setTabChangesFocus(True)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout.addWidget(self.splitter, 1)
        self.add = push_button("addConsultationButton", _("Log a consultation…"))
        self.edit = push_button(
            "editConsultationButton", _("Edit…"), accessible=_("Edit the consultation")
        )
        layout.addLayout(_buttons_row(self.add, self.edit))
        self.add.clicked.connect(lambda: self._open(None))
        self.edit.clicked.connect(lambda: self._open(self.table.current_key()))
        self.table.activated_key.connect(self._open)
        self.table.current_key_changed.connect(lambda _k: self._selected())
        state = _settings().value(f"{_SETTINGS_GROUP}/consultationsSplitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(self._save_splitter)

    def _save_splitter(self, *_args: object) -> None:
        _settings().setValue(f"{_SETTINGS_GROUP}/consultationsSplitter", self.splitter.saveState())

    def _item(self, key: Any) -> step_svc.ConsultationData | None:
        if self.bundle is None:
            return None
        return next((c for c in self.bundle.consultations if c.id == key), None)

    def fill(self, bundle: CaseBundle) -> None:
        rows: list[list[Cell | str]] = []
        for c in bundle.consultations:
            partners = ", ".join(c.partners) or _("The pact")
            if c.anonymous:
                partners = _("Anonymous: {partners}").format(partners=partners)
            rows.append(
                [
                    format_date(c.held_on),
                    c.worker,
                    partners,
                    Cell(c.question.replace("\n", " "), tooltip=c.question),
                    str(len(c.actions)) if c.actions else "",
                ]
            )
        self.table.set_rows(rows, [c.id for c in bundle.consultations])
        self.empty.setVisible(not bundle.consultations)
        self._selected()

    def _selected(self) -> None:
        c = self._item(self.table.current_key())
        if c is None:
            self.detail.setHtml("")
            self.update_buttons()
            return

        def para(text: str) -> str:
            return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"

        consulted = ", ".join(c.partners) or "—"
        if c.anonymous:
            consulted = _("{partners} (anonymously)").format(partners=consulted)
        parts = [
            "<p><b>{}</b></p>".format(
                html.escape(
                    _("{date}, {worker}").format(date=format_date(c.held_on), worker=c.worker)
                )
            ),
            para(_("Consulted: {partners}").format(partners=consulted)),
            "<h4>{}</h4>".format(html.escape(_("Question"))),
            para(c.question),
        ]
        if c.advice:
            parts += ["<h4>{}</h4>".format(html.escape(_("Advice"))), para(c.advice)]
        if c.actions:
            parts.append("<h4>{}</h4><ul>".format(html.escape(_("Next steps agreed"))))
            parts += [
                "<li>{}</li>".format(
                    html.escape(
                        _("{what} ({owner}, due {date}, {status})").format(
                            what=a.what,
                            owner=a.owner,
                            date=format_date(a.due_on),
                            status=label(ACTION_STATUS_LABELS, a.status).lower(),
                        )
                    )
                )
                for a in c.actions
            ]
            parts.append("</ul>")
        self.detail.setHtml("".join(parts))
        self.update_buttons()

    def update_buttons(self) -> None:
        self.add.setEnabled(self.editable)
        self.edit.setEnabled(self.editable and self.table.current_key() is not None)

    def first_focus(self) -> QWidget | None:
        return self.table

    def _open(self, key: Any) -> None:
        if not self.editable or self.bundle is None:
            return
        item = self._item(key)
        if key is not None and item is None:
            return
        case_file = self.bundle.file
        self.view.open_dialog(
            lambda choices: ConsultationDialog(self.view.ctx, choices, case_file, item),
            kinds=("cases", "actions"),
        )


class ConsentTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "consentTab")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("consentScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("consentBody")
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)

        summary = QGroupBox(_("Consent at a glance"), body)
        summary.setObjectName("consentSummaryGroup")
        summary_layout = QVBoxLayout(summary)
        top = QHBoxLayout()
        self.badge = Badge("consentSummaryBadge")
        top.addWidget(self.badge)
        self.explained = wrapped_label("", "consentExplained")
        top.addWidget(self.explained, 1)
        summary_layout.addLayout(top)
        summary_layout.addWidget(heading_label(_("Whose consent is required"), "requiredHeading"))
        self.required = wrapped_label("", "consentRequired")
        summary_layout.addWidget(self.required)
        self.warnings = wrapped_label("", "consentWarnings", f"color: {ERROR_COLOUR};")
        summary_layout.addWidget(self.warnings)
        layout.addWidget(summary)

        layout.addWidget(heading_label(_("Consent records"), "consentRecordsHeading"))
        self.table = RecordTable(
            "consentTable",
            _("Consent records"),
            [
                Column(_("Given on"), 1.0, 9),
                Column(_("Given by"), 2.0, 10),
                Column(_("For partners"), 2.4, 10),
                Column(_("Information"), 2.4, 10),
                Column(_("How"), 1.0, 7),
                Column(_("Valid until"), 1.0, 9),
                Column(_("Status"), 1.4, 9),
            ],
            select_first=True,
            wrap=True,
        )
        self.table.setMinimumHeight(self.table.fontMetrics().height() * 7)
        layout.addWidget(self.table)
        self.detail = wrapped_label("", "consentDetail")
        layout.addWidget(self.detail)
        self.record = push_button("recordConsentButton", _("Record consent…"))
        self.withdraw = push_button(
            "withdrawConsentButton", _("Withdraw…"), accessible=_("Withdraw the consent")
        )
        layout.addLayout(_buttons_row(self.record, self.withdraw))

        layout.addSpacing(10)
        meldcode = QGroupBox(_("Sharing without consent (Meldcode)"), body)
        meldcode.setObjectName("meldcodeGroup")
        meld_layout = QVBoxLayout(meldcode)
        self.meldcode_text = wrapped_label("", "meldcodeExplained")
        meld_layout.addWidget(self.meldcode_text)
        self.meldcode_table = RecordTable(
            "meldcodeTable",
            _("Meldcode justifications"),
            [
                Column(_("Decided on"), 1.0, 9),
                Column(_("Partners"), 2.0, 10),
                Column(_("Justification"), 4.0, 14),
                Column(_("By"), 1.2, 8),
            ],
            wrap=True,
        )
        self.meldcode_table.setMinimumHeight(self.meldcode_table.fontMetrics().height() * 5)
        meld_layout.addWidget(self.meldcode_table)
        self.record_meldcode = push_button(
            "recordMeldcodeButton", _("Record a Meldcode justification…")
        )
        meld_layout.addLayout(_buttons_row(self.record_meldcode))
        layout.addWidget(meldcode)
        layout.addStretch(1)

        self.record.clicked.connect(self._record)
        self.withdraw.clicked.connect(self._withdraw)
        self.record_meldcode.clicked.connect(self._meldcode)
        self.table.current_key_changed.connect(lambda _k: self._selected())
        self.table.activated_key.connect(lambda _k: self._withdraw())

    def _consent(self, key: Any) -> consent_svc.ConsentRecord | None:
        if self.bundle is None:
            return None
        return next((c for c in self.bundle.consents if c.id == key), None)

    def fill(self, bundle: CaseBundle) -> None:
        summary = bundle.file.consent
        self.badge.set_badge(
            consent_long(summary.state, summary.ok_until),
            CONSENT_KIND.get(summary.state, "neutral"),
            consent_explained(summary.state),
        )
        self.explained.setText(consent_explained(summary.state))
        self.required.setText(
            "\n".join(_("• {line}").format(line=line) for line in summary.required)
            or _("No children are recorded yet.")
        )
        self.warnings.setText("\n".join(_("⚠ {line}").format(line=w) for w in summary.warnings))
        self.warnings.setVisible(bool(summary.warnings))

        rows: list[list[Cell | str]] = []
        for c in bundle.consents:
            state = label(RECORD_STATE_LABELS, c.state)
            if c.state == "withdrawn" and c.withdrawn_on is not None:
                state = _("Withdrawn on {date} by {who}").format(
                    date=format_date(c.withdrawn_on), who=c.withdrawn_by or "?"
                )
            colour = "" if c.state == "in_force" else GREY
            status_colour = COLOURS["ok"][1] if c.state == "in_force" else ERROR_COLOUR
            cell = lambda text, col=colour: Cell(text, colour=col)  # noqa: E731
            rows.append(
                [
                    cell(format_date(c.given_on)),
                    cell(", ".join(g.name for g in c.givers)),
                    cell(", ".join(c.partners)),
                    cell(", ".join(label(INFO_KIND_LABELS, k) for k in c.info_kinds)),
                    cell(label(CONSENT_METHOD_LABELS, c.method)),
                    cell(format_date(c.valid_until) if c.valid_until else _("No end date")),
                    Cell(state, colour=status_colour, bold=c.state != "in_force"),
                ]
            )
        self.table.set_rows(rows, [c.id for c in bundle.consents])

        applies = bundle.header.level == consent_svc.MELDCODE_LEVEL
        if bundle.meldcode and applies:
            text = _(
                "Information is shared without consent under the Meldcode with the partners "
                "below. The case is flagged “Meldcode” in every view."
            )
        elif bundle.meldcode:
            text = _(
                "The case is no longer at level 4: the Meldcode justifications below no longer "
                "cover any partner."
            )
        elif applies:
            text = _(
                "At level 4 (safety concerns) information may be shared without consent under "
                "the Meldcode, with a recorded justification."
            )
        else:
            text = _(
                "Only at level 4 (safety concerns) may information be shared without consent, "
                "under the Meldcode. This case is at level {n}."
            ).format(n=bundle.header.level)
        self.meldcode_text.setText(text)
        self.meldcode_text.setStyleSheet(
            f"color: {MELDCODE_RED}; font-weight: bold;" if bundle.meldcode and applies else ""
        )
        colour = MELDCODE_RED if applies else GREY
        self.meldcode_table.set_rows(
            [
                [
                    Cell(format_date(m.decided_on), colour=colour, icon=meldcode_icon()),
                    Cell(", ".join(m.partners), colour=colour),
                    Cell(m.justification, colour=colour),
                    Cell(m.recorded_by, colour=colour),
                ]
                for m in bundle.meldcode
            ],
            [m.id for m in bundle.meldcode],
        )
        self.meldcode_table.setVisible(bool(bundle.meldcode))
        self._selected()

    def _selected(self) -> None:
        c = self._consent(self.table.current_key())
        if c is None:
            self.detail.setText("")
        else:
            parts = [
                _("Recorded by {user}.").format(user=c.recorded_by) if c.recorded_by else "",
                _("Notes: {notes}").format(notes=c.notes) if c.notes else "",
                _("Withdrawal: {note}").format(note=c.withdrawn_note) if c.withdrawn_note else "",
            ]
            self.detail.setText("\n".join(p for p in parts if p))
        self.update_buttons()

    def update_buttons(self) -> None:
        c = self._consent(self.table.current_key())
        level4 = self.bundle is not None and self.bundle.header.level == consent_svc.MELDCODE_LEVEL
        self.record.setEnabled(self.editable)
        self.withdraw.setEnabled(self.editable and c is not None and c.withdrawn_on is None)
        self.record_meldcode.setEnabled(self.editable and level4)
        self.record_meldcode.setToolTip(
            ""
            if level4
            else _("Only at level 4 (safety concerns). Change the level first if that applies.")
        )

    def first_focus(self) -> QWidget | None:
        return self.table

    def _record(self) -> None:
        if not self.editable or self.bundle is None:
            return
        case_file = self.bundle.file
        self.view.open_dialog(lambda choices: ConsentDialog(self.view.ctx, choices, case_file))

    def _withdraw(self) -> None:
        c = self._consent(self.table.current_key())
        if not self.editable or self.bundle is None or c is None or c.withdrawn_on is not None:
            return
        case_file = self.bundle.file
        self.view.open_dialog(lambda _choices: WithdrawConsentDialog(self.view.ctx, case_file, c))

    def _meldcode(self) -> None:
        if not self.editable or self.bundle is None:
            return
        case_file = self.bundle.file
        self.view.open_dialog(lambda choices: MeldcodeDialog(self.view.ctx, choices, case_file))


def step_status(a: step_svc.ActionData, today: date) -> str:
    """The status column of a next step: short, with "(late)" when it was done late."""
    if a.status == "done" and a.done_on is not None:
        text = _("Done on {date} (late)") if a.done_late else _("Done on {date}")
        return text.format(date=short_date(a.done_on))
    if a.overdue(today):
        days = (today - a.due_on).days
        return ngettext("Overdue by {n} day", "Overdue by {n} days", days).format(n=days)
    return label(ACTION_STATUS_LABELS, a.status)


def step_closed_text(a: step_svc.ActionData) -> str:
    """Who marked a next step done (when, and whether late) or cancelled it; '' when open."""
    if a.status == "done" and a.done_on is not None:
        when = format_date(a.done_on)
        if a.closed_by:
            text = _("Done on {date} by {user}.").format(date=when, user=a.closed_by)
        else:
            text = _("Done on {date}.").format(date=when)
        if a.done_late:
            days = (a.done_on - a.due_on).days
            text += " " + ngettext(
                "That was {n} day after its due date.",
                "That was {n} days after its due date.",
                days,
            ).format(n=days)
        return text
    if a.status == "cancelled":
        if a.closed_by:
            return _("Cancelled by {user}.").format(user=a.closed_by)
        return _("Cancelled.")
    return ""


class StepsTab(_Tab):
    def __init__(self, view: CaseFileView):
        super().__init__(view, "stepsTab")
        layout = QVBoxLayout(self)
        self.summary = wrapped_label("", "stepsSummary")
        layout.addWidget(self.summary)
        self.table = RecordTable(
            "stepsTable",
            _("Next steps"),
            [
                Column(_("What"), 2.8, 12),
                Column(_("Who"), 2.1, 10),
                Column(_("Due"), 1.0, 9),
                Column(_("Status"), 1.8, 12),
                Column(_("Note"), 1.4, 8),
                Column(_("Agreed"), 1.0, 9),
            ],
            select_first=True,
        )
        layout.addWidget(self.table, 1)
        self.detail = wrapped_label("", "stepDetail")
        layout.addWidget(self.detail)
        self.add = push_button("addStepButton", _("Add a next step…"))
        self.edit = push_button("editStepButton", _("Edit…"), accessible=_("Edit the next step"))
        self.done = push_button(
            "doneStepButton", _("Mark done…"), accessible=_("Mark the next step done")
        )
        self.cancel = push_button(
            "cancelStepButton", _("Cancel step…"), accessible=_("Cancel the next step")
        )
        self.reopen = push_button(
            "reopenStepButton", _("Reopen"), accessible=_("Reopen the next step")
        )
        layout.addLayout(_buttons_row(self.add, self.edit, self.done, self.cancel, self.reopen))
        self.add.clicked.connect(lambda: self._edit(None))
        self.edit.clicked.connect(lambda: self._edit(self.table.current_key()))
        self.table.activated_key.connect(self._activated)
        self.done.clicked.connect(lambda: self._status("done"))
        self.cancel.clicked.connect(lambda: self._status("cancelled"))
        self.reopen.clicked.connect(self._reopen)
        self.table.current_key_changed.connect(lambda _k: self._selected())

    def _action(self, key: Any) -> step_svc.ActionData | None:
        if self.bundle is None:
            return None
        return next((a for a in self.bundle.actions if a.id == key), None)

    def _agreed(self, a: step_svc.ActionData) -> tuple[str, str]:
        """The "Agreed" column (a date) and the sentence behind it."""
        assert self.bundle is not None
        consultations = {c.id: c for c in self.bundle.consultations}
        if a.consultation_id in consultations:
            held = format_date(consultations[a.consultation_id].held_on)
            return held, _("Agreed in the consultation of {date}").format(date=held)
        agreed = format_date(a.created_on)
        return agreed, _("Agreed on {date} by {user}").format(date=agreed, user=a.created_by or "?")

    def fill(self, bundle: CaseBundle) -> None:
        today = bundle.today
        rows: list[list[Cell | str]] = []
        overdue = 0
        open_steps = 0
        for a in bundle.actions:
            late = a.overdue(today)
            overdue += late
            open_steps += a.status == "open"
            status = step_status(a, today)
            colour = ERROR_COLOUR if late else (GREY if a.status != "open" else "")
            cell = lambda text, col=colour, b=late: Cell(text, colour=col, bold=b)  # noqa: E731
            agreed, where = self._agreed(a)
            rows.append(
                [
                    cell(a.what),
                    cell(a.owner),
                    Cell(
                        format_date(a.due_on),
                        colour=colour,
                        bold=late,
                        icon=overdue_icon() if late else None,
                    ),
                    Cell(
                        status,
                        tooltip=step_closed_text(a) or status,
                        colour=colour,
                        bold=late,
                    ),
                    cell(a.note.replace("\n", " ")),
                    Cell(agreed, tooltip=where, colour=colour, bold=late),
                ]
            )
        self.table.set_rows(rows, [a.id for a in bundle.actions])
        if not bundle.actions:
            self.summary.setText(
                _("No next steps yet. Agree them in a consultation, or add one here.")
            )
            self.summary.setStyleSheet(HINT_STYLE)
        else:
            text = ngettext("{n} open next step", "{n} open next steps", open_steps).format(
                n=open_steps
            )
            if overdue:
                text = _("{open}, {overdue}").format(
                    open=text,
                    overdue=ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue),
                )
            self.summary.setText(text)
            self.summary.setStyleSheet(
                f"color: {ERROR_COLOUR}; font-weight: bold;" if overdue else ""
            )
        self._selected()

    def _selected(self) -> None:
        a = self._action(self.table.current_key())
        if a is None or self.bundle is None:
            self.detail.setText("")
        else:
            parts = [
                _("{what} ({owner}, due {date})").format(
                    what=a.what, owner=a.owner or "?", date=format_date(a.due_on)
                ),
                self._agreed(a)[1],
                step_closed_text(a),
                a.note,
            ]
            self.detail.setText("\n".join(p for p in parts if p))
        self.update_buttons()

    def update_buttons(self) -> None:
        a = self._action(self.table.current_key())
        is_open = a is not None and a.status == "open"
        self.add.setEnabled(self.editable)
        self.edit.setEnabled(self.editable and is_open)
        self.done.setEnabled(self.editable and is_open)
        self.cancel.setEnabled(self.editable and is_open)
        self.reopen.setEnabled(self.editable and a is not None and not is_open)

    def first_focus(self) -> QWidget | None:
        return self.table

    def _activated(self, key: Any) -> None:
        a = self._action(key)
        if a is not None and a.status == "open":
            self._edit(key)

    def _edit(self, key: Any) -> None:
        if not self.editable or self.bundle is None:
            return
        action = self._action(key)
        if key is not None and (action is None or action.status != "open"):
            return
        case_id = self.bundle.header.id
        self.view.open_dialog(
            lambda choices: StepDialog(self.view.ctx, choices, case_id, action),
            kinds=("cases", "actions"),
        )

    def _status(self, status: str) -> None:
        a = self._action(self.table.current_key())
        if not self.editable or a is None or a.status != "open":
            return
        self.view.open_dialog(
            lambda _choices: StepStatusDialog(self.view.ctx, a, status),
            kinds=("cases", "actions"),
        )

    def _reopen(self) -> None:
        a = self._action(self.table.current_key())
        if not self.editable or a is None or a.status == "open":
            return
        uow, actor = self.view.ctx.uow, self.view.ctx.actor
        self.view.run_write(
            lambda: step_svc.set_action_status(uow(), actor, a.id, "open", version=a.version),
            _("The next step is open again."),
            kinds=("cases", "actions"),
        )


class TimelineTab(_Tab):
    kinds_changed = Signal()

    def __init__(self, view: CaseFileView):
        super().__init__(view, "timelineTab")
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Show:")))
        self.checks: dict[str, QCheckBox] = {}
        for kind, text in TIMELINE_KIND_LABELS.items():
            check = QCheckBox(_(text), self)
            check.setObjectName(f"timelineKind_{kind}")
            check.setAccessibleName(_("Show {kind} in the timeline").format(kind=_(text).lower()))
            check.setChecked(True)
            check.toggled.connect(lambda _on: self.kinds_changed.emit())
            filters.addWidget(check)
            self.checks[kind] = check
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = RecordTable(
            "timelineTable",
            _("Timeline"),
            [
                Column(_("Date"), 1.0, 9),
                Column(_("What happened"), 2.6, 14),
                Column(_("Details"), 4.0, 14),
                Column(_("By"), 1.2, 8),
            ],
            wrap=True,
        )
        layout.addWidget(self.table, 1)
        self.count = wrapped_label("", "timelineCount", HINT_STYLE)
        layout.addWidget(self.count)

    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k, check in self.checks.items() if check.isChecked())

    def fill(self, bundle: CaseBundle) -> None:
        self.show_entries(bundle.timeline)

    def show_entries(self, entries: Sequence[timeline_svc.TimelineEntry]) -> None:
        rows = []
        for e in entries:
            colour = MELDCODE_RED if e.meldcode else ""
            title = e.title
            if e.meldcode:
                title = _("{title} · {marker}").format(title=title, marker=_(MELDCODE_TEXT))
            rows.append(
                [
                    Cell(format_date(e.on), colour=colour),
                    Cell(
                        title,
                        colour=colour,
                        bold=e.meldcode,
                        icon=meldcode_icon() if e.meldcode else None,
                        tooltip=_(MELDCODE_TIP) if e.meldcode else "",
                    ),
                    Cell(e.detail, colour=colour),
                    Cell(e.user, colour=colour),
                ]
            )
        self.table.set_rows(rows, list(range(len(rows))))
        if not self.kinds():
            self.count.setText(_("Tick at least one kind of event to see the timeline."))
        else:
            self.count.setText(
                ngettext("{n} event, oldest first", "{n} events, oldest first", len(rows)).format(
                    n=len(rows)
                )
            )

    def update_buttons(self) -> None:
        pass

    def first_focus(self) -> QWidget | None:
        return self.checks["status"]


# ---------------------------------------------------------------- the view


class DisclosuresTab(_Tab):
    """The disclosure record of the case: every printed or saved edition of a meeting
    document that held its details, to whom, when and by whom (with the file's
    SHA-256), for a family that asks where its data went."""

    def __init__(self, view: CaseFileView):
        super().__init__(view, "disclosuresTab")
        layout = QVBoxLayout(self)
        self.intro = wrapped_label(
            _(
                "Every agenda or minutes edition that held details of this case and was "
                "printed or saved, and to whom it went."
            ),
            "disclosuresIntro",
        )
        layout.addWidget(self.intro)
        self.empty = wrapped_label(
            _(
                "No details of this case have left pact yet. When an agenda or the minutes "
                "with this case's details are printed or saved, they are listed here."
            ),
            "noDisclosuresLabel",
            HINT_STYLE,
        )
        layout.addWidget(self.empty)
        self.table = RecordTable(
            "disclosuresTable",
            _("Disclosure record"),
            [
                Column(_("When"), 1.3, 12),
                Column(_("Document"), 1.6, 10),
                Column(_("Meeting"), 2.2, 12),
                Column(_("Recipient"), 2.4, 12),
                Column(_("How"), 1.4, 9),
                Column(_("By"), 1.4, 9),
            ],
            select_first=True,
        )
        layout.addWidget(self.table, 1)
        self.detail = wrapped_label("", "disclosureDetail")
        layout.addWidget(self.detail)
        self.table.current_key_changed.connect(lambda _k: self._selected())

    def fill(self, bundle: CaseBundle) -> None:
        rows: list[list[Cell | str]] = [
            [
                format_datetime(d.made_at, "d MMM y HH:mm"),
                documents_svc.document_label(d.document),
                d.meeting,
                d.recipient,
                documents_svc.channel_label(d.channel),
                d.made_by,
            ]
            for d in bundle.disclosures
        ]
        self.table.set_rows(rows, [d.id for d in bundle.disclosures])
        self.empty.setVisible(not bundle.disclosures)
        self._selected()

    def _selected(self) -> None:
        key = self.table.current_key()
        found = next(
            (d for d in (self.bundle.disclosures if self.bundle else ()) if d.id == key), None
        )
        if found is None:
            self.detail.setText("")
            return
        self.detail.setText(
            _("{destination} · {pages} p. · SHA-256 {sha}").format(
                destination=found.destination, pages=found.pages, sha=found.sha256
            )
        )

    def update_buttons(self) -> None:
        pass

    def first_focus(self) -> QWidget | None:
        return self.table


class CaseFileView(QWidget):
    """``back_requested`` (the person wants the list again), ``load_failed(message)``
    (the case cannot be shown: gone, or no access), ``case_loaded(case_id)``,
    ``open_cancelled`` (a coordinator gave no break-glass reason: nothing opened)."""

    back_requested = Signal()
    load_failed = Signal(str)
    case_loaded = Signal(int)
    open_cancelled = Signal()

    TAB_KEYS = (
        "family",
        "partners",
        "signals",
        "consultations",
        "consent",
        "steps",
        "timeline",
        "disclosures",
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseFileView")
        self.ctx = ctx
        self.case_id: int | None = None
        self.bundle: CaseBundle | None = None
        self.choices: CaseChoices | None = None
        self.dialog: CaseFormDialog | None = None
        self.break_glass_dialog: BreakGlassDialog | None = None
        self._generation = 0
        self._timeline_generation = 0
        self._pending_message = ""
        self._pending_tab: str | None = None
        self._focus_tab: str | None = None
        self._stale = False
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)
        self._build()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        top = QHBoxLayout()
        self.back_button = push_button(
            "backToListButton",
            _("← Case list"),
            accessible=_("Back to the case list"),
            tip=_("Back to the case list (Esc or Alt+Left)"),
        )
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        header = QVBoxLayout()
        title_row = QHBoxLayout()
        self.code_label = QLabel(self)
        self.code_label.setObjectName("caseCode")
        font = self.code_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_row.addWidget(self.code_label)
        self.alias_label = QLabel(self)
        self.alias_label.setObjectName("caseAlias")
        alias_font = self.alias_label.font()
        alias_font.setPointSizeF(alias_font.pointSizeF() * 1.3)
        self.alias_label.setFont(alias_font)
        self.alias_label.setTextFormat(Qt.TextFormat.PlainText)
        title_row.addWidget(self.alias_label)
        title_row.addSpacing(12)
        self.level_badge = Badge("levelBadge", self)
        self.status_badge = Badge("statusBadge", self)
        self.consent_badge = Badge("consentBadge", self)
        self.meldcode_badge = Badge("meldcodeBadge", self)
        for badge in (self.level_badge, self.status_badge, self.consent_badge, self.meldcode_badge):
            title_row.addWidget(badge)
        title_row.addStretch(1)
        header.addLayout(title_row)
        self.facts_label = wrapped_label("", "caseFacts")
        header.addWidget(self.facts_label)
        top.addLayout(header, 1)
        outer.addLayout(top)

        actions = QHBoxLayout()
        self.edit_button = push_button("editDetailsButton", _("Edit &details…"))
        self.level_button = push_button("changeLevelButton", _("Change &level…"))
        self.activate_button = push_button(
            "startSupportButton",
            _("Start s&upport"),
            tip=_("The case moves from registered to active: support has started."),
        )
        self.close_button = push_button("closeCaseButton", _("&Close case…"))
        self.reopen_button = push_button("reopenCaseButton", _("Re&open case…"))
        for b in (
            self.edit_button,
            self.level_button,
            self.activate_button,
            self.close_button,
            self.reopen_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        # a family's requests (AVG articles 15 and 17): coordinators only
        self.access_button = push_button(
            "accessExportButton",
            _("&Access export (AVG)…"),
            tip=_(
                "Save everything pact holds about this case as a PDF and a JSON file, to "
                "answer the family's request to see its data (AVG article 15)"
            ),
        )
        self.erase_button = push_button(
            "eraseCaseButton",
            _("Erase on re&quest (AVG)…"),
            tip=_(
                "Remove the names, texts and contact details of this case on the family's "
                "request (AVG article 17); the counts for the reports stay"
            ),
        )
        for b in (self.access_button, self.erase_button):
            b.setVisible(self.ctx.actor.is_coordinator)
            actions.addWidget(b)
        outer.addLayout(actions)

        self.closed_bar = MessageBar("closedBar", self)
        outer.addWidget(self.closed_bar)
        self.message = MessageBar("caseFileMessage", self)
        outer.addWidget(self.message)
        self.busy = busy_bar(self, "caseFileBusy")
        outer.addWidget(self.busy)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseTabs")
        self.tabs.setAccessibleName(_("Parts of the case file"))
        self.family_tab = FamilyTab(self)
        self.partners_tab = PartnersTab(self)
        self.signals_tab = SignalsTab(self)
        self.consultations_tab = ConsultationsTab(self)
        self.consent_tab = ConsentTab(self)
        self.steps_tab = StepsTab(self)
        self.timeline_tab = TimelineTab(self)
        self.disclosures_tab = DisclosuresTab(self)
        self._tabs: dict[str, _Tab] = {
            "family": self.family_tab,
            "partners": self.partners_tab,
            "signals": self.signals_tab,
            "consultations": self.consultations_tab,
            "consent": self.consent_tab,
            "steps": self.steps_tab,
            "timeline": self.timeline_tab,
            "disclosures": self.disclosures_tab,
        }
        titles = {
            "family": _("Fa&mily"),
            "partners": _("&Partners"),
            "signals": _("&Signals"),
            "consultations": _("Consul&tations"),
            "consent": _("Co&nsent"),
            "steps": _("Ne&xt steps"),
            "timeline": _("T&imeline"),
            "disclosures": _("Disclosu&res"),
        }
        for key in self.TAB_KEYS:
            self.tabs.addTab(self._tabs[key], titles[key])
        outer.addWidget(self.tabs, 1)

        self.back_button.clicked.connect(self.back_requested)
        self.edit_button.clicked.connect(self.edit_details)
        self.level_button.clicked.connect(self.change_level)
        self.activate_button.clicked.connect(self.start_support)
        self.close_button.clicked.connect(self.close_case)
        self.reopen_button.clicked.connect(self.reopen_case)
        self.access_button.clicked.connect(self.access_export)
        self.erase_button.clicked.connect(self.erase_case)
        self.timeline_tab.kinds_changed.connect(self._load_timeline)

        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested)
        for keys, step in (("Ctrl+Tab", 1), ("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self._step_tab(s))
        previous = QShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Backtab), self)
        previous.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        previous.activated.connect(lambda: self._step_tab(-1))

        chain: list[QWidget] = [
            self.back_button,
            self.edit_button,
            self.level_button,
            self.activate_button,
            self.close_button,
            self.reopen_button,
            self.access_button,
            self.erase_button,
            self.tabs,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ------------------------------------------------------------ loading

    def load(self, case_id: int, message: str = "", tab: str | None = None) -> None:
        """Read and show case ``case_id`` (in the background), with ``message`` in
        its message bar once it shows, at ``tab`` (a key of ``TAB_KEYS``; None: the
        first tab for another case, the same tab for the case shown)."""
        self._pending_message = message
        self._pending_tab = tab if tab in self.TAB_KEYS else None
        self._fetch(case_id, opening=True)

    def reload(self) -> None:
        """Read the open case file again (after a change): not a new opening."""
        if self.case_id is not None:
            self._fetch(self.case_id, opening=False)

    def _fetch(self, case_id: int, opening: bool) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        uow, actor = self.ctx.uow, self.ctx.actor
        kinds = self.timeline_tab.kinds()
        need_choices = self.choices is None

        def work() -> tuple[CaseBundle, CaseChoices | None]:
            bundle = load_bundle(uow, actor, case_id, kinds, opening)
            return bundle, load_choices(uow) if need_choices else None

        self.busy.show()
        Op(self, work).success(lambda r: self._loaded(generation, r)).failure(
            lambda exc: self._failed(generation, exc)
        ).run()

    def _loaded(self, generation: int, result: tuple[CaseBundle, CaseChoices | None]) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        bundle, choices = result
        if choices is not None:
            self.choices = choices
        first = self.case_id != bundle.header.id
        if self._pending_message:
            self.message.show_message(self._pending_message, "info")
            self._pending_message = ""
        elif first:
            self.message.hide()
        self.case_id = bundle.header.id
        self.bundle = bundle
        self._show(bundle)
        tab, self._pending_tab = self._pending_tab, None
        if tab is not None:
            self.tabs.setCurrentIndex(self.TAB_KEYS.index(tab))
            self._focus_tab = tab
        elif first:
            self.tabs.setCurrentIndex(0)
        self.case_loaded.emit(bundle.header.id)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        if isinstance(exc, BreakGlassRequiredError):
            self._ask_break_glass(exc)
            return
        self.load_failed.emit(str(exc))

    # ------------------------------------------------------------ break-glass

    def _ask_break_glass(self, exc: BreakGlassRequiredError) -> None:
        """A coordinator opens a case outside their own cases: only with a reason."""
        old = self.break_glass_dialog
        if old is not None and isValid(old):
            old.blockSignals(True)  # replaced, not cancelled
            old.close()
        case_id = exc.case_id

        def opened() -> None:
            if isValid(self):
                self._fetch(case_id, opening=True)

        dialog = ask_break_glass(self, self.ctx, exc, opened, self._break_glass_cancelled)
        dialog.finished.connect(lambda _r: self._forget_break_glass(dialog))
        self.break_glass_dialog = dialog

    def _break_glass_cancelled(self) -> None:
        if isValid(self):
            self._pending_message = ""
            self._pending_tab = None
            self.open_cancelled.emit()

    def _forget_break_glass(self, dialog: QDialog) -> None:
        if self.break_glass_dialog is dialog:
            self.break_glass_dialog = None

    def _load_timeline(self) -> None:
        if self.case_id is None:
            return
        self._timeline_generation += 1
        generation = self._timeline_generation
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.case_id
        kinds = self.timeline_tab.kinds()

        def work() -> list[timeline_svc.TimelineEntry]:
            return timeline_svc.timeline(uow(), actor, case_id, kinds)

        def done(entries: list[timeline_svc.TimelineEntry]) -> None:
            if isValid(self) and generation == self._timeline_generation:
                if self.bundle is not None:
                    self.bundle = replace(self.bundle, timeline=tuple(entries))
                self.timeline_tab.show_entries(entries)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self):
                self.message.show_message(str(exc), "error")

        Op(self, work).success(done).failure(failed).run()

    def _on_changed(self, what: str) -> None:
        if what in ("partners", "municipalities"):
            self.choices = None
        if self.case_id is not None and what in (
            "cases",
            "actions",
            "partners",
            "municipalities",
            "users",
        ):
            if self.ctx.elsewhere and self.has_dialog():
                # changed on another workstation while being edited here: read again
                # once the dialog closes (saving it first meets the conflict, if any)
                self._stale = True
            elif self.isVisible():
                self._reload_timer.start()
            else:
                self._stale = True  # read again when it shows

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc (that no field of the case file used) goes back to the list, like
        Alt+Left."""
        if (
            event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and not self.has_dialog()
        ):
            event.accept()
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._reload_timer.start()

    # ------------------------------------------------------------ showing

    def _show(self, bundle: CaseBundle) -> None:
        h = bundle.header
        closed = h.closed
        self.code_label.setText(h.code)
        self.alias_label.setText(_("(anonymised)") if h.anonymised else h.alias)
        self.level_badge.set_badge(
            level_long(h.level), LEVEL_KIND.get(h.level, "neutral"), level_tip(h.level)
        )
        status_kind = {"registered": "neutral", "active": "ok", "closed": "neutral"}[h.status]
        self.status_badge.set_badge(label(CASE_STATUS_LABELS, h.status), status_kind)
        self.consent_badge.set_badge(
            consent_long(h.consent, h.consent_ok_until),
            CONSENT_KIND.get(h.consent, "neutral"),
            consent_explained(h.consent),
        )
        self.meldcode_badge.set_badge(
            _("⚑ {marker}").format(marker=_(MELDCODE_TEXT)), "meldcode", _(MELDCODE_TIP)
        )
        self.meldcode_badge.setVisible(h.meldcode)

        facts = [
            h.municipality,
            _("registered on {date} by {user}").format(
                date=format_date(h.registered_on), user=h.registered_by or "?"
            ),
        ]
        if h.lead:
            lead = (
                _("{contact} ({organisation})").format(
                    contact=h.lead, organisation=h.lead_organisation
                )
                if h.lead_organisation
                else h.lead
            )
            facts.append(_("case lead: {lead}").format(lead=lead))
        else:
            facts.append(_("no case lead yet"))
        if h.referred_by:
            facts.append(_("brought in by {organisation}").format(organisation=h.referred_by))
        self.facts_label.setText(" · ".join(facts))
        self.facts_label.setToolTip(h.notes)

        if h.anonymised:
            self.closed_bar.show_message(anonymised_text(h), "warning")
            self.closed_bar.close_button.hide()
        elif closed:
            reason = h.close_reason or "—"
            self.closed_bar.show_message(
                _("Closed on {date}. Reason: {reason}").format(
                    date=format_date(h.closed_on), reason=reason
                )
                + "\n"
                + _("The case file is read-only: reopen the case to change anything."),
                "warning",
                (_("Reopen case…"), self.reopen_case),
            )
            self.closed_bar.close_button.hide()
        else:
            self.closed_bar.hide()
        self.edit_button.setEnabled(not closed)
        self.level_button.setEnabled(not closed)
        self.activate_button.setVisible(h.status == "registered")
        self.close_button.setVisible(not closed)
        self.reopen_button.setVisible(closed and not h.anonymised)
        self.erase_button.setEnabled(not h.anonymised)
        for tab in self._tabs.values():
            tab.show_bundle(bundle, editable=not closed)
        self._tab_titles(bundle)

    def _tab_titles(self, bundle: CaseBundle) -> None:
        """Counts in the tab titles, and a warning sign where something needs attention."""
        today = bundle.today
        overdue = sum(a.overdue(today) for a in bundle.actions)
        open_steps = sum(a.status == "open" for a in bundle.actions)
        uncovered = any(p.basis is None and p.ended_on is None for p in bundle.file.partners)
        consent_ok = bundle.file.consent.state == "complete"
        titles = {
            "family": _("Fa&mily ({n})").format(
                n=len(bundle.file.children) + len(bundle.file.carers)
            ),
            "partners": (_("&Partners ({n}) ⚠") if uncovered else _("&Partners ({n})")).format(
                n=sum(p.ended_on is None for p in bundle.file.partners)
            ),
            "signals": _("&Signals ({n})").format(n=len(bundle.signals)),
            "consultations": _("Consul&tations ({n})").format(n=len(bundle.consultations)),
            "consent": _("Co&nsent") if consent_ok else _("Co&nsent ⚠"),
            "steps": (
                _("Ne&xt steps ({n}, {late} overdue)") if overdue else _("Ne&xt steps ({n})")
            ).format(n=open_steps, late=overdue),
            "timeline": _("T&imeline"),
            "disclosures": _("Disclosu&res ({n})").format(n=len(bundle.disclosures)),
        }
        for i, key in enumerate(self.TAB_KEYS):
            self.tabs.setTabText(i, titles[key])
        self.tabs.setTabToolTip(
            self.TAB_KEYS.index("consent"), consent_explained(bundle.file.consent.state)
        )

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self.TAB_KEYS.index(key))
        target = self._tabs[key].first_focus()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_tab(self) -> str:
        return self.TAB_KEYS[self.tabs.currentIndex()]

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        self.tabs.tabBar().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_first(self) -> None:
        """After opening: the keyboard starts on the tabs, or in the list of the tab
        the case was opened at."""
        tab, self._focus_tab = self._focus_tab, None
        target = self._tabs[tab].first_focus() if tab is not None else None
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ writes

    def open_dialog(
        self,
        build: Callable[[CaseChoices], CaseFormDialog],
        kinds: Sequence[str] = ("cases",),
    ) -> None:
        """Open an edit dialog (built with the choices, read first when needed)."""
        if self.choices is None:
            uow = self.ctx.uow

            def loaded(choices: CaseChoices) -> None:
                if isValid(self):
                    self.choices = choices
                    self._open(build(choices), kinds)

            def failed(exc: BaseException) -> None:
                if not isinstance(exc, PactError):
                    raise exc
                if isValid(self):
                    self.message.show_message(str(exc), "error")

            Op(self, lambda: load_choices(uow)).success(loaded).failure(failed).run()
            return
        self._open(build(self.choices), kinds)

    def _open(self, dialog: CaseFormDialog, kinds: Sequence[str]) -> None:
        dialog.setParent(self, dialog.windowFlags())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _result: self._after_write(dialog.done_text, kinds))
        dialog.consent_tab_requested.connect(lambda: self.show_tab("consent"))
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            if self._stale and self.isVisible():
                self._stale = False
                self._reload_timer.start()  # what another workstation changed meanwhile

    def _after_write(self, text: str, kinds: Sequence[str]) -> None:
        if not isValid(self):
            return
        self.message.show_message(text, "info")
        for kind in kinds:
            self.ctx.changed.emit(kind)

    def run_write(
        self,
        fn: Callable[[], Any],
        done_text: str,
        kinds: Sequence[str] = ("cases",),
    ) -> None:
        """A write without a dialog (after a confirmation); its refusal shows in the
        message bar."""
        self.busy.show()

        def done(_result: object) -> None:
            if isValid(self):
                self.busy.hide()
                self._after_write(done_text, kinds)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if not isValid(self):
                return
            self.busy.hide()
            self.message.show_message(
                _("Not changed: {reason}").format(reason=error_text(exc)), "error"
            )
            self.reload()

        Op(self, fn, write=True).success(done).failure(failed).run()

    def confirm(self, name: str, question: str, detail: str, yes: str) -> bool:
        box = QMessageBox(self)
        box.setObjectName(name)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Please confirm"))
        box.setText(question)
        box.setInformativeText(detail)
        ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        ok.setObjectName("confirmButton")
        ok.setAccessibleName(yes)
        cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        cancel.setAccessibleName(_("Cancel"))
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        answer = box.clickedButton() is ok
        box.deleteLater()
        return answer

    # -- header actions

    def edit_details(self) -> None:
        if self.bundle is None or self.bundle.header.closed:
            return
        header = self.bundle.header
        self.open_dialog(lambda choices: CaseDetailsDialog(self.ctx, choices, header))

    def change_level(self) -> None:
        if self.bundle is None or self.bundle.header.closed:
            return
        header, levels = self.bundle.header, self.bundle.file.levels
        self.open_dialog(lambda _choices: ChangeLevelDialog(self.ctx, header, levels))

    def start_support(self) -> None:
        if self.bundle is None or self.bundle.header.status != "registered":
            return
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.bundle.header.id
        self.run_write(
            lambda: case_svc.activate_case(uow(), actor, case_id),
            _("Support has started: the case is active."),
        )

    def close_case(self) -> None:
        if self.bundle is None or self.bundle.header.closed:
            return
        header = self.bundle.header
        open_steps = sum(a.status == "open" for a in self.bundle.actions)
        self.open_dialog(
            lambda _choices: CloseCaseDialog(self.ctx, header, open_steps),
            kinds=("cases", "actions"),
        )

    def reopen_case(self) -> None:
        if self.bundle is None or not self.bundle.header.closed or self.bundle.header.anonymised:
            return
        header = self.bundle.header
        self.open_dialog(lambda _choices: ReopenCaseDialog(self.ctx, header))

    # -- a family's requests (AVG)

    def erase_case(self) -> None:
        """Erase on request: what it involves is read first (the Meldcode warning), then
        the dialog asks for the request's date and reason."""
        if (
            self.bundle is None
            or self.bundle.header.anonymised
            or not self.ctx.actor.is_coordinator
        ):
            return
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.bundle.header.id

        def loaded(info: retention_svc.ErasureInfo) -> None:
            if not isValid(self):
                return
            self.busy.hide()
            dialog = EraseCaseDialog(self.ctx, info)
            self._open(dialog, ("cases", "actions"))
            dialog.saved.connect(self._erased)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, PactError):
                raise exc
            if isValid(self):
                self.busy.hide()
                self.message.show_message(error_text(exc), "error")

        self.busy.show()
        Op(self, lambda: retention_svc.erasure_info(uow(), actor, case_id)).success(loaded).failure(
            failed
        ).run()

    def _erased(self, result: object) -> None:
        # after _after_write's message: a late erasure is said as a warning
        if isValid(self) and isinstance(result, retention_svc.ErasureResult) and result.warning:
            self.message.show_message(self.message.text.text(), "warning")

    def _access_folder(self) -> str:
        folder = str(_settings().value(f"{_SETTINGS_GROUP}/accessFolder", "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def access_export(self) -> None:
        """Access export: choose a folder, then write the PDF and the JSON there."""
        if self.bundle is None or not self.ctx.actor.is_coordinator:
            return
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Choose the folder for the access export of case {code}").format(
                code=self.bundle.header.code
            ),
            self._access_folder(),
        )
        if folder:
            self.export_access_to(Path(folder))

    def export_access_to(self, folder: Path) -> None:
        """Write the access export of the open case into ``folder``, in the background;
        the two paths (or what went wrong) in the message bar."""
        if self.bundle is None:
            return
        _settings().setValue(f"{_SETTINGS_GROUP}/accessFolder", str(folder))
        uow, actor, case_id = self.ctx.uow, self.ctx.actor, self.bundle.header.id
        self.access_button.setEnabled(False)
        self.busy.show()

        def done(files: subject_access.ExportedFiles) -> None:
            if not isValid(self):
                return
            self.busy.hide()
            self.access_button.setEnabled(True)
            self.message.show_message(
                _("Access export saved: {pdf} and {json}.").format(
                    pdf=str(files.pdf), json=str(files.json)
                ),
                "info",
            )

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                reason = os_reason(exc)
            elif isinstance(exc, PactError):
                reason = error_text(exc)
            else:
                raise exc
            if isValid(self):
                self.busy.hide()
                self.access_button.setEnabled(True)
                self.message.show_message(
                    _("The access export failed: {reason}").format(reason=reason), "error"
                )

        Op(
            self,
            lambda: subject_access.export_files(uow(), actor, case_id, folder),
            write=True,
        ).with_progress(_("Writing the access export…")).success(done).failure(failed).run()

    # ------------------------------------------------------------ for the cases view

    def has_dialog(self) -> bool:
        return self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible()

    def today(self) -> date:
        return self.bundle.today if self.bundle else clock.today()


def anonymised_text(h: case_svc.CaseHeader) -> str:
    """What the bar over an anonymised case file says."""
    if h.anonymised_kind == retention_svc.ERASURE:
        first = _(
            "Erased on request on {date} (the request was made on {requested}): the names, "
            "free texts and contact details of this case were removed."
        ).format(date=format_date(h.anonymised_on), requested=format_date(h.erasure_requested_on))
    else:
        first = _(
            "Anonymised on {date}, after its retention term: the names, free texts and "
            "contact details of this case were removed."
        ).format(date=format_date(h.anonymised_on))
    return "\n".join(
        (
            first,
            _(
                "The case code, dates, levels and the counts for the reports stay. The case "
                "file can only be read."
            ),
        )
    )


__all__ = ["CaseBundle", "CaseFileView", "anonymised_text", "load_bundle"]
