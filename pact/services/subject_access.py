"""A family's request to see its data (AVG article 15): everything pact holds about
one case, as a readable PDF and as JSON, made in one audited action.

``collect`` reads the parts of one case into plain data (``AccessExport``): the family,
children, carers, partners involved, signals, consent, Meldcode justifications,
consultations, the excerpts of the meetings where the case was discussed (its own agenda
items only), next steps, the level and status history, the disclosure record rows that
hold the case and the audit entries with its code. Nothing of another case: a meeting
shared with other cases gives only this case's items, a disclosure that held other
cases too gives no other code.

Answering a request is a coordinator's act. It needs no break-glass reason (the request
is the reason); ``export_files`` writes the two files (both or neither, never over an
existing file) and one audit entry (export, the case's code, no names).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pact.config import FileExistsRefusal
from pact.db.uow import UnitOfWork
from pact.errors import PactError, os_reason
from pact.i18n import _, format_date, format_datetime
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    AuditEntry,
    Case,
    CaseSignal,
    Consultation,
    Disclosure,
    DisclosureCase,
    Meeting,
)
from pact.models.disclosure import CHANNELS, DOCUMENTS
from pact.reports import access_export as pdf
from pact.services import audit, clock, documents
from pact.services import cases as case_svc
from pact.services import consent as consent_svc
from pact.services.consultations import ActionData, action_rows, meeting_label, signal_rows
from pact.services.lookup import mapping, org_names, user_names
from pact.services.scope import coordinator_case
from pact.services.users import Actor
from pact.services.vocab import (
    ACTION_STATUS_LABELS,
    CASE_ROLE_LABELS,
    CASE_STATUS_LABELS,
    CONSENT_METHOD_LABELS,
    CONSENT_STATE_LABELS,
    INFO_KIND_LABELS,
    RELATION_LABELS,
    SERIOUSNESS_LABELS,
    SIGNAL_DOMAIN_LABELS,
    STATUS_EVENT_LABELS,
    label,
    level_label,
)

FORMAT = "pact-access-export"
FORMAT_VERSION = 1
EMPTY = "–"  # what a view shows for a name removed by anonymisation


# ---------------------------------------------------------------- the parts


@dataclass(frozen=True)
class FamilyPart:
    code: str
    alias: str
    family_name: str
    status: str
    level: int
    municipality: str
    registered_on: date
    registered_by: str
    referred_by: str
    lead: str
    lead_organisation: str
    closed_on: date | None
    close_reason: str
    notes: str
    consent_state: str
    meldcode: bool
    # names and free texts removed: after the retention term or on request (erasure)
    anonymised_on: date | None = None
    anonymised_kind: str = ""  # "retention" / "erasure" / ""
    anonymised_reason: str = ""
    erasure_requested_on: date | None = None
    erasure_justification: str = ""  # why a Meldcode case was erased anyway


@dataclass(frozen=True)
class ChildPart:
    name: str
    birth_year: int
    school: str
    notes: str
    buddy_organisation: str
    buddy_since: date | None


@dataclass(frozen=True)
class CarerPart:
    alias: str
    relation: str
    parental_authority: bool
    notes: str


@dataclass(frozen=True)
class PartnerPart:
    organisation: str
    role: str
    note: str
    added_on: date
    added_by: str
    under_meldcode: bool
    ended_on: date | None


@dataclass(frozen=True)
class SignalPart:
    observed_on: date
    child: str
    domain: str
    seriousness: int
    observation: str
    source: str
    recorded_by: str


@dataclass(frozen=True)
class ConsentPart:
    given_on: date
    method: str
    given_by: tuple[str, ...]
    partners: tuple[str, ...]
    info_kinds: tuple[str, ...]
    valid_until: date | None
    notes: str
    withdrawn_on: date | None
    withdrawn_by: str
    withdrawn_note: str
    recorded_by: str


@dataclass(frozen=True)
class MeldcodePart:
    decided_on: date
    justification: str
    partners: tuple[str, ...]
    recorded_by: str


@dataclass(frozen=True)
class ConsultationPart:
    held_on: date
    worker: str
    question: str
    advice: str
    anonymous: bool
    partners: tuple[str, ...]


@dataclass(frozen=True)
class ReviewPart:
    """What a meeting decided about a next step on its action list."""

    meeting: str
    outcome: str
    note: str


@dataclass(frozen=True)
class StepPart:
    what: str
    owner: str
    due_on: date
    status: str
    done_on: date | None
    note: str
    agreed_at: str  # the meeting or the consultation where it was agreed, "" when neither
    created_on: date
    created_by: str
    closed_by: str
    reviews: tuple[ReviewPart, ...]


@dataclass(frozen=True)
class AmendmentPart:
    made_on: date
    text: str


@dataclass(frozen=True)
class MeetingExcerpt:
    """One agenda item about the case, with its meeting; never the meeting's other items."""

    meeting: str
    meeting_kind: str
    held_on: date
    item_title: str
    description: str
    discussed_anonymously: bool
    minutes: str
    decisions: tuple[str, ...]
    chair_notes: str
    amendments: tuple[AmendmentPart, ...]
    next_steps: tuple[StepPart, ...]


