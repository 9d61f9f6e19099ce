"""Optimistic locking as a person meets it: when someone else saved first, the save is
refused with a ConflictError that names who saved first and when (from the audit
log); nothing of either text is lost; saving again on the current version
("overwrite") works and is an ordinary, audited update. Minutes typed by two people
on different agenda items never conflict.

Each test plays two workstations: two acting users, each with their own unit of
work (their own session), who opened the same record at the same version."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from pact.db.uow import UnitOfWork
from pact.errors import ConflictError
from pact.models import AuditEntry, Organisation
from pact.services import audit, cases, consultations, meetings, minutes, partners, users
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.lookup import commit_change, last_save
from pact.services.meetings import ItemInput, MeetingInput
from pact.services.partners import ContactData
from pact.services.users import Actor
from tests.unit.conftest import World


def _recent(at: datetime | None) -> None:
    """``at`` is an aware UTC time of the last minute (the other save, just now)."""
    assert at is not None and at.tzinfo is not None
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)


def _conflict_by(exc: pytest.ExceptionInfo[ConflictError], who: str) -> None:
    assert exc.value.who == who
    _recent(exc.value.at)


def _updates(world: World, record_type: str, record_id: object) -> list[tuple[str, str]]:
    with world.db.sessions() as s:
        return [
            (e.username, e.event)
            for e in s.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.record_type == record_type,
                    AuditEntry.record_id == str(record_id),
                    AuditEntry.event == audit.UPDATE,
                )
                .order_by(AuditEntry.seq)
            )
        ]


# ---------------------------------------------------------------- the case file


def test_case_details_conflict_names_who_and_when_and_overwrite_works(world: World) -> None:
    header = world.case(notes="Eerste notitie.")
    colleague = world.actor("colleague")
    start = cases.get_case(world.uow(), world.worker, header.id).header
    mine = cases.CaseInput(
        alias=start.alias,
        municipality_id=start.municipality_id,
        notes="Mijn aanvulling.",
        id=start.id,
        version=start.version,
    )
    theirs = replace(mine, notes="Hun aanvulling.")
    cases.update_case(world.uow(), colleague, theirs)

    with pytest.raises(ConflictError) as exc:
        cases.update_case(world.uow(), world.worker, mine)
    _conflict_by(exc, "Koen Collega")
    assert (exc.value.record_type, exc.value.record_id) == ("case", str(header.id))
    now = cases.get_case(world.uow(), world.worker, header.id).header
    assert now.notes == "Hun aanvulling."  # theirs kept, mine refused (not merged)

    # overwrite: the same text again, on the version as saved now
    cases.update_case(world.uow(), world.worker, replace(mine, version=now.version))
    assert cases.get_case(world.uow(), world.worker, header.id).header.notes == "Mijn aanvulling."
    assert _updates(world, "case", header.id)[-2:] == [
        ("colleague", audit.UPDATE),
        ("worker", audit.UPDATE),
    ]


def test_child_conflict_names_who_changed_the_child(world: World) -> None:
    header = world.case()
    child = world.child(header.id, "W.", 2016)
    colleague = world.actor("colleague")
    cases.save_child(world.uow(), colleague, header.id, replace(child, notes="Hun notitie"))
    # then the worker changes the case notes, a later save of the case than the child's
    now = cases.get_case(world.uow(), world.worker, header.id).header
    cases.update_case(
        world.uow(),
        world.worker,
        cases.CaseInput(
            alias=now.alias,
            municipality_id=now.municipality_id,
            notes="Iets anders",
            id=now.id,
            version=now.version,
        ),
    )
    with pytest.raises(ConflictError) as exc:
        cases.save_child(world.uow(), world.worker, header.id, replace(child, notes="Mijn notitie"))
    # the save that changed the child, not the newest save of the case
    _conflict_by(exc, "Koen Collega")
    kids = cases.get_case(world.uow(), world.worker, header.id).children
    assert kids[0].notes == "Hun notitie"
    cases.save_child(
        world.uow(),
        world.worker,
        header.id,
        replace(child, notes="Mijn notitie", version=kids[0].version),
    )
    assert cases.get_case(world.uow(), world.worker, header.id).children[0].notes == "Mijn notitie"


def test_carer_conflict(world: World) -> None:
    header = world.case()
    carer = world.carer(header.id, "M.", "mother")
    cases.save_carer(world.uow(), world.coordinator, header.id, replace(carer, notes="Belt terug"))
    with pytest.raises(ConflictError) as exc:
        cases.save_carer(world.uow(), world.worker, header.id, replace(carer, alias="M.T."))
    _conflict_by(exc, "Carla Coördinator")
    saved = cases.get_case(world.uow(), world.worker, header.id).carers[0]
    assert (saved.alias, saved.notes) == ("M.", "Belt terug")


def test_signal_and_consultation_conflicts(world: World) -> None:
    header, _kids, _carers = world.family()
    colleague = world.actor("colleague")
    signal = consultations.save_signal(
        world.uow(),
        world.worker,
        header.id,
        SignalData(
            observed_on=world.clock(), observation="Wesley is vaker afwezig.", domain="child_school"
        ),
    )
    consultations.save_signal(
        world.uow(), colleague, header.id, replace(signal, observation="Afwezig, en stil.")
    )
    with pytest.raises(ConflictError) as exc:
        consultations.save_signal(
            world.uow(), world.worker, header.id, replace(signal, observation="Kort lontje.")
        )
    _conflict_by(exc, "Koen Collega")
    assert consultations.list_signals(world.uow(), world.worker, header.id)[0].observation == (
        "Afwezig, en stil."
    )

    saved = consultations.save_consultation(
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            held_on=world.clock(), question="Hoe praten we met Wesley?", anonymous=True
        ),
    )
    start = ConsultationInput(
        held_on=saved.held_on,
        question=saved.question,
        anonymous=True,
        id=saved.id,
        version=saved.version,
    )
    consultations.save_consultation(
        world.uow(), colleague, header.id, replace(start, advice="Kort houden.")
    )
    with pytest.raises(ConflictError) as exc:
        consultations.save_consultation(
            world.uow(), world.worker, header.id, replace(start, advice="Via de IB'er.")
        )
    _conflict_by(exc, "Koen Collega")
    assert exc.value.record_type == "consultation"


def test_next_step_conflicts_and_overwrite(world: World) -> None:
    header = world.case()
    step = world.step(header.id, "Gesprek met de IB'er")
    colleague = world.actor("colleague")
    due = world.clock() + timedelta(days=7)
    consultations.update_action(
        world.uow(),
        colleague,
        step.id,
        ActionInput("Gesprek met de school", due, world.org("home")),
        step.version,
    )
    mine = ActionInput("Gesprek met de ouders", due, world.org("home"))
    with pytest.raises(ConflictError) as exc:
        consultations.update_action(world.uow(), world.worker, step.id, mine, step.version)
    _conflict_by(exc, "Koen Collega")
    assert exc.value.record_type == "next_step"
    now = consultations.get_action(world.uow(), world.worker, step.id)
    assert now.what == "Gesprek met de school"
    with pytest.raises(ConflictError):
        consultations.set_action_status(
            world.uow(), world.worker, step.id, "done", world.clock(), "", step.version
        )
    consultations.update_action(world.uow(), world.worker, step.id, mine, now.version)
    assert (
        consultations.get_action(world.uow(), world.worker, step.id).what == "Gesprek met de ouders"
    )


# ---------------------------------------------------------------- directory and users


def _uow_of(world: World, actor: Actor) -> UnitOfWork:
    return UnitOfWork(world.db.sessions, actor)


def test_organisation_conflict_and_the_lost_lock_at_commit(world: World) -> None:
    org = partners.get_organisation(world.uow(), world.org("school"))
    partners.save_organisation(
        _uow_of(world, world.coordinator), replace(org, offer="Gesprekken met kinderen")
    )
    with pytest.raises(ConflictError) as exc:
        partners.save_organisation(_uow_of(world, world.admin), replace(org, phone="074 123 4567"))
    _conflict_by(exc, "Carla Coördinator")
    assert exc.value.record_type == "organisation"

    # the lock lost between reading and writing: the commit itself turns into the
    # ConflictError, with who and when (the row read first, kept past the end of its
    # read transaction, as a long form keeps it)
    first = _uow_of(world, world.admin)
    with first:
        row = first.session.get(Organisation, world.org("gp"))
        assert row is not None
        first.session.commit()
        gp = partners.get_organisation(world.uow(), world.org("gp"))
        partners.save_organisation(
            _uow_of(world, world.coordinator),
            replace(gp, notes="Hun notitie", contacts=(*gp.contacts, ContactData(name="Nieuw"))),
        )
        row.notes = "Mijn notitie"
        with pytest.raises(ConflictError) as exc:
            commit_change(first, "Someone else changed it.", [("organisation", row.id)])
    _conflict_by(exc, "Carla Coördinator")
    assert partners.get_organisation(world.uow(), world.org("gp")).notes == "Hun notitie"


def test_user_conflict(world: World) -> None:
    admin = world.admin
    target = users.get_user(world.uow(), admin, world.worker.id)
    other_admin = world.admin_only()
    users.save_user(world.uow(), other_admin, replace(target, display_name="Wendy W."))
    with pytest.raises(ConflictError) as exc:
        users.save_user(world.uow(), admin, replace(target, display_name="Wendy Wolters-Smit"))
    _conflict_by(exc, "Bea Beheer")
    now = users.get_user(world.uow(), admin, world.worker.id)
    assert now.display_name == "Wendy W."
    users.save_user(
        world.uow(), admin, replace(target, display_name="Wendy Wolters-Smit", version=now.version)
    )
    assert users.get_user(world.uow(), admin, world.worker.id).display_name == "Wendy Wolters-Smit"


def test_who_is_the_user_name_when_the_user_is_gone(world: World) -> None:
    gone = Actor(9999, "oud.account", "Oud Account", None, None, frozenset({"worker"}))
    with world.db.sessions() as s:
        audit.record(s, gone, audit.UPDATE, record_type="organisation", record_id=world.org("gp"))
        s.commit()
        found = last_save(s, [("organisation", world.org("gp"))])
    assert found is not None and found.who == "oud.account" and found.user_id == 9999
    _recent(found.at)


# ---------------------------------------------------------------- meetings and minutes


def _held_meeting(world: World) -> meetings.MeetingData:
    data = MeetingInput(
        kind="network",
        held_on=world.clock(),
        starts_at=time(9, 30),
        ends_at=time(11, 0),
        chair_contact_id=world.contact("Wendy Wolters"),
    )
    meeting = meetings.save_meeting(world.uow(), world.coordinator, data)
    return meetings.set_status(world.uow(), world.coordinator, meeting.id, "held")


def _item(meeting: meetings.MeetingData, n: int) -> meetings.ItemData:
    return meeting.items[n]


def test_meeting_and_agenda_item_conflicts(world: World) -> None:
    meeting = meetings.save_meeting(
        world.uow(),
        world.coordinator,
        MeetingInput(
            kind="network",
            held_on=world.clock() + timedelta(days=7),
            starts_at=time(9, 30),
            ends_at=time(11, 0),
        ),
    )
    start = MeetingInput(
        kind=meeting.kind,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title=meeting.title,
        id=meeting.id,
        version=meeting.version,
    )
    meetings.save_meeting(world.uow(), world.admin, replace(start, location="Gemeentehuis"))
    with pytest.raises(ConflictError) as exc:
        meetings.save_meeting(
            world.uow(), world.coordinator, replace(start, location="Bibliotheek")
        )
    _conflict_by(exc, "Anna Admin")
    assert exc.value.record_type == "meeting"

    item = meeting.items[0]
    base = ItemInput(kind=item.kind, title=item.title, id=item.id, version=item.version)
    meetings.save_item(world.uow(), world.admin, meeting.id, replace(base, description="Hun tekst"))
    with pytest.raises(ConflictError) as exc:
        meetings.save_item(
            world.uow(), world.coordinator, meeting.id, replace(base, description="Mijn tekst")
        )
    _conflict_by(exc, "Anna Admin")
    now = meetings.get_meeting(world.uow(), world.coordinator, meeting.id).items[0]
    assert now.description == "Hun tekst"
    meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        replace(base, description="Mijn tekst", version=now.version),
    )
    assert (
        meetings.get_meeting(world.uow(), world.coordinator, meeting.id).items[0].description
        == "Mijn tekst"
    )


def test_minutes_of_the_same_item_conflict_and_nothing_is_merged_or_lost(world: World) -> None:
    meeting = _held_meeting(world)
    item = _item(meeting, 0)
    minutes.save_draft(world.uow(), world.coordinator, item.id, "Mijn verslag")
    minutes.save_minutes(
        world.uow(), world.admin, item.id, "Hun verslag", item.version, item.minutes
    )
    with pytest.raises(ConflictError) as exc:
        minutes.save_minutes(
            world.uow(), world.coordinator, item.id, "Mijn verslag", item.version, item.minutes
        )
    _conflict_by(exc, "Anna Admin")
    saved = meetings.get_meeting(world.uow(), world.coordinator, meeting.id).items[0]
    assert saved.minutes == "Hun verslag"  # not "Hun verslag\n\nMijn verslag"
    # my text is still there, as my draft of the item (offered again later)
    drafts = minutes.pending_drafts(world.uow(), world.coordinator)
    assert [(d.item_id, d.text, d.saved_minutes) for d in drafts] == [
        (item.id, "Mijn verslag", "Hun verslag")
    ]
    # overwrite
    minutes.save_minutes(
        world.uow(), world.coordinator, item.id, "Mijn verslag", saved.version, saved.minutes
    )
    assert meetings.get_meeting(world.uow(), world.coordinator, meeting.id).items[0].minutes == (
        "Mijn verslag"
    )


def test_minutes_do_not_conflict_over_other_changes(world: World) -> None:
    meeting = _held_meeting(world)
    first, second = _item(meeting, 0), _item(meeting, 1)
    # two people type at once, each on their own item, both from the held meeting
    minutes.save_minutes(
        world.uow(), world.admin, first.id, "Opening door de voorzitter.", first.version, ""
    )
    after = minutes.save_minutes(
        world.uow(), world.coordinator, second.id, "Verslag goedgekeurd.", second.version, ""
    )
    assert [i.minutes for i in after.items[:2]] == [
        "Opening door de voorzitter.",
        "Verslag goedgekeurd.",
    ]
    assert after.status == "minutes_draft"
    # someone renames the item while its minutes are typed: no conflict over the text
    latest = after.items[1]
    meetings.save_item(
        world.uow(),
        world.admin,
        meeting.id,
        ItemInput(
            kind=latest.kind, title="Verslag vorige keer", id=latest.id, version=latest.version
        ),
    )
    done = minutes.save_minutes(
        world.uow(),
        world.coordinator,
        second.id,
        "Verslag ongewijzigd goedgekeurd.",
        latest.version,
        latest.minutes,
    )
    assert done.items[1].minutes == "Verslag ongewijzigd goedgekeurd."
    assert done.items[1].title == "Verslag vorige keer"


def test_same_text_saved_twice_is_no_conflict(world: World) -> None:
    meeting = _held_meeting(world)
    item = _item(meeting, 0)
    minutes.save_minutes(world.uow(), world.admin, item.id, "Welkom.", item.version, "")
    again = minutes.save_minutes(
        world.uow(), world.coordinator, item.id, "Welkom.", item.version, ""
    )
    assert again.items[0].minutes == "Welkom."


def test_conflict_changes_nothing(world: World) -> None:
    header = world.case()
    child = world.child(header.id)
    cases.save_child(world.uow(), world.actor("colleague"), header.id, replace(child, notes="Hun"))
    before = world.snapshot()
    with pytest.raises(ConflictError):
        cases.save_child(world.uow(), world.worker, header.id, replace(child, notes="Mijn"))
    assert world.snapshot() == before
