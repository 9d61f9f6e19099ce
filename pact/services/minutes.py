"""During and after a meeting: attendance, the minutes per agenda item (autosaved as
drafts while typing), decisions, new next steps, the review of the action list,
approval at a later meeting, dated amendments, and the recipient editions saved for
e-mail.

Approved minutes are locked: nothing of them changes any more except by a dated
amendment. An autosaved draft belongs to the user who typed it; saving it as the
minutes removes the draft; after a crash the next start offers it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pact.config import atomic_write
from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    FieldError,
    NotFoundError,
    ValidationError,
)
from pact.i18n import _, format_date, format_datetime
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    Case,
    Contact,
    Decision,
    Meeting,
    MeetingInvite,
    MinutesDraft,
    Organisation,
)
from pact.models.meeting import ATTENDANCE, REVIEW_OUTCOMES
from pact.services import clock
from pact.services import consent as consent_svc
from pact.services import consultations as steps_svc
from pact.services import validation as v
from pact.services.consultations import ActionData, ActionInput
from pact.services.lookup import commit_change, mapping
from pact.services.meetings import (
    MAX_TEXT,
    MeetingData,
    action_list,
    attendance_label,
    ensure_not_locked,
    item_kind_label,
    kind_label,
    load_item,
    load_meeting,
    meeting_data,
    status_label,
)
from pact.services.scope import load_case, may_see
from pact.services.users import Actor, acting_user


def _conflict() -> str:
    return _("Someone else changed this meeting. Reload it first.")


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class DraftData:
    id: int
    item_id: int
    meeting_id: int
    meeting: str  # title and date
    item: str  # the item's title
    text: str
    saved_at: datetime
    saved_minutes: str  # what the item's minutes held when the draft was found


@dataclass(frozen=True)
class EditionItem:
    number: int
    title: str
    starts_at: str
    minutes: str
    decisions: tuple[str, ...]
    steps: tuple[ActionData, ...]
    details: bool  # False: "case <code>: discussed"


@dataclass(frozen=True)
class Edition:
    """What one recipient may read of a meeting's minutes (step 4 renders it as PDF)."""

    meeting_id: int
    title: str
    kind: str
    held_on: date
    recipient_org_id: int | None  # None: the full edition (chair and minute-taker)
    recipient: str
    present: tuple[str, ...]
    excused: tuple[str, ...]
    absent: tuple[str, ...]
    items: tuple[EditionItem, ...]
    open_steps: tuple[ActionData, ...]
    status: str  # "draft" or "approved on <date>"
    next_meeting: str
    case_codes: tuple[str, ...]  # the cases whose details this edition holds


@dataclass(frozen=True)
class EmailExport:
    folder: Path
    files: tuple[Path, ...]
    recipients_file: Path
    addresses: tuple[str, ...]
    missing: tuple[str, ...]  # invited organisations without an e-mail address


# ---------------------------------------------------------------- attendance


def set_attendance(
    uow: UnitOfWork,
    actor: Actor,
    invite_id: int,
    attendance: str,
    replaced_by_contact_id: int | None = None,
    replaced_by_name: str = "",
) -> MeetingData:
    """Present, excused or absent, and who came instead of whom."""
    replaced_by_name = v.clean(replaced_by_name)
    with uow:
        s = uow.session
        invite = s.get(MeetingInvite, invite_id)
        if invite is None:
            raise NotFoundError(_("This invitation no longer exists."))
        meeting, me = load_meeting(s, actor, invite.meeting_id, write=True)
        ensure_not_locked(meeting)
        errors = []
        if attendance not in ATTENDANCE:
            errors.append(FieldError("attendance", _("Choose present, excused or absent.")))
        if replaced_by_contact_id is not None:
            contact = s.get(Contact, replaced_by_contact_id)
            if contact is None:
                errors.append(FieldError("replaced_by", _("This contact person no longer exists.")))
            elif replaced_by_contact_id == invite.contact_id:
                errors.append(FieldError("replaced_by", _("Someone cannot replace themselves.")))
        message = v.max_length(replaced_by_name, 200)
        if message:
            errors.append(FieldError("replaced_by", message))
        if (replaced_by_contact_id or replaced_by_name) and attendance == "present":
            errors.append(
                FieldError(
                    "replaced_by",
                    _("Someone who is present is not replaced: mark them excused or absent."),
                )
            )
        if errors:
            raise ValidationError(errors)
        invite.attendance = attendance
        invite.replaced_by_contact_id = replaced_by_contact_id
        invite.replaced_by_name = "" if replaced_by_contact_id else replaced_by_name
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


