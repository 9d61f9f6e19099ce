"""Moving a database between keyring and passphrase mode (re-keying), also when the
process doing it is killed halfway: the file then opens with exactly one of the two keys."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text

from pact.db.database import Database, create_database, open_database
from pact.db.engine import KeyMaterial, Passphrase, RawKey
from pact.errors import PactError, WrongKeyError
from pact.security import credentials, recovery
from pact.security.credentials import KeyringState
from pact.services import access
from pact.services.access import KeyMode, NeedSecretError

ROOT = Path(__file__).resolve().parents[2]
OLD_PASSPHRASE = "the old passphrase of this test"
NEW_PASSPHRASE = "the new passphrase of this test"
ROWS = 4000


def _fill(database: Database, rows: int = ROWS) -> str:
    """Some thousands of rows (so a re-key takes a while); returns their digest."""
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO app_setting (key, value) "
            "SELECT printf('row-%05d', i), hex(randomblob(400)) FROM n",
            (rows,),
        )
    return _digest(database)


def _digest(database: Database) -> str:
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT key, value FROM app_setting ORDER BY key")).all()
    return hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()


def _opens(path: Path, key: KeyMaterial) -> bool:
    try:
        open_database(path, key).close()
    except WrongKeyError:
        return False
    return True


def _check_intact(path: Path, key: KeyMaterial, digest: str) -> None:
    database = open_database(path, key)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM municipality").scalar() == 14
        assert _digest(database) == digest
    finally:
        database.close()


# --- whole switches ------------------------------------------------------------------------


def test_switch_to_passphrase(db_path: Path) -> None:
    key = RawKey(os.urandom(32))
    database = create_database(db_path, key)
    digest = _fill(database, 50)
    access.switch_to_passphrase(database, NEW_PASSPHRASE)
    assert _digest(database) == digest  # the open database goes on working
    database.close()

    assert not _opens(db_path, key)  # the old key is refused
    _check_intact(db_path, Passphrase(NEW_PASSPHRASE), digest)


def test_switch_to_passphrase_refuses_a_weak_one(db_path: Path) -> None:
    key = RawKey(os.urandom(32))
    database = create_database(db_path, key)
    with pytest.raises(PactError) as info:
        access.switch_to_passphrase(database, "short")
    assert str(info.value) == access.check_new_passphrase("short")
    database.close()
    assert _opens(db_path, key)  # unchanged


@pytest.mark.keyring
def test_switch_to_keyring(secret_service: KeyringBackend, db_path: Path) -> None:
    database = create_database(db_path, Passphrase(OLD_PASSPHRASE))
    digest = _fill(database, 50)
    recovery_key = access.switch_to_keyring(database)
    assert _digest(database) == digest
    database.close()

    key = recovery.decode(recovery_key)
    assert credentials.read_key(db_path).key == key
    assert credentials.read_key(db_path, pending=True).state is KeyringState.NOT_FOUND
    assert not _opens(db_path, Passphrase(OLD_PASSPHRASE))
    _check_intact(db_path, RawKey(key), digest)
    opened = access.open_auto(db_path)  # nothing typed
    opened.db.close()
    assert opened.mode is KeyMode.KEYRING


@pytest.mark.keyring
def test_switch_back_and_forth(secret_service: KeyringBackend, db_path: Path) -> None:
    created = access.create(db_path)
    digest = _fill(created.db, 50)
    assert created.recovery_key is not None
    # as left by a switch to keyring mode killed just before its last step
    credentials.store_key(db_path, recovery.decode(created.recovery_key), pending=True)
    access.switch_to_passphrase(created.db, NEW_PASSPHRASE)
    # no copy of the old key stays in the keyring (it still opens older backups)
    assert credentials.read_key(db_path).state is KeyringState.NOT_FOUND
    assert credentials.read_key(db_path, pending=True).state is KeyringState.NOT_FOUND
    recovery_key = access.switch_to_keyring(created.db)
    created.db.close()
    assert recovery_key != created.recovery_key  # a new key, so the old sheet is void
    assert not _opens(db_path, RawKey(recovery.decode(created.recovery_key)))
    assert not _opens(db_path, Passphrase(NEW_PASSPHRASE))
    _check_intact(db_path, RawKey(recovery.decode(recovery_key)), digest)


# --- killed halfway ------------------------------------------------------------------------

CHILD = """
import json, os, sys, time
from pathlib import Path
import keyring
from keyring.backends import SecretService
from pact.db.database import open_database
from pact.db.engine import Passphrase, RawKey
from pact.services import access

keyring.set_keyring(SecretService.Keyring())
path, direction, secret = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if direction == "to_keyring":
    database = open_database(path, Passphrase(secret))
else:
    database = access.open_auto(path).db
print("ready", flush=True)
start = time.monotonic()
if direction == "to_keyring":
    access.switch_to_keyring(database)
else:
    access.switch_to_passphrase(database, secret)
