"""The demo pact: a believable, valid, fixed partner directory, its users and 31 cases
(the Tukker family of DOMAIN.md first), written all or nothing through the services.

The demo is filled once per module (``demo_db``) for the tests that only read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from pact.db.database import Database, create_database
from pact.db.engine import Passphrase, connect_raw
from pact.errors import (
    AccessDeniedError,
    BreakGlassRequiredError,
    FieldError,
    PactError,
    ValidationError,
)
from pact.models import (
    Action,
    Case,
    CasePartner,
    Child,
    Consent,
    Consultation,
    MeldcodeJustification,
    Organisation,
    User,
)
from pact.models.partner import SECTORS, TWENTE_MUNICIPALITIES
from pact.services import (
    access,
    cases,
    clock,
    consultations,
    dashboard,
    demo,
    demo_meetings,
    figures,
    meetings,
    scope,
    timeline,
)
from pact.services import consent as consent_svc
from pact.services import consent_rules as rules
from pact.services import partners as p
from pact.services import users as u
from pact.services import validation as v
from pact.services.partners import OrganisationData
from tests.conftest import BACKENDS, TEST_KEY, empty_database

PASSPHRASE = "demo-test-passphrase"


@pytest.fixture(scope="module")
def demo_day() -> date:
    """The day the module's demo was made (tests that fill another pin the clock to it)."""
    return clock.today()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_day: date
) -> Iterator[Database]:
    """One demo database per backend for the tests that only read it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with empty_database(request.param, request, path) as database:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(clock, "today", lambda: demo_day)
            demo.fill_demo(database.uow())
        yield database


@pytest.fixture
def today(demo_day: date, monkeypatch: pytest.MonkeyPatch) -> date:
    """The services' today is the demo's day (a test running past midnight stays right)."""
    monkeypatch.setattr(clock, "today", lambda: demo_day)
    return demo_day


def actor(db: Database, name: str) -> u.Actor:
    return u.find_actor(db.uow(), name)


def every_case(db: Database, who: str = demo.COORDINATOR) -> list[cases.CaseRow]:
    return cases.list_cases(
        db.uow(), actor(db, who), cases.CaseFilter(status=None), limit=cases.PAGE_SIZE
    )


def tukker_id(db: Database) -> int:
    rows = cases.list_cases(
        db.uow(), actor(db, demo.COORDINATOR), cases.CaseFilter(text=demo.TUKKER_FAMILY)
    )
    assert len(rows) == 1
    return rows[0].id


def all_organisations(db: Database) -> list[OrganisationData]:
    rows = p.list_organisations(db.uow(), p.PartnerFilter(include_archived=True), limit=1000)
    return [p.get_organisation(db.uow(), row.id) for row in rows]


def by_name(db: Database) -> dict[str, OrganisationData]:
    return {o.name: o for o in all_organisations(db)}


def count(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Organisation)) or 0


@pytest.fixture
def filled(demo_db: Database) -> Database:
    return demo_db


def test_about_forty_organisations_of_every_sector_in_every_municipality(
    filled: Database,
) -> None:
    rows = p.list_organisations(filled.uow(), limit=1000)
    assert 35 <= len(rows) <= 45
    assert {r.sector for r in rows} == set(SECTORS)
    served = {m for r in rows for m in r.municipalities}
    assert served == set(TWENTE_MUNICIPALITIES)
    assert filled.is_demo()
    # the 14 municipalities come from the migration, the demo adds none
    assert [m.name for m in p.list_municipalities(filled.uow(), include_inactive=True)] == sorted(
        TWENTE_MUNICIPALITIES
    )


def test_every_organisation_passes_the_editors_validation(filled: Database) -> None:
    organisations = all_organisations(filled)
    with filled.sessions() as s:
        for org in organisations:
            assert p.validate(s, p.normalised(org)) == [], org.name
    for org in organisations:
        assert 1 <= len(org.contacts) <= 3, org.name
        assert org.domains and org.municipality_ids and org.offer and org.address
        assert v.phone(org.phone) is None and org.phone
        assert org.email.endswith("." + demo.MAIL_DOMAIN)
        assert v.url(org.website) is None and demo.MAIL_DOMAIN in org.website
        assert sum(c.representative for c in org.contacts) == 1, org.name
        for contact in org.contacts:
            assert contact.function
            assert v.email(contact.email) is None
            assert contact.email.endswith("." + demo.MAIL_DOMAIN)
            assert v.phone(contact.phone) is None and contact.phone.startswith("06 ")


def test_the_partners_of_the_tukker_story_are_there(filled: Database) -> None:
    orgs = by_name(filled)
    hengelo = next(m.id for m in p.list_municipalities(filled.uow()) if m.name == "Hengelo")
    t = demo.TUKKER
    expected = {
        t.school: "school",
        t.buddy_programme: "experience_experts",
        t.social_team: "social_team",
        t.mediator: "legal",
        t.gp: "gp",
        t.youth_care: "youth_care",
        t.welfare: "welfare",
    }
    for name, sector in expected.items():
        assert orgs[name].sector == sector, name
        assert hengelo in orgs[name].municipality_ids, name  # the family lives in Hengelo
    school = {c.name: c.function for c in orgs[t.school].contacts}
    assert school[t.teacher].startswith("Leerkracht")
    assert "IB'er" in school[t.internal_coach]
    buddies = [c.function for c in orgs[t.buddy_programme].contacts]
    assert any("Ervaringsdeskundige" in f for f in buddies)
    assert "mediator" in orgs[t.mediator].offer.lower()
    # "Who can help?" in Hengelo for child & school finds Wesley's school among the first
    help_ = p.who_can_help(filled.uow(), hengelo, ["child_school", "psychoeducation"])
    top = [m.organisation.name for m in help_[:6]]
    assert t.school in top


def _open(db: Database, me: u.Actor, case_id: int) -> cases.CaseFile:
    """The case file as the coordinator reads it: a case that is not one of her own
    with a reason (break-glass), as in the app."""
    try:
        return cases.get_case(db.uow(), me, case_id)
    except BreakGlassRequiredError:
        scope.break_glass(db.uow(), me, case_id, "Controle van de demo in de test")
        return cases.get_case(db.uow(), me, case_id)


def _cases_as_text(db: Database) -> list[object]:
    """Everything a coordinator reads about every case, without ids and versions."""
    me = actor(db, demo.COORDINATOR)
    out: list[object] = []
    for row in every_case(db):
        file = _open(db, me, row.id)
        out.append(replace(row, id=0))
        out.append(
            (
                replace(
                    file.header,
                    id=0,
                    version=0,
                    municipality_id=0,
                    registered_by_id=0,
                    referred_by_id=None,
                    lead_contact_id=None,
                ),
                [(c.name, c.birth_year, c.school, c.buddy_organisation) for c in file.children],
                [(c.alias, c.relation, c.parental_authority) for c in file.carers],
                [(x.organisation, x.role, x.added_on, x.ended_on, x.basis) for x in file.partners],
                file.levels,
                file.consent,
            )
        )
        out.append(timeline.timeline(db.uow(), me, row.id))
    return out


def test_the_demo_is_the_same_every_time(demo_db: Database, tmp_path: Path, today: date) -> None:
    other = create_database(tmp_path / "other.db", TEST_KEY)
    try:
        demo.fill_demo(other.uow())

        def comparable(d: Database) -> list[OrganisationData]:
            return [
                replace(
                    o,
                    id=None,
                    version=None,
                    contacts=tuple(replace(c, id=None) for c in o.contacts),
                )
                for o in all_organisations(d)
            ]

        assert comparable(demo_db) == comparable(other)
        assert [replace(x, id=0) for x in u.list_users(demo_db.uow())] == [
            replace(x, id=0) for x in u.list_users(other.uow())
        ]
        assert _cases_as_text(demo_db) == _cases_as_text(other)
        assert _meetings_as_text(demo_db) == _meetings_as_text(other)
    finally:
        other.close()


def test_fill_refuses_a_database_with_organisations(filled: Database, today: date) -> None:
    before = count(filled)
    with pytest.raises(PactError):
        demo.fill_demo(filled.uow())
    assert count(filled) == before


def _refuse_inserts(db: Database, table: str, when: str) -> None:
    """A trigger that makes an INSERT into ``table`` fail ('refused') when ``when``
    holds (NEW is the new row): a real database error, on the file or the server."""
    name = f"refuse_{table}"
    if db.local:
        conn = connect_raw(db.file(), TEST_KEY)
        conn.execute(
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
            f"WHEN {when} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        conn.close()
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {when} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


def test_a_failure_halfway_leaves_nothing_behind(db: Database) -> None:
    """A real database error in the middle of the fill: no organisation, no demo flag."""
    _refuse_inserts(db, "organisation", f"NEW.name = '{demo.TUKKER.welfare}'")
    assert demo._ORGANISATIONS[0].name != demo.TUKKER.welfare  # some were written before
    with pytest.raises(Exception, match="refused"):
        demo.fill_demo(db.uow())
    assert count(db) == 0
    assert not db.is_demo()


def test_a_rule_broken_in_a_story_leaves_nothing_behind(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service refuses a step of a story (here: every joint consultation): the
    directory, the users and the cases told so far are all rolled back."""
    real = consultations.save_consultation
    told: list[int] = []

    def refuse(uow: object, who: u.Actor, case_id: int, data: object) -> object:
        told.append(case_id)
        if len(told) == 3:
            raise ValidationError(FieldError("question", "refused"))
        return real(uow, who, case_id, data)  # type: ignore[arg-type]

    monkeypatch.setattr(consultations, "save_consultation", refuse)
    with pytest.raises(ValidationError):
        demo.fill_demo(db.uow())
    assert len(told) == 3  # two consultations were saved before the refusal
    with db.sessions() as s:
        for model in (Organisation, User, Case, Consultation, Action, Consent):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
    assert not db.is_demo()


