"""Small helpers shared by the case services: name lookups and the commit that turns a
lost optimistic lock into a message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pact.db.uow import UnitOfWork
from pact.errors import ConflictError
from pact.i18n import _
from pact.models import Contact, Organisation, User


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


def commit_change(uow: UnitOfWork, conflict: str) -> None:
    """Flush and commit; someone else's save in between (the optimistic lock on the
    record's version) becomes a ConflictError with the message ``conflict``."""
    try:
        uow.session.flush()
        uow.commit()
    except StaleDataError as exc:
        raise ConflictError(conflict) from exc


def commit_case_change(uow: UnitOfWork) -> None:
    commit_change(
        uow,
        _(
            "Someone else changed this case after you opened it. Reload the case to see "
            "their changes."
        ),
    )
