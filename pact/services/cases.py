"""Cases (casussen): registering a family, its children and carers, the partners
involved, the escalation level and the case's status; the case list and the case
file.

Every function takes the acting user and checks need-to-know (``scope``); every
write is one unit of work, validated first (``ValidationError`` naming the field),
refused on a closed case (``CaseClosedError``), and keeps the case's consent state
current. Sharing case information with a partner needs consent or a Meldcode
justification (``consent.ensure_may_share``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from pact.db.uow import UnitOfWork
from pact.errors import (
    FieldError,
    NeedsConfirmationError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _, format_date, ngettext
from pact.models import (
    Action,
    Carer,
    Case,
    CaseLevelChange,
    CasePartner,
    CaseStatusEvent,
    Child,
    Consent,
    ConsentGiver,
    Contact,
    Municipality,
    Organisation,
    User,
)
from pact.models.case import CARER_RELATIONS, CASE_ROLES, CASE_STATUSES, LEVELS
from pact.services import audit, clock
from pact.services import consent as consent_svc
from pact.services import consent_rules as rules
from pact.services import validation as v
from pact.services.consent_rules import possible_ages
from pact.services.lookup import (
    case_conflict_message,
    commit_case_change,
    conflict,
    flush_change,
    mapping,
    org_names,
    user_names,
)
from pact.services.scope import load_case, visible
from pact.services.users import Actor, acting_user
from pact.services.vocab import RELATION_LABELS, label

PAGE_SIZE = 200
MAX_CHILD_AGE = 23  # youth care can last until 23
REGISTRANT = consent_svc.REGISTRANT


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class CaseInput:
    """What registering a case asks for (and what its details editor saves)."""

    alias: str
    municipality_id: int | None
    level: int = 1
    family_name: str = ""
    referred_by_id: int | None = None
    lead_contact_id: int | None = None
    notes: str = ""
    registered_on: date | None = None  # default: today
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class CaseFilter:
    text: str = ""
    # None: every case; "open": registered or active; or one of CASE_STATUSES
    status: str | None = "open"
    municipality_id: int | None = None
    level: int | None = None
    lead_contact_id: int | None = None
    mine: bool = False  # registered by me or led by me
    consent_problem: bool = False  # consent missing, incomplete, expired or expiring
    overdue: bool = False  # an open next step past its due date


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    alias: str
    municipality: str
    level: int
    status: str
    consent: str  # display state: none, withdrawn, expired, incomplete, expiring, complete
    consent_ok_until: date | None
    meldcode: bool
    lead: str
    lead_organisation: str
    open_steps: int
    overdue_steps: int
    next_due: date | None
    registered_on: date


@dataclass(frozen=True)
class ChildData:
    name: str
    birth_year: int
    school_id: int | None = None
    notes: str = ""
    buddy_organisation_id: int | None = None
    buddy_since: date | None = None
    id: int | None = None
    version: int | None = None
    school: str = ""  # display only
    buddy_organisation: str = ""  # display only

    def ages(self, on: date | None = None) -> tuple[int, int]:
        return possible_ages(self.birth_year, on or clock.today())


@dataclass(frozen=True)
class CarerData:
    alias: str
    relation: str
    parental_authority: bool = False
    notes: str = ""
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class InvolvementData:
    id: int
    organisation_id: int
    organisation: str
    sector: str
    role: str
    note: str
    added_on: date
    added_by: str
    under_meldcode: bool
    ended_on: date | None
    basis: str | None  # registrant / consent / meldcode / None (not covered now)
    problem: str  # why it is not covered, '' when it is


@dataclass(frozen=True)
class LevelChangeData:
    level: int
    previous_level: int | None
    changed_on: date
    user: str
    reason: str


@dataclass(frozen=True)
class StatusEventData:
    event: str
    on: date
    user: str
    reason: str


@dataclass(frozen=True)
class CaseHeader:
    id: int
    version: int
    code: str
    alias: str
    family_name: str
    status: str
    level: int
    municipality_id: int
    municipality: str
    registered_on: date
    registered_by_id: int
    registered_by: str
    referred_by_id: int | None
    referred_by: str
    lead_contact_id: int | None
    lead: str
    lead_organisation: str
    notes: str
    closed_on: date | None
    close_reason: str
    meldcode: bool
    consent: str  # display state
    consent_ok_until: date | None
    # names and texts removed (pact.services.retention): "retention" or "erasure"
    anonymised_on: date | None = None
    anonymised_kind: str = ""
    erasure_requested_on: date | None = None

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    @property
    def anonymised(self) -> bool:
        return self.anonymised_on is not None


@dataclass(frozen=True)
class ConsentSummary:
    state: str  # display state
    ok_until: date | None
    required: tuple[str, ...]  # whose consent the rules ask for, in sentences
    warnings: tuple[str, ...]  # what is missing, expired or ending soon


@dataclass(frozen=True)
class CaseFile:
    header: CaseHeader
    children: tuple[ChildData, ...]
    carers: tuple[CarerData, ...]
    partners: tuple[InvolvementData, ...]
    levels: tuple[LevelChangeData, ...]
    events: tuple[StatusEventData, ...]
    consent: ConsentSummary


@dataclass(frozen=True)
class Option:
    """An id with the text a chooser shows."""

    id: int
    label: str
    detail: str = ""


SORT_COLUMNS = (
    "code",
    "alias",
    "municipality",
    "level",
    "status",
    "consent",
    "lead",
    "next_due",
    "registered_on",
)


# ---------------------------------------------------------------- list


def _open_steps(case_id: Any) -> Any:
    return (
        select(func.count())
        .where(Action.case_id == case_id, Action.status == "open")
        .scalar_subquery()
    )


def _filtered(actor: Actor, f: CaseFilter) -> Select[Any]:
    today = clock.today()
    q = select(Case.id).where(visible(actor))
    if f.status == "open":
        q = q.where(Case.status != "closed")
    elif f.status:
        q = q.where(Case.status == f.status)
    if f.municipality_id is not None:
        q = q.where(Case.municipality_id == f.municipality_id)
    if f.level is not None:
        q = q.where(Case.level == f.level)
    if f.lead_contact_id is not None:
        q = q.where(Case.lead_contact_id == f.lead_contact_id)
    if f.mine:
        mine = [Case.registered_by_id == actor.id]
        if actor.contact_id is not None:
            mine.append(Case.lead_contact_id == actor.contact_id)
        q = q.where(or_(*mine))
    if f.consent_problem:
        q = q.where(
            or_(
                Case.consent_state != "complete",
                Case.consent_ok_until.is_(None),
                Case.consent_ok_until <= today + timedelta(days=consent_svc.EXPIRING_DAYS),
            )
        )
    if f.overdue:
        # IN (not a correlated EXISTS): one range search on ix_action_status_due_case
        q = q.where(
            Case.id.in_(
                select(Action.case_id)
                .where(Action.status == "open", Action.due_on < today)
                .correlate(None)
            )
        )
    for word in v.fold(f.text).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(Case.search_text.like(pattern, escape="\\"))
    return q


_CONSENT_ORDER = {"none": 0, "withdrawn": 1, "expired": 2, "incomplete": 3, "complete": 4}


def _sort_expr(sort: str) -> Any:
    if sort == "alias":
        return func.lower(Case.alias)
    if sort == "municipality":
        return (
            select(Municipality.name)
            .where(Municipality.id == Case.municipality_id)
            .scalar_subquery()
        )
    if sort == "level":
        return Case.level
    if sort == "status":
        return case({s: i for i, s in enumerate(CASE_STATUSES)}, value=Case.status, else_=9)
    if sort == "consent":
        return case(_CONSENT_ORDER, value=Case.consent_state, else_=9) * 10 + case(
            (Case.meldcode.is_(True), 0), else_=1
        )
    if sort == "lead":
        return (
            select(func.lower(Contact.name))
            .where(Contact.id == Case.lead_contact_id)
            .scalar_subquery()
        )
    if sort == "next_due":
        return (
            select(func.min(Action.due_on))
            .where(Action.case_id == Case.id, Action.status == "open")
            .scalar_subquery()
        )
    if sort == "registered_on":
        return Case.registered_on
    return Case.code


def count_cases(uow: UnitOfWork, actor: Actor, f: CaseFilter = CaseFilter()) -> int:
    with uow:
        me = acting_user(uow.session, actor)
        q = select(func.count()).select_from(_filtered(me, f).subquery())
        return uow.session.scalar(q) or 0


def list_cases(
    uow: UnitOfWork,
    actor: Actor,
    f: CaseFilter = CaseFilter(),
    sort: str = "code",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[CaseRow]:
    """One page of the cases the actor may see, filtered and sorted in SQL."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        expr = _sort_expr(sort)
        # cases without a value for the column (no lead, no open step) go last; NULLS
        # LAST computes the column's subquery once per row (a first "IS NULL" key computed
        # it twice: benchmarks/bench_case_list.py)
        order: list[Any] = []
        direction = expr.desc() if descending else expr.asc()
        order.append(direction.nulls_last() if sort in ("lead", "next_due") else direction)
        order.append(Case.year.desc() if descending else Case.year.asc())
        order.append(Case.seq.desc() if descending else Case.seq.asc())
        ids = list(s.scalars(_filtered(me, f).order_by(*order).offset(offset).limit(limit)))
        rows = _rows(s, ids)
        if offset == 0 and f.text.strip():
            # a search in cases is logged (the first page; scrolling on is the same search):
            # that it was made and how many cases it found, never the typed text (a
            # family's name would stay in the append-only log for good)
            found = len(rows)
            if found >= limit:
                counted = select(func.count()).select_from(_filtered(me, f).subquery())
                found = s.scalar(counted) or 0
            audit.record(
                s,
                me,
                audit.SEARCH,
                record_type="case",
                detail=ngettext("search, {n} case", "search, {n} cases", found).format(n=found),
            )
            uow.commit()
        return rows


