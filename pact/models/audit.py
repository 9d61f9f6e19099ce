"""The audit log: one row per audited event, append-only and hash-chained.

Each entry stores a SHA-256 over its own content and the previous entry's hash
(``pact.security.audit``), so a changed or removed entry breaks the chain.
Database triggers (migration 0005) refuse UPDATE and DELETE on this table.
The columns follow NEN 7513: what happened, when, to which record (and which
client record: the case code), by which user in which role, on whose behalf,
from which workstation, with what outcome.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pact.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (
        # the view lists newest first (by seq) within a filter: each filter column
        # with seq, so the first page is read from the index without sorting
        # (benchmarks/bench_audit_list.py); a period alone uses "at"
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_user_seq", "user_id", "seq"),
        Index("ix_audit_entry_case_seq", "case_code", "seq"),
        Index("ix_audit_entry_event_seq", "event", "seq"),
    )

    # the position in the chain: 1, 2, 3, ... without gaps (unique: two writers
    # cannot both append after the same entry)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    event: Mapped[str] = mapped_column(String(32))
    # no foreign key: an entry outlives the user row, and names the user as they were
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    roles: Mapped[str] = mapped_column(String(100), default="")
    on_behalf_of: Mapped[str] = mapped_column(String(400), default="")
    workstation: Mapped[str] = mapped_column(String(200), default="")
    record_type: Mapped[str] = mapped_column(String(32), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    case_code: Mapped[str] = mapped_column(String(16), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
