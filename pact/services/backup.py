"""Backups of the local encrypted database, on request and on a daily schedule, and
restoring one.

A backup is a complete pact database, encrypted with the key of its source
(``pact.db.copies``): whoever can open the database (its recovery key or its
passphrase) can open the backup on any computer, and nobody else can. It is made
only after SQLCipher's page check of the source passes, written to a temp file
beside the target, checked there, and only then renamed into place: an earlier
backup of the same name stays whole until the new one is complete, also when the
disk fills up.

A restore checks the backup (key, pages, structure, references, schema, audit log)
on a copy beside the database first, moves the current database aside, puts the
copy in its place, opens and checks it, and only then removes the old database;
any failure on the way puts the old database back.

The schedule (folder, how many to keep, on/off) and the last backup's time live in
the database's settings (``app_setting``), so they belong to that database.
Backups of a database on a server are the server's task: they are refused here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact.db import copies, migrate
from pact.db.database import Database, open_database
from pact.db.engine import KeyMaterial
from pact.db.migrate import SchemaState
from pact.db.uow import UnitOfWork
from pact.errors import (
    FieldError,
    NotADatabaseError,
    PactError,
    ValidationError,
    WrongKeyError,
    os_reason,
)
from pact.i18n import _
from pact.models import AppSetting
from pact.models.base import utcnow
from pact.services import audit, maintenance
from pact.services.lookup import mapping
from pact.services.users import Actor

SUFFIX = ".pactbackup"
SCHEDULED_PREFIX = "pact-backup-"
_SCHEDULED = re.compile(r"^pact-backup-\d{8}-\d{6}\.pactbackup$")
DEFAULT_KEEP = 7
KEEP_RANGE = (1, 365)
INTERVAL = timedelta(days=1)  # scheduled backups: daily
RETRY_AFTER = timedelta(hours=1)  # after a failed scheduled backup
OVERDUE = timedelta(days=7)  # the status warns when the last backup is older

FOLDER = "backup_folder"
KEEP = "backup_keep"
ENABLED = "backup_enabled"
LAST_AT = "backup_last_at"  # UTC, ISO, of the last backup made (any kind)
LAST_FILE = "backup_last_file"
LAST_SCHEDULED_AT = "backup_last_scheduled_at"
LAST_ATTEMPT_AT = "backup_last_attempt_at"  # of the last scheduled try, also a failed one
LAST_ERROR = "backup_last_error"  # why the last scheduled try failed ("" when it worked)
_KEYS = (FOLDER, KEEP, ENABLED, LAST_AT, LAST_FILE, LAST_SCHEDULED_AT, LAST_ATTEMPT_AT, LAST_ERROR)


class BackupError(PactError):
    """A backup or restore could not be done; nothing was changed."""


@dataclass(frozen=True)
class Schedule:
    enabled: bool
    folder: Path | None
    keep: int


@dataclass(frozen=True)
class Status:
    schedule: Schedule
    last_at: datetime | None  # UTC, naive
    last_file: str
    last_scheduled_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    overdue: bool  # no backup, or the last one is older than a week
    folder_problem: str  # why the schedule's folder cannot be used now ("" when it can)

    def due(self, now: datetime | None = None) -> bool:
        """Is a scheduled backup to be made now?"""
        now = now or utcnow()
        s = self.schedule
        if not s.enabled or s.folder is None:
            return False
        if self.last_error and self.last_attempt_at and now - self.last_attempt_at < RETRY_AFTER:
            return False
        return self.last_scheduled_at is None or now - self.last_scheduled_at >= INTERVAL


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int  # bytes
    made_at: datetime  # UTC, naive


@dataclass(frozen=True)
class ScheduledResult:
    backup: BackupFile
    removed: tuple[Path, ...]  # older scheduled backups removed by the rotation


@dataclass(frozen=True)
class Restored:
    path: Path
    schema_state: SchemaState  # OUTDATED: pact upgrades it when it is opened


# ---------------------------------------------------------------- settings


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _values(s: Session) -> dict[str, str]:
    return mapping(s, select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(_KEYS)))


def _keep(text: str | None) -> int:
    try:
        keep = int(text or DEFAULT_KEEP)
    except ValueError:
        return DEFAULT_KEEP
    low, high = KEEP_RANGE
    return keep if low <= keep <= high else DEFAULT_KEEP


def _schedule(values: dict[str, str]) -> Schedule:
    folder = values.get(FOLDER) or ""
    return Schedule(
        enabled=values.get(ENABLED) == "1",
        folder=Path(folder) if folder else None,
        keep=_keep(values.get(KEEP)),
    )


def folder_problem(folder: Path) -> str:
    """Why backups cannot be written to ``folder`` ("" when they can)."""
    if not folder.is_absolute():
        return _("Choose the whole path of a folder.")
    if not folder.exists():
        return _("The folder {folder} does not exist (is the disk or stick connected?).").format(
            folder=folder
        )
    if not folder.is_dir():
        return _("{folder} is not a folder.").format(folder=folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        return _("You do not have permission to write in {folder}.").format(folder=folder)
    return ""


def status(uow: UnitOfWork, now: datetime | None = None) -> Status:
    """Where the scheduled backups go and how recent the last backup is."""
    now = now or utcnow()
    with uow:
        values = _values(uow.session)
    schedule = _schedule(values)
    last_at = _parse_time(values.get(LAST_AT))
    problem = ""
    if schedule.enabled and schedule.folder is not None:
        problem = folder_problem(schedule.folder)
    return Status(
        schedule=schedule,
        last_at=last_at,
        last_file=values.get(LAST_FILE, ""),
        last_scheduled_at=_parse_time(values.get(LAST_SCHEDULED_AT)),
        last_attempt_at=_parse_time(values.get(LAST_ATTEMPT_AT)),
        last_error=values.get(LAST_ERROR, ""),
        overdue=last_at is None or now - last_at > OVERDUE,
        folder_problem=problem,
    )


def save_schedule(uow: UnitOfWork, actor: Actor, enabled: bool, folder: str, keep: int) -> Schedule:
    """Change the schedule (coordinators and administrators). ValidationError on the
    fields ``folder`` and ``keep``; nothing is saved then."""
    folder = folder.strip()
    errors = []
    if enabled and not folder:
        errors.append(FieldError("folder", _("Choose the folder for the backups.")))
    elif folder:
        problem = folder_problem(Path(folder))
        if problem:
            errors.append(FieldError("folder", problem))
    low, high = KEEP_RANGE
    if not low <= keep <= high:
        errors.append(
            FieldError(
                "keep", _("Keep between {low} and {high} backups.").format(low=low, high=high)
            )
        )
    with uow:
        s = uow.session
        audit.require_keeper(s, actor)
        if errors:
            raise ValidationError(errors)
        for key, value in ((ENABLED, "1" if enabled else "0"), (FOLDER, folder), (KEEP, str(keep))):
            s.merge(AppSetting(key=key, value=value))
        uow.commit()
        return _schedule(_values(s))


def _remember(s: Session, values: dict[str, str]) -> None:
    """Bookkeeping of the backups (not a change of a setting by a person: the backup
    has its own audit entry)."""
    s.info["audit_off"] = True
    for key, value in values.items():
        s.merge(AppSetting(key=key, value=value))


# ---------------------------------------------------------------- making backups


def require_local(db: Database) -> None:
    if db.engine.dialect.name != "sqlite" or db.key is None:
        raise BackupError(
            _(
                "pact makes backups of a database on this computer only. A database on a "
                "server is backed up by the server's administrator."
            )
        )


def _write_failed(target: Path, exc: BaseException) -> BackupError:
    text = str(exc).lower()
    if isinstance(exc, OSError):
        reason = os_reason(exc)
    elif "full" in text:  # SQLITE_FULL: "database or disk is full"
        reason = os_reason(OSError(errno.ENOSPC, "full"))
    elif "i/o" in text:  # SQLITE_IOERR: a write failed (a file-size limit, a pulled stick)
        reason = _("the disk is full, was removed, or refuses the write")
    else:
        reason = str(exc) or type(exc).__name__
    return BackupError(
        _(
            "The backup could not be written to {path}: {reason}. Nothing was changed; "
            "an earlier backup with this name is still whole."
        ).format(path=target, reason=reason)
    )


def write_backup(db: Database, target: Path) -> BackupFile:
    """Make an encrypted backup of ``db`` at ``target`` (replacing a file there only
    once the new backup is complete and checked). BackupError when the database
    fails its page check, the folder is missing or the disk is full."""
    require_local(db)
    assert db.key is not None
    target = Path(target).expanduser().absolute()
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(_("The folder {folder} does not exist.").format(folder=folder))
    if target.resolve() == db.file().resolve():
        raise BackupError(_("A backup cannot be written over the database itself."))
    damaged = maintenance.cipher_integrity(db)
    if damaged:
        raise BackupError(
            _(
                "The database did not pass its check, so no backup was made (earlier "
                "backups stay as they are): {problem}"
            ).format(problem=damaged[0].message)
        )
    try:
        if shutil.disk_usage(folder).free < db.file().stat().st_size:
            raise OSError(errno.ENOSPC, "no space")
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        copies.export(db.file(), db.key, tmp)
        found = copies.problems(tmp, db.key)
        if found:
            raise BackupError(
                _("The new backup did not pass its check: {problem}").format(problem=found[0])
            )
        copies.fsync_file(tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        copies.fsync_folder(folder)
    except BackupError:
        copies.remove_with_companions(tmp)
        raise
    except Exception as exc:
        copies.remove_with_companions(tmp)
        raise _write_failed(target, exc) from exc
    return BackupFile(target, target.stat().st_size, utcnow())


def _record_backup(
    db: Database, actor: Actor | None, made: BackupFile, scheduled: bool, kind: str
) -> None:
    with db.uow() as uow:
        s = uow.session
        stamp = made.made_at.isoformat(timespec="seconds")
        values = {LAST_AT: stamp, LAST_FILE: str(made.path)}
        if scheduled:
            values.update({LAST_SCHEDULED_AT: stamp, LAST_ATTEMPT_AT: stamp, LAST_ERROR: ""})
        _remember(s, values)
        audit.record(
            s, actor, audit.BACKUP, record_type="database", record_id=kind, detail=str(made.path)
        )
        uow.commit()


def backup_now(db: Database, actor: Actor, target: Path) -> BackupFile:
    """A backup asked for by a coordinator or administrator (the app's Back up now
    and pact backup); audited."""
    with db.uow() as uow:
        audit.require_keeper(uow.session, actor)
    made = write_backup(db, target)
    _record_backup(db, actor, made, scheduled=False, kind="manual")
    return made


def scheduled_backups(folder: Path) -> list[Path]:
    """The scheduled backups in ``folder``, newest first (their names sort by time)."""
    try:
        names = [p for p in folder.iterdir() if _SCHEDULED.match(p.name) and p.is_file()]
    except OSError:
        return []
    return sorted(names, key=lambda p: p.name, reverse=True)


def rotate(folder: Path, keep: int) -> tuple[Path, ...]:
    """Remove the scheduled backups beyond the newest ``keep``; other files in the
    folder are never touched."""
    removed = []
    for old in scheduled_backups(folder)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
            removed.append(old)
    return tuple(removed)


def scheduled_name(when: datetime) -> str:
    """The file name of a scheduled backup made at ``when`` (local time)."""
    return f"{SCHEDULED_PREFIX}{when.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def run_scheduled(
    db: Database, actor: Actor | None, now: datetime | None = None
) -> ScheduledResult | None:
    """Make the scheduled backup when one is due (None when none is), then keep only
    the newest ones. A failure is remembered (the status shows it; the next try comes
    after an hour) and raised as BackupError."""
    require_local(db)
    now = now or utcnow()
    current = status(db.uow(), now)
    if not current.due(now):
        return None
    folder = current.schedule.folder
    assert folder is not None
    try:
        if current.folder_problem:
            raise BackupError(current.folder_problem)
        local = now.replace(tzinfo=UTC).astimezone()
        made = write_backup(db, folder / scheduled_name(local))
    except BackupError as exc:
        with db.uow() as uow:
            _remember(
                uow.session,
                {LAST_ATTEMPT_AT: now.isoformat(timespec="seconds"), LAST_ERROR: str(exc)},
            )
            audit.record(
                uow.session,
                actor,
                audit.BACKUP,
                record_type="database",
                record_id="scheduled",
                outcome=audit.FAILED,
                detail=str(exc),
            )
            uow.commit()
        raise
    made = BackupFile(made.path, made.size, now)
    _record_backup(db, actor, made, scheduled=True, kind="scheduled")
    return ScheduledResult(made, rotate(folder, current.schedule.keep))


# ---------------------------------------------------------------- restoring


def check_backup_file(path: Path) -> None:
    """NotADatabaseError when ``path`` cannot be a backup whatever the key."""
    path = Path(path)
    if not path.exists():
        raise NotADatabaseError(_("There is no file at {path}.").format(path=path))
    if path.is_dir():
        raise NotADatabaseError(_("{path} is a folder, not a backup.").format(path=path))
    problem = maintenance.file_problem(path)
    if problem:
        raise NotADatabaseError(
            _("{path} is not a pact backup, or it is damaged or incomplete.").format(path=path)
        )


def _not_opened(path: Path, exc: WrongKeyError) -> WrongKeyError:
    return WrongKeyError(
        _(
            "This key or passphrase does not open the backup {path}. Use the recovery key "
            "or the passphrase of the database it was made from. Nothing was changed."
        ).format(path=path.name)
    )


def _damaged(problems: list[str]) -> BackupError:
    return BackupError(
        _("The backup is damaged and was not restored; nothing was changed: {problem}").format(
            problem=problems[0]
        )
    )


def _check_copy(db: Database) -> SchemaState:
    report = maintenance.check(db)
    state = report.schema_state
    if state is SchemaState.EMPTY:
        raise BackupError(_("The file holds no pact data: it was not restored."))
    problems = [
        p.message
        for p in report.problems
        if not (p.check == maintenance.SCHEMA and state is SchemaState.OUTDATED)
    ]
    if problems or state is None:
        raise _damaged(problems or [_("the version of its layout cannot be read")])
    return state


def _aside_path(target: Path, stamp: str) -> Path:
    return target.with_name(f"{target.name}.before-restore-{stamp}")


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` (with its write-ahead log) to ``target``; SQLite's other
    companion files are rebuilt on open and are removed."""
    if source.exists():
        os.replace(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        os.replace(wal, Path(f"{target}-wal"))
    for other in (Path(f"{source}-shm"), Path(f"{source}-journal")):
        with contextlib.suppress(FileNotFoundError):
            other.unlink()


def restore(
    source: Path,
    target: Path,
    key: KeyMaterial,
    authorise: Callable[[Database], Actor | None] | None = None,
    username: str = "",
) -> Restored:
    """Replace the database at ``target`` (closed by the caller; it may be missing)
    by the backup ``source``, opened with ``key``.

    ``authorise`` gets the checked copy of the backup before anything is replaced
    (the command line logs in there as a coordinator or administrator); its error
    stops the restore. The restore is audited in the restored database, as the user
    ``authorise`` returned or, without one, naming ``username``.

    WrongKeyError (the key does not open the backup), NotADatabaseError,
    BackupError: nothing was changed.
    """
    source = Path(source).expanduser().absolute()
    target = Path(target).expanduser().absolute()
    check_backup_file(source)
    if source.resolve() == target.resolve():
        raise BackupError(_("The backup is the database itself: choose another file."))
    folder = target.parent
    new_folders = [f for f in (folder, *folder.parents) if not f.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # as for a new database
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    try:
        return _restore(source, target, key, authorise, username)
    except BaseException:
        for made in new_folders:  # the deepest first; only when left empty
            with contextlib.suppress(OSError):
                made.rmdir()
        raise


def _restore(
    source: Path,
    target: Path,
    key: KeyMaterial,
    authorise: Callable[[Database], Actor | None] | None,
    username: str,
) -> Restored:
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".restore")
        os.close(fd)
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        copies.copy_file(source, tmp)
        try:
            copy = open_database(tmp, key)
        except WrongKeyError as exc:
            raise _not_opened(source, exc) from exc
        try:
            state = _check_copy(copy)
            actor = authorise(copy) if authorise is not None else None
            if state is SchemaState.CURRENT:
                with copy.uow() as uow:
                    audit.record(
                        uow.session,
                        actor,
                        audit.RESTORE,
                        record_type="database",
                        username="" if actor is not None else username,
                        detail=str(source),
                    )
                    uow.commit()
            migrate.checkpoint(copy.engine)
        finally:
            copy.close()
        for extra in copies.companions(tmp):
            with contextlib.suppress(FileNotFoundError):
                extra.unlink()
        os.chmod(tmp, 0o600)
    except (PactError, KeyboardInterrupt):
        copies.remove_with_companions(tmp)
        raise
    except Exception as exc:
        copies.remove_with_companions(tmp)
        raise _write_failed(target, exc) from exc

    aside = _aside_path(target, datetime.now().strftime("%Y%m%d-%H%M%S"))
    had_database = target.exists()
    replaced = False
    try:
        if had_database:
            _move(target, aside)
        os.replace(tmp, target)
        replaced = True
        copies.fsync_folder(folder)
        restored = open_database(target, key)
        try:
            found = maintenance.cipher_integrity(restored)
        finally:
            restored.close()
        if found:
            raise _damaged([p.message for p in found])
    except BaseException as exc:
        copies.remove_with_companions(tmp)
        if replaced:
            copies.remove_with_companions(target)
        if had_database:
            _move(aside, target)
        if isinstance(exc, PactError):
            raise
        raise _write_failed(target, exc) from exc
    if had_database:
        copies.remove_with_companions(aside)
    return Restored(target, state)