def _rows(s: Session, ids: Sequence[int]) -> list[CaseRow]:
    if not ids:
        return []
    today = clock.today()
    lead_org = aliased(Organisation)
    base = {
        r.id: r
        for r in s.execute(
            select(
                Case.id,
                Case.code,
                Case.alias,
                Municipality.name.label("municipality"),
                Case.level,
                Case.status,
                Case.consent_state,
                Case.consent_ok_until,
                Case.meldcode,
                Contact.name.label("lead"),
                lead_org.name.label("lead_org"),
                Case.registered_on,
            )
            .join(Municipality, Municipality.id == Case.municipality_id)
            .outerjoin(Contact, Contact.id == Case.lead_contact_id)
            .outerjoin(lead_org, lead_org.id == Contact.organisation_id)
            .where(Case.id.in_(ids))
        )
    }
    steps = {
        case_id: (n, overdue, due)
        for case_id, n, overdue, due in s.execute(
            select(
                Action.case_id,
                func.count(),
                func.sum(case((Action.due_on < today, 1), else_=0)),
                func.min(Action.due_on),
            )
            .where(Action.case_id.in_(ids), Action.status == "open")
            .group_by(Action.case_id)
        )
    }
    out = []
    for case_id in ids:
        r = base[case_id]
        n, overdue, due = steps.get(case_id, (0, 0, None))
        out.append(
            CaseRow(
                id=r.id,
                code=r.code,
                alias=r.alias,
                municipality=r.municipality,
                level=r.level,
                status=r.status,
                consent=consent_svc.display_state(r.consent_state, r.consent_ok_until, today),
                consent_ok_until=r.consent_ok_until,
                meldcode=r.meldcode,
                lead=r.lead or "",
                lead_organisation=r.lead_org or "",
                open_steps=n or 0,
                overdue_steps=int(overdue or 0),
                next_due=due,
                registered_on=r.registered_on,
            )
        )
    return out


