"""Benchmark: a team of workstations on one PostgreSQL server at the same time.

Ten simulated workstations (threads; each with its own engine and connection pool, as
a separate computer would have, logged in as its own pact user) make 1,000 mixed
reads and writes each against a throwaway loopback server (tests/postgres.py): list
and search cases, open case files, add and edit next steps, edit organisations with
version checks, save minutes and autosave drafts of different agenda items, read the
partner list, the next steps and the audit log.

Every workstation writes to records of its own and to shared ones:

* its own organisation and the shared one: a token appended to the notes, read and
  saved with the version read (a ConflictError, when another workstation saved the
  shared one first, is retried after reading it again: counted, never lost);
* its own case and the shared case: next steps added (and its own edited);
* its own agenda item of one meeting: a line appended to the minutes.

Afterwards: no errors, no lost updates (every token, step and line is there), and the
audit chain valid (``verify_chain``). Reported: throughput (ops/s) and p50/p95
latency per kind of operation, and the query plans of the live lists' change counter.

Usage::

    .venv/bin/python benchmarks/bench_server_load.py [--workstations 10] [--ops 1000]
        [--seed 7513]

Exit status 1 when an error, a lost update or a broken chain was found. The same code
runs with small numbers in tests/db/test_server_load.py. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from pact import i18n
from pact.db.database import Database, open_server_database
from pact.db.server import ServerUrl, connect, parse_url
from pact.errors import ConflictError
from pact.models import Action, AgendaItem, Organisation
from pact.services import audit, auth, cases, clock, consultations, meetings, minutes, partners
from pact.services import users as users_svc
from pact.services.cases import CaseFilter, CaseInput
from pact.services.consultations import ActionFilter, ActionInput
from pact.services.partners import ContactData, OrganisationData, PartnerFilter
from pact.services.users import Actor, UserData

PASSWORD = "Kriekelaar-7-Lindeboom"  # the pact users' (invented, throwaway server)

# kind of operation: weight in the mix
MIX: dict[str, int] = {
    "list_cases": 12,
    "search_cases": 8,
    "open_case": 12,
    "add_step": 8,
    "edit_step": 6,
    "edit_own_org": 8,
    "edit_shared_org": 8,
    "save_minutes": 8,
    "save_draft": 8,
    "list_partners": 10,
    "list_steps": 6,
    "read_audit": 6,
}


@dataclass
class Setup:
    """What the team works on (ids), made before the workstations start."""

    usernames: list[str]
    home_org: int
    contact: int  # the contact person every next step is owned by
    hengelo: int
    shared_org: int
    own_orgs: list[int]
    shared_case: int
    own_cases: list[int]
    meeting: int
    own_items: list[int]


@dataclass
class Tally:
    """What one workstation did: latencies per kind, and what it wrote, to check."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    own_tokens: list[str] = field(default_factory=list)
    shared_tokens: list[str] = field(default_factory=list)
    own_steps: list[str] = field(default_factory=list)
    shared_steps: list[str] = field(default_factory=list)
    minutes_lines: list[str] = field(default_factory=list)


@dataclass
class Result:
    workstations: int
    ops_each: int
    seconds: float
    tallies: list[Tally]
    lost: list[str]  # what a check found missing
    chain_ok: bool
    chain_entries: int
    plans: dict[str, list[str]]

    @property
    def errors(self) -> list[str]:
        return [e for t in self.tallies for e in t.errors]

    @property
    def ops(self) -> int:
        return sum(len(v) for t in self.tallies for v in t.latencies.values())

    def conflicts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for t in self.tallies:
            for k, n in t.conflicts.items():
                out[k] += n
        return dict(out)

    def latencies(self) -> dict[str, list[float]]:
        out: dict[str, list[float]] = defaultdict(list)
        for t in self.tallies:
            for k, v in t.latencies.items():
                out[k].extend(v)
        return dict(out)


def open_db(url: ServerUrl, password: str) -> Database:
    return open_server_database(url, connect(url, password))


# ---------------------------------------------------------------- the team's data