def test_a_database_error_in_a_story_leaves_nothing_behind(db: Database) -> None:
    _refuse_inserts(db, "consent", "(SELECT count(*) FROM consent) >= 5")
    with pytest.raises(Exception, match="refused"):
        demo.fill_demo(db.uow())
    with db.sessions() as s:
        for model in (Organisation, User, Case, Child, Consent):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
    assert not db.is_demo()


def test_create_demo_removes_the_new_file_when_filling_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = replace(demo._ORGANISATIONS[-1], name="Stichting Onbereikbaar", phone="12345")
    monkeypatch.setattr(demo, "_ORGANISATIONS", (*demo._ORGANISATIONS, bad))
    path = tmp_path / "demo.db"
    with pytest.raises(ValidationError):
        demo.create_demo(path, PASSPHRASE)
    assert list(tmp_path.iterdir()) == []
    # an empty file that was there stays an empty file
    path.touch()
    with pytest.raises(ValidationError):
        demo.create_demo(path, PASSPHRASE)
    assert [x.name for x in tmp_path.iterdir()] == ["demo.db"]
    assert path.stat().st_size == 0


def test_create_demo_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"something")
    with pytest.raises(PactError):
        demo.create_demo(path, PASSPHRASE)
    assert path.read_bytes() == b"something"


