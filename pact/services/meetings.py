"""Meetings: series with their agenda template, planning, invitations and the agenda.

Who may see a meeting: a coordinator every meeting; anyone else the meetings their
organisation was invited to, and those they chair, take the minutes of or planned.
Who may change it: a coordinator, the chair and the minute-taker.

What a viewer sees of an agenda item: internal items only when they may run the
meeting; a case item's title, description and minutes only when they may see the
case (scope.py) and the item is not discussed anonymously. Everyone else reads
"Case <code> (level N)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    FieldError,
    NotFoundError,
    PactError,
    ValidationError,
)
from pact.i18n import _, format_date
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    Case,
    Contact,
    Meeting,
    MeetingInvite,
    MeetingSeries,
    Organisation,
    SeriesInvite,
    SeriesTemplateItem,
)
from pact.models.meeting import (
    ATTENDANCE,
    CASE_MODES,
    ITEM_KINDS,
    MEETING_KINDS,
    MEETING_STATUSES,
    VISIBILITIES,
)
from pact.services import clock
from pact.services import consent as consent_svc
from pact.services import validation as v
from pact.services.consultations import ActionData, action_rows
from pact.services.lookup import (
    commit_change,
    conflict,
    contact_names,
    flush_change,
    mapping,
    org_names,
    user_names,
)
from pact.services.scope import load_case, require_coordinator, visible, visible_ids
from pact.services.users import WORKER, Actor, acting_user
from pact.services.vocab import (
    ATTENDANCE_LABELS,
    ITEM_KIND_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    label,
)

MAX_TEXT = 20000
MAX_PLANNED = 600  # minutes for one item


class MeetingLockedError(PactError):
    """Approved minutes (or a cancelled meeting) cannot be changed."""


# ---------------------------------------------------------------- labels


def kind_label(kind: str) -> str:
    return label(MEETING_KIND_LABELS, kind)


def status_label(status: str) -> str:
    return label(MEETING_STATUS_LABELS, status)


def item_kind_label(kind: str) -> str:
    return label(ITEM_KIND_LABELS, kind)


def attendance_label(state: str) -> str:
    return label(ATTENDANCE_LABELS, state)


def case_reference(code: str, level: int) -> str:
    """What every edition without case details reads for a case item."""
    return _("Case {code} (level {level})").format(code=code, level=level)


def default_title(kind: str, on: date) -> str:
    return _("{kind} {date}").format(kind=kind_label(kind), date=format_date(on, "d MMMM y"))


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class InviteInput:
    organisation_id: int
    contact_id: int | None = None


@dataclass(frozen=True)
class TemplateItemInput:
    kind: str
    title: str
    planned_minutes: int = 10
    description: str = ""
    visibility: str = "everyone"


@dataclass(frozen=True)
class SeriesInput:
    name: str
    kind: str = "network"
    interval_weeks: int = 6
    starts_at: time | None = time(9, 30)
    ends_at: time | None = time(11, 30)
    location: str = ""
    video_link: str = ""
    chair_contact_id: int | None = None
    minute_taker_contact_id: int | None = None
    template: tuple[TemplateItemInput, ...] = ()
    invites: tuple[InviteInput, ...] = ()
    active: bool = True
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class SeriesData:
    id: int
    version: int
    name: str
    kind: str
    interval_weeks: int
    starts_at: time
    ends_at: time
    location: str
    video_link: str
    chair_contact_id: int | None
    minute_taker_contact_id: int | None
    template: tuple[TemplateItemInput, ...]
    invites: tuple[InviteInput, ...]
    active: bool
    meetings: int  # how many meetings the series has
    last_held_on: date | None


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    held_on: date | None
    starts_at: time | None
    ends_at: time | None
    title: str = ""  # empty: kind and date
    location: str = ""
    video_link: str = ""
    chair_contact_id: int | None = None
    minute_taker_contact_id: int | None = None
    series_id: int | None = None
    invites: tuple[InviteInput, ...] = ()
    planned_from_id: int | None = None
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class MeetingFilter:
    when: str = "all"  # "upcoming", "past" or "all"
    kind: str | None = None
    status: str | None = None
    series_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class MeetingRow:
    id: int
    held_on: date
    starts_at: time
    ends_at: time
    kind: str
    title: str
    status: str
    series: str
    location: str


@dataclass(frozen=True)
class InviteData:
    id: int
    version: int
    organisation_id: int
    organisation: str
    contact_id: int | None
    contact: str
    email: str
    attendance: str
    replaced_by_contact_id: int | None
    replaced_by: str  # name of who came instead


@dataclass(frozen=True)
class ItemInput:
    kind: str
    title: str = ""
    planned_minutes: int = 10
    description: str = ""
    visibility: str = "everyone"
    presenter_contact_id: int | None = None
    case_id: int | None = None
    case_mode: str = "full"
    id: int | None = None
    version: int | None = None
    chair_notes: str | None = None  # None: keep them as they are


@dataclass(frozen=True)
class ConsentCheck:
    """Which invited organisations the case's consent (or Meldcode) covers."""

    case_id: int
    case_code: str
    level: int
    covered: tuple[tuple[int, str, str], ...]  # organisation id, name, basis
    uncovered: tuple[tuple[int, str], ...]  # organisation id, name
    meldcode_possible: bool  # the case is at level 4

    @property
    def complete(self) -> bool:
        return not self.uncovered


@dataclass(frozen=True)
class DecisionData:
    id: int
    text: str


@dataclass(frozen=True)
class ReviewRow:
    """An open next step on the action list, and what this meeting decided about it."""

    action: ActionData
    outcome: str | None  # done / continue / cancelled, None: not discussed yet
    note: str
    hidden: bool  # the viewer may not see the case: only the code and owner are shown


@dataclass(frozen=True)
class ItemData:
    id: int
    version: int
    position: int
    number: int | None  # as printed: items for everyone are numbered, internal ones not
    kind: str
    title: str  # as the viewer may read it
    real_title: str  # the title as typed ("" when the viewer may not see it)
    planned_minutes: int
    starts_at: time
    description: str
    visibility: str
    presenter_contact_id: int | None
    presenter: str
    case_id: int | None
    case_code: str
    case_level: int | None
    case_mode: str
    case_hidden: bool  # the item shows only "Case <code> (level N)" (no access, or anonymous)
    details: bool  # the viewer may read the item's details (its case is in their scope)
    meldcode: bool
    minutes: str
    chair_notes: str
    decisions: tuple[DecisionData, ...]
    steps: tuple[ActionData, ...]
    consent: ConsentCheck | None


