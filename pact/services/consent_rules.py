"""Whose consent a case needs, and whether the recorded consent covers a partner.

Pure functions over small frozen records: no database, no Qt, so every rule can be
tested on its own (and with hypothesis).

The rules (DOMAIN.md, "Privacy"):

* a child under 12 is represented by the parents with parental authority;
* from 12 to 15 both the child and the parents consent;
* from 16 the child consents alone;
* a year of birth leaves the age uncertain by one year (born in 2014: 11 or 12
  during 2026); then the stricter rule applies, which means both rules' parties;
* with cooperating parents (levels 1 and 2) the consent of one parent with
  authority is enough; in a high-conflict divorce (levels 3 and 4) one parent's
  consent is not enough where both hold authority: every parent with authority
  must consent.

A partner is covered when the consent records that name it, and are in force on the
day, were together given by every party the rules require.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from pact.i18n import _

CHILD_ALONE_FROM = 16
CHILD_TOO_FROM = 12
HIGH_CONFLICT_LEVEL = 3
# a complete consent without any end date stays complete "for ever"
FOREVER = date(9999, 12, 31)

Party = tuple[str, int]  # ("child", id) or ("carer", id)


def child_party(child_id: int) -> Party:
    return ("child", child_id)


def carer_party(carer_id: int) -> Party:
    return ("carer", carer_id)


@dataclass(frozen=True)
class ChildFacts:
    id: int
    name: str
    birth_year: int


@dataclass(frozen=True)
class CarerFacts:
    id: int
    alias: str
    parental_authority: bool


@dataclass(frozen=True)
class ConsentFacts:
    id: int
    given_on: date
    givers: frozenset[Party]
    partners: frozenset[int]
    valid_until: date | None = None
    withdrawn_on: date | None = None

    def in_force(self, on: date) -> bool:
        if self.given_on > on:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return False
        return self.valid_until is None or self.valid_until >= on


def possible_ages(birth_year: int, on: date) -> tuple[int, int]:
    """The youngest and oldest a child born in ``birth_year`` can be on ``on``."""
    oldest = max(on.year - birth_year, 0)
    return max(oldest - 1, 0), oldest


@dataclass(frozen=True)
class ChildRule:
    """What one child's age asks for."""

    child: ChildFacts
    youngest: int
    oldest: int
    needs_child: bool  # the child's own consent
    needs_parents: bool  # the consent of the parents with authority

    @property
    def uncertain(self) -> bool:
        """The two possible ages fall under different rules."""
        return _band(self.youngest) != _band(self.oldest)


def _band(age: int) -> int:
    if age < CHILD_TOO_FROM:
        return 0
    if age < CHILD_ALONE_FROM:
        return 1
    return 2


def child_rule(child: ChildFacts, on: date) -> ChildRule:
    youngest, oldest = possible_ages(child.birth_year, on)
    return ChildRule(
        child=child,
        youngest=youngest,
        oldest=oldest,
        # the stricter rule: the child counts as soon as they may be 12, the
        # parents as long as the child may still be under 16
        needs_child=oldest >= CHILD_TOO_FROM,
        needs_parents=youngest < CHILD_ALONE_FROM,
    )


@dataclass(frozen=True)
class Requirement:
    """Whose consent the case needs on ``on``."""

    on: date
    rules: tuple[ChildRule, ...]
    children: tuple[int, ...]  # ids of the children whose own consent is needed
    parents: tuple[int, ...]  # ids of the carers with parental authority
    parents_needed: bool
    every_parent: bool  # all of ``parents`` (high conflict), else one of them
    problems: tuple[str, ...] = ()  # why nothing can be complete (translated)

    def gaps(self, givers: Iterable[Party]) -> list[Gap]:
        """Who still has to consent, given those who did."""
        gave = set(givers)
        out: list[Gap] = []
        for child_id in self.children:
            if child_party(child_id) not in gave:
                out.append(Gap("child", (child_id,)))
        if self.parents_needed and self.parents:
            missing = tuple(p for p in self.parents if carer_party(p) not in gave)
            if self.every_parent:
                out.extend(Gap("carer", (p,)) for p in missing)
            elif len(missing) == len(self.parents):
                out.append(Gap("any_parent", self.parents))
        return out


@dataclass(frozen=True)
class Gap:
    """A consent that is missing: one child's, one carer's, or any one of the parents'."""

    kind: str  # "child", "carer", "any_parent"
    ids: tuple[int, ...]


