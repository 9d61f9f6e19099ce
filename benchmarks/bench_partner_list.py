"""Benchmark: the partner list at scale (5,000 organisations, 20,000 contact persons).

Measures, on the offscreen Qt platform, each time until the table has been repainted:

* opening: constructing the PartnersView and showing it, until the first page is painted;
* typing: each keystroke of a word typed into the filter, then as many backspaces;
* sorting: a click on each column header (twice: ascending, descending);
* paging: scrolling to the end of the loaded rows until the next page (``fetchMore``).

Every measure is reported for the first round ("cold": the first use in a fresh process
of each code path and SQL statement; PySide6 creates its enum types, SQLAlchemy compiles
statements, Babel loads locale data) and for the later rounds ("warm").

Usage::

    .venv/bin/python benchmarks/bench_partner_list.py [DB] [--rounds N] [--word WORD]

With ``DB`` the database is built there when it does not exist and reused when it does
(building takes 10-20 s); without it a temporary one is built and removed. The target
is every repaint under 100 ms; the exit status is 1 when a warm maximum misses it.
See benchmarks/README.md.
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
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pact import i18n
from pact.db.database import Database, create_database, open_database
from pact.db.engine import RawKey
from pact.models.partner import DOMAINS
from pact.services import partners as p
from pact.services.access import KeyMode

# a fixed key: the benchmark database holds invented data only
BENCH_KEY = RawKey(bytes(range(100, 132)))
ORGANISATIONS = 5_000
CONTACTS_PER_ORGANISATION = 4
TARGET_MS = 100.0

KINDS = (
    ("school", "Basisschool"),
    ("school", "Kindcentrum"),
    ("childcare", "Kinderopvang"),
    ("gp", "Huisartsenpraktijk"),
    ("mental_health", "GGZ"),
    ("welfare", "Welzijn"),
    ("youth_care", "Jeugdzorg"),
    ("youth_protection", "Jeugdbescherming"),
    ("social_team", "Sociaal team"),
    ("legal", "Advocatenkantoor"),
    ("legal", "Mediation"),
    ("financial", "Schuldhulp"),
    ("experience_experts", "Buddyproject"),
    ("sports", "Sportvereniging"),
    ("other", "Stichting"),
)
WORDS = (
    "De Esch",
    "Het Kompas",
    "De Regenboog",
    "Zonnebloem",
    "De Bron",
    "Noord",
    "Oost",
    "Centrum",
    "De Vlinder",
    "Het Anker",
    "De Brug",
    "Samen",
    "Horizon",
    "De Linde",
)
FIRST = (
    "Anne",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Femke",
    "Gert",
    "Hanneke",
    "Iris",
    "Joost",
    "Karin",
    "Lars",
    "Marieke",
    "Niels",
    "Olga",
    "Pieter",
    "Roos",
    "Sander",
    "Tessa",
    "Wim",
)
LAST = (
    "Jansen",
    "de Vries",
    "Bosch",
    "Nijhuis",
    "Kuipers",
    "Oude Egberink",
    "Brink",
    "Huisman",
    "Scholten",
    "ter Horst",
    "Mulder",
    "Wolters",
    "Lammers",
    "Koster",
)
FUNCTIONS = (
    "leerkracht",
    "intern begeleider",
    "huisarts",
    "jeugdconsulent",
    "maatschappelijk werker",
    "mediator",
    "schuldhulpverlener",
    "coördinator",
    "buddy",
    "trainer",
)


def generate(rng: random.Random, municipality_ids: list[int]) -> list[p.OrganisationData]:
    items: list[p.OrganisationData] = []
    for i in range(ORGANISATIONS):
        sector, kind = KINDS[i % len(KINDS)]
        muns = tuple(sorted(rng.sample(municipality_ids, rng.choice((1, 1, 1, 2, 3)))))
        contacts = tuple(
            p.ContactData(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}-{k}",
                function=rng.choice(FUNCTIONS),
                email=f"contact{i}.{k}@example.nl",
                phone=f"06 {rng.randrange(10_000_000, 99_999_999)}",
                representative=k == 0,
                active=rng.random() > 0.1,
            )
            for k in range(CONTACTS_PER_ORGANISATION)
        )
        items.append(
            p.OrganisationData(
                name=f"{kind} {rng.choice(WORDS)} {i + 1}",
                sector=sector,
                municipality_ids=muns,
                domains=tuple(rng.sample(DOMAINS, rng.randrange(1, 4))),
                offer="Ondersteuning bij scheiding, opvoeding en financiën.",
                phone=f"074 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
                email=f"info{i}@example.nl",
                website=f"www.partner{i}.nl",
                archived=i % 50 == 0,
                contacts=contacts,
            )
        )
    return items


def build(path: Path) -> Database:
    db = create_database(path, BENCH_KEY)
    municipality_ids = [m.id for m in p.list_municipalities(db.uow())]
    items = generate(random.Random(2024), municipality_ids)
    started = time.perf_counter()
    with db.uow() as uow:
        p.add_organisations(uow.session, items)
        uow.commit()
    print(
        f"built {path}: {ORGANISATIONS} organisations, "
        f"{ORGANISATIONS * CONTACTS_PER_ORGANISATION} contacts "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return db


class PaintCounter(QObject):
    """Counts paint events of a widget (the table's viewport)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def until_painted(
    app: QApplication, counter: PaintCounter, before: int, limit_s: float = 5.0
) -> None:
    deadline = time.perf_counter() + limit_s
    while counter.count == before:
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("the table was not repainted")
    app.processEvents()


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    verdict = "ok" if ordered[-1] < TARGET_MS else "SLOW"
    return (
        f"{name:<48} n={len(samples):<4} median {statistics.median(samples):6.1f} ms"
        f"   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms   {verdict}"
    )