def prepare(db: Database, workstations: int) -> Setup:
    """A fresh server database (migrated) gets the team: an administrator, one user per
    workstation (coordinator and administrator at the same organisation), the records
    they work on."""
    admin = users_svc.create_first_user(
        db.uow(), UserData(username="beheer", display_name="Bea Beheer", password=PASSWORD)
    )
    db.actor = admin
    hengelo = next(m.id for m in partners.list_municipalities(db.uow()) if m.name == "Hengelo")
    home = partners.save_organisation(
        db.uow(),
        OrganisationData(
            name="Stichting Welzijn De Schakel",
            sector="welfare",
            municipality_ids=(hengelo,),
            contacts=(ContactData(name="Wendy Wolters"),),
        ),
    )
    assert home.id is not None and home.contacts[0].id is not None
    contact = home.contacts[0].id

    def org(name: str) -> int:
        saved = partners.save_organisation(
            db.uow(), OrganisationData(name=name, sector="other", municipality_ids=(hengelo,))
        )
        assert saved.id is not None
        return saved.id

    shared_org = org("Gedeelde Partner")
    own_orgs = [org(f"Partner van werkplek {n}") for n in range(workstations)]
    usernames = []
    people: list[Actor] = []
    for n in range(workstations):
        username = f"werkplek{n}"
        saved = users_svc.save_user(
            db.uow(),
            admin,
            UserData(
                username=username,
                display_name=f"Werkplek {n}",
                organisation_id=home.id,
                roles=("coordinator", "administrator"),
                password=PASSWORD,
                password_is_temporary=False,
            ),
        )
        usernames.append(username)
        assert saved.id is not None
        people.append(users_svc.get_actor(db.uow(), saved.id))

    def case(alias: str, by: Actor) -> int:
        # registered at the workstations' own organisation, which leads it: no
        # consent is needed for that, and every workstation may open it
        db.actor = by
        return cases.register_case(
            db.uow(),
            by,
            CaseInput(alias=alias, municipality_id=hengelo, level=2, lead_contact_id=contact),
        ).id

    shared_case = case("Familie Gedeeld", people[0])
    own_cases = [case(f"Familie Werkplek {n}", people[n]) for n in range(workstations)]
    db.actor = admin
    defaults = meetings.meeting_defaults(db.uow(), admin)
    meeting = meetings.save_meeting(
        db.uow(), admin, replace(defaults, held_on=clock.today(), title="Netwerkoverleg")
    )
    own_items = []
    for n in range(workstations):
        meeting = meetings.save_item(
            db.uow(), admin, meeting.id, meetings.ItemInput(kind="theme", title=f"Thema {n}")
        )
        own_items.append(meeting.items[-1].id)
    return Setup(
        usernames,
        home.id,
        contact,
        hengelo,
        shared_org,
        own_orgs,
        shared_case,
        own_cases,
        meeting.id,
        own_items,
    )


# ---------------------------------------------------------------- one workstation


