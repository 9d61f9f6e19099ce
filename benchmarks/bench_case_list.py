"""Benchmark: the case list and the dashboard at scale (20,000 cases).

Measures the service calls the case list makes for every repaint (``count_cases``
and the first page of ``list_cases``) for no filter, each filter and each sort
column, as a coordinator (sees every case) and as workers (the need-to-know
predicate), and the start page (``dashboard.dashboard``).

Usage::

    .venv/bin/python benchmarks/bench_case_list.py [DB] [--rounds N]

With ``DB`` the database is built there when it does not exist and reused when it
does; without it a temporary one is built and removed. The target is every query
under 100 ms; the exit status is 1 when a warm maximum misses it. See
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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select, text

from pact import i18n
from pact.db.database import Database, create_database, open_database
from pact.db.engine import RawKey
from pact.models import (
    Action,
    Carer,
    Case,
    CaseLevelChange,
    CasePartner,
    CaseSignal,
    CaseStatusEvent,
    Child,
    Consent,
    ConsentGiver,
    ConsentInfo,
    ConsentPartner,
    Contact,
    MeldcodeJustification,
    MeldcodePartner,
    Organisation,
    User,
)
from pact.services import cases, consultations, dashboard, users
from pact.services import consent_rules as rules
from pact.services import partners as p
from pact.services import validation as v
from pact.services.cases import CaseFilter
from pact.services.consultations import ActionFilter
from pact.services.users import Actor, UserData

# a fixed key: the benchmark database holds invented data only
BENCH_KEY = RawKey(bytes(range(140, 172)))
CASES = 20_000
PASSWORD = "benchmark-only-7-Lindeboom"  # the benchmark's users (invented data only)
TARGET_MS = 100.0
TODAY = date.today()

SURNAMES = (
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
    "Meijerink",
    "Hofstede",
)
FIRST = ("Anne", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Iris", "Joost", "Karin")
# sector, name, how many
KINDS = (
    ("school", "Basisschool", 60),
    ("social_team", "Sociaal team", 14),
    ("welfare", "Welzijn", 14),
    ("legal", "Mediation", 10),
    ("experience_experts", "Maatjesproject", 4),
    ("gp", "Huisartsenpraktijk", 30),
    ("youth_care", "Jeugdhulp", 20),
    ("mental_health", "GGZ", 10),
    ("financial", "Schuldhulp", 8),
    ("childcare", "Kinderopvang", 20),
)


# ---------------------------------------------------------------- building


@dataclass
class Directory:
    orgs: list[int]
    sector: dict[int, str]
    contacts: dict[int, list[int]]  # organisation -> its contact persons
    contact_org: dict[int, int]
    by_sector: dict[str, list[int]] = field(default_factory=dict)


def build_directory(db: Database, rng: random.Random) -> Directory:
    muns = [m.id for m in p.list_municipalities(db.uow())]
    items = []
    for sector, kind, n in KINDS:
        for i in range(n):
            items.append(
                p.OrganisationData(
                    name=f"{kind} {rng.choice(SURNAMES)} {i + 1}",
                    sector=sector,
                    municipality_ids=(muns[i % len(muns)],),
                    contacts=tuple(
                        p.ContactData(name=f"{rng.choice(FIRST)} {rng.choice(SURNAMES)} {i}-{k}")
                        for k in range(3)
                    ),
                )
            )
    with db.uow() as uow:
        p.add_organisations(uow.session, [p.normalised(x) for x in items])
        uow.commit()
    with db.sessions() as s:
        sector = dict(s.execute(select(Organisation.id, Organisation.sector)).all())
        contacts: dict[int, list[int]] = defaultdict(list)
        contact_org = {}
        for cid, oid in s.execute(select(Contact.id, Contact.organisation_id).order_by(Contact.id)):
            contacts[oid].append(cid)
            contact_org[cid] = oid
    by_sector: dict[str, list[int]] = defaultdict(list)
    for oid, sec in sorted(sector.items()):
        by_sector[sec].append(oid)
    return Directory(sorted(sector), sector, dict(contacts), contact_org, dict(by_sector))


def build_users(db: Database, d: Directory) -> list[Actor]:
    """A coordinator, then 60 workers: at welfare organisations, social teams, schools."""
    welfare = d.by_sector["welfare"]
    coordinator = users.create_first_user(
        db.uow(),
        UserData(
            username="coordinator",
            display_name="Coördinator",
            organisation_id=welfare[0],
            contact_id=d.contacts[welfare[0]][0],
            password=PASSWORD,
        ),
    )
    homes = welfare + d.by_sector["social_team"] + d.by_sector["school"][:32]
    actors = [coordinator]
    for i, org in enumerate(homes):
        saved = users.save_user(
            db.uow(),
            coordinator,
            UserData(
                username=f"worker{i}",
                display_name=f"Werker {i}",
                organisation_id=org,
                contact_id=d.contacts[org][1],
                password=PASSWORD,
            ),
        )
        actors.append(users.find_actor(db.uow(), saved.username))
    return actors


class Rows:
    """Rows per table, with ids given here (so children, consents... can refer to them)."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.ids: dict[Any, int] = defaultdict(int)

    def add(self, model: Any, **values: Any) -> int:
        self.ids[model] += 1
        values.setdefault("id", self.ids[model])
        self.tables[model].append(values)
        return values["id"]