@dataclass(frozen=True)
class LevelPart:
    changed_on: date
    level: int
    previous_level: int | None
    changed_by: str
    reason: str


@dataclass(frozen=True)
class StatusPart:
    on: date
    event: str
    by: str
    reason: str


@dataclass(frozen=True)
class DisclosurePart:
    made_at: datetime
    document: str
    meeting: str
    recipient: str
    channel: str


@dataclass(frozen=True)
class AuditPart:
    at: datetime  # local time, with its offset
    user: str
    event: str
    record_type: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class AccessExport:
    """Everything pact holds about one case, as plain data (codes, not labels)."""

    case_code: str
    made_at: datetime  # local time, with its offset
    made_by: str
    pact: str  # the pact's name: who holds the data
    family: FamilyPart
    children: tuple[ChildPart, ...]
    carers: tuple[CarerPart, ...]
    case_partners: tuple[PartnerPart, ...]
    signals: tuple[SignalPart, ...]
    consents: tuple[ConsentPart, ...]
    meldcode_justifications: tuple[MeldcodePart, ...]
    consultations: tuple[ConsultationPart, ...]
    meeting_excerpts: tuple[MeetingExcerpt, ...]
    next_steps: tuple[StepPart, ...]
    level_history: tuple[LevelPart, ...]
    status_history: tuple[StatusPart, ...]
    disclosures: tuple[DisclosurePart, ...]
    audit_entries: tuple[AuditPart, ...]


@dataclass(frozen=True)
class ExportedFiles:
    pdf: Path
    json: Path


# ---------------------------------------------------------------- reading


def _load(s: Session, actor: Actor, case_id: int) -> tuple[Case, Actor]:
    """The case and the acting coordinator. Anybody else is refused, and the refused
    attempt is audited (then AccessDeniedError)."""
    return coordinator_case(
        s,
        actor,
        case_id,
        audit.EXPORT,
        _audit_detail(),
        _("Only a coordinator can export a case's data for an access request."),
    )


def _audit_detail() -> str:
    # no names, no paths (a folder may be named after the family): the log keeps it forever
    return _("access request (PDF + JSON)")


def _local(moment: datetime) -> datetime:
    """A stored UTC moment (naive) on this computer's clock, with its offset."""
    return moment.replace(tzinfo=UTC).astimezone()


def _steps(
    s: Session, steps: Sequence[ActionData], consultation_days: dict[int, date]
) -> tuple[StepPart, ...]:
    reviews: dict[int, list[ReviewPart]] = {}
    ids = [step.id for step in steps]
    if ids:
        rows = s.execute(
            select(ActionReview.action_id, Meeting.title, Meeting.held_on, ActionReview)
            .join(Meeting, Meeting.id == ActionReview.meeting_id)
            .where(ActionReview.action_id.in_(ids))
            .order_by(Meeting.held_on, ActionReview.id)
        )
        for action_id, title, held_on, review in rows:
            reviews.setdefault(action_id, []).append(
                ReviewPart(meeting_label(title, held_on), review.outcome, review.note)
            )
    out = []
    for step in steps:
        agreed = step.meeting
        if not agreed and step.consultation_id in consultation_days:
            agreed = _("Consultation of {date}").format(
                date=format_date(consultation_days[step.consultation_id])
            )
        out.append(
            StepPart(
                what=step.what,
                owner=step.owner,
                due_on=step.due_on,
                status=step.status,
                done_on=step.done_on,
                note=step.note,
                agreed_at=agreed,
                created_on=step.created_on,
                created_by=step.created_by,
                closed_by=step.closed_by,
                reviews=tuple(reviews.get(step.id, ())),
            )
        )
    return tuple(out)


