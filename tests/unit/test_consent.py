"""Consent in the database: whose consent a case needs (by the children's ages and
the level), recording and withdrawing it, expiry, the stored consent state; which
partners may receive case information (consent scope); the Meldcode path."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pact.errors import ConsentRequiredError, NeedsConfirmationError, ValidationError
from pact.i18n import _, format_date
from pact.models import Action, Child, Consultation
from pact.models.case import CONSENT_METHODS, INFO_KINDS
from pact.services import cases, consent, consultations, dashboard, timeline
from pact.services.cases import CaseFilter, ChildData
from pact.services.consent import ConsentInput, MeldcodeInput, WithdrawalInput
from pact.services.consultations import ActionInput, ConsultationInput
from tests.unit.conftest import START, World


def rule_text(msgid: str) -> str:
    """The part of a translated age rule after "name (ages): "."""
    return _(msgid).split("): ", 1)[1]


def errors_of(call, *args, **kw) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return {e.field: e.message for e in info.value.errors}


def refused(world: World, call, *args, **kw) -> ConsentRequiredError:
    """``call`` raises ConsentRequiredError and changes nothing in the database."""
    before = world.snapshot()
    with pytest.raises(ConsentRequiredError) as info:
        call(*args, **kw)
    assert world.snapshot() == before
    return info.value


def file_of(world: World, case_id: int) -> cases.CaseFile:
    return cases.get_case(world.uow(), world.worker, case_id)


def stored(world: World, case_id: int) -> cases.CaseRow:
    [row] = [
        r
        for r in cases.list_cases(world.uow(), world.coordinator, CaseFilter(status=None))
        if r.id == case_id
    ]
    return row


def carer_name(carer) -> str:
    relation = {"mother": _("Mother"), "father": _("Father")}[carer.relation]
    return _("{alias} ({relation})").format(alias=carer.alias, relation=relation.lower())


def parents_of(carers) -> list[tuple[str, int]]:
    return [("carer", c.id) for c in carers]


# ---------------------------------------------------------------- whose consent


def test_under_12_one_parent_is_enough_while_the_parents_cooperate(world):
    header, [kid], [mum, dad] = world.family(children=(2016,), level=2)
    world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    file = file_of(world, header.id)
    assert file.consent.state == "complete"
    assert file.consent.required == (
        _("{name} ({ages}): the parents consent for the child").format(
            name=kid.name, ages=_("{young} or {old} years old").format(young=9, old=10)
        ),
        _("Parents with parental authority: {names}. One of them may consent.").format(
            names=f"{carer_name(mum)}, {carer_name(dad)}"
        ),
    )
    assert file.consent.warnings == ()
    assert stored(world, header.id).consent == "complete"


def test_in_a_high_conflict_divorce_every_parent_with_authority_consents(world):
    header, _kids, [mum, dad] = world.family(children=(2016,), level=2)
    world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("school"), "school")
    cases.change_level(world.uow(), world.worker, header.id, 3, "Strijd over de omgang")
    file = file_of(world, header.id)
    assert file.consent.state == "incomplete"
    assert stored(world, header.id).consent == "incomplete"
    [warning] = file.consent.warnings
    assert "Basisschool De Wilgenhoek" in warning
    missing = warning.split(_("Still missing: {gaps}.").split("{gaps}")[0])[1]
    assert dad.alias in warning and mum.alias not in missing
    assert any(
        _(
            "Parents with parental authority: {names}. Each of them must consent: at level 3 "
            "and 4 one parent's consent is not enough."
        ).split("{names}")[1][:20]
        in line
        for line in file.consent.required
    )
    # the involved school is no longer covered
    school = next(p for p in file.partners if p.role == "school")
    assert school.basis is None and dad.alias in school.problem
    # the father's consent completes it again
    world.consent(header.id, ["school"], givers=[("carer", dad.id)])
    assert file_of(world, header.id).consent.state == "complete"
    assert stored(world, header.id).consent == "complete"


def test_from_12_the_child_consents_too(world):
    header, [kid], [mum, _dad] = world.family(children=(2013,), level=2)
    world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    assert file_of(world, header.id).consent.state == "incomplete"
    world.consent(header.id, ["school"], givers=[("child", kid.id)])
    assert file_of(world, header.id).consent.state == "complete"


def test_from_16_the_child_consents_alone(world):
    header, [kid], [mum, dad] = world.family(children=(2009,), level=4)
    world.consent(header.id, ["school"], givers=parents_of([mum, dad]))
    assert file_of(world, header.id).consent.state == "incomplete"
    world.consent(header.id, ["school"], givers=[("child", kid.id)])
    file = file_of(world, header.id)
    assert file.consent.state == "complete"
    assert rule_text("{name} ({ages}): the child consents alone") in file.consent.required[0]


@pytest.mark.parametrize("birth_year", [2014, 2010])
def test_an_uncertain_age_applies_the_stricter_rule(world, birth_year):
    header, [kid], [mum, _dad] = world.family(children=(birth_year,), level=1)
    file = file_of(world, header.id)
    assert _("(the age is uncertain: the stricter rule applies)") in file.consent.required[0]
    assert (
        rule_text("{name} ({ages}): the child and the parents consent") in file.consent.required[0]
    )
    world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    assert file_of(world, header.id).consent.state == "incomplete"
    error = refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("school"),
        "school",
    )
    assert kid.name in error.for_field("organisation_id")
    world.consent(header.id, ["school"], givers=[("child", kid.id)])
    assert file_of(world, header.id).consent.state == "complete"
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("school"), "school")


def test_no_children_or_no_parent_with_authority_is_incomplete_with_a_message(world):
    header = world.case()
    mum = world.carer(header.id, "M.", "mother", True)
    world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    file = file_of(world, header.id)
    assert file.consent.state == "incomplete"
    assert file.consent.warnings[0] == _(
        "No children are recorded: pact needs each child's year of birth to know whose consent "
        "is required."
    )
    other = world.case()
    world.child(other.id, "K.", 2016)
    stepdad = world.carer(other.id, "S.", "step_parent", False)
    world.consent(other.id, ["school"], givers=[("carer", stepdad.id)])
    file = file_of(world, other.id)
    assert file.consent.state == "incomplete"
    assert file.consent.warnings[0] == _(
        "No parent or carer with parental authority is recorded, and a child under 16 needs "
        "their consent."
    )


def test_a_case_without_consent_says_so(world):
    header, _kids, _carers = world.family()
    file = file_of(world, header.id)
    assert file.header.consent == "none"
    assert file.consent.warnings == (_("No consent is recorded for this case."),)


# ---------------------------------------------------------------- expiry and withdrawal


def test_expiring_then_expired(world):
    header, _kids, carers = world.family(children=(2016,))
    world.consent(
        header.id, ["school"], givers=parents_of(carers), valid_until=START + timedelta(40)
    )
    assert file_of(world, header.id).header.consent == "complete"
    world.clock.advance(15)  # 25 days left
    file = file_of(world, header.id)
    assert file.header.consent == "expiring"
    assert file.header.consent_ok_until == START + timedelta(40)
    assert stored(world, header.id).consent == "expiring"
    assert file.consent.warnings[-1] == _(
        "The consent stays complete until {date}; renew it in time."
    ).format(date=format_date(START + timedelta(40)))
    assert header.id in [e.case_id for e in dashboard.dashboard(world.uow(), world.worker).expiring]
    world.clock.advance(26)  # one day after the last valid day
    assert file_of(world, header.id).header.consent == "expired"
    assert stored(world, header.id).consent == "expired"
    assert dashboard.dashboard(world.uow(), world.worker).expiring == ()
    # the next write stores the new state
    cases.change_level(world.uow(), world.worker, header.id, 1)
    file = file_of(world, header.id)
    assert file.consent.state == "expired"
    assert _("Every consent for this case has expired.") in file.consent.warnings


def test_ok_until_the_end_of_the_year_before_a_child_may_turn_12(world):
    header, _kids, carers = world.family(children=(2015,))
    world.consent(header.id, ["school"], givers=parents_of(carers))
    assert file_of(world, header.id).header.consent_ok_until == date(2026, 12, 31)
    world.clock.set(date(2026, 12, 10))
    assert stored(world, header.id).consent == "expiring"
    world.clock.set(date(2027, 1, 4))
    assert stored(world, header.id).consent == "expired"  # display: the stored state is stale
    assert consent.refresh_stale(world.uow()) == 1
    assert consent.refresh_stale(world.uow()) == 0  # checked this year now
    row = stored(world, header.id)
    assert row.consent == "incomplete" and row.consent_ok_until is None
    assert (
        rule_text("{name} ({ages}): the child and the parents consent")
        in file_of(world, header.id).consent.required[0]
    )


def test_withdrawal(world):
    header, [kid], [mum, dad] = world.family(children=(2016,), level=2)
    first = world.consent(header.id, ["school"], givers=[("carer", mum.id)])
    second = world.consent(header.id, ["school"], givers=[("carer", dad.id)])
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("school"), "school")
    world.clock.advance(7)
    consent.withdraw_consent(
        world.uow(),
        world.worker,
        first,
        WithdrawalInput(world.clock(), ("carer", mum.id), " Boos "),
    )
    assert file_of(world, header.id).consent.state == "complete"  # the father's still holds
    consent.withdraw_consent(
        world.uow(), world.worker, second, WithdrawalInput(world.clock(), ("carer", dad.id))
    )
    file = file_of(world, header.id)
    assert file.consent.state == "withdrawn"
    assert _("Every consent for this case has been withdrawn.") in file.consent.warnings
    school = next(p for p in file.partners if p.role == "school")
    assert school.basis is None and school.problem == _("No consent in force names this partner.")
    entries = timeline.timeline(world.uow(), world.worker, header.id, kinds={"consent"})
    assert [e.title for e in entries] == [
        _("Consent recorded ({method})").format(method=_("Signed form").lower()),
        _("Consent recorded ({method})").format(method=_("Signed form").lower()),
        _("Consent withdrawn"),
        _("Consent withdrawn"),
    ]
    assert entries[2].detail == "Boos"
    # a withdrawn consent no longer lets information go to a new partner
    refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("social"),
        "support",
    )
    del kid


def test_withdrawal_is_validated(world):
    header, [kid], [mum, _dad] = world.family()
    other, [stranger], _others = world.family()
    record = world.consent(header.id, ["school"])
    before = world.snapshot()
    today = world.clock()

    def errors(data: WithdrawalInput) -> dict[str, str]:
        return errors_of(consent.withdraw_consent, world.uow(), world.worker, record, data)

    assert errors(WithdrawalInput(today + timedelta(1), ("child", kid.id))) == {
        "withdrawn_on": _("This date lies in the future.")
    }
    assert errors(WithdrawalInput(today - timedelta(1), ("child", kid.id))) == {
        "withdrawn_on": _("A consent cannot be withdrawn before it was given.")
    }
    assert errors(WithdrawalInput(today, None)) == {"by": _("Choose who withdrew the consent.")}
    assert errors(WithdrawalInput(today, ("child", stranger.id))) == {
        "by": _("Choose people of this family.")
    }
    assert errors(WithdrawalInput(today, ("carer", mum.id), "x" * 4001)) == {
        "note": _("Use at most {n} characters.").format(n=4000)
    }
    assert world.snapshot() == before
    consent.withdraw_consent(
        world.uow(), world.worker, record, WithdrawalInput(today, ("carer", mum.id))
    )
    assert errors(WithdrawalInput(today, ("carer", mum.id))) == {
        "withdrawn_on": _("This consent was already withdrawn.")
    }
    del other


def test_recording_consent_is_validated_and_saves_nothing(world):
    header, [kid], [mum, _dad] = world.family()
    _other, [stranger], _others = world.family()
    before = world.snapshot()
    today = world.clock()

    def errors(**changes) -> dict[str, str]:
        data = ConsentInput(
            given_on=today,
            method="verbal",
            givers=(("carer", mum.id),),
            partner_ids=(world.org("school"),),
            info_kinds=("family",),
        )
        return errors_of(
            consent.record_consent, world.uow(), world.worker, header.id, replace(data, **changes)
        )

    assert errors(given_on=today + timedelta(1)) == {"given_on": _("This date lies in the future.")}
    assert errors(method="fax") == {"method": _("Choose how the consent was recorded.")}
    assert errors(valid_until=today - timedelta(1)) == {
        "valid_until": _("The consent cannot end before the day it was given.")
    }
    assert errors(givers=()) == {"givers": _("Tick who gave the consent.")}
    assert errors(givers=(("child", stranger.id),)) == {
        "givers": _("Choose people of this family.")
    }
    assert errors(givers=(("carer", kid.id + 1000),)) == {
        "givers": _("Choose people of this family.")
    }
    assert errors(partner_ids=()) == {"partner_ids": _("Tick the partners the consent is for.")}
    assert errors(partner_ids=(99999,)) == {"partner_ids": _("This organisation no longer exists.")}
    assert errors(info_kinds=()) == {
        "info_kinds": _("Tick the kinds of information the consent covers.")
    }
    assert errors(info_kinds=("gossip",)) == {
        "info_kinds": _("Unknown kind of information: {code}").format(code="gossip")
    }
    assert world.snapshot() == before


def test_consent_valid_until_the_last_day_of_the_calendar(world):
    """A date editor's maximum (31-12-9999) must not break the case."""
    header, _kids, carers = world.family()
    world.consent(header.id, ["school"], givers=parents_of(carers), valid_until=date.max)
    assert file_of(world, header.id).header.consent == "complete"


