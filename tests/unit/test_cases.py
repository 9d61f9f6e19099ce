"""Cases: registering, codes, the escalation history, closing and reopening,
need-to-know, the family, the case list (filters, sorts, paging) and the form
validators; and partners whose contact persons case records name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pact.errors import (
    AccessDeniedError,
    BreakGlassRequiredError,
    CaseClosedError,
    ConflictError,
    ConsentRequiredError,
    NotFoundError,
    NoUserError,
    ValidationError,
)
from pact.i18n import _
from pact.models.case import CARER_RELATIONS, LEVELS
from pact.services import cases, clock, consent, consultations, partners, scope, timeline, users
from pact.services.cases import CarerData, CaseFilter, CaseInput, ChildData
from pact.services.consent import ConsentInput, MeldcodeInput, WithdrawalInput
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.users import UserData
from pact.services.validation import storable
from tests.unit.conftest import START, World


def errors_of(call, *args, **kw) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return {e.field: e.message for e in info.value.errors}


def edit(header: cases.CaseHeader, **changes) -> CaseInput:
    data = CaseInput(
        alias=header.alias,
        municipality_id=header.municipality_id,
        level=header.level,
        family_name=header.family_name,
        referred_by_id=header.referred_by_id,
        lead_contact_id=header.lead_contact_id,
        notes=header.notes,
        id=header.id,
        version=header.version,
    )
    return replace(data, **changes)


EVERY = CaseFilter(status=None)


def codes(world: World, actor=None, f: CaseFilter = EVERY, **kw) -> list[str]:
    return [r.code for r in cases.list_cases(world.uow(), actor or world.coordinator, f, **kw)]


# ---------------------------------------------------------------- registering


def test_register_a_case(world):
    header = world.case(
        alias="  Familie   Tukker ",
        family_name=" Tukker ",
        level=1,
        referred_by_id=world.org("school"),
        notes=" Via de leerkracht. ",
    )
    assert header.code == "2026-0001"
    assert (header.alias, header.family_name, header.notes) == (
        "Familie Tukker",
        "Tukker",
        "Via de leerkracht.",
    )
    assert header.status == "registered" and not header.closed
    assert header.registered_on == START
    assert header.registered_by == "Wendy Wolters"
    assert header.municipality == "Hengelo"
    assert header.referred_by == "Basisschool De Wilgenhoek"
    assert header.consent == "none" and not header.meldcode
    file = cases.get_case(world.uow(), world.worker, header.id)
    # the registering organisation holds the file (and needs no consent for it)
    [home] = file.partners
    assert (home.organisation, home.role, home.basis) == (
        "Stichting Welzijn De Schakel",
        "registrant",
        "registrant",
    )
    assert [(x.level, x.previous_level, x.user) for x in file.levels] == [
        (1, None, "Wendy Wolters")
    ]
    assert [(e.event, e.on, e.user) for e in file.events] == [
        ("registered", START, "Wendy Wolters")
    ]


def test_case_codes_count_up_per_year(world):
    first = world.case()
    old = world.case(registered_on=date(2025, 11, 3))
    second = world.case()
    older = world.case(registered_on=date(2025, 12, 30))
    world.clock.set(date(2027, 1, 2))
    next_year = world.case()
    assert [first.code, second.code] == ["2026-0001", "2026-0002"]
    assert [old.code, older.code] == ["2025-0001", "2025-0002"]
    assert next_year.code == "2027-0001"
    assert codes(world) == ["2025-0001", "2025-0002", "2026-0001", "2026-0002", "2027-0001"]
    assert cases.find_case(world.uow(), world.worker, " 2025-0002 ") == older.id
    with pytest.raises(NotFoundError):
        cases.find_case(world.uow(), world.worker, "2025-0099")


def test_registering_validates_and_saves_nothing(world):
    before = world.snapshot()
    errors = errors_of(
        cases.register_case,
        world.uow(),
        world.worker,
        CaseInput(alias="  ", municipality_id=None, level=5, registered_on=START + timedelta(1)),
    )
    assert errors == {
        "alias": _("This field is required."),
        "municipality_id": _("Choose the municipality."),
        "level": _("Choose a level from 1 to 4."),
        "registered_on": _("This date lies in the future."),
    }
    errors = errors_of(
        cases.register_case,
        world.uow(),
        world.worker,
        CaseInput(alias="X", municipality_id=9999, referred_by_id=9999, lead_contact_id=9999),
    )
    assert errors == {
        "municipality_id": _("Unknown municipality."),
        "referred_by_id": _("This organisation no longer exists."),
        "lead_contact_id": _("This contact person no longer exists."),
    }
    assert world.snapshot() == before


def test_a_lead_of_the_own_organisation_needs_no_consent(world):
    header = world.case(lead_contact_id=world.contact("Wendy Wolters"))
    assert (header.lead, header.lead_organisation) == (
        "Wendy Wolters",
        "Stichting Welzijn De Schakel",
    )
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert [p.role for p in file.partners] == ["registrant"]


def test_a_lead_of_an_uncovered_organisation_is_refused_at_registration(world):
    before = world.snapshot()
    with pytest.raises(ConsentRequiredError) as info:
        world.case(lead_contact_id=world.contact("Sam Kuipers"))
    assert [e.field for e in info.value.errors] == ["lead_contact_id"]
    assert "Sociaal Team Hengelo" in info.value.for_field("lead_contact_id")
    assert world.snapshot() == before  # not even a case number was used
    assert world.case().code == "2026-0001"


def test_update_case_details(world):
    header = world.case()
    saved = cases.update_case(
        world.uow(), world.worker, edit(header, alias="Fam. B", municipality_id=world.mun("Borne"))
    )
    assert (saved.alias, saved.municipality) == ("Fam. B", "Borne")
    assert saved.version > header.version
    # the level only changes through change_level
    ignored = cases.update_case(world.uow(), world.worker, edit(saved, level=4))
    assert ignored.level == 2
    with pytest.raises(ConflictError):
        cases.update_case(world.uow(), world.worker, edit(header, alias="Oud"))
    assert cases.get_case(world.uow(), world.worker, header.id).header.alias == "Fam. B"


def test_update_case_with_a_lead_elsewhere_needs_consent_then_involves_the_lead(world):
    header, _kids, _carers = world.family()
    before = world.snapshot()
    with pytest.raises(ConsentRequiredError) as info:
        cases.update_case(
            world.uow(), world.worker, edit(header, lead_contact_id=world.contact("Sam Kuipers"))
        )
    assert info.value.for_field("lead_contact_id")
    assert world.snapshot() == before
    world.consent(header.id, ["social"])
    header = cases.get_case(world.uow(), world.worker, header.id).header
    saved = cases.update_case(
        world.uow(), world.worker, edit(header, lead_contact_id=world.contact("Sam Kuipers"))
    )
    assert (saved.lead, saved.lead_organisation) == ("Sam Kuipers", "Sociaal Team Hengelo")
    file = cases.get_case(world.uow(), world.worker, header.id)
    lead = next(p for p in file.partners if p.role == "case_lead")
    assert (lead.organisation, lead.basis) == ("Sociaal Team Hengelo", "consent")


# ---------------------------------------------------------------- escalation


def test_every_level_change_is_kept_with_previous_level_user_and_reason(world):
    header = world.case(level=1)
    cases.change_level(world.uow(), world.worker, header.id, 3, "  Ruzie over het ouderschapsplan ")
    world.clock.advance(10)
    cases.change_level(world.uow(), world.coordinator, header.id, 2, "Mediation helpt")
    world.clock.advance(5)
    now = cases.change_level(world.uow(), world.worker, header.id, 4)
    assert now.level == 4
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert [(x.level, x.previous_level, x.changed_on, x.user, x.reason) for x in file.levels] == [
        (1, None, START, "Wendy Wolters", ""),
        (3, 1, START, "Wendy Wolters", "Ruzie over het ouderschapsplan"),
        (2, 3, START + timedelta(10), "Carla Coördinator", "Mediation helpt"),
        (4, 2, START + timedelta(15), "Wendy Wolters", ""),
    ]


def test_a_level_change_is_validated(world):
    header = world.case(level=2)
    before = world.snapshot()
    assert errors_of(cases.change_level, world.uow(), world.worker, header.id, 2) == {
        "level": _("The case is already at this level.")
    }
    assert errors_of(cases.change_level, world.uow(), world.worker, header.id, 0) == {
        "level": _("Choose a level from 1 to 4.")
    }
    assert "reason" in errors_of(
        cases.change_level, world.uow(), world.worker, header.id, 3, "x" * 4001
    )
    assert world.snapshot() == before


# ---------------------------------------------------------------- status


def test_activate_close_and_reopen_are_recorded(world):
    header = world.case()
    active = cases.activate_case(world.uow(), world.worker, header.id)
    assert active.status == "active"
    assert "status" in errors_of(cases.activate_case, world.uow(), world.worker, header.id)
    world.clock.advance(30)
    closed = cases.close_case(
        world.uow(), world.worker, header.id, START + timedelta(29), " Het gaat beter "
    )
    assert (closed.status, closed.closed_on, closed.close_reason) == (
        "closed",
        START + timedelta(29),
        "Het gaat beter",
    )
    assert closed.closed
    world.clock.advance(3)
    reopened = cases.reopen_case(world.uow(), world.coordinator, header.id, " Nieuwe ruzie ")
    assert (reopened.status, reopened.closed_on, reopened.close_reason) == ("active", None, "")
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert [(e.event, e.on, e.user, e.reason) for e in file.events] == [
        ("registered", START, "Wendy Wolters", ""),
        ("activated", START, "Wendy Wolters", ""),
        ("closed", START + timedelta(29), "Wendy Wolters", "Het gaat beter"),
        ("reopened", START + timedelta(33), "Carla Coördinator", "Nieuwe ruzie"),
    ]
    status = timeline.timeline(world.uow(), world.worker, header.id, kinds={"status"})
    assert [e.title for e in status][-2:] == [_("Case closed"), _("Case reopened")]
    assert status[-1].detail == "Nieuwe ruzie" and status[-1].user == "Carla Coördinator"


def test_closing_needs_a_reason_and_a_sensible_date(world):
    header = world.case(registered_on=date(2026, 3, 1))
    before = world.snapshot()
    assert errors_of(cases.close_case, world.uow(), world.worker, header.id, START, " ") == {
        "reason": _("This field is required.")
    }
    assert errors_of(
        cases.close_case, world.uow(), world.worker, header.id, START + timedelta(1), "Klaar"
    ) == {"closed_on": _("This date lies in the future.")}
    assert errors_of(
        cases.close_case, world.uow(), world.worker, header.id, date(2026, 2, 28), "Klaar"
    ) == {"closed_on": _("A case cannot be closed before it was registered.")}
    assert world.snapshot() == before
    assert errors_of(cases.reopen_case, world.uow(), world.worker, header.id, "Waarom") == {
        "status": _("This case is not closed.")
    }


@pytest.fixture
def closed_case(world):
    """A case with everything in it, then closed."""
    header, kids, carers = world.family(children=(2016,), parents=2)
    world.consent(header.id, ["school", "social", "mediator"])
    involvement = cases.involve_partner(
        world.uow(), world.worker, header.id, world.org("school"), "school"
    )
    step = world.step(header.id, owner_org="school")
    consultations.save_signal(
        world.uow(),
        world.worker,
        header.id,
        SignalData(observed_on=START, observation="Wesley is vaker afwezig", domain="child_school"),
    )
    consent_id = world.consent(header.id, ["gp"])
    header = cases.close_case(world.uow(), world.worker, header.id, START, "Afgerond")
    return header, kids[0], carers[0], involvement, step, consent_id


def _writes(world: World, header, child, carer, involvement, step, consent_id):
    cid = header.id
    w = world.worker
    return {
        "update_case": lambda: cases.update_case(world.uow(), w, edit(header, alias="Nieuw")),
        "change_level": lambda: cases.change_level(world.uow(), w, cid, 3, "Erger"),
        "activate_case": lambda: cases.activate_case(world.uow(), w, cid),
        "close_case": lambda: cases.close_case(world.uow(), w, cid, START, "Nog eens"),
        "save_child (new)": lambda: cases.save_child(world.uow(), w, cid, ChildData("B.", 2018)),
        "save_child (edit)": lambda: cases.save_child(
            world.uow(), w, cid, replace(child, name="Wes")
        ),
        "remove_child": lambda: cases.remove_child(world.uow(), w, cid, child.id),
        "save_carer": lambda: cases.save_carer(world.uow(), w, cid, CarerData("O.", "grandparent")),
        "remove_carer": lambda: cases.remove_carer(world.uow(), w, cid, carer.id),
        "involve_partner": lambda: cases.involve_partner(
            world.uow(), w, cid, world.org("social"), "support"
        ),
        "end_involvement": lambda: cases.end_involvement(world.uow(), w, cid, involvement.id),
        "record_consent": lambda: world.consent(cid, ["mediator"]),
        "withdraw_consent": lambda: consent.withdraw_consent(
            world.uow(), w, consent_id, WithdrawalInput(START, ("carer", carer.id))
        ),
        "record_meldcode": lambda: consent.record_meldcode(
            world.uow(), w, cid, MeldcodeInput(START, "x" * 40, (world.org("other"),))
        ),
        "save_signal": lambda: consultations.save_signal(
            world.uow(), w, cid, SignalData(START, "Boos", "child_school")
        ),
        "save_consultation": lambda: consultations.save_consultation(
            world.uow(), w, cid, ConsultationInput(START, "Wat nu?", anonymous=True)
        ),
        "add_action": lambda: world.step(cid),
        "update_action": lambda: consultations.update_action(
            world.uow(), w, step.id, ActionInput("Anders", START, world.org("school"))
        ),
        "set_action_status": lambda: consultations.set_action_status(
            world.uow(), w, step.id, "done", START
        ),
    }


def test_a_closed_case_is_read_only_until_reopened(world, closed_case):
    header = closed_case[0]
    before = world.snapshot()
    writes = _writes(world, *closed_case)
    for name, write in writes.items():
        with pytest.raises(CaseClosedError) as info:
            write()
        assert header.code in str(info.value), name
    assert world.snapshot() == before
    # reading still works
    assert cases.get_case(world.uow(), world.worker, header.id).header.closed
    assert timeline.timeline(world.uow(), world.worker, header.id)
    assert consultations.case_actions(world.uow(), world.worker, header.id)
    # the default list ("open") leaves it out; the closed filter shows it
    assert codes(world, f=CaseFilter()) == []
    assert codes(world, f=CaseFilter(status="closed")) == [header.code]

    cases.reopen_case(world.uow(), world.worker, header.id, "Toch nog nodig")
    reopened = cases.get_case(world.uow(), world.worker, header.id).header
    writes = _writes(world, reopened, *closed_case[1:])
    writes["save_signal"]()
    writes["change_level"]()
    writes["set_action_status"]()
    assert cases.get_case(world.uow(), world.worker, header.id).header.level == 3


# ---------------------------------------------------------------- need-to-know


def test_a_worker_of_another_organisation_sees_nothing_of_the_case(world, closed_case):
    header = closed_case[0]
    cases.reopen_case(world.uow(), world.worker, header.id, "Nog niet klaar")
    header = cases.get_case(world.uow(), world.worker, header.id).header
    outsider = world.actor("outsider")
    reads = {
        "get_case": lambda: cases.get_case(world.uow(), outsider, header.id),
        "find_case": lambda: cases.find_case(world.uow(), outsider, header.code),
        "timeline": lambda: timeline.timeline(world.uow(), outsider, header.id),
        "list_signals": lambda: consultations.list_signals(world.uow(), outsider, header.id),
        "list_consultations": lambda: consultations.list_consultations(
            world.uow(), outsider, header.id
        ),
        "case_actions": lambda: consultations.case_actions(world.uow(), outsider, header.id),
    }
    for name, read in reads.items():
        with pytest.raises(AccessDeniedError) as info:
            read()
        assert type(info.value) is AccessDeniedError, name
        assert header.code in str(info.value)
    before = world.snapshot()
    outsider_world = replace(world.pact, actors={**world.pact.actors, "worker": outsider})
    writes = _writes(World(world.db, outsider_world, world.clock, 100), header, *closed_case[1:])
    for write in writes.values():
        with pytest.raises(AccessDeniedError):
            write()
    assert world.snapshot() == before
    assert cases.list_cases(world.uow(), outsider, CaseFilter(status=None)) == []
    assert cases.count_cases(world.uow(), outsider, CaseFilter(status=None)) == 0
    assert cases.lead_options(world.uow(), outsider) == []
    assert consultations.list_actions(world.uow(), outsider, consultations.ActionFilter(None)) == []


def test_a_worker_sees_the_cases_they_registered(world):
    mine = world.case(world.actor("outsider"))
    world.case()  # by the worker of the welfare organisation
    assert codes(world, world.actor("outsider")) == [mine.code]
    assert cases.get_case(world.uow(), world.actor("outsider"), mine.id).header.code == mine.code


def test_a_worker_without_organisation_sees_only_what_they_registered(world):
    saved = users.save_user(
        world.uow(), world.admin, UserData(username="los", display_name="Losse Werker")
    )
    loose = users.find_actor(world.uow(), saved.username)
    own = world.case(loose)
    world.case()
    assert codes(world, loose) == [own.code]
    assert cases.get_case(world.uow(), loose, own.id).partners == ()


def test_colleagues_see_the_cases_of_their_organisation(world):
    header = world.case()
    assert codes(world, world.actor("colleague")) == [header.code]
    assert codes(world, world.actor("teacher")) == []


def test_an_involved_organisation_sees_the_case_until_the_involvement_ends(world):
    header, _kids, _carers = world.family()
    teacher = world.actor("teacher")
    with pytest.raises(AccessDeniedError):
        cases.get_case(world.uow(), teacher, header.id)
    world.consent(header.id, ["school"])
    link = cases.involve_partner(
        world.uow(), world.worker, header.id, world.org("school"), "school"
    )
    assert codes(world, teacher) == [header.code]
    assert cases.count_cases(world.uow(), teacher, CaseFilter(status=None)) == 1
    assert cases.get_case(world.uow(), teacher, header.id).header.code == header.code
    cases.end_involvement(world.uow(), world.worker, header.id, link.id)
    assert codes(world, teacher) == []
    with pytest.raises(AccessDeniedError):
        cases.get_case(world.uow(), teacher, header.id)
    file = cases.get_case(world.uow(), world.worker, header.id)
    ended = next(p for p in file.partners if p.role == "school")
    assert ended.ended_on == START and ended.basis is None and ended.problem == ""
    # the registering organisation keeps its file
    home = next(p for p in file.partners if p.role == "registrant")
    assert "organisation_id" in errors_of(
        cases.end_involvement, world.uow(), world.worker, header.id, home.id
    )


def test_the_case_lead_sees_the_case_also_after_their_organisation_left(world):
    header, _kids, _carers = world.family()
    world.consent(header.id, ["social"])
    header = cases.get_case(world.uow(), world.worker, header.id).header
    cases.update_case(
        world.uow(), world.worker, edit(header, lead_contact_id=world.contact("Sam Kuipers"))
    )
    social = world.actor("social")
    assert codes(world, social) == [header.code]
    assert [o.label for o in cases.lead_options(world.uow(), social)] == ["Sam Kuipers"]
    file = cases.get_case(world.uow(), world.worker, header.id)
    lead_link = next(p for p in file.partners if p.role == "case_lead")
    cases.end_involvement(world.uow(), world.worker, header.id, lead_link.id)
    assert codes(world, social) == [header.code]  # still the lead
    header = cases.get_case(world.uow(), world.worker, header.id).header
    cases.update_case(world.uow(), world.worker, edit(header, lead_contact_id=None))
    assert codes(world, social) == []


def test_a_coordinator_sees_every_case(world):
    a = world.case(world.actor("outsider"))
    b = world.case(world.actor("teacher"))
    c = world.case()
    assert codes(world, world.coordinator) == [a.code, b.code, c.code]
    assert codes(world, world.admin) == [a.code, b.code, c.code]
    # the case file of a case outside the coordinator's own cases: only with a reason
    with pytest.raises(BreakGlassRequiredError) as info:
        cases.get_case(world.uow(), world.coordinator, a.id)
    assert info.value.code == a.code and a.code in str(info.value)
    scope.break_glass(world.uow(), world.coordinator, a.id, "Vraag van de voorzitter")
    assert cases.get_case(world.uow(), world.coordinator, a.id).header.code == a.code


def test_an_inactive_user_gets_no_user_error(world):
    header = world.case()
    me = users.get_user(world.uow(), world.admin, world.worker.id)
    users.save_user(world.uow(), world.admin, replace(me, active=False))
    for call in (
        lambda: cases.get_case(world.uow(), world.worker, header.id),
        lambda: cases.list_cases(world.uow(), world.worker),
        lambda: world.case(),
        lambda: cases.change_level(world.uow(), world.worker, header.id, 3),
    ):
        with pytest.raises(NoUserError):
            call()


def test_an_unknown_case_is_not_found(world):
    with pytest.raises(NotFoundError):
        cases.get_case(world.uow(), world.coordinator, 4242)
    with pytest.raises(NotFoundError):
        cases.change_level(world.uow(), world.coordinator, 4242, 3)


# ---------------------------------------------------------------- the family


def test_children_and_carers(world):
    header = world.case()
    child = world.child(
        header.id, "  Wesley ", 2016, school_id=world.org("school"), notes=" Groep 6"
    )
    assert (child.name, child.school, child.notes) == (
        "Wesley",
        "Basisschool De Wilgenhoek",
        "Groep 6",
    )
    assert child.ages() == (9, 10)
    carer = world.carer(header.id, " M. Tukker ", "mother", True)
    assert (carer.alias, carer.relation, carer.parental_authority) == ("M. Tukker", "mother", True)
    # a child's school is not an involvement: nothing is shared with it
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert [p.role for p in file.partners] == ["registrant"]
    assert [c.name for c in file.children] == ["Wesley"]
    # correcting
    fixed = cases.save_child(world.uow(), world.worker, header.id, replace(child, birth_year=2015))
    assert fixed.birth_year == 2015 and fixed.version == child.version + 1
    with pytest.raises(ConflictError):
        cases.save_child(world.uow(), world.worker, header.id, replace(child, name="Oud"))
    other = world.case()
    with pytest.raises(NotFoundError):
        cases.save_child(world.uow(), world.worker, other.id, fixed)
    with pytest.raises(NotFoundError):
        cases.remove_carer(world.uow(), world.worker, other.id, carer.id)


def test_a_child_or_carer_named_in_consent_cannot_be_removed(world):
    header, [kid, spare], [mum, dad] = world.family(children=(2016, 2018), parents=2)
    world.consent(header.id, ["school"], givers=[("carer", mum.id), ("child", kid.id)])
    before = world.snapshot()
    assert "child" in errors_of(cases.remove_child, world.uow(), world.worker, header.id, kid.id)
    assert "carer" in errors_of(cases.remove_carer, world.uow(), world.worker, header.id, mum.id)
    assert world.snapshot() == before
    cases.remove_child(world.uow(), world.worker, header.id, spare.id)
    cases.remove_carer(world.uow(), world.worker, header.id, dad.id)
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert [c.name for c in file.children] == [kid.name]
    assert [c.alias for c in file.carers] == [mum.alias]


def test_family_validation_saves_nothing(world):
    header = world.case()
    before = world.snapshot()
    errors = errors_of(cases.save_child, world.uow(), world.worker, header.id, ChildData(" ", 1990))
    assert set(errors) == {"name", "birth_year"}
    assert errors["birth_year"] == _("Enter a year of birth from {first} to {last}.").format(
        first=2003, last=2026
    )
    assert errors_of(
        cases.save_child, world.uow(), world.worker, header.id, ChildData("W.", 2016, school_id=999)
    ) == {"school_id": _("This organisation no longer exists.")}
    assert set(
        errors_of(cases.save_carer, world.uow(), world.worker, header.id, CarerData("", "uncle"))
    ) == {"alias", "relation"}
    assert world.snapshot() == before


# ---------------------------------------------------------------- the case list


@pytest.fixture
def many(world):
    """Six cases with different municipalities, levels, leads, consent and steps."""
    w = world
    a, _kids, parents = w.family(
        alias="Aalders", municipality="Hengelo", level=1, lead_contact_id=w.contact("Wendy Wolters")
    )
    # the parents' consent: complete until the child (born 2016) may turn 12
    w.consent(a.id, ["school"], givers=[("carer", p.id) for p in parents])
    b = w.case(w.actor("colleague"), alias="Bakker", municipality="Enschede", level=3)
    w.step(b.id, "Bellen met school", due_in=3)
    c = w.case(w.coordinator, alias="Claassen", municipality="Almelo", level=4)
    cases.close_case(w.uow(), w.coordinator, c.id, START, "Verhuisd")
    d, *_ = w.family(alias="Dijkstra", municipality="Hengelo", level=2, children=(2009,))
    w.consent(d.id, ["school"], valid_until=START + timedelta(days=20))
    e, *_ = w.family(alias="Everts", municipality="Borne", level=2, family_name="Evertsen")
    w.consent(e.id, ["social"])
    e = cases.get_case(w.uow(), w.worker, e.id).header
    e = cases.update_case(w.uow(), w.worker, edit(e, lead_contact_id=w.contact("Sam Kuipers")))
    w.step(e.id, "Gesprek ouders", due_in=30)
    f, *_ = w.family(w.actor("outsider"), alias="Fransen", municipality="Enschede", level=3)
    w.consent(f.id, ["school"], actor=w.actor("outsider"))
    cases.activate_case(w.uow(), w.actor("outsider"), f.id)
    # ten days later: b's step is overdue, d's consent ends within 30 days
    w.clock.advance(10)
    return {x.alias: x for x in (a, b, c, d, e, f)}


def aliases(world, f: CaseFilter, actor=None, **kw) -> list[str]:
    return [r.alias for r in cases.list_cases(world.uow(), actor or world.coordinator, f, **kw)]


def test_list_rows_show_what_the_list_needs(world, many):
    rows = {
        r.alias: r
        for r in cases.list_cases(world.uow(), world.coordinator, CaseFilter(status=None))
    }
    assert rows["Aalders"].lead == "Wendy Wolters"
    assert rows["Aalders"].lead_organisation == "Stichting Welzijn De Schakel"
    assert rows["Aalders"].consent == "complete"
    assert rows["Bakker"].consent == "none"
    assert (rows["Bakker"].open_steps, rows["Bakker"].overdue_steps) == (1, 1)
    assert rows["Bakker"].next_due == START + timedelta(3)
    assert rows["Dijkstra"].consent == "expiring"
    assert rows["Dijkstra"].consent_ok_until == START + timedelta(20)
    assert (rows["Everts"].open_steps, rows["Everts"].overdue_steps) == (1, 0)
    assert rows["Claassen"].status == "closed"
    assert rows["Fransen"].status == "active" and rows["Fransen"].municipality == "Enschede"


FILTERS = [
    (CaseFilter(), ["Aalders", "Bakker", "Dijkstra", "Everts", "Fransen"]),
    (
        CaseFilter(status=None),
        ["Aalders", "Bakker", "Claassen", "Dijkstra", "Everts", "Fransen"],
    ),
    (CaseFilter(status="registered"), ["Aalders", "Dijkstra"]),
    # a next step starts the support (Bakker, Everts); Fransen was activated
    (CaseFilter(status="active"), ["Bakker", "Everts", "Fransen"]),
    (CaseFilter(status="closed"), ["Claassen"]),
    (CaseFilter(level=3), ["Bakker", "Fransen"]),
    (CaseFilter(status=None, level=4), ["Claassen"]),
    (CaseFilter(consent_problem=True), ["Bakker", "Dijkstra"]),
    (CaseFilter(overdue=True), ["Bakker"]),
    (CaseFilter(text="dijk"), ["Dijkstra"]),
    (CaseFilter(text="FRANSEN"), ["Fransen"]),
    (CaseFilter(text="evertsen"), ["Everts"]),  # the family name, when recorded
    (CaseFilter(text="2026-0002"), ["Bakker"]),
    (CaseFilter(text="2026 0003", status=None), ["Claassen"]),
    (CaseFilter(text="_"), []),
    (CaseFilter(text="%"), []),
    (CaseFilter(text="nobody"), []),
    (CaseFilter(level=2, overdue=True), []),
]


def test_list_filters(world, many):
    """Every filter (one case list, many filters: the fixture is built once)."""
    for f, expected in FILTERS:
        assert aliases(world, f) == expected, f
        assert cases.count_cases(world.uow(), world.coordinator, f) == len(expected), f


def test_list_filter_by_municipality_and_lead(world, many):
    assert aliases(world, CaseFilter(municipality_id=world.mun("Enschede"))) == [
        "Bakker",
        "Fransen",
    ]
    assert aliases(world, CaseFilter(lead_contact_id=world.contact("Sam Kuipers"))) == ["Everts"]
    leads = [o.label for o in cases.lead_options(world.uow(), world.coordinator)]
    assert leads == ["Sam Kuipers", "Wendy Wolters"]


def test_my_cases_are_those_i_registered_or_lead(world, many):
    assert aliases(world, CaseFilter(status=None, mine=True), world.worker) == [
        "Aalders",
        "Dijkstra",
        "Everts",
    ]
    # the colleague sees the organisation's cases, but only Bakker is theirs
    assert aliases(world, CaseFilter(status=None), world.actor("colleague")) == [
        "Aalders",
        "Bakker",
        "Claassen",
        "Dijkstra",
        "Everts",
    ]
    assert aliases(world, CaseFilter(mine=True), world.actor("colleague")) == ["Bakker"]
    assert aliases(world, CaseFilter(mine=True), world.actor("social")) == ["Everts"]


def test_consent_problems_include_expired_and_expiring_consent(world, many):
    # 25 days on, Dijkstra's consent ended; Aalders's and Everts's stay complete
    world.clock.advance(15)
    rows = {r.alias: r for r in cases.list_cases(world.uow(), world.coordinator)}
    assert rows["Dijkstra"].consent == "expired"
    assert aliases(world, CaseFilter(consent_problem=True)) == ["Bakker", "Dijkstra"]
    # Aalders's child (born 2016) may turn 12 in 2028: from 2 Dec 2027 that is within 30 days
    world.clock.set(date(2027, 12, 2))
    assert "Aalders" in aliases(world, CaseFilter(consent_problem=True))


def test_each_sort_column_both_ways(world, many):
    rows = cases.list_cases(world.uow(), world.coordinator, CaseFilter(status=None))
    order = {"none": 0, "withdrawn": 1, "expired": 2, "incomplete": 3, "complete": 4, "expiring": 4}
    keys = {
        "code": lambda r: r.code,
        "alias": lambda r: r.alias.lower(),
        "municipality": lambda r: r.municipality,
        "level": lambda r: r.level,
        "status": lambda r: ("registered", "active", "closed").index(r.status),
        "consent": lambda r: order[r.consent] * 10 + (0 if r.meldcode else 1),
        "lead": lambda r: r.lead.lower() or None,
        "next_due": lambda r: r.next_due,
        "registered_on": lambda r: r.registered_on,
    }
    assert set(keys) == set(cases.SORT_COLUMNS)
    for column, key in keys.items():
        for descending in (False, True):
            valued = [r for r in rows if key(r) is not None]
            empty = [r for r in rows if key(r) is None]
            expected = sorted(valued, key=lambda r: (key(r), r.code), reverse=descending)
            expected += sorted(empty, key=lambda r: r.code, reverse=descending)
            got = codes(world, f=CaseFilter(status=None), sort=column, descending=descending)
            assert got == [r.code for r in expected], (column, descending)


def test_paging_is_consistent_with_the_count(world, many):
    for f in (CaseFilter(status=None), CaseFilter(), CaseFilter(level=3), CaseFilter(text="e")):
        total = cases.count_cases(world.uow(), world.coordinator, f)
        for sort in ("code", "lead", "next_due"):
            whole = codes(world, f=f, sort=sort)
            paged: list[str] = []
            for offset in range(0, total + 2, 2):
                paged += codes(world, f=f, sort=sort, offset=offset, limit=2)
            assert paged == whole and len(whole) == total


# ---------------------------------------------------------------- validators (properties)

TODAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
TEXT = st.text(max_size=300)


@settings(max_examples=300)
@given(
    st.builds(
        CaseInput,
        alias=TEXT,
        municipality_id=st.none() | st.integers(),
        level=st.integers(-3, 8),
        family_name=st.text(max_size=250),
        notes=st.text(max_size=50) | st.just("x" * 4001),
        registered_on=st.none() | st.dates(),
    ),
    TODAY,
)
def test_case_field_errors_never_crash(data, today):
    errors = cases.case_field_errors(cases.normalised_case(data), today)
    fields = {e.field for e in errors}
    data = cases.normalised_case(data)
    assert ("alias" in fields) == (not data.alias or len(data.alias) > 120)
    assert ("municipality_id" in fields) == (data.municipality_id is None)
    assert ("level" in fields) == (data.level not in LEVELS)
    assert ("registered_on" in fields) == (
        data.registered_on is not None and data.registered_on > today
    )
    assert ("family_name" in fields) == (len(data.family_name) > 200)
    assert ("notes" in fields) == (len(data.notes) > 4000)
    assert all(e.message for e in errors)


@settings(max_examples=300)
@given(
    st.builds(
        ChildData,
        name=TEXT,
        birth_year=st.integers(1900, 2100),
        notes=st.text(max_size=20),
        buddy_organisation_id=st.none() | st.integers(1, 9),
        buddy_since=st.none() | st.dates(),
    ),
    TODAY,
)
def test_child_field_errors_never_crash(data, today):
    errors = cases.child_field_errors(data, today)
    fields = {e.field for e in errors}
    assert ("name" in fields) == (not data.name.strip() or len(data.name) > 80)
    assert ("birth_year" in fields) == (not today.year - 23 <= data.birth_year <= today.year)
    if data.buddy_organisation_id is not None and data.buddy_since is not None:
        assert ("buddy_since" in fields) == (data.buddy_since > today)
    elif data.buddy_organisation_id is not None or data.buddy_since is not None:
        assert fields & {"buddy_since", "buddy_organisation_id"}
    else:
        assert not fields & {"buddy_since", "buddy_organisation_id"}
    assert all(e.message for e in errors)


@settings(max_examples=200)
@given(
    st.text(min_size=1, max_size=80).filter(lambda t: t.replace("\x00", "").strip()),
    st.integers(0, 23),
    TODAY,
)
def test_good_children_have_no_errors(name, age, today):
    assert cases.child_field_errors(ChildData(name, today.year - age), today) == []


@settings(max_examples=200)
@given(
    st.builds(
        CarerData,
        alias=TEXT,
        relation=st.sampled_from([*CARER_RELATIONS, "uncle", ""]),
        parental_authority=st.booleans(),
        notes=st.text(max_size=20),
    )
)
def test_carer_field_errors(data):
    fields = {e.field for e in cases.carer_field_errors(data)}
    assert ("alias" in fields) == (not data.alias.strip() or len(data.alias) > 80)
    assert ("relation" in fields) == (data.relation not in CARER_RELATIONS)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    alias=st.text(min_size=1, max_size=120).filter(lambda t: " ".join(storable(t).split())),
    level=st.sampled_from(LEVELS),
)
def test_registering_valid_input_always_works(world, alias, level):
    """On the database: valid input is saved as given (whitespace folded, and without
    NUL characters, which PostgreSQL cannot store), on both databases."""
    header = world.case(alias=alias, level=level)
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert file.header.alias == " ".join(storable(alias).split())
    assert file.header.level == level
    found = cases.list_cases(world.uow(), world.worker, CaseFilter(text=header.code))
    assert [r.id for r in found] == [header.id]


# ---------------------------------------------------------------- partners named by cases


def _drop_contact(world: World, org_key: str, name: str) -> partners.OrganisationData:
    org = partners.get_organisation(world.uow(), world.org(org_key))
    return replace(org, contacts=tuple(c for c in org.contacts if c.name != name))


@pytest.mark.parametrize("how", ["case lead", "next step", "signal", "pact user"])
def test_a_contact_person_that_case_records_name_cannot_be_removed(world, how):
    header, _kids, _carers = world.family()
    world.consent(header.id, ["school", "social"])
    header = cases.get_case(world.uow(), world.worker, header.id).header
    if how == "case lead":
        org, name = "social", "Sam Kuipers"
        cases.update_case(
            world.uow(), world.worker, edit(header, lead_contact_id=world.contact(name))
        )
    elif how == "next step":
        org, name = "school", "Marieke Olthof"
        world.step(header.id, owner_contact=name)
    elif how == "signal":
        org, name = "school", "Marieke Olthof"
        consultations.save_signal(
            world.uow(),
            world.worker,
            header.id,
            SignalData(
                START,
                "Stil in de klas",
                "child_school",
                source_org_id=world.org(org),
                source_contact_id=world.contact(name),
            ),
        )
    else:
        org, name = "school", "Elia Brinkhuis"  # the teacher's user links to her
    before = world.snapshot()
    with pytest.raises(ValidationError) as info:
        partners.save_organisation(world.uow(), _drop_contact(world, org, name))
    assert info.value.for_field("contacts") == _(
        "{name} cannot be removed: {what} names this contact person. Untick “Active” instead."
    ).format(name=name, what=_("a " + how))
    assert world.snapshot() == before
    # making the contact inactive is allowed
    data = partners.get_organisation(world.uow(), world.org(org))
    kept = tuple(replace(c, active=False) if c.name == name else c for c in data.contacts)
    saved = partners.save_organisation(world.uow(), replace(data, contacts=kept))
    assert [c.active for c in saved.contacts if c.name == name] == [False]


def test_a_contact_person_no_case_names_can_be_removed(world):
    saved = partners.save_organisation(world.uow(), _drop_contact(world, "gp", "Lisa de Linde"))
    assert saved.contacts == ()


# ---------------------------------------------------------------- review fixes


def test_closing_cancels_the_open_next_steps_and_says_who(world):
    header = world.case()
    done = world.step(header.id, "Gesprek met de ouders")
    open_step = world.step(header.id, "Verwijzen naar het sociaal team")
    consultations.set_action_status(
        world.uow(), world.worker, done.id, "done", done_on=clock.today()
    )
    cases.close_case(world.uow(), world.coordinator, header.id, clock.today(), "Het gaat goed")
    steps = {a.id: a for a in consultations.case_actions(world.uow(), world.worker, header.id)}
    assert steps[done.id].status == "done"
    assert steps[done.id].closed_by == world.worker.display_name
    cancelled = steps[open_step.id]
    assert cancelled.status == "cancelled"
    assert cancelled.closed_by == world.coordinator.display_name
    assert _("Cancelled: the case was closed.") in cancelled.note
    entries = timeline.timeline(world.uow(), world.worker, header.id, kinds={"action"})
    titles = {e.title: e.user for e in entries}
    assert (
        titles[_("Next step cancelled: {what}").format(what="Verwijzen naar het sociaal team")]
        == world.coordinator.display_name
    )


def test_a_step_done_after_its_due_date_is_marked_late(world):
    header = world.case()
    step = world.step(header.id, "Bellen met school", due_in=2)
    world.clock.advance(5)
    done = consultations.set_action_status(
        world.uow(), world.worker, step.id, "done", done_on=clock.today()
    )
    assert done.done_late
    entries = timeline.timeline(world.uow(), world.worker, header.id, kinds={"action"})
    assert _("Next step done late: {what}").format(what="Bellen met school") in {
        e.title for e in entries
    }


def test_the_case_search_finds_a_childs_name(world):
    header = world.case(alias="Fam. Z.")
    world.child(header.id, "Jochem", 2015)
    found = cases.list_cases(world.uow(), world.worker, CaseFilter(text="jochem"))
    assert [r.id for r in found] == [header.id]
    child = cases.get_case(world.uow(), world.worker, header.id).children[0]
    cases.remove_child(world.uow(), world.worker, header.id, child.id or 0)
    assert cases.list_cases(world.uow(), world.worker, CaseFilter(text="jochem")) == []


def test_incomplete_consent_without_partners_says_who_is_missing(world):
    header, _kids, [mum, dad] = world.family(children=(2016,), level=3)
    consent.record_consent(
        world.uow(),
        world.worker,
        header.id,
        ConsentInput(
            clock.today(),
            "signed_form",
            (("carer", mum.id or 0),),
            (world.org("social"),),
            ("family",),
        ),
    )
    summary = cases.get_case(world.uow(), world.worker, header.id).consent
    assert summary.state == "incomplete"
    missing = [w for w in summary.warnings if w.startswith(_("Still missing: {gaps}.")[:8])]
    assert missing and dad.alias in missing[0] and mum.alias not in missing[0]
