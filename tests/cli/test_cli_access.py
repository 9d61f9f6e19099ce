"""``pact cases access CODE -o FOLDER``: a family's request to see its data, answered
from the command line. Exit 0 and the two paths on stdout; exit 1 (and nothing
written) for an existing file, a missing folder, an unknown case, a full disk; exit 3
for anyone but a coordinator.

One test fills a real, tiny tmpfs (mounted in a private user and mount namespace
with ``unshare``, so the host's mounts are untouched): the PDF fits, the JSON does
not, and neither file is left. It is skipped where user namespaces are not allowed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pact.i18n import _
from pact.services import auth, demo
from tests.cli.test_cli import (
    PASSPHRASE,
    TIMEOUT,
    Run,
    audit_log,
    environment,
    in_process,
    last_entry,
    tables,
)
from tests.cli.test_cli_cases import tukker_code

TINY_TMPFS = "unshare"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access-template") / "demo.db"
    demo.create_demo(path, PASSPHRASE).created.db.close()
    return path


@pytest.fixture
def demo_db(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a demo database (passphrase mode)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(template, path)
    return path


@pytest.fixture(autouse=True)
def as_a_script(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """PACT_PASSPHRASE and the demo's password; PACT_USER only where a test names it."""
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PACT_PASSWORD", auth.DEMO_PASSWORD)
    monkeypatch.delenv("PACT_USER", raising=False)
    yield


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    return in_process(capsys, "cases", "access", *args)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_a_coordinator_gets_both_files_and_their_paths(demo_db: Path, tmp_path: Path) -> None:
    """The real command line, in a subprocess without a terminal."""
    code = tukker_code(demo_db)
    folder = tmp_path / "out"
    folder.mkdir()
    after = last_entry(demo_db)
    args = ["cases", "access", code, "-o", str(folder), "--db", str(demo_db)]
    done = subprocess.run(
        [sys.executable, "-m", "pact", *args, "--user", demo.COORDINATOR],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment(PASSPHRASE, {"PACT_PASSWORD": auth.DEMO_PASSWORD}),
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr.decode()
    paths = [Path(line) for line in done.stdout.decode("utf-8").splitlines()]
    stem = paths[0].stem
    assert paths == [folder / f"{stem}.pdf", folder / f"{stem}.json"]
    assert stem.startswith(f"access-{code}-")
    assert listing(folder) == [f"{stem}.json", f"{stem}.pdf"]
    assert paths[0].read_bytes().startswith(b"%PDF-")
    data = json.loads(paths[1].read_bytes())
    assert data["case_code"] == code and data["family"]["family_name"] == demo.TUKKER_FAMILY
    exports = [e for e in audit_log(demo_db, after) if e.event == "export"]
    assert [(e.case_code, e.record_type, e.outcome) for e in exports] == [(code, "case", "success")]
    assert "command line" in exports[0].workstation
    assert demo.TUKKER_FAMILY not in exports[0].detail


def test_an_existing_file_exits_1_and_is_left_alone(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = tukker_code(demo_db)
    folder = tmp_path / "out"
    folder.mkdir()
    first = run(capsys, code, "-o", folder, "--db", demo_db, "--user", demo.COORDINATOR)
    assert first.code == 0, first.stderr
    before = digest(folder)
    again = run(capsys, code, "-o", folder, "--db", demo_db, "--user", demo.COORDINATOR)
    assert again.code == 1
    assert again.stdout == ""
    pdf = Path(first.stdout.splitlines()[0])
    assert again.stderr.strip() == _("{path} exists already; pact never overwrites a file.").format(
        path=pdf
    )
    assert digest(folder) == before


@pytest.mark.parametrize("user", ["worker", "admin"])
def test_anyone_but_a_coordinator_exits_3_and_nothing_is_written(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], user: str
) -> None:
    code = tukker_code(demo_db)  # the demo's worker registered it: she may see it
    folder = tmp_path / "out"
    folder.mkdir()
    before = tables(demo_db)
    result = run(capsys, code, "-o", folder, "--db", demo_db, "--user", user)
    assert result.code == 3, result.stderr
    assert result.stdout == ""
    assert listing(folder) == []
    assert tables(demo_db) == before


def test_a_missing_folder_or_an_unknown_case_exits_1(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    result = run(
        capsys, tukker_code(demo_db), "-o", missing, "--db", demo_db, "--user", "coordinator"
    )
    assert result.code == 1
    assert result.stderr.strip() == _("The folder {folder} does not exist.").format(folder=missing)
    assert not missing.exists()
    folder = tmp_path / "out"
    folder.mkdir()
    unknown = run(capsys, "2099-0042", "-o", folder, "--db", demo_db, "--user", "coordinator")
    assert unknown.code == 1
    assert unknown.stderr.strip() == _("There is no case {code}.").format(code="2099-0042")
    assert listing(folder) == []


def test_without_a_user_it_exits_3(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, tukker_code(demo_db), "-o", tmp_path, "--db", demo_db)
    assert result.code == 3
    assert listing(tmp_path) == ["demo.db"]


def test_the_help_names_the_folder_and_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "cases", "access", "--help")
    assert result.code == 0
    for text in ("CODE", "-o", "FOLDER", "--user", "--db"):
        assert text in result.stdout


def _tiny_tmpfs_works(tmp_path: Path) -> bool:
    if shutil.which(TINY_TMPFS) is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=16k tmpfs "$1"', "sh", str(probe)],
        capture_output=True,
        timeout=TIMEOUT,
    )
    probe.rmdir()
    return done.returncode == 0


def test_a_full_disk_leaves_neither_file(demo_db: Path, tmp_path: Path) -> None:
    if not _tiny_tmpfs_works(tmp_path):
        pytest.skip("no user namespaces here: a tmpfs cannot be mounted without root")
    code = tukker_code(demo_db)
    sizes = tmp_path / "sizes"
    sizes.mkdir()
    env = environment(PASSPHRASE, {"PACT_PASSWORD": auth.DEMO_PASSWORD, "PACT_USER": "coordinator"})
    pact = [sys.executable, "-m", "pact", "cases", "access", code, "--db", str(demo_db), "-o"]
    measured = subprocess.run([*pact, str(sizes)], capture_output=True, env=env, timeout=TIMEOUT)
    assert measured.returncode == 0, measured.stderr.decode()
    pdf_size = next(sizes.glob("*.pdf")).stat().st_size
    json_size = next(sizes.glob("*.json")).stat().st_size
    page = 4096
    room = (pdf_size // page + 2) * page  # the PDF fits, the JSON does not
    assert json_size > room - pdf_size + page
    folder = tmp_path / "small-disk"
    folder.mkdir()
    after = last_entry(demo_db)
    # in the namespace: mount the tmpfs on the folder, run pact into it, list what is left
    script = (
        'size=$1; dir=$2; shift 2; mount -t tmpfs -o size="$size" tmpfs "$dir" || exit 99; '
        '"$@"; code=$?; echo "--- left:"; ls -A "$dir"; exit $code'
    )
    namespace = ["unshare", "-rm", "sh", "-c", script, "sh", str(room), str(folder)]
    done = subprocess.run(
        [*namespace, *pact, str(folder)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
    )
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert err.strip() == _("Cannot write the access export to {folder}: {reason}.").format(
        folder=folder, reason=_("the disk is full")
    )
    assert out == "--- left:\n"  # no PDF, no JSON, no temp file
    assert [e for e in audit_log(demo_db, after) if e.event == "export"] == []