# ---------------------------------------------------------------- consent scope


def test_involving_an_uncovered_partner_is_refused_and_names_the_field(world):
    header, _kids, _carers = world.family()
    error = refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("mediator"),
        "mediation",
    )
    assert [e.field for e in error.errors] == ["organisation_id"]
    message = error.for_field("organisation_id")
    assert message.startswith(
        _("{organisation} is not covered by the consent for this case.").format(
            organisation="Mediationpraktijk Het Midden"
        )
    )
    assert _("No consent in force names this partner.") in message
    # consent for another partner does not help
    world.consent(header.id, ["school"])
    refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("mediator"),
        "mediation",
    )
    world.consent(header.id, ["mediator"])
    link = cases.involve_partner(
        world.uow(),
        world.worker,
        header.id,
        world.org("mediator"),
        "mediation",
        " Ouderschapsplan ",
    )
    assert (link.organisation, link.role, link.basis, link.note) == (
        "Mediationpraktijk Het Midden",
        "mediation",
        "consent",
        "Ouderschapsplan",
    )
    assert not link.under_meldcode
    assert "organisation_id" in errors_of(
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("mediator"),
        "support",
    )


def test_consent_that_names_the_partner_but_lacks_a_parent_is_refused(world):
    header, _kids, [mum, dad] = world.family(level=3)
    world.consent(header.id, ["social"], givers=[("carer", mum.id)])
    error = refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("social"),
        "support",
    )
    assert dad.alias in error.for_field("organisation_id")


