"""Small helpers shared by the case services: name lookups, and the commit that turns a
lost optimistic lock into a ConflictError naming who saved first and when (from the
audit log)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pact.db.uow import UnitOfWork
from pact.errors import ConflictError
from pact.i18n import _
from pact.models import Contact, Organisation, User
from pact.models.audit import AuditEntry


def mapping(s: Session, q: Select[Any, Any]) -> dict[Any, Any]:
    """``{first column: second column}`` of the rows of a two-column select."""
    return {key: value for key, value in s.execute(q)}


def org_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Organisation id -> name, for the ids given (None and unknown ids left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return mapping(s, select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted)))


def contact_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Contact person id -> name, for the ids given."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return mapping(s, select(Contact.id, Contact.name).where(Contact.id.in_(wanted)))


def user_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """User id -> display name, for the ids given."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return mapping(s, select(User.id, User.display_name).where(User.id.in_(wanted)))


# the audit events that save a record (not reads, prints, searches or log-ins)
SAVE_EVENTS = (
    "create",
    "update",
    "delete",
    "permission_change",
    "password_change",
    "anonymise",
    "erase",
)

# a record as the audit log names it: ("case", 12), ("meeting", 3), ("user", 7)
Record = tuple[str, object]


@dataclass(frozen=True)
class LastSave:
    """Who saved a record last, and when (an aware UTC time)."""

    who: str
    at: datetime
    user_id: int | None


def _changed_part(detail: str, part: str) -> bool:
    """Whether an entry's detail ("child update; carer create") names the table."""
    return any(piece.split(" ", 1)[0] == part for piece in detail.split("; "))


def last_save(s: Session, records: Sequence[Record], part: str = "") -> LastSave | None:
    """The newest save of any of ``records`` in the audit log; with ``part`` (a table
    of the record, e.g. "child" of a case, "agenda_item" of a meeting) the newest one
    that changed that part, if any did. The name is the user's display name while the
    user exists, else the user name the entry kept. None when the log has no save."""
    wanted = [
        and_(AuditEntry.record_type == kind, AuditEntry.record_id == str(key))
        for kind, key in records
        if key is not None
    ]
    if not wanted:
        return None
    with s.no_autoflush:
        rows = s.execute(
            select(AuditEntry.user_id, AuditEntry.username, AuditEntry.at, AuditEntry.detail)
            .where(or_(*wanted), AuditEntry.event.in_(SAVE_EVENTS))
            .order_by(AuditEntry.seq.desc())
            .limit(50)
        ).all()
        if not rows:
            return None
        row = next((r for r in rows if part and _changed_part(r.detail, part)), rows[0])
        name = ""
        if row.user_id is not None:
            name = s.scalar(select(User.display_name).where(User.id == row.user_id)) or ""
    return LastSave(who=name or row.username, at=row.at.replace(tzinfo=UTC), user_id=row.user_id)


def conflict(s: Session, message: str, records: Sequence[Record], part: str = "") -> ConflictError:
    """A ConflictError with ``message`` that names who saved ``records[0]`` (or a
    record it belongs to) first, and when (see ``last_save``)."""
    found = last_save(s, records, part)
    kind, key = records[0] if records else ("", "")
    return ConflictError(
        message,
        who=found.who if found else "",
        at=found.at if found else None,
        record_type=kind,
        record_id=str(key),
        user_id=found.user_id if found else None,
    )


def flush_change(
    uow: UnitOfWork, message: str, records: Sequence[Record] = (), part: str = ""
) -> None:
    """Flush now (before queries that would flush on their own): a version lost to
    someone else's save becomes a ConflictError, as in ``commit_change``."""
    try:
        uow.session.flush()
    except StaleDataError as exc:
        uow.rollback()
        raise conflict(uow.session, message, records, part) from exc


def commit_change(
    uow: UnitOfWork, message: str, records: Sequence[Record] = (), part: str = ""
) -> None:
    """Flush and commit; someone else's save in between (the optimistic lock on a
    record's version) becomes a ConflictError with ``message``, naming who saved
    ``records`` last and when."""
    try:
        uow.session.flush()
        uow.commit()
    except StaleDataError as exc:
        uow.rollback()  # a new transaction sees the save that came first
        raise conflict(uow.session, message, records, part) from exc


def case_conflict_message() -> str:
    return _(
        "Someone else changed this case after you opened it. Reload the case to see their changes."
    )


def commit_case_change(uow: UnitOfWork, case_id: int | None = None, part: str = "") -> None:
    """``commit_change`` for a write in a case file (its rows are saves of the case)."""
    commit_change(
        uow, case_conflict_message(), [("case", case_id)] if case_id is not None else [], part
    )
