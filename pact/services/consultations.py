"""Signals, consultations and agreed next steps (actions) of a case.

A consultation asks partners for advice about a case. When it is not anonymous,
every partner consulted receives case information, so consent (or a Meldcode
justification) must cover it; an anonymous consultation shares only the case code
and level. Each agreed next step becomes an action with an owner (a contact person
or an organisation) and a due date; the owner receives case information too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _, format_date
from pact.models import (
    Action,
    Case,
    CaseSignal,
    Child,
    Consultation,
    ConsultationPartner,
    Contact,
    Meeting,
    MeetingInvite,
    Organisation,
    User,
)
from pact.models.case import ACTION_STATUSES, SERIOUSNESS, SIGNAL_DOMAINS
from pact.services import cases as case_svc
from pact.services import clock
from pact.services import consent as consent_svc
from pact.services import validation as v
from pact.services.cases import Option
from pact.services.lookup import (
    commit_case_change,
    commit_change,
    conflict,
    flush_change,
    mapping,
    user_names,
)
from pact.services.scope import load_case, visible
from pact.services.users import WORKER, Actor, acting_user

MAX_TEXT = 8000


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class SignalData:
    observed_on: date
    observation: str
    domain: str
    seriousness: int = 1
    child_id: int | None = None
    source_org_id: int | None = None
    source_contact_id: int | None = None
    id: int | None = None
    version: int | None = None
    # display only
    child: str = ""
    source: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class ActionInput:
    what: str
    due_on: date | None
    owner_org_id: int | None = None
    owner_contact_id: int | None = None


@dataclass(frozen=True)
class ActionData:
    id: int
    version: int
    case_id: int | None
    case_code: str
    consultation_id: int | None
    what: str
    owner_org_id: int | None
    owner_contact_id: int | None
    owner: str  # "Contact (Organisation)" or "Organisation"
    due_on: date
    status: str
    done_on: date | None
    note: str
    created_on: date
    created_by: str
    meldcode: bool = False
    closed_by: str = ""  # who marked it done or cancelled it
    meeting_id: int | None = None  # agreed at this meeting
    meeting: str = ""  # its title and date
    agenda_item_id: int | None = None

    def overdue(self, on: date | None = None) -> bool:
        return self.status == "open" and self.due_on < (on or clock.today())

    @property
    def done_late(self) -> bool:
        """Done, but after its due date."""
        return self.status == "done" and self.done_on is not None and self.done_on > self.due_on


@dataclass(frozen=True)
class ConsultationInput:
    held_on: date
    question: str
    advice: str = ""
    anonymous: bool = False
    partner_ids: tuple[int, ...] = ()
    steps: tuple[ActionInput, ...] = ()  # new next steps agreed
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class ConsultationData:
    id: int
    version: int
    held_on: date
    worker_id: int
    worker: str
    question: str
    advice: str
    anonymous: bool
    partner_ids: tuple[int, ...]
    partners: tuple[str, ...]
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class ActionFilter:
    status: str | None = "open"  # None: every status
    case_id: int | None = None
    meeting_id: int | None = None
    owner_org_id: int | None = None
    owner_contact_id: int | None = None
    mine: bool = False
    overdue: bool = False
    due_from: date | None = None
    due_until: date | None = None
    # every word found in what has to be done or in the case code (either will do)
    text: str = ""


@dataclass(frozen=True)
class ActionCounts:
    """How many next steps match a filter, and how many of them are overdue."""

    total: int
    overdue: int


# what list_actions can sort by (the next steps overview's columns)
ACTION_SORT_COLUMNS = ("due_on", "what", "owner", "case", "meeting", "status")


# ---------------------------------------------------------------- validation


def signal_field_errors(data: SignalData, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.observed_on > today:
        errors.append(FieldError("observed_on", _("This date lies in the future.")))
    message = v.required(data.observation) or v.max_length(data.observation, MAX_TEXT)
    if message:
        errors.append(FieldError("observation", message))
    if data.domain not in SIGNAL_DOMAINS:
        errors.append(FieldError("domain", _("Choose what the signal is about.")))
    if data.seriousness not in SERIOUSNESS:
        errors.append(FieldError("seriousness", _("Choose how serious the signal is.")))
    return errors


def action_field_errors(data: ActionInput, prefix: str = "") -> list[FieldError]:
    errors: list[FieldError] = []
    message = v.required(data.what) or v.max_length(data.what, 2000)
    if message:
        errors.append(FieldError(prefix + "what", message))
    if data.owner_org_id is None and data.owner_contact_id is None:
        errors.append(
            FieldError(
                prefix + "owner", _("Choose who does it: a contact person or an organisation.")
            )
        )
    if data.due_on is None:
        errors.append(FieldError(prefix + "due_on", _("Enter the date it has to be done by.")))
    return errors


def consultation_field_errors(data: ConsultationInput, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.held_on > today:
        errors.append(FieldError("held_on", _("This date lies in the future.")))
    message = v.required(data.question) or v.max_length(data.question, MAX_TEXT)
    if message:
        errors.append(FieldError("question", message))
    message = v.max_length(data.advice, MAX_TEXT)
    if message:
        errors.append(FieldError("advice", message))
    for i, step in enumerate(data.steps):
        prefix = f"steps.{i}."
        errors += action_field_errors(step, prefix)
        if step.due_on is not None and step.due_on < data.held_on:
            errors.append(
                FieldError(
                    prefix + "due_on",
                    _("A next step cannot be due before the consultation where it was agreed."),
                )
            )
    return errors


def _contact_org(s: Session, contact_id: int | None) -> int | None:
    if contact_id is None:
        return None
    contact = s.get(Contact, contact_id)
    return contact.organisation_id if contact is not None else None


def owner_errors(s: Session, step: ActionInput, prefix: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if step.owner_contact_id is not None:
        contact = s.get(Contact, step.owner_contact_id)
        if contact is None:
            errors.append(FieldError(prefix + "owner", _("This contact person no longer exists.")))
        elif step.owner_org_id is not None and contact.organisation_id != step.owner_org_id:
            errors.append(
                FieldError(
                    prefix + "owner", _("This contact person works for another organisation.")
                )
            )
    if step.owner_org_id is not None and s.get(Organisation, step.owner_org_id) is None:
        errors.append(FieldError(prefix + "owner", _("This organisation no longer exists.")))
    return errors


def owner_org(s: Session, step: ActionInput) -> int | None:
    return (
        step.owner_org_id
        if step.owner_org_id is not None
        else _contact_org(s, step.owner_contact_id)
    )


# ---------------------------------------------------------------- reading


def _owner_label(contact: str | None, org: str | None) -> str:
    if contact and org:
        return _("{contact} ({organisation})").format(contact=contact, organisation=org)
    return contact or org or ""


def meeting_label(title: str, on: date) -> str:
    """A meeting's title with its date, unless the title holds the date already (the
    default title is the kind and the date)."""
    if format_date(on, "d MMMM y") in title:
        return title
    return _("{title} ({date})").format(title=title, date=format_date(on))


def action_rows(s: Session, q: Select[Any]) -> list[ActionData]:
    """ActionData for the actions ``q`` (a select of Action) returns, in its order."""
    actions = list(s.scalars(q))
    if not actions:
        return []
    contact_ids = {a.owner_contact_id for a in actions if a.owner_contact_id}
    contacts = {
        cid: (name, oid)
        for cid, name, oid in s.execute(
            select(Contact.id, Contact.name, Contact.organisation_id).where(
                Contact.id.in_(contact_ids)
            )
        )
    }
    org_ids = {a.owner_org_id for a in actions if a.owner_org_id} | {
        oid for _n, oid in contacts.values()
    }
    orgs = mapping(
        s, select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    )
    case_ids = {a.case_id for a in actions if a.case_id}
    codes = {
        cid: (code, meld)
        for cid, code, meld in s.execute(
            select(Case.id, Case.code, Case.meldcode).where(Case.id.in_(case_ids))
        )
    }
    users = user_names(s, [a.created_by_id for a in actions] + [a.closed_by_id for a in actions])
    meeting_ids = {a.meeting_id for a in actions if a.meeting_id}
    meetings = {
        mid: meeting_label(title, on)
        for mid, title, on in s.execute(
            select(Meeting.id, Meeting.title, Meeting.held_on).where(Meeting.id.in_(meeting_ids))
        )
    }
    out = []
    for a in actions:
        contact = contacts.get(a.owner_contact_id) if a.owner_contact_id else None
        org_id = a.owner_org_id or (contact[1] if contact else None)
        code, meld = codes.get(a.case_id, ("", False)) if a.case_id else ("", False)
        out.append(
            ActionData(
                id=a.id,
                version=a.version,
                case_id=a.case_id,
                case_code=code,
                consultation_id=a.consultation_id,
                what=a.what,
                owner_org_id=a.owner_org_id,
                owner_contact_id=a.owner_contact_id,
                owner=_owner_label(
                    contact[0] if contact else None, orgs.get(org_id) if org_id else None
                ),
                due_on=a.due_on,
                status=a.status,
                done_on=a.done_on,
                note=a.note,
                created_on=a.created_on,
                created_by=users.get(a.created_by_id, ""),
                meldcode=meld,
                closed_by=users.get(a.closed_by_id, "") if a.closed_by_id else "",
                meeting_id=a.meeting_id,
                meeting=meetings.get(a.meeting_id, "") if a.meeting_id else "",
                agenda_item_id=a.agenda_item_id,
            )
        )
    return out


def signal_rows(s: Session, signals: list[CaseSignal]) -> list[SignalData]:
    children = mapping(
        s,
        select(Child.id, Child.name).where(
            Child.id.in_({x.child_id for x in signals if x.child_id})
        ),
    )
    orgs = mapping(
        s,
        select(Organisation.id, Organisation.name).where(
            Organisation.id.in_({x.source_org_id for x in signals if x.source_org_id})
        ),
    )
    contacts = mapping(
        s,
        select(Contact.id, Contact.name).where(
            Contact.id.in_({x.source_contact_id for x in signals if x.source_contact_id})
        ),
    )
    users = mapping(
        s,
        select(User.id, User.display_name).where(User.id.in_({x.recorded_by_id for x in signals})),
    )
    return [
        SignalData(
            id=x.id,
            version=x.version,
            observed_on=x.observed_on,
            observation=x.observation,
            domain=x.domain,
            seriousness=x.seriousness,
            child_id=x.child_id,
            child=children.get(x.child_id, "") if x.child_id else "",
            source_org_id=x.source_org_id,
            source_contact_id=x.source_contact_id,
            source=_owner_label(
                contacts.get(x.source_contact_id) if x.source_contact_id else None,
                orgs.get(x.source_org_id) if x.source_org_id else None,
            ),
            recorded_by=users.get(x.recorded_by_id, ""),
        )
        for x in signals
    ]


def list_signals(uow: UnitOfWork, actor: Actor, case_id: int) -> list[SignalData]:
    """The case's signals, newest first."""
    with uow:
        s = uow.session
        load_case(s, actor, case_id)
        signals = list(
            s.scalars(
                select(CaseSignal)
                .where(CaseSignal.case_id == case_id)
                .order_by(CaseSignal.observed_on.desc(), CaseSignal.id.desc())
            )
        )
        return signal_rows(s, signals)


