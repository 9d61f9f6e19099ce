"""Need-to-know: which cases an acting user may see, enforced in SQL.

A worker sees a case they registered, a case whose case lead is their contact
person, or a case in which their organisation is involved (an involvement that
has not ended): their own scope. A coordinator sees every case of the pact in the
lists, meetings and figures, but opens the file of a case outside their own
scope only by giving a reason (break-glass): the reason goes into the audit log,
and for the next eight hours that case file opens for them without asking
again. A user who is only an administrator sees no cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true, union
from sqlalchemy.orm import Session

from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    BreakGlassRequiredError,
    CaseClosedError,
    FieldError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _
from pact.models import Case, CasePartner
from pact.services import audit
from pact.services.users import WORKER, Actor, acting_user

BREAK_GLASS_VALID = timedelta(hours=8)
MIN_REASON = 10


def visible(actor: Actor, column: Any = None) -> ColumnElement[bool]:
    """An SQL condition on ``Case``: the cases ``actor`` may see. ``column`` puts the
    condition on another column holding a case id (``Action.case_id``: no join needed).

    ``case_file.id IN (registered UNION led UNION involved)``: each branch is an
    index search, so a worker's list costs what they can see, not the whole table
    (an OR with a correlated EXISTS scanned every case; benchmarks/bench_case_list.py).
    """
    if actor.is_coordinator:
        return true()
    return own_scope(actor, column)


def own_scope(actor: Actor, column: Any = None) -> ColumnElement[bool]:
    """The cases ``actor`` registered, leads or whose organisation is involved in
    (a coordinator's own scope too: outside it, a case file needs break-glass)."""
    if not actor.is_coordinator and WORKER not in actor.roles:
        return false()  # an administrator only: users, settings, audit; no cases
    target = Case.id if column is None else column
    branches: list[Select[Any]] = [
        select(Case.id).where(Case.registered_by_id == actor.id).correlate(None)
    ]
    if actor.contact_id is not None:
        branches.append(
            select(Case.id).where(Case.lead_contact_id == actor.contact_id).correlate(None)
        )
    if actor.organisation_id is not None:
        branches.append(
            select(CasePartner.case_id)
            .where(
                CasePartner.organisation_id == actor.organisation_id,
                CasePartner.ended_on.is_(None),
            )
            .correlate(None)
        )
    if len(branches) == 1:
        return target.in_(branches[0])
    return target.in_(union(*branches))


def may_see(s: Session, actor: Actor, case_id: int) -> bool:
    return case_id in visible_ids(s, actor, (case_id,))


def visible_ids(s: Session, actor: Actor, case_ids: Iterable[int | None]) -> set[int]:
    """Which of these cases ``actor`` may see, in one query."""
    wanted = {c for c in case_ids if c is not None}
    if not wanted:
        return set()
    return set(s.scalars(select(Case.id).where(Case.id.in_(wanted), visible(actor))))


def load_case(
    s: Session, actor: Actor, case_id: int, write: bool = False, details: bool = True
) -> tuple[Case, Actor]:
    """The case and the acting user as the database knows them now.

    NoUserError when the user is no longer active, NotFoundError when there is no
    such case, AccessDeniedError when the user may not see it, CaseClosedError for
    a write to a closed case. ``details``: the case file itself is asked for (not
    only its code and level, as on an agenda): a coordinator outside their own
    scope needs a break-glass reason first (BreakGlassRequiredError).
    """
    me = acting_user(s, actor)
    case = s.get(Case, case_id)
    if case is None:
        raise NotFoundError(_("This case no longer exists."))
    if not may_see(s, me, case_id):
        raise AccessDeniedError(
            _(
                "You have no access to case {code}: you did not register it, you are not "
                "its case lead and your organisation is not involved in it."
            ).format(code=case.code)
        )
    if (
        details
        and me.is_coordinator
        and not in_own_scope(s, me, case_id)
        and not audit.last_opened(s, me.id, case_id, BREAK_GLASS_VALID)
    ):
        raise BreakGlassRequiredError(
            _(
                "Case {code} is outside your own cases: you did not register it, you "
                "are not its case lead and your organisation is not involved. Give a "
                "reason to open it; the reason is kept in the audit log."
            ).format(code=case.code),
            case.id,
            case.code,
        )
    if write and case.status == "closed":
        raise CaseClosedError(
            _("Case {code} is closed and can only be read. Reopen it to change it.").format(
                code=case.code
            )
        )
    return case, me


def in_own_scope(s: Session, actor: Actor, case_id: int) -> bool:
    return (
        s.scalar(select(Case.id).where(Case.id == case_id, own_scope(actor)).limit(1)) is not None
    )


def coordinator_case(
    s: Session, actor: Actor, case_id: int, event: str, detail: str, refusal: str
) -> tuple[Case, Actor]:
    """Case ``case_id`` and the acting user, for an act only a coordinator may do
    (audit ``event``). NotFoundError when the case is gone; anybody else's attempt is
    audited as refused (with ``detail``) and committed, then AccessDeniedError with
    ``refusal``."""
    me = acting_user(s, actor)
    case = s.get(Case, case_id)
    if case is None:
        raise NotFoundError(_("This case no longer exists."))
    if not me.is_coordinator:
        audit.record(
            s,
            me,
            event,
            record_type="case",
            record_id=case.id,
            case_id=case.id,
            outcome=audit.REFUSED,
            detail=detail,
        )
        s.commit()
        raise AccessDeniedError(refusal)
    return case, me


def break_glass(uow: UnitOfWork, actor: Actor, case_id: int, reason: str) -> None:
    """A coordinator opens a case outside their own scope, with ``reason``
    (at least ten characters). Logged as break-glass; valid for eight hours."""
    reason = " ".join(reason.split())
    with uow:
        s = uow.session
        case, me = coordinator_case(
            s,
            actor,
            case_id,
            audit.BREAK_GLASS,
            reason,
            _("Only a coordinator can open a case outside their own cases."),
        )
        if len(reason) < MIN_REASON:
            raise ValidationError(
                FieldError(
                    "reason",
                    _("Say why you need to open this case (at least {n} characters).").format(
                        n=MIN_REASON
                    ),
                )
            )
        audit.record(
            s,
            me,
            audit.BREAK_GLASS,
            record_type="case",
            record_id=case.id,
            case_id=case.id,
            detail=reason,
        )
        uow.commit()


def require_coordinator(s: Session, actor: Actor, refusal: str | None = None) -> Actor:
    """The acting user when they are a coordinator; AccessDeniedError (``refusal``, or
    a general message) otherwise."""
    me = acting_user(s, actor)
    if not me.is_coordinator:
        raise AccessDeniedError(refusal or _("Only a coordinator can see this."))
    return me
