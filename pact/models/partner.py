"""The partner directory (sociale kaart): organisations, contact persons, municipalities."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, utcnow

SECTORS = (
    "school",
    "childcare",
    "gp",
    "mental_health",
    "welfare",
    "youth_care",
    "youth_protection",
    "social_team",
    "legal",
    "financial",
    "experience_experts",
    "sports",
    "other",
)

DOMAINS = (
    "legal",
    "relational",
    "parenting",
    "safety",
    "financial",
    "psychoeducation",
    "child_school",
)

TWENTE_MUNICIPALITIES = (
    "Almelo",
    "Borne",
    "Dinkelland",
    "Enschede",
    "Haaksbergen",
    "Hellendoorn",
    "Hengelo",
    "Hof van Twente",
    "Losser",
    "Oldenzaal",
    "Rijssen-Holten",
    "Tubbergen",
    "Twenterand",
    "Wierden",
)


organisation_municipality = Table(
    "organisation_municipality",
    Base.metadata,
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "municipality_id",
        ForeignKey("municipality.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class OrganisationDomain(Base):
    """An expertise domain an organisation covers (one row per domain code)."""

    __tablename__ = "organisation_domain"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        Index("ix_organisation_archived_name", "archived", "name_key"),
        Index("ix_organisation_sector_name", "sector", "name_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # case- and accent-folded name, for sorting, duplicate checks and search
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    sector: Mapped[str] = mapped_column(String(32))
    offer: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    member_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # folded text of name, offer and contact persons, searched with LIKE
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_municipality, order_by=Municipality.name
    )
    domain_links: Mapped[list[OrganisationDomain]] = relationship(
        cascade="all, delete-orphan", order_by=OrganisationDomain.domain
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="Contact.name",
    )

    __mapper_args__ = {"version_id_col": version}


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    representative: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")

    __mapper_args__ = {"version_id_col": version}