def list_consultations(uow: UnitOfWork, actor: Actor, case_id: int) -> list[ConsultationData]:
    """The case's consultations, newest first, each with its next steps."""
    with uow:
        s = uow.session
        load_case(s, actor, case_id)
        items = list(
            s.scalars(
                select(Consultation)
                .where(Consultation.case_id == case_id)
                .order_by(Consultation.held_on.desc(), Consultation.id.desc())
            )
        )
        actions = action_rows(
            s, select(Action).where(Action.case_id == case_id).order_by(Action.due_on, Action.id)
        )
        orgs = mapping(s, select(Organisation.id, Organisation.name))
        users = mapping(
            s, select(User.id, User.display_name).where(User.id.in_({x.worker_id for x in items}))
        )
        return [
            ConsultationData(
                id=x.id,
                version=x.version,
                held_on=x.held_on,
                worker_id=x.worker_id,
                worker=users.get(x.worker_id, ""),
                question=x.question,
                advice=x.advice,
                anonymous=x.anonymous,
                partner_ids=tuple(p.organisation_id for p in x.partner_links),
                partners=tuple(orgs.get(p.organisation_id, "") for p in x.partner_links),
                actions=tuple(a for a in actions if a.consultation_id == x.id),
            )
            for x in items
        ]


def case_actions(uow: UnitOfWork, actor: Actor, case_id: int) -> list[ActionData]:
    """Every next step of the case: open ones first (by due date), then the rest."""
    with uow:
        s = uow.session
        load_case(s, actor, case_id)
        return action_rows(
            s,
            select(Action)
            .where(Action.case_id == case_id)
            .order_by((Action.status != "open"), Action.due_on, Action.id),
        )


