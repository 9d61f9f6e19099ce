"""Meetings of the pact: network meetings (netwerkoverleg) and case consultations
(casusoverleg), their series and agenda templates, the invitations and attendance,
the agenda items with their minutes and decisions, the review of open next steps,
autosaved drafts of typed minutes and the dated amendments of approved minutes.

Minutes text is stored as Markdown (bold, italic, lists), in the encrypted database
only. An autosaved draft is kept apart from the saved minutes until it is saved,
restored after a crash, or discarded.
"""

from __future__ import annotations

from datetime import date, datetime, time

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
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, utcnow

MEETING_KINDS = ("network", "case")
MEETING_STATUSES = (
    "planned",
    "held",
    "minutes_draft",
    "minutes_sent",
    "minutes_approved",
    "cancelled",
)
ITEM_KINDS = (
    "opening",
    "previous_minutes",
    "action_list",
    "case",
    "theme",
    "announcements",
    "round",
    "closing",
)
VISIBILITIES = ("everyone", "internal")
# how a case item is discussed: with its details, or by case code and level only
CASE_MODES = ("full", "anonymous")
ATTENDANCE = ("invited", "present", "excused", "absent")
REVIEW_OUTCOMES = ("done", "continue", "cancelled")


class MeetingSeries(Base):
    """A recurring meeting (e.g. the network meeting every six weeks) with the agenda
    every new meeting of the series starts from."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    interval_weeks: Mapped[int] = mapped_column(Integer, default=6)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    chair_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    minute_taker_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    template: Mapped[list[SeriesTemplateItem]] = relationship(
        cascade="all, delete-orphan", order_by="SeriesTemplateItem.position"
    )
    invites: Mapped[list[SeriesInvite]] = relationship(
        cascade="all, delete-orphan", order_by="SeriesInvite.organisation_id"
    )

    __mapper_args__ = {"version_id_col": version}


class SeriesTemplateItem(Base):
    __tablename__ = "series_template_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    planned_minutes: Mapped[int] = mapped_column(Integer, default=10)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="everyone")


class SeriesInvite(Base):
    """An organisation (and optionally one contact person) invited to every meeting of
    the series."""

    __tablename__ = "series_invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_date", "held_on", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    chair_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    minute_taker_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(24), default="planned")
    minutes_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_at_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact_user.id", ondelete="RESTRICT"), nullable=True
    )
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    # the meeting this one was planned from ("plan next meeting")
    planned_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    items: Mapped[list[AgendaItem]] = relationship(
        cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    invites: Mapped[list[MeetingInvite]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingInvite.id"
    )

    __mapper_args__ = {"version_id_col": version}


class MeetingInvite(Base):
    """An invited organisation, or a contact person of it, with their attendance."""

    __tablename__ = "meeting_invite"
    __table_args__ = (
        UniqueConstraint("meeting_id", "organisation_id", "contact_id", name="uq_meeting_invite"),
        Index("ix_meeting_invite_org", "organisation_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    attendance: Mapped[str] = mapped_column(String(16), default="invited")
    # who came instead (a contact person of the directory, or a name typed in)
    replaced_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    replaced_by_name: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint("planned_minutes BETWEEN 0 AND 600", name="planned_minutes"),
        Index("ix_agenda_item_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    presenter_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="RESTRICT"), nullable=True
    )
    planned_minutes: Mapped[int] = mapped_column(Integer, default=10)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="everyone")
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="RESTRICT"), nullable=True
    )
    case_mode: Mapped[str] = mapped_column(String(16), default="full")
    # the minutes of this item (Markdown: bold, italic, lists)
    minutes: Mapped[str] = mapped_column(Text, default="")
    # the chair's own notes (shown in the chair's edition only)
    chair_notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    decisions: Mapped[list[Decision]] = relationship(
        cascade="all, delete-orphan", order_by="Decision.position"
    )

    __mapper_args__ = {"version_id_col": version}


class Decision(Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ActionReview(Base):
    """What a meeting decided about an open next step on its action list."""

    __tablename__ = "action_review"
    __table_args__ = (UniqueConstraint("meeting_id", "action_id", name="uq_action_review"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    # the step's status and done date before the review, to undo it exactly
    previous_status: Mapped[str] = mapped_column(String(16), default="open")
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MinutesDraft(Base):
    """Text typed into a minutes editor and autosaved, not yet saved as the minutes."""

    __tablename__ = "minutes_draft"
    __table_args__ = (UniqueConstraint("user_id", "item_id", name="uq_minutes_draft"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    # the version of the item the draft was typed on
    base_version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Amendment(Base):
    """A dated correction to approved minutes (approved minutes are never edited)."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), nullable=True
    )
    made_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
