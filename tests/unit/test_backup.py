"""Backups and restores on real SQLCipher files: what a coordinator gets back, and
what stays untouched when something goes wrong."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pact.db.database import Database, create_database, open_database
from pact.db.engine import Passphrase, RawKey
from pact.errors import AccessDeniedError, NotADatabaseError, ValidationError, WrongKeyError
from pact.i18n import _
from pact.models import Base
from pact.models.audit import AuditEntry
from pact.security import recovery
from pact.services import audit, backup, cases
from tests.conftest import TEST_KEY
from tests.unit.conftest import World

# backups are copies of the SQLCipher file; a server's are its administrator's
# (tests/db/test_server_parity.py: a backup on a server says it does not apply)
pytestmark = pytest.mark.sqlcipher_only

PAGE = 4096


def _rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, audit log included."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with db.sessions() as s:
        for name, table in sorted(Base.metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(r) for r in s.execute(select(table).order_by(*order))]
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _filled(world: World) -> World:
    header, _kids, _carers = world.family(alias="Familie Tukker", children=(2015, 2018))
    cases.get_case(world.uow(), world.worker, header.id, opening=True)  # an audit entry
    return world


def _entries(db: Database, event: str) -> list[AuditEntry]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.event == event)))


def test_backup_then_restore_gives_identical_records(world: World, tmp_path: Path) -> None:
    _filled(world)
    before = _rows(world.db)
    target = tmp_path / "backups" / "pact.pactbackup"
    target.parent.mkdir()

    made = backup.backup_now(world.db, world.coordinator, target)

    assert made.path == target and target.stat().st_size == made.size > 0
    assert target.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted like its source
    assert b"Tukker" not in target.read_bytes()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in target.parent.iterdir()] == ["pact.pactbackup"]  # no temp left
    logged = _entries(world.db, audit.BACKUP)
    assert [(e.username, e.detail) for e in logged] == [("coordinator", str(target))]

    elsewhere = tmp_path / "new-laptop" / "pact.db"
    elsewhere.parent.mkdir()
    restored = backup.restore(target, elsewhere, TEST_KEY, username="coordinator")
    assert restored.path == elsewhere

    again = open_database(elsewhere, TEST_KEY)
    try:
        after = _rows(again)
        restore_entries = _entries(again, audit.RESTORE)
    finally:
        again.close()
    source_log = before.pop("audit_entry")
    restored_log = after.pop("audit_entry")
    assert after == before
    # the log of the backup, then one entry: the restore itself
    assert restored_log[: len(source_log)] == source_log
    assert len(restored_log) == len(source_log) + 1
    assert [(e.username, e.detail) for e in restore_entries] == [("coordinator", str(target))]
    assert list(elsewhere.parent.iterdir()) == [elsewhere]  # nothing set aside is left


def test_a_recovery_key_opens_the_backup_of_a_keyring_database(world: World, tmp_path: Path):
    target = tmp_path / "b.pactbackup"
    backup.backup_now(world.db, world.coordinator, target)
    typed = recovery.encode(TEST_KEY.key)  # what is on the printed recovery sheet
    key = RawKey(recovery.decode(typed))
    checked = backup.restore(target, tmp_path / "restored.db", key)
    assert checked.path.exists()


def test_a_passphrase_database_backs_up_under_its_passphrase(tmp_path: Path) -> None:
    passphrase = Passphrase("Zeven lindebomen in Delden")
    db = create_database(tmp_path / "pp.db", passphrase)
    try:
        made = backup.write_backup(db, tmp_path / "pp.pactbackup")
    finally:
        db.close()
    with pytest.raises(WrongKeyError):
        open_database(made.path, TEST_KEY).close()
    copy = open_database(made.path, passphrase)
    copy.close()


def test_restore_replaces_the_current_database_and_removes_the_old_one(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "b.pactbackup"
    backup.backup_now(world.db, world.coordinator, target)
    world.case(alias="Familie Na De Back-up")  # a case the backup does not hold
    path = world.db.path
    world.db.close()

    backup.restore(target, path, TEST_KEY)

    db = open_database(path, TEST_KEY)
    try:
        with db.sessions() as s:
            aliases = set(s.scalars(select(cases.Case.alias)))
    finally:
        db.close()
    assert "Familie Na De Back-up" not in aliases
    assert not [p for p in path.parent.iterdir() if "before-restore" in p.name]


def _current_state(path: Path) -> tuple[str, list[str]]:
    return _digest(path), sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize(
    "damage",
    ["flipped byte", "cut at a page", "cut mid-page", "not a database"],
)
def test_a_damaged_backup_leaves_the_current_database_untouched(
    world: World, tmp_path: Path, damage: str
) -> None:
    _filled(world)
    good = tmp_path / "good.pactbackup"
    backup.backup_now(world.db, world.coordinator, good)
    data = bytearray(good.read_bytes())
    if damage == "flipped byte":
        data[3 * PAGE + 100] ^= 0xFF
    elif damage == "cut at a page":
        data = data[: (len(data) // PAGE // 2) * PAGE]
    elif damage == "cut mid-page":
        data = data[: len(data) // 2 + 123]
    else:
        data = bytearray(b"%PDF-1.7 not a backup at all" * 500)
    bad = tmp_path / "bad.pactbackup"
    bad.write_bytes(bytes(data))
    path = world.db.path
    before_rows = _rows(world.db)
    world.db.close()
    before = _current_state(path)

    with pytest.raises((backup.BackupError, NotADatabaseError, WrongKeyError)) as caught:
        backup.restore(bad, path, TEST_KEY)

    message = str(caught.value)
    if damage in ("cut mid-page", "not a database"):  # cannot be a database at all
        assert message == _("{path} is not a pact backup, or it is damaged or incomplete.").format(
            path=bad
        )
    else:
        assert message.startswith(
            _("The backup is damaged and was not restored; nothing was changed: {problem}").format(
                problem=""
            )
        ) or isinstance(caught.value, WrongKeyError)
    assert _current_state(path) == before
    db = open_database(path, TEST_KEY)
    try:
        assert _rows(db) == before_rows
    finally:
        db.close()


def test_a_wrong_key_says_so_and_changes_nothing(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.pactbackup"
    backup.backup_now(world.db, world.coordinator, good)
    path = world.db.path
    world.db.close()
    before = _current_state(path)

    with pytest.raises(WrongKeyError) as caught:
        backup.restore(good, path, Passphrase("niet de goede sleutel"))

    assert str(caught.value) == _(
        "This key or passphrase does not open the backup {path}. Use the recovery key "
        "or the passphrase of the database it was made from. Nothing was changed."
    ).format(path="good.pactbackup")
    assert _current_state(path) == before


def test_a_failed_check_after_the_swap_puts_the_old_database_back(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.pactbackup"
    backup.backup_now(world.db, world.coordinator, good)
    world.case(alias="Familie Blijft Staan")
    path = world.db.path
    world.db.close()
    before = _current_state(path)
    calls = {"n": 0}
    real = backup.maintenance.cipher_integrity

    def second_check_fails(db: Database) -> list[backup.maintenance.Problem]:
        calls["n"] += 1
        if db.path == path.resolve():  # the restored file, opened in the database's place
            return [backup.maintenance.Problem("cipher_integrity", "page 7 altered")]
        return real(db)

    monkeypatch.setattr(backup.maintenance, "cipher_integrity", second_check_fails)
    with pytest.raises(backup.BackupError, match="page 7 altered"):
        backup.restore(good, path, TEST_KEY)
    assert calls["n"] >= 2
    assert _current_state(path) == before


_FULL_DISK = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from pact import i18n
    from pact.db.database import open_database
    from pact.db.engine import RawKey
    from pact.services import backup
    source, target, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    i18n.set_language("nl")
    db = open_database(source, RawKey(bytes(range(32))))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # the disk "fills up"
    try:
        backup.write_backup(db, target)
    except backup.BackupError as exc:
        print(exc)
        sys.exit(1)
    finally:
        db.close()
    """
)