def _consents(s: Session, c: Case) -> tuple[ConsentPart, ...]:
    return tuple(
        ConsentPart(
            given_on=r.given_on,
            method=r.method,
            given_by=tuple(g.name for g in r.givers),
            partners=r.partners,
            info_kinds=r.info_kinds,
            valid_until=r.valid_until,
            notes=r.notes,
            withdrawn_on=r.withdrawn_on,
            withdrawn_by=r.withdrawn_by,
            withdrawn_note=r.withdrawn_note,
            recorded_by=r.recorded_by,
        )
        for r in consent_svc.consent_records(s, c, newest_first=False, blank=EMPTY)
    )


def _meldcode(s: Session, c: Case) -> tuple[MeldcodePart, ...]:
    return tuple(
        MeldcodePart(
            decided_on=r.decided_on,
            justification=r.justification,
            partners=r.partners,
            recorded_by=r.recorded_by,
        )
        for r in consent_svc.meldcode_records(s, c, newest_first=False)
    )


def _consultations(s: Session, c: Case) -> tuple[ConsultationPart, ...]:
    items = list(
        s.scalars(
            select(Consultation)
            .where(Consultation.case_id == c.id)
            .order_by(Consultation.held_on, Consultation.id)
        )
    )
    orgs = org_names(s, {p.organisation_id for x in items for p in x.partner_links})
    users = user_names(s, {x.worker_id for x in items})
    return tuple(
        ConsultationPart(
            held_on=x.held_on,
            worker=users.get(x.worker_id, ""),
            question=x.question,
            advice=x.advice,
            anonymous=x.anonymous,
            partners=tuple(orgs.get(p.organisation_id, "?") for p in x.partner_links),
        )
        for x in items
    )


def _excerpts(
    s: Session, c: Case, steps: dict[int, StepPart], step_items: dict[int, int | None]
) -> tuple[MeetingExcerpt, ...]:
    """This case's agenda items, each with its meeting; the meetings' other items are
    never read."""
    rows = list(
        s.execute(
            select(AgendaItem, Meeting)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.case_id == c.id)
            .order_by(Meeting.held_on, Meeting.starts_at, AgendaItem.position)
        )
    )
    item_ids = [item.id for item, _m in rows]
    amendments: dict[int, list[AmendmentPart]] = {}
    if item_ids:
        for a in s.scalars(
            select(Amendment)
            .where(Amendment.item_id.in_(item_ids))
            .order_by(Amendment.made_on, Amendment.id)
        ):
            amendments.setdefault(a.item_id or 0, []).append(AmendmentPart(a.made_on, a.text))
    out = []
    for item, meeting in rows:
        out.append(
            MeetingExcerpt(
                meeting=meeting.title,
                meeting_kind=meeting.kind,
                held_on=meeting.held_on,
                item_title=item.title,
                description=item.description,
                discussed_anonymously=item.case_mode == "anonymous",
                minutes=item.minutes,
                decisions=tuple(d.text for d in item.decisions),
                chair_notes=item.chair_notes,
                amendments=tuple(amendments.get(item.id, ())),
                next_steps=tuple(
                    part for step_id, part in steps.items() if step_items.get(step_id) == item.id
                ),
            )
        )
    return tuple(out)


def _disclosures(s: Session, c: Case) -> tuple[DisclosurePart, ...]:
    """The editions that held this case's details: document, meeting, recipient, when,
    how. The other cases an edition held are not read."""
    entries = s.scalars(
        select(Disclosure)
        .where(
            Disclosure.id.in_(
                select(DisclosureCase.disclosure_id).where(
                    or_(DisclosureCase.case_id == c.id, DisclosureCase.case_code == c.code)
                )
            )
        )
        .order_by(Disclosure.made_at, Disclosure.id)
    )
    return tuple(
        DisclosurePart(
            made_at=e.made_at.astimezone(),  # stored as local time: with its offset
            document=e.document,
            meeting=e.meeting,
            recipient=e.recipient,
            channel=e.channel,
        )
        for e in entries
    )


def _audit(s: Session, c: Case) -> tuple[AuditPart, ...]:
    entries = s.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_code == c.code)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=2000)
    )
    return tuple(
        AuditPart(
            at=_local(e.at),
            user=e.username,
            event=e.event,
            record_type=e.record_type,
            outcome=e.outcome,
            detail=e.detail,
        )
        for e in entries
    )