def generate(rng: random.Random, d: Directory, actors: list[Actor], muns: list[int]) -> Rows:
    rows = Rows()
    workers = actors[1:]
    days = sorted(TODAY - timedelta(days=rng.randrange(0, 4 * 365)) for _ in range(CASES))
    seqs: dict[int, int] = defaultdict(int)
    schools = d.by_sector["school"]
    buddies = d.by_sector["experience_experts"]
    helpers = [o for o in d.orgs if d.sector[o] not in ("school", "experience_experts")]
    for registered_on in days:
        seqs[registered_on.year] += 1
        seq = seqs[registered_on.year]
        code = f"{registered_on.year}-{seq:04d}"
        me = workers[rng.randrange(len(workers))] if rng.random() < 0.95 else actors[0]
        home = me.organisation_id
        assert home is not None
        level = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
        age_days = (TODAY - registered_on).days
        closed = rng.random() < (0.7 if age_days > 540 else 0.15)
        status = "closed" if closed else ("active" if rng.random() < 0.8 else "registered")
        closed_on = (
            min(TODAY, registered_on + timedelta(days=rng.randrange(30, 500))) if closed else None
        )
        last_day = closed_on or TODAY
        alias = f"Fam. {rng.choice(SURNAMES)}"
        case_id = rows.ids[Case] + 1
        # who is involved: the registrant, maybe the lead's organisation, 0-2 more
        involved: list[tuple[int, str, date | None]] = [(home, "registrant", None)]
        lead: int | None = None
        if rng.random() < 0.7:
            if rng.random() < 0.4 and me.contact_id is not None:
                lead = me.contact_id
            else:
                lead_org = rng.choice(helpers)
                lead = rng.choice(d.contacts[lead_org])
                if lead_org != home:
                    involved.append((lead_org, "case_lead", None))
        for _ in range(rng.choice((0, 1, 1, 2))):
            org = rng.choice(helpers + schools)
            if all(org != o for o, _r, _e in involved):
                ended = (
                    registered_on + timedelta(days=rng.randrange(10, 200))
                    if rng.random() < 0.1
                    else None
                )
                if ended is not None and ended > last_day:
                    ended = None
                involved.append((org, "support" if d.sector[org] != "school" else "school", ended))
        # the family
        kids: list[rules.ChildFacts] = []
        for k in range(rng.choice((1, 1, 2, 2, 3))):
            birth_year = TODAY.year - rng.randrange(0, 18)
            school = rng.choice(schools) if rng.random() < 0.6 else None
            buddy = rng.choice(buddies) if rng.random() < 0.05 else None
            child_id = rows.add(
                Child,
                case_id=case_id,
                name=f"K{k + 1}.",
                birth_year=birth_year,
                school_id=school,
                notes="",
                buddy_organisation_id=buddy,
                buddy_since=registered_on + timedelta(days=20) if buddy else None,
                version=1,
            )
            if buddy is not None and all(buddy != o for o, _r, _e in involved):
                involved.append((buddy, "buddy", None))
            kids.append(rules.ChildFacts(child_id, f"K{k + 1}.", birth_year))
        carers: list[rules.CarerFacts] = []
        for relation in ("mother", "father"):
            authority = rng.random() < 0.9
            carer_id = rows.add(
                Carer,
                case_id=case_id,
                alias=relation[0].upper() + ".",
                relation=relation,
                parental_authority=authority,
                notes="",
                version=1,
            )
            carers.append(rules.CarerFacts(carer_id, relation, authority))
        for org, role, ended in involved:
            rows.add(
                CasePartner,
                case_id=case_id,
                organisation_id=org,
                role=role,
                note="",
                added_on=registered_on,
                added_by_id=me.id,
                under_meldcode=False,
                ended_on=ended,
                ended_by_id=me.id if ended else None,
            )
        active_partners = [o for o, r, e in involved if e is None and r != "registrant"]
        # the Meldcode, for some level-4 cases
        meldcode: set[int] = set()
        if level == 4 and active_partners and rng.random() < 0.3:
            meldcode = {active_partners[0]}
            mj = rows.add(
                MeldcodeJustification,
                case_id=case_id,
                decided_on=registered_on,
                justification="Veilig Thuis adviseert: delen zonder toestemming (benchmark).",
                recorded_by_id=me.id,
            )
            rows.add(MeldcodePartner, justification_id=mj, organisation_id=active_partners[0])
        # consent: mostly given by everybody the rules ask for, sometimes by one parent
        facts: list[rules.ConsentFacts] = []
        if rng.random() < 0.75:
            given_on = min(last_day, registered_on + timedelta(days=rng.randrange(0, 20)))
            req = rules.requirement(kids, carers, level, given_on)
            givers = {rules.child_party(c) for c in req.children}
            parents = [rules.carer_party(x) for x in req.parents]
            if req.parents_needed and parents:
                givers |= set(parents if rng.random() < 0.8 else parents[:1])
            valid_until = (
                None if rng.random() < 0.5 else given_on + timedelta(days=rng.randrange(60, 730))
            )
            withdrawn_on = (
                min(last_day, given_on + timedelta(days=rng.randrange(1, 300)))
                if rng.random() < 0.05
                else None
            )
            named = sorted(set(active_partners) | {o for o, _r, _e in involved})
            consent_id = rows.add(
                Consent,
                case_id=case_id,
                given_on=given_on,
                method="signed_form",
                valid_until=valid_until,
                notes="",
                withdrawn_on=withdrawn_on,
                withdrawn_by_carer_id=carers[0].id if withdrawn_on else None,
                withdrawn_note="",
                recorded_by_id=me.id,
                version=1,
            )
            for kind, pid in sorted(givers):
                rows.add(
                    ConsentGiver,
                    consent_id=consent_id,
                    carer_id=pid if kind == "carer" else None,
                    child_id=pid if kind == "child" else None,
                )
            for org in named:
                rows.tables[ConsentPartner].append(
                    {"consent_id": consent_id, "organisation_id": org}
                )
            for kind in ("family", "signals", "school"):
                rows.tables[ConsentInfo].append({"consent_id": consent_id, "kind": kind})
            facts.append(
                rules.ConsentFacts(
                    consent_id,
                    given_on,
                    frozenset(givers),
                    frozenset(named),
                    valid_until,
                    withdrawn_on,
                )
            )
        needing = sorted(set(active_partners) - meldcode)
        assessed = rules.assess(kids, carers, level, facts, needing, TODAY)
        # next steps: a few per case, owned by an involved organisation (or its contact)
        for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5))):
            span = max((last_day - registered_on).days, 0)
            created_on = registered_on + timedelta(days=rng.randrange(0, span + 1))
            due_on = created_on + timedelta(days=rng.randrange(7, 60))
            org = rng.choice([o for o, _r, _e in involved])
            by_contact = rng.random() < 0.5
            if closed or due_on < TODAY - timedelta(days=30) or rng.random() < 0.3:
                state = "done" if rng.random() < 0.85 else "cancelled"
            else:
                state = "open"
            done_on = (
                min(last_day, created_on + timedelta(days=rng.randrange(0, 60)))
                if state == "done"
                else None
            )
            rows.add(
                Action,
                case_id=case_id,
                consultation_id=None,
                what="Vervolgstap (benchmark)",
                owner_org_id=org,
                owner_contact_id=rng.choice(d.contacts[org]) if by_contact else None,
                due_on=due_on,
                status=state,
                done_on=done_on,
                note="",
                created_on=created_on,
                created_by_id=me.id,
                version=1,
            )
        if rng.random() < 0.8:
            observed = registered_on + timedelta(
                days=rng.randrange(0, max((last_day - registered_on).days, 0) + 1)
            )
            rows.add(
                CaseSignal,
                case_id=case_id,
                child_id=kids[0].id,
                observed_on=observed,
                source_org_id=None,
                source_contact_id=None,
                observation="Signaal (benchmark)",
                domain=rng.choice(("child_school", "relational", "parenting")),
                seriousness=rng.choice((1, 2, 3)),
                recorded_by_id=me.id,
                version=1,
            )
        rows.add(
            CaseStatusEvent, case_id=case_id, event="registered", on=registered_on, user_id=me.id,
            reason="",
        )  # fmt: skip
        if status != "registered":
            rows.add(
                CaseStatusEvent, case_id=case_id, event="activated", on=registered_on,
                user_id=me.id, reason="",
            )  # fmt: skip
        if closed_on is not None:
            rows.add(
                CaseStatusEvent, case_id=case_id, event="closed", on=closed_on, user_id=me.id,
                reason="Afgerond",
            )  # fmt: skip
        rows.add(
            CaseLevelChange, case_id=case_id, level=level, previous_level=None,
            changed_on=registered_on, user_id=me.id, reason="",
        )  # fmt: skip
        added = rows.add(
            Case,
            code=code,
            year=registered_on.year,
            seq=seq,
            status=status,
            registered_on=registered_on,
            closed_on=closed_on,
            close_reason="Afgerond" if closed else "",
            municipality_id=rng.choice(muns),
            level=level,
            alias=alias,
            family_name="",
            registered_by_id=me.id,
            referred_by_id=None,
            lead_contact_id=lead,
            notes="",
            consent_state=assessed.state,
            consent_ok_until=assessed.ok_until,
            consent_checked_on=TODAY,
            meldcode=bool(meldcode),
            search_text=v.fold(f"{code} {alias}"),
            version=1,
        )
        assert added == case_id
    return rows