@dataclass(frozen=True)
class AmendmentData:
    id: int
    made_on: date
    text: str
    item_id: int | None
    item_title: str
    made_by: str


@dataclass(frozen=True)
class MeetingRef:
    id: int
    title: str
    held_on: date
    status: str


@dataclass(frozen=True)
class TimePlan:
    starts: tuple[time, ...]
    planned_end: time
    planned_minutes: int
    available_minutes: int

    @property
    def overrun(self) -> int:
        """Minutes the plan runs over the meeting's end (0 when it fits)."""
        return max(0, self.planned_minutes - self.available_minutes)


@dataclass(frozen=True)
class MeetingData:
    id: int
    version: int
    series_id: int | None
    series: str
    kind: str
    title: str
    held_on: date
    starts_at: time
    ends_at: time
    location: str
    video_link: str
    chair_contact_id: int | None
    chair: str
    minute_taker_contact_id: int | None
    minute_taker: str
    status: str
    minutes_sent_on: date | None
    approved_on: date | None
    approved_at: MeetingRef | None
    cancelled_reason: str
    invites: tuple[InviteData, ...]
    items: tuple[ItemData, ...]
    plan: TimePlan
    action_list: tuple[ReviewRow, ...]
    amendments: tuple[AmendmentData, ...]
    may_run: bool  # the viewer may change the meeting and sees internal items
    previous: tuple[MeetingRef, ...]  # earlier meetings whose minutes await approval
    approved_here: tuple[MeetingRef, ...]  # earlier minutes approved at this meeting
    next_meeting: MeetingRef | None
    planned_from_id: int | None

    @property
    def locked(self) -> bool:
        return self.status in ("minutes_approved", "cancelled")

    def as_input(self) -> MeetingInput:
        return MeetingInput(
            kind=self.kind,
            held_on=self.held_on,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            title=self.title,
            location=self.location,
            video_link=self.video_link,
            chair_contact_id=self.chair_contact_id,
            minute_taker_contact_id=self.minute_taker_contact_id,
            series_id=self.series_id,
            invites=tuple(InviteInput(i.organisation_id, i.contact_id) for i in self.invites),
            planned_from_id=self.planned_from_id,
            id=self.id,
            version=self.version,
        )


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    extra: str = field(default="")


# ---------------------------------------------------------------- access


def meeting_visible(actor: Actor) -> ColumnElement[bool]:
    """An SQL condition on ``Meeting``: the meetings ``actor`` may see."""
    if actor.is_coordinator:
        return true()
    if WORKER not in actor.roles:
        return false()  # an administrator only: users, settings, audit; no meetings
    conditions: list[ColumnElement[bool]] = [Meeting.created_by_id == actor.id]
    if actor.contact_id is not None:
        conditions += [
            Meeting.chair_contact_id == actor.contact_id,
            Meeting.minute_taker_contact_id == actor.contact_id,
        ]
    if actor.organisation_id is not None:
        conditions.append(
            Meeting.id.in_(
                select(MeetingInvite.meeting_id).where(
                    MeetingInvite.organisation_id == actor.organisation_id
                )
            )
        )
    return or_(*conditions)


def may_run(meeting: Meeting, actor: Actor) -> bool:
    if actor.is_coordinator:
        return True
    return actor.contact_id is not None and actor.contact_id in (
        meeting.chair_contact_id,
        meeting.minute_taker_contact_id,
    )


def load_meeting(
    s: Session, actor: Actor, meeting_id: int, write: bool = False
) -> tuple[Meeting, Actor]:
    me = acting_user(s, actor)
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(_("This meeting no longer exists."))
    seen = s.scalar(select(Meeting.id).where(Meeting.id == meeting_id, meeting_visible(me)))
    if seen is None:
        raise AccessDeniedError(
            _("You have no access to this meeting: your organisation was not invited to it.")
        )
    if write and not may_run(meeting, me):
        raise AccessDeniedError(
            _("Only a coordinator, the chair or the minute-taker can change this meeting.")
        )
    return meeting, me


def load_item(
    s: Session, actor: Actor, item_id: int, write: bool = False
) -> tuple[AgendaItem, Meeting, Actor]:
    item = s.get(AgendaItem, item_id)
    if item is None:
        raise NotFoundError(_("This agenda item no longer exists."))
    meeting, me = load_meeting(s, actor, item.meeting_id, write=write)
    return item, meeting, me


def _planners_only() -> str:
    return _("Only a coordinator can plan meetings and series.")


def ensure_not_locked(meeting: Meeting) -> None:
    if meeting.status == "minutes_approved":
        raise MeetingLockedError(
            _(
                "The minutes of this meeting are approved and locked. Add a dated amendment "
                "to correct them."
            )
        )
    if meeting.status == "cancelled":
        raise MeetingLockedError(_("This meeting is cancelled. Plan it again to change it."))


# ---------------------------------------------------------------- validation


def _contact_errors(s: Session, ids: dict[str, int | None]) -> list[FieldError]:
    errors = []
    for name, cid in ids.items():
        if cid is not None and s.get(Contact, cid) is None:
            errors.append(FieldError(name, _("This contact person no longer exists.")))
    return errors


def _invite_errors(s: Session, invites: Sequence[InviteInput]) -> list[FieldError]:
    orgs = {i.organisation_id for i in invites}
    known = set(s.scalars(select(Organisation.id).where(Organisation.id.in_(orgs))))
    if orgs - known:
        return [FieldError("invites", _("This organisation no longer exists."))]
    contact_ids = {i.contact_id for i in invites if i.contact_id is not None}
    contacts = mapping(
        s, select(Contact.id, Contact.organisation_id).where(Contact.id.in_(contact_ids))
    )
    for invite in invites:
        if invite.contact_id is None:
            continue
        if invite.contact_id not in contacts:
            return [FieldError("invites", _("This contact person no longer exists."))]
        if contacts[invite.contact_id] != invite.organisation_id:
            return [FieldError("invites", _("This contact person works for another organisation."))]
    return []


def _times_errors(starts: time | None, ends: time | None) -> list[FieldError]:
    errors = []
    if starts is None:
        errors.append(FieldError("starts_at", _("Enter the time the meeting starts.")))
    if ends is None:
        errors.append(FieldError("ends_at", _("Enter the time the meeting ends.")))
    if starts is not None and ends is not None and ends <= starts:
        errors.append(FieldError("ends_at", _("The meeting must end after it starts.")))
    return errors