def lead_options(uow: UnitOfWork, actor: Actor) -> list[Option]:
    """The case leads of the cases the actor sees (for the list's filter)."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        q = (
            select(Contact.id, Contact.name, Organisation.name)
            .join(Organisation, Organisation.id == Contact.organisation_id)
            .where(
                Contact.id.in_(
                    select(Case.lead_contact_id).where(
                        visible(me), Case.lead_contact_id.is_not(None)
                    )
                )
            )
            .order_by(func.lower(Contact.name))
        )
        return [Option(cid, name, org) for cid, name, org in s.execute(q)]


# ---------------------------------------------------------------- case file


def _header(s: Session, c: Case) -> CaseHeader:
    lead = s.get(Contact, c.lead_contact_id) if c.lead_contact_id else None
    lead_org = s.get(Organisation, lead.organisation_id) if lead is not None else None
    referred = s.get(Organisation, c.referred_by_id) if c.referred_by_id else None
    municipality = s.get(Municipality, c.municipality_id)
    registered_by = s.get(User, c.registered_by_id)
    return CaseHeader(
        id=c.id,
        version=c.version,
        code=c.code,
        alias=c.alias,
        family_name=c.family_name,
        status=c.status,
        level=c.level,
        municipality_id=c.municipality_id,
        municipality=municipality.name if municipality else "",
        registered_on=c.registered_on,
        registered_by_id=c.registered_by_id,
        registered_by=registered_by.display_name if registered_by else "",
        referred_by_id=c.referred_by_id,
        referred_by=referred.name if referred else "",
        lead_contact_id=c.lead_contact_id,
        lead=lead.name if lead else "",
        lead_organisation=lead_org.name if lead_org else "",
        notes=c.notes,
        closed_on=c.closed_on,
        close_reason=c.close_reason,
        meldcode=c.meldcode,
        consent=consent_svc.display_state(c.consent_state, c.consent_ok_until),
        consent_ok_until=c.consent_ok_until,
        anonymised_on=c.anonymised_on,
        anonymised_kind=c.anonymised_kind,
        erasure_requested_on=c.erasure_requested_on,
    )


def _child_data(c: Child, orgs: dict[int, str]) -> ChildData:
    return ChildData(
        id=c.id,
        version=c.version,
        name=c.name,
        birth_year=c.birth_year,
        school_id=c.school_id,
        school=orgs.get(c.school_id, "") if c.school_id else "",
        notes=c.notes,
        buddy_organisation_id=c.buddy_organisation_id,
        buddy_organisation=orgs.get(c.buddy_organisation_id, "") if c.buddy_organisation_id else "",
        buddy_since=c.buddy_since,
    )


def _carer_data(c: Carer) -> CarerData:
    return CarerData(
        id=c.id,
        version=c.version,
        alias=c.alias,
        relation=c.relation,
        parental_authority=c.parental_authority,
        notes=c.notes,
    )


def _summary(s: Session, c: Case) -> ConsentSummary:
    result = consent_svc.assessment(s, c)
    req = result.requirement
    required: list[str] = []
    authority = [x for x in c.carers if x.parental_authority]
    names = ", ".join(
        _("{alias} ({relation})").format(
            alias=x.alias, relation=label(RELATION_LABELS, x.relation).lower()
        )
        for x in authority
    )
    for rule in req.rules:
        young, old = rule.youngest, rule.oldest
        ages = _("{young} or {old} years old").format(young=young, old=old)
        if rule.needs_child and rule.needs_parents:
            text = _("{name} ({ages}): the child and the parents consent").format(
                name=rule.child.name, ages=ages
            )
        elif rule.needs_child:
            text = _("{name} ({ages}): the child consents alone").format(
                name=rule.child.name, ages=ages
            )
        else:
            text = _("{name} ({ages}): the parents consent for the child").format(
                name=rule.child.name, ages=ages
            )
        if rule.uncertain:
            text += " " + _("(the age is uncertain: the stricter rule applies)")
        required.append(text)
    if req.parents_needed and authority:
        if req.every_parent:
            required.append(
                _(
                    "Parents with parental authority: {names}. Each of them must consent: at "
                    "level 3 and 4 one parent's consent is not enough."
                ).format(names=names)
            )
        else:
            required.append(
                _("Parents with parental authority: {names}. One of them may consent.").format(
                    names=names
                )
            )
    warnings: list[str] = list(req.problems)
    state = consent_svc.display_state(result.state, result.ok_until)
    orgs = org_names(s, {cov.organisation_id for cov in result.partners})
    if result.state in ("none", "withdrawn", "expired"):
        warnings.append(
            {
                "none": _("No consent is recorded for this case."),
                "withdrawn": _("Every consent for this case has been withdrawn."),
                "expired": _("Every consent for this case has expired."),
            }[result.state]
        )
    for cov in result.partners:
        if not cov.covered and not cov.problems:
            warnings.append(
                _("{organisation} is involved but not covered. {why}").format(
                    organisation=orgs.get(cov.organisation_id, "?"),
                    why=consent_svc.coverage_text(c, cov),
                )
            )
    if result.state == "incomplete" and not req.problems and not result.partners:
        # no partner involved yet: say whose consent the records still lack
        gave: set[rules.Party] = set()
        for record in consent_svc.consent_facts(s, c.id):
            if record.in_force(req.on):
                gave |= record.givers
        gaps = req.gaps(gave)
        if gaps:
            warnings.append(
                _("Still missing: {gaps}.").format(
                    gaps="; ".join(consent_svc.describe_gap(c, g) for g in gaps)
                )
            )
    if state == "expiring" and result.ok_until not in (None, rules.FOREVER):
        warnings.append(
            _("The consent stays complete until {date}; renew it in time.").format(
                date=format_date(result.ok_until)
            )
        )
    if c.level != consent_svc.MELDCODE_LEVEL:
        lapsed = [p for p in consent_svc.active_involvements(c) if p.under_meldcode]
        orgs_all = org_names(s, {p.organisation_id for p in lapsed})
        for p in lapsed:
            if consent_svc.sharing_basis(s, c, p.organisation_id) is None:
                warnings.append(
                    _(
                        "{organisation} was involved under the Meldcode, which only applies at "
                        "level 4: it is not covered now."
                    ).format(organisation=orgs_all.get(p.organisation_id, "?"))
                )
    return ConsentSummary(state, result.ok_until, tuple(required), tuple(warnings))


def case_file(s: Session, c: Case) -> CaseFile:
    """The case file of ``c`` (its header, family, partners, history and consent) as
    plain data; the caller has loaded ``c`` under its own access rule."""
    s.refresh(c, ["children", "carers", "partners"])
    org_ids = {x.school_id for x in c.children if x.school_id} | {
        x.buddy_organisation_id for x in c.children if x.buddy_organisation_id
    }
    org_ids |= {p.organisation_id for p in c.partners}
    orgs = org_names(s, org_ids)
    sectors = mapping(
        s,
        select(Organisation.id, Organisation.sector).where(
            Organisation.id.in_({p.organisation_id for p in c.partners})
        ),
    )
    levels = list(
        s.scalars(
            select(CaseLevelChange)
            .where(CaseLevelChange.case_id == c.id)
            .order_by(CaseLevelChange.changed_on, CaseLevelChange.id)
        )
    )
    events = list(
        s.scalars(
            select(CaseStatusEvent)
            .where(CaseStatusEvent.case_id == c.id)
            .order_by(CaseStatusEvent.on, CaseStatusEvent.id)
        )
    )
    users = user_names(
        s,
        {x.user_id for x in levels}
        | {x.user_id for x in events}
        | {p.added_by_id for p in c.partners},
    )
    partners = []
    for p in c.partners:
        basis = consent_svc.sharing_basis(s, c, p.organisation_id) if p.ended_on is None else None
        problem = ""
        if p.ended_on is None and basis is None:
            problem = _why_not(s, c, p.organisation_id)
        partners.append(
            InvolvementData(
                id=p.id,
                organisation_id=p.organisation_id,
                organisation=orgs.get(p.organisation_id, ""),
                sector=sectors.get(p.organisation_id, ""),
                role=p.role,
                note=p.note,
                added_on=p.added_on,
                added_by=users.get(p.added_by_id, ""),
                under_meldcode=p.under_meldcode,
                ended_on=p.ended_on,
                basis=basis,
                problem=problem,
            )
        )
    partners.sort(key=lambda p: (p.ended_on is not None, v.fold(p.organisation)))
    return CaseFile(
        header=_header(s, c),
        children=tuple(_child_data(x, orgs) for x in c.children),
        carers=tuple(_carer_data(x) for x in c.carers),
        partners=tuple(partners),
        levels=tuple(
            LevelChangeData(
                x.level, x.previous_level, x.changed_on, users.get(x.user_id, ""), x.reason
            )
            for x in levels
        ),
        events=tuple(
            StatusEventData(x.event, x.on, users.get(x.user_id, ""), x.reason) for x in events
        ),
        consent=_summary(s, c),
    )


def _why_not(s: Session, c: Case, organisation_id: int) -> str:
    req = rules.requirement(
        consent_svc.child_facts(c), consent_svc.carer_facts(c), c.level, clock.today()
    )
    cov = rules.coverage(req, consent_svc.consent_facts(s, c.id), organisation_id)
    return consent_svc.coverage_text(c, cov) or _("Not covered by consent.")


def get_case(uow: UnitOfWork, actor: Actor, case_id: int, opening: bool = True) -> CaseFile:
    """The case file: header, family, partners, level and status history, consent.

    ``opening``: the person opens the case file (logged as a read in the audit
    log); False when an open case file is shown again after a change in it.
    """
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id)
        file = case_file(s, c)
        if opening:
            audit.record(s, me, audit.READ, record_type="case", record_id=c.id, case_id=c.id)
            uow.commit()
        return file


def find_case(uow: UnitOfWork, actor: Actor, code: str) -> int:
    """The id of the case with ``code`` (need-to-know applies)."""
    with uow:
        s = uow.session
        case_id = s.scalar(select(Case.id).where(Case.code == code.strip()))
        if case_id is None:
            raise NotFoundError(_("There is no case {code}.").format(code=code.strip()))
        load_case(s, actor, case_id, details=False)
        return case_id


# ---------------------------------------------------------------- validation


def normalised_case(data: CaseInput) -> CaseInput:
    return replace(
        data,
        alias=" ".join(v.storable(data.alias).split()),
        family_name=" ".join(v.storable(data.family_name).split()),
        notes=v.storable(data.notes).strip(),
    )


def case_field_errors(data: CaseInput, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    message = v.required(data.alias) or v.max_length(data.alias, 120)
    if message:
        errors.append(FieldError("alias", message))
    message = v.max_length(data.family_name, 200)
    if message:
        errors.append(FieldError("family_name", message))
    if data.municipality_id is None:
        errors.append(FieldError("municipality_id", _("Choose the municipality.")))
    if data.level not in LEVELS:
        errors.append(FieldError("level", _("Choose a level from 1 to 4.")))
    if data.registered_on is not None and data.registered_on > today:
        errors.append(FieldError("registered_on", _("This date lies in the future.")))
    message = v.max_length(data.notes, 4000)
    if message:
        errors.append(FieldError("notes", message))
    return errors


def _references(s: Session, data: CaseInput) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.municipality_id is not None and s.get(Municipality, data.municipality_id) is None:
        errors.append(FieldError("municipality_id", _("Unknown municipality.")))
    if data.referred_by_id is not None and s.get(Organisation, data.referred_by_id) is None:
        errors.append(FieldError("referred_by_id", _("This organisation no longer exists.")))
    if data.lead_contact_id is not None:
        lead = s.get(Contact, data.lead_contact_id)
        if lead is None:
            errors.append(FieldError("lead_contact_id", _("This contact person no longer exists.")))
    return errors


def child_field_errors(data: ChildData, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    message = v.required(data.name) or v.max_length(data.name, 80)
    if message:
        errors.append(FieldError("name", message))
    if not today.year - MAX_CHILD_AGE <= data.birth_year <= today.year:
        errors.append(
            FieldError(
                "birth_year",
                _("Enter a year of birth from {first} to {last}.").format(
                    first=today.year - MAX_CHILD_AGE, last=today.year
                ),
            )
        )
    message = v.max_length(data.notes, 4000)
    if message:
        errors.append(FieldError("notes", message))
    if data.buddy_since is not None:
        if data.buddy_organisation_id is None:
            errors.append(FieldError("buddy_organisation_id", _("Choose the buddy programme.")))
        if data.buddy_since > today:
            errors.append(FieldError("buddy_since", _("This date lies in the future.")))
    elif data.buddy_organisation_id is not None:
        errors.append(FieldError("buddy_since", _("Enter the date the child got a buddy.")))
    return errors


def carer_field_errors(data: CarerData) -> list[FieldError]:
    errors: list[FieldError] = []
    message = v.required(data.alias) or v.max_length(data.alias, 80)
    if message:
        errors.append(FieldError("alias", message))
    if data.relation not in CARER_RELATIONS:
        errors.append(FieldError("relation", _("Choose the relation to the children.")))
    message = v.max_length(data.notes, 4000)
    if message:
        errors.append(FieldError("notes", message))
    return errors


# ---------------------------------------------------------------- writes


def _search_text(c: Case) -> str:
    """What the case list's search finds a case by: its code, the family's alias and
    name, and the children's names (all inside the encrypted database)."""
    parts = [c.code, c.alias, c.family_name, *(child.name for child in c.children)]
    return v.fold(" ".join(p for p in parts if p))