class Workstation:
    def __init__(self, n: int, url: ServerUrl, password: str, setup: Setup, seed: int):
        self.n = n
        self.setup = setup
        self.rng = random.Random(seed * 1000 + n)
        self.db = open_db(url, password)
        self.actor: Actor = auth.login(self.db.uow(), setup.usernames[n], PASSWORD)
        self.db.actor = self.actor
        self.tally = Tally()
        self.steps: list[int] = []  # its own next steps, to edit
        self.counter = 0

    def token(self) -> str:
        self.counter += 1
        return f"w{self.n}-{self.counter}"

    def run(self, ops: int, start: threading.Barrier) -> None:
        kinds = list(MIX)
        plan = self.rng.choices(kinds, weights=[MIX[k] for k in kinds], k=ops)
        start.wait()
        for kind in plan:
            began = time.perf_counter()
            try:
                getattr(self, kind)()
            except Exception as exc:  # every one is a failure of the test
                self.tally.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            self.tally.latencies[kind].append(time.perf_counter() - began)
        self.db.close()

    # -- reads
    def list_cases(self) -> None:
        cases.count_cases(self.db.uow(), self.actor)
        cases.list_cases(self.db.uow(), self.actor, limit=200)

    def search_cases(self) -> None:
        text = self.rng.choice(["Familie", "Werkplek", "Gedeeld", f"Werkplek {self.n}"])
        f = CaseFilter(text=text)
        cases.count_cases(self.db.uow(), self.actor, f)
        cases.list_cases(self.db.uow(), self.actor, f, limit=200)

    def open_case(self) -> None:
        case_id = self.rng.choice([self.setup.shared_case, *self.setup.own_cases])
        cases.get_case(self.db.uow(), self.actor, case_id)

    def list_partners(self) -> None:
        f = PartnerFilter(text=self.rng.choice(["", "partner", "werkplek"]))
        partners.count_organisations(self.db.uow(), f)
        partners.list_organisations(self.db.uow(), f)

    def list_steps(self) -> None:
        consultations.count_actions(self.db.uow(), self.actor, ActionFilter())
        consultations.list_actions(self.db.uow(), self.actor, ActionFilter())

    def read_audit(self) -> None:
        audit.list_entries(self.db.uow(), self.actor, limit=50)

    # -- writes
    def add_step(self) -> None:
        shared = self.rng.random() < 0.5
        case_id = self.setup.shared_case if shared else self.setup.own_cases[self.n]
        what = f"Stap {self.token()}"
        due = clock.today() + timedelta(days=14)
        while True:
            try:
                step = consultations.add_action(
                    self.db.uow(),
                    self.actor,
                    case_id,
                    ActionInput(what, due, owner_contact_id=self.setup.contact),
                )
                break
            except ConflictError:
                # the first next step makes a registered case active: two workstations
                # doing that at the same moment on the shared case meet a conflict
                self.tally.conflicts["add_step_shared" if shared else "add_step_own"] += 1
        (self.tally.shared_steps if shared else self.tally.own_steps).append(what)
        if not shared:
            self.steps.append(step.id)

    def edit_step(self) -> None:
        if not self.steps:
            self.add_step()
            return
        step_id = self.rng.choice(self.steps)
        step = consultations.get_action(self.db.uow(), self.actor, step_id)
        due = (step.due_on or clock.today()) + timedelta(days=1)
        consultations.update_action(
            self.db.uow(),
            self.actor,
            step_id,
            ActionInput(step.what, due, owner_contact_id=self.setup.contact),
            step.version,
        )

    def _append_note(self, organisation_id: int, kind: str) -> str:
        token = self.token()
        while True:
            data = partners.get_organisation(self.db.uow(), organisation_id)
            try:
                partners.save_organisation(
                    self.db.uow(), replace(data, notes=(data.notes + "\n" + token).strip())
                )
                return token
            except ConflictError:
                self.tally.conflicts[kind] += 1  # read it again and retry

    def edit_own_org(self) -> None:
        self.tally.own_tokens.append(self._append_note(self.setup.own_orgs[self.n], "edit_own_org"))

    def edit_shared_org(self) -> None:
        self.tally.shared_tokens.append(self._append_note(self.setup.shared_org, "edit_shared_org"))

    def _own_item(self) -> tuple[int, str]:
        item_id = self.setup.own_items[self.n]
        data = meetings.get_meeting(self.db.uow(), self.actor, self.setup.meeting)
        item = next(i for i in data.items if i.id == item_id)
        return item_id, item.minutes

    def save_minutes(self) -> None:
        item_id, text = self._own_item()
        line = f"Regel {self.token()}."
        while True:
            try:
                minutes.save_minutes(
                    self.db.uow(), self.actor, item_id, (text + "\n" + line).strip()
                )
                break
            except ConflictError:
                # only this workstation writes this item: a conflict here is one over
                # the meeting, which minutes of different items must not have
                self.tally.conflicts["save_minutes"] += 1
                item_id, text = self._own_item()
        self.tally.minutes_lines.append(line)

    def save_draft(self) -> None:
        item_id = self.setup.own_items[self.n]
        minutes.save_draft(self.db.uow(), self.actor, item_id, f"Concept {self.token()}")


# ---------------------------------------------------------------- the run


