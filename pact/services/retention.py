"""Retention, anonymisation and erasure of case files (AVG art. 17).

Dutch youth-care files are kept for a term after care ends (20 years by default,
the setting ``retention_years``): a closed case's retention ends ``years`` after
its closing date (a case closed on 29 February ends on 28 February when that year
has none); an open case has no end. Once the end has come (on the end day itself),
the case is *due*: a coordinator anonymises it (``anonymise``).

A family may also ask for its data to be erased (``erase``): with the request's date
and a reason, within three months of the request (later is allowed, with a warning
that the legal term has passed). A case that may have to be kept for a child's safety
(shared under the Meldcode, a Meldcode justification, or Veilig Thuis / youth
protection still involved) is erased only with a written justification.

Both acts leave the case and every row that is counted (children, consultations,
next steps, partners, status and level history) in place, so the figures for
funders (``pact.services.figures``) stay the same; what names or describes the
family goes: the alias (it becomes the case code), family name, notes and reasons,
the children's names, parents' aliases, signals, consent and Meldcode texts,
consultation questions and advice, next-step texts, partners' notes; the agenda
items about the case keep only "Case <code>: discussed.". Birth years, dates,
levels, municipalities and partner organisations stay. Each act is one audit entry
per case holding the code and no names; the database is compacted afterwards
(``compact``) so the removed text does not linger in free pages or the WAL.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from pact.db.database import Database
from pact.db.uow import UnitOfWork
from pact.errors import (
    FieldError,
    MeldcodeKeepError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _, format_date, ngettext
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    AppSetting,
    Case,
    CaseLevelChange,
    CaseSignal,
    CaseStatusEvent,
    Consent,
    Consultation,
    MeldcodeJustification,
    MinutesDraft,
    Municipality,
    Organisation,
)
from pact.services import audit, clock
from pact.services import validation as v
from pact.services.lookup import commit_case_change, org_names
from pact.services.scope import require_coordinator
from pact.services.users import Actor

log = logging.getLogger(__name__)

DEFAULT_YEARS = 20
MIN_YEARS = 1
MAX_YEARS = 100
YEARS_SETTING = "retention_years"
RETENTION = "retention"  # anonymised after the retention term
ERASURE = "erasure"  # erased on the family's request
KINDS = (RETENTION, ERASURE)
MIN_REASON = 10
MIN_JUSTIFICATION = 20
MAX_TEXT = 4000
ERASURE_TERM_MONTHS = 3  # AVG art. 12(3): one month, extendable by two
# organisations whose open involvement means a child's safety is at stake
SAFETY_SECTORS = ("youth_protection",)
PAGE_SIZE = 200


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class DueCase:
    """A closed case past its retention end (no names: the retention view's row)."""

    case_id: int
    code: str
    level: int
    municipality: str
    closed_on: date
    retention_end: date

    @property
    def id(self) -> int:
        return self.case_id


@dataclass(frozen=True)
class ErasureInfo:
    """What the erase dialog says before anything is done."""

    case_id: int
    code: str
    status: str
    registered_on: date
    open_steps: int  # cancelled when erasing closes the case
    anonymised_on: date | None
    # why the case may have to be kept (Meldcode); empty: no justification needed
    keep_reasons: tuple[str, ...]

    @property
    def needs_justification(self) -> bool:
        return bool(self.keep_reasons)

    @property
    def open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True)
class ErasureResult:
    case_id: int
    code: str
    erased_on: date
    requested_on: date
    closed_now: bool  # the case was still open: erasing closed it today
    late: bool  # more than three months after the request
    warning: str  # what the person should know ("" when nothing)
    compacted: bool  # the file was compacted (False: busy, or not a file)
    # False on a team's server: compaction is for the SQLCipher file only (the
    # server's pages, VACUUM and backups are its administrator's); erased all the same
    compaction_applies: bool = True


# ---------------------------------------------------------------- dates


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February in a year without it."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of the month when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def retention_end(closed_on: date | None, years: int) -> date | None:
    """The day the retention of a case closed on ``closed_on`` ends (None: open)."""
    if closed_on is None:
        return None
    return add_years(closed_on, years)


