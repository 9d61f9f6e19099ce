"""Consent and the reporting code (Meldcode) for a case, in the database.

The rules themselves live in ``consent_rules`` (pure). Here: reading a case's facts,
keeping its stored consent state current, deciding whether case information may go
to a partner (``ensure_may_share``), and recording and withdrawing consent and
Meldcode justifications.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact.db.uow import UnitOfWork
from pact.errors import ConsentRequiredError, FieldError, NotFoundError, ValidationError
from pact.i18n import _
from pact.models import (
    Case,
    CasePartner,
    Consent,
    ConsentGiver,
    ConsentInfo,
    ConsentPartner,
    MeldcodeJustification,
    MeldcodePartner,
    Organisation,
)
from pact.models.case import CONSENT_METHODS, INFO_KINDS
from pact.services import clock
from pact.services import consent_rules as rules
from pact.services import validation as v
from pact.services.consent_rules import Assessment, Party
from pact.services.lookup import org_names, user_names
from pact.services.scope import load_case
from pact.services.users import Actor
from pact.services.vocab import RELATION_LABELS, label

MELDCODE_LEVEL = 4
MIN_JUSTIFICATION = 20
REGISTRANT = "registrant"


@dataclass(frozen=True)
class ConsentInput:
    given_on: date
    method: str
    givers: tuple[Party, ...]
    partner_ids: tuple[int, ...]
    info_kinds: tuple[str, ...]
    valid_until: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class WithdrawalInput:
    withdrawn_on: date
    by: Party | None
    note: str = ""


@dataclass(frozen=True)
class MeldcodeInput:
    decided_on: date
    justification: str
    partner_ids: tuple[int, ...]


# ---------------------------------------------------------------- facts


def child_facts(case: Case) -> list[rules.ChildFacts]:
    return [rules.ChildFacts(c.id, c.name, c.birth_year) for c in case.children]


def carer_facts(case: Case) -> list[rules.CarerFacts]:
    return [rules.CarerFacts(c.id, c.alias, c.parental_authority) for c in case.carers]


def consent_facts(s: Session, case_id: int) -> list[rules.ConsentFacts]:
    records = list(s.scalars(select(Consent).where(Consent.case_id == case_id)))
    out = []
    for c in records:
        givers: set[Party] = set()
        for g in c.givers:
            if g.carer_id is not None:
                givers.add(rules.carer_party(g.carer_id))
            elif g.child_id is not None:
                givers.add(rules.child_party(g.child_id))
        out.append(
            rules.ConsentFacts(
                id=c.id,
                given_on=c.given_on,
                givers=frozenset(givers),
                partners=frozenset(link.organisation_id for link in c.partner_links),
                valid_until=c.valid_until,
                withdrawn_on=c.withdrawn_on,
            )
        )
    return out


def meldcode_partners(s: Session, case: Case) -> set[int]:
    """The partners a Meldcode justification names; empty unless the case is at level 4
    (sharing without consent is only possible then)."""
    if case.level != MELDCODE_LEVEL:
        return set()
    return set(
        s.scalars(
            select(MeldcodePartner.organisation_id)
            .join(
                MeldcodeJustification,
                MeldcodeJustification.id == MeldcodePartner.justification_id,
            )
            .where(MeldcodeJustification.case_id == case.id)
        )
    )


def has_meldcode(s: Session, case: Case) -> bool:
    """Whether information about the case was ever shared without consent under the
    Meldcode. The flag stays when the level goes down (what was shared, was shared);
    the justification only covers new sharing at level 4 (``meldcode_partners``)."""
    return (
        s.scalar(select(MeldcodeJustification.id).where(MeldcodeJustification.case_id == case.id))
        is not None
    )


def active_involvements(case: Case) -> list[CasePartner]:
    return [p for p in case.partners if p.ended_on is None]


def registrant_orgs(case: Case) -> set[int]:
    """The organisation that registered the case holds the file: it needs no consent."""
    return {p.organisation_id for p in active_involvements(case) if p.role == REGISTRANT}


def partners_needing_consent(s: Session, case: Case) -> list[int]:
    """Involved partners that receive case information on the strength of consent:
    all but the registering organisation and those covered by the Meldcode."""
    home = registrant_orgs(case)
    meldcode = meldcode_partners(s, case)
    return sorted(
        {
            p.organisation_id
            for p in active_involvements(case)
            if p.organisation_id not in home and p.organisation_id not in meldcode
        }
    )


def assessment(s: Session, case: Case, on: date | None = None) -> Assessment:
    return rules.assess(
        child_facts(case),
        carer_facts(case),
        case.level,
        consent_facts(s, case.id),
        partners_needing_consent(s, case),
        on or clock.today(),
    )


def refresh(s: Session, case: Case) -> Assessment:
    """Store the case's consent state, as the list filters read it."""
    s.flush()
    s.refresh(case, ["children", "carers", "partners"])
    result = assessment(s, case)
    case.consent_state = result.state
    case.consent_ok_until = result.ok_until
    case.consent_checked_on = clock.today()
    case.meldcode = has_meldcode(s, case)
    return result