def test_create_demo_in_passphrase_mode(tmp_path: Path) -> None:
    made = demo.create_demo(tmp_path / "demo.db", PASSPHRASE)
    made.created.db.close()
    assert made.created.recovery_key is None
    assert made.summary.organisations == len(demo._ORGANISATIONS)
    assert made.summary.contacts == sum(len(o.contacts) for o in demo._ORGANISATIONS)
    assert made.summary.cases == 31
    assert made.summary.meetings == demo_meetings.MEETING_COUNT == 6
    assert made.summary.users[:3] == (demo.ADMIN, demo.COORDINATOR, demo.WORKER)
    from pact.db.database import open_database

    db = open_database(tmp_path / "demo.db", Passphrase(PASSPHRASE))
    try:
        assert db.is_demo()
        assert count(db) == made.summary.organisations
    finally:
        db.close()


def test_create_filled_returns_what_fill_returns_and_is_no_demo(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    created, result = access.create_filled(path, lambda db: db.path, PASSPHRASE)
    try:
        assert result == path.resolve()
        assert created.recovery_key is None
        assert not created.db.is_demo()
    finally:
        created.db.close()


def test_create_filled_removes_the_new_file_when_fill_fails(tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    def fill(db: Database) -> None:
        with db.sessions() as s:  # something was written before the failure
            s.execute(text("CREATE TABLE scratch (x)"))
            s.commit()
        raise PactError("bad rows")

    with pytest.raises(PactError, match="bad rows"):
        access.create_filled(path, fill, PASSPHRASE)
    assert list(tmp_path.iterdir()) == []  # no file, no -wal, no -shm


# ---------------------------------------------------------------- users


def test_the_demo_users_and_their_roles(demo_db: Database, today: date) -> None:
    rows = {r.username: r for r in u.list_users(demo_db.uow())}
    assert set(demo.MAIN_USERS) <= set(rows)
    assert all(r.active for r in rows.values())
    admin, coordinator, worker = (rows[n] for n in demo.MAIN_USERS)
    assert admin.roles == (u.ADMINISTRATOR,)
    assert coordinator.roles == (u.COORDINATOR,)
    assert (coordinator.display_name, coordinator.contact) == ("Ingrid Kamphuis",) * 2
    assert coordinator.organisation == demo.TUKKER.welfare
    assert worker.roles == (u.WORKER,)
    assert worker.organisation == demo.TUKKER.school  # the Tukker child's school
    assert worker.contact == demo.TUKKER.internal_coach
    # the others are workers too, each with an organisation and contact person
    for row in rows.values():
        if row.username not in demo.MAIN_USERS:
            assert row.roles == (u.WORKER,) and row.organisation and row.contact
    assert sum(u.ADMINISTRATOR in r.roles for r in rows.values()) == 1
    # the administrator manages users and sees no case
    assert every_case(demo_db, demo.ADMIN) == []


# ---------------------------------------------------------------- the Tukker story


def test_the_tukker_family_is_told_as_in_domain_md(demo_db: Database, today: date) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    case_id = tukker_id(demo_db)
    file = _open(demo_db, me, case_id)
    h = file.header
    t = demo.TUKKER
    assert (h.alias, h.family_name, h.municipality) == ("Fam. T.", "Tukker", t.municipality)
    assert h.registered_by == t.internal_coach  # registered by the user "worker"
    assert h.status == "active" and h.level == 2 and not h.meldcode
    assert h.lead_organisation in (t.welfare, t.social_team)
    # over the last seven months
    assert today - timedelta(days=240) <= h.registered_on <= today - timedelta(days=180)
    # the family
    [wesley] = file.children
    assert wesley.name == "Wesley" and wesley.school == t.school
    assert set(wesley.ages(today)) <= {9, 10, 11} and 10 in wesley.ages(today)
    assert wesley.buddy_organisation == t.buddy_programme and wesley.buddy_since is not None
    assert [(c.relation, c.parental_authority) for c in file.carers] == [
        ("mother", True),
        ("father", True),
    ]
    # the escalation ladder: 1, 2 (divorce), 3 (the parenting plan), 2 (better)
    assert [x.level for x in file.levels] == [1, 2, 3, 2]
    raised = file.levels[2].changed_on
    lowered = file.levels[3].changed_on
    assert lowered >= today - timedelta(days=60)
    # help came in: school, social team, mediator, buddy programme, welfare
    involved = {x.organisation: x for x in file.partners if x.ended_on is None}
    assert {t.school, t.social_team, t.mediator, t.buddy_programme, t.welfare} <= set(involved)
    assert all(x.basis in ("registrant", "consent") for x in involved.values())
    assert file.consent.state == "complete" and file.consent.warnings == ()

    entries = timeline.timeline(demo_db.uow(), me, case_id)
    signals = " ".join(e.detail for e in entries if e.kind == "signal")
    for fact in ("ergens anders woont", "afwezig", "kort lontje", "schuld", "5,5", "beter"):
        assert fact in signals, fact
    assert any("Elia" in e.detail for e in entries if e.kind == "signal")  # teacher Elia
    # a positive signal after the level came down, within the dashboard's two weeks
    last = [e for e in entries if e.kind == "signal"][-1]
    assert last.on > lowered and last.on >= today - timedelta(days=dashboard.RECENT_DAYS)

    # consultations: one by the school, one joint with school, social team and mediator
    held = consultations.list_consultations(demo_db.uow(), me, case_id)
    assert len(held) == 2 and not any(x.anonymous for x in held)
    joint = next(x for x in held if len(x.partners) >= 3)
    assert {t.school, t.social_team, t.mediator} <= set(joint.partners)
    assert joint.held_on > raised
    steps = joint.actions
    done = [a for a in steps if a.status == "done"]
    assert len(done) >= 2 and all(a.done_on and a.done_on <= a.due_on for a in done)
    assert sum(a.overdue(today) for a in steps) == 1
    assert sum(a.status == "open" and not a.overdue(today) for a in steps) >= 2

    # consent: first the mother alone (level 1), at level 3 both parents together
    with demo_db.sessions() as s:
        records = list(s.scalars(select(Consent).where(Consent.case_id == case_id)))
        givers = [(r.given_on, {g.carer_id for g in r.givers}) for r in records]
    givers.sort(key=lambda x: x[0])
    assert [len(g) for _d, g in givers] == [1, 2]
    assert givers[1][0] > raised
    # the worker (the internal coach) has her own open step on the dashboard
    board = dashboard.dashboard(demo_db.uow(), actor(demo_db, demo.WORKER))
    assert any(a.case_id == case_id for a in board.my_steps)


# ---------------------------------------------------------------- the 30 other cases


def test_31_cases_over_14_municipalities_and_4_levels(demo_db: Database, today: date) -> None:
    rows = every_case(demo_db)
    assert len(rows) == 31 == demo_db_cases(demo_db)
    assert {r.municipality for r in rows} == set(TWENTE_MUNICIPALITIES)
    assert {r.level for r in rows} == {1, 2, 3, 4}
    assert {r.status for r in rows} == {"registered", "active", "closed"}
    assert len({r.code for r in rows}) == 31
    me = actor(demo_db, demo.COORDINATOR)
    closed = [_open(demo_db, me, r.id).header for r in rows if r.status == "closed"]
    assert len(closed) >= 3
    assert all(h.close_reason and h.closed_on and h.closed_on <= today for h in closed)
    # aliases and initials, never a family name in the alias
    assert all(r.alias.startswith("Fam. ") and len(r.alias) == 7 for r in rows)
    earliest = min(r.registered_on for r in rows)
    assert today - timedelta(days=240) <= earliest and max(r.registered_on for r in rows) <= today


def demo_db_cases(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


def test_consent_states_are_mixed(demo_db: Database, today: date) -> None:
    rows = every_case(demo_db)
    states = {r.consent for r in rows}
    assert {"complete", "expiring", "expired", "withdrawn", "incomplete", "none"} <= states
    for r in rows:
        if r.consent == "expiring":
            assert r.consent_ok_until is not None
            assert today <= r.consent_ok_until <= today + timedelta(days=30)
    # the dashboard warns about the expiring ones
    board = dashboard.dashboard(demo_db.uow(), actor(demo_db, demo.COORDINATOR))
    assert {e.code for e in board.expiring} == {r.code for r in rows if r.consent == "expiring"}
    assert board.overdue_total >= 5 and board.signals
    # consent was missing, incomplete, expired or expiring in enough cases to filter on
    problems = cases.list_cases(
        demo_db.uow(),
        actor(demo_db, demo.COORDINATOR),
        cases.CaseFilter(status=None, consent_problem=True),
        limit=100,
    )
    assert 10 <= len(problems) < len(rows)


def test_the_meldcode_cases(demo_db: Database, today: date) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    flagged = [r for r in every_case(demo_db) if r.meldcode]
    assert len(flagged) >= 2 and all(r.level == 4 for r in flagged)
    for row in flagged:
        file = _open(demo_db, me, row.id)  # first: breaks the glass where it must
        entries = timeline.timeline(demo_db.uow(), me, row.id)
        justified = [e for e in entries if e.meldcode and e.kind == "consent"]
        assert justified and len(justified[0].detail) >= consent_svc.MIN_JUSTIFICATION
        assert any(x.basis == "meldcode" and x.under_meldcode for x in file.partners)
    # at level 4 with consent of everybody, without the Meldcode, too
    assert any(
        r.level == 4 and not r.meldcode and r.consent == "complete" for r in every_case(demo_db)
    )


def test_children_ages_buddies_consultations_and_steps(demo_db: Database, today: date) -> None:
    with demo_db.sessions() as s:
        births = list(s.scalars(select(Child.birth_year)))
        buddies = s.scalar(
            select(func.count()).select_from(Child).where(Child.buddy_organisation_id.is_not(None))
        )
        anonymous = s.scalar(
            select(func.count()).select_from(Consultation).where(Consultation.anonymous.is_(True))
        )
        named = s.scalar(
            select(func.count()).select_from(Consultation).where(Consultation.anonymous.is_(False))
        )
        statuses = {st for (st,) in s.execute(select(Action.status))}
        overdue = s.scalar(
            select(func.count())
            .select_from(Action)
            .where(Action.status == "open", Action.due_on < today)
        )
        ended = s.scalar(
            select(func.count()).select_from(CasePartner).where(CasePartner.ended_on.is_not(None))
        )
    ages = {today.year - b for b in births}
    assert len(births) >= 40
    assert min(ages) <= 5 and max(ages) >= 16 and len(ages) >= 10
    # ages that are uncertain from the year of birth around 12 and 16
    assert 12 in ages and 16 in ages
    assert buddies and buddies >= 5
    assert anonymous and anonymous >= 2 and named and named >= 15
    assert statuses == {"open", "done", "cancelled"} and overdue and overdue >= 5
    assert ended  # withdrawn consent: the partners heard no more


def test_every_case_passes_the_service_validators(demo_db: Database, today: date) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    for row in every_case(demo_db):
        file = _open(demo_db, me, row.id)
        h = file.header
        data = cases.CaseInput(
            alias=h.alias,
            municipality_id=h.municipality_id,
            level=h.level,
            family_name=h.family_name,
            notes=h.notes,
            registered_on=h.registered_on,
        )
        assert cases.case_field_errors(data, today) == [], h.code
        for child in file.children:
            assert cases.child_field_errors(child, today) == [], (h.code, child.name)
        for carer in file.carers:
            assert cases.carer_field_errors(carer) == [], h.code
        for signal in consultations.list_signals(demo_db.uow(), me, row.id):
            assert consultations.signal_field_errors(signal, today) == [], h.code
        for item in consultations.list_consultations(demo_db.uow(), me, row.id):
            held = consultations.ConsultationInput(
                held_on=item.held_on,
                question=item.question,
                advice=item.advice,
                anonymous=item.anonymous,
                partner_ids=item.partner_ids,
            )
            assert consultations.consultation_field_errors(held, today) == [], h.code
        for step in consultations.case_actions(demo_db.uow(), me, row.id):
            what = consultations.ActionInput(
                step.what, step.due_on, step.owner_org_id, step.owner_contact_id
            )
            assert consultations.action_field_errors(what) == [], h.code
            assert step.done_on is None or step.created_on <= step.done_on <= today
        # a case whose consent holds has every involved partner covered
        if h.consent in ("complete", "expiring"):
            assert all(x.basis for x in file.partners if x.ended_on is None), h.code
    with demo_db.sessions() as s:
        for record in s.scalars(select(Consent)):
            data = consent_svc.ConsentInput(
                given_on=record.given_on,
                method=record.method,
                givers=tuple(
                    rules.carer_party(g.carer_id) if g.carer_id else rules.child_party(g.child_id)
                    for g in record.givers
                    if g.carer_id or g.child_id
                ),
                partner_ids=tuple(x.organisation_id for x in record.partner_links),
                info_kinds=tuple(x.kind for x in record.info_links),
                valid_until=record.valid_until,
            )
            assert consent_svc.consent_field_errors(data, today) == []
        for mj in s.scalars(select(MeldcodeJustification)):
            meld = consent_svc.MeldcodeInput(
                mj.decided_on, mj.justification, tuple(x.organisation_id for x in mj.partner_links)
            )
            assert consent_svc.meldcode_field_errors(meld, today) == []


def test_the_worker_sees_the_tukker_case_and_no_unrelated_one(
    demo_db: Database, today: date
) -> None:
    worker = actor(demo_db, demo.WORKER)
    school = demo_db_org(demo_db, demo.TUKKER.school)
    seen = every_case(demo_db, demo.WORKER)
    assert tukker_id(demo_db) in {r.id for r in seen}
    assert 1 <= len(seen) < 31
    with demo_db.sessions() as s:
        for row in seen:
            c = s.get(Case, row.id)
            assert c is not None
            involved = {x.organisation_id for x in c.partners if x.ended_on is None}
            assert c.registered_by_id == worker.id or school in involved
    unseen = [r for r in every_case(demo_db) if r.id not in {x.id for x in seen}]
    assert unseen
    for row in unseen[:5]:
        with pytest.raises(AccessDeniedError):
            cases.find_case(demo_db.uow(), worker, row.code)
        with pytest.raises(AccessDeniedError):
            cases.get_case(demo_db.uow(), worker, row.id)
        with pytest.raises(AccessDeniedError):
            timeline.timeline(demo_db.uow(), worker, row.id)
    # and the funders' figures are for coordinators only
    with pytest.raises(AccessDeniedError):
        figures.figures(demo_db.uow(), worker, today.year)


def demo_db_org(db: Database, name: str) -> int:
    with db.sessions() as s:
        found = s.scalar(select(Organisation.id).where(Organisation.name == name))
        assert found is not None
        return found


def test_the_figures_for_funders_are_not_zero(demo_db: Database, today: date) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    rows = figures.figures(demo_db.uow(), me, today.year)
    if today.month < 8:  # the demo reaches back seven months, into last year
        rows += figures.figures(demo_db.uow(), me, today.year - 1)
    totals = [r for r in rows if r.municipality == figures.TOTAL]
    for name in figures.FIELDS:
        assert sum(getattr(r, name) for r in totals) > 0, name
    # this quarter: the families the pact works with now
    now = next(r for r in totals if r.quarter.start <= today <= r.quarter.end)
    assert now.families >= 20 and now.children >= now.families and now.partners > 0


def test_sensitive_names_are_every_childs_name_and_family_name(demo_db: Database) -> None:
    names = set(demo.SENSITIVE_NAMES)
    assert {"Wesley", "Tukker"} <= names
    assert len(names) == len(demo.SENSITIVE_NAMES)  # no name twice
    with demo_db.sessions() as s:
        children = set(s.scalars(select(Child.name)))
        families = {f for f in s.scalars(select(Case.family_name)) if f}
    assert children <= names and families <= names
    assert len(children) >= 40 and len(families) >= 10
    # long enough that random bytes of an encrypted file never spell one by chance
    assert all(len(n) >= 6 for n in names)


def test_the_demo_fills_around_the_new_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases of two years, ages that move on the 1st of January, a quarter just begun:
    the stories still pass every rule."""
    day = date(2027, 1, 2)
    monkeypatch.setattr(clock, "today", lambda: day)
    database = create_database(tmp_path / "day.db", TEST_KEY)
    try:
        summary = demo.fill_demo(database.uow())
        assert summary.cases == 31
        assert clock.today() == day  # the clock is given back
        rows = every_case(database)
        assert {r.code[:4] for r in rows} <= {str(day.year), str(day.year - 1)}
        assert {"expiring", "expired", "withdrawn", "complete"} <= {r.consent for r in rows}
    finally:
        database.close()


# ---------------------------------------------------------------- the meetings


def _meetings_as_text(db: Database) -> list[object]:
    """Every meeting as the coordinator reads it, without ids and versions."""
    me = actor(db, demo.COORDINATOR)
    out: list[object] = []
    for row in meetings.list_meetings(db.uow(), me):
        data = meetings.get_meeting(db.uow(), me, row.id)
        out.append((replace(row, id=0), data.title, data.status, data.approved_on))
        out.append([(i.kind, i.real_title, i.minutes, i.case_code) for i in data.items])
        out.append([d.text for i in data.items for d in i.decisions])
        out.append(
            [(st.what, st.owner, st.due_on, st.status) for i in data.items for st in i.steps]
        )
        out.append([(i.organisation, i.contact, i.attendance, i.replaced_by) for i in data.invites])
        out.append([(r.action.what, r.outcome) for r in data.action_list])
    return out


def _meeting_texts(data: meetings.MeetingData) -> list[str]:
    texts = [data.title, data.location]
    for item in data.items:
        texts += [item.title, item.real_title, item.description, item.minutes]
        texts += [d.text for d in item.decisions]
        texts += [st.what for st in item.steps]
    return texts


def _all_meetings(db: Database) -> list[meetings.MeetingData]:
    me = actor(db, demo.COORDINATOR)
    return [meetings.get_meeting(db.uow(), me, r.id) for r in meetings.list_meetings(db.uow(), me)]


def test_a_series_of_network_meetings_with_minutes_decisions_and_steps(
    demo_db: Database, today: date
) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    [series] = meetings.list_series(demo_db.uow(), me)
    assert series.name == demo_meetings.SERIES_NAME and series.kind == "network"
    assert series.interval_weeks == 6 and series.meetings == 4
    kinds = [t.kind for t in series.template]
    assert {"opening", "previous_minutes", "action_list", "theme", "announcements", "round"} <= (
        set(kinds)
    )
    assert kinds[-1] == "closing"
    assert [t.title for t in series.template if t.visibility == "internal"] == [
        "Voorbereiding voorzitter en notulist"
    ]
    rows = meetings.list_meetings(
        demo_db.uow(), me, meetings.MeetingFilter(series_id=series.id, when="past")
    )
    assert len(rows) == 3 and {r.kind for r in rows} == {"network"}
    first, second, third = (meetings.get_meeting(demo_db.uow(), me, r.id) for r in reversed(rows))
    assert first.held_on < second.held_on < third.held_on < today
    assert second.held_on - first.held_on == timedelta(weeks=6) == third.held_on - second.held_on
    assert today - timedelta(days=21) <= third.held_on <= today - timedelta(days=14)
    for meeting in (first, second, third):
        assert meeting.chair == "Ingrid Kamphuis" and meeting.minute_taker == "Ruud Morsink"
        theme = next(i for i in meeting.items if i.kind == "theme")
        assert theme.real_title != "Thema" and theme.presenter and theme.minutes
        assert "**" in theme.minutes and ("\n- " in theme.minutes or "\n1. " in theme.minutes)
        assert all(
            i.minutes
            for i in meeting.items
            if i.kind in ("opening", "theme", "announcements", "case")
            and i.visibility == "everyone"
        )
        assert (
            meeting is first
            or next(i for i in meeting.items if i.kind == "previous_minutes").minutes
        )
        assert any(i.decisions for i in meeting.items)
        assert any(i.steps for i in meeting.items)
        states = {i.attendance for i in meeting.invites}
        assert "present" in states and "invited" not in states
        assert any(i.attendance == "excused" and i.replaced_by for i in meeting.invites)
        assert meeting.plan.overrun == 0
    assert sum(i.attendance == "absent" for m in (first, second, third) for i in m.invites) == 1
    minutes_text = " ".join(i.minutes for m in (first, second, third) for i in m.items).lower()
    for theme_word in ("kind in de knel", "schoolprotocol", "ouderschapsplan", "meldcode"):
        assert theme_word in minutes_text, theme_word
    # one case discussed anonymously: the others read only its code and level
    [anonymous] = [i for i in second.items if i.kind == "case"]
    assert anonymous.case_mode == "anonymous" and anonymous.case_code
    # minutes approved at the next meeting; the third's are sent and await approval
    assert first.status == second.status == "minutes_approved"
    assert first.approved_at is not None and first.approved_at.id == second.id
    assert second.approved_at is not None and second.approved_at.id == third.id
    assert first.approved_on == second.held_on and second.approved_on == third.held_on
    assert third.status == "minutes_sent" and third.approved_on is None
    assert third.minutes_sent_on is not None and third.minutes_sent_on > third.held_on
    # the next steps: reviewed at the next meeting (done, one continued), some overdue
    outcomes = [r.outcome for m in (second, third) for r in m.action_list if r.outcome]
    assert outcomes.count("continue") == 1 and outcomes.count("done") >= 3
    steps = [st for m in (first, second, third) for i in m.items for st in i.steps]
    assert len(steps) >= 8 and all(st.case_id is None for st in steps)
    assert sum(st.status == "open" and st.due_on < today for st in steps) >= 2
    assert any(st.status == "open" and st.due_on >= today for st in steps)
    assert any(st.status == "done" and st.done_on and st.done_on <= st.due_on for st in steps)
    known = {o.id for o in all_organisations(demo_db)}
    assert all(st.owner_org_id in known and st.owner_contact_id for st in steps)
    # no child's or family's name in a network meeting (the planned one included)
    network = [m for m in _all_meetings(demo_db) if m.kind == "network"]
    assert len(network) == 4
    text = " ".join(t for m in network for t in _meeting_texts(m))
    for name in demo.SENSITIVE_NAMES:
        assert name not in text, name


def test_two_case_consultations_one_about_the_tukker_family(demo_db: Database, today: date) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    rows = meetings.list_meetings(demo_db.uow(), me, meetings.MeetingFilter(kind="case"))
    assert len(rows) == 2 and all(r.held_on < today and r.status == "minutes_sent" for r in rows)
    held = [meetings.get_meeting(demo_db.uow(), me, r.id) for r in rows]
    tukker = tukker_id(demo_db)
    [joint] = [m for m in held if any(i.case_id == tukker for i in m.items)]
    [other] = [m for m in held if m is not joint]
    t = demo.TUKKER
    assert {t.school, t.social_team, t.mediator, t.welfare} == {
        i.organisation for i in joint.invites
    }
    # the day of the joint consultation of the Tukker story
    [story] = [
        c
        for c in consultations.list_consultations(demo_db.uow(), me, tukker)
        if t.mediator in c.partners
    ]
    assert joint.held_on == story.held_on
    for meeting in held:
        [item] = [i for i in meeting.items if i.kind == "case"]
        assert item.case_mode == "full" and item.minutes and item.decisions
        assert item.consent is not None and item.consent.complete  # everybody is covered
        assert all(i.attendance in ("present", "excused") for i in meeting.invites)
        # the meeting's and the items' titles name no family
        for name in (*demo.SENSITIVE_NAMES, demo.TUKKER_ALIAS):
            assert name not in meeting.title and all(
                name not in i.real_title for i in meeting.items
            )
    [item] = [i for i in joint.items if i.kind == "case"]
    assert demo.TUKKER_CHILD in item.minutes  # in the case's own minutes only
    assert all(st.case_id == tukker and st.status == "done" for st in item.steps)
    [item] = [i for i in other.items if i.kind == "case"]
    assert item.case_id != tukker and item.steps
    assert any(st.status == "open" and st.due_on < today for st in item.steps)


def test_the_next_network_meeting_is_planned_with_its_action_list(
    demo_db: Database, today: date
) -> None:
    me = actor(demo_db, demo.COORDINATOR)
    [row] = meetings.list_meetings(demo_db.uow(), me, meetings.MeetingFilter(when="upcoming"))
    planned = meetings.get_meeting(demo_db.uow(), me, row.id)
    assert planned.status == "planned" and planned.kind == "network"
    assert today + timedelta(days=21) <= planned.held_on <= today + timedelta(days=28)
    assert planned.series == demo_meetings.SERIES_NAME
    past = meetings.list_meetings(
        demo_db.uow(), me, meetings.MeetingFilter(series_id=planned.series_id, when="past")
    )
    third = meetings.get_meeting(demo_db.uow(), me, past[0].id)
    assert planned.planned_from_id == third.id and [m.id for m in planned.previous] == [third.id]
    assert third.next_meeting is not None and third.next_meeting.id == planned.id
    # the action list holds every open step of the earlier meetings, none reviewed yet
    open_steps = {
        st.id
        for r in past
        for i in meetings.get_meeting(demo_db.uow(), me, r.id).items
        for st in i.steps
        if st.status == "open"
    }
    listed = {r.action.id for r in planned.action_list}
    assert open_steps and open_steps <= listed
    assert all(r.outcome is None for r in planned.action_list)
    assert any(r.action.overdue(today) for r in planned.action_list)
    # a case item in full: the consent does not cover one of the invited partners
    [item] = [i for i in planned.items if i.kind == "case"]
    assert item.case_id == tukker_id(demo_db) and item.case_mode == "full"
    assert item.consent is not None and not item.consent.complete
    assert [name for _id, name in item.consent.uncovered] == [demo.TUKKER.youth_care]
    assert {r.action.case_id for r in planned.action_list} >= {item.case_id}
    # its theme, presented by the school's internal coach
    theme = next(i for i in planned.items if i.kind == "theme")
    assert "schoolprotocol" in theme.real_title and theme.presenter == demo.TUKKER.internal_coach
    assert all(not i.minutes for i in planned.items)


def test_who_sees_which_meeting(demo_db: Database, today: date) -> None:
    def seen(who: str) -> set[str]:
        rows = meetings.list_meetings(demo_db.uow(), actor(demo_db, who))
        return {r.kind for r in rows} | {str(len(rows))}

    assert seen(demo.COORDINATOR) == {"network", "case", "6"}
    assert seen(demo.WORKER) == {"network", "case", "5"}  # the school was invited
    assert seen("i.bouwhuis") == {"case", "1"}  # her own case consultation
    assert meetings.list_meetings(demo_db.uow(), actor(demo_db, "y.stegeman")) == []