def test_an_expired_consent_no_longer_covers(world):
    header, _kids, _carers = world.family()
    world.consent(header.id, ["social"], valid_until=START + timedelta(5))
    world.clock.advance(6)
    refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("social"),
        "support",
    )


def test_a_consultation_with_uncovered_partners_is_refused_unless_anonymous(world):
    header, _kids, _carers = world.family()
    question = ConsultationInput(
        held_on=START,
        question="Hoe praten we met Wesley?",
        partner_ids=(world.org("gp"), world.org("school")),
    )
    world.consent(header.id, ["school"])
    error = refused(
        world, consultations.save_consultation, world.uow(), world.worker, header.id, question
    )
    assert [e.field for e in error.errors] == ["partner_ids"]
    assert "Huisartsenpraktijk De Linde" in error.for_field("partner_ids")
    # anonymous: only the case code and level are shared, no consent needed
    saved = consultations.save_consultation(
        world.uow(), world.worker, header.id, replace(question, anonymous=True)
    )
    assert saved.anonymous and set(saved.partners) == {
        "Huisartsenpraktijk De Linde",
        "Basisschool De Wilgenhoek",
    }


def test_the_owner_of_a_next_step_always_needs_consent(world):
    header, _kids, _carers = world.family()
    step = ActionInput(
        "Gesprek met vader", START + timedelta(7), owner_org_id=world.org("mediator")
    )
    anonymous = ConsultationInput(START, "Wat kan mediation doen?", anonymous=True, steps=(step,))
    error = refused(
        world, consultations.save_consultation, world.uow(), world.worker, header.id, anonymous
    )
    assert [e.field for e in error.errors] == ["steps.0.owner"]
    assert world.rows(Consultation) == 0 and world.rows(Action) == 0
    # a next step outside a consultation: the field is "owner"
    error = refused(world, consultations.add_action, world.uow(), world.worker, header.id, step)
    assert [e.field for e in error.errors] == ["owner"]
    # a contact person as owner: their organisation must be covered
    by_contact = replace(step, owner_org_id=None, owner_contact_id=world.contact("Mira Stam"))
    error = refused(
        world, consultations.add_action, world.uow(), world.worker, header.id, by_contact
    )
    assert "Mediationpraktijk Het Midden" in error.for_field("owner")
    # the own organisation needs none
    mine = consultations.add_action(
        world.uow(), world.worker, header.id, replace(step, owner_org_id=world.org("home"))
    )
    # moving a step to an uncovered owner is refused too
    error = refused(
        world, consultations.update_action, world.uow(), world.worker, mine.id, step, mine.version
    )
    assert [e.field for e in error.errors] == ["owner"]
    world.consent(header.id, ["mediator"])
    moved = consultations.update_action(
        world.uow(), world.worker, mine.id, by_contact, mine.version
    )
    assert moved.owner == _("{contact} ({organisation})").format(
        contact="Mira Stam", organisation="Mediationpraktijk Het Midden"
    )
    assert moved.owner_org_id == world.org("mediator")


