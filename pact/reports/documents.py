"""The plain data the meeting documents are made from (agenda, chair's copy, minutes).

The services compose these, already cut to what one recipient may read: a renderer
never decides what is shown, it only lays out what it is given. Every text here is
final (translated, formatted names); dates and times stay typed so the renderer
formats them in the document's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time


@dataclass(frozen=True)
class Letterhead:
    """What is printed on every page of a document."""

    pact_name: str  # e.g. "Scheidingspact Twente" (from the settings)
    logo: bytes | None  # PNG or JPEG from the settings, None: no logo
    printed_at: datetime
    # whose copy this is, on every page ("" for the full and the chair's edition)
    recipient: str = ""
    recipient_contact: str = ""  # the contact person at the receiving organisation
    edition_label: str = ""  # e.g. "Full edition (chair and minute-taker)"


@dataclass(frozen=True)
class StepLine:
    """A next step as printed: what, who, when, and where it stands."""

    what: str
    owner: str  # "Contact (Organisation)" or "Organisation"
    due_on: date
    status: str  # "open", "done" or "cancelled"
    done_on: date | None = None
    case_reference: str = ""  # "Case 2026-0001 (level 3)" or ""
    overdue: bool = False


@dataclass(frozen=True)
class AgendaLine:
    number: int | None  # None: an internal item (not numbered)
    title: str  # for a case without details: "Case <code> (level N)"
    starts_at: time
    planned_minutes: int
    presenter: str
    description: str
    internal: bool = False  # shown only in the chair's copy
    chair_notes: str = ""  # shown only in the chair's copy
    case_reference: str = ""  # set for case items
    consent_note: str = ""  # chair's copy: e.g. "anonymous", "Meldcode"


@dataclass(frozen=True)
class AgendaDocument:
    """An agenda: for one recipient, the full edition, or the chair's copy (``chair``)."""

    title: str
    kind: str  # "Network meeting" / "Case consultation" (translated)
    held_on: date
    starts_at: time
    ends_at: time
    location: str
    video_link: str
    chair: str
    minute_taker: str
    invited: tuple[str, ...]  # "Organisation (contact)" per invitation
    items: tuple[AgendaLine, ...]
    open_steps: tuple[StepLine, ...]  # the annex
    chair_copy: bool = False
    planned_end: time | None = None  # chair's copy: when the plan ends
    overrun_minutes: int = 0  # chair's copy: how far the plan runs past the end


@dataclass(frozen=True)
class MinutesItem:
    number: int | None
    title: str
    starts_at: time
    minutes: str  # Markdown-light: **bold**, *italic*, "- " and "1. " lists; "" when none
    decisions: tuple[str, ...]
    steps: tuple[StepLine, ...]  # the new next steps agreed under this item
    details: bool = True  # False: a case item shown as "Case <code>: discussed"
    internal: bool = False  # shown in the full edition only


@dataclass(frozen=True)
class AmendmentLine:
    made_on: date
    text: str
    item: str  # the item it corrects, "" for the whole minutes


@dataclass(frozen=True)
class MinutesDocument:
    title: str
    kind: str
    held_on: date
    starts_at: time
    ends_at: time
    location: str
    chair: str
    minute_taker: str
    present: tuple[str, ...]
    excused: tuple[str, ...]
    absent: tuple[str, ...]
    replacements: tuple[str, ...]  # "A (Org) replaced by B"
    items: tuple[MinutesItem, ...]
    all_steps: tuple[StepLine, ...]  # the full list: done ones are struck through
    next_meeting: date | None
    status: str  # "Draft" or "Approved on 3 March 2026" (translated)
    approved: bool = False
    amendments: tuple[AmendmentLine, ...] = field(default=())
