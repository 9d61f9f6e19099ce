"""The demo pact: a believable, valid, fixed partner directory, written all or nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from pact.db.database import Database, create_database
from pact.db.engine import Passphrase, connect_raw
from pact.errors import PactError, ValidationError
from pact.models import Organisation
from pact.models.partner import SECTORS, TWENTE_MUNICIPALITIES
from pact.services import access, demo
from pact.services import partners as p
from pact.services import validation as v
from pact.services.partners import OrganisationData
from tests.conftest import TEST_KEY

PASSPHRASE = "demo-test-passphrase"


def all_organisations(db: Database) -> list[OrganisationData]:
    rows = p.list_organisations(db.uow(), p.PartnerFilter(include_archived=True), limit=1000)
    return [p.get_organisation(db.uow(), row.id) for row in rows]


def by_name(db: Database) -> dict[str, OrganisationData]:
    return {o.name: o for o in all_organisations(db)}


def count(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Organisation)) or 0


@pytest.fixture
def filled(db: Database) -> Database:
    demo.fill_demo(db.uow())
    return db


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


def test_the_demo_is_the_same_every_time(db: Database, tmp_path: Path) -> None:
    demo.fill_demo(db.uow())
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

        assert comparable(db) == comparable(other)
    finally:
        other.close()


def test_fill_refuses_a_database_with_organisations(filled: Database) -> None:
    before = count(filled)
    with pytest.raises(PactError):
        demo.fill_demo(filled.uow())
    assert count(filled) == before


def test_a_failure_halfway_leaves_nothing_behind(db: Database, db_path: Path) -> None:
    """A real database error in the middle of the fill: no organisation, no demo flag."""
    conn = connect_raw(db_path, TEST_KEY)
    conn.execute(
        "CREATE TRIGGER refuse_welfare BEFORE INSERT ON organisation "
        f"WHEN NEW.name = '{demo.TUKKER.welfare}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    conn.close()
    assert demo._ORGANISATIONS[0].name != demo.TUKKER.welfare  # some were written before
    with pytest.raises(Exception, match="refused"):
        demo.fill_demo(db.uow())
    assert count(db) == 0
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