def _setting_errors(
    kind: str, starts: time | None, ends: time | None, location: str, video_link: str
) -> list[FieldError]:
    """What a meeting and a series share: the kind, the times and the place."""
    errors: list[FieldError] = []
    if kind not in MEETING_KINDS:
        errors.append(FieldError("kind", _("Choose the kind of meeting.")))
    errors += _times_errors(starts, ends)
    message = v.max_length(location, 300)
    if message:
        errors.append(FieldError("location", message))
    message = v.max_length(video_link, 500) or (v.url(video_link) if video_link else None)
    if message:
        errors.append(FieldError("video_link", message))
    return errors


def meeting_field_errors(data: MeetingInput) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.held_on is None:
        errors.append(FieldError("held_on", _("Enter the date of the meeting.")))
    message = v.max_length(data.title, 300)
    if message:
        errors.append(FieldError("title", message))
    return errors + _setting_errors(
        data.kind, data.starts_at, data.ends_at, data.location, data.video_link
    )


def series_field_errors(data: SeriesInput) -> list[FieldError]:
    errors: list[FieldError] = []
    message = v.required(data.name) or v.max_length(data.name, 200)
    if message:
        errors.append(FieldError("name", message))
    if not 1 <= data.interval_weeks <= 52:
        errors.append(FieldError("interval_weeks", _("Enter a number of weeks between 1 and 52.")))
    errors += _setting_errors(
        data.kind, data.starts_at, data.ends_at, data.location, data.video_link
    )
    for i, item in enumerate(data.template):
        errors += [
            replace(e, field=f"template.{i}.{e.field}")
            for e in item_field_errors(
                ItemInput(
                    kind=item.kind,
                    title=item.title,
                    planned_minutes=item.planned_minutes,
                    description=item.description,
                    visibility=item.visibility,
                ),
                template=True,
            )
        ]
    return errors


def item_field_errors(data: ItemInput, template: bool = False) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.kind not in ITEM_KINDS:
        errors.append(FieldError("kind", _("Choose the kind of agenda item.")))
    message = v.max_length(data.title, 300)
    if message:
        errors.append(FieldError("title", message))
    if data.kind == "case":
        if template:
            errors.append(
                FieldError(
                    "kind", _("A template cannot hold a case discussion: add cases per meeting.")
                )
            )
        elif data.case_id is None:
            errors.append(FieldError("case_id", _("Choose the case to discuss.")))
    elif data.case_id is not None:
        errors.append(FieldError("case_id", _("Only a case discussion is linked to a case.")))
    if not 0 <= data.planned_minutes <= MAX_PLANNED:
        errors.append(
            FieldError(
                "planned_minutes",
                _("Enter the planned minutes: a number from 0 to {max}.").format(max=MAX_PLANNED),
            )
        )
    message = v.max_length(data.description, MAX_TEXT)
    if message:
        errors.append(FieldError("description", message))
    message = v.max_length(data.chair_notes or "", MAX_TEXT)
    if message:
        errors.append(FieldError("chair_notes", message))
    if data.visibility not in VISIBILITIES:
        errors.append(FieldError("visibility", _("Choose who may see this item.")))
    if data.case_mode not in CASE_MODES:
        errors.append(FieldError("case_mode", _("Choose how the case is discussed.")))
    return errors


# ---------------------------------------------------------------- time plan


def _add_minutes(start: time, minutes: int) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    if moment.date() != date(2000, 1, 1):
        return time(23, 59)
    return moment.time()


def time_plan(starts_at: time, ends_at: time, planned: Sequence[int]) -> TimePlan:
    """Start time of every item from the meeting's start, and how the plan fits."""
    starts = []
    total = 0
    for minutes in planned:
        starts.append(_add_minutes(starts_at, total))
        total += minutes
    available = (
        datetime.combine(date(2000, 1, 1), ends_at) - datetime.combine(date(2000, 1, 1), starts_at)
    ).seconds // 60
    return TimePlan(
        starts=tuple(starts),
        planned_end=_add_minutes(starts_at, total),
        planned_minutes=total,
        available_minutes=available,
    )


# ---------------------------------------------------------------- consent check


def consent_check(s: Session, case: Case, organisation_ids: Iterable[int]) -> ConsentCheck:
    wanted = set(organisation_ids)
    names = org_names(s, wanted)
    bases = consent_svc.sharing_bases(s, case, wanted)
    covered = []
    uncovered = []
    for org_id in sorted(wanted, key=lambda o: names.get(o, "").casefold()):
        basis = bases[org_id]
        if basis is None:
            uncovered.append((org_id, names.get(org_id, "?")))
        else:
            covered.append((org_id, names.get(org_id, "?"), basis))
    return ConsentCheck(
        case_id=case.id,
        case_code=case.code,
        level=case.level,
        covered=tuple(covered),
        uncovered=tuple(uncovered),
        meldcode_possible=case.level == consent_svc.MELDCODE_LEVEL,
    )


# ---------------------------------------------------------------- reading


def _ref(m: Meeting) -> MeetingRef:
    return MeetingRef(id=m.id, title=m.title, held_on=m.held_on, status=m.status)


def _filtered(actor: Actor, f: MeetingFilter) -> Select[Any]:
    q = select(Meeting).where(meeting_visible(actor))
    today = clock.today()
    if f.when == "upcoming":
        q = q.where(Meeting.held_on >= today, Meeting.status != "cancelled")
    elif f.when == "past":
        q = q.where(Meeting.held_on < today)
    if f.kind:
        q = q.where(Meeting.kind == f.kind)
    if f.status:
        q = q.where(Meeting.status == f.status)
    if f.series_id is not None:
        q = q.where(Meeting.series_id == f.series_id)
    text = f.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(
            or_(
                Meeting.title.ilike(pattern, escape="\\"),
                Meeting.location.ilike(pattern, escape="\\"),
            )
        )
    return q


