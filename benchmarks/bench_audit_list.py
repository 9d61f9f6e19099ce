"""Benchmark: the audit log view at scale (50,000 entries).

Measures the service calls the audit view makes for every (re)load: the count
(``audit.count_entries``) and the first page of 200 (``audit.list_entries``, newest
first), each in its own unit of work as the view does, for no filter, a user, a user
in a period, a case code, an event, a period, and everything at once; a page deep in
the log (scrolling far down); and the whole check of the chain
(``audit.verify_chain``) and the CSV export of one case, for scale. For each query the
SQLite plan of the statements it ran is printed once (``--plans``), to see which
index it uses.

Usage::

    .venv/bin/python benchmarks/bench_audit_list.py [DB] [--rounds N] [--plans]

With ``DB`` the database is built there when it does not exist and reused when it
does; without it a temporary one is built and removed. The target is every count and
first page under 100 ms; the exit status is 1 when a warm maximum misses it. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select, text

from pact import i18n
from pact.db.database import Database, create_database, open_database
from pact.db.engine import RawKey
from pact.models.audit import AuditEntry
from pact.security import audit as chain
from pact.services import audit, users
from pact.services.audit import AuditFilter
from pact.services.users import Actor, UserData

# a fixed key: the benchmark database holds invented data only
BENCH_KEY = RawKey(bytes(range(180, 212)))
ENTRIES = 50_000
BATCH = 5_000
USERS = 40
CASES = 3_000
DAYS = 365
TARGET_MS = 100.0
PASSWORD = "benchmark-only-7-Lindeboom"
NOW = datetime.now().replace(microsecond=0)

# event, weight; whether it names a case
EVENTS = (
    (audit.READ, 34, True),
    (audit.UPDATE, 18, True),
    (audit.CREATE, 7, True),
    (audit.LOGIN, 12, False),
    (audit.LOCK, 6, False),
    (audit.UNLOCK, 5, False),
    (audit.SEARCH, 7, False),
    (audit.PRINT, 3, True),
    (audit.EXPORT, 1, True),
    (audit.LOGIN_FAILED, 4, False),
    (audit.BREAK_GLASS, 1, True),
    (audit.PERMISSION_CHANGE, 1, False),
    (audit.PASSWORD_CHANGE, 1, False),
)
ORGANISATIONS = (
    "Welzijnsorganisatie Het Palet",
    "Welzijn Noordoost Twente",
    "Stichting Welzijn Rijssen-Holten",
    "Wijkteam Enschede-Zuid",
    "Sociaal Team Hellendoorn",
    "Basisschool De Wilgenhoek",
)


# ---------------------------------------------------------------- building


def build(path: Path) -> Database:
    """An administrator (through the service), then ENTRIES entries appended to the
    chain in batches (``pact.security.audit.append``), spread over DAYS days up to now:
    40 users, most events about one of 3,000 cases (some cases far busier than
    others), 4% refused log-ins."""
    started = time.perf_counter()
    db = create_database(path, BENCH_KEY)
    users.create_first_user(
        db.uow(), UserData(username="beheer", display_name="Beheerder", password=PASSWORD)
    )
    rng = random.Random(7513)
    people = [
        (
            i + 2,
            f"gebruiker{i + 2}",
            "worker" if i % 8 else "coordinator",
            ORGANISATIONS[i % len(ORGANISATIONS)],
        )
        for i in range(USERS)
    ]
    # some users and cases are much busier than others
    user_weights = [1 / (1 + i) ** 0.7 for i in range(USERS)]
    case_weights = [1 / (1 + i) ** 0.9 for i in range(CASES)]
    codes = [f"{2025 + (i % 2)}-{i // 2 + 1:04d}" for i in range(CASES)]
    kinds = [e for e, _w, _c in EVENTS]
    weights = [w for _e, w, _c in EVENTS]
    with_case = {e for e, _w, c in EVENTS if c}
    start = NOW - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / ENTRIES
    written = 0
    while written < ENTRIES:
        batch = []
        for n in range(written, min(written + BATCH, ENTRIES)):
            user_id, username, role, org = rng.choices(people, user_weights)[0]
            kind = rng.choices(kinds, weights)[0]
            case = rng.choices(range(CASES), case_weights)[0] if kind in with_case else None
            batch.append(
                chain.Entry(
                    event=kind,
                    user_id=user_id,
                    username=username,
                    roles=role,
                    on_behalf_of=org,
                    record_type="case" if case is not None else "user",
                    record_id=str(case + 1 if case is not None else user_id),
                    case_id=case + 1 if case is not None else None,
                    case_code=codes[case] if case is not None else "",
                    outcome=audit.REFUSED if kind == audit.LOGIN_FAILED else audit.SUCCESS,
                    detail="wrong password (1 in a row)" if kind == audit.LOGIN_FAILED else "",
                    workstation="werkplek-03 (app)",
                    at=start + step * n,
                )
            )
        with db.uow() as uow:
            chain.append(uow.session.connection(), batch)
            uow.commit()
        written += len(batch)
    # no ANALYZE: the app never runs it, so the query planner works without statistics
    print(f"built {path} in {time.perf_counter() - started:.1f} s: {ENTRIES} entries", flush=True)
    return db


# ---------------------------------------------------------------- measuring


def summary(name: str, samples: list[float], cpu: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    verdict = "ok" if ordered[-1] < TARGET_MS else "SLOW"
    return (
        f"{name:<52} median {statistics.median(samples):6.1f}   p95 {p95:6.1f}"
        f"   max {ordered[-1]:6.1f} ms   (cpu median {statistics.median(cpu):5.1f})   {verdict}"
    )


def administrator(db: Database) -> Actor:
    return users.find_actor(db.uow(), "beheer")


def choices(db: Database) -> dict[str, Any]:
    """What the filters ask for: the busiest user, a typical one, the busiest case, a
    typical case, as the data has them."""
    with db.sessions() as s:
        by_user = Counter(
            dict(
                s.execute(
                    select(AuditEntry.user_id, func.count()).group_by(AuditEntry.user_id)
                ).all()
            )
        )
        by_case = Counter(
            dict(
                s.execute(
                    select(AuditEntry.case_code, func.count())
                    .where(AuditEntry.case_code != "")
                    .group_by(AuditEntry.case_code)
                ).all()
            )
        )
    users_ = by_user.most_common()
    cases_ = by_case.most_common()
    return {
        "busy_user": users_[0],
        "user": users_[len(users_) // 2],
        "busy_case": cases_[0],
        "case": cases_[len(cases_) // 3],
    }


def filters(db: Database) -> list[tuple[str, AuditFilter]]:
    c = choices(db)
    today = date.today()
    month = today - timedelta(days=30)
    busy_user, n_busy = c["busy_user"]
    user, n_user = c["user"]
    busy_case, n_busy_case = c["busy_case"]
    case, n_case = c["case"]
    return [
        ("no filter", AuditFilter()),
        (f"user ({n_busy} entries)", AuditFilter(user_id=busy_user)),
        (f"user ({n_user} entries)", AuditFilter(user_id=user)),
        (f"user ({n_busy}) + last 30 days", AuditFilter(user_id=busy_user, since=month)),
        (f"user ({n_user}) + last 30 days", AuditFilter(user_id=user, since=month)),
        (
            f"user ({n_busy}) + a month a year ago",
            AuditFilter(
                user_id=busy_user,
                since=today - timedelta(days=330),
                until=today - timedelta(days=300),
            ),
        ),
        (f"case code ({n_busy_case} entries)", AuditFilter(case_code=busy_case)),
        (f"case code ({n_case} entries)", AuditFilter(case_code=case)),
        ("case code, none", AuditFilter(case_code="1999-0001")),
        ("event: read", AuditFilter(event=audit.READ)),
        ("event: break-glass", AuditFilter(event=audit.BREAK_GLASS)),
        ("period: last 30 days", AuditFilter(since=month)),
        ("period: a week half a year ago", AuditFilter(since=today - timedelta(days=180),
                                                       until=today - timedelta(days=173))),
        (
            "user + case + event + period",
            AuditFilter(user_id=busy_user, case_code=busy_case, event=audit.READ, since=month),
        ),
    ]  # fmt: skip


Result = tuple[str, list[float], list[float]]  # name, wall-clock ms, CPU ms


def queries(db: Database, me: Actor) -> list[tuple[str, Callable[[], object]]]:
    out: list[tuple[str, Callable[[], object]]] = []
    for name, f in filters(db):

        def first(f: AuditFilter = f) -> object:
            return audit.list_entries(db.uow(), me, f, 0, 200)

        def count(f: AuditFilter = f) -> object:
            return audit.count_entries(db.uow(), me, f)

        out.append((f"first page | {name}", first))
        out.append((f"count      | {name}", count))
    out.append(
        ("page at offset 10,000 | no filter", lambda: audit.list_entries(db.uow(), me, AuditFilter(), 10_000, 200))  # noqa: E501
    )  # fmt: skip
    out.append(
        ("page at offset 40,000 | no filter", lambda: audit.list_entries(db.uow(), me, AuditFilter(), 40_000, 200))  # noqa: E501
    )  # fmt: skip
    out.append(("user choices (the user filter)", lambda: audit.user_choices(db.uow(), me)))
    return out


def plans(db: Database, me: Actor) -> list[str]:
    """The SQLite plan of every statement each query runs."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if "audit_entry" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
            seen.append((statement, params))

    out = []
    for name, fn in queries(db, me):
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        steps = []
        with db.engine.connect() as conn:
            for statement, params in seen:
                if "pact_user" in statement:
                    continue
                raw = conn.connection.dbapi_connection
                assert raw is not None
                for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params):
                    steps.append(str(row[-1]))
        out.append(f"{name}: " + "; ".join(steps))
    return out