# ---------------------------------------------------------------- minutes text


def _ensure_minutes_possible(meeting: Meeting) -> None:
    ensure_not_locked(meeting)
    if meeting.held_on > clock.today():
        raise ValidationError(
            FieldError(
                "minutes",
                _("This meeting lies in the future: minutes are taken on the day itself."),
            )
        )


def _item_details_allowed(s: Session, item: AgendaItem, me: Actor) -> None:
    if item.case_id is not None and not may_see(s, me, item.case_id):
        raise AccessDeniedError(_("You have no access to the case of this agenda item."))


def save_minutes(
    uow: UnitOfWork, actor: Actor, item_id: int, text: str, version: int | None = None
) -> MeetingData:
    """Save the minutes of an agenda item (Markdown). Removes the user's draft of it; a
    held meeting's minutes become a draft."""
    text = text.strip()
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        _ensure_minutes_possible(meeting)
        _item_details_allowed(s, item, me)
        message = v.max_length(text, MAX_TEXT)
        if message:
            raise ValidationError(FieldError("minutes", message))
        if version is not None and item.version != version and item.minutes != text:
            # someone else saved this item meanwhile: keep both texts
            text = item.minutes + "\n\n" + text if item.minutes.strip() else text
        item.minutes = text
        s.execute(
            delete(MinutesDraft).where(
                MinutesDraft.item_id == item.id, MinutesDraft.user_id == me.id
            )
        )
        if meeting.status in ("planned", "held"):
            meeting.status = "minutes_draft"
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


def save_draft(uow: UnitOfWork, actor: Actor, item_id: int, text: str) -> datetime:
    """Autosave: keep what the user typed so far, apart from the saved minutes. Cheap:
    one row per user and item. Returns when it was saved."""
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        ensure_not_locked(meeting)
        _item_details_allowed(s, item, me)
        draft = s.scalars(
            select(MinutesDraft).where(
                MinutesDraft.user_id == me.id, MinutesDraft.item_id == item_id
            )
        ).first()
        now = datetime.now().replace(microsecond=0)
        if draft is None:
            draft = MinutesDraft(user_id=me.id, item_id=item_id, base_version=item.version)
            s.add(draft)
        draft.text = text[: MAX_TEXT * 2]
        draft.saved_at = now
        uow.commit()
        return now


def pending_drafts(uow: UnitOfWork, actor: Actor) -> list[DraftData]:
    """Autosaved text of this user that was never saved as minutes (after a crash,
    a power cut or a lock). Drafts equal to the saved minutes are removed silently."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        rows = list(
            s.execute(
                select(MinutesDraft, AgendaItem, Meeting)
                .join(AgendaItem, AgendaItem.id == MinutesDraft.item_id)
                .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                .where(MinutesDraft.user_id == me.id)
                .order_by(MinutesDraft.saved_at)
            )
        )
        out = []
        stale = []
        for draft, item, meeting in rows:
            if draft.text.strip() == item.minutes.strip() or meeting.status in (
                "minutes_approved",
                "cancelled",
            ):
                stale.append(draft.id)
                continue
            out.append(
                DraftData(
                    id=draft.id,
                    item_id=item.id,
                    meeting_id=meeting.id,
                    meeting=steps_svc.meeting_label(meeting.title, meeting.held_on),
                    item=item.title or item_kind_label(item.kind),
                    text=draft.text,
                    saved_at=draft.saved_at,
                    saved_minutes=item.minutes,
                )
            )
        if stale:
            s.execute(delete(MinutesDraft).where(MinutesDraft.id.in_(stale)))
            uow.commit()
        return out


def _own_draft(s: Session, me: Actor, draft_id: int) -> MinutesDraft:
    draft = s.get(MinutesDraft, draft_id)
    if draft is None or draft.user_id != me.id:
        raise NotFoundError(_("This recovered text no longer exists."))
    return draft


def restore_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> MeetingData:
    """Save a recovered draft as the item's minutes."""
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        draft = _own_draft(s, me, draft_id)
        item_id, text = draft.item_id, draft.text
    return save_minutes(uow, actor, item_id, text)


