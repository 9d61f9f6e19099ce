"""Figures for funders: what the pact reports to municipalities, per municipality and
quarter. Counts, never names; computed from dates, municipalities and references
only, so cases whose personal data was anonymised keep counting.

Two kinds of figure:

* what the pact worked with during the quarter (a case counts when it was registered
  before the quarter ended and not closed before it began): families supported,
  children reached, partners involved, schools reached;
* what happened in the quarter: consultations held, next steps completed (and
  completed on time: on or before their due date), children linked to a buddy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from pact.db.uow import UnitOfWork
from pact.errors import FieldError, ValidationError
from pact.i18n import _
from pact.models import (
    Action,
    Case,
    CasePartner,
    Child,
    Consultation,
    Municipality,
    Organisation,
)
from pact.services.lookup import mapping
from pact.services.scope import require_coordinator
from pact.services.users import Actor

TOTAL = ""  # the municipality of the row with the totals over all municipalities


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}"


@dataclass(frozen=True)
class FigureRow:
    municipality: str  # TOTAL for the row over all municipalities
    quarter: Quarter
    families: int
    children: int
    consultations: int
    partners: int
    steps_done: int
    steps_on_time: int
    buddies: int
    schools: int


FIELDS = (
    "families",
    "children",
    "consultations",
    "partners",
    "steps_done",
    "steps_on_time",
    "buddies",
    "schools",
)


def quarters(year: int, quarter: int | None = None) -> list[Quarter]:
    return [Quarter(year, quarter)] if quarter else [Quarter(year, q) for q in range(1, 5)]


def _check(year: int, quarter: int | None) -> None:
    errors = []
    if not 2000 <= year <= 2100:
        errors.append(FieldError("year", _("Enter a year like 2026.")))
    if quarter is not None and quarter not in (1, 2, 3, 4):
        errors.append(FieldError("quarter", _("A quarter is 1, 2, 3 or 4.")))
    if errors:
        raise ValidationError(errors)


def figures(
    uow: UnitOfWork, actor: Actor, year: int, quarter: int | None = None
) -> list[FigureRow]:
    """For each quarter asked, one row per municipality (every active one, and any
    other with cases) and a total row (municipality TOTAL). Coordinators only."""
    _check(year, quarter)
    out: list[FigureRow] = []
    with uow:
        s = uow.session
        require_coordinator(s, actor)
        names = mapping(s, select(Municipality.id, Municipality.name))
        active = {mid for mid, on in s.execute(select(Municipality.id, Municipality.active)) if on}
        schools = set(s.scalars(select(Organisation.id).where(Organisation.sector == "school")))
        for q in quarters(year, quarter):
            supported = list(
                s.execute(
                    select(Case.id, Case.municipality_id).where(
                        Case.registered_on <= q.end,
                        or_(Case.closed_on.is_(None), Case.closed_on >= q.start),
                    )
                )
            )
            municipality_of = dict(supported)
            ids = set(municipality_of)
            per: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
            sets: dict[tuple[int, str], set[object]] = defaultdict(set)

            def bump(mid: int, name: str, n: int = 1, per: dict[int, dict[str, int]] = per) -> None:
                per[mid][name] += n

            for _case_id, mid in supported:
                bump(mid, "families")
            for case_id, school_id in s.execute(
                select(Child.case_id, Child.school_id).where(Child.case_id.in_(ids))
            ):
                mid = municipality_of[case_id]
                bump(mid, "children")
                if school_id is not None:
                    sets[(mid, "schools")].add(school_id)
            for case_id, org_id in s.execute(
                select(CasePartner.case_id, CasePartner.organisation_id).where(
                    CasePartner.case_id.in_(ids),
                    CasePartner.added_on <= q.end,
                    or_(CasePartner.ended_on.is_(None), CasePartner.ended_on >= q.start),
                )
            ):
                mid = municipality_of[case_id]
                sets[(mid, "partners")].add(org_id)
                if org_id in schools:
                    sets[(mid, "schools")].add(org_id)
            # what happened in the quarter (in any case, supported or not)
            for (mid,) in s.execute(
                select(Case.municipality_id)
                .join(Consultation, Consultation.case_id == Case.id)
                .where(Consultation.held_on >= q.start, Consultation.held_on <= q.end)
            ):
                bump(mid, "consultations")
            for mid, done_on, due_on in s.execute(
                select(Case.municipality_id, Action.done_on, Action.due_on)
                .join(Action, Action.case_id == Case.id)
                .where(
                    Action.status == "done",
                    and_(Action.done_on >= q.start, Action.done_on <= q.end),
                )
            ):
                bump(mid, "steps_done")
                if done_on is not None and done_on <= due_on:
                    bump(mid, "steps_on_time")
            for (mid,) in s.execute(
                select(Case.municipality_id)
                .join(Child, Child.case_id == Case.id)
                .where(Child.buddy_since >= q.start, Child.buddy_since <= q.end)
            ):
                bump(mid, "buddies")

            shown = sorted(
                active | set(per) | {m for m, _f in sets}, key=lambda m: names.get(m, "")
            )
            total: dict[str, int] = {f: 0 for f in FIELDS}
            total_sets: dict[str, set[object]] = defaultdict(set)
            for mid in shown:
                values = dict(per[mid])
                for f in ("partners", "schools"):
                    values[f] = len(sets[(mid, f)])
                    total_sets[f] |= sets[(mid, f)]
                for f in FIELDS:
                    total[f] += values[f]
                out.append(FigureRow(municipality=names.get(mid, "?"), quarter=q, **values))
            for f in ("partners", "schools"):
                total[f] = len(total_sets[f])  # one partner in two municipalities counts once
            out.append(FigureRow(municipality=TOTAL, quarter=q, **total))
    return out