def _collect(s: Session, me: Actor, c: Case, pact_name: str) -> AccessExport:
    file = case_svc.case_file(s, c)
    h = file.header
    family = FamilyPart(
        code=h.code,
        alias=h.alias,
        family_name=h.family_name,
        status=h.status,
        level=h.level,
        municipality=h.municipality,
        registered_on=h.registered_on,
        registered_by=h.registered_by,
        referred_by=h.referred_by,
        lead=h.lead,
        lead_organisation=h.lead_organisation,
        closed_on=h.closed_on,
        close_reason=h.close_reason,
        notes=h.notes,
        consent_state=h.consent,
        meldcode=h.meldcode,
        anonymised_on=c.anonymised_on,
        anonymised_kind=c.anonymised_kind,
        anonymised_reason=c.anonymised_reason,
        erasure_requested_on=c.erasure_requested_on,
        erasure_justification=c.erasure_justification,
    )
    consultation_days = mapping(
        s, select(Consultation.id, Consultation.held_on).where(Consultation.case_id == c.id)
    )
    actions = action_rows(
        s, select(Action).where(Action.case_id == c.id).order_by(Action.due_on, Action.id)
    )
    steps = _steps(s, actions, consultation_days)
    by_id = {a.id: part for a, part in zip(actions, steps, strict=True)}
    step_items = {a.id: a.agenda_item_id for a in actions}
    signals = signal_rows(
        s,
        list(
            s.scalars(
                select(CaseSignal)
                .where(CaseSignal.case_id == c.id)
                .order_by(CaseSignal.observed_on, CaseSignal.id)
            )
        ),
    )
    return AccessExport(
        case_code=c.code,
        made_at=datetime.now().astimezone().replace(microsecond=0),
        made_by=me.display_name,
        pact=pact_name,
        family=family,
        children=tuple(
            ChildPart(
                name=x.name,
                birth_year=x.birth_year,
                school=x.school,
                notes=x.notes,
                buddy_organisation=x.buddy_organisation,
                buddy_since=x.buddy_since,
            )
            for x in file.children
        ),
        carers=tuple(
            CarerPart(x.alias, x.relation, x.parental_authority, x.notes) for x in file.carers
        ),
        case_partners=tuple(
            PartnerPart(
                organisation=p.organisation,
                role=p.role,
                note=p.note,
                added_on=p.added_on,
                added_by=p.added_by,
                under_meldcode=p.under_meldcode,
                ended_on=p.ended_on,
            )
            for p in sorted(file.partners, key=lambda p: (p.added_on, p.id))
        ),
        signals=tuple(
            SignalPart(
                observed_on=x.observed_on,
                child=x.child,
                domain=x.domain,
                seriousness=x.seriousness,
                observation=x.observation,
                source=x.source,
                recorded_by=x.recorded_by,
            )
            for x in signals
        ),
        consents=_consents(s, c),
        meldcode_justifications=_meldcode(s, c),
        consultations=_consultations(s, c),
        meeting_excerpts=_excerpts(s, c, by_id, step_items),
        next_steps=steps,
        level_history=tuple(
            LevelPart(x.changed_on, x.level, x.previous_level, x.user, x.reason)
            for x in file.levels
        ),
        status_history=tuple(StatusPart(x.on, x.event, x.user, x.reason) for x in file.events),
        disclosures=_disclosures(s, c),
        audit_entries=_audit(s, c),
    )


def collect(uow: UnitOfWork, actor: Actor, case_id: int) -> AccessExport:
    """Everything pact holds about the case (a coordinator only; not audited by itself:
    ``export_files`` is the audited act)."""
    pact_name = documents.document_settings(uow).pact_name
    with uow:
        s = uow.session
        c, me = _load(s, actor, case_id)
        return _collect(s, me, c, pact_name)


# ---------------------------------------------------------------- JSON


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    return value


def to_json(export: AccessExport) -> bytes:
    """The export as JSON: UTF-8, indented, ISO dates (moments with their offset), the
    keys always in the same order, codes rather than labels (the PDF has the labels)."""
    body = {"format": FORMAT, "format_version": FORMAT_VERSION, **_plain(export)}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- the PDF
#
# Each part becomes one section of the document, its labels in the current language.
# Dates in tables are short ("4 mei 2026"), moments to the minute or the second.


def _name(value: str) -> str:
    return value or EMPTY


