"""Fixtures for the case services: a small pact (organisations, contact persons,
users) on a real SQLCipher file and on a real PostgreSQL server (``backend``, see
tests/conftest.py: every test using ``world`` or ``db`` runs on both, as
``test_x[sqlcipher]`` and ``test_x[postgresql]``), a clock the test moves, and
helpers that build cases through the services.

The pact is built once per session and copied for every test (an encrypted file
copied is the same database; on the server ``CREATE DATABASE ... TEMPLATE``), so
each test starts from the same fresh state without paying for the setup again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pact.db.database import Database, create_database, open_database
from pact.db.uow import UnitOfWork
from pact.models import Base
from pact.services import cases, consent, consultations, partners, users
from pact.services.cases import CarerData, CaseHeader, CaseInput, ChildData
from pact.services.consent import ConsentInput
from pact.services.partners import ContactData, OrganisationData
from pact.services.users import Actor, UserData
from tests.conftest import SQLCIPHER, TEST_KEY, TEST_PASSWORD, ServerDatabases

# "today" for every case test unless a test moves the clock
START = date(2026, 6, 15)


class FakeClock:
    """What ``pact.services.clock.today`` returns while a test runs."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day

    def set(self, day: date) -> None:
        self.day = day

    def advance(self, days: int) -> date:
        self.day += timedelta(days=days)
        return self.day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(START)
    monkeypatch.setattr("pact.services.clock.today", fake)
    return fake


# ---------------------------------------------------------------- the pact


# key: (name, sector, municipalities, contact persons)
ORGANISATIONS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "home": ("Stichting Welzijn De Schakel", "welfare", ("Hengelo", "Borne"), ("Wendy Wolters",)),
    "school": (
        "Basisschool De Wilgenhoek",
        "school",
        ("Hengelo",),
        ("Elia Brinkhuis", "Marieke Olthof"),
    ),
    "school2": ("Basisschool Het Kompas", "school", ("Almelo",), ("Sandra Nijhuis",)),
    "social": ("Sociaal Team Hengelo", "social_team", ("Hengelo",), ("Sam Kuipers",)),
    "mediator": ("Mediationpraktijk Het Midden", "legal", ("Hengelo", "Enschede"), ("Mira Stam",)),
    "buddy": (
        "Maatjesproject Samen Sterk",
        "experience_experts",
        ("Hengelo", "Almelo"),
        ("Bart Buddy",),
    ),
    "gp": ("Huisartsenpraktijk De Linde", "gp", ("Hengelo",), ("Lisa de Linde",)),
    "other": ("Jeugdhulp Elders", "youth_care", ("Enschede",), ("Otto Elders",)),
}

# key: (user name, display name, organisation key, contact name or None, roles)
USERS: dict[str, tuple[str, str, str | None, str | None, tuple[str, ...]]] = {
    "coordinator": ("coordinator", "Carla Coördinator", "home", None, ("coordinator",)),
    "worker": ("worker", "Wendy Wolters", "home", "Wendy Wolters", ("worker",)),
    "colleague": ("colleague", "Koen Collega", "home", None, ("worker",)),
    "teacher": ("teacher", "Elia Brinkhuis", "school", "Elia Brinkhuis", ("worker",)),
    "social": ("social", "Sam Kuipers", "social", "Sam Kuipers", ("worker",)),
    "outsider": ("outsider", "Otto Elders", "other", "Otto Elders", ("worker",)),
}


@dataclass(frozen=True)
class Pact:
    """The ids of the template pact (the same in every copy)."""

    municipalities: dict[str, int]
    orgs: dict[str, int]
    contacts: dict[str, int]  # by contact name
    admin: Actor  # the first user: administrator and coordinator
    actors: dict[str, Actor]