def test_a_buddy_needs_consent_and_becomes_involved(world):
    header, [kid], _carers = world.family()
    buddy = replace(kid, buddy_organisation_id=world.org("buddy"), buddy_since=START - timedelta(3))
    error = refused(world, cases.save_child, world.uow(), world.worker, header.id, buddy)
    assert [e.field for e in error.errors] == ["buddy_organisation_id"]
    new_child = ChildData("Z.", 2018, buddy_organisation_id=world.org("buddy"), buddy_since=START)
    refused(world, cases.save_child, world.uow(), world.worker, header.id, new_child)
    assert world.rows(Child) == 1
    world.consent(header.id, ["buddy"])
    saved = cases.save_child(world.uow(), world.worker, header.id, buddy)
    assert saved.buddy_organisation == "Maatjesproject Samen Sterk"
    link = next(p for p in file_of(world, header.id).partners if p.role == "buddy")
    assert (link.organisation, link.basis) == ("Maatjesproject Samen Sterk", "consent")


def test_a_partner_that_loses_coverage_makes_the_consent_incomplete(world):
    header, [kid], [mum, dad] = world.family(children=(2016,), level=2)
    world.consent(header.id, ["school", "social"], givers=[("carer", mum.id)])
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("social"), "support")
    assert file_of(world, header.id).consent.state == "complete"
    world.child(header.id, "Oudste", 2012)  # 13 or 14: their own consent is needed now
    file = file_of(world, header.id)
    assert file.consent.state == "incomplete"
    assert any("Sociaal Team Hengelo" in w and "Oudste" in w for w in file.consent.warnings)
    del kid, dad