def list_meetings(
    uow: UnitOfWork,
    actor: Actor,
    f: MeetingFilter = MeetingFilter(),
    limit: int = 200,
    offset: int = 0,
) -> list[MeetingRow]:
    """Meetings the actor may see: upcoming ones soonest first, otherwise newest first."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        q = _filtered(me, f)
        if f.when == "upcoming":
            q = q.order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
        else:
            q = q.order_by(Meeting.held_on.desc(), Meeting.starts_at.desc(), Meeting.id.desc())
        meetings = list(s.scalars(q.offset(offset).limit(limit)))
        series = mapping(
            s,
            select(MeetingSeries.id, MeetingSeries.name).where(
                MeetingSeries.id.in_({m.series_id for m in meetings if m.series_id})
            ),
        )
        return [
            MeetingRow(
                id=m.id,
                held_on=m.held_on,
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                kind=m.kind,
                title=m.title,
                status=m.status,
                series=series.get(m.series_id, "") if m.series_id else "",
                location=m.location,
            )
            for m in meetings
        ]


def count_meetings(uow: UnitOfWork, actor: Actor, f: MeetingFilter = MeetingFilter()) -> int:
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        return s.scalar(select(func.count()).select_from(_filtered(me, f).subquery())) or 0


def invite_rows(s: Session, meeting: Meeting) -> tuple[InviteData, ...]:
    invites = meeting.invites
    orgs = org_names(s, [i.organisation_id for i in invites])
    contact_ids = {i.contact_id for i in invites if i.contact_id} | {
        i.replaced_by_contact_id for i in invites if i.replaced_by_contact_id
    }
    contacts = {
        cid: (name, email)
        for cid, name, email in s.execute(
            select(Contact.id, Contact.name, Contact.email).where(Contact.id.in_(contact_ids))
        )
    }
    rows = [
        InviteData(
            id=i.id,
            version=i.version,
            organisation_id=i.organisation_id,
            organisation=orgs.get(i.organisation_id, ""),
            contact_id=i.contact_id,
            contact=contacts[i.contact_id][0] if i.contact_id in contacts else "",
            email=contacts[i.contact_id][1] if i.contact_id in contacts else "",
            attendance=i.attendance,
            replaced_by_contact_id=i.replaced_by_contact_id,
            replaced_by=(
                contacts[i.replaced_by_contact_id][0]
                if i.replaced_by_contact_id in contacts
                else i.replaced_by_name
            ),
        )
        for i in invites
    ]
    rows.sort(key=lambda r: (r.organisation.casefold(), r.contact.casefold()))
    return tuple(rows)


def earlier_meetings(s: Session, meeting: Meeting) -> list[int]:
    """The meetings whose open next steps come back on this meeting's action list (and
    whose minutes it can approve): the earlier meetings of its series; without a
    series, the earlier network meetings without one; for a case consultation without
    a series, the meetings it was planned from (a consultation about other cases has
    nothing to do with it)."""
    if meeting.series_id is None and meeting.kind == "case":
        chain: list[int] = []
        before = meeting.planned_from_id
        while before is not None and before not in chain:
            chain.append(before)
            before = s.scalar(select(Meeting.planned_from_id).where(Meeting.id == before))
        return chain
    q = select(Meeting.id).where(
        Meeting.id != meeting.id,
        or_(
            Meeting.held_on < meeting.held_on,
            (Meeting.held_on == meeting.held_on) & (Meeting.starts_at < meeting.starts_at),
        ),
    )
    if meeting.series_id is not None:
        q = q.where(Meeting.series_id == meeting.series_id)
    else:
        q = q.where(Meeting.series_id.is_(None), Meeting.kind == meeting.kind)
    return list(s.scalars(q))


def action_list(
    s: Session, meeting: Meeting, viewer: Actor, earlier: list[int] | None = None
) -> list[ReviewRow]:
    """The open next steps of earlier meetings and of the cases on the agenda, with what
    this meeting decided about each (steps it closed stay on its list)."""
    case_ids = {i.case_id for i in meeting.items if i.case_id is not None}
    if earlier is None:
        earlier = earlier_meetings(s, meeting)
    reviews = {
        r.action_id: r
        for r in s.scalars(select(ActionReview).where(ActionReview.meeting_id == meeting.id))
    }
    sources: list[ColumnElement[bool]] = []
    if earlier:
        sources.append(Action.meeting_id.in_(earlier))
    if case_ids:
        sources.append(Action.case_id.in_(case_ids))
    if not sources and not reviews:
        return []
    candidates = or_(*sources) if sources else Action.id.in_(())
    q = (
        select(Action)
        .where(
            or_(
                (Action.status == "open") & candidates,
                Action.id.in_(list(reviews)),
            ),
            or_(Action.meeting_id.is_(None), Action.meeting_id != meeting.id),
        )
        .order_by(Action.due_on, Action.id)
    )
    rows = []
    found = action_rows(s, q)
    seen = visible_ids(s, viewer, [d.case_id for d in found])
    for data in found:
        hidden = data.case_id is not None and data.case_id not in seen
        if hidden:
            data = replace(data, what="")
        review = reviews.get(data.id)
        rows.append(
            ReviewRow(
                action=data,
                outcome=review.outcome if review else None,
                note=review.note if review else "",
                hidden=hidden,
            )
        )
    return rows


def _item_rows(
    s: Session, meeting: Meeting, viewer: Actor, runner: bool
) -> tuple[tuple[ItemData, ...], TimePlan]:
    items = [i for i in meeting.items if runner or i.visibility == "everyone"]
    plan_all = time_plan(
        meeting.starts_at, meeting.ends_at, [i.planned_minutes for i in meeting.items]
    )
    starts = dict(zip([i.id for i in meeting.items], plan_all.starts, strict=True))
    case_ids = {i.case_id for i in items if i.case_id is not None}
    cases = {c.id: c for c in s.scalars(select(Case).where(Case.id.in_(case_ids)))}
    seen = visible_ids(s, viewer, case_ids)
    invited = {i.organisation_id for i in meeting.invites}
    presenters = contact_names(s, [i.presenter_contact_id for i in items])
    steps_by_item: dict[int, list[ActionData]] = {}
    item_ids = [i.id for i in items]
    if item_ids:
        for data in action_rows(
            s,
            select(Action)
            .where(Action.agenda_item_id.in_(item_ids))
            .order_by(Action.due_on, Action.id),
        ):
            steps_by_item.setdefault(data.agenda_item_id or 0, []).append(data)
    numbers: dict[int, int] = {}
    for item in meeting.items:
        if item.visibility == "everyone":
            numbers[item.id] = len(numbers) + 1
    out = []
    for item in items:
        case = cases.get(item.case_id) if item.case_id is not None else None
        hidden = case is not None and (case.id not in seen or item.case_mode == "anonymous")
        # the case's own people still read what they may see, with the anonymous mark
        details = case is None or case.id in seen
        reference = case_reference(case.code, case.level) if case is not None else ""
        steps = steps_by_item.get(item.id, [])
        if case is not None and case.id not in seen:
            steps = [replace(st, what="") for st in steps]
        out.append(
            ItemData(
                id=item.id,
                version=item.version,
                position=item.position,
                number=numbers.get(item.id),
                kind=item.kind,
                title=(
                    reference
                    if hidden and not details
                    else (item.title or reference or item_kind_label(item.kind))
                ),
                real_title=item.title if details else "",
                planned_minutes=item.planned_minutes,
                starts_at=starts[item.id],
                description=item.description if details else "",
                visibility=item.visibility,
                presenter_contact_id=item.presenter_contact_id,
                presenter=presenters.get(item.presenter_contact_id, "")
                if item.presenter_contact_id
                else "",
                case_id=item.case_id,
                case_code=case.code if case is not None else "",
                case_level=case.level if case is not None else None,
                case_mode=item.case_mode,
                case_hidden=hidden,
                details=details,
                meldcode=bool(case is not None and case.meldcode),
                minutes=item.minutes if details else "",
                chair_notes=item.chair_notes if runner and details else "",
                decisions=tuple(DecisionData(d.id, d.text) for d in item.decisions)
                if details
                else (),
                steps=tuple(steps),
                consent=(
                    consent_check(s, case, invited)
                    if case is not None and details and runner
                    else None
                ),
            )
        )
    return tuple(out), plan_all


def _amendments(s: Session, meeting: Meeting, runner: bool) -> tuple[AmendmentData, ...]:
    rows = list(
        s.scalars(
            select(Amendment)
            .where(Amendment.meeting_id == meeting.id)
            .order_by(Amendment.made_on, Amendment.id)
        )
    )
    titles = {i.id: (i.title or item_kind_label(i.kind)) for i in meeting.items}
    internal = {i.id for i in meeting.items if i.visibility == "internal"}
    users = user_names(s, [a.made_by_id for a in rows])
    return tuple(
        AmendmentData(
            id=a.id,
            made_on=a.made_on,
            text=a.text,
            item_id=a.item_id,
            item_title=titles.get(a.item_id, "") if a.item_id else "",
            made_by=users.get(a.made_by_id, ""),
        )
        for a in rows
        if runner or a.item_id not in internal
    )


def awaiting_approval(s: Session, meeting: Meeting, earlier: list[int]) -> list[Meeting]:
    """Earlier meetings of the series (or kind) whose minutes this meeting can approve."""
    if not earlier:
        return []
    return list(
        s.scalars(
            select(Meeting)
            .where(
                Meeting.id.in_(earlier),
                Meeting.status.in_(("held", "minutes_draft", "minutes_sent")),
            )
            .order_by(Meeting.held_on.desc())
        )
    )


def _next_meeting(s: Session, meeting: Meeting) -> Meeting | None:
    q = select(Meeting).where(
        Meeting.id != meeting.id,
        Meeting.status != "cancelled",
        or_(
            Meeting.held_on > meeting.held_on,
            (Meeting.held_on == meeting.held_on) & (Meeting.starts_at > meeting.starts_at),
        ),
    )
    if meeting.series_id is not None:
        q = q.where(Meeting.series_id == meeting.series_id)
    else:
        q = q.where(Meeting.planned_from_id == meeting.id)
    return s.scalars(q.order_by(Meeting.held_on, Meeting.starts_at).limit(1)).first()


def meeting_data(s: Session, meeting: Meeting, viewer: Actor) -> MeetingData:
    runner = may_run(meeting, viewer)
    earlier = earlier_meetings(s, meeting)
    items, plan = _item_rows(s, meeting, viewer, runner)
    contacts = contact_names(s, [meeting.chair_contact_id, meeting.minute_taker_contact_id])
    series = s.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
    approved_at = (
        s.get(Meeting, meeting.approved_at_meeting_id) if meeting.approved_at_meeting_id else None
    )
    nxt = _next_meeting(s, meeting)
    return MeetingData(
        id=meeting.id,
        version=meeting.version,
        series_id=meeting.series_id,
        series=series.name if series else "",
        kind=meeting.kind,
        title=meeting.title,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        video_link=meeting.video_link,
        chair_contact_id=meeting.chair_contact_id,
        chair=contacts.get(meeting.chair_contact_id, "") if meeting.chair_contact_id else "",
        minute_taker_contact_id=meeting.minute_taker_contact_id,
        minute_taker=contacts.get(meeting.minute_taker_contact_id, "")
        if meeting.minute_taker_contact_id
        else "",
        status=meeting.status,
        minutes_sent_on=meeting.minutes_sent_on,
        approved_on=meeting.approved_on,
        approved_at=_ref(approved_at) if approved_at else None,
        cancelled_reason=meeting.cancelled_reason,
        invites=invite_rows(s, meeting),
        items=items,
        plan=plan,
        action_list=tuple(action_list(s, meeting, viewer, earlier)),
        amendments=_amendments(s, meeting, runner),
        may_run=runner,
        previous=tuple(_ref(m) for m in awaiting_approval(s, meeting, earlier)),
        approved_here=tuple(
            _ref(m)
            for m in s.scalars(
                select(Meeting)
                .where(Meeting.approved_at_meeting_id == meeting.id)
                .order_by(Meeting.held_on)
            )
        ),
        next_meeting=_ref(nxt) if nxt else None,
        planned_from_id=meeting.planned_from_id,
    )


def get_meeting(uow: UnitOfWork, actor: Actor, meeting_id: int) -> MeetingData:
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id)
        return meeting_data(s, meeting, me)


# ---------------------------------------------------------------- series


def _template_of(series: MeetingSeries) -> tuple[TemplateItemInput, ...]:
    return tuple(
        TemplateItemInput(t.kind, t.title, t.planned_minutes, t.description, t.visibility)
        for t in series.template
    )


def _series_data(s: Session, series: MeetingSeries) -> SeriesData:
    count, last = s.execute(
        select(func.count(Meeting.id), func.max(Meeting.held_on)).where(
            Meeting.series_id == series.id
        )
    ).one()
    return SeriesData(
        id=series.id,
        version=series.version,
        name=series.name,
        kind=series.kind,
        interval_weeks=series.interval_weeks,
        starts_at=series.starts_at,
        ends_at=series.ends_at,
        location=series.location,
        video_link=series.video_link,
        chair_contact_id=series.chair_contact_id,
        minute_taker_contact_id=series.minute_taker_contact_id,
        template=_template_of(series),
        invites=tuple(InviteInput(i.organisation_id, i.contact_id) for i in series.invites),
        active=series.active,
        meetings=count or 0,
        last_held_on=last,
    )


def list_series(uow: UnitOfWork, actor: Actor, include_inactive: bool = False) -> list[SeriesData]:
    with uow:
        s = uow.session
        acting_user(s, actor)
        q = select(MeetingSeries).order_by(MeetingSeries.name)
        if not include_inactive:
            q = q.where(MeetingSeries.active.is_(True))
        return [_series_data(s, x) for x in s.scalars(q)]


def get_series(uow: UnitOfWork, actor: Actor, series_id: int) -> SeriesData:
    with uow:
        s = uow.session
        acting_user(s, actor)
        series = s.get(MeetingSeries, series_id)
        if series is None:
            raise NotFoundError(_("This meeting series no longer exists."))
        return _series_data(s, series)


def _clean_series(data: SeriesInput) -> SeriesInput:
    return replace(
        data,
        name=v.clean(data.name),
        location=v.clean(data.location),
        video_link=data.video_link.strip(),
        template=tuple(
            replace(t, title=v.clean(t.title), description=t.description.strip())
            for t in data.template
        ),
        invites=tuple(dict.fromkeys(data.invites)),
    )


def save_series(uow: UnitOfWork, actor: Actor, data: SeriesInput) -> SeriesData:
    """Create or change a meeting series and its agenda template (coordinators)."""
    data = _clean_series(data)
    with uow:
        s = uow.session
        require_coordinator(s, actor, _planners_only())
        errors = series_field_errors(data)
        errors += _contact_errors(
            s,
            {
                "chair_contact_id": data.chair_contact_id,
                "minute_taker_contact_id": data.minute_taker_contact_id,
            },
        )
        errors += _invite_errors(s, data.invites)
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            series = MeetingSeries()
            s.add(series)
        else:
            found = s.get(MeetingSeries, data.id)
            if found is None:
                raise NotFoundError(_("This meeting series no longer exists."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this series. Reload it first."),
                    [("meeting_series", found.id)],
                )
            series = found
        assert data.starts_at is not None and data.ends_at is not None
        series.name = data.name
        series.kind = data.kind
        series.interval_weeks = data.interval_weeks
        series.starts_at = data.starts_at
        series.ends_at = data.ends_at
        series.location = data.location
        series.video_link = data.video_link
        series.chair_contact_id = data.chair_contact_id
        series.minute_taker_contact_id = data.minute_taker_contact_id
        series.active = data.active
        series.template = [
            SeriesTemplateItem(
                position=n,
                kind=t.kind,
                title=t.title,
                planned_minutes=t.planned_minutes,
                description=t.description,
                visibility=t.visibility,
            )
            for n, t in enumerate(data.template)
        ]
        series.invites = [
            SeriesInvite(organisation_id=i.organisation_id, contact_id=i.contact_id)
            for i in data.invites
        ]
        commit_change(
            uow,
            _("Someone else changed this series. Reload it first."),
            [("meeting_series", series.id)],
        )
        return _series_data(s, series)


def default_template() -> tuple[TemplateItemInput, ...]:
    """The agenda a new series starts with."""
    return (
        TemplateItemInput("opening", _("Opening and agenda"), 5),
        TemplateItemInput("previous_minutes", _("Minutes of the previous meeting"), 10),
        TemplateItemInput("action_list", _("Action list"), 15),
        TemplateItemInput("theme", _("Theme"), 30),
        TemplateItemInput("announcements", _("Announcements from the partners"), 15),
        TemplateItemInput("round", _("Round"), 10),
        TemplateItemInput("closing", _("Closing"), 5),
    )


# ---------------------------------------------------------------- planning


def meeting_defaults(
    uow: UnitOfWork,
    actor: Actor,
    series_id: int | None = None,
    after_meeting_id: int | None = None,
) -> MeetingInput:
    """What the planning dialog starts with: a series' settings and its next date, or
    the meeting after ``after_meeting_id`` ("plan next meeting")."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        today = clock.today()
        if after_meeting_id is not None:
            before, me = load_meeting(s, me, after_meeting_id)
            series = s.get(MeetingSeries, before.series_id) if before.series_id else None
            weeks = series.interval_weeks if series else 6
            return MeetingInput(
                kind=before.kind,
                held_on=max(before.held_on + timedelta(weeks=weeks), today),
                starts_at=before.starts_at,
                ends_at=before.ends_at,
                location=before.location,
                video_link=before.video_link,
                chair_contact_id=before.chair_contact_id,
                minute_taker_contact_id=before.minute_taker_contact_id,
                series_id=before.series_id,
                invites=tuple(InviteInput(i.organisation_id, i.contact_id) for i in before.invites),
                planned_from_id=before.id,
            )
        if series_id is not None:
            series = s.get(MeetingSeries, series_id)
            if series is None:
                raise NotFoundError(_("This meeting series no longer exists."))
            last = s.scalar(
                select(func.max(Meeting.held_on)).where(
                    Meeting.series_id == series.id, Meeting.status != "cancelled"
                )
            )
            on = last + timedelta(weeks=series.interval_weeks) if last else today
            return MeetingInput(
                kind=series.kind,
                held_on=max(on, today),
                starts_at=series.starts_at,
                ends_at=series.ends_at,
                location=series.location,
                video_link=series.video_link,
                chair_contact_id=series.chair_contact_id,
                minute_taker_contact_id=series.minute_taker_contact_id,
                series_id=series.id,
                invites=tuple(InviteInput(i.organisation_id, i.contact_id) for i in series.invites),
            )
        return MeetingInput(
            kind="network",
            held_on=today,
            starts_at=time(9, 30),
            ends_at=time(11, 0),
            chair_contact_id=me.contact_id,
        )