def measure(db: Database, rounds: int) -> tuple[list[Result], str]:
    me = administrator(db)
    todo = queries(db, me)
    samples: dict[str, list[float]] = {name: [] for name, _fn in todo}
    cpu: dict[str, list[float]] = {name: [] for name, _fn in todo}
    for _round in range(rounds):
        for name, fn in todo:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
    results: list[Result] = []
    for name, values in samples.items():
        # round 0 is the first use of each statement (compiled and cached afterwards)
        warm = values[1:] if len(values) > 1 else values
        results.append((name, warm, cpu[name][1:] or cpu[name]))
    note = (
        f"first round (cold) max {max(v[0] for v in samples.values()):.1f} ms "
        f"over {len(samples)} calls"
    )
    return results, note


def once(db: Database) -> list[str]:
    """The whole chain checked, and one busy case exported, timed once (not per repaint)."""
    me = administrator(db)
    busy_case = choices(db)["busy_case"][0]
    lines = []
    t0 = time.perf_counter()
    result = audit.verify_chain(db.uow())
    lines.append(
        f"verify_chain: {result.entries} entries, ok={result.ok}, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    t0 = time.perf_counter()
    data = audit.export_csv(db.uow(), me, AuditFilter(case_code=busy_case))
    lines.append(
        f"export_csv of case {busy_case}: {len(data) // 1024} KiB, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="database to build or reuse")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--plans", action="store_true", help="print each query's SQLite plan")
    args = parser.parse_args(argv)
    i18n.set_language("nl")
    tmp: Path | None = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="pact-bench-"))
        path = tmp / "bench.db"
    else:
        path = args.db.resolve()
    try:
        if path.exists() and path.stat().st_size > 0:
            db = open_database(path, BENCH_KEY)
            print(f"reusing {path}", flush=True)
        else:
            db = build(path)
        with db.sessions() as s:
            total = s.scalar(select(func.count()).select_from(AuditEntry))
            cache = s.execute(text("PRAGMA cache_size")).scalar()
        print(
            f"{total} audit entries in the database "
            f"({path.stat().st_size // 2**20} MB, page cache {cache})"
        )
        print("each line: one service call of the audit view (count_entries, or list_entries")
        print("for a page of 200) in its own unit of work; warm rounds (the first one is left")
        print("out); wall-clock ms, and the CPU time of this process\n")
        if args.plans:
            for line in plans(db, administrator(db)):
                print(line)
            print()
        results, note = measure(db, args.rounds)
        slow = False
        for name, samples, cpu in results:
            print(summary(name, samples, cpu))
            if not name.startswith("page at offset"):
                slow = slow or max(samples) >= TARGET_MS
        print()
        print(note)
        for line in once(db):
            print(line)
        db.close()
        print(f"\ntarget: every count and first page under {TARGET_MS:.0f} ms")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work inflates maxima)")
        return 1 if slow else 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