def discard_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> None:
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        s.delete(_own_draft(s, me, draft_id))
        uow.commit()


# ---------------------------------------------------------------- decisions and steps


def add_decision(uow: UnitOfWork, actor: Actor, item_id: int, text: str) -> MeetingData:
    text = text.strip()
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        _ensure_minutes_possible(meeting)
        _item_details_allowed(s, item, me)
        message = v.required(text) or v.max_length(text, 4000)
        if message:
            raise ValidationError(FieldError("decision", message))
        item.decisions.append(
            Decision(position=len(item.decisions), text=text, created_by_id=me.id)
        )
        if meeting.status in ("planned", "held"):
            meeting.status = "minutes_draft"
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


def remove_decision(uow: UnitOfWork, actor: Actor, decision_id: int) -> MeetingData:
    with uow:
        s = uow.session
        decision = s.get(Decision, decision_id)
        if decision is None:
            raise NotFoundError(_("This decision no longer exists."))
        item, meeting, me = load_item(s, actor, decision.item_id, write=True)
        ensure_not_locked(meeting)
        item.decisions.remove(decision)
        for n, other in enumerate(item.decisions):
            other.position = n
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


def add_step(
    uow: UnitOfWork,
    actor: Actor,
    item_id: int,
    step: ActionInput,
    case_id: int | None = None,
) -> MeetingData:
    """A new next step agreed under an agenda item. A case item's steps belong to its
    case; another item's step may name a case (``case_id``). The owner must be covered
    by the case's consent (or the Meldcode), as everywhere."""
    step = replace(step, what=step.what.strip())
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        _ensure_minutes_possible(meeting)
        _item_details_allowed(s, item, me)
        linked = item.case_id if item.case_id is not None else case_id
        errors = steps_svc.action_field_errors(step) + steps_svc.owner_errors(s, step, "")
        if step.due_on is not None and step.due_on < meeting.held_on:
            errors.append(
                FieldError(
                    "due_on",
                    _("A next step cannot be due before the meeting where it was agreed."),
                )
            )
        if errors:
            raise ValidationError(errors)
        org = steps_svc.owner_org(s, step)
        if linked is not None:
            try:
                case, _me = load_case(s, me, linked, write=True)
            except (NotFoundError, AccessDeniedError) as exc:
                raise ValidationError(FieldError("case_id", str(exc))) from exc
            if org is not None:
                consent_svc.ensure_may_share(s, case, org, "owner")
        assert step.due_on is not None
        s.add(
            Action(
                case_id=linked,
                meeting_id=meeting.id,
                agenda_item_id=item.id,
                what=step.what,
                owner_org_id=step.owner_org_id if step.owner_contact_id is None else org,
                owner_contact_id=step.owner_contact_id,
                due_on=step.due_on,
                status="open",
                created_on=min(meeting.held_on, clock.today()),
                created_by_id=me.id,
            )
        )
        if meeting.status in ("planned", "held"):
            meeting.status = "minutes_draft"
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


