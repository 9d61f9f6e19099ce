"""Retention, anonymisation and erasure (AVG art. 17): the retention end, the list of
cases past it, what anonymising removes and keeps (the funders' figures stay the
same), the rules of an erasure on request, and what the audit log keeps (the case
code, never a name)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from pact.errors import (
    AccessDeniedError,
    MeldcodeKeepError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _, format_date, ngettext
from pact.models import AuditEntry, MinutesDraft
from pact.services import (
    audit,
    cases,
    consent,
    consultations,
    figures,
    meetings,
    minutes,
    retention,
    timeline,
)
from pact.services.cases import CarerData, ChildData
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.meetings import ItemInput, MeetingInput
from tests.unit.conftest import START, World

# the Tukker story (DOMAIN.md): every name and every text typed about the family
FAMILY = "Tukker"
CHILD = "Wesley"
TEXTS = (
    "Moeder vertelde juf Elia dat vader tijdelijk elders woont",
    "Groep 6, geeft zijn leven een 5,5",
    "Moeder Tukker",
    "Vader Tukker",
    "Woont bij moeder",
    "Wesley is vaker afwezig en heeft een kort lontje",
    "Handtekening van beide ouders op het formulier",
    "Hoe praten we met Wesley over de scheiding",
    "Korte gesprekjes met de intern begeleider",
    "Gesprek met Wesley en zijn moeder",
    "Afgerond na het gesprek met Wesley",
    "Consulent kent de familie Tukker al",
    "Ouders vechten over het ouderschapsplan van Wesley",
    "Familie Tukker: Wesley zit klem",
    "Wesley voelt zich schuldig aan de scheiding",
    "Let op: vader Tukker komt misschien ook",
    "Wesley krijgt een buddy van het maatjesproject",
    "Buddy zoeken voor Wesley",
    "Bel vader Tukker over de zorgregeling",
    "Half getypt verslag over Wesley",
    "Het gaat beter met Wesley Tukker",
)
SECRETS = (FAMILY, CHILD, *TEXTS)
LATER = START + timedelta(days=366)  # a year and a day after the story


@dataclass(frozen=True)
class Story:
    case_id: int
    code: str
    meeting_id: int
    item_id: int
    other_item_id: int  # an item about another case, in the same meeting


def _meeting(world: World, on: date) -> meetings.MeetingData:
    base = meetings.meeting_defaults(world.uow(), world.coordinator)
    return meetings.save_meeting(
        world.uow(), world.coordinator, MeetingInput(**{**base.__dict__, "held_on": on})
    )


def tukker(world: World, close: bool = True, level: int = 2) -> Story:
    """The Tukker family's case, told through the services: family, consent, a buddy,
    a signal, a consultation and a step done on time, a partner, a level change, a
    case consultation (minutes, a decision, a step, a draft), and closed."""
    w = world
    coordinator = w.coordinator
    w.clock.set(START - timedelta(days=200))
    header = cases.register_case(
        w.uow(),
        w.worker,
        cases.CaseInput(
            alias="Fam. T.",
            family_name=FAMILY,
            municipality_id=w.mun("Hengelo"),
            level=level,
            notes=TEXTS[0],
        ),
    )
    case_id = header.id
    child = cases.save_child(
        w.uow(),
        w.worker,
        case_id,
        ChildData(CHILD, 2016, school_id=w.org("school"), notes=TEXTS[1]),
    )
    for alias, relation in ((TEXTS[2], "mother"), (TEXTS[3], "father")):
        cases.save_carer(w.uow(), w.worker, case_id, CarerData(alias, relation, True, TEXTS[4]))
    file = cases.get_case(w.uow(), coordinator, case_id)
    givers = [("child", child.id or 0)] + [("carer", c.id or 0) for c in file.carers]
    consent.record_consent(
        w.uow(),
        w.worker,
        case_id,
        consent.ConsentInput(
            given_on=w.clock(),
            method="signed_form",
            givers=tuple(givers),
            partner_ids=(w.org("school"), w.org("buddy"), w.org("social")),
            info_kinds=("family", "signals"),
            notes=TEXTS[6],
        ),
    )
    w.clock.advance(10)
    cases.save_child(
        w.uow(),
        w.worker,
        case_id,
        replace(child, buddy_organisation_id=w.org("buddy"), buddy_since=w.clock()),
    )
    consultations.save_signal(
        w.uow(),
        w.worker,
        case_id,
        SignalData(w.clock(), TEXTS[5], "child_school", 2, child_id=child.id),
    )
    held = consultations.save_consultation(
        w.uow(),
        w.worker,
        case_id,
        ConsultationInput(
            w.clock(),
            TEXTS[7],
            TEXTS[8],
            partner_ids=(w.org("school"),),
            steps=(ActionInput(TEXTS[9], w.clock() + timedelta(days=14), w.org("home")),),
        ),
    )
    [first] = held.actions
    w.clock.advance(7)
    consultations.set_action_status(
        w.uow(), w.worker, first.id, "done", done_on=w.clock(), note=TEXTS[10]
    )
    cases.involve_partner(w.uow(), w.worker, case_id, w.org("social"), "support", TEXTS[11])
    cases.change_level(w.uow(), w.worker, case_id, min(level + 1, 4), TEXTS[12])

    other = w.case(alias="Fam. B.")
    meeting = _meeting(world, w.clock())
    meeting = meetings.save_item(
        w.uow(),
        coordinator,
        meeting.id,
        ItemInput(
            kind="case",
            title=TEXTS[13],
            description=TEXTS[14],
            case_id=case_id,
            chair_notes=TEXTS[15],
        ),
    )
    item_id = meeting.items[-1].id
    meeting = meetings.save_item(
        w.uow(),
        coordinator,
        meeting.id,
        ItemInput(kind="case", title="Familie B.", case_id=other.id),
    )
    other_item_id = meeting.items[-1].id
    minutes.save_minutes(w.uow(), coordinator, item_id, TEXTS[16])
    minutes.add_decision(w.uow(), coordinator, item_id, TEXTS[17])
    minutes.add_step(
        w.uow(),
        coordinator,
        item_id,
        ActionInput(TEXTS[18], w.clock() + timedelta(days=7), w.org("home")),
    )
    minutes.save_minutes(w.uow(), coordinator, other_item_id, "Familie B. is op de goede weg.")
    minutes.save_draft(w.uow(), coordinator, item_id, TEXTS[19])
    w.clock.set(START)
    if close:
        cases.close_case(w.uow(), w.worker, case_id, START, TEXTS[20])
    return Story(case_id, header.code, meeting.id, item_id, other_item_id)


def _all_figures(world: World) -> list[figures.FigureRow]:
    return [
        row
        for year in (START.year - 1, START.year, START.year + 1)
        for row in figures.figures(world.uow(), world.coordinator, year)
    ]


def _strings(world: World) -> list[str]:
    """Every text of every row of every table (the audit log apart)."""
    return [
        value
        for rows in world.snapshot().values()
        for row in rows
        for value in row
        if isinstance(value, str)
    ]


def _found(texts: list[str], secrets: tuple[str, ...] = SECRETS) -> set[str]:
    lowered = [t.lower() for t in texts]
    return {s for s in secrets if any(s.lower() in t for t in lowered)}


def _last_entry(world: World) -> int:
    with world.db.sessions() as s:
        return s.scalar(select(func.max(AuditEntry.seq))) or 0


def _entries_after(world: World, seq: int) -> list[AuditEntry]:
    with world.db.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.seq > seq)))


def _closed(world: World, closed_on: date, alias: str) -> int:
    """A case registered long ago and closed on ``closed_on`` (the clock moved back)."""
    world.clock.set(closed_on - timedelta(days=30))
    header = world.case(alias=alias)
    world.clock.set(closed_on)
    cases.close_case(world.uow(), world.worker, header.id, closed_on, "Het gaat goed.")
    return header.id


# ---------------------------------------------------------------- the retention end


def test_the_retention_end_is_the_closing_date_years_later() -> None:
    assert retention.DEFAULT_YEARS == 20
    assert retention.retention_end(date(2026, 6, 15), 20) == date(2046, 6, 15)
    assert retention.retention_end(None, 20) is None  # an open case is kept
    # 29 February: the same day in a leap year, 28 February in any other
    assert retention.retention_end(date(2024, 2, 29), 20) == date(2044, 2, 29)
    assert retention.retention_end(date(2024, 2, 29), 21) == date(2045, 2, 28)
    assert retention.retention_end(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert retention.retention_end(date(2023, 12, 31), 1) == date(2024, 12, 31)


def test_three_months_after_a_request_ends_on_the_last_day_of_a_short_month() -> None:
    assert retention.add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert retention.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert retention.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert retention.add_months(date(2026, 10, 31), 3) == date(2027, 1, 31)


@given(
    today=st.dates(min_value=date(2001, 1, 1), max_value=date(2199, 12, 31)),
    years=st.integers(min_value=1, max_value=100),
)
def test_the_sql_cut_off_matches_the_retention_end_of_every_day_around_it(
    today: date, years: int
) -> None:
    """A case is due exactly when it closed on or before ``last_due_closing``: the
    range the list asks in SQL agrees with ``retention_end`` day by day."""
    cut = retention.last_due_closing(today, years)
    for offset in range(-400, 400):
        day = cut + timedelta(days=offset)
        end = retention.retention_end(day, years)
        assert end is not None
        assert (end <= today) == (day <= cut), (day, end)


def test_the_term_is_a_setting_from_1_to_100_years(world: World) -> None:
    assert retention.get_years(world.uow()) == 20
    assert retention.set_years(world.uow(), world.coordinator, 7) == 7
    assert retention.get_years(world.uow()) == 7
    assert retention.set_years(world.uow(), world.admin_only(), 8) == 8
    for wrong in (0, 101, -3):
        with pytest.raises(ValidationError) as err:
            retention.set_years(world.uow(), world.coordinator, wrong)
        assert err.value.for_field("retention_years") == _(
            "Choose a term from {low} to {high} years."
        ).format(low=1, high=100)
    with pytest.raises(AccessDeniedError):
        retention.set_years(world.uow(), world.worker, 5)
    assert retention.get_years(world.uow()) == 8
    # the change is in the audit log, as a change of a setting
    rows = audit.list_entries(world.uow(), world.admin, audit.AuditFilter(event=audit.UPDATE))
    assert any(r.record_type == "setting" and r.record_id == "retention_years" for r in rows)


# ---------------------------------------------------------------- the due list


def test_only_closed_cases_past_their_end_are_due(world: World) -> None:
    leap = _closed(world, date(2024, 2, 29), "Fam. A.")
    march = _closed(world, date(2024, 3, 1), "Fam. B.")
    recent = _closed(world, date(2026, 1, 10), "Fam. C.")
    world.clock.set(START)
    open_case = world.case(alias="Fam. D.").id
    coordinator = world.coordinator

    def due(on: date) -> list[int]:
        rows = retention.list_due(world.uow(), coordinator, today=on)
        assert retention.count_due(world.uow(), coordinator, today=on) == len(rows)
        return [r.case_id for r in rows]

    assert due(START) == []
    assert due(date(2044, 2, 27)) == []
    assert due(date(2044, 2, 28)) == []  # 2044 has a 29 February
    assert due(date(2044, 2, 29)) == [leap]
    assert due(date(2044, 3, 1)) == [leap, march]
    rows = retention.list_due(world.uow(), coordinator, today=date(2045, 2, 1))
    assert [(r.code, r.level, r.municipality, r.closed_on, r.retention_end) for r in rows] == [
        (rows[0].code, 2, "Hengelo", date(2024, 2, 29), date(2044, 2, 29)),
        (rows[1].code, 2, "Hengelo", date(2024, 3, 1), date(2044, 3, 1)),
    ]
    assert recent not in due(date(2046, 1, 9))
    assert recent in due(date(2046, 1, 10))
    assert open_case not in due(date(2199, 1, 1))  # open: no end
    # paged, longest closed first
    assert [
        r.case_id for r in retention.list_due(world.uow(), coordinator, date(2047, 1, 1), 1, 1)
    ] == [march]
    # a shorter term brings the end closer
    retention.set_years(world.uow(), coordinator, 1)
    assert due(date(2027, 1, 10)) == [leap, march, recent]

    # an anonymised case is no longer due
    world.clock.set(date(2027, 1, 10))
    assert retention.anonymise(world.uow(), coordinator, [leap]) == 1
    assert due(date(2027, 1, 10)) == [march, recent]


def test_workers_and_administrators_get_no_retention_list(world: World) -> None:
    case_id = _closed(world, date(2024, 3, 1), "Fam. A.")
    world.clock.set(START)
    retention.set_years(world.uow(), world.coordinator, 1)
    for who in (world.worker, world.admin_only()):
        with pytest.raises(AccessDeniedError):
            retention.list_due(world.uow(), who)
        with pytest.raises(AccessDeniedError):
            retention.count_due(world.uow(), who)
        with pytest.raises(AccessDeniedError):
            retention.anonymise(world.uow(), who, [case_id])
        with pytest.raises(AccessDeniedError):
            retention.erase(world.uow(), who, case_id, "Verzoek per brief", START)
    assert retention.count_due(world.uow(), world.coordinator) == 1


def test_a_case_not_due_refuses_the_whole_anonymisation(world: World) -> None:
    due = _closed(world, date(2024, 3, 1), "Fam. A.")
    recent = _closed(world, date(2026, 6, 1), "Fam. B.")
    world.clock.set(START)
    open_case = world.case(alias="Fam. C.")
    retention.set_years(world.uow(), world.coordinator, 1)
    codes = {
        r.id: r.code
        for r in cases.list_cases(world.uow(), world.coordinator, cases.CaseFilter(status=None))
    }
    before = world.snapshot()
    with pytest.raises(ValidationError) as err:
        retention.anonymise(world.uow(), world.coordinator, [due, recent, open_case.id])
    assert [e.field for e in err.value.errors] == ["case_ids", "case_ids"]
    assert err.value.errors[0].message == _(
        "The retention of case {code} ends on {date}: it is kept until then."
    ).format(code=codes[recent], date=format_date(date(2027, 6, 1)))
    assert err.value.errors[1].message == _(
        "Case {code} is not closed: an open case is kept."
    ).format(code=open_case.code)
    with pytest.raises(NotFoundError):
        retention.anonymise(world.uow(), world.coordinator, [due, 999_999])
    assert world.snapshot() == before
    assert retention.anonymise(world.uow(), world.coordinator, []) == 0
    assert retention.anonymise(world.uow(), world.coordinator, [due, due]) == 1
    with pytest.raises(ValidationError) as again:
        retention.anonymise(world.uow(), world.coordinator, [due])
    assert again.value.errors[0].message == _(
        "Case {code} was anonymised on {date} already."
    ).format(code=codes[due], date=format_date(START))


# ---------------------------------------------------------------- what goes, what stays


def test_anonymising_keeps_the_figures_and_removes_every_name_and_text(world: World) -> None:
    story = tukker(world)
    retention.set_years(world.uow(), world.coordinator, 1)
    world.clock.set(LATER)
    assert _found(_strings(world)) == set(SECRETS)  # the helper can fail: all are there
    before = _all_figures(world)
    assert any(r.families and r.children and r.buddies for r in before)
    seq = _last_entry(world)

    assert retention.anonymise(world.uow(), world.coordinator, [story.case_id]) == 1

    assert _all_figures(world) == before
    assert _found(_strings(world)) == set()
    # what the case file shows
    file = cases.get_case(world.uow(), world.coordinator, story.case_id)
    h = file.header
    assert (h.code, h.alias, h.family_name, h.notes, h.close_reason) == (
        story.code,
        story.code,
        "",
        "",
        "",
    )
    assert (h.anonymised_on, h.anonymised_kind, h.status) == (LATER, "retention", "closed")
    assert h.closed_on == START and h.registered_on == START - timedelta(days=200)
    assert [
        (c.name, c.notes, c.birth_year, c.school, c.buddy_since is not None) for c in file.children
    ] == [("", "", 2016, world.org_name("school"), True)]
    assert [(c.alias, c.notes, c.relation, c.parental_authority) for c in file.carers] == [
        ("", "", "mother", True),
        ("", "", "father", True),
    ]
    assert {p.organisation for p in file.partners} == {
        world.org_name("home"),
        world.org_name("buddy"),
        world.org_name("social"),
    }
    assert all(p.note == "" for p in file.partners)
    assert [(x.level, x.reason) for x in file.levels] == [(2, ""), (3, "")]
    assert all(e.reason == "" for e in file.events)
    signals = consultations.list_signals(world.uow(), world.coordinator, story.case_id)
    assert [(x.observation, x.domain, x.seriousness) for x in signals] == [("", "child_school", 2)]
    held = consultations.list_consultations(world.uow(), world.coordinator, story.case_id)
    assert [(c.question, c.advice) for c in held] == [("", "")]
    steps = consultations.case_actions(world.uow(), world.coordinator, story.case_id)
    assert len(steps) == 2 and all(s.what == "" and s.note == "" for s in steps)
    assert sorted(s.status for s in steps) == ["cancelled", "done"]
    records = consent.list_consents(world.uow(), world.coordinator, story.case_id)
    assert [r.notes for r in records] == [""]
    # search finds the case by its code only
    found = cases.list_cases(
        world.uow(), world.coordinator, cases.CaseFilter(text=FAMILY, status=None)
    )
    assert found == []
    found = cases.list_cases(
        world.uow(), world.coordinator, cases.CaseFilter(text=story.code, status=None)
    )
    assert [r.id for r in found] == [story.case_id]
    # nothing left in the timeline either
    entries = timeline.timeline(world.uow(), world.coordinator, story.case_id)
    assert entries and _found([f"{e.title} {e.detail}" for e in entries]) == set()
    # one anonymise entry with the code; no entry of the act names anybody
    written = _entries_after(world, seq)
    assert [(e.event, e.case_code) for e in written if e.event == audit.ANONYMISE] == [
        (audit.ANONYMISE, story.code)
    ]
    texts = [f"{e.detail} {e.record_id} {e.case_code}" for e in written]
    assert _found(texts) == set()
    anonymised = next(e for e in written if e.event == audit.ANONYMISE)
    assert anonymised.detail == ngettext(
        "retention of {years} year ended on {date}",
        "retention of {years} years ended on {date}",
        1,
    ).format(years=1, date=(START + timedelta(days=365)).isoformat())
    # an anonymised case stays closed
    with pytest.raises(ValidationError) as err:
        cases.reopen_case(world.uow(), world.coordinator, story.case_id, "Toch weer nodig")
    assert err.value.for_field("status") == _(
        "Case {code} was anonymised: it cannot be reopened."
    ).format(code=story.code)


def test_the_minutes_of_the_case_item_say_only_that_it_was_discussed(world: World) -> None:
    story = tukker(world)
    retention.set_years(world.uow(), world.coordinator, 1)
    world.clock.set(LATER)
    retention.anonymise(world.uow(), world.coordinator, [story.case_id])
    meeting = meetings.get_meeting(world.uow(), world.coordinator, story.meeting_id)
    item = next(i for i in meeting.items if i.id == story.item_id)
    assert item.minutes == _("Case {code}: discussed.").format(code=story.code)
    assert (item.real_title, item.description, item.chair_notes) == (story.code, "", "")
    assert [d.text for d in item.decisions] == [""]
    assert [s.what for s in item.steps] == [""]
    assert item.case_code == story.code
    # the draft typed under the item is gone; the other case's item is untouched
    with world.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MinutesDraft)) == 0
    other = next(i for i in meeting.items if i.id == story.other_item_id)
    assert (other.real_title, other.minutes) == ("Familie B.", "Familie B. is op de goede weg.")


# ---------------------------------------------------------------- erasure on request


def _meldcode_case(world: World) -> int:
    header, _kids, _carers = world.family(level=4)
    consent.record_meldcode(
        world.uow(),
        world.worker,
        header.id,
        consent.MeldcodeInput(
            START,
            "Vermoeden van huiselijk geweld; Veilig Thuis geraadpleegd",
            (world.org("social"),),
        ),
    )
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("social"), "support")
    return header.id


def test_an_erasure_needs_a_reason_and_a_date_not_in_the_future(world: World) -> None:
    story = tukker(world)
    before = world.snapshot()
    seq = _last_entry(world)
    with pytest.raises(ValidationError) as err:
        retention.erase(world.uow(), world.coordinator, story.case_id, " kort ", None)
    assert err.value.for_field("reason") == _(
        "Say whose request it is and how it came in (at least {n} characters)."
    ).format(n=10)
    assert err.value.for_field("requested_on") == _("Enter the date of the request.")

    def erase(requested_on: date, case_id: int = story.case_id) -> None:
        retention.erase(
            world.uow(), world.coordinator, case_id, "Moeder vroeg het per brief", requested_on
        )

    with pytest.raises(ValidationError) as err:
        erase(START + timedelta(days=1))
    assert [e.field for e in err.value.errors] == ["requested_on"]
    assert err.value.for_field("requested_on") == _("This date lies in the future.")
    with pytest.raises(ValidationError) as err:
        erase(date(2020, 1, 1))
    assert err.value.for_field("requested_on")
    with pytest.raises(NotFoundError):
        erase(START, case_id=999_999)
    # a failed erasure changes nothing, and writes no entry
    assert world.snapshot() == before
    assert _entries_after(world, seq) == []


def test_a_meldcode_case_is_erased_only_with_a_justification(world: World) -> None:
    case_id = _meldcode_case(world)
    info = retention.erasure_info(world.uow(), world.coordinator, case_id)
    assert info.needs_justification and info.open
    assert _("Information about this case was shared under the Meldcode.") in info.keep_reasons
    assert any(world.org_name("social") in r for r in info.keep_reasons)
    before = world.snapshot()
    for justification in ("", "te kort"):
        with pytest.raises(MeldcodeKeepError) as err:
            retention.erase(
                world.uow(),
                world.coordinator,
                case_id,
                "Beide ouders vroegen het schriftelijk",
                START,
                justification,
            )
        message = err.value.for_field("justification")
        assert message is not None and message.startswith(
            _(
                "This case may have to be kept for the child's safety: {reasons} Write "
                "down why it is erased anyway (at least {n} characters)."
            ).split("{reasons}")[0]
        )
        assert str(20) in message
    assert world.snapshot() == before
    # a plain case needs none
    plain = world.case(alias="Fam. P.")
    assert not retention.erasure_info(world.uow(), world.coordinator, plain.id).keep_reasons

    result = retention.erase(
        world.uow(),
        world.coordinator,
        case_id,
        "Beide ouders vroegen het schriftelijk",
        START,
        "Veilig Thuis heeft het dossier zelf; het gezin is veilig",
    )
    assert not result.late and result.warning == ""
    assert result.closed_now  # it was open: erasing closed it today
    header = cases.get_case(world.uow(), world.coordinator, case_id).header
    assert (header.status, header.closed_on, header.anonymised_kind) == ("closed", START, "erasure")
    assert header.erasure_requested_on == START
    assert header.meldcode  # the fact stays, its text went
    [record] = consent.list_meldcode(world.uow(), world.coordinator, case_id)
    assert record.justification == ""


def test_an_erasure_after_three_months_is_done_with_a_warning(world: World) -> None:
    story = tukker(world)
    figures_before = _all_figures(world)
    seq = _last_entry(world)
    requested = START - timedelta(days=93)  # 14 March: three months ended on 14 June
    result = retention.erase(
        world.uow(), world.coordinator, story.case_id, "Verzoek van moeder per e-mail", requested
    )
    assert result.late and not result.closed_now
    assert result.warning == retention.late_warning(requested)
    assert format_date(requested) in result.warning
    assert _all_figures(world) == figures_before
    assert _found(_strings(world)) == set()
    header = cases.get_case(world.uow(), world.coordinator, story.case_id).header
    assert header.anonymised_kind == "erasure" and header.alias == story.code
    [erased] = [e for e in _entries_after(world, seq) if e.event == audit.ERASE]
    assert erased.case_code == story.code and erased.record_id == str(story.case_id)
    assert erased.detail == "; ".join(
        [
            _("on request of {date}").format(date=requested.isoformat()),
            _("more than {n} months after the request").format(n=3),
        ]
    )
    assert _found([f"{e.detail} {e.case_code}" for e in _entries_after(world, seq)]) == set()
    # within the term: no warning
    world.clock.set(START - timedelta(days=100))
    other = world.case(alias="Fam. Q.")
    world.clock.set(START)
    on_time = retention.erase(
        world.uow(),
        world.coordinator,
        other.id,
        "Verzoek van vader per brief",
        START - timedelta(days=92),
    )
    assert not on_time.late and on_time.warning == ""
    # erased once is enough
    with pytest.raises(ValidationError) as err:
        retention.erase(world.uow(), world.coordinator, other.id, "Nog een verzoek", START)
    assert err.value.for_field("case")


def test_erasing_an_open_case_closes_it_and_cancels_its_open_steps(world: World) -> None:
    story = tukker(world, close=False)
    open_steps = [
        s
        for s in consultations.case_actions(world.uow(), world.coordinator, story.case_id)
        if s.status == "open"
    ]
    assert open_steps
    info = retention.erasure_info(world.uow(), world.coordinator, story.case_id)
    assert info.open and info.open_steps == len(open_steps) and not info.keep_reasons
    result = retention.erase(
        world.uow(), world.coordinator, story.case_id, "Het gezin vroeg erom per brief", START
    )
    assert result.closed_now and result.code == story.code
    file = cases.get_case(world.uow(), world.coordinator, story.case_id)
    assert file.header.status == "closed" and file.header.closed_on == START
    assert [e.event for e in file.events][-1] == "closed"
    steps = consultations.case_actions(world.uow(), world.coordinator, story.case_id)
    assert "open" not in {s.status for s in steps}


def test_erasure_works_on_both_and_compacts_only_the_file(world: World, backend: str) -> None:
    """On a server the case is erased the same way; compaction is skipped, and the
    result says that it does not apply there."""
    story = tukker(world)
    result = retention.erase(
        world.uow(), world.coordinator, story.case_id, "Het gezin vroeg erom per brief", START
    )
    on_file = backend == "sqlcipher"
    assert result.compaction_applies is on_file
    assert result.compacted is on_file
    assert retention.compaction_applies(world.db) is on_file
    header = cases.get_case(world.uow(), world.coordinator, story.case_id).header
    assert (header.anonymised_kind, header.alias) == ("erasure", story.code)
    assert _found(_strings(world)) == set()