def mine_condition(actor: Actor) -> ColumnElement[bool]:
    """Next steps that belong to the actor: owned by their contact person, or by their
    organisation without a contact person named."""
    conditions: list[ColumnElement[bool]] = []
    if actor.contact_id is not None:
        conditions.append(Action.owner_contact_id == actor.contact_id)
    if actor.organisation_id is not None:
        conditions.append(
            (Action.owner_contact_id.is_(None)) & (Action.owner_org_id == actor.organisation_id)
        )
    if not conditions:
        conditions.append(Action.created_by_id == actor.id)
    return or_(*conditions)


def caseless_visible(actor: Actor) -> ColumnElement[bool]:
    """Which next steps without a case (agreed at a meeting about no case in particular)
    the actor may see: a coordinator all of them; anyone else those they own or created,
    and those of meetings their organisation was invited to."""
    if actor.is_coordinator:
        return true()
    if WORKER not in actor.roles:
        return false()  # an administrator only: no case work
    conditions: list[ColumnElement[bool]] = [
        mine_condition(actor),
        Action.created_by_id == actor.id,
    ]
    if actor.organisation_id is not None:
        conditions.append(
            Action.meeting_id.in_(
                select(MeetingInvite.meeting_id).where(
                    MeetingInvite.organisation_id == actor.organisation_id
                )
            )
        )
    return or_(*conditions)