def review_step(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    action_id: int,
    outcome: str | None,
    note: str = "",
    due_on: date | None = None,
) -> MeetingData:
    """Mark a step of the action list done, continued (optionally with a new due date)
    or cancelled during the meeting; ``outcome=None`` undoes the review."""
    note = note.strip()
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        _ensure_minutes_possible(meeting)
        row = next((r for r in action_list(s, meeting, me) if r.action.id == action_id), None)
        if row is None:
            raise NotFoundError(_("This next step is not on this meeting's action list."))
        action = s.get(Action, action_id)
        assert action is not None
        if action.case_id is not None and not may_see(s, me, action.case_id):
            raise AccessDeniedError(_("You have no access to the case of this next step."))
        errors = []
        if outcome is not None and outcome not in REVIEW_OUTCOMES:
            errors.append(FieldError("outcome", _("Choose done, continue or cancelled.")))
        message = v.max_length(note, 4000)
        if message:
            errors.append(FieldError("note", message))
        if due_on is not None and outcome == "continue" and due_on < meeting.held_on:
            errors.append(FieldError("due_on", _("The new due date lies before this meeting.")))
        if errors:
            raise ValidationError(errors)
        review = s.scalars(
            select(ActionReview).where(
                ActionReview.meeting_id == meeting.id, ActionReview.action_id == action_id
            )
        ).first()
        if review is not None:
            # undo the earlier review first
            action.status = review.previous_status
            if review.previous_status == "open":
                action.done_on = None
                action.closed_by_id = None
            s.delete(review)
            s.flush()
        if outcome is not None:
            s.add(
                ActionReview(
                    meeting_id=meeting.id,
                    action_id=action_id,
                    outcome=outcome,
                    note=note,
                    previous_status=action.status,
                    reviewed_by_id=me.id,
                )
            )
            if outcome == "done":
                action.status = "done"
                action.done_on = meeting.held_on
                action.closed_by_id = me.id
            elif outcome == "cancelled":
                action.status = "cancelled"
                action.done_on = None
                action.closed_by_id = me.id
            elif due_on is not None:
                action.due_on = due_on
            if note:
                action.note = note
        if meeting.status in ("planned", "held"):
            meeting.status = "minutes_draft"
        commit_change(uow, _conflict())
        s.expire_all()
        meeting = s.get(Meeting, meeting_id)  # type: ignore[assignment]
        assert meeting is not None
        return meeting_data(s, meeting, me)


# ---------------------------------------------------------------- approval


def approve_minutes(
    uow: UnitOfWork, actor: Actor, meeting_id: int, at_meeting_id: int
) -> MeetingData:
    """Record, at a later meeting ("minutes of the previous meeting"), that the minutes
    of ``meeting_id`` are approved. They are locked from then on. Returns the later
    meeting."""
    with uow:
        s = uow.session
        at, me = load_meeting(s, actor, at_meeting_id, write=True)
        meeting, me = load_meeting(s, me, meeting_id, write=True)
        errors = []
        if at.id == meeting.id or (at.held_on, at.starts_at) <= (
            meeting.held_on,
            meeting.starts_at,
        ):
            errors.append(FieldError("approve", _("Minutes are approved at a later meeting.")))
        elif at.held_on > clock.today():
            errors.append(
                FieldError(
                    "approve",
                    _("Minutes are approved during the meeting itself, not before it."),
                )
            )
        if meeting.status not in ("held", "minutes_draft", "minutes_sent"):
            errors.append(
                FieldError(
                    "approve",
                    _(
                        "The minutes of this meeting cannot be approved: its status is “{status}”."
                    ).format(status=status_label(meeting.status)),
                )
            )
        if errors:
            raise ValidationError(errors)
        meeting.status = "minutes_approved"
        meeting.approved_on = at.held_on
        meeting.approved_at_meeting_id = at.id
        meeting.approved_by_id = me.id
        s.execute(
            delete(MinutesDraft).where(MinutesDraft.item_id.in_([i.id for i in meeting.items]))
        )
        commit_change(uow, _conflict())
        return meeting_data(s, at, me)