def _agenda_from(template: Sequence[TemplateItemInput]) -> list[AgendaItem]:
    """A new meeting's agenda: the items of its series' template (or the default)."""
    return [
        AgendaItem(
            position=n,
            kind=t.kind,
            title=t.title,
            planned_minutes=t.planned_minutes,
            description=t.description,
            visibility=t.visibility,
            case_mode="full",
        )
        for n, t in enumerate(template)
    ]


def save_meeting(uow: UnitOfWork, actor: Actor, data: MeetingInput) -> MeetingData:
    """Plan a meeting (a new one starts from its series' agenda template) or change its
    planning. Creating needs a coordinator; changing the coordinator, chair or
    minute-taker."""
    data = replace(
        data,
        title=v.clean(data.title),
        location=v.clean(data.location),
        video_link=data.video_link.strip(),
        invites=tuple(dict.fromkeys(data.invites)),
    )
    with uow:
        s = uow.session
        if data.id is None:
            me = require_coordinator(
                s, actor, _("Only a coordinator can plan meetings and series.")
            )
            meeting = None
        else:
            meeting, me = load_meeting(s, actor, data.id, write=True)
            if data.version is not None and meeting.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this meeting. Reload it first."),
                    [("meeting", meeting.id)],
                )
            ensure_not_locked(meeting)
        errors = meeting_field_errors(data)
        errors += _contact_errors(
            s,
            {
                "chair_contact_id": data.chair_contact_id,
                "minute_taker_contact_id": data.minute_taker_contact_id,
            },
        )
        errors += _invite_errors(s, data.invites)
        series = None
        if data.series_id is not None:
            series = s.get(MeetingSeries, data.series_id)
            if series is None:
                errors.append(FieldError("series_id", _("This meeting series no longer exists.")))
        if errors:
            raise ValidationError(errors)
        assert data.held_on is not None and data.starts_at and data.ends_at
        if meeting is None:
            meeting = Meeting(created_by_id=me.id, status="planned")
            if data.planned_from_id is not None:
                before = s.get(Meeting, data.planned_from_id)
                meeting.planned_from_id = before.id if before is not None else None
            meeting.items = _agenda_from(
                _template_of(series) if series is not None else default_template()
            )
            s.add(meeting)
        meeting.kind = data.kind
        meeting.title = data.title or default_title(data.kind, data.held_on)
        meeting.held_on = data.held_on
        meeting.starts_at = data.starts_at
        meeting.ends_at = data.ends_at
        meeting.location = data.location
        meeting.video_link = data.video_link
        meeting.chair_contact_id = data.chair_contact_id
        meeting.minute_taker_contact_id = data.minute_taker_contact_id
        meeting.series_id = data.series_id
        if data.id is not None:
            flush_change(
                uow,
                _("Someone else changed this meeting. Reload it first."),
                [("meeting", meeting.id)],
            )
        current = {(i.organisation_id, i.contact_id): i for i in meeting.invites}
        meeting.invites = [
            current.get((i.organisation_id, i.contact_id))
            or MeetingInvite(organisation_id=i.organisation_id, contact_id=i.contact_id)
            for i in data.invites
        ]
        commit_change(
            uow, _("Someone else changed this meeting. Reload it first."), [("meeting", meeting.id)]
        )
        return meeting_data(s, meeting, me)


