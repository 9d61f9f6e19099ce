"""What other workstations changed: a change counter read from the audit log.

Every write of a logged-in user appends entries to the audit log in the same
transaction (``pact.services.audit``), numbered 1, 2, 3, ... in the order they were
committed (``pact.security.audit`` serialises the appends). So the newest ``seq`` is a
change counter, and the record types written after a ``seq`` say what changed: an
open list polls ``poll`` every few seconds (``pact.ui.live``) and reloads what the
answer names. Both queries read the primary key's index (a backward scan for the
newest entry, a range scan for the few entries since the last poll).

What is not seen: writes without a logged-in user (they are not audited) and
autosaved minutes drafts (not audited either; they belong to one user).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from pact.db.uow import UnitOfWork
from pact.models.audit import AuditEntry
from pact.services import audit

# the events that change a record (reads, searches, prints, log-ins change nothing)
WRITE_EVENTS = (
    audit.CREATE,
    audit.UPDATE,
    audit.DELETE,
    audit.PERMISSION_CHANGE,
    audit.PASSWORD_CHANGE,
    audit.ANONYMISE,
    audit.ERASE,
    audit.RESTORE,
)

# the ``changed`` kinds of pact.ui.context.AppContext that each record type touches
KINDS: dict[str, tuple[str, ...]] = {
    "case": ("cases",),
    "consent": ("cases",),
    "consultation": ("cases",),
    "next_step": ("actions",),
    "meeting": ("meetings",),
    "meeting_series": ("meetings",),
    "organisation": ("partners",),
    "partner_directory": ("partners",),
    "municipality": ("municipalities",),
    "user": ("users",),
    "setting": ("retention",),
}
# a record type not in KINDS (a restored database, a new kind of record): all of them
EVERYTHING: tuple[str, ...] = (
    "partners",
    "municipalities",
    "users",
    "cases",
    "actions",
    "meetings",
    "retention",
)
# any new entry at all (a read, a log-in): the audit log's own list
AUDIT = "audit"


@dataclass(frozen=True)
class Changes:
    """The answer to a poll: the newest entry now (the ``after`` of the next poll) and
    the kinds written since the last one (with ``AUDIT`` when any entry is new)."""

    seq: int
    kinds: frozenset[str]


def newest(uow: UnitOfWork) -> int:
    """The change counter now: the newest entry's position in the chain (0: none)."""
    with uow:
        return int(uow.session.scalar(select(func.max(AuditEntry.seq))) or 0)


def kinds_of(record_types: set[str]) -> frozenset[str]:
    out: set[str] = set()
    for record_type in record_types:
        out.update(KINDS.get(record_type, EVERYTHING))
    return frozenset(out)


def poll(
    uow: UnitOfWork,
    after: int,
    own_user_id: int | None = None,
    own_workstation: str = "",
) -> Changes:
    """What was written after entry ``after``. The writes of ``own_user_id`` from
    ``own_workstation`` (this window's own, which it signalled itself) are left out
    of the kinds, not of ``AUDIT``."""
    with uow:
        s = uow.session
        top = int(s.scalar(select(func.max(AuditEntry.seq))) or 0)
        if top <= after:
            return Changes(top, frozenset())
        q = (
            select(AuditEntry.record_type)
            .where(
                AuditEntry.seq > after,
                AuditEntry.seq <= top,
                AuditEntry.event.in_(WRITE_EVENTS),
            )
            .distinct()
        )
        if own_user_id is not None:
            q = q.where(
                or_(
                    AuditEntry.user_id.is_(None),
                    AuditEntry.user_id != own_user_id,
                    AuditEntry.workstation != own_workstation,
                )
            )
        written = {str(r) for r in s.scalars(q)}
        return Changes(top, kinds_of(written) | {AUDIT})


__all__ = ["AUDIT", "KINDS", "WRITE_EVENTS", "Changes", "kinds_of", "newest", "poll"]