def add_amendment(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    text: str,
    item_id: int | None = None,
) -> MeetingData:
    """A dated correction to approved minutes."""
    text = text.strip()
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        errors = []
        if meeting.status != "minutes_approved":
            errors.append(
                FieldError(
                    "amendment",
                    _("Only approved minutes get amendments: change the minutes themselves."),
                )
            )
        message = v.required(text) or v.max_length(text, 8000)
        if message:
            errors.append(FieldError("amendment", message))
        if item_id is not None and item_id not in {i.id for i in meeting.items}:
            errors.append(FieldError("item", _("This agenda item no longer exists.")))
        if errors:
            raise ValidationError(errors)
        s.add(
            Amendment(
                meeting_id=meeting.id,
                item_id=item_id,
                made_on=clock.today(),
                text=text,
                made_by_id=me.id,
            )
        )
        commit_change(uow, _conflict())
        return meeting_data(s, meeting, me)


# ---------------------------------------------------------------- editions


def _attendee_label(organisation: str, contact: str) -> str:
    if contact:
        return _("{contact} ({organisation})").format(contact=contact, organisation=organisation)
    return organisation


def _with_replacement(label: str, replaced_by: str) -> str:
    if not replaced_by:
        return label
    return label + " " + _("(replaced by {name})").format(name=replaced_by)


def _compose(
    meeting: Meeting,
    data: MeetingData,
    recipient_org_id: int | None,
    bases: dict[int, dict[int, str | None]],
) -> Edition:
    """One edition from the meeting as its runner sees it; ``bases``: per case on the
    agenda, the sharing basis of each recipient (consent_svc.sharing_bases)."""
    items = []
    codes: set[str] = set()
    for item in data.items:
        if recipient_org_id is not None and item.visibility == "internal":
            continue
        details = True
        title = item.title
        steps = item.steps
        if item.case_id is not None:
            if recipient_org_id is not None:
                details = (
                    item.case_mode == "full"
                    and bases[item.case_id].get(recipient_org_id) is not None
                )
                if not details:
                    title = _("Case {code}: discussed").format(code=item.case_code)
                    steps = tuple(st for st in item.steps if st.owner_org_id == recipient_org_id)
            elif item.case_mode == "anonymous":
                title = _("{reference} (discussed anonymously)").format(reference=item.title)
            if details:
                codes.add(item.case_code)
        elif recipient_org_id is not None:
            # a step about a case on a general item: only to those who may hold it
            steps = tuple(
                st for st in item.steps if st.case_id is None or st.owner_org_id == recipient_org_id
            )
        items.append(
            EditionItem(
                number=item.number or 0,
                title=title,
                starts_at=item.starts_at.strftime("%H:%M"),
                minutes=item.minutes if details else "",
                decisions=tuple(d.text for d in item.decisions) if details else (),
                steps=steps,
                details=details,
            )
        )
    people: dict[str, list[str]] = {"present": [], "excused": [], "absent": []}
    for invite in data.invites:
        if invite.attendance in people:
            label = _attendee_label(invite.organisation, invite.contact)
            people[invite.attendance].append(_with_replacement(label, invite.replaced_by))
    open_steps = [r.action for r in data.action_list if r.action.status == "open"]
    recipient = _("Full edition (chair and minute-taker)")
    if recipient_org_id is not None:
        open_steps = [
            st for st in open_steps if st.case_id is None or st.owner_org_id == recipient_org_id
        ]
        recipient = next(
            (i.organisation for i in data.invites if i.organisation_id == recipient_org_id),
            recipient,
        )
    return Edition(
        meeting_id=meeting.id,
        title=meeting.title,
        kind=kind_label(meeting.kind),
        held_on=meeting.held_on,
        recipient_org_id=recipient_org_id,
        recipient=recipient,
        present=tuple(people["present"]),
        excused=tuple(people["excused"]),
        absent=tuple(people["absent"]),
        items=tuple(items),
        open_steps=tuple(open_steps),
        status=(
            _("approved on {date}").format(date=format_date(meeting.approved_on))
            if meeting.approved_on
            else _("draft")
        ),
        next_meeting=format_date(data.next_meeting.held_on) if data.next_meeting else "",
        case_codes=tuple(sorted(codes)),
    )