def add_invite(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    invite: InviteInput,
    attendance: str = "invited",
) -> MeetingData:
    """Invite one more organisation or contact person (also someone who just walked in:
    ``attendance="present"``)."""
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        ensure_not_locked(meeting)
        errors = _invite_errors(s, [invite])
        if attendance not in ATTENDANCE:
            errors.append(FieldError("attendance", _("Choose present, excused or absent.")))
        if any(
            (i.organisation_id, i.contact_id) == (invite.organisation_id, invite.contact_id)
            for i in meeting.invites
        ):
            errors.append(FieldError("invites", _("This one is invited already.")))
        if errors:
            raise ValidationError(errors)
        meeting.invites.append(
            MeetingInvite(
                organisation_id=invite.organisation_id,
                contact_id=invite.contact_id,
                attendance=attendance,
            )
        )
        commit_change(
            uow, _("Someone else changed this meeting. Reload it first."), [("meeting", meeting.id)]
        )
        return meeting_data(s, meeting, me)


TRANSITIONS = {
    "planned": ("held", "cancelled"),
    "held": ("planned", "minutes_draft"),
    "minutes_draft": ("minutes_sent",),
    "minutes_sent": ("minutes_draft",),
    "cancelled": ("planned",),
    "minutes_approved": (),
}