def last_due_closing(today: date, years: int) -> date:
    """The latest closing date whose retention end is on or before ``today``: a case
    is due exactly when it closed on or before this day (an SQL range on closed_on)."""
    day = add_years(today, -years)  # 29 Feb -> 28 Feb when that year has none
    following = day + timedelta(days=1)
    # today 28 Feb, ``years`` back a leap year: a 29 Feb closing ends on 28 Feb too
    if add_years(following, years) <= today:
        return following
    return day


def _due(today: date, years: int) -> Any:
    return and_(
        Case.status == "closed",
        Case.anonymised_on.is_(None),
        Case.closed_on.is_not(None),
        Case.closed_on <= last_due_closing(today, years),
    )


# ---------------------------------------------------------------- the setting


def _years(s: Session) -> int:
    value = s.scalar(select(AppSetting.value).where(AppSetting.key == YEARS_SETTING))
    try:
        years = int(value or "")
    except ValueError:
        return DEFAULT_YEARS
    return years if MIN_YEARS <= years <= MAX_YEARS else DEFAULT_YEARS


def get_years(uow: UnitOfWork) -> int:
    """How many years a case is kept after it was closed."""
    with uow:
        return _years(uow.session)


def years_error(years: int) -> str | None:
    if not MIN_YEARS <= years <= MAX_YEARS:
        return _("Choose a term from {low} to {high} years.").format(low=MIN_YEARS, high=MAX_YEARS)
    return None


def set_years(uow: UnitOfWork, actor: Actor, years: int) -> int:
    """Change the retention term (coordinators and administrators; audited as a
    change of the setting)."""
    with uow:
        s = uow.session
        audit.require_keeper(s, actor)
        message = years_error(years)
        if message:
            raise ValidationError(FieldError(YEARS_SETTING, message))
        s.merge(AppSetting(key=YEARS_SETTING, value=str(years)))
        uow.commit()
        return years


def term_text(years: int) -> str:
    """The term in words, e.g. "20 years after the case was closed"."""
    return ngettext(
        "{n} year after the case was closed", "{n} years after the case was closed", years
    ).format(n=years)


# ---------------------------------------------------------------- the due list


