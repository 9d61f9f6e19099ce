from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapper

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _without_nul(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    """No NUL character goes into a text column: PostgreSQL refuses them (SQLite would
    keep them), so a pasted or imported NUL would fail a save on a team's server only.
    Only values set in this session are looked at (``__dict__``: nothing is loaded).
    The audit log is written with Core inserts and hashed first: this does not touch it."""
    state = target.__dict__
    for attr in _mapper.column_attrs:
        value = state.get(attr.key)
        if isinstance(value, str) and "\x00" in value:
            setattr(target, attr.key, value.replace("\x00", ""))


event.listen(Base, "before_insert", _without_nul, propagate=True)
event.listen(Base, "before_update", _without_nul, propagate=True)