def _action_query(actor: Actor, f: ActionFilter, join_case: bool = False) -> Select[Any]:
    """The next steps matching ``f`` that ``actor`` may see. The case table is joined
    only when a text search or a sort needs its code: counting 40,000 done steps went
    from 130 to 30 ms without the join (benchmarks/bench_case_list.py)."""
    today = clock.today()
    q = select(Action)
    if not actor.is_coordinator:  # a coordinator sees every step: no condition at all
        q = q.where(
            or_(
                (Action.case_id.is_not(None)) & visible(actor, Action.case_id),
                (Action.case_id.is_(None)) & caseless_visible(actor),
            )
        )
    if join_case or f.text.split():
        q = q.outerjoin(Case, Case.id == Action.case_id)
    if f.meeting_id is not None:
        q = q.where(Action.meeting_id == f.meeting_id)
    if f.status:
        q = q.where(Action.status == f.status)
    if f.case_id is not None:
        q = q.where(Action.case_id == f.case_id)
    if f.owner_org_id is not None:
        q = q.where(
            or_(
                Action.owner_org_id == f.owner_org_id,
                Action.owner_contact_id.in_(
                    select(Contact.id).where(Contact.organisation_id == f.owner_org_id)
                ),
            )
        )
    if f.owner_contact_id is not None:
        q = q.where(Action.owner_contact_id == f.owner_contact_id)
    if f.mine:
        q = q.where(mine_condition(actor))
    if f.overdue:
        q = q.where(Action.status == "open", Action.due_on < today)
    if f.due_from is not None:
        q = q.where(Action.due_on >= f.due_from)
    if f.due_until is not None:
        q = q.where(Action.due_on <= f.due_until)
    for word in f.text.split():
        pattern = "%" + _like_escape(word.lower()) + "%"
        q = q.where(
            or_(
                func.lower(Action.what).like(pattern, escape="\\"),
                func.lower(Case.code).like(pattern, escape="\\"),
            )
        )
    return q


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sorted(q: Select[Any], sort: str, descending: bool) -> Select[Any]:
    """``q`` (from ``_action_query``) ordered by ``sort``; rows without a value (no
    case, no meeting) last either way; then by due date."""
    if sort not in ACTION_SORT_COLUMNS:
        raise ValueError(f"unknown sort column {sort!r}")
    keys: list[Any] = []
    if sort == "due_on":
        key: Any = Action.due_on
    elif sort == "what":
        key = func.lower(Action.what)
    elif sort == "owner":
        contact = aliased(Contact)
        org = aliased(Organisation)
        q = q.outerjoin(contact, contact.id == Action.owner_contact_id).outerjoin(
            org, org.id == func.coalesce(Action.owner_org_id, contact.organisation_id)
        )
        # as the owner reads: the contact person's name, else the organisation's
        key = func.lower(func.coalesce(contact.name, org.name, ""))
    elif sort == "case":
        keys.append(Action.case_id.is_(None))
        key = Case.code
    elif sort == "meeting":
        q = q.outerjoin(Meeting, Meeting.id == Action.meeting_id)
        keys.append(Action.meeting_id.is_(None))
        key = Meeting.held_on
    else:  # status: open, done, cancelled
        key = case((Action.status == "open", 0), (Action.status == "done", 1), else_=2)
    keys.append(key.desc() if descending else key)
    if sort != "due_on":
        keys.append(Action.due_on)
    keys.append(Action.id.desc() if descending and sort == "due_on" else Action.id)
    return q.order_by(*keys)