def editions(
    uow: UnitOfWork, actor: Actor, meeting_id: int, recipient_org_ids: Sequence[int | None]
) -> list[Edition]:
    """The minutes as each recipient organisation may read them; ``None`` is the full
    edition, for the chair and the minute-taker (needs the right to run the meeting).

    A case item shows its details only when the recipient is involved in the case and
    covered by consent (or a Meldcode justification) and the item was not discussed
    anonymously; otherwise "Case <code>: discussed" and the next steps the recipient
    owns. Internal items appear in the full edition only. The meeting and every case's
    consent are read once for all editions."""
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id, write=True)
        data = meeting_data(s, meeting, me)
        wanted = [o for o in recipient_org_ids if o is not None]
        bases: dict[int, dict[int, str | None]] = {}
        for case_id in {i.case_id for i in data.items if i.case_id is not None}:
            case = s.get(Case, case_id)
            assert case is not None
            involved = {p.organisation_id for p in consent_svc.active_involvements(case)}
            shared = consent_svc.sharing_bases(s, case, [o for o in wanted if o in involved])
            bases[case_id] = shared
        return [_compose(meeting, data, org, bases) for org in recipient_org_ids]


def edition(
    uow: UnitOfWork, actor: Actor, meeting_id: int, recipient_org_id: int | None
) -> Edition:
    """One recipient's edition (see ``editions``)."""
    return editions(uow, actor, meeting_id, [recipient_org_id])[0]


