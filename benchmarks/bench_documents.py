"""Benchmark: printed minutes and agendas of a big meeting, one edition and fifteen.

Builds a demo database, adds a held network meeting with 40 agenda items (minutes
text, decisions and new next steps on each, four case items) and 15 invited
organisations, then measures:

- one minutes edition, as *Print preview* makes it: ``documents.prepare`` for one
  recipient (reads the meeting, consent and letterhead) plus ``documents.render``;
- the same for the full edition and for the agenda;
- the editions for all 15 recipients, as *Print for all recipients* and
  ``pact print minutes ID --for all`` make them: one ``prepare`` for all, then 15
  ``render`` calls; compared with 15 times one edition.

Every round starts with empty caches (``meeting_docs.clear_caches``): the shared work
is reading the meeting and its cases' consent once, and parsing each paragraph's
markup once for all editions.

Usage::

    .venv/bin/python benchmarks/bench_documents.py [--rounds N]

The targets: one 40-item minutes edition well within a second; 15 editions in less
than 15 times one. The exit status is 1 when a target is missed. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from pact import i18n
from pact.db.database import Database
from pact.models import Organisation
from pact.reports import meeting_docs
from pact.services import cases, clock, demo, documents, meetings, minutes, users
from pact.services.consultations import ActionInput
from pact.services.meetings import InviteInput, ItemInput, MeetingInput

PASSPHRASE = "benchmark-documents-2026"
ITEMS = 40
RECIPIENTS = 15
MINUTES_TEXT = (
    "De voorzitter opent het punt. **Afgesproken** wordt dat de partners hun ervaringen "
    "delen; *de school* meldt dat het aantal signalen stijgt. Punten uit de ronde:\n"
    "- de wachtlijst bij het sociaal team is korter geworden\n"
    "- de mediator start een nieuwe groep ouders in het voorjaar\n"
    "- het maatjesproject zoekt nieuwe vrijwilligers\n\n"
    "Na een korte discussie over de werkwijze bij complexe scheidingen (niveau 3) "
    "besluit het overleg de casusbespreking voortaan te beginnen met de vraag van het "
    "kind. Jeugdgezondheidszorgmedewerkers sluiten voortaan aan bij het overleg. "
) * 2


def build(folder: Path) -> tuple[Database, users.Actor, int, list[int]]:
    made = demo.create_demo(folder / "bench.db", PASSPHRASE)
    db = made.created.db
    me = users.find_actor(db.uow(), demo.COORDINATOR)
    with db.uow() as uow:
        org_ids = list(uow.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    recipients = org_ids[:RECIPIENTS]
    rows = cases.list_cases(db.uow(), me, cases.CaseFilter(), limit=20)
    case_ids = [r.id for r in rows]
    today = clock.today()
    meeting = meetings.save_meeting(
        db.uow(),
        me,
        MeetingInput(
            kind="network",
            held_on=today,
            starts_at=clock_time(9, 0),
            ends_at=clock_time(17, 0),
            title="Benchmark: netwerkoverleg met 40 punten",
            location="Gemeentehuis Hengelo",
            invites=tuple(InviteInput(o) for o in recipients),
        ),
    )
    for n in range(ITEMS):
        case_item = n % 10 == 5 and case_ids
        data = meetings.save_item(
            db.uow(),
            me,
            meeting.id,
            ItemInput(
                kind="case" if case_item else "theme",
                title=f"Agendapunt {n + 1}: samenwerking rond scheidingen",
                planned_minutes=10,
                description="Toelichting bij het punt, met de vraag aan het overleg.",
                case_id=case_ids[n % len(case_ids)] if case_item else None,
                case_mode="anonymous" if case_item and n % 20 == 15 else "full",
            ),
        )
        item = data.items[-1]
        minutes.save_minutes(db.uow(), me, item.id, MINUTES_TEXT)
        minutes.add_decision(db.uow(), me, item.id, f"Besluit {n + 1}: zo gaan we verder.")
        if not case_item:
            minutes.add_step(
                db.uow(),
                me,
                item.id,
                ActionInput(
                    f"Uitzoeken hoe punt {n + 1} verder gaat",
                    today + timedelta(days=14 + n),
                    recipients[n % len(recipients)],
                ),
            )
    return db, me, meeting.id, recipients


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, list[float]]:
    """(first round, the later rounds) in milliseconds."""
    out = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out[0], out[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    i18n.set_language("nl")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        db, me, meeting_id, recipients = build(Path(tmp))
        print(f"built the demo and a {ITEMS}-item meeting in {time.perf_counter() - started:.1f} s")
        uow = db.uow

        def one(document: str, org: int | None) -> documents.RenderedEdition:
            meeting_docs.clear_caches()  # each round from scratch, as a single print
            [edition] = documents.prepare(uow(), me, meeting_id, document, [org])
            return documents.render(edition)

        def all_editions() -> list[documents.RenderedEdition]:
            meeting_docs.clear_caches()
            prepared = documents.prepare(uow(), me, meeting_id, "minutes", recipients)
            return [documents.render(e) for e in prepared]

        sample = one("minutes", recipients[0])
        full = one("minutes", None)
        print(
            f"a recipient's minutes: {sample.pages} pages, {len(sample.pdf) // 1024} kB; "
            f"the full edition: {full.pages} pages"
        )
        results = {}
        for label, fn in (
            ("minutes, one recipient's edition", lambda: one("minutes", recipients[0])),
            ("minutes, full edition", lambda: one("minutes", None)),
            ("agenda, one recipient's edition", lambda: one("agenda", recipients[0])),
            ("chair's copy of the agenda", lambda: one("chair", None)),
            (f"minutes, all {RECIPIENTS} editions", all_editions),
        ):
            first, warm = timed(fn, args.rounds)
            results[label] = statistics.median(warm)
            print(
                f"{label:<40} first {first:7.0f} ms   median {statistics.median(warm):7.0f} ms"
                f"   max {max(warm):7.0f} ms"
            )
        db.close()
    single = results["minutes, one recipient's edition"]
    many = results[f"minutes, all {RECIPIENTS} editions"]
    print(
        f"{RECIPIENTS} editions take {many / single:.1f} times one edition "
        f"(target: less than {RECIPIENTS})"
    )
    ok = single < 1000 and many < RECIPIENTS * single
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
