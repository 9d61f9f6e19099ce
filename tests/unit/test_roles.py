"""Need-to-know per role, called on the services directly: what a worker, a
coordinator and an administrator (only) may see and do, and what is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pytest

from pact.errors import AccessDeniedError, BreakGlassRequiredError, NotFoundError
from pact.services import audit, cases, consultations, documents, meetings, scope, users
from pact.services.consultations import ActionFilter
from pact.services.meetings import InviteInput, MeetingInput
from pact.services.users import Actor, UserData
from tests.conftest import TEST_PASSWORD
from tests.unit.conftest import START, World


@pytest.fixture
def admin_only(world: World) -> Actor:
    return world.admin_only()


def _meeting(world: World, invited: tuple[str, ...]) -> int:
    base = meetings.meeting_defaults(world.uow(), world.coordinator)
    data = MeetingInput(
        **{
            **base.__dict__,
            "held_on": START,
            "starts_at": time(9, 30),
            "ends_at": time(11, 0),
            "invites": tuple(InviteInput(world.org(k)) for k in invited),
        }
    )
    return meetings.save_meeting(world.uow(), world.coordinator, data).id


def _allowed(call: Callable[[], object]) -> bool:
    try:
        call()
    except AccessDeniedError:
        return False
    return True


def test_each_role_sees_the_cases_it_needs(world: World, admin_only: Actor) -> None:
    own = world.case()  # registered by the worker (organisation "home")
    other = world.case(world.actor("outsider"))
    step = world.step(own.id)
    worker, coordinator = world.worker, world.coordinator
    access = {
        who.username: {
            "list": sorted(r.code for r in cases.list_cases(world.uow(), who)),
            "own file": _allowed(lambda who=who: cases.get_case(world.uow(), who, own.id)),
            "other file": _allowed(lambda who=who: cases.get_case(world.uow(), who, other.id)),
            "consultations": _allowed(
                lambda who=who: consultations.list_consultations(world.uow(), who, own.id)
            ),
            "steps": [a.id for a in consultations.list_actions(world.uow(), who, ActionFilter())],
        }
        for who in (worker, coordinator, admin_only)
    }
    assert access["worker"] == {
        "list": [own.code],
        "own file": True,
        "other file": False,
        "consultations": True,
        "steps": [step.id],
    }
    # the coordinator: every case in the lists; a file outside her own only after break-glass
    assert access["coordinator"]["list"] == sorted([own.code, other.code])
    assert access["coordinator"]["steps"] == [step.id]
    assert access["coordinator"]["own file"] is True  # her organisation registered it
    assert access["coordinator"]["other file"] is False
    assert access["beheer"] == {
        "list": [],
        "own file": False,
        "other file": False,
        "consultations": False,
        "steps": [],
    }
    with pytest.raises(BreakGlassRequiredError):
        cases.get_case(world.uow(), coordinator, other.id)
    scope.break_glass(world.uow(), coordinator, other.id, "Casus komt morgen in het overleg")
    assert cases.get_case(world.uow(), coordinator, other.id).header.code == other.code


def test_each_role_sees_the_meetings_it_needs(world: World, admin_only: Actor) -> None:
    ours = _meeting(world, ("home", "school"))
    theirs = _meeting(world, ("other",))
    seen = {
        who.username: sorted(m.id for m in meetings.list_meetings(world.uow(), who))
        for who in (world.worker, world.coordinator, admin_only, world.actor("outsider"))
    }
    assert seen == {
        "worker": [ours],
        "coordinator": sorted([ours, theirs]),
        "beheer": [],
        "outsider": [theirs],
    }
    with pytest.raises(AccessDeniedError):
        meetings.get_meeting(world.uow(), world.worker, theirs)
    with pytest.raises(AccessDeniedError):
        meetings.get_meeting(world.uow(), admin_only, ours)
    assert meetings.get_meeting(world.uow(), world.worker, ours).id == ours


def test_users_settings_and_the_audit_log_are_for_the_administrator(
    world: World, admin_only: Actor
) -> None:
    worker, coordinator = world.worker, world.coordinator
    new_user = UserData(username="extra", display_name="Eva Extra", password=TEST_PASSWORD)
    for who in (worker, coordinator):
        with pytest.raises(AccessDeniedError):
            users.save_user(world.uow(), who, new_user)
        with pytest.raises(AccessDeniedError):
            users.get_user(world.uow(), who, admin_only.id)
        with pytest.raises(AccessDeniedError):
            audit.list_entries(world.uow(), who)
    # one's own user record is readable
    assert users.get_user(world.uow(), worker, worker.id).username == "worker"
    saved = users.save_user(world.uow(), admin_only, new_user)
    assert saved.username == "extra"
    assert audit.count_entries(world.uow(), admin_only) > 0
    with pytest.raises(AccessDeniedError):
        documents.save_document_settings(world.uow(), worker, "Scheidingspact Hengelo", None)
    documents.save_document_settings(world.uow(), admin_only, "Scheidingspact Hengelo", None)
    assert documents.document_settings(world.uow()).pact_name == "Scheidingspact Hengelo"


def test_a_break_glass_needs_an_existing_case(world: World) -> None:
    with pytest.raises(NotFoundError):
        scope.break_glass(world.uow(), world.coordinator, 999_999, "Bestaat deze casus wel?")
