"""``pact backup`` and ``pact restore``: real processes without a terminal, on copies
of one database made by a real ``pact demo``."""

from __future__ import annotations

from pathlib import Path

from pact.i18n import _
from pact.services import demo
from tests.cli import test_cli_login
from tests.cli.test_cli import state, tables
from tests.cli.test_cli_cases import pact

# one database made by a real pact demo process for the module, a copy per test
made = test_cli_login.made
demo_db = test_cli_login.demo_db


def test_backup_then_restore_on_another_path(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "pact.pactbackup"
    target.parent.mkdir()
    before = tables(demo_db)

    written = pact("backup", "--db", demo_db, "-o", target, user=demo.COORDINATOR)

    assert written.code == 0, written.stderr
    assert written.stdout == f"{target}\n"
    assert (
        _(
            "Backup written to {path}. It opens with the recovery key or the passphrase "
            "of this database."
        ).format(path=target)
        in written.stderr
    )
    restored_path = tmp_path / "new-laptop" / "pact.db"
    restored_path.parent.mkdir()

    done = pact("restore", target, "--db", restored_path, user=demo.COORDINATOR)

    assert done.code == 0, done.stderr
    assert done.stdout == f"{restored_path}\n"
    assert (
        _("The backup {file} was restored to {path}.").format(file=target, path=restored_path)
        in done.stderr
    )
    after = tables(restored_path)
    # the demo's users log in: their counters are what differs, nothing else
    for name in before:
        if name != "pact_user":
            assert after[name] == before[name], name
    checked = pact("check", "--db", restored_path, user=demo.COORDINATOR)
    assert (checked.code, checked.stdout) == (0, "ok\n"), checked.stderr


def test_a_worker_may_not_make_a_backup(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.pactbackup"
    done = pact("backup", "--db", demo_db, "-o", target, user=demo.WORKER)
    assert done.code == 3
    assert _("Only a coordinator or an administrator can do this.") in done.stderr
    assert not target.exists()


def test_backup_needs_a_file(demo_db: Path) -> None:
    done = pact("backup", "--db", demo_db, user=demo.COORDINATOR)
    assert done.code == 64


def test_restore_with_a_wrong_key_and_no_terminal_exits_2(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.pactbackup"
    assert pact("backup", "--db", demo_db, "-o", target, user=demo.COORDINATOR).code == 0
    before = state(demo_db)

    done = pact(
        "restore",
        target,
        "--db",
        demo_db,
        user=demo.COORDINATOR,
        env={"PACT_PASSPHRASE": "een heel andere zin"},
    )

    assert done.code == 2
    assert "PACT_RECOVERY_KEY" in done.stderr
    assert state(demo_db) == before


def test_restore_of_a_damaged_backup_exits_1_and_keeps_the_database(
    demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "b.pactbackup"
    assert pact("backup", "--db", demo_db, "-o", target, user=demo.COORDINATOR).code == 0
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x55
    target.write_bytes(bytes(data))
    before = state(demo_db)

    done = pact("restore", target, "--db", demo_db, user=demo.COORDINATOR)

    assert done.code == 1, done.stderr
    assert (
        _("The backup is damaged and was not restored; nothing was changed: {problem}")
        .format(problem="")
        .strip()
        in done.stderr
    )
    assert state(demo_db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pactbackup", "demo.db"]


def test_restore_needs_a_keeper_of_the_backup(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.pactbackup"
    assert pact("backup", "--db", demo_db, "-o", target, user=demo.COORDINATOR).code == 0
    before = state(demo_db)

    refused = pact("restore", target, "--db", demo_db, user=demo.WORKER)
    no_user = pact("restore", target, "--db", demo_db)

    assert refused.code == 3 and no_user.code == 3
    assert state(demo_db) == before
