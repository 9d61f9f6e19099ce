"""Where a database on a team's server differs from the encrypted file on purpose: the
features that are about the SQLCipher file (backups, re-keying, compaction, the
file's page and reference checks) say that they do not apply, and change nothing;
what the data is about (erasure, the check of the schema and the audit chain) works
the same. The service tests themselves run on both (tests/unit, ``[postgresql]``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pact.db.database import Database
from pact.errors import NotLocalError
from pact.i18n import _
from pact.services import access, backup, maintenance, retention, users
from pact.services.users import UserData
from tests.conftest import POSTGRESQL, SQLCIPHER, TEST_PASSWORD

NOT_HERE = "This applies to a database on this computer only, not to a database on a team's server."


def _first_user(db: Database) -> users.Actor:
    users.create_first_user(
        db.uow(), UserData(username="beheer", display_name="Bea Beheer", password=TEST_PASSWORD)
    )
    return users.find_actor(db.uow(), "beheer")


def test_the_local_only_features_say_they_do_not_apply_on_a_server(
    any_db: Database, backend: str, tmp_path: Path
) -> None:
    me = _first_user(any_db)
    target = tmp_path / "backup.pactbak"
    if backend == SQLCIPHER:  # the same calls work on the file
        assert backup.backup_now(any_db, me, target).path == target
        assert any_db.file().exists()
        assert retention.compaction_applies(any_db) and retention.compact(any_db)
        return
    assert backend == POSTGRESQL
    with pytest.raises(backup.BackupError) as refused:
        backup.backup_now(any_db, me, target)
    assert str(refused.value) == _(
        "pact makes backups of a database on this computer only. A database on a "
        "server is backed up by the server's administrator."
    )
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(NotLocalError) as not_local:
        any_db.file()
    assert str(not_local.value) == _(NOT_HERE)
    # re-keying refuses before anything is sent to the server
    with pytest.raises(NotLocalError):
        access.switch_to_passphrase(any_db, "een lange nieuwe zin")
    with pytest.raises(NotLocalError):
        access.switch_to_keyring(any_db)
    assert not retention.compaction_applies(any_db)
    assert retention.compact(any_db) is False
    # still the same database: the user logs in, the check passes
    assert users.count_users(any_db.uow()) == 1
    assert maintenance.check(any_db).ok


def test_a_broken_audit_chain_is_found_on_both(any_db: Database, backend: str) -> None:
    """pact check on a server checks the schema and the audit chain (not the file's
    pages): an entry changed by the tables' owner is found, as on the file."""
    _first_user(any_db)
    assert maintenance.check(any_db).ok
    with any_db.engine.begin() as conn:
        drop = "DROP TRIGGER audit_entry_no_update"
        conn.exec_driver_sql(drop if backend == SQLCIPHER else f"{drop} ON audit_entry")
        conn.exec_driver_sql("UPDATE audit_entry SET username = 'iemand' WHERE seq = 1")
    report = maintenance.check(any_db)
    assert not report.ok
    assert {p.check for p in report.problems} == {maintenance.AUDIT_CHAIN}
