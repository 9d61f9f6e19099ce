"""Whose consent a case needs (pure rules): examples for every rule of DOMAIN.md and
properties (hypothesis) over random families and consent records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pact.i18n import _
from pact.services import consent_rules as r
from pact.services.consent_rules import CarerFacts, ChildFacts, ConsentFacts

ON = date(2026, 6, 15)
PARTNER = 7
OTHER_PARTNER = 8


def kid(birth_year: int, cid: int = 1) -> ChildFacts:
    return ChildFacts(cid, f"K{cid}", birth_year)


def parent(pid: int, authority: bool = True) -> CarerFacts:
    return CarerFacts(pid, f"P{pid}", authority)


def record(
    *givers: r.Party,
    partners: frozenset[int] = frozenset({PARTNER}),
    given_on: date = date(2026, 1, 10),
    valid_until: date | None = None,
    withdrawn_on: date | None = None,
    cid: int = 1,
) -> ConsentFacts:
    return ConsentFacts(cid, given_on, frozenset(givers), partners, valid_until, withdrawn_on)


C = r.child_party
P = r.carer_party


def covered(children, carers, level, consents, partner=PARTNER, on=ON) -> bool:
    req = r.requirement(children, carers, level, on)
    return r.coverage(req, consents, partner).covered


# ---------------------------------------------------------------- ages


@pytest.mark.parametrize(
    ("birth_year", "ages"),
    [(2016, (9, 10)), (2014, (11, 12)), (2010, (15, 16)), (2026, (0, 0)), (2027, (0, 0))],
)
def test_a_year_of_birth_gives_two_possible_ages(birth_year, ages):
    assert r.possible_ages(birth_year, ON) == ages
    # the same all year round: only the year counts
    assert r.possible_ages(birth_year, date(2026, 1, 1)) == ages
    assert r.possible_ages(birth_year, date(2026, 12, 31)) == ages


@pytest.mark.parametrize(
    ("birth_year", "needs_child", "needs_parents", "uncertain"),
    [
        (2016, False, True, False),  # 9 or 10: the parents
        (2015, False, True, False),  # 10 or 11: the parents
        (2014, True, True, True),  # 11 or 12: stricter rule, both
        (2013, True, True, False),  # 12 or 13: child and parents
        (2011, True, True, False),  # 14 or 15: child and parents
        (2010, True, True, True),  # 15 or 16: stricter rule, both
        (2009, True, False, False),  # 16 or 17: the child alone
        (2004, True, False, False),  # 21 or 22: the child alone
    ],
)
def test_the_age_rules(birth_year, needs_child, needs_parents, uncertain):
    rule = r.child_rule(kid(birth_year), ON)
    assert (rule.needs_child, rule.needs_parents, rule.uncertain) == (
        needs_child,
        needs_parents,
        uncertain,
    )


def test_under_12_the_parents_consent_and_the_child_need_not():
    family = [kid(2016)], [parent(1), parent(2)]
    assert covered(*family, 2, [record(P(1))])
    assert not covered(*family, 2, [record(C(1))])


def test_from_12_to_15_the_child_and_a_parent_consent():
    family = [kid(2012)], [parent(1), parent(2)]
    assert covered(*family, 2, [record(C(1), P(2))])
    assert not covered(*family, 2, [record(C(1))])
    assert not covered(*family, 2, [record(P(1), P(2))])


def test_from_16_the_child_consents_alone():
    family = [kid(2009)], [parent(1), parent(2)]
    assert covered(*family, 4, [record(C(1))])
    assert not covered(*family, 4, [record(P(1), P(2))])


@pytest.mark.parametrize("birth_year", [2014, 2010])
def test_an_uncertain_age_asks_for_both_rules_parties(birth_year):
    """Born 2014: 11 or 12 (parents, and maybe the child); born 2010: 15 or 16 (the
    child, and maybe still the parents). The stricter rule: both."""
    family = [kid(birth_year)], [parent(1)]
    assert covered(*family, 1, [record(C(1), P(1))])
    assert not covered(*family, 1, [record(C(1))])
    assert not covered(*family, 1, [record(P(1))])
    gaps = r.requirement(*family, 1, ON).gaps({P(1)})
    assert gaps == [r.Gap("child", (1,))]


def test_consent_may_come_from_several_records_naming_the_partner():
    family = [kid(2012)], [parent(1)]
    consents = [record(C(1), cid=1), record(P(1), cid=2)]
    assert covered(*family, 2, consents)
    cover = r.coverage(r.requirement(*family, 2, ON), consents, PARTNER)
    assert cover.records == (1, 2)
    # a record for another partner does not help
    consents = [record(C(1), cid=1), record(P(1), cid=2, partners=frozenset({OTHER_PARTNER}))]
    assert not covered(*family, 2, consents)


def test_several_children_each_by_their_own_age():
    family = [kid(2016, 1), kid(2012, 2), kid(2008, 3)], [parent(1), parent(2)]
    req = r.requirement(*family, 2, ON)
    assert req.children == (2, 3)  # the 13/14-year-old and the 17/18-year-old
    assert req.parents_needed  # for the two younger ones
    assert covered(*family, 2, [record(P(1), C(2), C(3))])
    assert not covered(*family, 2, [record(P(1), C(2))])


# ---------------------------------------------------------------- levels


def test_cooperating_parents_one_parent_with_authority_is_enough():
    family = [kid(2016)], [parent(1), parent(2)]
    for level in (1, 2):
        assert covered(*family, level, [record(P(1))])
        assert covered(*family, level, [record(P(2))])
        req = r.requirement(*family, level, ON)
        assert req.gaps(set()) == [r.Gap("any_parent", (1, 2))]


def test_high_conflict_every_parent_with_authority_must_consent():
    family = [kid(2016)], [parent(1), parent(2)]
    for level in (3, 4):
        assert not covered(*family, level, [record(P(1))])
        assert not covered(*family, level, [record(P(2))])
        assert covered(*family, level, [record(P(1), P(2))])
        req = r.requirement(*family, level, ON)
        assert req.gaps({P(1)}) == [r.Gap("carer", (2,))]


def test_a_carer_without_parental_authority_neither_counts_nor_is_needed():
    family = [kid(2016)], [parent(1), parent(2, authority=False)]
    assert covered(*family, 4, [record(P(1))])
    assert not covered(*family, 4, [record(P(2))])
    # one parent with authority at level 4: that one is "every parent"
    assert not r.requirement(*family, 4, ON).every_parent


# ---------------------------------------------------------------- what cannot be complete


def test_no_children_recorded_is_incomplete_with_a_message():
    req = r.requirement([], [parent(1)], 2, ON)
    assert req.problems == (
        _(
            "No children are recorded: pact needs each child's year of birth to know whose "
            "consent is required."
        ),
    )
    assert not covered([], [parent(1)], 2, [record(P(1))])
    result = r.assess([], [parent(1)], 2, [record(P(1))], [PARTNER], ON)
    assert result.state == "incomplete" and result.ok_until is None


def test_no_parent_with_authority_is_incomplete_with_a_message():
    family = [kid(2016)], [parent(1, authority=False)]
    req = r.requirement(*family, 2, ON)
    assert req.problems == (
        _(
            "No parent or carer with parental authority is recorded, and a child under 16 "
            "needs their consent."
        ),
    )
    result = r.assess(*family, 2, [record(P(1), C(1))], [PARTNER], ON)
    assert result.state == "incomplete"
    assert not result.partners[0].covered
    assert result.partners[0].problems == req.problems


def test_a_child_of_16_needs_no_parent_with_authority():
    family = [kid(2009)], []
    assert r.requirement(*family, 2, ON).problems == ()
    assert covered(*family, 2, [record(C(1))])


# ---------------------------------------------------------------- in force, expiry, withdrawal


def test_consent_is_in_force_from_the_day_given_until_the_last_valid_day():
    c = record(given_on=date(2026, 3, 1), valid_until=date(2026, 6, 30))
    assert not c.in_force(date(2026, 2, 28))
    assert c.in_force(date(2026, 3, 1))
    assert c.in_force(date(2026, 6, 30))
    assert not c.in_force(date(2026, 7, 1))


def test_withdrawn_consent_is_no_longer_in_force_from_the_day_it_is_withdrawn():
    c = record(given_on=date(2026, 3, 1), withdrawn_on=date(2026, 5, 1))
    assert c.in_force(date(2026, 4, 30))
    assert not c.in_force(date(2026, 5, 1))


def test_states_none_complete_incomplete_expired_withdrawn():
    family = [kid(2016)], [parent(1), parent(2)]

    def state(consents, level=2):
        return r.assess(*family, level, consents, [PARTNER], ON).state

    assert state([]) == "none"
    assert state([record(P(1))]) == "complete"
    assert state([record(P(1))], level=3) == "incomplete"
    assert state([record(P(1), valid_until=date(2026, 6, 1))]) == "expired"
    assert state([record(P(1), withdrawn_on=date(2026, 6, 1))]) == "withdrawn"
    # one withdrawn, one expired: nothing in force, and not only by withdrawal
    mixed = [
        record(P(1), withdrawn_on=date(2026, 6, 1), cid=1),
        record(P(2), valid_until=date(2026, 5, 1), cid=2),
    ]
    assert state(mixed) == "expired"


def test_without_partners_to_inform_one_complete_record_is_enough():
    family = [kid(2016)], [parent(1), parent(2)]
    assert r.assess(*family, 3, [record(P(1), P(2))], [], ON).state == "complete"
    assert r.assess(*family, 3, [record(P(1))], [], ON).state == "incomplete"


def test_without_partners_records_for_the_same_partner_count_together():
    """The child signs on another day than the parent: complete, as it would be for
    the partner once involved; records for different partners do not add up."""
    family = [kid(2012)], [parent(1)]
    together = [record(P(1), cid=1), record(C(1), cid=2)]
    assert r.assess(*family, 2, together, [], ON).state == "complete"
    assert r.assess(*family, 2, together, [PARTNER], ON).state == "complete"
    apart = [record(P(1), cid=1), record(C(1), cid=2, partners=frozenset({OTHER_PARTNER}))]
    assert r.assess(*family, 2, apart, [], ON).state == "incomplete"


def test_every_involved_partner_must_be_covered():
    family = [kid(2016)], [parent(1)]
    consents = [record(P(1), partners=frozenset({PARTNER}))]
    result = r.assess(*family, 2, consents, [PARTNER, OTHER_PARTNER], ON)
    assert result.state == "incomplete"
    assert [c.covered for c in result.partners] == [True, False]


def test_ok_until_is_the_first_expiry():
    family = [kid(2016)], [parent(1)]
    consents = [
        record(P(1), valid_until=date(2026, 9, 30), cid=1),
        record(P(1), valid_until=date(2026, 12, 31), partners=frozenset({OTHER_PARTNER}), cid=2),
    ]
    result = r.assess(*family, 2, consents, [PARTNER, OTHER_PARTNER], ON)
    assert result.state == "complete"
    assert result.ok_until == date(2026, 9, 30)


def test_ok_until_is_the_31st_of_december_before_a_child_may_turn_12():
    # born 2015: 10 or 11 in 2026, 11 or 12 in 2027 (then the child's consent counts too)
    family = [kid(2015)], [parent(1)]
    result = r.assess(*family, 2, [record(P(1))], [PARTNER], ON)
    assert result.ok_until == date(2026, 12, 31)
    # with the child's consent as well, nothing ends it
    both = r.assess(*family, 2, [record(P(1), C(1))], [PARTNER], ON)
    assert both.ok_until == r.FOREVER


def test_ok_until_is_the_earlier_of_expiry_and_a_child_turning_12():
    family = [kid(2015)], [parent(1)]
    early = r.assess(*family, 2, [record(P(1), valid_until=date(2026, 8, 1))], [PARTNER], ON)
    assert early.ok_until == date(2026, 8, 1)
    late = r.assess(*family, 2, [record(P(1), valid_until=date(2028, 1, 1))], [PARTNER], ON)
    assert late.ok_until == date(2026, 12, 31)


def test_a_child_turning_16_does_not_end_a_complete_consent():
    # born 2011: 14 or 15 now; parents and child consented; later the child alone suffices
    family = [kid(2011)], [parent(1)]
    result = r.assess(*family, 2, [record(P(1), C(1))], [PARTNER], ON)
    assert result.ok_until == r.FOREVER


def test_a_consent_valid_until_the_last_day_of_the_calendar_does_not_crash():
    family = [kid(2009)], []
    result = r.assess(*family, 2, [record(C(1), valid_until=date.max)], [PARTNER], ON)
    assert result.state == "complete"
    assert result.ok_until == r.FOREVER


def test_not_complete_has_no_ok_until():
    family = [kid(2016)], [parent(1), parent(2)]
    assert r.assess(*family, 3, [record(P(1))], [PARTNER], ON).ok_until is None
    assert r.assess(*family, 3, [], [PARTNER], ON).ok_until is None


# ---------------------------------------------------------------- properties

YEARS = st.integers(min_value=ON.year - 23, max_value=ON.year)
LEVELS = st.integers(min_value=1, max_value=4)


@st.composite
def families(draw, min_children: int = 1):
    years = draw(st.lists(YEARS, min_size=min_children, max_size=4))
    children = [ChildFacts(i + 1, f"K{i + 1}", y) for i, y in enumerate(years)]
    authority = draw(st.lists(st.booleans(), min_size=0, max_size=3))
    carers = [CarerFacts(i + 1, f"P{i + 1}", a) for i, a in enumerate(authority)]
    return children, carers


def everybody(children, carers) -> frozenset[r.Party]:
    return frozenset(
        [C(c.id) for c in children] + [P(c.id) for c in carers if c.parental_authority]
    )


def oracle(children, carers, level, givers, on=ON) -> bool:
    """The rules of DOMAIN.md written out once more, from the ages."""
    if not children:
        return False
    parents = [c.id for c in carers if c.parental_authority]
    parents_needed = False
    for child in children:
        ages = {max(on.year - child.birth_year, 0), max(on.year - child.birth_year - 1, 0)}
        if any(a >= 12 for a in ages) and C(child.id) not in givers:
            return False  # the child may be 12 or older: their own consent
        if any(a < 16 for a in ages):
            parents_needed = True  # the child may be under 16: the parents too
    if not parents_needed:
        return True
    if not parents:
        return False
    gave = [p for p in parents if P(p) in givers]
    if level >= 3 and len(parents) > 1:
        return len(gave) == len(parents)
    return bool(gave)


@settings(max_examples=400)
@given(families(), LEVELS, st.data())
def test_coverage_follows_the_rules(family, level, data):
    children, carers = family
    parties = sorted(everybody(children, carers))
    givers = frozenset(
        data.draw(st.lists(st.sampled_from(parties), unique=True)) if parties else []
    )
    assert covered(children, carers, level, [record(*givers)]) == oracle(
        children, carers, level, givers
    )


@settings(max_examples=300)
@given(families(), LEVELS)
def test_consent_of_every_party_always_covers(family, level):
    children, carers = family
    req = r.requirement(children, carers, level, ON)
    cover = r.coverage(req, [record(*everybody(children, carers))], PARTNER)
    assert cover.covered == (not req.problems)
    assert cover.gaps == ()


@settings(max_examples=300)
@given(families(), LEVELS, st.data())
def test_removing_a_required_giver_never_covers(family, level, data):
    children, carers = family
    req = r.requirement(children, carers, level, ON)
    required: list[frozenset[r.Party]] = [frozenset({C(i)}) for i in req.children]
    if req.parents_needed and req.parents:
        if req.every_parent:
            required += [frozenset({P(p)}) for p in req.parents]
        else:
            required.append(frozenset(P(p) for p in req.parents))
    if not required:
        return
    removed = data.draw(st.sampled_from(required))
    givers = everybody(children, carers) - removed
    assert not covered(children, carers, level, [record(*givers)])


@settings(max_examples=300)
@given(families(), LEVELS, st.data())
def test_more_givers_never_cover_less(family, level, data):
    children, carers = family
    parties = sorted(everybody(children, carers) | {P(c.id) for c in carers})
    some = frozenset(data.draw(st.lists(st.sampled_from(parties), unique=True)))
    more = some | frozenset(data.draw(st.lists(st.sampled_from(parties), unique=True)))
    if covered(children, carers, level, [record(*some)]):
        assert covered(children, carers, level, [record(*more)])


@settings(max_examples=300)
@given(families(), LEVELS, st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_records_not_in_force_never_count(family, level, day):
    children, carers = family
    gave = everybody(children, carers)
    not_yet = record(*gave, given_on=day + timedelta(days=1))
    expired = record(*gave, given_on=day - timedelta(days=10), valid_until=day - timedelta(1))
    withdrawn = record(*gave, given_on=day - timedelta(days=10), withdrawn_on=day)
    for c in (not_yet, expired, withdrawn):
        assert not covered(children, carers, level, [c], on=day)


@settings(max_examples=200)
@given(
    st.integers(min_value=ON.year - 30, max_value=ON.year),
    st.integers(min_value=2000, max_value=2040),
)
def test_the_requirement_for_an_age_band(birth_year, year):
    on = date(year, 6, 1)
    rule = r.child_rule(kid(birth_year), on)
    youngest, oldest = r.possible_ages(birth_year, on)
    assert oldest - youngest <= 1 and youngest >= 0
    if oldest < 12:
        assert (rule.needs_child, rule.needs_parents) == (False, True)
    elif youngest >= 16:
        assert (rule.needs_child, rule.needs_parents) == (True, False)
    else:
        # 12-15 for sure, or uncertain across 12 or 16: the child and the parents
        assert (rule.needs_child, rule.needs_parents) == (True, True)
    assert rule.uncertain == (youngest in (11, 15) and oldest == youngest + 1)


@st.composite
def consent_records(draw, children, carers):
    parties = sorted(everybody(children, carers) | {P(c.id) for c in carers})
    n = draw(st.integers(min_value=1, max_value=3))
    out = []
    for i in range(n):
        given_on = draw(st.dates(min_value=date(2024, 1, 1), max_value=ON))
        valid_until = draw(st.none() | st.dates(min_value=given_on, max_value=date(2032, 12, 31)))
        givers = draw(st.lists(st.sampled_from(parties), unique=True)) if parties else []
        partners = draw(st.sets(st.sampled_from([PARTNER, OTHER_PARTNER]), min_size=1))
        out.append(
            ConsentFacts(i + 1, given_on, frozenset(givers), frozenset(partners), valid_until)
        )
    return out


@settings(max_examples=150, deadline=None)
@given(families(), LEVELS, st.data())
def test_ok_until_is_the_last_complete_day(family, level, data):
    children, carers = family
    consents = data.draw(consent_records(children, carers))
    partner_ids = data.draw(st.sampled_from([[], [PARTNER], [PARTNER, OTHER_PARTNER]]))
    result = r.assess(children, carers, level, consents, partner_ids, ON)
    if result.state != "complete":
        assert result.ok_until is None
        return
    assert result.ok_until is not None and result.ok_until >= ON

    def state(on: date) -> str:
        return r.assess(children, carers, level, consents, partner_ids, on).state

    last = result.ok_until
    if last == r.FOREVER:
        for years in (1, 5, 20):
            assert state(ON.replace(year=ON.year + years)) == "complete"
        return
    assert state(last) == "complete"
    assert state(last + timedelta(days=1)) != "complete"
    between = data.draw(st.dates(min_value=ON, max_value=last))
    assert state(between) == "complete"
