"""Benchmark: a backup and a restore of a large database (the 20,000 cases of
bench_case_list.py).

Measures ``backup.write_backup`` (the page check of the source, the export into a
new encrypted file, the check of the copy, the rename) and ``backup.restore`` (the
copy beside the database, the full check: pages, structure, references, schema,
audit chain; the swap; the check after it), each a few rounds, and the size of the
backup next to the database's.

Usage::

    .venv/bin/python benchmarks/bench_backup.py [DB] [--rounds N]

With ``DB`` the database is built there (as bench_case_list.py builds it) when it does
not exist and reused when it does; without it a temporary one is built and removed.
Scheduled backups run in the background, so there is no target; the figures say how
long a coordinator waits for Back up now and for a restore. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_case_list import BENCH_KEY, build
from sqlalchemy import func, select

from pact import i18n
from pact.db.database import open_database
from pact.models import Case
from pact.services import backup


def ms(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):7.0f} ms   min {min(samples):7.0f}   "
        f"max {max(samples):7.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="database to build or reuse")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    i18n.set_language("nl")
    tmp = Path(tempfile.mkdtemp(prefix="pact-bench-backup-"))
    path = args.db.resolve() if args.db is not None else tmp / "bench.db"
    try:
        if path.exists() and path.stat().st_size > 0:
            db = open_database(path, BENCH_KEY)
            print(f"reusing {path}", flush=True)
        else:
            db = build(path)
        with db.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Case))
        size = path.stat().st_size
        print(f"{total} cases, database {size / 2**20:.1f} MiB\n")
        target = tmp / "bench.pactbackup"
        made_ms = []
        for _round in range(args.rounds):
            started = time.perf_counter()
            made = backup.write_backup(db, target)
            made_ms.append((time.perf_counter() - started) * 1000)
        db.close()
        print(f"backup  {ms(made_ms)}   ({made.size / 2**20:.1f} MiB)")
        restored = tmp / "restored.db"
        restore_ms = []
        for _round in range(args.rounds):
            started = time.perf_counter()
            backup.restore(target, restored, BENCH_KEY)
            restore_ms.append((time.perf_counter() - started) * 1000)
        print(f"restore {ms(restore_ms)}   (onto an existing database from round 2)")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nmachine: {os.cpu_count()} CPUs, load average {load}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