def _build_pact(db: Database) -> Pact:
    """The organisations and users of the template, built through the services."""
    muns = {m.name: m.id for m in partners.list_municipalities(db.uow(), True)}
    orgs: dict[str, int] = {}
    contacts: dict[str, int] = {}
    for key, (name, sector, where, people) in ORGANISATIONS.items():
        saved = partners.save_organisation(
            db.uow(),
            OrganisationData(
                name=name,
                sector=sector,
                municipality_ids=tuple(muns[m] for m in where),
                contacts=tuple(ContactData(name=p) for p in people),
            ),
        )
        assert saved.id is not None
        orgs[key] = saved.id
        for c in saved.contacts:
            assert c.id is not None
            contacts[c.name] = c.id
    admin = users.create_first_user(
        db.uow(),
        UserData(
            username="admin",
            display_name="Anna Admin",
            organisation_id=orgs["home"],
            password=TEST_PASSWORD,
        ),
    )
    actors: dict[str, Actor] = {}
    for key, (username, display, org, contact, roles) in USERS.items():
        saved_user = users.save_user(
            db.uow(),
            admin,
            UserData(
                username=username,
                display_name=display,
                organisation_id=orgs[org] if org else None,
                contact_id=contacts[contact] if contact else None,
                roles=roles,
                password=TEST_PASSWORD,
                password_is_temporary=False,
            ),
        )
        actors[key] = users.find_actor(db.uow(), saved_user.username)
    return Pact(muns, orgs, contacts, admin, actors)


def _built_on_start(db: Database) -> Pact:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("pact.services.clock.today", lambda: START)
        return _build_pact(db)


@pytest.fixture(scope="session")
def pact_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Pact]:
    """The template pact in an encrypted file."""
    folder = tmp_path_factory.mktemp("pact-template")
    path = folder / "template.db"
    db = create_database(path, TEST_KEY)
    try:
        ids = _built_on_start(db)
    finally:
        db.close()
    return path, ids


PG_TEMPLATE = "pact_template"


@pytest.fixture(scope="session")
def pg_pact_template(pg_databases: ServerDatabases) -> tuple[str, Pact]:
    """The template pact in a database on the test server: its name and ids."""
    return PG_TEMPLATE, pg_databases.template(PG_TEMPLATE, _built_on_start)


@pytest.fixture
def db(any_db: Database) -> Database:
    """A new, empty pact database: on both backends (tests/conftest.py ``any_db``)."""
    return any_db


