"""retention, anonymisation and erasure of cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FK = "fk_case_file_anonymised_by_id_pact_user"
# (name, type, nullable, server default) of the new columns of case_file
_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any], bool, str | None], ...] = (
    ("anonymised_on", sa.Date(), True, None),
    ("anonymised_kind", sa.String(length=16), False, ""),
    ("anonymised_reason", sa.Text(), False, ""),
    ("erasure_requested_on", sa.Date(), True, None),
    ("erasure_justification", sa.Text(), False, ""),
)


def upgrade() -> None:
    # plain ADD COLUMN, no batch copy: on SQLite a batch copy drops and re-creates
    # case_file, and the ON DELETE CASCADE of its children would take them with it
    for name, type_, nullable, default in _COLUMNS:
        op.add_column(
            "case_file",
            sa.Column(
                name,
                type_,
                nullable=nullable,
                server_default=sa.text("''") if default == "" else None,
            ),
        )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a foreign key only with the column itself (no ALTER ... ADD
        # CONSTRAINT); a column with REFERENCES must default to NULL, which it does.
        # No ON DELETE: SQLite reflects none for an inline key (see the model)
        op.execute(
            "ALTER TABLE case_file ADD COLUMN anonymised_by_id INTEGER "
            f"CONSTRAINT {_FK} REFERENCES pact_user (id)"
        )
    else:
        op.add_column("case_file", sa.Column("anonymised_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, "case_file", "pact_user", ["anonymised_by_id"], ["id"])
    op.create_index("ix_case_file_status_closed", "case_file", ["status", "closed_on"])


def downgrade() -> None:
    op.drop_index("ix_case_file_status_closed", table_name="case_file")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FK, "case_file", type_="foreignkey")
    # plain DROP COLUMN (SQLite 3.35+: also of a column with its own REFERENCES), for
    # the same reason as in upgrade()
    op.drop_column("case_file", "anonymised_by_id")
    for name, _type, _nullable, _default in reversed(_COLUMNS):
        op.drop_column("case_file", name)