def list_actions(
    uow: UnitOfWork,
    actor: Actor,
    f: ActionFilter = ActionFilter(),
    limit: int = 200,
    offset: int = 0,
    sort: str = "due_on",
    descending: bool = False,
) -> list[ActionData]:
    """Next steps of the cases the actor may see (and the case-less ones of their
    meetings), one page, by due date or by another of ``ACTION_SORT_COLUMNS``."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        q = _action_query(me, f, join_case=sort == "case")
        q = _sorted(q, sort, descending).offset(offset).limit(limit)
        return action_rows(s, q)


def count_actions(uow: UnitOfWork, actor: Actor, f: ActionFilter = ActionFilter()) -> int:
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        return s.scalar(select(func.count()).select_from(_action_query(me, f).subquery())) or 0


def action_counts(uow: UnitOfWork, actor: Actor, f: ActionFilter = ActionFilter()) -> ActionCounts:
    """How many next steps match ``f`` and how many of those are overdue, in one query."""
    today = clock.today()
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        # only the columns the counts need: the rows are counted, not loaded
        sub = _action_query(me, f).with_only_columns(Action.status, Action.due_on).subquery()
        late = case((and_(sub.c.status == "open", sub.c.due_on < today), 1), else_=0)
        total, overdue = s.execute(
            select(func.count(), func.coalesce(func.sum(late), 0)).select_from(sub)
        ).one()
        return ActionCounts(int(total or 0), int(overdue or 0))


def action_meetings(uow: UnitOfWork, actor: Actor, limit: int = 500) -> list[Option]:
    """The meetings at which next steps the actor may see were agreed, newest first
    (for a filter): label "Title (date)", detail the date in ISO form."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        ids = (
            _action_query(me, ActionFilter(status=None))
            .with_only_columns(Action.meeting_id)
            .where(Action.meeting_id.is_not(None))
        )
        rows = s.execute(
            select(Meeting.id, Meeting.title, Meeting.held_on)
            .where(Meeting.id.in_(ids))
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(limit)
        )
        return [Option(mid, meeting_label(title, on), on.isoformat()) for mid, title, on in rows]


# ---------------------------------------------------------------- writes