def plans(db: Database) -> dict[str, list[str]]:
    """The query plans of the live lists' change counter (pact.services.changes)."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE audit_entry")
        top = conn.exec_driver_sql("SELECT max(seq) FROM audit_entry").scalar() or 0
        newest = conn.exec_driver_sql("EXPLAIN SELECT max(seq) FROM audit_entry")
        since = conn.exec_driver_sql(
            "EXPLAIN SELECT DISTINCT record_type FROM audit_entry WHERE seq > %(a)s "
            "AND seq <= %(b)s AND event IN ('create', 'update', 'delete')",
            {"a": max(top - 40, 0), "b": top},
        )
        return {"newest": list(newest.scalars()), "since": list(since.scalars())}


def check(db: Database, setup: Setup, tallies: list[Tally]) -> list[str]:
    """What is missing from the final state (empty: no lost updates)."""
    lost: list[str] = []
    with db.sessions() as s:
        notes = dict(s.execute(select(Organisation.id, Organisation.notes)).all())
        steps = s.execute(select(Action.case_id, Action.what)).all()
        items = dict(s.execute(select(AgendaItem.id, AgendaItem.minutes)).all())
    by_case: dict[int | None, set[str]] = defaultdict(set)
    for case_id, what in steps:
        by_case[case_id].add(what)
    shared_notes = set((notes.get(setup.shared_org) or "").split())
    for n, t in enumerate(tallies):
        own_notes = set((notes.get(setup.own_orgs[n]) or "").split())
        lost += [f"own organisation {n}: {x}" for x in t.own_tokens if x not in own_notes]
        lost += [f"shared organisation: {x}" for x in t.shared_tokens if x not in shared_notes]
        lost += [f"own case {n}: {x}" for x in t.own_steps if x not in by_case[setup.own_cases[n]]]
        lost += [f"shared case: {x}" for x in t.shared_steps if x not in by_case[setup.shared_case]]
        text = items.get(setup.own_items[n]) or ""
        lost += [f"minutes {n}: {x}" for x in t.minutes_lines if x not in text]
    expected = sum(len(t.shared_tokens) for t in tallies)
    if len(shared_notes) != expected:
        lost.append(f"shared organisation holds {len(shared_notes)} tokens, {expected} written")
    return lost


def run(
    url: ServerUrl,
    password: str,
    workstations: int = 10,
    ops_each: int = 1000,
    seed: int = 7513,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Build the team on the (empty) server database ``url``, run the workstations at
    once, check the outcome."""
    say = progress or (lambda _text: None)
    db = open_db(url, password)
    try:
        db.upgrade()
        setup = prepare(db, workstations)
        say(f"{workstations} workstations log in")
        stations = [Workstation(n, url, password, setup, seed) for n in range(workstations)]
        start = threading.Barrier(workstations + 1)
        threads = [
            threading.Thread(target=w.run, args=(ops_each, start), name=f"werkplek{w.n}")
            for w in stations
        ]
        for t in threads:
            t.start()
        start.wait()
        began = time.perf_counter()
        say(f"{workstations} x {ops_each} operations")
        for t in threads:
            t.join()
        seconds = time.perf_counter() - began
        tallies = [w.tally for w in stations]
        db.actor = None
        verified = audit.verify_chain(db.uow())
        return Result(
            workstations,
            ops_each,
            seconds,
            tallies,
            check(db, setup, tallies),
            verified.ok,
            verified.entries,
            plans(db),
        )
    finally:
        db.close()


def report(r: Result) -> str:
    lines = [
        f"{r.workstations} workstations x {r.ops_each} operations: {r.ops} in {r.seconds:.1f} s "
        f"= {r.ops / r.seconds:.0f} ops/s",
        "",
        f"{'operation':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}",
    ]
    for kind, values in sorted(r.latencies().items()):
        ms = sorted(v * 1000 for v in values)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        lines.append(
            f"{kind:<16}{len(ms):>7}{statistics.median(ms):>9.1f}{p95:>9.1f}{ms[-1]:>9.1f}"
        )
    conflicts = r.conflicts()
    lines += [
        "",
        "conflicts retried: "
        + (", ".join(f"{k} {n}" for k, n in sorted(conflicts.items())) or "none"),
        f"errors: {len(r.errors)}" + "".join(f"\n  {e}" for e in r.errors[:20]),
        f"lost updates: {len(r.lost)}" + "".join(f"\n  {x}" for x in r.lost[:20]),
        f"audit chain: {'valid' if r.chain_ok else 'BROKEN'}, {r.chain_entries} entries",
        "",
        "change counter plans (pact.services.changes):",
        *("  " + line for line in r.plans["newest"]),
        *("  " + line for line in r.plans["since"]),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workstations", type=int, default=10)
    parser.add_argument("--ops", type=int, default=1000, help="operations per workstation")
    parser.add_argument("--seed", type=int, default=7513)
    args = parser.parse_args()
    i18n.set_language("nl")
    from tests import postgres

    why = postgres.missing()
    if why:
        print(f"cannot start a throwaway server: {why}", file=sys.stderr)
        return 2
    load = os.getloadavg()
    with postgres.running_server() as server:
        url = parse_url(server.url(server.create_database()), environ={})
        print(f"throwaway PostgreSQL on {server.host}:{server.port}; {os.cpu_count()} cores")
        result = run(url, server.password, args.workstations, args.ops, args.seed, print)
    print(report(result))
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 1 if result.errors or result.lost or not result.chain_ok else 0


if __name__ == "__main__":
    sys.exit(main())