ORDER = (
    Case,
    Child,
    Carer,
    CasePartner,
    CaseStatusEvent,
    CaseLevelChange,
    MeldcodeJustification,
    MeldcodePartner,
    Consent,
    ConsentGiver,
    ConsentPartner,
    ConsentInfo,
    Action,
    CaseSignal,
)


def build(path: Path) -> Database:
    started = time.perf_counter()
    db = create_database(path, BENCH_KEY)
    rng = random.Random(2026)
    directory = build_directory(db, rng)
    actors = build_users(db, directory)
    muns = [m.id for m in p.list_municipalities(db.uow())]
    rows = generate(rng, directory, actors, muns)
    with db.uow() as uow:
        for model in ORDER:
            data = rows.tables[model]
            for start in range(0, len(data), 5000):
                uow.session.execute(insert(model), data[start : start + 5000])
        uow.commit()
    # no ANALYZE: the app never runs it, so the query planner works without statistics
    counts = ", ".join(f"{len(rows.tables[m])} {m.__tablename__}" for m in ORDER)
    print(f"built {path} in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
    return db


# ---------------------------------------------------------------- measuring


def summary(name: str, samples: list[float], cpu: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    verdict = "ok" if ordered[-1] < TARGET_MS else "SLOW"
    return (
        f"{name:<60} median {statistics.median(samples):6.1f}   p95 {p95:6.1f}"
        f"   max {ordered[-1]:6.1f} ms   (cpu median {statistics.median(cpu):5.1f})   {verdict}"
    )


def who(db: Database) -> list[tuple[str, Actor]]:
    """The coordinator, the worker who sees the most cases and one who sees few."""
    with db.sessions() as s:
        ids = list(s.scalars(select(User.id).order_by(User.id)))
    actors = [users.get_actor(db.uow(), i) for i in ids]
    coordinator = actors[0]
    seen = sorted(
        ((cases.count_cases(db.uow(), a, CaseFilter(status=None)), a) for a in actors[1:]),
        key=lambda pair: pair[0],
    )
    busiest, quiet = seen[-1], seen[len(seen) // 4]
    return [
        ("coordinator", coordinator),
        (f"worker, sees {busiest[0]} cases", busiest[1]),
        (f"worker, sees {quiet[0]} cases", quiet[1]),
    ]


def queries(db: Database, actor: Actor) -> list[tuple[str, Callable[[], object]]]:
    with db.sessions() as s:
        mun = s.scalar(select(Case.municipality_id).limit(1))
        lead = s.scalar(
            select(Case.lead_contact_id)
            .where(Case.lead_contact_id.is_not(None))
            .group_by(Case.lead_contact_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    filters: list[tuple[str, CaseFilter]] = [
        ("no filter (open cases)", CaseFilter()),
        ("every status", CaseFilter(status=None)),
        ("status registered", CaseFilter(status="registered")),
        ("status active", CaseFilter(status="active")),
        ("status closed", CaseFilter(status="closed")),
        ("municipality", CaseFilter(municipality_id=mun)),
        ("level 4", CaseFilter(level=4)),
        ("case lead", CaseFilter(lead_contact_id=lead)),
        ("my cases", CaseFilter(mine=True)),
        ("consent missing or expiring", CaseFilter(consent_problem=True)),
        ("overdue next steps", CaseFilter(overdue=True)),
        ("text 'jans'", CaseFilter(text="jans")),
        (f"text '{TODAY.year}-01'", CaseFilter(text=f"{TODAY.year}-01", status=None)),
        ("everything at once", CaseFilter(level=3, consent_problem=True, overdue=True, text="e")),
    ]
    out: list[tuple[str, Callable[[], object]]] = []

    def page(f: CaseFilter, sort: str = "code", descending: bool = False) -> Callable[[], object]:
        def run() -> object:
            n = cases.count_cases(db.uow(), actor, f)
            rows = cases.list_cases(db.uow(), actor, f, sort=sort, descending=descending)
            return n, len(rows)

        return run

    for name, f in filters:
        out.append((f"filter: {name}", page(f)))
    for column in cases.SORT_COLUMNS:
        out.append((f"sort: {column}", page(CaseFilter(), column)))
        out.append((f"sort: {column}, descending", page(CaseFilter(), column, True)))
    out.append(("dashboard", lambda: dashboard.dashboard(db.uow(), actor)))

    # the next steps overview: its count line and first page for each filter and sort
    with db.sessions() as s:
        owner = s.scalar(
            select(Action.owner_org_id)
            .where(Action.owner_org_id.is_not(None))
            .group_by(Action.owner_org_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    step_filters: list[tuple[str, ActionFilter]] = [
        ("open (the default)", ActionFilter()),
        ("every status", ActionFilter(status=None)),
        ("done", ActionFilter(status="done")),
        ("overdue", ActionFilter(overdue=True)),
        ("my next steps", ActionFilter(mine=True)),
        ("owner organisation", ActionFilter(owner_org_id=owner)),
        ("text 'gesprek'", ActionFilter(text="gesprek")),
        ("due in the next 30 days", ActionFilter(due_from=TODAY, due_until=TODAY + timedelta(30))),
    ]

    def steps(f: ActionFilter, sort: str = "due_on") -> Callable[[], object]:
        def run() -> object:
            counts = consultations.action_counts(db.uow(), actor, f)
            rows = consultations.list_actions(db.uow(), actor, f, sort=sort)
            return counts, len(rows)

        return run

    for name, f in step_filters:
        out.append((f"next steps: {name}", steps(f)))
    for column in consultations.ACTION_SORT_COLUMNS:
        out.append((f"next steps sorted: {column}", steps(ActionFilter(), column)))
    return out


Result = tuple[str, list[float], list[float]]  # name, wall-clock ms, CPU ms


def measure(db: Database, rounds: int) -> tuple[list[Result], list[str]]:
    results: list[Result] = []
    notes = []
    for label, actor in who(db):
        todo = queries(db, actor)
        samples: dict[str, list[float]] = {name: [] for name, _fn in todo}
        cpu: dict[str, list[float]] = {name: [] for name, _fn in todo}
        for _round in range(rounds):
            for name, fn in todo:
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                samples[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
        for name, values in samples.items():
            # round 0 is the first use of each statement (compiled and cached afterwards)
            warm = values[1:] if len(values) > 1 else values
            results.append((f"{label} | {name}", warm, cpu[name][1:] or cpu[name]))
        notes.append(
            f"{label}: first round (cold) max "
            f"{max(v[0] for v in samples.values()):.1f} ms over {len(samples)} calls"
        )
    return results, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="database to build or reuse")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--cache-mb",
        type=int,
        default=0,
        help="an experiment: give each connection a page cache of this many MB "
        "(PRAGMA cache_size); 0 keeps what the app sets",
    )
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
        if args.cache_mb:
            event.listen(
                db.engine,
                "connect",
                lambda conn, _rec: conn.execute(f"PRAGMA cache_size = -{args.cache_mb * 1024}"),
            )
            db.engine.dispose()
        with db.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Case))
            cache = s.execute(text("PRAGMA cache_size")).scalar()
        print(
            f"{total} cases in the database ({path.stat().st_size // 2**20} MB, page cache {cache})"
        )
        print(f"each line: count_cases + list_cases (first page of {cases.PAGE_SIZE}), or the")
        print("dashboard; warm rounds (the first one is left out); wall-clock ms, and the CPU")
        print("time of this process (less disturbed by other work)\n")
        results, notes = measure(db, args.rounds)
        db.close()
        slow = False
        for name, samples, cpu in results:
            print(summary(name, samples, cpu))
            slow = slow or max(samples) >= TARGET_MS
        print()
        for note in notes:
            print(note)
        print(f"\ntarget: every query under {TARGET_MS:.0f} ms")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work inflates maxima)")
        return 1 if slow else 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