def save_signal(uow: UnitOfWork, actor: Actor, case_id: int, data: SignalData) -> SignalData:
    """Record (or correct) a signal: an early observation about a child or family."""
    data = replace(data, observation=data.observation.strip())
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = signal_field_errors(data, clock.today())
        if data.child_id is not None and data.child_id not in {x.id for x in c.children}:
            errors.append(FieldError("child_id", _("Choose a child of this family.")))
        if data.source_contact_id is not None:
            contact = s.get(Contact, data.source_contact_id)
            if contact is None:
                errors.append(FieldError("source", _("This contact person no longer exists.")))
            elif data.source_org_id is not None and contact.organisation_id != data.source_org_id:
                errors.append(
                    FieldError("source", _("This contact person works for another organisation."))
                )
        if data.source_org_id is not None and s.get(Organisation, data.source_org_id) is None:
            errors.append(FieldError("source", _("This organisation no longer exists.")))
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            signal = CaseSignal(case_id=c.id, recorded_by_id=me.id)
            s.add(signal)
        else:
            found = s.get(CaseSignal, data.id)
            if found is None or found.case_id != c.id:
                raise NotFoundError(_("This signal no longer exists."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this signal. Reload the case first."),
                    [("case", c.id)],
                    part="case_signal",
                )
            signal = found
        signal.observed_on = data.observed_on
        signal.observation = data.observation
        signal.domain = data.domain
        signal.seriousness = data.seriousness
        signal.child_id = data.child_id
        signal.source_org_id = data.source_org_id
        signal.source_contact_id = data.source_contact_id
        commit_case_change(uow, c.id, part="case_signal")
        return signal_rows(s, [signal])[0]


def _add_steps(
    s: Session,
    c: Case,
    me: Actor,
    steps: tuple[ActionInput, ...],
    consultation_id: int | None,
    prefix: str = "steps.",
) -> list[Action]:
    # fields "steps.<i>.owner" in a consultation; a single step (prefix "") has "owner"
    names = [f"{prefix}{i}." if prefix else "" for i in range(len(steps))]
    errors: list[FieldError] = []
    for i, step in enumerate(steps):
        errors += owner_errors(s, step, names[i])
    if errors:
        raise ValidationError(errors)
    added = []
    for i, step in enumerate(steps):
        org = owner_org(s, step)
        if org is not None:
            consent_svc.ensure_may_share(s, c, org, names[i] + "owner")
        assert step.due_on is not None
        action = Action(
            case_id=c.id,
            consultation_id=consultation_id,
            what=step.what.strip(),
            owner_org_id=step.owner_org_id if step.owner_contact_id is None else org,
            owner_contact_id=step.owner_contact_id,
            due_on=step.due_on,
            status="open",
            created_on=clock.today(),
            created_by_id=me.id,
        )
        s.add(action)
        added.append(action)
    return added


def save_consultation(
    uow: UnitOfWork, actor: Actor, case_id: int, data: ConsultationInput
) -> ConsultationData:
    """Log a consultation (the acting user is the worker who asked) and the next steps
    agreed in it, all or nothing. Partners consulted, and the owners of the steps,
    must be covered by consent (or the Meldcode) unless the consultation is anonymous;
    the owners of next steps always must."""
    data = replace(
        data,
        question=data.question.strip(),
        advice=data.advice.strip(),
        partner_ids=tuple(sorted(set(data.partner_ids))),
        steps=tuple(replace(st, what=st.what.strip()) for st in data.steps),
    )
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = consultation_field_errors(data, clock.today())
        known = set(s.scalars(select(Organisation.id).where(Organisation.id.in_(data.partner_ids))))
        if set(data.partner_ids) - known:
            errors.append(FieldError("partner_ids", _("This organisation no longer exists.")))
        if errors:
            raise ValidationError(errors)
        if not data.anonymous:
            for org in data.partner_ids:
                consent_svc.ensure_may_share(s, c, org, "partner_ids")
        if data.id is None:
            item = Consultation(case_id=c.id, worker_id=me.id)
            s.add(item)
        else:
            found = s.get(Consultation, data.id)
            if found is None or found.case_id != c.id:
                raise NotFoundError(_("This consultation no longer exists."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this consultation. Reload the case first."),
                    [("consultation", found.id)],
                )
            item = found
        item.held_on = data.held_on
        item.question = data.question
        item.advice = data.advice
        item.anonymous = data.anonymous
        current = {p.organisation_id: p for p in item.partner_links}
        item.partner_links = [
            current.get(o) or ConsultationPartner(organisation_id=o) for o in data.partner_ids
        ]
        flush_change(
            uow,
            _("Someone else changed this consultation. Reload the case first."),
            [("consultation", item.id), ("case", c.id)],
        )
        _add_steps(s, c, me, data.steps, item.id)
        case_svc.mark_active(s, c, me)
        commit_change(
            uow,
            _("Someone else changed this consultation. Reload the case first."),
            [("consultation", item.id), ("case", c.id)],
        )
        consultation_id = item.id
    return next(x for x in list_consultations(uow, actor, case_id) if x.id == consultation_id)


def add_action(uow: UnitOfWork, actor: Actor, case_id: int, step: ActionInput) -> ActionData:
    """A next step for the case outside a consultation."""
    step = replace(step, what=step.what.strip())
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = action_field_errors(step)
        if step.due_on is not None and step.due_on < clock.today() - timedelta(days=366):
            errors.append(FieldError("due_on", _("This date lies more than a year back.")))
        if errors:
            raise ValidationError(errors)
        # field names without the "0." of the list
        added = _add_steps(s, c, me, (step,), None, prefix="")
        case_svc.mark_active(s, c, me)
        commit_case_change(uow, c.id)
        action_id = added[0].id
        return action_rows(s, select(Action).where(Action.id == action_id))[0]


def _load_action(
    s: Session, actor: Actor, action_id: int, write: bool
) -> tuple[Action, Case | None, Actor]:
    action = s.get(Action, action_id)
    if action is None:
        raise NotFoundError(_("This next step no longer exists."))
    if action.case_id is None:
        me = acting_user(s, actor)
        seen = s.scalar(select(Action.id).where(Action.id == action_id, caseless_visible(me)))
        if seen is None:
            raise AccessDeniedError(_("You have no access to this next step."))
        return action, None, me
    c, me = load_case(s, actor, action.case_id, write=write, details=False)
    return action, c, me


def get_action(uow: UnitOfWork, actor: Actor, action_id: int) -> ActionData:
    """One next step as it is saved now (to reload it after a conflict)."""
    with uow:
        s = uow.session
        _load_action(s, actor, action_id, write=False)
        return action_rows(s, select(Action).where(Action.id == action_id))[0]


def _step_message() -> str:
    return _("Someone else changed this next step. Reload the case first.")


def _step_conflict(s: Session, action: Action) -> ConflictError:
    return conflict(s, _step_message(), [("next_step", action.id)])


def _commit_step(uow: UnitOfWork, action: Action, c: Case | None) -> None:
    records: list[tuple[str, object]] = [("next_step", action.id)]
    if c is not None:
        records.append(("case", c.id))
    commit_change(uow, _step_message(), records)


def update_action(
    uow: UnitOfWork, actor: Actor, action_id: int, step: ActionInput, version: int | None = None
) -> ActionData:
    """Change what a next step is, who does it or when it is due."""
    step = replace(step, what=step.what.strip())
    with uow:
        s = uow.session
        action, c, _me = _load_action(s, actor, action_id, write=True)
        if version is not None and action.version != version:
            raise _step_conflict(s, action)
        errors = action_field_errors(step) + owner_errors(s, step, "")
        if errors:
            raise ValidationError(errors)
        org = owner_org(s, step)
        if (
            c is not None
            and org is not None
            and org
            != owner_org(
                s,
                ActionInput(
                    action.what, action.due_on, action.owner_org_id, action.owner_contact_id
                ),
            )
        ):
            consent_svc.ensure_may_share(s, c, org, "owner")
        assert step.due_on is not None
        action.what = step.what
        action.owner_contact_id = step.owner_contact_id
        action.owner_org_id = step.owner_org_id if step.owner_contact_id is None else org
        action.due_on = step.due_on
        _commit_step(uow, action, c)
        return action_rows(s, select(Action).where(Action.id == action_id))[0]


def set_action_status(
    uow: UnitOfWork,
    actor: Actor,
    action_id: int,
    status: str,
    done_on: date | None = None,
    note: str = "",
    version: int | None = None,
) -> ActionData:
    """Mark a next step done (with the date and a note), cancelled, or open again."""
    note = note.strip()
    with uow:
        s = uow.session
        action, c, me = _load_action(s, actor, action_id, write=True)
        if version is not None and action.version != version:
            raise _step_conflict(s, action)
        errors: list[FieldError] = []
        if status not in ACTION_STATUSES:
            errors.append(FieldError("status", _("Choose a status.")))
        if status == "done":
            if done_on is None:
                errors.append(FieldError("done_on", _("Enter the date it was done.")))
            elif done_on > clock.today():
                errors.append(FieldError("done_on", _("This date lies in the future.")))
            elif done_on < action.created_on:
                errors.append(FieldError("done_on", _("It cannot be done before it was agreed.")))
        message = v.max_length(note, 4000)
        if message:
            errors.append(FieldError("note", message))
        if errors:
            raise ValidationError(errors)
        action.status = status
        action.done_on = done_on if status == "done" else None
        action.closed_by_id = None if status == "open" else me.id
        action.note = note
        _commit_step(uow, action, c)
        return action_rows(s, select(Action).where(Action.id == action_id))[0]


__all__ = [
    "ACTION_SORT_COLUMNS",
    "ActionCounts",
    "ActionData",
    "ActionFilter",
    "ActionInput",
    "ConsultationData",
    "ConsultationInput",
    "SignalData",
    "action_counts",
    "action_field_errors",
    "action_meetings",
    "add_action",
    "case_actions",
    "consultation_field_errors",
    "count_actions",
    "get_action",
    "list_actions",
    "list_consultations",
    "list_signals",
    "save_consultation",
    "save_signal",
    "set_action_status",
    "signal_field_errors",
    "update_action",
]