def _moment(value: datetime, seconds: bool = False) -> str:
    return format_datetime(
        value.replace(tzinfo=None), "dd-MM-y HH:mm:ss" if seconds else "dd-MM-y HH:mm"
    )


def _step_status(step: StepPart) -> str:
    if step.status == "done" and step.done_on is not None:
        return _("done on {date}").format(date=format_date(step.done_on))
    return label(ACTION_STATUS_LABELS, step.status)


def _review_line(r: ReviewPart) -> str:
    outcome = {
        "done": _("done"),
        "continue": _("continues"),
        "cancelled": _("cancelled"),
    }.get(r.outcome, r.outcome)
    text = _("{meeting}: {outcome}").format(meeting=r.meeting, outcome=outcome)
    return f"{text} – {r.note}" if r.note else text


def _steps_grid(steps: Sequence[StepPart], agreed: bool) -> pdf.Grid:
    """The next steps with their notes; with ``agreed`` also where each was agreed and
    what meetings decided about it."""
    columns = [_("What"), _("Who"), _("Due"), _("Status")]
    widths = [0.4, 0.24, 0.15, 0.21]
    if agreed:
        columns.append(_("Agreed at"))
        widths = [0.3, 0.21, 0.15, 0.15, 0.19]
    rows: list[tuple[str | pdf.Cell, ...]] = []
    for step in steps:
        extra = [step.note]
        if agreed:
            extra += [_review_line(r) for r in step.reviews]
        row: list[str | pdf.Cell] = [
            pdf.Cell(step.what, tuple(extra)),
            step.owner,
            format_date(step.due_on),
            _step_status(step),
        ]
        if agreed:
            row.append(step.agreed_at)
        rows.append(tuple(row))
    return pdf.Grid(tuple(columns), tuple(widths), tuple(rows))


def _family(f: FamilyPart) -> list[pdf.Block]:
    lead = f.lead
    if f.lead and f.lead_organisation:
        lead = _("{contact} ({organisation})").format(
            contact=f.lead, organisation=f.lead_organisation
        )
    anonymised = ""
    if f.anonymised_on is not None:
        how = {
            "retention": _("the retention term had ended"),
            "erasure": _("at the family's request"),
        }.get(f.anonymised_kind, f.anonymised_kind)
        anonymised = format_date(f.anonymised_on) + (f" ({how})" if how else "")
    facts = pdf.Facts(
        (
            (_("Case"), f.code),
            (_("Alias or initials"), f.alias),
            (_("Family name"), f.family_name),
            (_("Municipality"), f.municipality),
            (_("Level"), level_label(f.level)),
            (_("Status"), label(CASE_STATUS_LABELS, f.status)),
            (_("Registered on"), format_date(f.registered_on)),
            (_("Registered by"), f.registered_by),
            (_("Brought in by"), f.referred_by),
            (_("Case lead"), lead),
            (_("Closed on"), format_date(f.closed_on)),
            (_("Consent"), label(CONSENT_STATE_LABELS, f.consent_state)),
            (_("Meldcode"), _("information was shared under the Meldcode") if f.meldcode else ""),
            (_("Anonymised on"), anonymised),
            (_("Erasure requested on"), format_date(f.erasure_requested_on)),
        )
    )
    return [
        facts,
        pdf.Text(_("Reason for closing"), f.close_reason),
        pdf.Text(_("Notes"), f.notes),
        pdf.Text(_("Why the data was removed"), f.anonymised_reason),
        pdf.Text(_("Why the Meldcode case was erased anyway"), f.erasure_justification),
    ]


def _children(export: AccessExport) -> list[pdf.Block]:
    return [
        pdf.Record(
            _name(x.name),
            (
                pdf.Facts(
                    (
                        (_("Year of birth"), str(x.birth_year)),
                        (_("School"), x.school),
                        (_("Buddy programme"), x.buddy_organisation),
                        (_("Buddy since"), format_date(x.buddy_since)),
                    )
                ),
                pdf.Text(_("Notes"), x.notes),
            ),
        )
        for x in export.children
    ]


def _carers(export: AccessExport) -> list[pdf.Block]:
    return [
        pdf.Record(
            _name(x.alias),
            (
                pdf.Facts(
                    (
                        (_("Relation"), label(RELATION_LABELS, x.relation)),
                        (_("Parental authority"), _("yes") if x.parental_authority else _("no")),
                    )
                ),
                pdf.Text(_("Notes"), x.notes),
            ),
        )
        for x in export.carers
    ]


