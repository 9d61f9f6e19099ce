"""A team on one server, small: four workstations (threads, each with its own engine,
logged in as its own pact user) make 50 mixed reads and writes each at the same time
(benchmarks/bench_server_load.py with small numbers). No errors, no lost updates (a
conflict on the shared organisation is retried after reading it again), minutes of
different agenda items never conflict, and the audit chain stays one valid chain."""

from __future__ import annotations

from benchmarks import bench_server_load as load
from pact.db.server import parse_url
from tests.postgres import PgServer

WORKSTATIONS = 4
OPS = 50


def test_workstations_at_once_lose_nothing(pg_server: PgServer) -> None:
    url = parse_url(pg_server.url(pg_server.create_database()), environ={})
    result = load.run(url, pg_server.password, WORKSTATIONS, OPS, seed=12)
    assert result.errors == []
    assert result.ops == WORKSTATIONS * OPS
    assert result.lost == []
    # every workstation wrote to its own and to the shared records
    for tally in result.tallies:
        assert tally.own_tokens and tally.shared_tokens and tally.minutes_lines
    # minutes of different agenda items do not conflict; the shared organisation may
    assert result.conflicts().get("save_minutes", 0) == 0
    assert result.conflicts().get("edit_own_org", 0) == 0
    assert result.conflicts().get("add_step_own", 0) == 0
    assert result.chain_ok
    # every write, every case file opened and every log-in has its entry
    opened = sum(len(t.latencies["open_case"]) for t in result.tallies)
    assert result.chain_entries > opened + WORKSTATIONS
