"""The start page: what needs the acting user's attention today.

My open next steps, overdue next steps, cases whose consent ends within 30 days,
and recent signals, all within the cases the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from pact.db.uow import UnitOfWork
from pact.models import Action, Case, CaseSignal
from pact.services import clock
from pact.services import consent as consent_svc
from pact.services.consultations import (
    ActionData,
    SignalData,
    action_rows,
    mine_condition,
    signal_rows,
)
from pact.services.scope import visible
from pact.services.users import Actor, acting_user

LIMIT = 50
RECENT_DAYS = 14


@dataclass(frozen=True)
class ExpiringConsent:
    case_id: int
    code: str
    alias: str
    ok_until: date
    meldcode: bool


@dataclass(frozen=True)
class RecentSignal:
    case_id: int
    code: str
    signal: SignalData
    meldcode: bool


@dataclass(frozen=True)
class Dashboard:
    my_steps: tuple[ActionData, ...]
    my_steps_total: int
    overdue: tuple[ActionData, ...]
    overdue_total: int
    expiring: tuple[ExpiringConsent, ...]
    signals: tuple[RecentSignal, ...]
    visible_cases: int


def dashboard(uow: UnitOfWork, actor: Actor) -> Dashboard:
    today = clock.today()
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        scope = visible(me)
        open_in_scope = (
            select(Action)
            .join(Case, Case.id == Action.case_id)
            .where(scope, Action.status == "open", Case.status != "closed")
        )
        mine_q = open_in_scope.where(mine_condition(me))
        overdue_q = open_in_scope.where(Action.due_on < today)
        my_total = s.scalar(select(func.count()).select_from(mine_q.subquery())) or 0
        overdue_total = s.scalar(select(func.count()).select_from(overdue_q.subquery())) or 0
        my_steps = action_rows(s, mine_q.order_by(Action.due_on, Action.id).limit(LIMIT))
        overdue = action_rows(s, overdue_q.order_by(Action.due_on, Action.id).limit(LIMIT))
        horizon = today + timedelta(days=consent_svc.EXPIRING_DAYS)
        expiring = [
            ExpiringConsent(cid, code, alias, until or today, meld)
            for cid, code, alias, until, meld in s.execute(
                select(Case.id, Case.code, Case.alias, Case.consent_ok_until, Case.meldcode)
                .where(
                    scope,
                    Case.status != "closed",
                    Case.consent_state == "complete",
                    Case.consent_ok_until >= today,
                    Case.consent_ok_until <= horizon,
                )
                .order_by(Case.consent_ok_until, Case.code)
                .limit(LIMIT)
            )
        ]
        signals_q = (
            select(CaseSignal, Case.code, Case.meldcode)
            .join(Case, Case.id == CaseSignal.case_id)
            .where(scope, CaseSignal.observed_on >= today - timedelta(days=RECENT_DAYS))
            .order_by(CaseSignal.observed_on.desc(), CaseSignal.id.desc())
            .limit(LIMIT)
        )
        rows = list(s.execute(signals_q))
        data = signal_rows(s, [r[0] for r in rows])
        signals = [
            RecentSignal(r[0].case_id, r[1], d, r[2]) for r, d in zip(rows, data, strict=True)
        ]
        visible_cases = (
            s.scalar(select(func.count()).select_from(Case).where(scope, Case.status != "closed"))
            or 0
        )
        return Dashboard(
            my_steps=tuple(my_steps),
            my_steps_total=my_total,
            overdue=tuple(overdue),
            overdue_total=overdue_total,
            expiring=tuple(expiring),
            signals=tuple(signals),
            visible_cases=visible_cases,
        )
