"""No child's name and no family name of the demo may be readable in any file pact
writes: the database and its WAL, the log, the settings, the cache, temporary files.

``pact demo`` and then ``pact cases list`` / ``cases show`` / ``figures`` / ``users
list`` run as real processes without a terminal, each with its own private XDG
folders, HOME and TMPDIR. The folders are scanned while ``pact demo`` is still
writing (the WAL holds the fresh pages then) and after every command, for every
name of ``demo.SENSITIVE_NAMES`` in UTF-8 and UTF-16 and in upper, lower and
original case.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pact.db.database import open_database
from pact.db.engine import Passphrase
from pact.errors import BreakGlassRequiredError
from pact.services import auth, cases, demo, scope, users

PASSPHRASE = "plaintext-scan passphrase"
TIMEOUT = 180


def _variants(text: str) -> list[bytes]:
    forms = {text, text.lower(), text.upper(), text.replace(" ", "")}
    out: list[bytes] = []
    for form in forms:
        out += [form.encode("utf-8"), form.encode("utf-16-le"), form.encode("utf-16-be")]
    return out


# one pattern for every variant of every name: a file is read and searched once
NAMES = re.compile(
    b"|".join(re.escape(v) for name in demo.SENSITIVE_NAMES for v in _variants(name))
)


def _scan(folders: list[Path]) -> tuple[list[str], list[Path]]:
    """(what was found where, the files looked at)."""
    found: list[str] = []
    files: list[Path] = []
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                if not path.is_file():
                    continue
                data = path.read_bytes()
            except FileNotFoundError:  # a -wal or -shm that went away meanwhile
                continue
            files.append(path)
            found += [f"{m.group()!r} in {path}" for m in NAMES.finditer(data)]
    return found, files


@pytest.fixture
def home(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "home"
    dirs = {
        "XDG_DATA_HOME": root / "data",
        "XDG_CONFIG_HOME": root / "config",
        "XDG_CACHE_HOME": root / "cache",
        "XDG_STATE_HOME": root / "state",
        "TMPDIR": root / "tmp",
        "HOME": root,
    }
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    return dirs


def _environment(dirs: dict[str, Path]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PACT_"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env["PACT_PASSPHRASE"] = PASSPHRASE
    env["PACT_PASSWORD"] = auth.DEMO_PASSWORD  # every command logs in
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


@pytest.mark.slow
def test_no_child_or_family_name_of_the_demo_in_plaintext_anywhere(
    home: dict[str, Path],
) -> None:
    env = _environment(home)
    folders = [home[k] for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")]
    folders += [home["XDG_STATE_HOME"], home["TMPDIR"]]
    db_file = home["XDG_DATA_HOME"] / "pact" / "demo.db"

    def pact(*args: str) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "pact", *args, "--db", str(db_file)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=TIMEOUT,
        )
        assert b"Traceback" not in done.stderr, done.stderr.decode()
        return done

    # while pact demo writes: the WAL holds the new pages
    proc = subprocess.Popen(
        [sys.executable, "-m", "pact", "demo", "--db", str(db_file)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    running: list[str] = []
    wal_seen = 0
    wal = db_file.with_name("demo.db-wal")
    try:
        deadline = time.monotonic() + TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            found, files = _scan(folders)
            running += found
            wal_seen += wal in files
            time.sleep(0.2)
        _out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    assert running == []
    assert wal_seen, "the scan never saw the WAL of the running demo"

    # then what a person does with it, scanning after every command
    listed = pact("cases", "list", "--status", "all", "--user", demo.COORDINATOR)
    assert listed.returncode == 0, listed.stderr.decode()
    rows = [line.split("\t") for line in listed.stdout.decode().splitlines()]
    assert len(rows) == 31
    code = next(r[0] for r in rows if r[6] == demo.TUKKER_ALIAS)
    shown = pact("cases", "show", code, "--user", demo.WORKER)
    assert shown.returncode == 0, shown.stderr.decode()
    assert demo.TUKKER_CHILD in shown.stdout.decode()  # the names were read meanwhile
    assert demo.TUKKER_FAMILY in shown.stdout.decode()
    others = [r[0] for r in rows if r[0] != code]
    reason = "Voorbereiding van het casusoverleg"  # break-glass, for a case not her own
    for other in others[:3]:
        shown = pact("cases", "show", other, "--reason", reason, "--user", demo.COORDINATOR)
        assert shown.returncode == 0, shown.stderr.decode()
    refused = pact("cases", "show", others[0], "--user", demo.WORKER)  # a warning in the log
    assert refused.returncode == 3
    year = code[:4]  # the year the Tukker case was registered in
    assert pact("figures", "--year", year, "--user", demo.COORDINATOR).returncode == 0
    assert pact("users", "list", "--user", demo.ADMIN).returncode == 0
    assert pact("check", "--user", demo.COORDINATOR).returncode == 0
    found, files = _scan(folders)
    assert found == []
    assert db_file in files
    assert any(home["XDG_STATE_HOME"] in f.parents for f in files), "no log was written"

    # and the names really are in the (encrypted) database the scan looked at
    db = open_database(db_file, Passphrase(PASSPHRASE))
    try:
        me = users.find_actor(db.uow(), demo.COORDINATOR)
        every = cases.list_cases(db.uow(), me, cases.CaseFilter(status=None), limit=100)
        for row in every:  # the coordinator opens each case file, with a reason
            with contextlib.suppress(BreakGlassRequiredError):
                cases.get_case(db.uow(), me, row.id, opening=False)
                continue
            scope.break_glass(db.uow(), me, row.id, "Controle van de demodatabase")
        opened = [cases.get_case(db.uow(), me, row.id, opening=False) for row in every]
        children = {c.name for file in opened for c in file.children}
        families = {file.header.family_name for file in opened}
    finally:
        db.close()
    assert children | (families - {""}) <= set(demo.SENSITIVE_NAMES)
    assert {demo.TUKKER_CHILD, demo.TUKKER_FAMILY} <= children | families
    assert len(children) >= 40
