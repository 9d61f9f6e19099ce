"""The case timeline: everything that happened in a case, in one chronological list.

Signals, consultations, consent given and withdrawn, Meldcode justifications,
escalation changes, status changes (registered, support started, closed,
reopened), partners involved and no longer involved, and next steps agreed, done
or cancelled, and the meetings where the case was on the agenda.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import select

from pact.db.uow import UnitOfWork
from pact.i18n import _, format_date
from pact.models import (
    Action,
    AgendaItem,
    CaseLevelChange,
    CasePartner,
    CaseSignal,
    CaseStatusEvent,
    Child,
    Consent,
    Consultation,
    Contact,
    Meeting,
    MeldcodeJustification,
    Organisation,
    User,
)
from pact.services import clock
from pact.services.lookup import mapping
from pact.services.scope import load_case
from pact.services.users import Actor
from pact.services.vocab import (
    CASE_ROLE_LABELS,
    CONSENT_METHOD_LABELS,
    SERIOUSNESS_LABELS,
    SIGNAL_DOMAIN_LABELS,
    STATUS_EVENT_LABELS,
    label,
    level_label,
)

KINDS = ("status", "level", "signal", "consultation", "consent", "partner", "action", "meeting")


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # one of KINDS
    title: str
    detail: str = ""
    user: str = ""
    meldcode: bool = False


# entries of one day in the order things happen: the case is registered before
# anything else; consent (or a Meldcode justification) comes before the partners,
# consultations and next steps it allows; a withdrawal after what it ends; closing
# and reopening last, in the order they were recorded (closed and reopened again
# on one day reads "closed", then "reopened")
_DAY_ORDER = {
    "status:registered": 0,
    "level": 1,
    "consent": 2,
    "partner": 3,
    "signal": 4,
    "consultation": 5,
    "meeting": 6,
    "action": 6,
    "status:activated": 7,
    "consent:withdrawn": 8,
    "status:reopened": 9,
    "status:closed": 9,
}


def timeline(
    uow: UnitOfWork, actor: Actor, case_id: int, kinds: Collection[str] | None = None
) -> list[TimelineEntry]:
    """The case's history, oldest first; ``kinds`` limits it to some of KINDS."""
    wanted = set(KINDS if kinds is None else kinds)
    entries: list[tuple[tuple[date, int, int], TimelineEntry]] = []
    with uow:
        s = uow.session
        load_case(s, actor, case_id)
        users = mapping(s, select(User.id, User.display_name))
        orgs = mapping(s, select(Organisation.id, Organisation.name))
        children = mapping(s, select(Child.id, Child.name).where(Child.case_id == case_id))

        def add(on: date, order: str, seq: int, entry: TimelineEntry) -> None:
            if entry.kind in wanted:
                entries.append(((on, _DAY_ORDER[order], seq), entry))

        for ev in s.scalars(select(CaseStatusEvent).where(CaseStatusEvent.case_id == case_id)):
            add(
                ev.on,
                f"status:{ev.event}",
                ev.id,
                TimelineEntry(
                    ev.on,
                    "status",
                    label(STATUS_EVENT_LABELS, ev.event),
                    ev.reason,
                    users.get(ev.user_id, ""),
                ),
            )
        for ch in s.scalars(select(CaseLevelChange).where(CaseLevelChange.case_id == case_id)):
            if ch.previous_level is None:
                title = _("Level at registration: {level}").format(level=level_label(ch.level))
            elif ch.level > ch.previous_level:
                title = _("Level raised to {level}").format(level=level_label(ch.level))
            else:
                title = _("Level lowered to {level}").format(level=level_label(ch.level))
            add(
                ch.changed_on,
                "level",
                ch.id,
                TimelineEntry(ch.changed_on, "level", title, ch.reason, users.get(ch.user_id, "")),
            )
        for p in s.scalars(select(CasePartner).where(CasePartner.case_id == case_id)):
            name = orgs.get(p.organisation_id, "")
            add(
                p.added_on,
                "partner",
                p.id,
                TimelineEntry(
                    p.added_on,
                    "partner",
                    _("{organisation} involved: {role}").format(
                        organisation=name, role=label(CASE_ROLE_LABELS, p.role)
                    ),
                    _("Under the Meldcode, without consent.") if p.under_meldcode else p.note,
                    users.get(p.added_by_id, ""),
                    meldcode=p.under_meldcode,
                ),
            )
            if p.ended_on is not None:
                add(
                    p.ended_on,
                    "partner",
                    p.id,
                    TimelineEntry(
                        p.ended_on,
                        "partner",
                        _("{organisation} no longer involved").format(organisation=name),
                        "",
                        users.get(p.ended_by_id or 0, ""),
                    ),
                )
        for sg in s.scalars(select(CaseSignal).where(CaseSignal.case_id == case_id)):
            about = children.get(sg.child_id, "") if sg.child_id else ""
            title = _("Signal ({domain}, {seriousness})").format(
                domain=label(SIGNAL_DOMAIN_LABELS, sg.domain).lower(),
                seriousness=label(SERIOUSNESS_LABELS, sg.seriousness).lower(),
            )
            if about:
                title = _("{title} about {child}").format(title=title, child=about)
            source = orgs.get(sg.source_org_id, "") if sg.source_org_id else ""
            if sg.source_contact_id:
                contact = s.get(Contact, sg.source_contact_id)
                if contact is not None:
                    source = contact.name
            detail = sg.observation
            if source:
                detail = _("{text} (from {source})").format(text=detail, source=source)
            add(
                sg.observed_on,
                "signal",
                sg.id,
                TimelineEntry(
                    sg.observed_on, "signal", title, detail, users.get(sg.recorded_by_id, "")
                ),
            )
        for cs in s.scalars(select(Consent).where(Consent.case_id == case_id)):
            partners = ", ".join(orgs.get(link.organisation_id, "") for link in cs.partner_links)
            add(
                cs.given_on,
                "consent",
                cs.id,
                TimelineEntry(
                    cs.given_on,
                    "consent",
                    _("Consent recorded ({method})").format(
                        method=label(CONSENT_METHOD_LABELS, cs.method).lower()
                    ),
                    _("For: {partners}").format(partners=partners),
                    users.get(cs.recorded_by_id, ""),
                ),
            )
            if cs.withdrawn_on is not None:
                add(
                    cs.withdrawn_on,
                    "consent:withdrawn",
                    cs.id,
                    TimelineEntry(
                        cs.withdrawn_on,
                        "consent",
                        _("Consent withdrawn"),
                        cs.withdrawn_note or _("For: {partners}").format(partners=partners),
                    ),
                )
        for mj in s.scalars(
            select(MeldcodeJustification).where(MeldcodeJustification.case_id == case_id)
        ):
            partners = ", ".join(orgs.get(link.organisation_id, "") for link in mj.partner_links)
            add(
                mj.decided_on,
                "consent",
                mj.id,
                TimelineEntry(
                    mj.decided_on,
                    "consent",
                    _("Meldcode: information shared without consent with {partners}").format(
                        partners=partners
                    ),
                    mj.justification,
                    users.get(mj.recorded_by_id, ""),
                    meldcode=True,
                ),
            )
        for co in s.scalars(select(Consultation).where(Consultation.case_id == case_id)):
            partners = ", ".join(orgs.get(link.organisation_id, "") for link in co.partner_links)
            title = (
                _("Consultation with {partners}").format(partners=partners)
                if partners
                else _("Consultation")
            )
            if co.anonymous:
                title = _("{title} (anonymous)").format(title=title)
            detail = co.question
            if co.advice:
                detail = _("{question} Advice: {advice}").format(
                    question=co.question, advice=co.advice
                )
            add(
                co.held_on,
                "consultation",
                co.id,
                TimelineEntry(
                    co.held_on, "consultation", title, detail, users.get(co.worker_id, "")
                ),
            )
        for item, meeting, chair in s.execute(
            select(AgendaItem, Meeting, Contact.name)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .outerjoin(Contact, Contact.id == Meeting.chair_contact_id)
            .where(AgendaItem.case_id == case_id, Meeting.status != "cancelled")
        ):
            if meeting.held_on > clock.today() and meeting.status == "planned":
                title = _("On the agenda of {meeting}").format(meeting=meeting.title)
            else:
                title = _("Discussed at {meeting}").format(meeting=meeting.title)
            if item.case_mode == "anonymous":
                title = _("{title} (anonymously: case code and level only)").format(title=title)
            detail = "; ".join(d.text.rstrip(" .;") for d in item.decisions)
            if detail:
                detail = _("Decisions: {decisions}").format(decisions=detail)
            add(
                meeting.held_on,
                "meeting",
                item.id,
                TimelineEntry(meeting.held_on, "meeting", title, detail, chair or ""),
            )
        for ac in s.scalars(select(Action).where(Action.case_id == case_id)):
            owner = orgs.get(ac.owner_org_id, "") if ac.owner_org_id else ""
            if ac.owner_contact_id:
                contact = s.get(Contact, ac.owner_contact_id)
                if contact is not None:
                    owner = contact.name
            add(
                ac.created_on,
                "action",
                ac.id,
                TimelineEntry(
                    ac.created_on,
                    "action",
                    _("Next step agreed: {what}").format(what=ac.what),
                    _("{owner}, due {date}").format(owner=owner, date=format_date(ac.due_on)),
                    users.get(ac.created_by_id, ""),
                ),
            )
            if ac.status == "done" and ac.done_on is not None:
                add(
                    ac.done_on,
                    "action",
                    ac.id,
                    TimelineEntry(
                        ac.done_on,
                        "action",
                        (
                            _("Next step done late: {what}")
                            if ac.done_on > ac.due_on
                            else _("Next step done: {what}")
                        ).format(what=ac.what),
                        ac.note,
                        users.get(ac.closed_by_id or 0, ""),
                    ),
                )
            elif ac.status == "cancelled":
                # the day it was last changed (stored in UTC): when it was cancelled
                on = ac.updated_at.replace(tzinfo=UTC).astimezone().date()
                add(
                    on,
                    "action",
                    ac.id,
                    TimelineEntry(
                        on,
                        "action",
                        _("Next step cancelled: {what}").format(what=ac.what),
                        ac.note,
                        users.get(ac.closed_by_id or 0, ""),
                    ),
                )
    entries.sort(key=lambda pair: pair[0])
    return [entry for _key, entry in entries]
