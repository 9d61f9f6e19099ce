"""The disclosure record (verstrekkingenregister): every printed or saved edition of a
meeting document, to whom it went, which cases' details it held, and the SHA-256 of
the file, so the pact can tell a family exactly where its data went.

Records are never changed; a removed meeting, organisation or case keeps the record
(its name, code and title are copied into it when it is made).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base

DOCUMENTS = ("agenda", "chair", "minutes")
CHANNELS = ("printer", "pdf", "email")


class Disclosure(Base):
    __tablename__ = "disclosure"
    __table_args__ = (Index("ix_disclosure_made_at", "made_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    made_at: Mapped[datetime] = mapped_column(DateTime)  # local time, to the second
    made_by_id: Mapped[int] = mapped_column(ForeignKey("pact_user.id", ondelete="RESTRICT"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True, index=True
    )
    meeting: Mapped[str] = mapped_column(String(400))  # title and date, as printed
    document: Mapped[str] = mapped_column(String(16))  # agenda / chair / minutes
    # None: the full edition (chair and minute-taker)
    recipient_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(400))  # organisation and contact person
    channel: Mapped[str] = mapped_column(String(16))  # printer / pdf / email
    destination: Mapped[str] = mapped_column(String(500))  # printer name or file name
    pages: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    cases: Mapped[list[DisclosureCase]] = relationship(
        cascade="all, delete-orphan", order_by="DisclosureCase.case_code"
    )


class DisclosureCase(Base):
    """A case whose details an edition contained."""

    __tablename__ = "disclosure_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosure.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="SET NULL"), nullable=True, index=True
    )
    case_code: Mapped[str] = mapped_column(String(20))
