"""A case (casus): one family, its children and carers, the signals, consent,
consultations and agreed next steps around it, with the history of its level
and status.

Names are optional: a case is known by its code (``2026-0042``) and the family's
alias or initials. Everything here lives in the encrypted database only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, utcnow

CASE_STATUSES = ("registered", "active", "closed")
LEVELS = (1, 2, 3, 4)
STATUS_EVENTS = ("registered", "activated", "closed", "reopened")
CARER_RELATIONS = (
    "mother",
    "father",
    "parent",
    "step_parent",
    "foster_parent",
    "guardian",
    "grandparent",
    "other",
)
# the five aspects of a divorce (DOMAIN.md) and the child's life at school
SIGNAL_DOMAINS = ("legal", "relational", "parenting", "safety", "financial", "child_school")
SERIOUSNESS = (1, 2, 3)
CONSENT_METHODS = ("signed_form", "verbal", "email")
INFO_KINDS = (
    "family",
    "signals",
    "school",
    "health",
    "support",
    "legal",
    "financial",
    "safety",
)
CASE_ROLES = (
    "registrant",
    "referrer",
    "school",
    "support",
    "case_lead",
    "mediation",
    "buddy",
    "advice",
    "other",
)
ACTION_STATUSES = ("open", "done", "cancelled")
# how far a case's consent reaches (stored, recomputed after every change that matters)
CONSENT_STATES = ("none", "withdrawn", "expired", "incomplete", "complete")


class Case(Base):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_case_file_year_seq"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        Index("ix_case_file_status_code", "status", "code"),
        Index("ix_case_file_consent", "consent_state", "consent_ok_until"),
        # the retention view: closed cases by closing date (pact.services.retention)
        Index("ix_case_file_status_closed", "status", "closed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    close_reason: Mapped[str] = mapped_column(Text, default="")
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[int] = mapped_column(Integer, index=True)
    # the family's alias or initials (always), the full names (only when needed)
    alias: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(200), default="")
    registered_by_id: Mapped[int] = mapped_column(
        ForeignKey("pact_user.id", ondelete="RESTRICT"), index=True
    )
    # the partner who brought the case in
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True
    )
    # the case lead (regisseur): the one professional who keeps the overview
    lead_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    consent_state: Mapped[str] = mapped_column(String(16), default="none")
    # the last day on which the consent stays as complete as it is now (the first
    # expiry, or the end of the year before a child may turn 12); None: not complete
    consent_ok_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    consent_checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # information is shared under the reporting code (Meldcode) without consent
    meldcode: Mapped[bool] = mapped_column(Boolean, default=False)
    # folded code, alias and family name: what the case list's search looks in
    search_text: Mapped[str] = mapped_column(Text, default="")
    # names, free texts and contact details removed (pact.services.retention): after
    # the retention term ("retention") or on the family's request ("erasure")
    anonymised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    anonymised_kind: Mapped[str] = mapped_column(String(16), default="")
    # (NO ACTION, not RESTRICT: SQLite adds a column with a foreign key only inline,
    # and reflects no ON DELETE of an inline one; deleting the user is refused either way)
    anonymised_by_id: Mapped[int | None] = mapped_column(ForeignKey("pact_user.id"), nullable=True)
    anonymised_reason: Mapped[str] = mapped_column(Text, default="")
    erasure_requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # why a Meldcode case was erased anyway
    erasure_justification: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    children: Mapped[list[Child]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Child.id"
    )
    carers: Mapped[list[Carer]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Carer.id"
    )
    partners: Mapped[list[CasePartner]] = relationship(
        cascade="all, delete-orphan", order_by="CasePartner.id"
    )

    __mapper_args__ = {"version_id_col": version}


class CaseStatusEvent(Base):
    """Registered, activated, closed, reopened: when, by whom, why."""

    __tablename__ = "case_status_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CaseLevelChange(Base):
    """The escalation history: every level a case had, from its first."""

    __tablename__ = "case_level_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    previous_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CasePartner(Base):
    """A partner organisation involved in a case, with its role. Ending an
    involvement keeps the row (who knew about the case, and when)."""

    __tablename__ = "case_partner"
    # need-to-know ("cases my organisation is involved in, not ended") from the index alone
    __table_args__ = (Index("ix_case_partner_org_case", "organisation_id", "ended_on", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    added_on: Mapped[date] = mapped_column(Date)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    # added without consent, under a recorded Meldcode justification
    under_meldcode: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact_user.id", ondelete="RESTRICT"), nullable=True
    )


class Child(Base):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    # first name or initials
    name: Mapped[str] = mapped_column(String(80))
    birth_year: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # linked to a buddy (an experience expert of the buddy programme)
    buddy_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True
    )
    buddy_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    case: Mapped[Case] = relationship(back_populates="children")

    __mapper_args__ = {"version_id_col": version}


class Carer(Base):
    """A parent or carer: initials or alias, relation, parental authority."""

    __tablename__ = "carer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(80))
    relation: Mapped[str] = mapped_column(String(32))
    parental_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    case: Mapped[Case] = relationship(back_populates="carers")

    __mapper_args__ = {"version_id_col": version}


class CaseSignal(Base):
    """An early observation: a child withdrawn, absent, short-tempered."""

    __tablename__ = "case_signal"
    __table_args__ = (
        CheckConstraint("seriousness BETWEEN 1 AND 3", name="seriousness"),
        Index("ix_case_signal_observed", "observed_on"),
        # the recent signals of the cases a user may see (the start page)
        Index("ix_case_signal_case_observed", "case_id", "observed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="SET NULL"), nullable=True
    )
    observed_on: Mapped[date] = mapped_column(Date)
    source_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True
    )
    source_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    observation: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(32))
    seriousness: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class ConsentGiver(Base):
    """Who gave a consent: one carer or one child per row."""

    __tablename__ = "consent_giver"
    __table_args__ = (
        CheckConstraint("(carer_id IS NULL) <> (child_id IS NULL)", name="one_party"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consent_id: Mapped[int] = mapped_column(
        ForeignKey("consent.id", ondelete="CASCADE"), index=True
    )
    carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("carer.id", ondelete="RESTRICT"), nullable=True
    )
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="RESTRICT"), nullable=True
    )


class ConsentPartner(Base):
    __tablename__ = "consent_partner"

    consent_id: Mapped[int] = mapped_column(
        ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True
    )


class ConsentInfo(Base):
    """A kind of information a consent covers (INFO_KINDS)."""

    __tablename__ = "consent_info"

    consent_id: Mapped[int] = mapped_column(
        ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


class Consent(Base):
    """Permission to share information about the family: who gave it, for which
    partners and which kinds of information, until when; withdrawn when."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint(
            "NOT (withdrawn_by_carer_id IS NOT NULL AND withdrawn_by_child_id IS NOT NULL)",
            name="one_withdrawer",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    withdrawn_by_carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("carer.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn_by_child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    givers: Mapped[list[ConsentGiver]] = relationship(
        cascade="all, delete-orphan", order_by=ConsentGiver.id
    )
    partner_links: Mapped[list[ConsentPartner]] = relationship(
        cascade="all, delete-orphan", order_by=ConsentPartner.organisation_id
    )
    info_links: Mapped[list[ConsentInfo]] = relationship(
        cascade="all, delete-orphan", order_by=ConsentInfo.kind
    )

    __mapper_args__ = {"version_id_col": version}