def _next_code(s: Session, year: int) -> tuple[int, str]:
    seq = (s.scalar(select(func.max(Case.seq)).where(Case.year == year)) or 0) + 1
    return seq, f"{year}-{seq:04d}"


def _involve(
    s: Session,
    c: Case,
    me: Actor,
    organisation_id: int,
    role: str,
    field: str,
    note: str = "",
) -> CasePartner:
    """Involve a partner (or return its current involvement), if information may go to it."""
    for p in c.partners:
        if p.organisation_id == organisation_id and p.ended_on is None:
            return p
    basis = (
        "registrant"
        if role == REGISTRANT
        else consent_svc.ensure_may_share(s, c, organisation_id, field)
    )
    link = CasePartner(
        organisation_id=organisation_id,
        role=role,
        note=note,
        added_on=clock.today(),
        added_by_id=me.id,
        under_meldcode=basis == "meldcode",
    )
    c.partners.append(link)
    return link


def _lead_org(s: Session, lead_contact_id: int | None) -> int | None:
    if lead_contact_id is None:
        return None
    lead = s.get(Contact, lead_contact_id)
    return lead.organisation_id if lead is not None else None


def register_case(uow: UnitOfWork, actor: Actor, data: CaseInput) -> CaseHeader:
    """Register a new case. Its code is generated (``2026-0042``); the registering
    user's organisation holds the file; the first level starts its history."""
    data = normalised_case(data)
    today = clock.today()
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        errors = case_field_errors(data, today) + _references(s, data)
        if errors:
            raise ValidationError(errors)
        on = data.registered_on or today
        seq, code = _next_code(s, on.year)
        assert data.municipality_id is not None
        c = Case(
            code=code,
            year=on.year,
            seq=seq,
            status="registered",
            registered_on=on,
            municipality_id=data.municipality_id,
            level=data.level,
            alias=data.alias,
            family_name=data.family_name,
            registered_by_id=me.id,
            referred_by_id=data.referred_by_id,
            notes=data.notes,
        )
        c.search_text = _search_text(c)
        s.add(c)
        s.flush()
        if me.organisation_id is not None:
            _involve(s, c, me, me.organisation_id, REGISTRANT, "registered_by")
        s.add(CaseStatusEvent(case_id=c.id, event="registered", on=on, user_id=me.id))
        s.add(
            CaseLevelChange(
                case_id=c.id, level=data.level, previous_level=None, changed_on=on, user_id=me.id
            )
        )
        if data.lead_contact_id is not None:
            org = _lead_org(s, data.lead_contact_id)
            if org is not None:
                _involve(s, c, me, org, "case_lead", "lead_contact_id")
            c.lead_contact_id = data.lead_contact_id
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)
        return _header(s, c)