def _partners(export: AccessExport) -> list[pdf.Block]:
    if not export.case_partners:
        return []
    rows = []
    for p in export.case_partners:
        extra = (_("under the Meldcode") if p.under_meldcode else "", p.note)
        rows.append(
            (
                pdf.Cell(p.organisation, extra),
                label(CASE_ROLE_LABELS, p.role),
                format_date(p.added_on),
                format_date(p.ended_on),
                p.added_by,
            )
        )
    columns = (_("Organisation"), _("Role"), _("Since"), _("Until"), _("Added by"))
    return [pdf.Grid(columns, (0.32, 0.19, 0.15, 0.15, 0.19), tuple(rows))]


def _signals(export: AccessExport) -> list[pdf.Block]:
    return [
        pdf.Record(
            _("{date} · {domain}, {seriousness}").format(
                date=format_date(x.observed_on),
                domain=label(SIGNAL_DOMAIN_LABELS, x.domain),
                seriousness=label(SERIOUSNESS_LABELS, x.seriousness).lower(),
            ),
            (
                pdf.Facts(
                    (
                        (_("About"), x.child),
                        (_("Source"), x.source),
                        (_("Recorded by"), x.recorded_by),
                    )
                ),
                pdf.Text(_("Observation"), x.observation),
            ),
        )
        for x in export.signals
    ]


def _consent(export: AccessExport) -> list[pdf.Block]:
    return [
        pdf.Record(
            _("Given on {date}").format(date=format_date(x.given_on)),
            (
                pdf.Facts(
                    (
                        (_("How"), label(CONSENT_METHOD_LABELS, x.method)),
                        (_("Given by"), ", ".join(x.given_by)),
                        (_("For"), ", ".join(x.partners)),
                        (
                            _("Information"),
                            ", ".join(label(INFO_KIND_LABELS, k) for k in x.info_kinds),
                        ),
                        (_("Valid until"), format_date(x.valid_until)),
                        (_("Withdrawn on"), format_date(x.withdrawn_on)),
                        (_("Withdrawn by"), x.withdrawn_by),
                        (_("Recorded by"), x.recorded_by),
                    )
                ),
                pdf.Text(_("Notes"), x.notes),
                pdf.Text(_("About the withdrawal"), x.withdrawn_note),
            ),
        )
        for x in export.consents
    ]


def _meldcode_records(export: AccessExport) -> list[pdf.Block]:
    return [
        pdf.Record(
            _("Decided on {date}").format(date=format_date(x.decided_on)),
            (
                pdf.Facts(
                    ((_("Shared with"), ", ".join(x.partners)), (_("Recorded by"), x.recorded_by))
                ),
                pdf.Text(_("Justification"), x.justification),
            ),
        )
        for x in export.meldcode_justifications
    ]


def _consultation_records(export: AccessExport) -> list[pdf.Block]:
    anonymous = _("yes: only the case code and level were shared")
    return [
        pdf.Record(
            format_date(x.held_on),
            (
                pdf.Facts(
                    (
                        (_("Asked by"), x.worker),
                        (_("Partners consulted"), ", ".join(x.partners)),
                        (_("Anonymous"), anonymous if x.anonymous else ""),
                    )
                ),
                pdf.Text(_("Question"), x.question),
                pdf.Text(_("Advice"), x.advice),
            ),
        )
        for x in export.consultations
    ]


def _meeting_records(export: AccessExport) -> list[pdf.Block]:
    anonymous = _("yes: discussed by case code and level only")
    out: list[pdf.Block] = []
    for m in export.meeting_excerpts:
        blocks: list[pdf.Facts | pdf.Text | pdf.Grid] = [
            pdf.Facts(
                (
                    (_("Agenda item"), m.item_title),
                    (_("Anonymous"), anonymous if m.discussed_anonymously else ""),
                )
            ),
            pdf.Text(_("Description"), m.description),
            pdf.Text(_("Minutes"), m.minutes, markdown=True),
            *(pdf.Text(_("Decision"), d) for d in m.decisions),
            pdf.Text(_("Chair's notes"), m.chair_notes, markdown=True),
            *(
                pdf.Text(_("Amendment of {date}").format(date=format_date(a.made_on)), a.text)
                for a in m.amendments
            ),
        ]
        if m.next_steps:
            blocks.append(_steps_grid(m.next_steps, agreed=False))
        out.append(pdf.Record(meeting_label(m.meeting, m.held_on), tuple(blocks)))
    return out


