"""Erased names leave no trace in the database file: every page of the real SQLCipher
file is decrypted with the raw key and searched for the family's names. Before the
erasure they are found (the search works); after the erasure and the compaction
that follows it they are not, and the WAL is empty.

SQLCipher 4 defaults: pages of 4096 bytes, AES-256-CBC, 80 reserved bytes at the end
of each page (a 16-byte IV, then a 64-byte HMAC-SHA512). The first 16 bytes of the
file are the salt; page 1's encrypted part starts after them. With a raw key
(``x'<64 hex digits>'``) the key is the AES key itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from pact.db import migrate
from pact.db.database import Database, create_database
from pact.db.engine import RawKey
from pact.services import cases, clock, consultations, meetings, minutes, partners, retention
from pact.services import users as users_svc
from pact.services.cases import CarerData, CaseInput, ChildData
from pact.services.consultations import ConsultationInput, SignalData
from pact.services.meetings import ItemInput, MeetingInput
from pact.services.partners import ContactData, OrganisationData
from pact.services.users import Actor, UserData
from tests.conftest import TEST_KEY, TEST_PASSWORD

PAGE = 4096
RESERVE = 80  # IV (16) + HMAC-SHA512 (64)
IV = 16
SALT = 16
# real Tukker-style names and texts of the story (DOMAIN.md)
NAMES = ("Tukker", "Wesley", "Elia Wolterink")
TODAY = date(2026, 6, 15)


def decrypt_pages(data: bytes, key: RawKey) -> Iterator[tuple[int, bytes]]:
    """(page number, plaintext) of every page of an SQLCipher 4 file."""
    assert len(data) % PAGE == 0, len(data)
    for number in range(1, len(data) // PAGE + 1):
        page = data[(number - 1) * PAGE : number * PAGE]
        start = SALT if number == 1 else 0
        encrypted = page[start : PAGE - RESERVE]
        iv = page[PAGE - RESERVE : PAGE - RESERVE + IV]
        decryptor = Cipher(algorithms.AES(key.key), modes.CBC(iv)).decryptor()
        yield number, decryptor.update(encrypted) + decryptor.finalize()


def plaintext(path: Path, key: RawKey = TEST_KEY) -> bytes:
    """The decrypted pages of ``path``, one after the other."""
    pages = list(decrypt_pages(path.read_bytes(), key))
    # the helper decrypts for real: page 1 holds SQLite's header fields after the
    # salt: page size 4096, WAL (2, 2), 80 reserved bytes, 64/32/32
    assert pages[0][1][:8] == b"\x10\x00\x02\x02\x50\x40\x20\x20", pages[0][1][:8]
    return b"".join(text for _n, text in pages)


def found_in(blob: bytes, names: tuple[str, ...] = NAMES) -> set[str]:
    lowered = blob.lower()
    return {
        n
        for n in names
        if n.lower().encode("utf-8") in lowered or n.lower().encode("utf-16-le") in lowered
    }


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_the_page_decryption_reads_every_page_and_finds_plain_text(tmp_path: Path) -> None:
    """The decryption is right (the header fields, and a known text found), and a wrong
    key finds nothing: what the other test relies on."""
    db = create_database(tmp_path / "probe.db", TEST_KEY)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO app_setting (key, value) VALUES ('probe', 'Wesley Tukker')"
            )
        migrate.checkpoint(db.engine)
    finally:
        db.close()
    path = tmp_path / "probe.db"
    assert b"Wesley" not in path.read_bytes()  # encrypted on disk
    assert found_in(plaintext(path)) == {"Wesley", "Tukker"}
    wrong = RawKey(bytes(range(1, 33)))
    garbage = b"".join(t for _n, t in decrypt_pages(path.read_bytes(), wrong))
    assert found_in(garbage) == set()


class Pact:
    """A small real pact on an encrypted file: a school, a coordinator, a case."""

    def __init__(self, path: Path):
        self.path = path
        self.db: Database = create_database(path, TEST_KEY)
        municipality = {m.name: m.id for m in partners.list_municipalities(self.db.uow())}
        self.municipality = municipality["Hengelo"]
        school = partners.save_organisation(
            self.db.uow(),
            OrganisationData(
                name="Basisschool De Wilgenhoek",
                sector="school",
                municipality_ids=(self.municipality,),
                contacts=(ContactData(name="Elia Brinkhuis"),),
            ),
        )
        assert school.id is not None
        self.school = school.id
        self.coordinator: Actor = users_svc.create_first_user(
            self.db.uow(),
            UserData(
                username="ingrid",
                display_name="Ingrid Kamphuis",
                organisation_id=school.id,
                password=TEST_PASSWORD,
            ),
        )
        self.db.actor = self.coordinator  # audited like the app

    def tukker(self) -> tuple[int, str]:
        """The Tukker family, with their names in every kind of text there is."""
        me, uow = self.coordinator, self.db.uow
        header = cases.register_case(
            uow(),
            me,
            CaseInput(
                alias="Fam. Tukker",
                family_name="Tukker",
                municipality_id=self.municipality,
                level=2,
                registered_on=TODAY - timedelta(days=200),
                notes="Moeder Tukker vertelde juf Elia Wolterink dat vader elders woont.",
            ),
        )
        child = cases.save_child(
            uow(),
            me,
            header.id,
            ChildData("Wesley", 2016, school_id=self.school, notes="Wesley, groep 6"),
        )
        cases.save_carer(uow(), me, header.id, CarerData("Moeder Tukker", "mother", True))
        cases.save_carer(uow(), me, header.id, CarerData("Vader Tukker", "father", True))
        consultations.save_signal(
            uow(),
            me,
            header.id,
            SignalData(TODAY, "Wesley Tukker is vaker afwezig", "child_school", 2, child.id),
        )
        consultations.save_consultation(
            uow(),
            me,
            header.id,
            ConsultationInput(TODAY, "Hoe helpen we Wesley Tukker?", "Gesprekjes met Wesley"),
        )
        base = meetings.meeting_defaults(uow(), me)
        meeting = meetings.save_meeting(
            uow(), me, MeetingInput(**{**base.__dict__, "held_on": TODAY})
        )
        meeting = meetings.save_item(
            uow(),
            me,
            meeting.id,
            ItemInput(kind="case", title="Wesley Tukker", case_id=header.id),
        )
        item = meeting.items[-1].id
        minutes.save_minutes(uow(), me, item, "Wesley Tukker krijgt een buddy.")
        minutes.add_decision(uow(), me, item, "Juf Elia Wolterink belt de ouders Tukker.")
        minutes.save_draft(uow(), me, item, "Wesley Tukker, nog niet opgeslagen")
        # a search for the family: its entry in the audit log holds no name
        assert len(cases.list_cases(uow(), me, cases.CaseFilter(text="Tukker"))) == 1
        return header.id, header.code


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.mark.parametrize("act", ["erase", "anonymise"])
def test_erased_names_are_nowhere_in_the_decrypted_file(
    tmp_path: Path, today: date, act: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pact.db"
    world = Pact(path)
    try:
        case_id, code = world.tukker()
        # before: the names are in the file (after a checkpoint: in its pages)
        migrate.checkpoint(world.db.engine)
        assert found_in(plaintext(path)) == set(NAMES)
        me, uow = world.coordinator, world.db.uow
        if act == "erase":
            result = retention.erase(
                uow(), me, case_id, "Verzoek van beide ouders per brief", today
            )
            assert result.compacted
        else:
            cases.close_case(uow(), me, case_id, today, "Het gaat goed met Wesley Tukker.")
            retention.set_years(uow(), me, 1)
            monkeypatch.setattr(clock, "today", lambda: today + timedelta(days=366))
            assert retention.anonymise(uow(), me, [case_id]) == 1
        # after: in no page of the file, and the WAL is empty (the database still open)
        assert wal_size(path) == 0
        assert found_in(plaintext(path)) == set()
        assert code.encode() in plaintext(path)  # the case itself is still there
    finally:
        world.db.close()
    assert wal_size(path) == 0
    assert found_in(plaintext(path)) == set()