def set_status(
    uow: UnitOfWork, actor: Actor, meeting_id: int, status: str, reason: str = ""
) -> MeetingData:
    """Mark a meeting held, cancel it (with a reason), plan it again, or mark its
    minutes sent. Approval goes through ``minutes.approve_minutes``."""
    reason = reason.strip()
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        if status not in MEETING_STATUSES or status not in TRANSITIONS.get(meeting.status, ()):
            raise ValidationError(
                FieldError(
                    "status",
                    _("A meeting with status “{current}” cannot become “{new}”.").format(
                        current=status_label(meeting.status), new=status_label(status)
                    ),
                )
            )
        if status == "held" and meeting.held_on > clock.today():
            raise ValidationError(
                FieldError("status", _("This meeting lies in the future: it cannot be held yet."))
            )
        if status == "cancelled":
            message = v.required(reason) or v.max_length(reason, 2000)
            if message:
                raise ValidationError(FieldError("reason", message))
            meeting.cancelled_reason = reason
        if status == "planned":
            meeting.cancelled_reason = ""
        if status == "minutes_sent":
            meeting.minutes_sent_on = clock.today()
        meeting.status = status
        commit_change(
            uow, _("Someone else changed this meeting. Reload it first."), [("meeting", meeting.id)]
        )
        return meeting_data(s, meeting, me)


# ---------------------------------------------------------------- agenda


def _clean_item(data: ItemInput) -> ItemInput:
    return replace(data, title=v.clean(data.title), description=data.description.strip())


