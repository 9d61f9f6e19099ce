"""Two workstations on the team's PostgreSQL server (the real throwaway server of
tests/postgres.py), each with its own engine and sessions, editing at the same
moment: the same record conflicts (one save wins, the other is refused with who and
when, and nothing is lost: the loser's text can still be saved over it), and minutes
typed on different agenda items never conflict."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, time
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, select

from pact.db import migrate
from pact.db.database import Database
from pact.db.server import make_server_engine, parse_url
from pact.db.uow import UnitOfWork
from pact.errors import ConflictError
from pact.models import AuditEntry, Organisation
from pact.services import audit, meetings, minutes, partners, users
from pact.services.lookup import commit_change
from pact.services.meetings import MeetingInput
from pact.services.partners import OrganisationData
from pact.services.users import Actor, UserData
from tests.conftest import TEST_PASSWORD
from tests.postgres import PgServer


@dataclass
class Team:
    a: Database  # workstation A: Anna, administrator and coordinator
    b: Database  # workstation B: Carla, coordinator
    anna: Actor
    carla: Actor

    def uow(self, db: Database, actor: Actor) -> UnitOfWork:
        return UnitOfWork(db.sessions, actor)


def _engine(server: PgServer, name: str) -> Engine:
    return make_server_engine(parse_url(server.url(name), environ={}), server.password)


@pytest.fixture
def team(pg_server: PgServer) -> Iterator[Team]:
    name = pg_server.create_database()
    first = _engine(pg_server, name)
    migrate.upgrade(first)
    a = Database(None, first)
    anna = users.create_first_user(
        a.uow(), UserData(username="anna", display_name="Anna Admin", password=TEST_PASSWORD)
    )
    saved = users.save_user(
        a.uow(),
        anna,
        UserData(
            username="carla",
            display_name="Carla Coördinator",
            roles=("coordinator",),
            password=TEST_PASSWORD,
            password_is_temporary=False,
        ),
    )
    assert saved.id is not None
    carla = users.get_actor(a.uow(), saved.id)
    b = Database(None, _engine(pg_server, name))  # another workstation: its own pool
    try:
        yield Team(a, b, anna, carla)
    finally:
        a.close()
        b.close()


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on their own threads, released together; each result or error."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = calls[n]()
        except BaseException as exc:  # reported to the test
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_the_same_record_saved_at_once_conflicts_and_nothing_is_lost(team: Team) -> None:
    org = partners.save_organisation(
        team.uow(team.a, team.anna),
        OrganisationData(name="Basisschool De Wilgenhoek", sector="school"),
    )
    assert org.id is not None
    for round_ in range(5):
        start = partners.get_organisation(team.a.uow(), org.id)
        mine = replace(start, notes=f"Anna {round_}")
        theirs = replace(start, notes=f"Carla {round_}")
        results = _at_once(
            partial(partners.save_organisation, team.uow(team.a, team.anna), mine),
            partial(partners.save_organisation, team.uow(team.b, team.carla), theirs),
        )
        won = [r for r in results if isinstance(r, OrganisationData)]
        lost = [r for r in results if isinstance(r, BaseException)]
        assert len(won) == 1 and len(lost) == 1, results
        refused = lost[0]
        assert isinstance(refused, ConflictError), refused
        winner_name = "Anna Admin" if won[0].notes.startswith("Anna") else "Carla Coördinator"
        assert refused.who == winner_name and refused.at is not None
        saved = partners.get_organisation(team.b.uow(), org.id)
        assert saved.notes == won[0].notes  # the winner's text, not a mixture
        # the loser overwrites, on the version as saved now: their text is not lost
        loser = (
            (team.b, team.carla, theirs)
            if winner_name == "Anna Admin"
            else (team.a, team.anna, mine)
        )
        db, actor, data = loser
        partners.save_organisation(team.uow(db, actor), replace(data, version=saved.version))
        assert partners.get_organisation(team.a.uow(), org.id).notes == data.notes
    with team.a.sessions() as s:
        updates = s.scalars(
            select(AuditEntry.username).where(
                AuditEntry.record_type == "organisation",
                AuditEntry.record_id == str(org.id),
                AuditEntry.event == audit.UPDATE,
            )
        ).all()
    assert len(updates) == 10  # every save that went through, by both
    assert audit.verify_chain(team.a.uow()).ok


def test_a_lock_lost_between_read_and_write_names_who(team: Team) -> None:
    """Workstation A read the row; B saved it; A's UPDATE finds the version gone
    (the commit, not an earlier check, finds the conflict)."""
    org = partners.save_organisation(
        team.uow(team.a, team.anna),
        OrganisationData(name="Sociaal Team Hengelo", sector="social_team"),
    )
    assert org.id is not None
    first = team.uow(team.a, team.anna)
    with first:
        row = first.session.get(Organisation, org.id)
        assert row is not None
        partners.save_organisation(team.uow(team.b, team.carla), replace(org, notes="Carla"))
        row.notes = "Anna"
        with pytest.raises(ConflictError) as exc:
            commit_change(first, "Someone else changed it.", [("organisation", org.id)])
    assert exc.value.who == "Carla Coördinator" and exc.value.at is not None
    assert partners.get_organisation(team.a.uow(), org.id).notes == "Carla"


def test_minutes_on_different_items_at_once_never_conflict(team: Team) -> None:
    for round_ in range(5):
        meeting = meetings.save_meeting(
            team.uow(team.a, team.anna),
            team.anna,
            MeetingInput(
                kind="network", held_on=date.today(), starts_at=time(9, 30), ends_at=time(11, 0)
            ),
        )
        one, two = meeting.items[0], meeting.items[1]
        results = _at_once(
            partial(
                minutes.save_minutes,
                team.uow(team.a, team.anna),
                team.anna,
                one.id,
                f"Opening {round_}",
                one.version,
                "",
            ),
            partial(
                minutes.save_minutes,
                team.uow(team.b, team.carla),
                team.carla,
                two.id,
                f"Verslag {round_}",
                two.version,
                "",
            ),
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        now = meetings.get_meeting(team.b.uow(), team.carla, meeting.id)
        assert [i.minutes for i in now.items[:2]] == [f"Opening {round_}", f"Verslag {round_}"]
        assert now.status == "minutes_draft"


def test_minutes_on_the_same_item_at_once_keep_both_texts(team: Team) -> None:
    meeting = meetings.save_meeting(
        team.uow(team.a, team.anna),
        team.anna,
        MeetingInput(
            kind="network", held_on=date.today(), starts_at=time(9, 30), ends_at=time(11, 0)
        ),
    )
    item = meeting.items[0]
    for actor, db, text in (
        (team.anna, team.a, "Anna's verslag"),
        (team.carla, team.b, "Carla's verslag"),
    ):
        minutes.save_draft(team.uow(db, actor), actor, item.id, text)
    results = _at_once(
        lambda: minutes.save_minutes(
            team.uow(team.a, team.anna), team.anna, item.id, "Anna's verslag", item.version, ""
        ),
        lambda: minutes.save_minutes(
            team.uow(team.b, team.carla), team.carla, item.id, "Carla's verslag", item.version, ""
        ),
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], ConflictError), results
    saved = meetings.get_meeting(team.a.uow(), team.anna, meeting.id).items[0].minutes
    assert saved in ("Anna's verslag", "Carla's verslag")  # one text, never merged
    loser = team.carla if saved == "Anna's verslag" else team.anna
    assert refused[0].who == ("Anna Admin" if loser is team.carla else "Carla Coördinator")
    # the loser's text is still there, as their draft of the item
    drafts = minutes.pending_drafts(team.uow(team.a, loser), loser)
    assert [d.text for d in drafts] == [
        "Carla's verslag" if loser is team.carla else "Anna's verslag"
    ]