print("done", time.monotonic() - start, flush=True)
database.close()
"""


def _child(path: Path, direction: str, secret: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("PACT_PASSPHRASE", None)
    env.pop("PACT_RECOVERY_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), direction, secret],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        _out, err = child.communicate(timeout=30)
        pytest.fail(f"the re-key process did not start: {line!r} {err}")


def _run_and_kill(path: Path, direction: str, secret: str, delay: float | None) -> bool:
    """Run a switch in another process; SIGKILL it ``delay`` s after it starts the switch
    (None: let it finish). Returns whether it was killed before it finished."""
    child = _child(path, direction, secret)
    try:
        _wait_ready(child)
        if delay is None:
            _out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            return False
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        return child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=30)


def _switch_duration(template: Path, work: Path, direction: str, secret: str) -> float:
    """How long one switch takes here, measured on a copy of the test database."""
    _fresh_copy(template, work)
    child = _child(work, direction, secret)
    _wait_ready(child)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return float(out.split()[-1])


def _delays(duration: float, count: int = 14) -> list[float | None]:
    """From 0 to a little past the switch's duration, then one run left to finish."""
    upper = max(duration * 1.3, 0.05)
    return [upper * i / (count - 1) for i in range(count)] + [None]


def _remove_entries(path: Path) -> None:
    for pending in (False, True):
        credentials.delete_key(path, pending=pending)


def _fresh_copy(template: Path, path: Path) -> None:
    """The test database again, without anything a killed process left next to it."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy2(template, path)


@pytest.mark.keyring
@pytest.mark.slow
def test_killed_while_switching_to_keyring(secret_service: KeyringBackend, tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    database = create_database(template, Passphrase(OLD_PASSPHRASE))
    digest = _fill(database)
    database.close()
    path = tmp_path / "pact.db"

    duration = _switch_duration(template, path, "to_keyring", OLD_PASSPHRASE)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    for delay in _delays(duration):
        _remove_entries(path)
        _fresh_copy(template, path)
        killed = _run_and_kill(path, "to_keyring", OLD_PASSPHRASE, delay)

        main = credentials.read_key(path)
        pending = credentials.read_key(path, pending=True)
        new_keys = {r.key for r in (main, pending) if r.key is not None}
        assert len(new_keys) <= 1
        opens_old = _opens(path, Passphrase(OLD_PASSPHRASE))
        opens_new = [k for k in new_keys if _opens(path, RawKey(k))]
        assert opens_old + len(opens_new) == 1, (
            f"delay {delay}: opens with old={opens_old} new={len(opens_new)} (killed={killed})"
        )
        if opens_old:
            outcomes["old"] += 1
            _check_intact(path, Passphrase(OLD_PASSPHRASE), digest)
            with pytest.raises(NeedSecretError):  # a passphrase is asked for
                access.open_auto(path)
        else:
            outcomes["new"] += 1
            _check_intact(path, RawKey(opens_new[0]), digest)
            # The key is in the keyring (main or pending entry): found without asking.
            opened = access.open_auto(path)
            opened.db.close()
            assert opened.mode is KeyMode.KEYRING
            assert credentials.read_key(path).key == opens_new[0]
            # (killed between writing the main entry and removing the pending one, the
            # pending entry is a copy of the same key until the next switch)
            assert credentials.read_key(path, pending=True).key in (None, opens_new[0])
    assert outcomes["new"] >= 1 and outcomes["old"] >= 1, outcomes


@pytest.mark.keyring
@pytest.mark.slow
def test_killed_while_switching_to_passphrase(
    secret_service: KeyringBackend, tmp_path: Path
) -> None:
    template = tmp_path / "template.db"
    old_key = os.urandom(32)
    database = create_database(template, RawKey(old_key))
    digest = _fill(database)
    database.close()
    path = tmp_path / "pact.db"

    credentials.store_key(path, old_key)
    duration = _switch_duration(template, path, "to_passphrase", NEW_PASSPHRASE)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    for delay in _delays(duration):
        _fresh_copy(template, path)
        assert credentials.store_key(path, old_key).state is KeyringState.AVAILABLE
        killed = _run_and_kill(path, "to_passphrase", NEW_PASSPHRASE, delay)

        opens_old = _opens(path, RawKey(old_key))
        opens_new = _opens(path, Passphrase(NEW_PASSPHRASE))
        assert opens_old + opens_new == 1, (
            f"delay {delay}: opens with old={opens_old} new={opens_new} (killed={killed})"
        )
        if opens_old:
            outcomes["old"] += 1
            _check_intact(path, RawKey(old_key), digest)
            # The old key is still in the keyring: found without asking.
            opened = access.open_auto(path)
            opened.db.close()
            assert opened.mode is KeyMode.KEYRING
        else:
            outcomes["new"] += 1
            _check_intact(path, Passphrase(NEW_PASSPHRASE), digest)
            # A left-over keyring entry (killed before it was removed) must not stand
            # in the way: the passphrase is asked for, and it opens.
            with pytest.raises(NeedSecretError):
                access.open_auto(path)
            opened = access.open_with(path, NEW_PASSPHRASE)
            opened.db.close()
            assert opened.mode is KeyMode.PASSPHRASE
    assert outcomes["new"] >= 1 and outcomes["old"] >= 1, outcomes
    keyring.get_keyring()  # the Secret Service is still answering
    assert credentials.probe(timeout=5) is KeyringState.AVAILABLE