def update_case(uow: UnitOfWork, actor: Actor, data: CaseInput) -> CaseHeader:
    """Change the details of a case (not its level or status: see change_level, close)."""
    data = normalised_case(data)
    if data.id is None:
        raise NotFoundError(_("This case no longer exists."))
    with uow:
        s = uow.session
        c, me = load_case(s, actor, data.id, write=True)
        if data.version is not None and c.version != data.version:
            raise conflict(
                s,
                _("Someone else changed this case after you opened it. Reload it first."),
                [("case", c.id)],
            )
        errors = case_field_errors(replace(data, level=c.level), clock.today())
        errors += _references(s, data)
        if errors:
            raise ValidationError(errors)
        if data.lead_contact_id is not None and data.lead_contact_id != c.lead_contact_id:
            org = _lead_org(s, data.lead_contact_id)
            if org is not None:
                _involve(s, c, me, org, "case_lead", "lead_contact_id")
        assert data.municipality_id is not None
        c.alias = data.alias
        c.family_name = data.family_name
        c.municipality_id = data.municipality_id
        c.referred_by_id = data.referred_by_id
        c.lead_contact_id = data.lead_contact_id
        c.notes = data.notes
        c.search_text = _search_text(c)
        flush_change(uow, case_conflict_message(), [("case", c.id)])
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)
        return _header(s, c)