def save_item(uow: UnitOfWork, actor: Actor, meeting_id: int, data: ItemInput) -> MeetingData:
    """Add an agenda item at the end (or change one). A case item needs a case the
    actor may see."""
    data = _clean_item(data)
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        ensure_not_locked(meeting)
        errors = item_field_errors(data)
        if (
            data.presenter_contact_id is not None
            and s.get(Contact, data.presenter_contact_id) is None
        ):
            errors.append(FieldError("presenter", _("This contact person no longer exists.")))
        if errors:
            raise ValidationError(errors)
        if data.case_id is not None:
            try:
                load_case(s, me, data.case_id, details=False)
            except (NotFoundError, AccessDeniedError) as exc:
                raise ValidationError(FieldError("case_id", str(exc))) from exc
        if data.id is None:
            item = AgendaItem(position=len(meeting.items))
            meeting.items.append(item)
        else:
            found = next((i for i in meeting.items if i.id == data.id), None)
            if found is None:
                raise NotFoundError(_("This agenda item no longer exists."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this agenda item. Reload it first."),
                    [("meeting", meeting.id)],
                    "agenda_item",
                )
            if (
                found.case_id is not None
                and data.case_id != found.case_id
                and (found.minutes or found.decisions)
            ):
                raise ValidationError(
                    FieldError(
                        "case_id",
                        _("This item has minutes already: add a new item for the other case."),
                    )
                )
            item = found
        item.kind = data.kind
        item.title = data.title
        item.planned_minutes = data.planned_minutes
        item.description = data.description
        item.visibility = data.visibility
        item.presenter_contact_id = data.presenter_contact_id
        item.case_id = data.case_id
        item.case_mode = data.case_mode if data.case_id is not None else "full"
        if data.chair_notes is not None:
            item.chair_notes = data.chair_notes.strip()
        commit_change(
            uow,
            _("Someone else changed this agenda item. Reload it first."),
            [("meeting", meeting.id)],
            "agenda_item",
        )
        return meeting_data(s, meeting, me)


def set_case_mode(uow: UnitOfWork, actor: Actor, item_id: int, mode: str) -> MeetingData:
    """Discuss a case item anonymously (case code and level only) or with its details."""
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        ensure_not_locked(meeting)
        if item.case_id is None or mode not in CASE_MODES:
            raise ValidationError(FieldError("case_mode", _("Choose how the case is discussed.")))
        load_case(s, me, item.case_id, details=False)
        item.case_mode = mode
        commit_change(
            uow,
            _("Someone else changed this agenda item. Reload it first."),
            [("meeting", meeting.id)],
            "agenda_item",
        )
        return meeting_data(s, meeting, me)


def remove_item(uow: UnitOfWork, actor: Actor, item_id: int) -> MeetingData:
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        ensure_not_locked(meeting)
        has_steps = s.scalar(select(Action.id).where(Action.agenda_item_id == item.id).limit(1))
        if item.minutes.strip() or item.decisions or has_steps is not None:
            raise ValidationError(
                FieldError(
                    "item",
                    _(
                        "This item has minutes, decisions or next steps. Remove those first, "
                        "or leave the item on the agenda."
                    ),
                )
            )
        meeting.items.remove(item)
        for n, other in enumerate(meeting.items):
            other.position = n
        commit_change(
            uow, _("Someone else changed this meeting. Reload it first."), [("meeting", meeting.id)]
        )
        return meeting_data(s, meeting, me)


def reorder_items(
    uow: UnitOfWork, actor: Actor, meeting_id: int, item_ids: Sequence[int]
) -> MeetingData:
    """Put the agenda in this order (every item of the meeting, each once)."""
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        ensure_not_locked(meeting)
        by_id = {i.id: i for i in meeting.items}
        if sorted(item_ids) != sorted(by_id):
            raise conflict(
                s,
                _("The agenda changed meanwhile. Reload the meeting first."),
                [("meeting", meeting.id)],
                "agenda_item",
            )
        for n, item_id in enumerate(item_ids):
            by_id[item_id].position = n
        meeting.items.sort(key=lambda i: i.position)
        commit_change(
            uow, _("Someone else changed this meeting. Reload it first."), [("meeting", meeting.id)]
        )
        return meeting_data(s, meeting, me)


def move_item(uow: UnitOfWork, actor: Actor, item_id: int, offset: int) -> MeetingData:
    """Move an item up (``offset`` < 0) or down the agenda."""
    with uow:
        s = uow.session
        _item, meeting, _me = load_item(s, actor, item_id, write=True)
        order = [i.id for i in meeting.items]
        meeting_id = meeting.id
    n = order.index(item_id)
    target = max(0, min(len(order) - 1, n + offset))
    order.insert(target, order.pop(n))
    return reorder_items(uow, actor, meeting_id, order)


# ---------------------------------------------------------------- choices


def contact_choices(uow: UnitOfWork, actor: Actor) -> list[Choice]:
    """Active contact persons of the directory, "Name (Organisation)"."""
    with uow:
        s = uow.session
        acting_user(s, actor)
        rows = s.execute(
            select(Contact.id, Contact.name, Organisation.name, Organisation.id)
            .join(Organisation, Organisation.id == Contact.organisation_id)
            .where(Organisation.archived.is_(False), Contact.active.is_(True))
            .order_by(Contact.name, Organisation.name)
        )
        return [
            Choice(
                cid,
                _("{contact} ({organisation})").format(contact=name, organisation=org),
                str(oid),
            )
            for cid, name, org, oid in rows
        ]


def organisation_choices(uow: UnitOfWork, actor: Actor) -> list[Choice]:
    with uow:
        s = uow.session
        acting_user(s, actor)
        rows = s.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.archived.is_(False))
            .order_by(Organisation.name)
        )
        return [Choice(oid, name) for oid, name in rows]


def case_choices(uow: UnitOfWork, actor: Actor) -> list[Choice]:
    """Open cases the actor may see: "2026-0042 · level 3 · Alias"."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        rows = s.execute(
            select(Case.id, Case.code, Case.level, Case.alias)
            .where(visible(me), Case.status != "closed")
            .order_by(Case.code.desc())
        )
        return [
            Choice(cid, code, _("level {level} · {alias}").format(level=level, alias=alias))
            for cid, code, level, alias in rows
        ]


__all__ = [
    "ConsentCheck",
    "InviteInput",
    "ItemData",
    "ItemInput",
    "MeetingData",
    "MeetingFilter",
    "MeetingInput",
    "MeetingLockedError",
    "MeetingRow",
    "SeriesData",
    "SeriesInput",
    "TemplateItemInput",
    "TimePlan",
    "add_invite",
    "case_reference",
    "consent_check",
    "count_meetings",
    "get_meeting",
    "list_meetings",
    "list_series",
    "meeting_defaults",
    "move_item",
    "remove_item",
    "reorder_items",
    "save_item",
    "save_meeting",
    "save_series",
    "set_case_mode",
    "set_status",
    "time_plan",
]
