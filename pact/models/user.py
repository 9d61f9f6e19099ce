"""The people who use pact: a user name, an organisation, roles, a password.

The password is stored as an Argon2id hash only (``pact.security.passwords``).
Wrong passwords are counted per user in the database, so the growing wait after
five wrong attempts holds for the app and the command line alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, utcnow

ROLES = ("administrator", "coordinator", "worker")


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("pact_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class User(Base):
    # "user" is a reserved word in PostgreSQL
    __tablename__ = "pact_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    # case-folded user name: unique, what --user NAME is compared with
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Argon2id hash ("$argon2id$..."); None: no password yet (a user from before
    # log-in existed), such a user cannot log in until an administrator sets one
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # set by an administrator's reset: the user chooses a new password at log-in
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # wrong passwords since the last successful log-in, and when the next try may be
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    role_links: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", order_by=UserRole.role
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(link.role for link in self.role_links)
