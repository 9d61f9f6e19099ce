"""Database roles on a team's server.

The migrations run as the role that owns pact's tables (the server administrator
creates it with the database). Workstations connect as another role, e.g.
``pact_app``, that the owner grants only what pact needs: read and write the tables,
but only read and append to the audit log. Not owning the tables, a workstation can
neither change nor drop the audit log's triggers, nor update or delete its entries.
Who may see which case is pact's own rule (need-to-know in ``pact.services``); the
server knows pact's users only as rows of a table.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, inspect

from pact.errors import FieldError, ValidationError
from pact.i18n import _
from pact.models import Base

AUDIT_TABLE = "audit_entry"
VERSION_TABLE = "alembic_version"
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_role_name(role: str) -> str:
    """The role name, or ValidationError (field ``role``): lower-case letters, digits
    and _ only, so it is never quoted into SQL from what someone typed."""
    if not _ROLE.match(role):
        raise ValidationError(
            FieldError(
                "role",
                _("A role name has lower-case letters, digits and _ only, e.g. pact_app."),
            )
        )
    return role


def grant_workstation_role(conn: Connection, role: str) -> list[str]:
    """As the owner of pact's tables: let ``role`` work with pact. Every table may
    be read and written, except the audit log (read and append only) and the schema
    version (read only). Returns the statements run. Run it again after an upgrade
    that added tables."""
    role = check_role_name(role)
    tables = set(inspect(conn).get_table_names())
    statements = [f"GRANT USAGE ON SCHEMA public TO {role}"]
    for table in sorted(t for t in Base.metadata.tables if t in tables):
        if table == AUDIT_TABLE:
            statements.append(f"GRANT SELECT, INSERT ON {table} TO {role}")
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}")
    if VERSION_TABLE in tables:
        statements.append(f"GRANT SELECT ON {VERSION_TABLE} TO {role}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    for statement in statements:
        conn.exec_driver_sql(statement)
    return statements