def meldcode_only_partners(s: Session, c: Case) -> list[str]:
    """Involved partners whose only ground for knowing the case is the Meldcode (no
    consent covers them): lowering the level below 4 leaves them without one."""
    names = org_names(s, [p.organisation_id for p in consent_svc.active_involvements(c)])
    return sorted(
        names.get(p.organisation_id, "?")
        for p in consent_svc.active_involvements(c)
        if consent_svc.sharing_basis(s, c, p.organisation_id) == "meldcode"
    )


def change_level(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    level: int,
    reason: str = "",
    confirm: bool = False,
) -> CaseHeader:
    """Move the case on the escalation ladder; the history keeps every step.

    Lowering a level-4 case while partners know it only under the Meldcode takes them
    out of that cover: NeedsConfirmationError names them, unless ``confirm``."""
    reason = reason.strip()
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = []
        if level not in LEVELS:
            errors.append(FieldError("level", _("Choose a level from 1 to 4.")))
        elif level == c.level:
            errors.append(FieldError("level", _("The case is already at this level.")))
        message = v.max_length(reason, 4000)
        if message:
            errors.append(FieldError("reason", message))
        if errors:
            raise ValidationError(errors)
        if c.level == consent_svc.MELDCODE_LEVEL and level < c.level and not confirm:
            exposed = meldcode_only_partners(s, c)
            if exposed:
                raise NeedsConfirmationError(
                    FieldError(
                        "level",
                        _(
                            "{partners} know this case only under the Meldcode, which applies "
                            "at level 4 only. At a lower level they are involved without any "
                            "ground: record their consent or end their involvement. Lower the "
                            "level anyway?"
                        ).format(partners=", ".join(exposed)),
                    )
                )
        s.add(
            CaseLevelChange(
                case_id=c.id,
                level=level,
                previous_level=c.level,
                changed_on=clock.today(),
                user_id=me.id,
                reason=reason,
            )
        )
        c.level = level
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)
        return _header(s, c)


def _status_event(s: Session, c: Case, me: Actor, event: str, on: date, reason: str = "") -> None:
    s.add(CaseStatusEvent(case_id=c.id, event=event, on=on, user_id=me.id, reason=reason))


def activate_case(uow: UnitOfWork, actor: Actor, case_id: int) -> CaseHeader:
    """Registered -> active: support has started."""
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        if c.status != "registered":
            raise ValidationError(FieldError("status", _("Support for this case already started.")))
        c.status = "active"
        _status_event(s, c, me, "activated", clock.today())
        commit_case_change(uow, c.id)
        return _header(s, c)