def _markdown_plain(text: str) -> str:
    """Minutes Markdown as plain text for an e-mail: emphasis marks removed, list
    bullets kept."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)", r"\1", text)
    text = re.sub(r"(?m)^(\s*)[*+]\s", r"\1- ", text)
    return text.strip()


def _step_line(step: ActionData) -> str:
    what = step.what or _("next step in case {code}").format(code=step.case_code)
    return _("- {what} ({owner}, due {date})").format(
        what=what, owner=step.owner, date=format_date(step.due_on)
    )


def edition_text(ed: Edition) -> str:
    """The plain-text minutes of one edition (until the printed editions of step 4)."""
    lines = [
        ed.title,
        _("{kind}, {date}").format(kind=ed.kind, date=format_date(ed.held_on, "full")),
        _("Minutes: {status}").format(status=ed.status),
        _("Edition for: {recipient}").format(recipient=ed.recipient),
        "",
    ]
    for label, people in (
        (_("Present"), ed.present),
        (_("Excused"), ed.excused),
        (_("Absent"), ed.absent),
    ):
        if people:
            lines.append(f"{label}: " + "; ".join(people))
    lines.append("")
    for item in ed.items:
        lines.append(f"{item.number}. {item.title}" if item.number else f"– {item.title}")
        if item.minutes:
            lines += ["", _markdown_plain(item.minutes)]
        for decision in item.decisions:
            lines.append(_("DECISION: {text}").format(text=decision))
        if item.steps:
            lines.append(_("New next steps:"))
            lines += [_step_line(st) for st in item.steps]
        lines.append("")
    if ed.open_steps:
        lines.append(_("Open next steps"))
        lines += [_step_line(st) for st in ed.open_steps]
        lines.append("")
    if ed.next_meeting:
        lines.append(_("Next meeting: {date}").format(date=ed.next_meeting))
    lines += [
        "",
        _("Confidential: for the recipient named above only. Do not forward."),
    ]
    return "\n".join(lines) + "\n"


def _safe_name(text: str) -> str:
    text = re.sub(r"[^\w\- ]+", "", text, flags=re.UNICODE).strip().replace(" ", "-")
    return text[:60] or "pact"


def _recipients(s: Session, meeting: Meeting) -> list[tuple[int, str, str]]:
    """The organisations that receive the minutes (invited or attending), by name, with
    the e-mail addresses to send them to (the contact person's, else the
    organisation's)."""
    orgs = {
        o.id: o
        for o in s.scalars(
            select(Organisation).where(
                Organisation.id.in_({i.organisation_id for i in meeting.invites})
            )
        )
    }
    contact_mail = mapping(
        s,
        select(Contact.id, Contact.email).where(
            Contact.id.in_({i.contact_id for i in meeting.invites if i.contact_id})
        ),
    )
    emails: dict[int, list[str]] = {}
    for invite in meeting.invites:
        found = emails.setdefault(invite.organisation_id, [])
        address = contact_mail.get(invite.contact_id, "") if invite.contact_id else ""
        address = address or orgs[invite.organisation_id].email
        if address and address not in found:
            found.append(address)
    return sorted(
        ((oid, orgs[oid].name, ", ".join(found)) for oid, found in emails.items()),
        key=lambda r: r[1].casefold(),
    )


def save_for_email(uow: UnitOfWork, actor: Actor, meeting_id: int, folder: Path) -> EmailExport:
    """Write one edition per receiving organisation into ``folder`` with a list of
    the e-mail addresses, then record the minutes as sent. Every file is written
    atomically; when one fails nothing is recorded as sent."""
    folder.mkdir(parents=True, exist_ok=True)
    with uow:
        s = uow.session
        meeting, _me = load_meeting(s, actor, meeting_id, write=True)
        if meeting.status not in ("held", "minutes_draft", "minutes_sent", "minutes_approved"):
            raise ValidationError(
                FieldError(
                    "status",
                    _("There are no minutes to send yet: the meeting has not been held."),
                )
            )
        stem = _safe_name(f"{meeting.held_on.isoformat()} {meeting.title}")
        people = _recipients(s, meeting)
    texts = editions(uow, actor, meeting_id, [org_id for org_id, _n, _e in people])
    files = []
    listing = [_("Recipient\tE-mail\tFile")]
    addresses = []
    missing = []
    for (_org_id, name, emails), ed in zip(people, texts, strict=True):
        path = folder / f"{stem}-{_safe_name(name)}.txt"
        atomic_write(path, edition_text(ed).encode("utf-8"))
        files.append(path)
        if emails:
            listing.append(f"{name}\t{emails}\t{path.name}")
            addresses.append(emails)
        else:
            missing.append(name)
    if missing:
        listing += ["", _("Without an e-mail address:"), *missing]
    listing_name = _safe_name(_("recipients"))
    recipients_file = folder / f"{stem}-{listing_name}.txt"
    atomic_write(recipients_file, ("\n".join(listing) + "\n").encode("utf-8"))
    with uow:
        s = uow.session
        meeting, _me = load_meeting(s, actor, meeting_id, write=True)
        if meeting.status in ("held", "minutes_draft"):
            meeting.status = "minutes_sent"
        if meeting.status != "minutes_approved" or meeting.minutes_sent_on is None:
            meeting.minutes_sent_on = clock.today()
        commit_change(uow, _conflict())
    return EmailExport(
        folder=folder,
        files=tuple(files),
        recipients_file=recipients_file,
        addresses=tuple(addresses),
        missing=tuple(missing),
    )


def attendance_summary(data: MeetingData) -> str:
    counts: dict[str, int] = {}
    for invite in data.invites:
        counts[invite.attendance] = counts.get(invite.attendance, 0) + 1
    return ", ".join(
        f"{attendance_label(k)}: {counts[k]}"
        for k in ("present", "excused", "absent", "invited")
        if counts.get(k)
    )


def saved_at_label(moment: datetime) -> str:
    return _("Saved automatically at {time}").format(time=format_datetime(moment, "HH:mm:ss"))


__all__ = [
    "DraftData",
    "Edition",
    "EmailExport",
    "add_amendment",
    "add_decision",
    "add_step",
    "approve_minutes",
    "discard_draft",
    "edition",
    "edition_text",
    "pending_drafts",
    "remove_decision",
    "restore_draft",
    "review_step",
    "save_draft",
    "save_for_email",
    "save_minutes",
    "set_attendance",
]