# ---------------------------------------------------------------- the Meldcode


JUSTIFICATION = (
    "Veilig Thuis adviseert stap 3 van de Meldcode; besloten door de aandachtsfunctionaris."
)


def meldcode(world: World, case_id: int, *keys: str, text: str = JUSTIFICATION) -> int:
    return consent.record_meldcode(
        world.uow(),
        world.worker,
        case_id,
        MeldcodeInput(START, text, tuple(world.org(k) for k in keys or ("other",))),
    )


def test_the_meldcode_needs_level_4(world):
    header, _kids, _carers = world.family(level=3)
    before = world.snapshot()
    errors = errors_of(meldcode, world, header.id)
    assert list(errors) == ["level"]
    assert world.snapshot() == before


def test_the_meldcode_needs_a_written_justification(world):
    header, _kids, _carers = world.family(level=4)
    before = world.snapshot()
    errors = errors_of(
        consent.record_meldcode,
        world.uow(),
        world.worker,
        header.id,
        MeldcodeInput(START + timedelta(1), "  te kort  ", ()),
    )
    assert set(errors) == {"decided_on", "justification", "partner_ids"}
    assert "20" in errors["justification"]
    assert world.snapshot() == before
    assert not file_of(world, header.id).header.meldcode


def test_under_the_meldcode_the_named_partner_may_be_told_and_the_case_is_flagged(world):
    header, _kids, _carers = world.family(level=4)
    refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("other"),
        "support",
    )
    meldcode(world, header.id)
    link = cases.involve_partner(
        world.uow(), world.worker, header.id, world.org("other"), "support"
    )
    assert (link.basis, link.under_meldcode) == ("meldcode", True)
    file = file_of(world, header.id)
    assert file.header.meldcode
    assert stored(world, header.id).meldcode
    # the Meldcode partner does not make the consent incomplete: it needs none
    assert file.consent.state == "none"
    step = world.step(header.id, owner_org="other")
    assert step.meldcode
    entries = timeline.timeline(world.uow(), world.worker, header.id)
    assert [e.kind for e in entries if e.meldcode] == ["consent", "partner"]
    # the Meldcode names one partner, not every partner
    refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("gp"),
        "support",
    )


