"""Meetings: series and templates, planning, the agenda's order and time plan, the
consent check of case items, the automatic action list with carry-forward,
attendance, minutes and drafts, approval and amendments, editions and invites."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from icalendar import Calendar

from pact.errors import AccessDeniedError, ConsentRequiredError, ValidationError
from pact.services import calendar, consultations, meetings, minutes
from pact.services.consultations import ActionFilter, ActionInput
from pact.services.meetings import (
    InviteInput,
    ItemInput,
    MeetingInput,
    MeetingLockedError,
    SeriesInput,
    TemplateItemInput,
)
from tests.unit.conftest import World


def _series(world: World, **kw: object) -> meetings.SeriesData:
    data = SeriesInput(
        name="Netwerkoverleg Scheidingspact",
        interval_weeks=6,
        starts_at=time(9, 30),
        ends_at=time(11, 0),
        location="Gemeentehuis Hengelo",
        chair_contact_id=world.contact("Wendy Wolters"),
        template=(
            TemplateItemInput("opening", "Opening", 5),
            TemplateItemInput("previous_minutes", "Verslag vorige keer", 10),
            TemplateItemInput("action_list", "Actielijst", 15),
            TemplateItemInput("theme", "Voorbereiding regie", 20, visibility="internal"),
            TemplateItemInput("closing", "Sluiting", 5),
        ),
        invites=(
            InviteInput(world.org("home"), world.contact("Wendy Wolters")),
            InviteInput(world.org("school")),
            InviteInput(world.org("social"), world.contact("Sam Kuipers")),
        ),
    )
    for key, value in kw.items():
        data = data.__class__(**{**data.__dict__, key: value})
    return meetings.save_series(world.uow(), world.coordinator, data)


def _plan(
    world: World, series_id: int | None = None, on: date | None = None
) -> meetings.MeetingData:
    base = meetings.meeting_defaults(world.uow(), world.coordinator, series_id=series_id)
    data = MeetingInput(**{**base.__dict__, "held_on": on or base.held_on})
    return meetings.save_meeting(world.uow(), world.coordinator, data)


def test_new_meeting_starts_from_the_series_template(world: World) -> None:
    series = _series(world)
    meeting = _plan(world, series.id)
    assert [i.kind for i in meeting.items] == [
        "opening",
        "previous_minutes",
        "action_list",
        "theme",
        "closing",
    ]
    assert [i.title for i in meeting.items][1] == "Verslag vorige keer"
    # default title: kind and date
    assert meeting.title == meetings.kind_label("network") + " 15 juni 2026"
    assert meeting.location == "Gemeentehuis Hengelo"
    assert {i.organisation_id for i in meeting.invites} == {
        world.org("home"),
        world.org("school"),
        world.org("social"),
    }
    # the next one of the series lies one interval later
    nxt = meetings.meeting_defaults(world.uow(), world.coordinator, series_id=series.id)
    assert nxt.held_on == meeting.held_on + timedelta(weeks=6)


def test_time_plan_and_overrun_warning(world: World) -> None:
    meeting = _plan(world, _series(world).id)
    starts = [i.starts_at for i in meeting.items]
    assert starts == [time(9, 30), time(9, 35), time(9, 45), time(10, 0), time(10, 20)]
    assert meeting.plan.planned_end == time(10, 25)
    assert meeting.plan.overrun == 0
    theme = meeting.items[3]
    meeting = meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind="theme", title="Lang thema", planned_minutes=60, id=theme.id),
    )
    assert meeting.plan.planned_end == time(11, 5)
    assert meeting.plan.overrun == 5


def test_reorder_by_ids_and_by_keyboard_moves(world: World) -> None:
    meeting = _plan(world, _series(world).id)
    ids = [i.id for i in meeting.items]
    meeting = meetings.reorder_items(
        world.uow(), world.coordinator, meeting.id, [ids[2], ids[0], ids[1], ids[3], ids[4]]
    )
    assert [i.kind for i in meeting.items][:3] == ["action_list", "opening", "previous_minutes"]
    meeting = meetings.move_item(world.uow(), world.coordinator, ids[2], +1)
    assert [i.kind for i in meeting.items][:3] == ["opening", "action_list", "previous_minutes"]
    assert meeting.items[0].starts_at == time(9, 30)
    assert meeting.items[1].starts_at == time(9, 35)


def test_validation_changes_nothing(world: World) -> None:
    before = world.snapshot()
    with pytest.raises(ValidationError) as err:
        meetings.save_meeting(
            world.uow(),
            world.coordinator,
            MeetingInput(kind="network", held_on=None, starts_at=time(11), ends_at=time(10)),
        )
    assert err.value.for_field("held_on")
    assert err.value.for_field("ends_at")
    meeting = _plan(world)
    before = world.snapshot()
    with pytest.raises(ValidationError) as err:
        meetings.save_item(
            world.uow(), world.coordinator, meeting.id, ItemInput(kind="case", planned_minutes=-1)
        )
    assert err.value.for_field("case_id") and err.value.for_field("planned_minutes")
    assert world.snapshot() == before


def test_consent_check_names_the_uncovered_partner(world: World) -> None:
    header, _kids, _carers = world.family(children=(2016,), level=3)
    world.consent(header.id, ["school"])
    meeting = _plan(world, _series(world).id)
    meeting = meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind="case", title="Familie Tukker", planned_minutes=15, case_id=header.id),
    )
    item = meeting.items[-1]
    assert item.consent is not None
    covered = {name for _i, name, _b in item.consent.covered}
    uncovered = {name for _i, name in item.consent.uncovered}
    assert world.org_name("school") in covered
    assert world.org_name("home") in covered  # the registering organisation holds the file
    assert uncovered == {world.org_name("social")}
    assert not item.consent.meldcode_possible  # level 3
    # discuss it anonymously instead
    meeting = meetings.set_case_mode(world.uow(), world.coordinator, item.id, "anonymous")
    assert meeting.items[-1].case_mode == "anonymous"


def test_case_item_reads_only_code_and_level_for_outsiders(world: World) -> None:
    header, _k, _c = world.family(level=2)
    series = _series(world)
    meeting = _plan(world, series.id)
    meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind="case", title="Familie Tukker", case_id=header.id),
    )
    # Sam (social team) is invited but not involved in the case
    seen = meetings.get_meeting(world.uow(), world.actor("social"), meeting.id)
    case_item = next(i for i in seen.items if i.kind == "case")
    assert case_item.title == f"Case {header.code} (level 2)" or case_item.title.startswith(
        "Casus "
    )
    assert "Tukker" not in case_item.title
    assert case_item.real_title == "" and case_item.minutes == ""
    # internal items are for the chair and minute-taker only
    assert all(i.visibility == "everyone" for i in seen.items)
    # an organisation that was not invited sees no meeting at all
    with pytest.raises(AccessDeniedError):
        meetings.get_meeting(world.uow(), world.actor("outsider"), meeting.id)
    assert meetings.count_meetings(world.uow(), world.actor("outsider")) == 0
    # and cannot change the meeting it may see
    with pytest.raises(AccessDeniedError):
        meetings.save_item(
            world.uow(), world.actor("teacher"), meeting.id, ItemInput(kind="theme", title="x")
        )


def _hold(world: World, meeting: meetings.MeetingData) -> meetings.MeetingData:
    world.clock.set(meeting.held_on)
    return meetings.set_status(world.uow(), world.coordinator, meeting.id, "held")


def test_action_list_carries_open_steps_forward(world: World) -> None:
    series = _series(world)
    first = _plan(world, series.id, on=world.clock())
    theme = next(i for i in first.items if i.kind == "opening")
    first = minutes.add_step(
        world.uow(),
        world.coordinator,
        theme.id,
        ActionInput(
            "Folder naar alle scholen", world.clock() + timedelta(days=20), world.org("school")
        ),
    )
    first = minutes.add_step(
        world.uow(),
        world.coordinator,
        theme.id,
        ActionInput("Datum thema-avond", world.clock() + timedelta(days=10), world.org("home")),
    )
    assert first.status == "minutes_draft"
    second_input = meetings.meeting_defaults(
        world.uow(), world.coordinator, after_meeting_id=first.id
    )
    second = meetings.save_meeting(world.uow(), world.coordinator, second_input)
    assert second.held_on == first.held_on + timedelta(weeks=6)
    listed = [r.action.what for r in second.action_list]
    assert listed == ["Datum thema-avond", "Folder naar alle scholen"]
    world.clock.set(second.held_on)
    ids = {r.action.what: r.action.id for r in second.action_list}
    second = minutes.review_step(
        world.uow(), world.coordinator, second.id, ids["Datum thema-avond"], "done"
    )
    second = minutes.review_step(
        world.uow(),
        world.coordinator,
        second.id,
        ids["Folder naar alle scholen"],
        "continue",
        due_on=second.held_on + timedelta(days=14),
    )
    outcome = {r.action.what: (r.outcome, r.action.status) for r in second.action_list}
    assert outcome == {
        "Datum thema-avond": ("done", "done"),
        "Folder naar alle scholen": ("continue", "open"),
    }
    third = meetings.save_meeting(
        world.uow(),
        world.coordinator,
        meetings.meeting_defaults(world.uow(), world.coordinator, after_meeting_id=second.id),
    )
    assert [r.action.what for r in third.action_list] == ["Folder naar alle scholen"]
    # undo a review: the step is open again
    second = minutes.review_step(
        world.uow(), world.coordinator, second.id, ids["Datum thema-avond"], None
    )
    assert (
        next(r for r in second.action_list if r.action.id == ids["Datum thema-avond"]).action.status
        == "open"
    )


def test_action_list_holds_the_open_steps_of_cases_on_the_agenda(world: World) -> None:
    header, _k, _c = world.family()
    step = world.step(header.id, "Gesprek met moeder")
    meeting = _plan(world, _series(world).id)
    assert meeting.action_list == ()
    meeting = meetings.save_item(
        world.uow(), world.coordinator, meeting.id, ItemInput(kind="case", case_id=header.id)
    )
    assert [r.action.id for r in meeting.action_list] == [step.id]


def test_attendance_and_replacement(world: World) -> None:
    meeting = _plan(world, _series(world).id, on=world.clock())
    sam = next(i for i in meeting.invites if i.contact == "Sam Kuipers")
    wendy = next(i for i in meeting.invites if i.contact == "Wendy Wolters")
    meeting = minutes.set_attendance(world.uow(), world.coordinator, wendy.id, "present")
    meeting = minutes.set_attendance(
        world.uow(), world.coordinator, sam.id, "excused", replaced_by_name="Joke Jansen"
    )
    states = {i.contact: (i.attendance, i.replaced_by) for i in meeting.invites}
    assert states["Sam Kuipers"] == ("excused", "Joke Jansen")
    assert states["Wendy Wolters"] == ("present", "")
    with pytest.raises(ValidationError) as err:
        minutes.set_attendance(
            world.uow(), world.coordinator, wendy.id, "present", replaced_by_name="X"
        )
    assert err.value.for_field("replaced_by")


def test_drafts_are_kept_until_saved_and_offered_again(world: World) -> None:
    meeting = _plan(world, _series(world).id, on=world.clock())
    item = meeting.items[0]
    minutes.save_draft(world.uow(), world.coordinator, item.id, "Welkom **iedereen**")
    drafts = minutes.pending_drafts(world.uow(), world.coordinator)
    assert [(d.item_id, d.text) for d in drafts] == [(item.id, "Welkom **iedereen**")]
    # another user has no drafts
    assert minutes.pending_drafts(world.uow(), world.admin) == []
    meeting = minutes.restore_draft(world.uow(), world.coordinator, drafts[0].id)
    assert meeting.items[0].minutes == "Welkom **iedereen**"
    assert minutes.pending_drafts(world.uow(), world.coordinator) == []


def test_minutes_wait_for_the_day_of_the_meeting(world: World) -> None:
    meeting = _plan(world, _series(world).id, on=world.clock() + timedelta(days=3))
    with pytest.raises(ValidationError) as err:
        minutes.save_minutes(world.uow(), world.coordinator, meeting.items[0].id, "te vroeg")
    assert err.value.for_field("minutes")


def test_approved_minutes_are_locked_and_get_amendments(world: World) -> None:
    series = _series(world)
    first = _plan(world, series.id, on=world.clock())
    first = minutes.save_minutes(world.uow(), world.coordinator, first.items[0].id, "Opening.")
    second = meetings.save_meeting(
        world.uow(),
        world.coordinator,
        meetings.meeting_defaults(world.uow(), world.coordinator, after_meeting_id=first.id),
    )
    assert [m.id for m in second.previous] == [first.id]
    with pytest.raises(ValidationError):  # not before the later meeting is held
        minutes.approve_minutes(world.uow(), world.coordinator, first.id, second.id)
    world.clock.set(second.held_on)
    minutes.approve_minutes(world.uow(), world.coordinator, first.id, second.id)
    first = meetings.get_meeting(world.uow(), world.coordinator, first.id)
    assert first.status == "minutes_approved" and first.approved_on == second.held_on
    assert first.approved_at is not None and first.approved_at.id == second.id
    with pytest.raises(MeetingLockedError):
        minutes.save_minutes(world.uow(), world.coordinator, first.items[0].id, "stil veranderd")
    with pytest.raises(MeetingLockedError):
        minutes.save_draft(world.uow(), world.coordinator, first.items[0].id, "x")
    first = minutes.add_amendment(
        world.uow(), world.coordinator, first.id, "Spelling naam school", first.items[0].id
    )
    assert first.items[0].minutes == "Opening."
    assert [(a.text, a.made_on) for a in first.amendments] == [
        ("Spelling naam school", second.held_on)
    ]


def test_step_owner_must_be_covered_by_consent(world: World) -> None:
    header, _k, _c = world.family(level=2)
    meeting = _plan(world, _series(world).id, on=world.clock())
    meeting = meetings.save_item(
        world.uow(), world.coordinator, meeting.id, ItemInput(kind="case", case_id=header.id)
    )
    item = meeting.items[-1]
    before = world.snapshot()
    with pytest.raises(ConsentRequiredError):
        minutes.add_step(
            world.uow(),
            world.coordinator,
            item.id,
            ActionInput("Gesprek", world.clock() + timedelta(days=7), world.org("social")),
        )
    assert world.snapshot() == before


def test_ics_has_agenda_titles_and_no_case_details(world: World) -> None:
    header, _k, _c = world.family(level=4, alias="Familie Tukker")
    meeting = _plan(world, _series(world).id)
    meeting = meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind="case", title="Tukker: Tim slaapt slecht", case_id=header.id),
    )
    raw = calendar.meeting_ics(world.uow(), world.coordinator, meeting.id)
    cal = Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    description = str(event["DESCRIPTION"])
    assert "Verslag vorige keer" in description and "Actielijst" in description
    assert f"{header.code}" in description
    assert "Tukker" not in raw.decode("utf-8") and "Tim" not in description
    assert "Voorbereiding regie" not in description  # internal
    assert event.decoded("DTSTART").hour == 9 and str(event["DTSTART"].params["TZID"])
    assert cal.walk("VTIMEZONE"), "Outlook needs the VTIMEZONE of the TZID"


def test_next_steps_of_meetings_without_a_case_are_listed(world: World) -> None:
    meeting = _plan(world, _series(world).id, on=world.clock())
    minutes.add_step(
        world.uow(),
        world.coordinator,
        meeting.items[0].id,
        ActionInput("Zaal reserveren", world.clock() + timedelta(days=3), world.org("home")),
    )
    rows = consultations.list_actions(
        world.uow(), world.coordinator, ActionFilter(meeting_id=meeting.id)
    )
    assert [r.what for r in rows] == ["Zaal reserveren"]
    assert rows[0].meeting.startswith(meeting.title)
    # Sam's organisation was invited: he sees it; an outsider does not
    assert (
        consultations.count_actions(
            world.uow(), world.actor("social"), ActionFilter(meeting_id=meeting.id)
        )
        == 1
    )
    assert (
        consultations.count_actions(
            world.uow(), world.actor("outsider"), ActionFilter(meeting_id=meeting.id)
        )
        == 0
    )
    done = consultations.set_action_status(
        world.uow(), world.coordinator, rows[0].id, "done", world.clock(), "geregeld"
    )
    assert done.status == "done"


def test_case_timeline_shows_the_meetings_that_discussed_it(world: World) -> None:
    from pact.services import timeline

    header, _k, _c = world.family()
    meeting = _plan(world, _series(world).id, on=world.clock())
    meeting = meetings.save_item(
        world.uow(),
        world.coordinator,
        meeting.id,
        ItemInput(kind="case", case_id=header.id, case_mode="anonymous"),
    )
    minutes.add_decision(world.uow(), world.coordinator, meeting.items[-1].id, "Buddy zoeken")
    entries = timeline.timeline(world.uow(), world.coordinator, header.id, {"meeting"})
    assert len(entries) == 1
    assert meeting.title in entries[0].title
    assert "Buddy zoeken" in entries[0].detail
    assert entries[0].on == meeting.held_on


def test_case_consultations_without_a_series_do_not_share_action_lists(world: World) -> None:
    header, _k, _c = world.family()
    other, _k2, _c2 = world.family()

    def consultation(case_id: int, after: int | None = None) -> meetings.MeetingData:
        data = MeetingInput(
            kind="case",
            held_on=world.clock(),
            starts_at=time(13),
            ends_at=time(14),
            invites=(InviteInput(world.org("home")),),
            planned_from_id=after,
        )
        m = meetings.save_meeting(world.uow(), world.coordinator, data)
        return meetings.save_item(
            world.uow(), world.coordinator, m.id, ItemInput(kind="case", case_id=case_id)
        )

    first = consultation(header.id)
    minutes.add_step(
        world.uow(),
        world.coordinator,
        first.items[-1].id,
        ActionInput("Gesprek", world.clock() + timedelta(days=7), world.org("home")),
    )
    world.clock.advance(1)
    unrelated = consultation(other.id)
    assert unrelated.action_list == () and unrelated.previous == ()
    follow_up = consultation(header.id, after=first.id)
    assert [r.action.what for r in follow_up.action_list] == ["Gesprek"]
    assert [m.id for m in follow_up.previous] == [first.id]