def mark_active(s: Session, c: Case, me: Actor) -> None:
    """A first consultation or next step starts the support of a registered case."""
    if c.status == "registered":
        c.status = "active"
        _status_event(s, c, me, "activated", clock.today())


def close_case(
    uow: UnitOfWork, actor: Actor, case_id: int, closed_on: date, reason: str
) -> CaseHeader:
    """Close a case with a reason and date; it is read-only until reopened. Its open
    next steps are cancelled (a closed case has nobody left to do them)."""
    reason = reason.strip()
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = []
        message = v.required(reason) or v.max_length(reason, 4000)
        if message:
            errors.append(FieldError("reason", message))
        if closed_on > clock.today():
            errors.append(FieldError("closed_on", _("This date lies in the future.")))
        elif closed_on < c.registered_on:
            errors.append(
                FieldError("closed_on", _("A case cannot be closed before it was registered."))
            )
        if errors:
            raise ValidationError(errors)
        c.status = "closed"
        c.closed_on = closed_on
        c.close_reason = reason
        for action in s.scalars(
            select(Action).where(Action.case_id == c.id, Action.status == "open")
        ):
            action.status = "cancelled"
            action.closed_by_id = me.id
            action.note = "\n".join(
                t for t in (action.note, _("Cancelled: the case was closed.")) if t
            )
        _status_event(s, c, me, "closed", closed_on, reason)
        commit_case_change(uow, c.id)
        return _header(s, c)


def reopen_case(uow: UnitOfWork, actor: Actor, case_id: int, reason: str) -> CaseHeader:
    """Reopen a closed case; the reopening (and why) is recorded."""
    reason = reason.strip()
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id)
        if c.status != "closed":
            raise ValidationError(FieldError("status", _("This case is not closed.")))
        if c.anonymised_on is not None:
            raise ValidationError(
                FieldError(
                    "status",
                    _("Case {code} was anonymised: it cannot be reopened.").format(code=c.code),
                )
            )
        message = v.required(reason) or v.max_length(reason, 4000)
        if message:
            raise ValidationError(FieldError("reason", message))
        c.status = "active"
        c.closed_on = None
        c.close_reason = ""
        _status_event(s, c, me, "reopened", clock.today(), reason)
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)
        return _header(s, c)


# -- family


def save_child(uow: UnitOfWork, actor: Actor, case_id: int, data: ChildData) -> ChildData:
    data = replace(data, name=" ".join(data.name.split()), notes=data.notes.strip())
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = child_field_errors(data, clock.today())
        if data.school_id is not None and s.get(Organisation, data.school_id) is None:
            errors.append(FieldError("school_id", _("This organisation no longer exists.")))
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            child = Child(case_id=c.id)
            c.children.append(child)
        else:
            found = s.get(Child, data.id)
            if found is None or found.case_id != c.id:
                raise NotFoundError(_("This child is no longer part of the case."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed this child's details. Reload the case first."),
                    [("case", c.id)],
                    part="child",
                )
            child = found
        previous_buddy = child.buddy_organisation_id
        # the details first: the consent check below reads the family (and flushes it)
        child.name = data.name
        child.birth_year = data.birth_year
        child.school_id = data.school_id
        child.notes = data.notes
        child.buddy_organisation_id = data.buddy_organisation_id
        child.buddy_since = data.buddy_since
        flush_change(uow, case_conflict_message(), [("case", c.id)], "child")
        if data.buddy_organisation_id is not None and data.buddy_organisation_id != previous_buddy:
            # linking the child to a buddy shares information with the buddy programme
            _involve(s, c, me, data.buddy_organisation_id, "buddy", "buddy_organisation_id")
        c.search_text = _search_text(c)
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id, part="child")
        orgs = org_names(s, {child.school_id or 0, child.buddy_organisation_id or 0})
        return _child_data(child, orgs)


def _referenced_by_consent(
    s: Session, *, child_id: int | None = None, carer_id: int | None = None
) -> bool:
    if child_id is not None:
        cond = or_(ConsentGiver.child_id == child_id)
        withdrawn = Consent.withdrawn_by_child_id == child_id
    else:
        cond = or_(ConsentGiver.carer_id == carer_id)
        withdrawn = Consent.withdrawn_by_carer_id == carer_id
    return (
        s.scalar(select(ConsentGiver.id).where(cond).limit(1)) is not None
        or s.scalar(select(Consent.id).where(withdrawn).limit(1)) is not None
    )


def remove_child(uow: UnitOfWork, actor: Actor, case_id: int, child_id: int) -> None:
    """Remove a child entered by mistake; refused once the child is part of a consent."""
    with uow:
        s = uow.session
        c, _me = load_case(s, actor, case_id, write=True)
        child = s.get(Child, child_id)
        if child is None or child.case_id != c.id:
            raise NotFoundError(_("This child is no longer part of the case."))
        if _referenced_by_consent(s, child_id=child_id):
            raise ValidationError(
                FieldError(
                    "child",
                    _(
                        "{name} is named in a consent record, so the child stays in the case "
                        "file. Correct the details instead."
                    ).format(name=child.name),
                )
            )
        c.children.remove(child)
        c.search_text = _search_text(c)
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)