def display_state(state: str, ok_until: date | None, on: date | None = None) -> str:
    """What the case list shows: a stored ``complete`` may have expired since it was
    stored, or expire within 30 days."""
    today = on or clock.today()
    if state == "complete" and ok_until is not None:
        if ok_until < today:
            return "expired"
        if (ok_until - today).days <= EXPIRING_DAYS:
            return "expiring"
    return state


EXPIRING_DAYS = 30


# ---------------------------------------------------------------- sharing


def _names(case: Case, blank: str = "") -> tuple[dict[int, str], dict[int, str]]:
    """The children's names and the carers' "alias (relation)" by id; ``blank`` stands
    for a name removed by anonymisation."""
    children = {c.id: c.name or blank for c in case.children}
    carers = {
        c.id: _("{alias} ({relation})").format(
            alias=c.alias or blank, relation=label(RELATION_LABELS, c.relation).lower()
        )
        for c in case.carers
    }
    return children, carers


def describe_gap(case: Case, gap: rules.Gap, on: date | None = None) -> str:
    children, carers = _names(case)
    year = (on or clock.today()).year
    if gap.kind == "child":
        child = next((c for c in case.children if c.id == gap.ids[0]), None)
        name = children.get(gap.ids[0], "?")
        if child is not None:
            youngest, oldest = rules.possible_ages(child.birth_year, date(year, 12, 31))
            return _("the consent of {name} (born {year}, {young} or {old} years old)").format(
                name=name, year=child.birth_year, young=youngest, old=oldest
            )
        return _("the consent of {name}").format(name=name)
    if gap.kind == "carer":
        return _("the consent of {name}, who has parental authority").format(
            name=carers.get(gap.ids[0], "?")
        )
    return _("the consent of a parent with parental authority ({names})").format(
        names=", ".join(carers.get(i, "?") for i in gap.ids)
    )


def coverage_text(case: Case, cover: rules.Coverage) -> str:
    """Why a partner is not covered, in a sentence; '' when it is."""
    if cover.covered:
        return ""
    if cover.problems:
        return " ".join(cover.problems)
    if not cover.records:
        return _("No consent in force names this partner.")
    return _("Still missing: {gaps}.").format(
        gaps="; ".join(describe_gap(case, g) for g in cover.gaps)
    )


def sharing_basis(s: Session, case: Case, organisation_id: int) -> str | None:
    """On what ground case information may go to a partner: ``registrant``,
    ``consent``, ``meldcode``, or None (it may not)."""
    return sharing_bases(s, case, (organisation_id,))[organisation_id]