@dataclass
class World:
    """A copy of the template pact and helpers that build cases through the services."""

    db: Database
    pact: Pact
    clock: FakeClock
    _aliases: int = field(default=0)
    # opens the same database again (a new engine): what the next start of pact does
    opener: Callable[[], Database] | None = field(default=None, repr=False)

    def reopen(self) -> Database:
        """Close the database and open it again; the caller closes what this returns."""
        assert self.opener is not None
        self.db.close()
        return self.opener()

    @property
    def on_server(self) -> bool:
        return not self.db.local

    # -- the pact

    @property
    def admin(self) -> Actor:
        return self.pact.admin

    def actor(self, key: str) -> Actor:
        return self.pact.actors[key]

    @property
    def coordinator(self) -> Actor:
        return self.actor("coordinator")

    @property
    def worker(self) -> Actor:
        return self.actor("worker")

    def org(self, key: str) -> int:
        return self.pact.orgs[key]

    def org_name(self, key: str) -> str:
        return ORGANISATIONS[key][0]

    def contact(self, name: str) -> int:
        return self.pact.contacts[name]

    def mun(self, name: str) -> int:
        return self.pact.municipalities[name]

    def uow(self) -> UnitOfWork:
        return self.db.uow()

    def admin_only(self) -> Actor:
        """A new user who is an administrator and no coordinator or worker (the demo's
        'beheer')."""
        saved = users.save_user(
            self.uow(),
            self.admin,
            UserData(
                username="beheer",
                display_name="Bea Beheer",
                organisation_id=self.org("home"),
                roles=("administrator",),
                password=TEST_PASSWORD,
                password_is_temporary=False,
            ),
        )
        return users.find_actor(self.uow(), saved.username)

    # -- building cases

    def case(
        self,
        actor: Actor | None = None,
        *,
        alias: str | None = None,
        municipality: str = "Hengelo",
        level: int = 2,
        **kw: object,
    ) -> CaseHeader:
        if alias is None:
            self._aliases += 1
            alias = f"Familie T{self._aliases}"
        return cases.register_case(
            self.uow(),
            actor or self.worker,
            CaseInput(alias=alias, municipality_id=self.mun(municipality), level=level, **kw),  # type: ignore[arg-type]
        )

    def child(
        self,
        case_id: int,
        name: str = "W.",
        birth_year: int = 2016,
        actor: Actor | None = None,
        **kw,
    ) -> ChildData:
        return cases.save_child(
            self.uow(), actor or self.worker, case_id, ChildData(name, birth_year, **kw)
        )

    def carer(
        self,
        case_id: int,
        alias: str = "M.",
        relation: str = "mother",
        authority: bool = True,
        actor: Actor | None = None,
    ) -> CarerData:
        return cases.save_carer(
            self.uow(), actor or self.worker, case_id, CarerData(alias, relation, authority)
        )

    def family(
        self,
        actor: Actor | None = None,
        *,
        children: Sequence[int] = (2016,),
        parents: int = 2,
        **kw: object,
    ) -> tuple[CaseHeader, list[ChildData], list[CarerData]]:
        """A case with children (by year of birth) and parents with authority."""
        header = self.case(actor, **kw)
        kids = [self.child(header.id, f"K{i + 1}.", year, actor) for i, year in enumerate(children)]
        relations = ("mother", "father", "parent")
        carers = [
            self.carer(header.id, f"P{i + 1}.", relations[min(i, 2)], True, actor)
            for i in range(parents)
        ]
        # adding children changes the case (what its search finds): the header as it is now
        header = cases.get_case(self.uow(), actor or self.coordinator, header.id).header
        return header, kids, carers

    def consent(
        self,
        case_id: int,
        partner_keys: Sequence[str],
        *,
        givers: Sequence[tuple[str, int]] | None = None,
        given_on: date | None = None,
        valid_until: date | None = None,
        actor: Actor | None = None,
    ) -> int:
        """Record consent for the partners; by default given by everybody in the family."""
        if givers is None:
            file = cases.get_case(self.uow(), actor or self.coordinator, case_id)
            givers = [("child", c.id) for c in file.children if c.id is not None] + [
                ("carer", c.id) for c in file.carers if c.parental_authority and c.id is not None
            ]
        return consent.record_consent(
            self.uow(),
            actor or self.worker,
            case_id,
            ConsentInput(
                given_on=given_on or self.clock(),
                method="signed_form",
                givers=tuple(givers),
                partner_ids=tuple(self.org(k) for k in partner_keys),
                info_kinds=("family", "signals"),
                valid_until=valid_until,
            ),
        )

    def step(
        self,
        case_id: int,
        what: str = "Gesprek met de IB'er",
        *,
        due_in: int = 14,
        owner_org: str | None = None,
        owner_contact: str | None = None,
        actor: Actor | None = None,
    ) -> consultations.ActionData:
        if owner_org is None and owner_contact is None:
            owner_org = "home"
        return consultations.add_action(
            self.uow(),
            actor or self.worker,
            case_id,
            consultations.ActionInput(
                what=what,
                due_on=self.clock() + timedelta(days=due_in),
                owner_org_id=self.org(owner_org) if owner_org else None,
                owner_contact_id=self.contact(owner_contact) if owner_contact else None,
            ),
        )

    # -- looking inside

    def rows(self, model: type[Base]) -> int:
        with self.db.sessions() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table: a failed action must change none of them. The
        audit log is left out: it records reads and refused attempts too."""
        out: dict[str, list[tuple[object, ...]]] = {}
        with self.db.sessions() as s:
            for name, table in sorted(Base.metadata.tables.items()):
                if name == "audit_entry":
                    continue
                out[name] = sorted((tuple(r) for r in s.execute(select(table))), key=repr)
        return out


@pytest.fixture
def world(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    """A fresh copy of the template pact, in an encrypted file or on the server."""
    if backend == SQLCIPHER:
        template, ids = request.getfixturevalue("pact_template")
        path = tmp_path / "pact.db"
        shutil.copyfile(template, path)
        db = open_database(path, TEST_KEY)
        try:
            yield World(db, ids, clock, opener=lambda: open_database(path, TEST_KEY))
        finally:
            db.close()
        return
    name, ids = request.getfixturevalue("pg_pact_template")
    databases: ServerDatabases = request.getfixturevalue("pg_databases")
    with databases.copy(name) as server_db:
        assert server_db.server is not None
        copy = server_db.server.database
        yield World(server_db, ids, clock, opener=lambda: databases.open(copy))