def save_carer(uow: UnitOfWork, actor: Actor, case_id: int, data: CarerData) -> CarerData:
    data = replace(data, alias=" ".join(data.alias.split()), notes=data.notes.strip())
    with uow:
        s = uow.session
        c, _me = load_case(s, actor, case_id, write=True)
        errors = carer_field_errors(data)
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            carer = Carer(case_id=c.id)
            c.carers.append(carer)
        else:
            found = s.get(Carer, data.id)
            if found is None or found.case_id != c.id:
                raise NotFoundError(_("This parent or carer is no longer part of the case."))
            if data.version is not None and found.version != data.version:
                raise conflict(
                    s,
                    _("Someone else changed these details. Reload the case first."),
                    [("case", c.id)],
                    part="carer",
                )
            carer = found
        carer.alias = data.alias
        carer.relation = data.relation
        carer.parental_authority = data.parental_authority
        carer.notes = data.notes
        flush_change(uow, case_conflict_message(), [("case", c.id)], "carer")
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id, part="carer")
        return _carer_data(carer)


def remove_carer(uow: UnitOfWork, actor: Actor, case_id: int, carer_id: int) -> None:
    with uow:
        s = uow.session
        c, _me = load_case(s, actor, case_id, write=True)
        carer = s.get(Carer, carer_id)
        if carer is None or carer.case_id != c.id:
            raise NotFoundError(_("This parent or carer is no longer part of the case."))
        if _referenced_by_consent(s, carer_id=carer_id):
            raise ValidationError(
                FieldError(
                    "carer",
                    _(
                        "{name} is named in a consent record, so they stay in the case file. "
                        "Correct the details instead."
                    ).format(name=carer.alias),
                )
            )
        c.carers.remove(carer)
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)


# -- partners


def involve_partner(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    organisation_id: int | None,
    role: str,
    note: str = "",
) -> InvolvementData:
    """Involve a partner organisation, with its role. Refused (ConsentRequiredError)
    unless consent covers the partner or a Meldcode justification names it."""
    note = note.strip()
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        errors = []
        if organisation_id is None or s.get(Organisation, organisation_id) is None:
            errors.append(FieldError("organisation_id", _("Choose a partner organisation.")))
        if role not in CASE_ROLES or role == REGISTRANT:
            errors.append(FieldError("role", _("Choose the partner's role in the case.")))
        message = v.max_length(note, 4000)
        if message:
            errors.append(FieldError("note", message))
        if errors:
            raise ValidationError(errors)
        assert organisation_id is not None
        if any(p.organisation_id == organisation_id and p.ended_on is None for p in c.partners):
            raise ValidationError(
                FieldError("organisation_id", _("This partner is already involved in the case."))
            )
        link = _involve(s, c, me, organisation_id, role, "organisation_id", note)
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)
        return next(p for p in case_file(s, c).partners if p.id == link.id)


def end_involvement(uow: UnitOfWork, actor: Actor, case_id: int, involvement_id: int) -> None:
    """A partner is no longer involved (the history keeps that it was)."""
    with uow:
        s = uow.session
        c, me = load_case(s, actor, case_id, write=True)
        link = next((p for p in c.partners if p.id == involvement_id), None)
        if link is None or link.ended_on is not None:
            raise NotFoundError(_("This partner is no longer involved in the case."))
        if link.role == REGISTRANT:
            raise ValidationError(
                FieldError(
                    "organisation_id",
                    _("The organisation that registered the case keeps its case file."),
                )
            )
        link.ended_on = clock.today()
        link.ended_by_id = me.id
        consent_svc.refresh(s, c)
        commit_case_change(uow, c.id)


# ---------------------------------------------------------------- choosers


def partner_options(uow: UnitOfWork, sector: str | None = None) -> list[Option]:
    """Active partner organisations (optionally of one sector), for choosers."""
    q = select(Organisation.id, Organisation.name, Organisation.sector).where(
        Organisation.archived.is_(False)
    )
    if sector:
        q = q.where(Organisation.sector == sector)
    with uow:
        return [
            Option(oid, name, sector_code)
            for oid, name, sector_code in uow.session.execute(q.order_by(Organisation.name_key))
        ]


def contact_options(uow: UnitOfWork) -> list[Option]:
    """Active contact persons with their organisation, for choosers."""
    q = (
        select(Contact.id, Contact.name, Organisation.name)
        .join(Organisation, Organisation.id == Contact.organisation_id)
        .where(Contact.active.is_(True), Organisation.archived.is_(False))
        .order_by(func.lower(Contact.name), Organisation.name_key)
    )
    with uow:
        return [Option(cid, name, org) for cid, name, org in uow.session.execute(q)]


def contact_organisations(uow: UnitOfWork) -> dict[int, int]:
    """contact id -> organisation id, for choosers that pair the two."""
    with uow:
        return dict(uow.session.execute(select(Contact.id, Contact.organisation_id)).all())


__all__ = [
    "CarerData",
    "CaseFile",
    "CaseFilter",
    "CaseHeader",
    "CaseInput",
    "CaseRow",
    "ChildData",
    "ConsentSummary",
    "InvolvementData",
    "Option",
    "activate_case",
    "carer_field_errors",
    "case_field_errors",
    "case_file",
    "change_level",
    "child_field_errors",
    "close_case",
    "contact_options",
    "count_cases",
    "end_involvement",
    "find_case",
    "get_case",
    "involve_partner",
    "lead_options",
    "list_cases",
    "mark_active",
    "partner_options",
    "register_case",
    "remove_carer",
    "remove_child",
    "reopen_case",
    "save_carer",
    "save_child",
    "update_case",
]
