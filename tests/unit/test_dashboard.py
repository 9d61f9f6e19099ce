"""The start page: my open next steps, overdue steps, consent expiring within 30 days,
recent signals; within the cases the acting user may see."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pact.errors import NoUserError
from pact.services import cases, consultations, dashboard, users
from pact.services.consultations import SignalData
from tests.unit.conftest import START


@pytest.fixture
def busy(world):
    """Two cases of the welfare organisation, one of an outsider, one closed."""
    w = world
    ours, _kids, parents = w.family(alias="Ons")
    w.consent(
        ours.id,
        ["school"],
        givers=[("carer", p.id) for p in parents],
        valid_until=START + timedelta(25),
    )
    w.step(ours.id, "Mijn stap", due_in=2, owner_contact="Wendy Wolters")
    w.step(ours.id, "Stap van de organisatie", due_in=9, owner_org="home")
    w.step(ours.id, "Stap van de school", due_in=1, owner_org="school")
    consultations.save_signal(
        w.uow(), w.worker, ours.id, SignalData(START - timedelta(3), "Stil", "child_school")
    )
    consultations.save_signal(
        w.uow(), w.worker, ours.id, SignalData(START - timedelta(20), "Oud signaal", "legal")
    )
    theirs, *_ = w.family(w.actor("outsider"), alias="Hun")
    w.step(theirs.id, "Hun stap", due_in=1, owner_org="other", actor=w.actor("outsider"))
    consultations.save_signal(
        w.uow(), w.actor("outsider"), theirs.id, SignalData(START, "Elders", "relational")
    )
    w.consent(theirs.id, ["school"], valid_until=START + timedelta(10), actor=w.actor("outsider"))
    done = w.case(alias="Klaar")
    w.step(done.id, "Stap in een gesloten casus", due_in=1, owner_contact="Wendy Wolters")
    cases.close_case(w.uow(), w.worker, done.id, START, "Afgerond")
    w.clock.advance(5)  # the school's and my step are overdue now
    return ours, theirs, done


def test_the_dashboard_of_a_worker(world, busy):
    ours, _theirs, _done = busy
    board = dashboard.dashboard(world.uow(), world.worker)
    assert [a.what for a in board.my_steps] == ["Mijn stap", "Stap van de organisatie"]
    assert board.my_steps_total == 2
    assert [a.what for a in board.overdue] == ["Stap van de school", "Mijn stap"]
    assert board.overdue_total == 2
    assert all(a.overdue(world.clock()) for a in board.overdue)
    assert [(e.code, e.ok_until) for e in board.expiring] == [(ours.code, START + timedelta(25))]
    assert [(s.code, s.signal.observation) for s in board.signals] == [(ours.code, "Stil")]
    assert board.visible_cases == 1


def test_the_dashboard_keeps_to_need_to_know(world, busy):
    ours, theirs, _done = busy
    outsider = dashboard.dashboard(world.uow(), world.actor("outsider"))
    assert [a.what for a in outsider.my_steps] == ["Hun stap"]
    assert [a.what for a in outsider.overdue] == ["Hun stap"]
    assert [e.code for e in outsider.expiring] == [theirs.code]
    assert [s.signal.observation for s in outsider.signals] == ["Elders"]
    assert outsider.visible_cases == 1
    teacher = dashboard.dashboard(world.uow(), world.actor("teacher"))
    assert (teacher.my_steps, teacher.overdue, teacher.expiring, teacher.signals) == ((),) * 4
    assert teacher.visible_cases == 0
    # involved, the school sees the case (and its step for the school as its own)
    cases.involve_partner(world.uow(), world.worker, ours.id, world.org("school"), "school")
    teacher = dashboard.dashboard(world.uow(), world.actor("teacher"))
    assert [a.what for a in teacher.overdue] == ["Stap van de school", "Mijn stap"]
    assert [a.what for a in teacher.my_steps] == ["Stap van de school"]
    assert teacher.visible_cases == 1
    # the coordinator sees everything open, but only their own steps as "mine"
    coordinator = dashboard.dashboard(world.uow(), world.coordinator)
    assert coordinator.visible_cases == 2
    assert coordinator.overdue_total == 3
    assert [e.code for e in coordinator.expiring] == [theirs.code, ours.code]
    assert [a.what for a in coordinator.my_steps] == ["Stap van de organisatie"]


def test_the_lists_are_limited_but_the_totals_are_not(world, busy, monkeypatch):
    monkeypatch.setattr(dashboard, "LIMIT", 1)
    board = dashboard.dashboard(world.uow(), world.worker)
    assert (len(board.my_steps), board.my_steps_total) == (1, 2)
    assert (len(board.overdue), board.overdue_total) == (1, 2)


def test_steps_done_and_closed_cases_leave_the_dashboard(world, busy):
    ours, _theirs, _done = busy
    mine = next(
        a for a in dashboard.dashboard(world.uow(), world.worker).my_steps if a.what == "Mijn stap"
    )
    consultations.set_action_status(world.uow(), world.worker, mine.id, "done", world.clock())
    board = dashboard.dashboard(world.uow(), world.worker)
    assert [a.what for a in board.my_steps] == ["Stap van de organisatie"]
    assert [a.what for a in board.overdue] == ["Stap van de school"]
    cases.close_case(world.uow(), world.worker, ours.id, world.clock(), "Klaar")
    board = dashboard.dashboard(world.uow(), world.worker)
    assert (board.my_steps, board.overdue, board.expiring) == ((), (), ())
    assert board.visible_cases == 0


def test_an_inactive_user_has_no_dashboard(world):
    me = users.get_user(world.uow(), world.admin, world.worker.id)
    users.save_user(world.uow(), world.admin, replace(me, active=False))
    with pytest.raises(NoUserError):
        dashboard.dashboard(world.uow(), world.worker)
