"""The start page: what needs the acting user's attention today.

My open next steps, overdue next steps, cases whose consent ends within 30 days,
and recent signals, all within the cases the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select

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

        def open_in_scope(*columns: Any) -> Select[Any]:
            return (
                select(*columns)
                .select_from(Action)
                .join(Case, Case.id == Action.case_id)
                .where(scope, Action.status == "open", Case.status != "closed")
            )

        mine, late = mine_condition(me), Action.due_on < today
        first = (Action.due_on, Action.id)
        my_steps = action_rows(s, open_in_scope(Action).where(mine).order_by(*first).limit(LIMIT))
        overdue = action_rows(s, open_in_scope(Action).where(late).order_by(*first).limit(LIMIT))

        def total(condition: Any, shown: list[ActionData]) -> int:
            # a list shorter than LIMIT is complete: no need to count again
            if len(shown) < LIMIT:
                return len(shown)
            return s.scalar(open_in_scope(func.count()).where(condition)) or 0

        my_total = total(mine, my_steps)
        overdue_total = total(late, overdue)
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
            .where(
                scope,
                Case.status != "closed",
                CaseSignal.observed_on >= today - timedelta(days=RECENT_DAYS),
            )
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
