"""Signals, consultations and agreed next steps (actions), and the action lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pact.errors import ConflictError, NotFoundError, ValidationError
from pact.i18n import _
from pact.models import Action, Consultation
from pact.models.case import SERIOUSNESS, SIGNAL_DOMAINS
from pact.services import cases, consultations
from pact.services.consultations import (
    ActionFilter,
    ActionInput,
    ConsultationInput,
    SignalData,
)
from tests.unit.conftest import START, World


def errors_of(call, *args, **kw) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return {e.field: e.message for e in info.value.errors}


@pytest.fixture
def tukker(world):
    """The Tukker family: Wesley (born 2016), both parents; consent for the school,
    the social team and the mediator."""
    header, [wesley], carers = world.family(alias="Fam. T.", children=(2016,))
    world.consent(header.id, ["school", "social", "mediator"])
    return header, wesley, carers


# ---------------------------------------------------------------- signals


def test_record_and_correct_a_signal(world, tukker):
    header, wesley, _carers = tukker
    signal = consultations.save_signal(
        world.uow(),
        world.worker,
        header.id,
        SignalData(
            observed_on=START - timedelta(2),
            observation="  Wesley is vaker afwezig en trekt zich terug. ",
            domain="child_school",
            seriousness=2,
            child_id=wesley.id,
            source_org_id=world.org("school"),
            source_contact_id=world.contact("Elia Brinkhuis"),
        ),
    )
    assert signal.observation == "Wesley is vaker afwezig en trekt zich terug."
    assert (signal.child, signal.recorded_by) == ("K1.", "Wendy Wolters")
    assert signal.source == _("{contact} ({organisation})").format(
        contact="Elia Brinkhuis", organisation="Basisschool De Wilgenhoek"
    )
    later = consultations.save_signal(
        world.uow(),
        world.worker,
        header.id,
        SignalData(START, "Kort lontje", "child_school", 1, source_org_id=world.org("school")),
    )
    assert later.source == "Basisschool De Wilgenhoek"
    listed = consultations.list_signals(world.uow(), world.worker, header.id)
    assert [x.id for x in listed] == [later.id, signal.id]  # newest first
    fixed = consultations.save_signal(
        world.uow(), world.worker, header.id, replace(signal, seriousness=3)
    )
    assert fixed.seriousness == 3 and fixed.version == signal.version + 1
    with pytest.raises(ConflictError):
        consultations.save_signal(
            world.uow(), world.worker, header.id, replace(signal, domain="legal")
        )
    other = world.case()
    with pytest.raises(NotFoundError):
        consultations.save_signal(
            world.uow(), world.worker, other.id, replace(fixed, child_id=None)
        )
    # a signal does not start the support of a case
    assert cases.get_case(world.uow(), world.worker, header.id).header.status == "registered"


def test_signals_are_validated(world, tukker):
    header, _wesley, _carers = tukker
    other, [stranger], _others = world.family()
    before = world.snapshot()

    def errors(data: SignalData) -> dict[str, str]:
        return errors_of(consultations.save_signal, world.uow(), world.worker, header.id, data)

    assert errors(SignalData(START + timedelta(1), " ", "gossip", 7)) == {
        "observed_on": _("This date lies in the future."),
        "observation": _("This field is required."),
        "domain": _("Choose what the signal is about."),
        "seriousness": _("Choose how serious the signal is."),
    }
    ok = SignalData(START, "Boos", "relational")
    assert errors(replace(ok, child_id=stranger.id)) == {
        "child_id": _("Choose a child of this family.")
    }
    assert errors(
        replace(
            ok, source_org_id=world.org("gp"), source_contact_id=world.contact("Elia Brinkhuis")
        )
    ) == {"source": _("This contact person works for another organisation.")}
    assert errors(replace(ok, source_org_id=9999)) == {
        "source": _("This organisation no longer exists.")
    }
    assert world.snapshot() == before
    del other


# ---------------------------------------------------------------- consultations


def test_a_consultation_with_next_steps(world, tukker):
    header, _wesley, _carers = tukker
    saved = consultations.save_consultation(
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            held_on=START,
            question="  Hoe helpen we Wesley op school? ",
            advice=" Korte gesprekjes met de IB'er. ",
            partner_ids=(world.org("school"), world.org("social"), world.org("school")),
            steps=(
                ActionInput(
                    " Gesprekjes plannen ",
                    START + timedelta(7),
                    owner_contact_id=world.contact("Marieke Olthof"),
                ),
                ActionInput(
                    "Ouders uitnodigen", START + timedelta(14), owner_org_id=world.org("social")
                ),
            ),
        ),
    )
    assert (saved.question, saved.advice) == (
        "Hoe helpen we Wesley op school?",
        "Korte gesprekjes met de IB'er.",
    )
    assert saved.worker == "Wendy Wolters" and not saved.anonymous
    assert set(saved.partners) == {"Basisschool De Wilgenhoek", "Sociaal Team Hengelo"}
    assert len(saved.partner_ids) == 2
    assert [(a.what, a.owner, a.status, a.case_code) for a in saved.actions] == [
        (
            "Gesprekjes plannen",
            _("{contact} ({organisation})").format(
                contact="Marieke Olthof", organisation="Basisschool De Wilgenhoek"
            ),
            "open",
            header.code,
        ),
        ("Ouders uitnodigen", "Sociaal Team Hengelo", "open", header.code),
    ]
    # the owner's organisation is stored with a contact person
    assert saved.actions[0].owner_org_id == world.org("school")
    # the first consultation starts the support
    file = cases.get_case(world.uow(), world.worker, header.id)
    assert file.header.status == "active"
    assert [e.event for e in file.events] == ["registered", "activated"]
    # editing keeps the steps and adds new ones
    edited = consultations.save_consultation(
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            START,
            "Hoe helpen we Wesley?",
            partner_ids=(world.org("school"),),
            steps=(ActionInput("Terugkoppelen", START + timedelta(21), world.org("home")),),
            id=saved.id,
            version=saved.version,
        ),
    )
    assert edited.partners == ("Basisschool De Wilgenhoek",)
    assert len(edited.actions) == 3
    with pytest.raises(ConflictError):
        consultations.save_consultation(
            world.uow(),
            world.worker,
            header.id,
            ConsultationInput(START, "Oud", id=saved.id, version=saved.version),
        )
    assert [
        c.id for c in consultations.list_consultations(world.uow(), world.worker, header.id)
    ] == [saved.id]


def test_consultations_are_listed_newest_first(world, tukker):
    header, _wesley, _carers = tukker
    for days in (20, 5, 12):
        consultations.save_consultation(
            world.uow(),
            world.worker,
            header.id,
            ConsultationInput(START - timedelta(days), f"{days}"),
        )
    listed = consultations.list_consultations(world.uow(), world.worker, header.id)
    assert [c.question for c in listed] == ["5", "12", "20"]


def test_a_consultation_is_all_or_nothing(world, tukker):
    header, _wesley, _carers = tukker
    before = world.snapshot()
    errors = errors_of(
        consultations.save_consultation,
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            START + timedelta(1),
            "",
            advice="a" * 8001,
            steps=(
                ActionInput("Bellen", START, world.org("home")),
                ActionInput("", None),
            ),
        ),
    )
    assert errors == {
        "held_on": _("This date lies in the future."),
        "question": _("This field is required."),
        "advice": _("Use at most {n} characters.").format(n=8000),
        "steps.0.due_on": _(
            "A next step cannot be due before the consultation where it was agreed."
        ),
        "steps.1.what": _("This field is required."),
        "steps.1.owner": _("Choose who does it: a contact person or an organisation."),
        "steps.1.due_on": _("Enter the date it has to be done by."),
    }
    # a step whose owner does not exist: checked after the consultation was added
    errors = errors_of(
        consultations.save_consultation,
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(
            START,
            "Vraag",
            steps=(
                ActionInput(
                    "Bellen",
                    START,
                    owner_contact_id=world.contact("Elia Brinkhuis"),
                    owner_org_id=world.org("social"),
                ),
            ),
        ),
    )
    assert errors == {"steps.0.owner": _("This contact person works for another organisation.")}
    assert errors_of(
        consultations.save_consultation,
        world.uow(),
        world.worker,
        header.id,
        ConsultationInput(START, "Vraag", partner_ids=(99999,)),
    ) == {"partner_ids": _("This organisation no longer exists.")}
    assert world.snapshot() == before
    assert world.rows(Consultation) == 0 and world.rows(Action) == 0


# ---------------------------------------------------------------- next steps


def test_next_steps_done_cancelled_and_open_again(world, tukker):
    header, _wesley, _carers = tukker
    step = world.step(header.id, "Gesprek", due_in=7, owner_org="school")
    assert step.created_by == "Wendy Wolters" and step.created_on == START
    world.clock.advance(3)
    before = world.snapshot()
    assert errors_of(
        consultations.set_action_status, world.uow(), world.worker, step.id, "done"
    ) == {"done_on": _("Enter the date it was done.")}
    assert errors_of(
        consultations.set_action_status,
        world.uow(),
        world.worker,
        step.id,
        "done",
        world.clock() + timedelta(1),
    ) == {"done_on": _("This date lies in the future.")}
    assert errors_of(
        consultations.set_action_status,
        world.uow(),
        world.worker,
        step.id,
        "done",
        START - timedelta(1),
    ) == {"done_on": _("It cannot be done before it was agreed.")}
    assert errors_of(
        consultations.set_action_status, world.uow(), world.worker, step.id, "later"
    ) == {"status": _("Choose a status.")}
    assert world.snapshot() == before
    done = consultations.set_action_status(
        world.uow(), world.worker, step.id, "done", world.clock(), " Goed gesprek ", step.version
    )
    assert (done.status, done.done_on, done.note) == ("done", START + timedelta(3), "Goed gesprek")
    with pytest.raises(ConflictError):
        consultations.set_action_status(
            world.uow(), world.worker, step.id, "cancelled", version=step.version
        )
    cancelled = consultations.set_action_status(world.uow(), world.worker, step.id, "cancelled")
    assert (cancelled.status, cancelled.done_on) == ("cancelled", None)
    reopened = consultations.set_action_status(world.uow(), world.worker, step.id, "open")
    assert reopened.status == "open"
    with pytest.raises(NotFoundError):
        consultations.set_action_status(world.uow(), world.worker, 4242, "done", START)


def test_next_steps_are_validated(world, tukker):
    header, _wesley, _carers = tukker
    before = world.snapshot()
    assert errors_of(
        consultations.add_action, world.uow(), world.worker, header.id, ActionInput(" ", None)
    ) == {
        "what": _("This field is required."),
        "owner": _("Choose who does it: a contact person or an organisation."),
        "due_on": _("Enter the date it has to be done by."),
    }
    assert errors_of(
        consultations.add_action,
        world.uow(),
        world.worker,
        header.id,
        ActionInput("Oud", START - timedelta(400), world.org("home")),
    ) == {"due_on": _("This date lies more than a year back.")}
    assert errors_of(
        consultations.add_action,
        world.uow(),
        world.worker,
        header.id,
        ActionInput("Bellen", START, owner_contact_id=99999),
    ) == {"owner": _("This contact person no longer exists.")}
    assert world.snapshot() == before


def test_changing_a_next_step(world, tukker):
    header, _wesley, _carers = tukker
    step = world.step(header.id, "Bellen", owner_org="school")
    changed = consultations.update_action(
        world.uow(),
        world.worker,
        step.id,
        ActionInput(
            " Mailen ", START + timedelta(3), owner_contact_id=world.contact("Sam Kuipers")
        ),
        step.version,
    )
    assert (changed.what, changed.due_on, changed.owner_org_id) == (
        "Mailen",
        START + timedelta(3),
        world.org("social"),
    )
    with pytest.raises(ConflictError):
        consultations.update_action(
            world.uow(),
            world.worker,
            step.id,
            ActionInput("x", START, world.org("home")),
            step.version,
        )


def test_the_steps_of_a_case_open_first_by_due_date(world, tukker):
    header, _wesley, _carers = tukker
    late = world.step(header.id, "Laat", due_in=20)
    early = world.step(header.id, "Vroeg", due_in=5)
    done = world.step(header.id, "Klaar", due_in=1)
    consultations.set_action_status(world.uow(), world.worker, done.id, "done", START)
    listed = consultations.case_actions(world.uow(), world.worker, header.id)
    assert [a.what for a in listed] == ["Vroeg", "Laat", "Klaar"]
    assert [a.id for a in listed] == [early.id, late.id, done.id]


# ---------------------------------------------------------------- the action lists


@pytest.fixture
def steps(world, tukker):
    header, _wesley, _carers = tukker
    other, *_rest = world.family(alias="Fam. O.")
    world.consent(other.id, ["school"])
    made = {
        "school-contact": world.step(
            header.id, "IB-gesprek", due_in=2, owner_contact="Marieke Olthof"
        ),
        "school-org": world.step(header.id, "Schoolplan", due_in=9, owner_org="school"),
        "home": world.step(header.id, "Terugbellen", due_in=4, owner_org="home"),
        "mine": world.step(other.id, "Huisbezoek", due_in=1, owner_contact="Wendy Wolters"),
        "social": world.step(header.id, "Gesprek ouders", due_in=30, owner_org="social"),
    }
    consultations.set_action_status(world.uow(), world.worker, made["social"].id, "done", START)
    world.clock.advance(5)  # IB-gesprek, Huisbezoek and Terugbellen are overdue now
    return header, other, made


def whats(world: World, f: ActionFilter, actor=None) -> list[str]:
    listed = consultations.list_actions(world.uow(), actor or world.coordinator, f)
    assert consultations.count_actions(world.uow(), actor or world.coordinator, f) == len(listed)
    return [a.what for a in listed]


def test_action_list_filters(world, steps):
    header, other, _made = steps
    assert whats(world, ActionFilter()) == ["Huisbezoek", "IB-gesprek", "Terugbellen", "Schoolplan"]
    assert whats(world, ActionFilter(status=None))[-1] == "Gesprek ouders"
    assert whats(world, ActionFilter(status="done")) == ["Gesprek ouders"]
    assert whats(world, ActionFilter(case_id=other.id)) == ["Huisbezoek"]
    # an organisation's steps include those of its contact persons
    assert whats(world, ActionFilter(owner_org_id=world.org("school"))) == [
        "IB-gesprek",
        "Schoolplan",
    ]
    assert whats(world, ActionFilter(owner_contact_id=world.contact("Marieke Olthof"))) == [
        "IB-gesprek"
    ]
    assert whats(world, ActionFilter(overdue=True)) == ["Huisbezoek", "IB-gesprek", "Terugbellen"]
    assert whats(
        world, ActionFilter(due_from=START + timedelta(2), due_until=START + timedelta(4))
    ) == ["IB-gesprek", "Terugbellen"]
    # my steps: my contact person's, or my organisation's without a contact person named
    assert whats(world, ActionFilter(mine=True), world.worker) == ["Huisbezoek", "Terugbellen"]
    assert whats(world, ActionFilter(mine=True), world.actor("colleague")) == ["Terugbellen"]
    assert whats(world, ActionFilter(), world.actor("outsider")) == []
    assert (
        consultations.list_actions(
            world.uow(), world.coordinator, ActionFilter(), limit=2, offset=1
        )[0].what
        == "IB-gesprek"
    )
    del header


# ---------------------------------------------------------------- validators (properties)

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=300)
@given(
    st.builds(
        SignalData,
        observed_on=DATES,
        observation=st.text(max_size=40) | st.just("o" * 8001),
        domain=st.sampled_from([*SIGNAL_DOMAINS, "weather", ""]),
        seriousness=st.integers(-1, 5),
    ),
    DATES,
)
def test_signal_field_errors(data, today):
    errors = consultations.signal_field_errors(data, today)
    fields = {e.field for e in errors}
    assert ("observed_on" in fields) == (data.observed_on > today)
    assert ("observation" in fields) == (
        not data.observation.strip() or len(data.observation) > 8000
    )
    assert ("domain" in fields) == (data.domain not in SIGNAL_DOMAINS)
    assert ("seriousness" in fields) == (data.seriousness not in SERIOUSNESS)
    assert all(e.message for e in errors)


ACTIONS = st.builds(
    ActionInput,
    what=st.text(max_size=40) | st.just("w" * 2001),
    due_on=st.none() | DATES,
    owner_org_id=st.none() | st.integers(1, 9),
    owner_contact_id=st.none() | st.integers(1, 9),
)


@settings(max_examples=300)
@given(ACTIONS, st.sampled_from(["", "steps.3."]))
def test_action_field_errors(data, prefix):
    errors = consultations.action_field_errors(data, prefix)
    fields = {e.field for e in errors}
    assert all(f.startswith(prefix) for f in fields)
    assert (prefix + "what" in fields) == (not data.what.strip() or len(data.what) > 2000)
    assert (prefix + "owner" in fields) == (
        data.owner_org_id is None and data.owner_contact_id is None
    )
    assert (prefix + "due_on" in fields) == (data.due_on is None)


@settings(max_examples=300)
@given(
    st.builds(
        ConsultationInput,
        held_on=DATES,
        question=st.text(max_size=40),
        advice=st.text(max_size=10) | st.just("a" * 8001),
        anonymous=st.booleans(),
        steps=st.lists(ACTIONS, max_size=3).map(tuple),
    ),
    DATES,
)
def test_consultation_field_errors(data, today):
    errors = consultations.consultation_field_errors(data, today)
    fields = {e.field for e in errors}
    assert ("held_on" in fields) == (data.held_on > today)
    assert ("question" in fields) == (not data.question.strip())
    assert ("advice" in fields) == (len(data.advice) > 8000)
    for i, step in enumerate(data.steps):
        own = {f.removeprefix(f"steps.{i}.") for f in fields if f.startswith(f"steps.{i}.")}
        expected = {e.field for e in consultations.action_field_errors(step)}
        if step.due_on is not None and step.due_on < data.held_on:
            expected.add("due_on")
        assert own == expected
    assert not any(f.startswith(f"steps.{len(data.steps)}.") for f in fields)


@settings(max_examples=200)
@given(
    # something typed: not only spaces or NUL characters (which pact drops)
    st.text(min_size=1, max_size=200).filter(lambda t: t.replace("\x00", "").strip()),
    st.integers(0, 60),
    st.sampled_from(["org", "contact", "both"]),
)
def test_good_consultations_have_no_errors(question, days, owner):
    step = ActionInput(
        "Bellen",
        START + timedelta(days),
        owner_org_id=None if owner == "contact" else 1,
        owner_contact_id=None if owner == "org" else 2,
    )
    data = ConsultationInput(START, question, steps=(step, step))
    assert consultations.consultation_field_errors(data, START) == []


# ---------------------------------------------------------------- the next steps overview


def _meeting_with_step(world: World, case_id: int | None, what: str, owner_org: str) -> int:
    """A network meeting (held yesterday) and a next step agreed at it; the step has
    a case or (``case_id=None``) is about no case in particular."""
    from datetime import time

    from pact.models import Meeting

    with world.db.sessions() as s:
        meeting = Meeting(
            kind="network",
            title="Netwerkoverleg juni",
            held_on=world.clock() - timedelta(1),
            starts_at=time(9, 30),
            ends_at=time(11, 0),
            status="held",
            created_by_id=world.coordinator.id,
        )
        s.add(meeting)
        s.flush()
        s.add(
            Action(
                case_id=case_id,
                meeting_id=meeting.id,
                what=what,
                owner_org_id=world.org(owner_org),
                due_on=world.clock() + timedelta(7),
                status="open",
                created_on=world.clock(),
                created_by_id=world.coordinator.id,
            )
        )
        s.commit()
        return meeting.id


def test_action_text_search_finds_what_and_case_code(world, steps):
    header, other, _made = steps
    assert whats(world, ActionFilter(text="gesprek")) == ["IB-gesprek"]
    assert whats(world, ActionFilter(text="GESPREK", status=None)) == [
        "IB-gesprek",
        "Gesprek ouders",
    ]
    # every word has to be found (in what, or in the case code)
    assert whats(world, ActionFilter(text="gesprek ouders", status=None)) == ["Gesprek ouders"]
    assert whats(world, ActionFilter(text=other.code.lower())) == ["Huisbezoek"]
    assert whats(world, ActionFilter(text=f"{header.code} plan")) == ["Schoolplan"]
    # LIKE wildcards are searched for literally
    assert whats(world, ActionFilter(text="%")) == []
    assert whats(world, ActionFilter(text="_")) == []
    assert whats(world, ActionFilter(text="   ")) == whats(world, ActionFilter())


def sorted_whats(world: World, sort: str, descending: bool = False, **f) -> list[str]:
    listed = consultations.list_actions(
        world.uow(), world.coordinator, ActionFilter(**f), sort=sort, descending=descending
    )
    return [a.what for a in listed]


def test_actions_sort_by_every_column_of_the_overview(world, steps):
    header, other, _made = steps
    assert consultations.ACTION_SORT_COLUMNS == (
        "due_on",
        "what",
        "owner",
        "case",
        "meeting",
        "status",
    )
    by_due = ["Huisbezoek", "IB-gesprek", "Terugbellen", "Schoolplan"]
    assert sorted_whats(world, "due_on") == by_due
    assert sorted_whats(world, "due_on", True) == by_due[::-1]
    assert sorted_whats(world, "what") == ["Huisbezoek", "IB-gesprek", "Schoolplan", "Terugbellen"]
    assert sorted_whats(world, "what", True) == [
        "Terugbellen",
        "Schoolplan",
        "IB-gesprek",
        "Huisbezoek",
    ]
    # owner: the contact person's name, else the organisation's
    # (Basisschool De Wilgenhoek, Marieke Olthof, Stichting Welzijn De Schakel, Wendy Wolters)
    assert sorted_whats(world, "owner") == ["Schoolplan", "IB-gesprek", "Terugbellen", "Huisbezoek"]
    # case codes in order of registration; within a case by due date
    first = min([header, other], key=lambda h: h.code)
    tukker = ["IB-gesprek", "Terugbellen", "Schoolplan"]
    expected = [*tukker, "Huisbezoek"] if first is header else ["Huisbezoek", *tukker]
    assert sorted_whats(world, "case") == expected
    # status: open ones first, then done, then cancelled
    consultations.set_action_status(
        world.uow(), world.worker, _made["home"].id, "cancelled", note="Niet meer nodig"
    )
    assert sorted_whats(world, "status", status=None) == [
        "Huisbezoek",
        "IB-gesprek",
        "Schoolplan",
        "Gesprek ouders",
        "Terugbellen",
    ]
    # steps without a meeting come last, sorted by meeting or not
    _meeting_with_step(world, header.id, "Afspraak uit overleg", "school")
    assert sorted_whats(world, "meeting")[0] == "Afspraak uit overleg"
    assert sorted_whats(world, "meeting", True)[0] == "Afspraak uit overleg"
    with pytest.raises(ValueError):
        consultations.list_actions(world.uow(), world.coordinator, sort="what; DROP TABLE")


def test_action_counts_total_and_overdue_in_one_answer(world, steps):
    _header, other, _made = steps
    counts = consultations.action_counts(world.uow(), world.coordinator, ActionFilter())
    assert counts == consultations.ActionCounts(total=4, overdue=3)
    assert consultations.action_counts(
        world.uow(), world.coordinator, ActionFilter(status=None)
    ) == consultations.ActionCounts(5, 3)
    assert consultations.action_counts(
        world.uow(), world.coordinator, ActionFilter(status="done")
    ) == consultations.ActionCounts(1, 0)
    assert consultations.action_counts(
        world.uow(), world.worker, ActionFilter(mine=True)
    ) == consultations.ActionCounts(2, 2)
    assert consultations.action_counts(
        world.uow(), world.coordinator, ActionFilter(case_id=other.id, text="nothing like it")
    ) == consultations.ActionCounts(0, 0)
    # need to know: an outsider counts nothing
    assert consultations.action_counts(
        world.uow(), world.actor("outsider"), ActionFilter(status=None)
    ) == consultations.ActionCounts(0, 0)


def test_action_meetings_lists_the_meetings_of_visible_steps(world, steps):
    header, _other, _made = steps
    about_case = _meeting_with_step(world, header.id, "Afspraak over de casus", "school")
    about_nothing = _meeting_with_step(world, None, "Folder maken", "social")
    listed = consultations.action_meetings(world.uow(), world.coordinator)
    assert {o.id for o in listed} == {about_case, about_nothing}
    assert listed[0].label.startswith("Netwerkoverleg juni (")
    assert whats(world, ActionFilter(meeting_id=about_nothing)) == ["Folder maken"]
    # the social team owns the case-less step: it sees that meeting only
    social = {o.id for o in consultations.action_meetings(world.uow(), world.actor("social"))}
    assert about_nothing in social
    # the outsider sees no step of either meeting, so neither meeting
    assert consultations.action_meetings(world.uow(), world.actor("outsider")) == []