def _history(export: AccessExport) -> tuple[list[pdf.Block], list[pdf.Block]]:
    levels: list[pdf.Block] = []
    if export.level_history:
        rows = tuple(
            (
                format_date(x.changed_on),
                level_label(x.level),
                "" if x.previous_level is None else str(x.previous_level),
                x.changed_by,
                x.reason,
            )
            for x in export.level_history
        )
        columns = (_("Date"), _("Level"), _("Before"), _("By"), _("Reason"))
        levels.append(pdf.Grid(columns, (0.15, 0.23, 0.1, 0.17, 0.35), rows))
    statuses: list[pdf.Block] = []
    if export.status_history:
        events = tuple(
            (format_date(x.on), label(STATUS_EVENT_LABELS, x.event), x.by, x.reason)
            for x in export.status_history
        )
        heads = (_("Date"), _("Event"), _("By"), _("Reason"))
        statuses.append(pdf.Grid(heads, (0.15, 0.24, 0.2, 0.41), events))
    return levels, statuses


def _disclosure_rows(export: AccessExport) -> list[pdf.Block]:
    if not export.disclosures:
        return []
    rows = tuple(
        (
            _moment(x.made_at),
            documents.document_label(x.document) if x.document in DOCUMENTS else x.document,
            x.meeting,
            x.recipient,
            documents.channel_label(x.channel) if x.channel in CHANNELS else x.channel,
        )
        for x in export.disclosures
    )
    columns = (_("When"), _("Document"), _("Meeting"), _("Recipient"), _("How"))
    return [pdf.Grid(columns, (0.19, 0.15, 0.25, 0.25, 0.16), rows)]


def _audit_rows(export: AccessExport) -> list[pdf.Block]:
    if not export.audit_entries:
        return []
    rows = tuple(
        (
            _moment(x.at, seconds=True),
            x.user,
            audit.event_label(x.event),
            audit.record_type_label(x.record_type),
            audit.outcome_label(x.outcome),
            x.detail,
        )
        for x in export.audit_entries
    )
    columns = (_("Date and time"), _("User"), _("Event"), _("Record"), _("Outcome"), _("Detail"))
    return [pdf.Grid(columns, (0.22, 0.14, 0.15, 0.14, 0.12, 0.23), rows)]


def _document(export: AccessExport, logo: bytes | None, json_name: str) -> pdf.AccessDocument:
    code = export.case_code
    levels, statuses = _history(export)
    parts: list[tuple[str, list[pdf.Block], int | None, str]] = [
        (_("Family"), _family(export.family), None, ""),
        (_("Children"), _children(export), len(export.children), ""),
        (_("Parents and carers"), _carers(export), len(export.carers), ""),
        (
            _("Partners involved"),
            _partners(export),
            len(export.case_partners),
            _("The partner organisations that know of the case, and since when."),
        ),
        (_("Signals"), _signals(export), len(export.signals), ""),
        (_("Consent"), _consent(export), len(export.consents), ""),
        (
            _("Meldcode justifications"),
            _meldcode_records(export),
            len(export.meldcode_justifications),
            _("Information shared without consent under the Meldcode, and why."),
        ),
        (_("Consultations"), _consultation_records(export), len(export.consultations), ""),
        (
            _("Meeting excerpts"),
            _meeting_records(export),
            len(export.meeting_excerpts),
            _(
                "Only the agenda items about this case; the other items of these meetings are "
                "left out."
            ),
        ),
        (
            _("Next steps"),
            [_steps_grid(export.next_steps, agreed=True)] if export.next_steps else [],
            len(export.next_steps),
            "",
        ),
        (_("Level history"), levels, len(export.level_history), ""),
        (_("Status history"), statuses, len(export.status_history), ""),
        (
            _("Disclosure record"),
            _disclosure_rows(export),
            len(export.disclosures),
            _(
                "The printed or saved meeting documents that held details of this case, and to "
                "whom they went."
            ),
        ),
        (
            _("Audit log"),
            _audit_rows(export),
            len(export.audit_entries),
            _("Who in pact read, changed, printed or exported the data of this case, and when."),
        ),
    ]
    facts = [
        (_("Case"), code),
        (_("Made on"), format_datetime(export.made_at.replace(tzinfo=None), "d MMMM y, HH:mm")),
        (_("Made by"), export.made_by),
    ]
    if json_name:
        facts.append(
            (_("Also as data"), _("the same data as JSON, in {name}").format(name=json_name))
        )
    return pdf.AccessDocument(
        code=code,
        title=_("Access to personal data — {code}").format(code=code),
        pact_name=export.pact,
        made_at=export.made_at.replace(tzinfo=None),
        notice=_(
            "This document holds the personal data that {pact} keeps about the family of case "
            "{code}: the children, the parents and carers, what was observed, agreed and "
            "shared, and who saw it. It was made at the family's request (AVG article 15) and "
            "is meant for the family. Keep it in a safe place."
        ).format(pact=export.pact, code=code),
        facts=tuple(facts),
        sections=tuple(
            pdf.Section(title, tuple(blocks), intro, count) for title, blocks, count, intro in parts
        ),
        footer=_("Personal data of the family of case {code}; meant for the family.").format(
            code=code
        ),
        logo=logo,
    )


