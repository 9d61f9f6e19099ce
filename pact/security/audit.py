"""The audit chain: appending an entry and verifying the whole log.

Every entry's ``hash`` is SHA-256 over its content and the previous entry's
hash, in a fixed canonical form (JSON, keys in a fixed order). Changing any
field of an entry, removing an entry or inserting one in between breaks the
chain at that point; ``verify`` finds the first such entry.

What the chain cannot show on its own: the newest entries cut off the end (the
log then simply looks shorter). The triggers refuse DELETE to make that need
raw access to the file, and the audit view shows the newest entry's time.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, text

from pact.models.audit import AuditEntry
from pact.models.base import utcnow

GENESIS = "0" * 64
_table = AuditEntry.__table__  # a Table: Core inserts and selects

# where pact runs: "app" or "command line"; part of the workstation column
_channel = "app"


def set_channel(channel: str) -> None:
    global _channel
    _channel = channel


def workstation() -> str:
    try:
        host = socket.gethostname()
    except OSError:
        host = "?"
    return f"{host} ({_channel})"


@dataclass(frozen=True)
class Entry:
    """What an audit entry says; ``seq``, ``prev_hash`` and ``hash`` come on append."""

    event: str
    user_id: int | None = None
    username: str = ""
    roles: str = ""
    on_behalf_of: str = ""
    record_type: str = ""
    record_id: str = ""
    case_id: int | None = None
    case_code: str = ""
    outcome: str = "success"
    detail: str = ""
    workstation: str = ""
    at: datetime | None = None


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def entry_hash(seq: int, at: datetime, fields: dict[str, object], prev_hash: str) -> str:
    content = [
        seq,
        _stamp(at),
        fields["event"],
        fields["user_id"],
        fields["username"],
        fields["roles"],
        fields["on_behalf_of"],
        fields["workstation"],
        fields["record_type"],
        fields["record_id"],
        fields["case_id"],
        fields["case_code"],
        fields["outcome"],
        fields["detail"],
        prev_hash,
    ]
    blob = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_FIELDS = (
    "event",
    "user_id",
    "username",
    "roles",
    "on_behalf_of",
    "workstation",
    "record_type",
    "record_id",
    "case_id",
    "case_code",
    "outcome",
    "detail",
)


def _serialise(conn: Connection) -> None:
    """Two writers must not both append after the same entry: on PostgreSQL a
    transaction-wide advisory lock; SQLite writes one transaction at a time (and
    the unique ``seq`` refuses a fork on either)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7513)"))


def append(conn: Connection, entries: list[Entry]) -> None:
    """Append ``entries`` to the chain, in the caller's transaction."""
    if not entries:
        return
    _serialise(conn)
    last = conn.execute(
        select(_table.c.seq, _table.c.hash).order_by(_table.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last is not None else (0, GENESIS)
    rows = []
    now = utcnow()
    for entry in entries:
        seq += 1
        fields: dict[str, object] = {
            "event": entry.event,
            "user_id": entry.user_id,
            "username": entry.username,
            "roles": entry.roles,
            "on_behalf_of": entry.on_behalf_of,
            "workstation": entry.workstation or workstation(),
            "record_type": entry.record_type,
            "record_id": entry.record_id,
            "case_id": entry.case_id,
            "case_code": entry.case_code,
            "outcome": entry.outcome,
            "detail": entry.detail,
        }
        at = entry.at or now
        digest = entry_hash(seq, at, fields, prev)
        rows.append({**fields, "seq": seq, "at": at, "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(insert(AuditEntry), rows)


@dataclass(frozen=True)
class Broken:
    """The first entry where the chain does not hold, and why."""

    seq: int
    reason: str  # "changed", "missing" (one or more entries before it are gone), "link"


@dataclass(frozen=True)
class Verified:
    entries: int
    broken: Broken | None
    newest: datetime | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(conn: Connection, batch: int = 5000) -> Iterator[dict[str, object]]:
    after = 0
    while True:
        chunk = conn.execute(
            select(_table).where(_table.c.seq > after).order_by(_table.c.seq).limit(batch)
        ).mappings()
        got = [dict(r) for r in chunk]
        if not got:
            return
        yield from got
        after = int(str(got[-1]["seq"]))


def verify(conn: Connection) -> Verified:
    """Walk the chain from the first entry; stop at the first broken one."""
    expected_seq = 1
    prev = GENESIS
    count = 0
    newest: datetime | None = None
    for row in _rows(conn):
        seq = int(str(row["seq"]))
        at = row["at"]
        assert isinstance(at, datetime)
        if seq != expected_seq:
            return Verified(count, Broken(seq, "missing"), newest)
        if row["prev_hash"] != prev:
            return Verified(count, Broken(seq, "link"), newest)
        if entry_hash(seq, at, {k: row[k] for k in _FIELDS}, prev) != row["hash"]:
            return Verified(count, Broken(seq, "changed"), newest)
        prev = str(row["hash"])
        expected_seq += 1
        count += 1
        newest = at
    return Verified(count, None, newest)
