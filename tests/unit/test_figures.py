"""Figures for funders, per municipality and quarter: counts, never names."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from pact.errors import AccessDeniedError, ValidationError
from pact.models.partner import TWENTE_MUNICIPALITIES
from pact.services import cases, consultations, figures
from pact.services.cases import ChildData
from pact.services.consultations import ActionInput, ConsultationInput
from pact.services.figures import TOTAL, Quarter

ZERO = dict.fromkeys(figures.FIELDS, 0)


@pytest.fixture
def year(world):
    """Four cases through 2025-2026, built day by day (the clock moves along)."""
    w = world

    def on(day: date) -> None:
        w.clock.set(day)

    on(date(2025, 11, 1))
    d = w.case(alias="D", municipality="Hengelo")
    w.child(d.id, "D1", 2015, school_id=w.org("school"))

    on(date(2026, 1, 10))
    a, [a1, _a2], _ = w.family(alias="A", municipality="Hengelo", children=(2016, 2018))
    cases.save_child(
        w.uow(), w.worker, a.id, ChildData("K1.", 2016, school_id=w.org("school"), id=a1.id)
    )
    w.consent(a.id, ["school", "buddy"])
    cases.involve_partner(w.uow(), w.worker, a.id, w.org("school"), "school")

    on(date(2026, 2, 1))
    b, *_ = w.family(alias="B", municipality="Enschede", children=(2014,))
    kid = cases.get_case(w.uow(), w.worker, b.id).children[0]
    cases.save_child(
        w.uow(), w.worker, b.id, ChildData(kid.name, 2014, school_id=w.org("school2"), id=kid.id)
    )
    w.consent(b.id, ["school"])
    cases.involve_partner(w.uow(), w.worker, b.id, w.org("school"), "school")
    held = consultations.save_consultation(
        w.uow(),
        w.worker,
        a.id,
        ConsultationInput(
            date(2026, 2, 1),
            "Hoe verder?",
            partner_ids=(w.org("school"),),
            steps=(
                ActionInput("Op tijd", date(2026, 2, 15), owner_org_id=w.org("home")),
                ActionInput("Te laat", date(2026, 3, 1), owner_org_id=w.org("school")),
                ActionInput("Nooit", date(2026, 3, 1), owner_org_id=w.org("school")),
            ),
        ),
    )
    on_time, late, never = held.actions

    on(date(2026, 2, 10))
    consultations.set_action_status(w.uow(), w.worker, on_time.id, "done", date(2026, 2, 10))
    on(date(2026, 3, 15))
    cases.close_case(w.uow(), w.worker, b.id, date(2026, 3, 15), "Afgerond")
    on(date(2026, 4, 5))
    consultations.set_action_status(w.uow(), w.worker, late.id, "done", date(2026, 4, 5))
    consultations.set_action_status(w.uow(), w.worker, never.id, "cancelled")

    on(date(2026, 5, 1))
    c, *_ = w.family(alias="C", municipality="Almelo")
    a1 = cases.get_case(w.uow(), w.worker, a.id).children[0]
    cases.save_child(
        w.uow(),
        w.worker,
        a.id,
        ChildData(
            a1.name,
            a1.birth_year,
            a1.school_id,
            buddy_organisation_id=w.org("buddy"),
            buddy_since=date(2026, 5, 1),
            id=a1.id,
            version=a1.version,
        ),
    )
    on(date(2026, 5, 2))
    consultations.save_consultation(
        w.uow(), w.worker, c.id, ConsultationInput(date(2026, 5, 2), "Anoniem", anonymous=True)
    )
    on(date(2026, 6, 15))
    return world


def table(rows, quarter: Quarter) -> dict[str, dict[str, int]]:
    return {
        r.municipality: {k: v for k, v in asdict(r).items() if k in figures.FIELDS}
        for r in rows
        if r.quarter == quarter
    }


def test_a_quarter_per_municipality_with_a_total(year):
    rows = figures.figures(year.uow(), year.coordinator, 2026, 1)
    assert [r.municipality for r in rows] == [*sorted(TWENTE_MUNICIPALITIES), TOTAL]
    got = table(rows, Quarter(2026, 1))
    assert got["Hengelo"] == {
        "families": 2,  # A, and D (registered in 2025, still open)
        "children": 3,
        "consultations": 1,
        "partners": 2,  # the welfare organisation and the school (the buddy came later)
        "steps_done": 1,
        "steps_on_time": 1,
        "buddies": 0,
        "schools": 1,
    }
    assert got["Enschede"] == {
        "families": 1,  # B, closed during the quarter
        "children": 1,
        "consultations": 0,
        "partners": 2,
        "steps_done": 0,
        "steps_on_time": 0,
        "buddies": 0,
        "schools": 2,  # the child's own school and the involved school
    }
    for name in set(TWENTE_MUNICIPALITIES) - {"Hengelo", "Enschede"}:
        assert got[name] == ZERO, name
    # the total counts a partner (and a school) once, however many municipalities
    assert got[TOTAL] == {
        "families": 3,
        "children": 4,
        "consultations": 1,
        "partners": 2,
        "steps_done": 1,
        "steps_on_time": 1,
        "buddies": 0,
        "schools": 2,
    }


def test_the_next_quarter(year):
    got = table(figures.figures(year.uow(), year.coordinator, 2026, 2), Quarter(2026, 2))
    assert got["Hengelo"] == {
        "families": 2,
        "children": 3,
        "consultations": 0,
        "partners": 3,  # now with the buddy programme
        "steps_done": 1,
        "steps_on_time": 0,  # done on 5 April, due on 1 March
        "buddies": 1,
        "schools": 1,
    }
    assert got["Enschede"] == ZERO  # B was closed in the first quarter
    assert got["Almelo"] == {
        **ZERO,
        "families": 1,
        "children": 1,
        "consultations": 1,
        "partners": 1,
    }
    assert got[TOTAL] == {
        "families": 3,
        "children": 4,
        "consultations": 1,
        "partners": 3,
        "steps_done": 1,
        "steps_on_time": 0,
        "buddies": 1,
        "schools": 1,
    }


def test_a_whole_year_and_the_year_before(year):
    rows = figures.figures(year.uow(), year.coordinator, 2026)
    assert sorted({r.quarter for r in rows}, key=lambda q: q.quarter) == [
        Quarter(2026, q) for q in (1, 2, 3, 4)
    ]
    assert len(rows) == 4 * (len(TWENTE_MUNICIPALITIES) + 1)
    q4 = table(rows, Quarter(2026, 4))
    assert q4[TOTAL]["families"] == 3  # A, C and D are still open
    assert q4[TOTAL]["consultations"] == 0
    before = table(figures.figures(year.uow(), year.coordinator, 2025, 4), Quarter(2025, 4))
    assert before["Hengelo"] == {**ZERO, "families": 1, "children": 1, "partners": 1, "schools": 1}
    assert before[TOTAL]["families"] == 1


def test_quarters():
    assert (Quarter(2026, 1).start, Quarter(2026, 1).end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (Quarter(2026, 2).start, Quarter(2026, 2).end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (Quarter(2026, 4).start, Quarter(2026, 4).end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Quarter(2026, 3).label() == "2026-Q3"


def test_only_coordinators_see_the_figures_and_the_input_is_checked(world):
    with pytest.raises(AccessDeniedError):
        figures.figures(world.uow(), world.worker, 2026)
    with pytest.raises(ValidationError) as info:
        figures.figures(world.uow(), world.coordinator, 1999, 5)
    assert {e.field for e in info.value.errors} == {"year", "quarter"}
    rows = figures.figures(world.uow(), world.coordinator, 2026, 3)
    assert table(rows, Quarter(2026, 3))[TOTAL] == ZERO