def to_pdf(export: AccessExport, logo: bytes | None = None, json_name: str = "") -> bytes:
    """The export as a readable PDF (labels in the current language)."""
    return pdf.render(_document(export, logo, json_name))


# ---------------------------------------------------------------- the files


def file_stem(code: str, day: date) -> str:
    """``access-<code>-<yyyy-mm-dd>``: ASCII, the same in every language."""
    return f"access-{code}-{day.isoformat()}"


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` complete in a new temp file beside ``path`` (flushed, owner only)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(name, 0o600)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _link(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` unless something is there already (FileExistsRefusal)."""
    try:
        os.link(tmp, path)
    except FileExistsError as exc:
        raise FileExistsRefusal(str(path)) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # a file system without hard links (FAT, some shares): check, then rename
        if path.exists():
            raise FileExistsRefusal(str(path)) from None
        os.replace(tmp, path)


def _place_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Every file or none: all temp files are written completely first, then each is
    put in place; when one cannot be, those already placed are removed again."""
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for path, data in files:
            temps.append(_write_temp(path, data))
        for tmp, (path, _data) in zip(temps, files, strict=True):
            _link(tmp, path)
            placed.append(path)
    except BaseException:
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _exists_message(path: Path) -> str:
    return _("{path} exists already; pact never overwrites a file.").format(path=path)


def export_files(
    uow: UnitOfWork, actor: Actor, case_id: int, folder: Path, today: date | None = None
) -> ExportedFiles:
    """Answer an access request: write ``access-<code>-<date>.pdf`` and ``.json`` into
    ``folder`` (both or neither; an existing file is never overwritten) and audit it
    (one export entry with the case's code). A coordinator only; PactError with a
    message for a missing folder, an existing file, no permission, a full disk."""
    folder = Path(folder)
    if not folder.exists():
        raise PactError(_("The folder {folder} does not exist.").format(folder=folder))
    if not folder.is_dir():
        raise PactError(_("{path} is not a folder.").format(path=folder))
    settings = documents.document_settings(uow)
    with uow:
        s = uow.session
        c, me = _load(s, actor, case_id)
        stem = file_stem(c.code, today or clock.today())
        pdf_path, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
        for path in (pdf_path, json_path):
            if path.exists():
                raise PactError(_exists_message(path))
        export = _collect(s, me, c, settings.pact_name)
        files = (
            (pdf_path, to_pdf(export, settings.logo, json_path.name)),
            (json_path, to_json(export)),
        )
        try:
            _place_all(files)
        except FileExistsRefusal as exc:
            raise PactError(_exists_message(Path(str(exc)))) from exc
        except OSError as exc:
            raise PactError(
                _("Cannot write the access export to {folder}: {reason}.").format(
                    folder=folder, reason=os_reason(exc)
                )
            ) from exc
        try:
            audit.record(
                s,
                me,
                audit.EXPORT,
                record_type="case",
                record_id=c.id,
                case_id=c.id,
                detail=_audit_detail(),
            )
            uow.commit()
        except BaseException:
            # no export leaves pact unaudited
            for path in (pdf_path, json_path):
                path.unlink(missing_ok=True)
            raise
        return ExportedFiles(pdf=pdf_path, json=json_path)


__all__ = [
    "AccessExport",
    "ExportedFiles",
    "collect",
    "export_files",
    "file_stem",
    "to_json",
    "to_pdf",
]