def test_a_full_disk_during_backup_leaves_the_old_backup_intact(
    world: World, tmp_path: Path
) -> None:
    _filled(world)
    folder = tmp_path / "stick"
    folder.mkdir()
    old = folder / "pact.pactbackup"
    backup.backup_now(world.db, world.coordinator, old)
    old_digest = _digest(old)
    for n in range(30):  # the next backup is larger than the old one
        world.case(alias=f"Familie Groei {n}")

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _FULL_DISK,
            str(world.db.path),
            str(old),
            str(old.stat().st_size // 2),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1, done.stderr
    assert str(old) in done.stdout
    assert _("the disk is full, was removed, or refuses the write") in done.stdout
    assert _digest(old) == old_digest
    assert sorted(p.name for p in folder.iterdir()) == ["pact.pactbackup"]  # no temp file


def test_only_keepers_make_backups(world: World, tmp_path: Path) -> None:
    target = tmp_path / "w.pactbackup"
    with pytest.raises(AccessDeniedError):
        backup.backup_now(world.db, world.worker, target)
    assert not target.exists()


def test_a_backup_of_a_missing_folder_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_now(world.db, world.coordinator, tmp_path / "nope" / "b.pactbackup")
    assert str(caught.value) == _("The folder {folder} does not exist.").format(
        folder=tmp_path / "nope"
    )


# ---------------------------------------------------------------- the schedule


def test_scheduled_backups_run_daily_and_keep_the_newest(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "daily"
    folder.mkdir()
    other = folder / "holiday-photos.jpg"
    other.write_bytes(b"not pact's")
    backup.save_schedule(world.uow(), world.coordinator, True, str(folder), 3)
    start = datetime(2026, 12, 1, 9, 0)

    made = []
    for day in range(5):
        now = start + timedelta(days=day)
        result = backup.run_scheduled(world.db, world.coordinator, now)
        assert result is not None
        made.append(result.backup.path)
        # an hour later nothing is due
        assert backup.run_scheduled(world.db, world.coordinator, now + timedelta(hours=1)) is None

    kept = backup.scheduled_backups(folder)
    assert kept == list(reversed(made[-3:]))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [other.name, *(p.name for p in made[-3:])]
    )
    for path in kept:
        open_database(path, TEST_KEY).close()
    status = backup.status(world.uow(), start + timedelta(days=4, hours=2))
    assert status.last_file == str(made[-1]) and not status.overdue
    assert backup.status(world.uow(), start + timedelta(days=12)).overdue
    assert len(_entries(world.db, audit.BACKUP)) == 5


def test_a_failed_scheduled_backup_is_shown_and_retried_later(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    folder.mkdir()
    backup.save_schedule(world.uow(), world.coordinator, True, str(folder), 7)
    folder.rmdir()  # the stick was pulled out
    now = datetime(2026, 12, 1, 9, 0)

    with pytest.raises(backup.BackupError):
        backup.run_scheduled(world.db, world.worker, now)

    status = backup.status(world.uow(), now)
    assert status.folder_problem and status.last_error == status.folder_problem
    assert status.overdue
    assert backup.run_scheduled(world.db, world.worker, now + timedelta(minutes=20)) is None
    folder.mkdir()
    assert backup.run_scheduled(world.db, world.worker, now + timedelta(hours=2)) is not None
    assert backup.status(world.uow(), now + timedelta(hours=2)).last_error == ""
    failed = [e for e in _entries(world.db, audit.BACKUP) if e.outcome == audit.FAILED]
    assert len(failed) == 1


def test_the_schedule_is_checked_before_it_is_saved(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        backup.save_schedule(world.uow(), world.coordinator, True, str(tmp_path / "gone"), 0)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"folder", "keep"}
    assert backup.status(world.uow()).schedule == backup.Schedule(False, None, backup.DEFAULT_KEEP)
    with pytest.raises(AccessDeniedError):
        backup.save_schedule(world.uow(), world.worker, True, str(tmp_path), 3)
