"""log-in passwords and the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_REFUSE = "the audit log is append-only"


def upgrade() -> None:
    # plain ADD COLUMN, no batch copy: on SQLite a batch copy drops and re-creates
    # pact_user, and the ON DELETE CASCADE of user_role would take the roles with it
    op.add_column("pact_user", sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.add_column("pact_user", sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    op.add_column(
        "pact_user",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "pact_user",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("pact_user", sa.Column("locked_until", sa.DateTime(), nullable=True))

    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=400), nullable=False),
        sa.Column("workstation", sa.String(length=200), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_code", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"], unique=False)
    op.create_index("ix_audit_entry_case_seq", "audit_entry", ["case_code", "seq"], unique=False)
    op.create_index("ix_audit_entry_event_seq", "audit_entry", ["event", "seq"], unique=False)
    op.create_index("ix_audit_entry_user_seq", "audit_entry", ["user_id", "seq"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_entry_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        for what in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{what} BEFORE {what.upper()} ON audit_entry "
                "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse()"
            )
        op.execute(
            "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse()"
        )
    else:
        for what in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{what} BEFORE {what.upper()} ON audit_entry "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for what in ("update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entry_no_{what} ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse()")
    else:
        for what in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entry_no_{what}")
    op.drop_index("ix_audit_entry_user_seq", table_name="audit_entry")
    op.drop_index("ix_audit_entry_event_seq", table_name="audit_entry")
    op.drop_index("ix_audit_entry_case_seq", table_name="audit_entry")
    op.drop_index("ix_audit_entry_at", table_name="audit_entry")
    op.drop_table("audit_entry")
    # plain DROP COLUMN (SQLite 3.35+), for the same reason as in upgrade()
    for column in (
        "locked_until",
        "failed_logins",
        "must_change_password",
        "password_changed_at",
        "password_hash",
    ):
        op.drop_column("pact_user", column)
