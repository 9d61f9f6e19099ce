"""Small query helpers shared by the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


def mapping(s: Session, q: Select[Any, Any]) -> dict[Any, Any]:
    """``{first column: second column}`` of the rows of a two-column select."""
    return {key: value for key, value in s.execute(q)}
