"""Calendar invites: a meeting as an iCalendar file (RFC 5545) that Outlook and
Thunderbird accept.

The description lists the agenda titles as every invitee may read them: internal
items are left out and every case item reads only "Case <code> (level N)", whatever
title it was given. No family's alias or name ever goes into an invite.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from pact import __version__
from pact.db.uow import UnitOfWork
from pact.i18n import _
from pact.models import Contact
from pact.services import audit
from pact.services.meetings import (
    case_reference,
    kind_label,
    load_meeting,
    meeting_data,
)
from pact.services.users import Actor

ZONE = "Europe/Amsterdam"


def meeting_ics(uow: UnitOfWork, actor: Actor, meeting_id: int) -> bytes:
    """The meeting as an .ics file's bytes (one VEVENT with its time zone). The
    export is logged (audit event export)."""
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id)
        data = meeting_data(s, meeting, me)
        chair = s.get(Contact, meeting.chair_contact_id) if meeting.chair_contact_id else None
        invitees = []
        for invite in data.invites:
            if invite.email:
                invitees.append((invite.contact or invite.organisation, invite.email))
        zone = ZoneInfo(ZONE)
        lines = [
            "{number}. {start} {title}".format(
                number=item.number,
                start=item.starts_at.strftime("%H:%M"),
                title=case_reference(item.case_code, item.case_level or 0)
                if item.case_id is not None
                else item.title,
            )
            for item in data.items
            if item.visibility == "everyone"
        ]
        description = "\n".join(
            [_("{kind}: agenda").format(kind=kind_label(meeting.kind)), "", *lines]
        )
        if meeting.video_link:
            description += "\n\n" + _("Video link: {link}").format(link=meeting.video_link)

        cal = Calendar()
        cal.add("prodid", f"-//pact//pact {__version__}//NL")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "REQUEST" if chair is not None and chair.email else "PUBLISH")
        event = Event()
        event.add("uid", f"meeting-{meeting.id}-{meeting.created_at:%Y%m%dT%H%M%S}@pact.local")
        event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0))
        event.add("dtstart", datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=zone))
        event.add("dtend", datetime.combine(meeting.held_on, meeting.ends_at, tzinfo=zone))
        event.add("summary", meeting.title)
        event.add("description", description)
        if meeting.location or meeting.video_link:
            event.add("location", meeting.location or meeting.video_link)
        if meeting.video_link:
            event.add("url", meeting.video_link)
        event.add("sequence", meeting.version)
        event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        if chair is not None and chair.email:
            organizer = vCalAddress(f"mailto:{chair.email}")
            organizer.params["cn"] = vText(chair.name)
            event.add("organizer", organizer)
        for name, email in invitees:
            attendee = vCalAddress(f"mailto:{email}")
            attendee.params["cn"] = vText(name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["rsvp"] = vText("TRUE")
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
        cal.add_missing_timezones()
        ics = bytes(cal.to_ical())
        audit.record(
            s,
            me,
            audit.EXPORT,
            record_type="meeting",
            record_id=meeting.id,
            detail=_("calendar invite (.ics)"),
        )
        uow.commit()
        return ics


__all__ = ["meeting_ics"]
