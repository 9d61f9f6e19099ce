"""The health checks behind `pact check`, on real SQLCipher files and (the schema and
the audit chain) on a server. The page, structure and reference checks are the
file's: on a server PostgreSQL keeps its pages and references itself."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from pact.db.database import Database, create_file, open_database
from pact.db.engine import connect_raw
from pact.db.migrate import SchemaState
from pact.i18n import _, ngettext
from pact.services import demo, maintenance
from tests.conftest import TEST_KEY


def checks(report: maintenance.CheckReport) -> set[str]:
    return {problem.check for problem in report.problems}


def test_a_fresh_database_is_ok(db: Database) -> None:
    report = maintenance.check(db)
    assert report.ok
    assert report.problems == ()
    assert report.schema_state is SchemaState.CURRENT


@pytest.mark.sqlcipher_only
def test_a_demo_database_is_ok_and_checking_changes_nothing(db: Database, db_path: Path) -> None:
    demo.fill_demo(db.uow())
    db.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest(), db_path.stat().st_mtime_ns
    again = open_database(db_path, TEST_KEY)
    try:
        assert maintenance.check(again).ok
    finally:
        again.close()
    assert (hashlib.sha256(db_path.read_bytes()).hexdigest(), db_path.stat().st_mtime_ns) == before


@pytest.mark.sqlcipher_only
def test_a_foreign_key_violation_is_reported(db: Database, db_path: Path) -> None:
    conn = connect_raw(db_path, TEST_KEY)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(
        "INSERT INTO contact (organisation_id, name, function, email, phone, representative, "
        "active, notes, version) VALUES (999, 'Nobody', '', '', '', 0, 1, '', 1)"
    )
    rowid = conn.execute("SELECT max(rowid) FROM contact").fetchone()[0]
    conn.close()
    report = maintenance.check(db)
    assert not report.ok
    assert checks(report) == {maintenance.FOREIGN_KEYS}
    assert [p.message for p in report.problems] == [
        _("Row {rowid} of table {table} refers to a missing row of table {parent}.").format(
            rowid=rowid, table="contact", parent="organisation"
        )
    ]


def more_problems(n: int) -> str:
    return ngettext(
        "… and {n} more problem of this kind.", "… and {n} more problems of this kind.", n
    ).format(n=n)


@pytest.mark.sqlcipher_only
@pytest.mark.parametrize("more", [5, 1])
def test_many_violations_are_capped(db: Database, db_path: Path, more: int) -> None:
    conn = connect_raw(db_path, TEST_KEY)
    conn.execute("PRAGMA foreign_keys = OFF")
    for i in range(maintenance.MAX_DETAILS + more):
        conn.execute(
            "INSERT INTO organisation_domain (organisation_id, domain) VALUES (?, 'legal')",
            (1000 + i,),
        )
    conn.close()
    report = maintenance.check(db)
    assert len(report.problems) == maintenance.MAX_DETAILS + 1
    assert report.problems[-1].message == more_problems(more)


@pytest.mark.sqlcipher_only
def test_a_damaged_page_is_reported_not_raised(db: Database, db_path: Path) -> None:
    demo.fill_demo(db.uow())
    db.close()
    data = bytearray(db_path.read_bytes())
    assert len(data) > 6 * 4096
    data[5 * 4096 + 100] ^= 0xFF
    db_path.write_bytes(bytes(data))
    damaged = open_database(db_path, TEST_KEY)  # page 1 is intact: the key still opens it
    try:
        report = maintenance.check(damaged)
    finally:
        damaged.close()
    assert not report.ok
    assert maintenance.CIPHER_INTEGRITY in checks(report)
    assert any("page 6" in p.message for p in report.problems)


def test_a_database_that_was_never_migrated_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "keyed.db"
    create_file(path)
    connect_raw(path, TEST_KEY).close()  # keyed and written, but no pact tables
    db = open_database(path, TEST_KEY)
    try:
        report = maintenance.check(db)
    finally:
        db.close()
    assert report.schema_state is SchemaState.EMPTY
    assert checks(report) == {maintenance.SCHEMA}


# ---------------------------------------------------------------- files that are no database


@pytest.mark.sqlcipher_only
def test_a_pact_database_passes_the_file_test(db: Database, db_path: Path) -> None:
    demo.fill_demo(db.uow())
    assert maintenance.file_problem(db_path) is None


@pytest.mark.parametrize(
    "content",
    [b"x", b"notes\n" * 100, bytes(4096) + b"!"],
    ids=["tiny", "text", "not-whole-pages"],
)
def test_a_file_that_is_no_whole_number_of_pages_is_no_pact_database(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "file.db"
    path.write_bytes(content)
    assert maintenance.file_problem(path) == _(
        "{path} is not a pact database or is damaged."
    ).format(path=path)


def test_an_unencrypted_sqlite_database_is_no_pact_database(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert maintenance.file_problem(path) == _(
        "{path} is not a pact database: it is an SQLite database without encryption."
    ).format(path=path)


def test_random_bytes_may_be_an_encrypted_database(tmp_path: Path) -> None:
    """Without the key, whole pages of random bytes cannot be told from a pact database."""
    path = tmp_path / "random.db"
    path.write_bytes(hashlib.shake_256(b"random").digest(8192))
    assert maintenance.file_problem(path) is None