def _quiet(kind: QtMsgType, context: object, message: str) -> None:
    # the offscreen platform warns about every top-level window; keep the report readable
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def measure(db: Database, rounds: int, word: str) -> list[tuple[str, list[float]]]:
    from pact.ui.context import AppContext
    from pact.ui.views.partners import PartnersView

    qInstallMessageHandler(_quiet)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    ctx = AppContext(db, KeyMode.KEYRING)
    # one list of samples per measure and round; round 0 is the cold one
    opening: list[list[float]] = []
    typing: list[list[float]] = []
    sorting: list[list[float]] = []
    paging: list[list[float]] = []
    for _round in range(rounds):
        for samples in (opening, typing, sorting, paging):
            samples.append([])
        counter = PaintCounter()
        started = time.perf_counter()
        view = PartnersView(ctx)
        view.resize(1400, 900)
        table = view.table
        table.viewport().installEventFilter(counter)
        view.show()
        until_painted(app, counter, 0)
        opening[-1].append((time.perf_counter() - started) * 1000)
        assert view.model.rowCount() > 0

        search = view.search_edit
        search.setFocus()
        for ch in word:
            before = counter.count
            t0 = time.perf_counter()
            QTest.keyClick(search, ch)
            until_painted(app, counter, before)
            typing[-1].append((time.perf_counter() - t0) * 1000)
        for _ch in word:
            before = counter.count
            t0 = time.perf_counter()
            QTest.keyClick(search, Qt.Key.Key_Backspace)
            until_painted(app, counter, before)
            typing[-1].append((time.perf_counter() - t0) * 1000)

        header = table.horizontalHeader()
        for col in range(view.model.columnCount()):
            for _twice in range(2):
                before = counter.count
                t0 = time.perf_counter()
                x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
                QTest.mouseClick(
                    header.viewport(),
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                    QPoint(x, header.height() // 2),
                )
                until_painted(app, counter, before)
                sorting[-1].append((time.perf_counter() - t0) * 1000)

        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        app.processEvents()
        for _page in range(3):
            loaded = view.model.rowCount()
            before = counter.count
            t0 = time.perf_counter()
            table.scrollToBottom()
            until_painted(app, counter, before)
            deadline = time.perf_counter() + 5
            while view.model.rowCount() == loaded and time.perf_counter() < deadline:
                app.processEvents()
            paging[-1].append((time.perf_counter() - t0) * 1000)
        view.close()
        view.deleteLater()
        app.processEvents()
    measures = (
        ("open list, first paint", opening),
        (f"filter keystroke ('{word}', backspaces)", typing),
        ("sort by a column header", sorting),
        ("scroll to end, next page", paging),
    )
    results = [(f"{name} - cold", rounds_[0]) for name, rounds_ in measures]
    if rounds > 1:
        results += [
            (f"{name} - warm", [x for r in rounds_[1:] for x in r]) for name, rounds_ in measures
        ]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="database to build or reuse")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--word", default="welzijn")
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
        total = p.count_organisations(db.uow(), p.PartnerFilter(include_archived=True))
        print(f"{total} organisations in the database", flush=True)
        results = measure(db, args.rounds, args.word)
        db.close()
        print()
        slow = False
        print("cold: the first round in a fresh process (first use of each code path and")
        print("SQL statement); warm: the later rounds\n")
        for name, samples in results:
            print(summary(name, samples))
            slow = slow or (name.endswith("warm") and max(samples) >= TARGET_MS)
        print(f"\ntarget: every repaint under {TARGET_MS:.0f} ms")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work inflates maxima)")
        return 1 if slow else 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