def list_due(
    uow: UnitOfWork,
    actor: Actor,
    today: date | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[DueCase]:
    """One page of the cases past their retention end, longest closed first
    (coordinators only)."""
    today = today or clock.today()
    with uow:
        s = uow.session
        require_coordinator(s, actor, _("Only a coordinator can see the retention list."))
        years = _years(s)
        q = (
            select(Case.id, Case.code, Case.level, Municipality.name, Case.closed_on)
            .join(Municipality, Municipality.id == Case.municipality_id)
            .where(_due(today, years))
            .order_by(Case.closed_on, Case.year, Case.seq)
            .offset(offset)
            .limit(limit)
        )
        out = []
        for case_id, code, level, municipality, closed_on in s.execute(q):
            assert closed_on is not None  # (the filter)
            end = add_years(closed_on, years)
            out.append(DueCase(case_id, code, level, municipality, closed_on, end))
        return out


def count_due(uow: UnitOfWork, actor: Actor, today: date | None = None) -> int:
    today = today or clock.today()
    with uow:
        s = uow.session
        require_coordinator(s, actor, _("Only a coordinator can see the retention list."))
        return s.scalar(select(func.count()).where(_due(today, _years(s)))) or 0


def due_ids(uow: UnitOfWork, actor: Actor, today: date | None = None) -> list[int]:
    """Every due case (``pact retention anonymise --all-due``)."""
    today = today or clock.today()
    with uow:
        s = uow.session
        require_coordinator(s, actor, _("Only a coordinator can see the retention list."))
        q = select(Case.id).where(_due(today, _years(s))).order_by(Case.closed_on, Case.id)
        return list(s.scalars(q))


# ---------------------------------------------------------------- removing the data


def discussed_text(code: str) -> str:
    """What the minutes of an agenda item about an anonymised case say."""
    return _("Case {code}: discussed.").format(code=code)


def _wipe(
    s: Session,
    c: Case,
    me: Actor,
    today: date,
    kind: str,
    reason: str,
    requested_on: date | None = None,
    justification: str = "",
) -> None:
    """Remove every name and free text of case ``c`` (see the module's text)."""
    code = c.code
    c.alias = code
    c.family_name = ""
    c.notes = ""
    c.close_reason = ""
    c.search_text = v.fold(code)
    for child in c.children:
        child.name = ""
        child.notes = ""
    for carer in c.carers:
        carer.alias = ""
        carer.notes = ""
    for link in c.partners:
        link.note = ""
    for signal in s.scalars(select(CaseSignal).where(CaseSignal.case_id == c.id)):
        signal.observation = ""
    for consent in s.scalars(select(Consent).where(Consent.case_id == c.id)):
        consent.notes = ""
        consent.withdrawn_note = ""
    for record in s.scalars(
        select(MeldcodeJustification).where(MeldcodeJustification.case_id == c.id)
    ):
        record.justification = ""
    for consultation in s.scalars(select(Consultation).where(Consultation.case_id == c.id)):
        consultation.question = ""
        consultation.advice = ""
    for status in s.scalars(select(CaseStatusEvent).where(CaseStatusEvent.case_id == c.id)):
        status.reason = ""
    for change in s.scalars(select(CaseLevelChange).where(CaseLevelChange.case_id == c.id)):
        change.reason = ""

    items = list(s.scalars(select(AgendaItem).where(AgendaItem.case_id == c.id)))
    item_ids = [item.id for item in items]
    steps = select(Action).where(
        or_(Action.case_id == c.id, Action.agenda_item_id.in_(item_ids))
        if item_ids
        else Action.case_id == c.id
    )
    step_ids = []
    for action in s.scalars(steps):
        action.what = ""
        action.note = ""
        step_ids.append(action.id)
    if step_ids:
        for review in s.scalars(select(ActionReview).where(ActionReview.action_id.in_(step_ids))):
            review.note = ""
    for item in items:
        item.title = code
        item.minutes = discussed_text(code)
        item.description = ""
        item.chair_notes = ""
        for decision in item.decisions:
            decision.text = ""
    if item_ids:
        for amendment in s.scalars(select(Amendment).where(Amendment.item_id.in_(item_ids))):
            amendment.text = _("Case {code}: amended.").format(code=code)
        # typed minutes not saved yet (drafts are not audited)
        s.execute(
            delete(MinutesDraft)
            .where(MinutesDraft.item_id.in_(item_ids))
            .execution_options(synchronize_session=False)
        )

    c.anonymised_on = today
    c.anonymised_kind = kind
    c.anonymised_by_id = me.id
    c.anonymised_reason = reason
    c.erasure_requested_on = requested_on
    c.erasure_justification = justification


def anonymise(
    uow: UnitOfWork, actor: Actor, case_ids: Sequence[int], today: date | None = None
) -> int:
    """Anonymise the cases ``case_ids``, every one past its retention end
    (coordinators only). All or nothing: a case that is not due refuses the whole
    call (ValidationError on ``case_ids``). One ANONYMISE audit entry per case;
    the database is compacted afterwards. Returns how many were anonymised."""
    today = today or clock.today()
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        return 0
    with uow:
        s = uow.session
        me = require_coordinator(s, actor, _("Only a coordinator can anonymise cases."))
        years = _years(s)
        found = {c.id: c for c in s.scalars(select(Case).where(Case.id.in_(wanted)))}
        if len(found) < len(wanted):
            raise NotFoundError(_("One of these cases no longer exists."))
        cut = last_due_closing(today, years)
        errors = []
        for case_id in wanted:
            c = found[case_id]
            if c.anonymised_on is not None:
                errors.append(
                    _("Case {code} was anonymised on {date} already.").format(
                        code=c.code, date=format_date(c.anonymised_on)
                    )
                )
            elif c.status != "closed" or c.closed_on is None:
                errors.append(
                    _("Case {code} is not closed: an open case is kept.").format(code=c.code)
                )
            elif c.closed_on > cut:
                end = retention_end(c.closed_on, years)
                assert end is not None
                errors.append(
                    _("The retention of case {code} ends on {date}: it is kept until then.").format(
                        code=c.code, date=format_date(end)
                    )
                )
        if errors:
            raise ValidationError([FieldError("case_ids", e) for e in errors])
        for case_id in wanted:
            c = found[case_id]
            end = retention_end(c.closed_on, years)
            assert end is not None
            reason = ngettext(
                "retention of {years} year ended on {date}",
                "retention of {years} years ended on {date}",
                years,
            ).format(years=years, date=end.isoformat())
            _wipe(s, c, me, today, RETENTION, reason)
            audit.record(
                s,
                me,
                audit.ANONYMISE,
                record_type="case",
                record_id=c.id,
                case_id=c.id,
                case_code=c.code,
                detail=reason,
            )
        commit_case_change(uow)
        engine = s.get_bind()
    assert isinstance(engine, Engine)
    compact(engine)
    return len(wanted)


# ---------------------------------------------------------------- erasure on request


def _keep_reasons(s: Session, c: Case) -> tuple[str, ...]:
    """Why case ``c`` may have to be kept for a child's safety (the Meldcode)."""
    reasons = []
    if c.meldcode:
        reasons.append(_("Information about this case was shared under the Meldcode."))
    n = (
        s.scalar(
            select(func.count())
            .select_from(MeldcodeJustification)
            .where(MeldcodeJustification.case_id == c.id)
        )
        or 0
    )
    if n:
        reasons.append(
            ngettext(
                "The case holds {n} Meldcode justification.",
                "The case holds {n} Meldcode justifications.",
                n,
            ).format(n=n)
        )
    open_links = [p for p in c.partners if p.ended_on is None]
    sectors = dict(
        s.execute(
            select(Organisation.id, Organisation.sector).where(
                Organisation.id.in_({p.organisation_id for p in open_links})
            )
        ).all()
    )
    involved = [
        p.organisation_id
        for p in open_links
        if p.under_meldcode or sectors.get(p.organisation_id) in SAFETY_SECTORS
    ]
    if involved:
        names = org_names(s, involved)
        reasons.append(
            _("Still involved: {organisations} (Veilig Thuis or youth protection).").format(
                organisations=", ".join(sorted(names.get(i, "?") for i in set(involved)))
            )
        )
    return tuple(reasons)


def _open_steps(s: Session, case_id: int) -> int:
    q = select(func.count()).where(Action.case_id == case_id, Action.status == "open")
    return s.scalar(q) or 0


def erasure_info(uow: UnitOfWork, actor: Actor, case_id: int) -> ErasureInfo:
    """What erasing case ``case_id`` involves (coordinators only)."""
    with uow:
        s = uow.session
        require_coordinator(s, actor, _("Only a coordinator can erase a case."))
        c = s.get(Case, case_id)
        if c is None:
            raise NotFoundError(_("This case no longer exists."))
        return ErasureInfo(
            case_id=c.id,
            code=c.code,
            status=c.status,
            registered_on=c.registered_on,
            open_steps=_open_steps(s, c.id),
            anonymised_on=c.anonymised_on,
            keep_reasons=_keep_reasons(s, c),
        )


def late_warning(requested_on: date) -> str:
    return _(
        "The request was made on {date}, more than {n} months ago: the legal term for "
        "an erasure has passed. The case was erased all the same; tell the family why it "
        "took longer."
    ).format(date=format_date(requested_on), n=ERASURE_TERM_MONTHS)


def erase(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    reason: str,
    requested_on: date | None,
    justification: str = "",
    today: date | None = None,
) -> ErasureResult:
    """Erase the personal data of case ``case_id`` on the family's request
    (coordinators only). ``reason``: whose request and how it came (at least ten
    characters); ``requested_on``: the day of the request, not in the future. A case
    that may have to be kept (``ErasureInfo.keep_reasons``) needs a ``justification``
    of at least 20 characters (MeldcodeKeepError otherwise). An open case is closed
    today, its open next steps cancelled. One ERASE audit entry (the code, the
    request's date; no names); the database is compacted afterwards."""
    today = today or clock.today()
    reason = reason.strip()
    justification = justification.strip()
    with uow:
        s = uow.session
        me = require_coordinator(s, actor, _("Only a coordinator can erase a case."))
        c = s.get(Case, case_id)
        if c is None:
            raise NotFoundError(_("This case no longer exists."))
        if c.anonymised_on is not None:
            raise ValidationError(
                FieldError(
                    "case",
                    _("The personal data of case {code} were removed on {date} already.").format(
                        code=c.code, date=format_date(c.anonymised_on)
                    ),
                )
            )
        errors = []
        if len(reason) < MIN_REASON:
            errors.append(
                FieldError(
                    "reason",
                    _(
                        "Say whose request it is and how it came in (at least {n} characters)."
                    ).format(n=MIN_REASON),
                )
            )
        elif len(reason) > MAX_TEXT:
            errors.append(FieldError("reason", v.max_length(reason, MAX_TEXT) or ""))
        if requested_on is None:
            errors.append(FieldError("requested_on", _("Enter the date of the request.")))
        elif requested_on > today:
            errors.append(FieldError("requested_on", _("This date lies in the future.")))
        elif requested_on < c.registered_on:
            errors.append(
                FieldError(
                    "requested_on",
                    _("The case was registered on {date}, after this date.").format(
                        date=format_date(c.registered_on)
                    ),
                )
            )
        keep = _keep_reasons(s, c)
        keep_error = None
        if keep and len(justification) < MIN_JUSTIFICATION:
            keep_error = FieldError(
                "justification",
                _(
                    "This case may have to be kept for the child's safety: {reasons} Write "
                    "down why it is erased anyway (at least {n} characters)."
                ).format(reasons=" ".join(keep), n=MIN_JUSTIFICATION),
            )
        elif len(justification) > MAX_TEXT:
            errors.append(FieldError("justification", v.max_length(justification, MAX_TEXT) or ""))
        if keep_error is not None:
            raise MeldcodeKeepError([*errors, keep_error])
        if errors:
            raise ValidationError(errors)
        assert requested_on is not None

        closed_now = c.status != "closed"
        if closed_now:
            c.status = "closed"
            c.closed_on = today
            for action in s.scalars(
                select(Action).where(Action.case_id == c.id, Action.status == "open")
            ):
                action.status = "cancelled"
                action.closed_by_id = me.id
            s.add(CaseStatusEvent(case_id=c.id, event="closed", on=today, user_id=me.id))
            s.flush()
        _wipe(s, c, me, today, ERASURE, reason, requested_on, justification if keep else "")
        late = today > add_months(requested_on, ERASURE_TERM_MONTHS)
        parts = [_("on request of {date}").format(date=requested_on.isoformat())]
        if keep:
            parts.append(_("Meldcode case, erased with a justification"))
        if late:
            parts.append(_("more than {n} months after the request").format(n=ERASURE_TERM_MONTHS))
        if closed_now:
            parts.append(_("the case was closed"))
        audit.record(
            s,
            me,
            audit.ERASE,
            record_type="case",
            record_id=c.id,
            case_id=c.id,
            case_code=c.code,
            detail="; ".join(parts),
        )
        commit_case_change(uow)
        code = c.code
        engine = s.get_bind()
    assert isinstance(engine, Engine)
    return ErasureResult(
        case_id=case_id,
        code=code,
        erased_on=today,
        requested_on=requested_on,
        closed_now=closed_now,
        late=late,
        warning=late_warning(requested_on) if late else "",
        compacted=compact(engine),
        compaction_applies=compaction_applies(engine),
    )


# ---------------------------------------------------------------- compaction


def compaction_applies(db: Database | Engine) -> bool:
    """Whether ``compact`` does anything here: on the SQLCipher file, yes; on a team's
    PostgreSQL server, no (erasure and anonymisation work the same there; what was
    removed is the server's to vacuum and to age out of its backups)."""
    engine = db.engine if isinstance(db, Database) else db
    return engine.dialect.name == "sqlite"


def compact(db: Database | Engine) -> bool:
    """Rewrite the database file without free pages (VACUUM) and fold the WAL into
    it, leaving the WAL empty (``wal_checkpoint(TRUNCATE)``), so removed text is
    nowhere in the files any more (``secure_delete`` already overwrites what is
    deleted in the pages that stay). SQLCipher only: False for another database, and
    when the checkpoint could not finish (another connection was reading; the next
    compaction or checkpoint finishes it)."""
    engine = db.engine if isinstance(db, Database) else db
    if not compaction_applies(engine):
        return False
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            # outside any transaction: the connection runs in autocommit
            # (isolation_level None, pact.db.engine); VACUUM refuses to run inside one
            cursor.execute("VACUUM")
            row = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            cursor.close()
    except sqlcipher.Error as exc:
        log.warning("compaction failed: %s", type(exc).__name__)
        return False
    finally:
        raw.close()
    busy = row[0] if row else 1
    if busy:
        log.info("compaction: the WAL checkpoint was busy")
    return not busy


__all__ = [
    "DEFAULT_YEARS",
    "DueCase",
    "ErasureInfo",
    "ErasureResult",
    "anonymise",
    "compact",
    "compaction_applies",
    "count_due",
    "erase",
    "erasure_info",
    "get_years",
    "list_due",
    "retention_end",
    "set_years",
]