def test_lowering_the_level_ends_the_meldcode_cover(world):
    header, _kids, _carers = world.family(level=4)
    meldcode(world, header.id, "other", "gp")
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("other"), "support")
    # first pact says who would be left without any ground, and changes nothing
    before = world.snapshot()
    with pytest.raises(NeedsConfirmationError) as asked:
        cases.change_level(world.uow(), world.worker, header.id, 3, "Veiligheid hersteld")
    assert "Jeugdhulp Elders" in (asked.value.for_field("level") or "")
    assert world.snapshot() == before
    cases.change_level(world.uow(), world.worker, header.id, 3, "Veiligheid hersteld", confirm=True)
    file = file_of(world, header.id)
    assert file.header.level == 3
    # the case stays flagged: information was shared without consent
    assert file.header.meldcode
    assert stored(world, header.id).meldcode
    other = next(p for p in file.partners if p.organisation == "Jeugdhulp Elders")
    assert other.under_meldcode and other.basis is None and other.problem
    assert any("Meldcode" in w and "Jeugdhulp Elders" in w for w in file.consent.warnings)
    # the other partner the justification named is not covered any more either
    error = refused(
        world,
        cases.involve_partner,
        world.uow(),
        world.worker,
        header.id,
        world.org("gp"),
        "support",
    )
    assert error.for_field("organisation_id").endswith(
        _(
            "Record consent that covers {organisation}. Without consent, information may "
            "only be shared under the Meldcode, at level 4 (safety concerns)."
        ).format(organisation="Huisartsenpraktijk De Linde")
    )
    # back at level 4 the justification applies again
    cases.change_level(world.uow(), world.worker, header.id, 4, "Opnieuw onveilig")
    assert (
        cases.involve_partner(
            world.uow(), world.worker, header.id, world.org("gp"), "support"
        ).basis
        == "meldcode"
    )


# ---------------------------------------------------------------- validators (properties)

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=300)
@given(
    st.builds(
        ConsentInput,
        given_on=DATES,
        method=st.sampled_from([*CONSENT_METHODS, "fax", ""]),
        givers=st.lists(
            st.tuples(st.sampled_from(["carer", "child", "dog"]), st.integers(1, 5)), max_size=3
        ).map(tuple),
        partner_ids=st.lists(st.integers(1, 9), max_size=3).map(tuple),
        info_kinds=st.lists(st.sampled_from([*INFO_KINDS, "gossip"]), max_size=3).map(tuple),
        valid_until=st.none() | DATES,
        notes=st.text(max_size=10) | st.just("n" * 4001),
    ),
    DATES,
)
def test_consent_field_errors(data, today):
    fields = {e.field for e in consent.consent_field_errors(data, today)}
    assert ("given_on" in fields) == (data.given_on > today)
    assert ("method" in fields) == (data.method not in CONSENT_METHODS)
    assert ("valid_until" in fields) == (
        data.valid_until is not None and data.valid_until < data.given_on
    )
    assert ("givers" in fields) == (
        not data.givers or any(k not in ("carer", "child") for k, _i in data.givers)
    )
    assert ("partner_ids" in fields) == (not data.partner_ids)
    assert ("info_kinds" in fields) == (
        not data.info_kinds or any(k not in INFO_KINDS for k in data.info_kinds)
    )
    assert ("notes" in fields) == (len(data.notes) > 4000)


@settings(max_examples=300)
@given(
    st.builds(
        MeldcodeInput,
        decided_on=DATES,
        justification=st.text(max_size=60) | st.just(" " * 30 + "j" * 4001) | st.just("j" * 4000),
        partner_ids=st.lists(st.integers(1, 9), max_size=3).map(tuple),
    ),
    DATES,
)
def test_meldcode_field_errors(data, today):
    errors = consent.meldcode_field_errors(data, today)
    fields = {e.field for e in errors}
    text = data.justification.strip()
    assert ("decided_on" in fields) == (data.decided_on > today)
    assert ("justification" in fields) == (not 20 <= len(text) <= 4000)
    assert ("partner_ids" in fields) == (not data.partner_ids)
    assert all(e.message for e in errors)