def sharing_bases(s: Session, case: Case, organisation_ids: Iterable[int]) -> dict[int, str | None]:
    """``sharing_basis`` for several partners at once: the consent and the Meldcode
    are read once, and only when a partner is not the registering organisation."""
    home = registrant_orgs(case)
    out: dict[int, str | None] = {}
    rest = []
    for org in organisation_ids:
        if org in home:
            out[org] = "registrant"
        else:
            rest.append(org)
    if not rest:
        return out
    req = rules.requirement(child_facts(case), carer_facts(case), case.level, clock.today())
    consents = consent_facts(s, case.id)
    meldcode: set[int] | None = None
    for org in rest:
        if rules.coverage(req, consents, org).covered:
            out[org] = "consent"
            continue
        if meldcode is None:
            meldcode = meldcode_partners(s, case)
        out[org] = "meldcode" if org in meldcode else None
    return out


def ensure_may_share(s: Session, case: Case, organisation_id: int, field: str) -> str:
    """The ground for sharing with the partner, or ConsentRequiredError naming ``field``."""
    basis = sharing_basis(s, case, organisation_id)
    if basis is not None:
        return basis
    org = s.get(Organisation, organisation_id)
    name = org.name if org is not None else "?"
    req = rules.requirement(child_facts(case), carer_facts(case), case.level, clock.today())
    why = coverage_text(case, rules.coverage(req, consent_facts(s, case.id), organisation_id))
    if case.level == MELDCODE_LEVEL:
        todo = _(
            "Record consent that covers {organisation}, or a Meldcode justification that names it."
        )
    else:
        todo = _(
            "Record consent that covers {organisation}. Without consent, information may "
            "only be shared under the Meldcode, at level 4 (safety concerns)."
        )
    raise ConsentRequiredError(
        FieldError(
            field,
            _("{organisation} is not covered by the consent for this case.").format(
                organisation=name
            )
            + " "
            + why
            + " "
            + todo.format(organisation=name),
        )
    )


# ---------------------------------------------------------------- validation


