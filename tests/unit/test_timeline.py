"""The case timeline: everything in one chronological list, with kind filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pact.errors import AccessDeniedError
from pact.i18n import _, format_date
from pact.services import cases, consent, consultations, timeline
from pact.services.consent import MeldcodeInput, WithdrawalInput
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.vocab import level_label
from tests.unit.conftest import START

D = [START + timedelta(days=n) for n in range(10)]
SCHOOL = "Basisschool De Wilgenhoek"
HOME = "Stichting Welzijn De Schakel"


@pytest.fixture
def story(world):
    """A case from registration to a same-day close and reopen, a day per step."""
    header, [kid], [mum, _dad] = world.family(alias="Fam. T.", children=(2016,), level=2)
    consultations.save_signal(
        world.uow(),
        world.worker,
        header.id,
        SignalData(
            START - timedelta(3),
            "Vaker afwezig",
            "child_school",
            2,
            child_id=kid.id,
            source_org_id=world.org("school"),
        ),
    )
    world.clock.set(D[1])
    record = world.consent(header.id, ["school"])
    link = cases.involve_partner(
        world.uow(), world.worker, header.id, world.org("school"), "school"
    )
    consultations.save_consultation(
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            D[1],
            "Hoe helpen we hem?",
            advice="Korte gesprekjes",
            partner_ids=(world.org("school"),),
            steps=(ActionInput("Gesprekjes", D[5], owner_org_id=world.org("school")),),
        ),
    )
    world.clock.set(D[2])
    cases.change_level(world.uow(), world.worker, header.id, 3, "Strijd over het ouderschapsplan")
    # recorded a day later, observed on day 1: it sorts by the day it was observed
    consultations.save_signal(
        world.uow(), world.worker, header.id, SignalData(D[1], "Kort lontje", "child_school")
    )
    world.clock.set(D[3])
    [step] = consultations.case_actions(world.uow(), world.worker, header.id)
    consultations.set_action_status(world.uow(), world.worker, step.id, "done", D[3], "Gedaan")
    world.clock.set(D[4])
    cases.end_involvement(world.uow(), world.worker, header.id, link.id)
    world.clock.set(D[5])
    consent.withdraw_consent(
        world.uow(), world.worker, record, WithdrawalInput(D[5], ("carer", mum.id), "Boos")
    )
    world.clock.set(D[6])
    cases.close_case(world.uow(), world.worker, header.id, D[6], "Verhuisd")
    cases.reopen_case(world.uow(), world.coordinator, header.id, "Toch niet verhuisd")
    return header


def entries(world, case_id, kinds=None):
    return [
        (e.on, e.kind, e.title)
        for e in timeline.timeline(world.uow(), world.worker, case_id, kinds)
    ]


def test_the_timeline_is_chronological_across_kinds(world, story):
    signal = _("Signal ({domain}, {seriousness})").format(
        domain=_("Child & school").lower(), seriousness=_("Worrying").lower()
    )
    mild = _("Signal ({domain}, {seriousness})").format(
        domain=_("Child & school").lower(), seriousness=_("Mild").lower()
    )
    assert entries(world, story.id) == [
        (
            START - timedelta(3),
            "signal",
            _("{title} about {child}").format(title=signal, child="K1."),
        ),
        (D[0], "status", _("Case registered")),
        (D[0], "level", _("Level at registration: {level}").format(level=level_label(2))),
        (
            D[0],
            "partner",
            _("{organisation} involved: {role}").format(
                organisation=HOME, role=_("Registered the case")
            ),
        ),
        (D[1], "consent", _("Consent recorded ({method})").format(method=_("Signed form").lower())),
        (
            D[1],
            "partner",
            _("{organisation} involved: {role}").format(organisation=SCHOOL, role=_("School")),
        ),
        (D[1], "signal", mild),
        (D[1], "consultation", _("Consultation with {partners}").format(partners=SCHOOL)),
        (D[1], "action", _("Next step agreed: {what}").format(what="Gesprekjes")),
        (D[1], "status", _("Support started")),
        (D[2], "level", _("Level raised to {level}").format(level=level_label(3))),
        (D[3], "action", _("Next step done: {what}").format(what="Gesprekjes")),
        (D[4], "partner", _("{organisation} no longer involved").format(organisation=SCHOOL)),
        (D[5], "consent", _("Consent withdrawn")),
        (D[6], "status", _("Case closed")),
        (D[6], "status", _("Case reopened")),
    ]


def test_timeline_entries_say_who_and_what(world, story):
    by_title = {e.title: e for e in timeline.timeline(world.uow(), world.worker, story.id)}
    consultation = by_title[_("Consultation with {partners}").format(partners=SCHOOL)]
    assert consultation.detail == _("{question} Advice: {advice}").format(
        question="Hoe helpen we hem?", advice="Korte gesprekjes"
    )
    assert consultation.user == "Wendy Wolters"
    step = by_title[_("Next step agreed: {what}").format(what="Gesprekjes")]
    assert step.detail == _("{owner}, due {date}").format(owner=SCHOOL, date=format_date(D[5]))
    assert by_title[_("Case reopened")].user == "Carla Coördinator"
    assert by_title[_("Case reopened")].detail == "Toch niet verhuisd"
    assert by_title[_("Case closed")].detail == "Verhuisd"
    raised = by_title[_("Level raised to {level}").format(level=level_label(3))]
    assert raised.detail == "Strijd over het ouderschapsplan"
    assert by_title[_("Consent withdrawn")].detail == "Boos"
    signal = next(e for e in by_title.values() if e.kind == "signal" and e.on < START)
    assert signal.detail == _("{text} (from {source})").format(text="Vaker afwezig", source=SCHOOL)


@pytest.mark.parametrize(
    "kinds",
    [{"status"}, {"level"}, {"consent", "partner"}, {"signal", "action"}, {"consultation"}],
)
def test_kind_filters_keep_the_order(world, story, kinds):
    everything = entries(world, story.id)
    assert entries(world, story.id, kinds) == [e for e in everything if e[1] in kinds]
    assert entries(world, story.id, kinds)


def test_no_kinds_nothing(world, story):
    assert entries(world, story.id, set()) == []
    # every kind but meetings (tests/unit/test_meetings.py has those)
    assert {e[1] for e in entries(world, story.id)} == set(timeline.KINDS) - {"meeting"}


def test_a_lowered_level_and_an_anonymous_consultation(world):
    header = world.case(level=3)
    cases.change_level(world.uow(), world.worker, header.id, 1, "Rustiger")
    consultations.save_consultation(
        world.uow(), world.worker, header.id, ConsultationInput(START, "Vraag", anonymous=True)
    )
    titles = [e[2] for e in entries(world, header.id, {"level", "consultation"})]
    assert titles == [
        _("Level at registration: {level}").format(level=level_label(3)),
        _("Level lowered to {level}").format(level=level_label(1)),
        _("{title} (anonymous)").format(title=_("Consultation")),
    ]


def test_meldcode_entries_are_flagged(world):
    header, *_family = world.family(level=4)
    consent.record_meldcode(
        world.uow(),
        world.worker,
        header.id,
        MeldcodeInput(
            START,
            "Veilig Thuis: acute onveiligheid, stap 4 van de Meldcode.",
            (world.org("other"),),
        ),
    )
    cases.involve_partner(world.uow(), world.worker, header.id, world.org("other"), "support")
    flagged = [e for e in timeline.timeline(world.uow(), world.worker, header.id) if e.meldcode]
    assert [(e.kind, e.title) for e in flagged] == [
        (
            "consent",
            _("Meldcode: information shared without consent with {partners}").format(
                partners="Jeugdhulp Elders"
            ),
        ),
        (
            "partner",
            _("{organisation} involved: {role}").format(
                organisation="Jeugdhulp Elders", role=_("Support")
            ),
        ),
    ]
    assert flagged[1].detail == _("Under the Meldcode, without consent.")


def test_the_timeline_needs_to_know(world, story):
    with pytest.raises(AccessDeniedError):
        timeline.timeline(world.uow(), world.actor("outsider"), story.id)
    # the school was involved, but no longer is
    with pytest.raises(AccessDeniedError):
        timeline.timeline(world.uow(), world.actor("teacher"), story.id)
    assert timeline.timeline(world.uow(), world.coordinator, story.id)