class MeldcodePartner(Base):
    __tablename__ = "meldcode_partner"

    justification_id: Mapped[int] = mapped_column(
        ForeignKey("meldcode_justification.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True
    )


class MeldcodeJustification(Base):
    """Sharing without consent under the reporting code (Meldcode): only at level 4,
    with the reasons written down, for the partners named."""

    __tablename__ = "meldcode_justification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    partner_links: Mapped[list[MeldcodePartner]] = relationship(
        cascade="all, delete-orphan", order_by=MeldcodePartner.organisation_id
    )


class ConsultationPartner(Base):
    __tablename__ = "consultation_partner"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True
    )


class Consultation(Base):
    """A worker asks partners (or the pact) for advice about a case."""

    __tablename__ = "consultation"
    __table_args__ = (Index("ix_consultation_held", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    worker_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    question: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text, default="")
    # discussed without identifying details (case code and level only)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    partner_links: Mapped[list[ConsultationPartner]] = relationship(
        cascade="all, delete-orphan", order_by=ConsultationPartner.organisation_id
    )

    __mapper_args__ = {"version_id_col": version}


class Action(Base):
    """An agreed next step: who does what by when."""

    __tablename__ = "action"
    __table_args__ = (
        Index("ix_action_case_status_due", "case_id", "status", "due_on"),
        # with the case: counting a status's steps a worker may see reads the index only
        Index("ix_action_status_due_case", "status", "due_on", "case_id"),
        Index("ix_action_owner_contact", "owner_contact_id", "status"),
        Index("ix_action_owner_org", "owner_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), nullable=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # agreed at a meeting (step 3), under one of its agenda items
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True, index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), nullable=True, index=True
    )
    what: Mapped[str] = mapped_column(Text)
    owner_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=True
    )
    owner_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # who marked it done or cancelled it
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact_user.id", ondelete="RESTRICT"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