def consent_field_errors(data: ConsentInput, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.given_on > today:
        errors.append(FieldError("given_on", _("This date lies in the future.")))
    if data.method not in CONSENT_METHODS:
        errors.append(FieldError("method", _("Choose how the consent was recorded.")))
    if data.valid_until is not None and data.valid_until < data.given_on:
        errors.append(
            FieldError("valid_until", _("The consent cannot end before the day it was given."))
        )
    if not data.givers:
        errors.append(FieldError("givers", _("Tick who gave the consent.")))
    if any(kind not in ("carer", "child") for kind, _id in data.givers):
        errors.append(FieldError("givers", _("Choose people of this family.")))
    if not data.partner_ids:
        errors.append(FieldError("partner_ids", _("Tick the partners the consent is for.")))
    if not data.info_kinds:
        errors.append(
            FieldError("info_kinds", _("Tick the kinds of information the consent covers."))
        )
    unknown = [k for k in data.info_kinds if k not in INFO_KINDS]
    if unknown:
        errors.append(
            FieldError(
                "info_kinds", _("Unknown kind of information: {code}").format(code=unknown[0])
            )
        )
    message = v.max_length(data.notes, 4000)
    if message:
        errors.append(FieldError("notes", message))
    return errors


def meldcode_field_errors(data: MeldcodeInput, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.decided_on > today:
        errors.append(FieldError("decided_on", _("This date lies in the future.")))
    text = data.justification.strip()
    if len(text) < MIN_JUSTIFICATION:
        errors.append(
            FieldError(
                "justification",
                _(
                    "Write down why information is shared without consent (at least {n} "
                    "characters): which safety concern, which step of the Meldcode, who decided."
                ).format(n=MIN_JUSTIFICATION),
            )
        )
    elif len(text) > 4000:
        errors.append(FieldError("justification", _("Use at most {n} characters.").format(n=4000)))
    if not data.partner_ids:
        errors.append(
            FieldError("partner_ids", _("Tick the partners that receive the information."))
        )
    return errors


def _check_partners(s: Session, ids: tuple[int, ...], field: str) -> list[FieldError]:
    found = set(s.scalars(select(Organisation.id).where(Organisation.id.in_(ids))))
    if set(ids) - found:
        return [FieldError(field, _("This organisation no longer exists."))]
    return []


# ---------------------------------------------------------------- writes


def record_consent(uow: UnitOfWork, actor: Actor, case_id: int, data: ConsentInput) -> int:
    """Record a consent; returns its id. Consent records are not edited afterwards:
    a mistake is corrected by withdrawing the record and recording a new one."""
    data = replace(
        data,
        givers=tuple(dict.fromkeys(data.givers)),
        partner_ids=tuple(sorted(set(data.partner_ids))),
        info_kinds=tuple(k for k in INFO_KINDS if k in set(data.info_kinds))
        + tuple(sorted(set(data.info_kinds) - set(INFO_KINDS))),
        notes=data.notes.strip(),
    )
    with uow:
        s = uow.session
        case, me = load_case(s, actor, case_id, write=True)
        errors = consent_field_errors(data, clock.today())
        children = {c.id for c in case.children}
        carers = {c.id for c in case.carers}
        for kind, pid in data.givers:
            if (kind == "child" and pid not in children) or (kind == "carer" and pid not in carers):
                errors.append(FieldError("givers", _("Choose people of this family.")))
                break
        errors += _check_partners(s, data.partner_ids, "partner_ids")
        if errors:
            raise ValidationError(errors)
        record = Consent(
            case_id=case.id,
            given_on=data.given_on,
            method=data.method,
            valid_until=data.valid_until,
            notes=data.notes,
            recorded_by_id=me.id,
        )
        record.givers = [
            ConsentGiver(carer_id=pid) if kind == "carer" else ConsentGiver(child_id=pid)
            for kind, pid in data.givers
        ]
        record.partner_links = [ConsentPartner(organisation_id=o) for o in data.partner_ids]
        record.info_links = [ConsentInfo(kind=k) for k in data.info_kinds]
        s.add(record)
        s.flush()
        refresh(s, case)
        uow.commit()
        return record.id


def withdraw_consent(uow: UnitOfWork, actor: Actor, consent_id: int, data: WithdrawalInput) -> None:
    with uow:
        s = uow.session
        record = s.get(Consent, consent_id)
        if record is None:
            raise NotFoundError(_("This consent record no longer exists."))
        case, _me = load_case(s, actor, record.case_id, write=True)
        errors: list[FieldError] = []
        if record.withdrawn_on is not None:
            errors.append(FieldError("withdrawn_on", _("This consent was already withdrawn.")))
        elif data.withdrawn_on > clock.today():
            errors.append(FieldError("withdrawn_on", _("This date lies in the future.")))
        elif data.withdrawn_on < record.given_on:
            errors.append(
                FieldError("withdrawn_on", _("A consent cannot be withdrawn before it was given."))
            )
        by_carer = by_child = None
        if data.by is None:
            errors.append(FieldError("by", _("Choose who withdrew the consent.")))
        else:
            kind, pid = data.by
            if kind == "carer" and pid in {c.id for c in case.carers}:
                by_carer = pid
            elif kind == "child" and pid in {c.id for c in case.children}:
                by_child = pid
            else:
                errors.append(FieldError("by", _("Choose people of this family.")))
        message = v.max_length(data.note, 4000)
        if message:
            errors.append(FieldError("note", message))
        if errors:
            raise ValidationError(errors)
        record.withdrawn_on = data.withdrawn_on
        record.withdrawn_by_carer_id = by_carer
        record.withdrawn_by_child_id = by_child
        record.withdrawn_note = data.note.strip()
        refresh(s, case)
        uow.commit()


def record_meldcode(uow: UnitOfWork, actor: Actor, case_id: int, data: MeldcodeInput) -> int:
    """Record that information is shared without consent under the Meldcode. Only at
    level 4, with a written justification, for the partners named."""
    data = replace(
        data,
        justification=data.justification.strip(),
        partner_ids=tuple(sorted(set(data.partner_ids))),
    )
    with uow:
        s = uow.session
        case, me = load_case(s, actor, case_id, write=True)
        errors = meldcode_field_errors(data, clock.today())
        if case.level != MELDCODE_LEVEL:
            errors.insert(
                0,
                FieldError(
                    "level",
                    _(
                        "Sharing without consent under the Meldcode is only possible at level "
                        "4 (safety concerns). Raise the case's level first if that is the "
                        "situation."
                    ),
                ),
            )
        errors += _check_partners(s, data.partner_ids, "partner_ids")
        if errors:
            raise ValidationError(errors)
        record = MeldcodeJustification(
            case_id=case.id,
            decided_on=data.decided_on,
            justification=data.justification,
            recorded_by_id=me.id,
        )
        record.partner_links = [MeldcodePartner(organisation_id=o) for o in data.partner_ids]
        s.add(record)
        s.flush()
        refresh(s, case)
        uow.commit()
        return record.id


def refresh_stale(uow: UnitOfWork) -> int:
    """Recompute the stored consent state of cases last checked before this year (a
    child's possible ages move on the 1st of January). Returns how many changed."""
    start = date(clock.today().year, 1, 1)
    changed = 0
    with uow:
        s = uow.session
        ids = list(
            s.scalars(
                select(Case.id).where(
                    Case.status != "closed",
                    (Case.consent_checked_on.is_(None)) | (Case.consent_checked_on < start),
                )
            )
        )
        for case_id in ids:
            case = s.get(Case, case_id)
            if case is None:
                continue
            before = (case.consent_state, case.consent_ok_until)
            refresh(s, case)
            changed += (case.consent_state, case.consent_ok_until) != before
        uow.commit()
    return changed


# ---------------------------------------------------------------- reading records


@dataclass(frozen=True)
class ConsentGiverData:
    party: Party  # ("carer", id) or ("child", id)
    name: str  # the child's name or initials, or "alias (relation)"


@dataclass(frozen=True)
class ConsentRecord:
    """One consent record as the case file shows it."""

    id: int
    given_on: date
    method: str
    givers: tuple[ConsentGiverData, ...]
    partner_ids: tuple[int, ...]
    partners: tuple[str, ...]
    info_kinds: tuple[str, ...]
    valid_until: date | None
    notes: str
    withdrawn_on: date | None
    withdrawn_by: str
    withdrawn_note: str
    recorded_by: str
    state: str  # "in_force", "withdrawn", "expired" or "future" (given on a later day)


@dataclass(frozen=True)
class MeldcodeRecord:
    """One Meldcode justification: information shared without consent."""

    id: int
    decided_on: date
    justification: str
    partner_ids: tuple[int, ...]
    partners: tuple[str, ...]
    recorded_by: str
    applies: bool  # only while the case is at level 4


def _record_state(record: Consent, on: date) -> str:
    if record.withdrawn_on is not None and record.withdrawn_on <= on:
        return "withdrawn"
    if record.valid_until is not None and record.valid_until < on:
        return "expired"
    if record.given_on > on:
        return "future"
    return "in_force"


def list_consents(uow: UnitOfWork, actor: Actor, case_id: int) -> list[ConsentRecord]:
    """The case's consent records, newest first, with who gave them, for which
    partners and kinds of information, and whether they are still in force."""
    with uow:
        s = uow.session
        case, _me = load_case(s, actor, case_id)
        return consent_records(s, case)


def consent_records(
    s: Session, case: Case, *, newest_first: bool = True, blank: str = ""
) -> list[ConsentRecord]:
    """The consent records of ``case`` (newest or oldest first), for a caller that has
    loaded the case under its own access rule; ``blank`` stands for a giver's name
    removed by anonymisation."""
    children, carers = _names(case, blank)
    order = (Consent.given_on, Consent.id)
    records = list(
        s.scalars(
            select(Consent)
            .where(Consent.case_id == case.id)
            .order_by(*(o.desc() if newest_first else o for o in order))
        )
    )
    orgs = org_names(s, {link.organisation_id for r in records for link in r.partner_links})
    users = user_names(s, {r.recorded_by_id for r in records})
    today = clock.today()
    out = []
    for r in records:
        givers = []
        for g in r.givers:
            if g.carer_id is not None:
                givers.append(
                    ConsentGiverData(rules.carer_party(g.carer_id), carers.get(g.carer_id, "?"))
                )
            elif g.child_id is not None:
                givers.append(
                    ConsentGiverData(rules.child_party(g.child_id), children.get(g.child_id, "?"))
                )
        if r.withdrawn_by_carer_id is not None:
            withdrawn_by = carers.get(r.withdrawn_by_carer_id, "?")
        elif r.withdrawn_by_child_id is not None:
            withdrawn_by = children.get(r.withdrawn_by_child_id, "?")
        else:
            withdrawn_by = ""
        out.append(
            ConsentRecord(
                id=r.id,
                given_on=r.given_on,
                method=r.method,
                givers=tuple(givers),
                partner_ids=tuple(link.organisation_id for link in r.partner_links),
                partners=tuple(orgs.get(link.organisation_id, "?") for link in r.partner_links),
                info_kinds=tuple(k for k in INFO_KINDS if k in {i.kind for i in r.info_links}),
                valid_until=r.valid_until,
                notes=r.notes,
                withdrawn_on=r.withdrawn_on,
                withdrawn_by=withdrawn_by,
                withdrawn_note=r.withdrawn_note,
                recorded_by=users.get(r.recorded_by_id, ""),
                state=_record_state(r, today),
            )
        )
    return out


def list_meldcode(uow: UnitOfWork, actor: Actor, case_id: int) -> list[MeldcodeRecord]:
    """The case's Meldcode justifications, newest first."""
    with uow:
        s = uow.session
        case, _me = load_case(s, actor, case_id)
        return meldcode_records(s, case)


def meldcode_records(s: Session, case: Case, *, newest_first: bool = True) -> list[MeldcodeRecord]:
    """The Meldcode justifications of ``case`` (newest or oldest first), for a caller
    that has loaded the case under its own access rule."""
    order = (MeldcodeJustification.decided_on, MeldcodeJustification.id)
    records = list(
        s.scalars(
            select(MeldcodeJustification)
            .where(MeldcodeJustification.case_id == case.id)
            .order_by(*(o.desc() if newest_first else o for o in order))
        )
    )
    orgs = org_names(s, {link.organisation_id for r in records for link in r.partner_links})
    users = user_names(s, {r.recorded_by_id for r in records})
    return [
        MeldcodeRecord(
            id=r.id,
            decided_on=r.decided_on,
            justification=r.justification,
            partner_ids=tuple(link.organisation_id for link in r.partner_links),
            partners=tuple(orgs.get(link.organisation_id, "?") for link in r.partner_links),
            recorded_by=users.get(r.recorded_by_id, ""),
            applies=case.level == MELDCODE_LEVEL,
        )
        for r in records
    ]


__all__ = [
    "ConsentGiverData",
    "ConsentInput",
    "ConsentRecord",
    "MeldcodeInput",
    "MeldcodeRecord",
    "WithdrawalInput",
    "assessment",
    "consent_field_errors",
    "consent_records",
    "coverage_text",
    "display_state",
    "ensure_may_share",
    "list_consents",
    "list_meldcode",
    "meldcode_field_errors",
    "meldcode_records",
    "record_consent",
    "record_meldcode",
    "refresh",
    "refresh_stale",
    "sharing_basis",
    "withdraw_consent",
]