def requirement(
    children: Sequence[ChildFacts],
    carers: Sequence[CarerFacts],
    level: int,
    on: date,
) -> Requirement:
    rules = tuple(child_rule(c, on) for c in children)
    parents = tuple(c.id for c in carers if c.parental_authority)
    parents_needed = any(r.needs_parents for r in rules)
    problems: list[str] = []
    if not children:
        problems.append(
            _(
                "No children are recorded: pact needs each child's year of birth to know "
                "whose consent is required."
            )
        )
    if parents_needed and not parents:
        problems.append(
            _(
                "No parent or carer with parental authority is recorded, and a child "
                "under 16 needs their consent."
            )
        )
    return Requirement(
        on=on,
        rules=rules,
        children=tuple(r.child.id for r in rules if r.needs_child),
        parents=parents,
        parents_needed=parents_needed,
        every_parent=level >= HIGH_CONFLICT_LEVEL and len(parents) > 1,
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class Coverage:
    """Whether the consent covers one partner on a day, and who is still missing."""

    organisation_id: int
    records: tuple[int, ...]  # the consent records in force that name the partner
    gaps: tuple[Gap, ...]
    problems: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.records) and not self.gaps and not self.problems


def coverage(req: Requirement, consents: Iterable[ConsentFacts], organisation_id: int) -> Coverage:
    records = [c for c in consents if c.in_force(req.on) and organisation_id in c.partners]
    givers: set[Party] = set()
    for c in records:
        givers |= c.givers
    gaps = req.gaps(givers) if records else []
    return Coverage(organisation_id, tuple(c.id for c in records), tuple(gaps), req.problems)


@dataclass(frozen=True)
class Assessment:
    """The consent of a whole case on a day.

    ``state``: none (nothing recorded), withdrawn / expired (nothing in force any
    more), incomplete, complete. ``ok_until``: the last day the consent stays
    complete as recorded (the first expiry, or the 31st of December before a child
    may turn 12), FOREVER when nothing ends it, None when it is not complete.
    """

    state: str
    ok_until: date | None
    requirement: Requirement
    partners: tuple[Coverage, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.state == "complete"


def _state_on(
    children: Sequence[ChildFacts],
    carers: Sequence[CarerFacts],
    level: int,
    consents: Sequence[ConsentFacts],
    partner_ids: Sequence[int],
    on: date,
) -> tuple[str, Requirement, tuple[Coverage, ...]]:
    req = requirement(children, carers, level, on)
    if not consents:
        return "none", req, tuple(coverage(req, (), p) for p in partner_ids)
    in_force = [c for c in consents if c.in_force(on)]
    covers = tuple(coverage(req, in_force, p) for p in partner_ids)
    if not in_force:
        ended_by_withdrawal = all(
            c.withdrawn_on is not None and c.withdrawn_on <= on for c in consents
        )
        return ("withdrawn" if ended_by_withdrawal else "expired"), req, covers
    if req.problems:
        return "incomplete", req, covers
    if partner_ids:
        complete = all(c.covered for c in covers)
    else:
        # nobody needs to be told anything yet: complete when the consent covers some
        # partner, counting the records that name it together (as ``coverage`` does:
        # a child may sign on another day than the parents)
        named = sorted({p for c in in_force for p in c.partners})
        complete = any(coverage(req, in_force, p).covered for p in named)
    return ("complete" if complete else "incomplete"), req, covers


def assess(
    children: Sequence[ChildFacts],
    carers: Sequence[CarerFacts],
    level: int,
    consents: Sequence[ConsentFacts],
    partner_ids: Sequence[int],
    on: date,
) -> Assessment:
    """The consent state of a case on ``on``, for the partners in ``partner_ids``
    (those who need consent to receive information about it)."""
    state, req, covers = _state_on(children, carers, level, consents, partner_ids, on)
    if state != "complete":
        return Assessment(state, None, req, covers)
    # the state can only change the day after a record ends, or on the 1st of
    # January (when every child's possible ages move up by one)
    # (a record valid until the calendar's last day never ends: no day after it)
    moments = {
        c.valid_until + timedelta(days=1)
        for c in consents
        if c.valid_until and c.valid_until < FOREVER
    }
    moments |= {c.withdrawn_on for c in consents if c.withdrawn_on}
    last_change = max((c.birth_year + CHILD_ALONE_FROM + 1 for c in children), default=on.year)
    moments |= {date(y, 1, 1) for y in range(on.year + 1, last_change + 1)}
    ok_until = FOREVER
    for moment in sorted(m for m in moments if m > on):
        later, _req, _covers = _state_on(children, carers, level, consents, partner_ids, moment)
        if later != "complete":
            ok_until = moment - timedelta(days=1)
            break
    return Assessment(state, ok_until, req, covers)
