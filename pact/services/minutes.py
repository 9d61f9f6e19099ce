"""During and after a meeting: attendance, the minutes per agenda item (autosaved as
drafts while typing), decisions, new next steps, the review of the action list,
approval at a later meeting, dated amendments, and the recipient editions saved for
e-mail.

Approved minutes are locked: nothing of them changes any more except by a dated
amendment. An autosaved draft belongs to the user who typed it; saving it as the
minutes removes the draft; after a crash the next start offers it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pact.db.server import ConnectionLostError
from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    FieldError,
    NotFoundError,
    PactError,
    ValidationError,
)
from pact.i18n import _, format_datetime
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    Contact,
    Decision,
    Meeting,
    MeetingInvite,
    MinutesDraft,
)
from pact.models.meeting import ATTENDANCE, REVIEW_OUTCOMES
from pact.services import clock, local_drafts
from pact.services import consent as consent_svc
from pact.services import consultations as steps_svc
from pact.services import validation as v
from pact.services.consultations import ActionInput
from pact.services.lookup import commit_change, conflict
from pact.services.meetings import (
    MAX_TEXT,
    MeetingData,
    action_list,
    attendance_label,
    ensure_not_locked,
    item_kind_label,
    load_item,
    load_meeting,
    meeting_data,
    status_label,
)
from pact.services.scope import load_case, may_see
from pact.services.users import Actor, acting_user

log = logging.getLogger(__name__)


def _conflict() -> str:
    return _("Someone else changed this meeting. Reload it first.")


def _minutes_conflict() -> str:
    return _("Someone else saved the minutes of this item while you were typing them.")


def _minutes_begun(s: Session, meeting: Meeting) -> None:
    """Minutes taken at a planned or held meeting make its minutes a draft. A guarded
    UPDATE that leaves the meeting's version alone: two people saving the minutes of
    different items at the same moment do not conflict over the meeting."""
    if meeting.status not in ("planned", "held"):
        return
    s.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status.in_(("planned", "held")))
        .values(status="minutes_draft")
        .execution_options(synchronize_session=False)
    )
    set_committed_value(meeting, "status", "minutes_draft")


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
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
    uow: UnitOfWork,
    actor: Actor,
    item_id: int,
    text: str,
    version: int | None = None,
    base: str | None = None,
) -> MeetingData:
    """Save the minutes of an agenda item (Markdown). Removes the user's draft of it; a
    held meeting's minutes become a draft.

    ``version`` and ``base``: the item's version and minutes the user started typing
    from. When someone else saved other minutes of the item since, ConflictError
    (naming who and when); nothing is saved and the draft stays. Saving again with the
    current version overwrites their text. Other changes of the item (its title) and
    minutes of other items never conflict."""
    text = text.strip()
    with uow:
        s = uow.session
        item, meeting, me = load_item(s, actor, item_id, write=True)
        _ensure_minutes_possible(meeting)
        _item_details_allowed(s, item, me)
        message = v.max_length(text, MAX_TEXT)
        if message:
            raise ValidationError(FieldError("minutes", message))
        saved = item.minutes.strip()
        if (
            version is not None
            and item.version != version
            and saved != text
            and (base is None or saved != base.strip())
        ):
            raise conflict(s, _minutes_conflict(), [("meeting", meeting.id)], "agenda_item")
        s.execute(
            delete(MinutesDraft).where(
                MinutesDraft.item_id == item.id, MinutesDraft.user_id == me.id
            )
        )
        _minutes_begun(s, meeting)
        item.minutes = text  # last: the statements above would flush it unguarded
        commit_change(uow, _minutes_conflict(), [("meeting", meeting.id)], "agenda_item")
        return meeting_data(s, meeting, me)


def save_draft(uow: UnitOfWork, actor: Actor, item_id: int, text: str) -> datetime:
    """Autosave: keep what the user typed so far, apart from the saved minutes. Cheap:
    one row per user and item. Returns when it was saved.

    On a team's server whose connection is lost, the draft is kept on this computer,
    encrypted (``pact.services.local_drafts``), until ``send_local_drafts`` writes it
    to the server."""
    text = text[: MAX_TEXT * 2]
    offline = _offline_store(uow)
    try:
        saved = _save_draft(uow, actor, item_id, text)
    except ConnectionLostError:
        if offline is None:
            raise
        now = datetime.now().replace(microsecond=0)
        offline.put(actor.id, item_id, text, now)
        return now
    if offline is not None:
        offline.remove(actor.id, item_id)  # an older one kept while the server was away
    return saved


def _offline_store(uow: UnitOfWork) -> local_drafts.LocalDrafts | None:
    with uow:
        bind = uow.session.get_bind()  # no connection is made for this
    return local_drafts.store_for(bind) if isinstance(bind, Engine) else None


def _save_draft(
    uow: UnitOfWork, actor: Actor, item_id: int, text: str, at: datetime | None = None
) -> datetime:
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
        now = at or datetime.now().replace(microsecond=0)
        if draft is None:
            draft = MinutesDraft(user_id=me.id, item_id=item_id, base_version=item.version)
            s.add(draft)
        elif at is not None and draft.saved_at > at:
            return draft.saved_at  # the server holds a newer one (typed elsewhere)
        draft.text = text
        draft.saved_at = now
        uow.commit()
        return now


def send_local_drafts(uow: UnitOfWork, actor: Actor) -> int:
    """The connection is back: write the drafts this computer kept meanwhile to the
    server as normal drafts, and remove them here. How many were written.
    ConnectionLostError when the server went away again (what is left stays here).
    A draft the server refuses now (the meeting was locked meanwhile, the user lost
    access) is removed here without being written: its text is still in the editor
    that typed it, or was typed in a window that is gone."""
    offline = _offline_store(uow)
    if offline is None:
        return 0
    sent = 0
    for draft in offline.drafts(actor.id):
        try:
            _save_draft(uow, actor, draft.item_id, draft.text, at=draft.saved_at)
            sent += 1
        except ConnectionLostError:
            raise
        except PactError as exc:
            log.warning("an offline draft of item %s was not written: %s", draft.item_id, exc)
        offline.remove(actor.id, draft.item_id, draft.text)
    return sent


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
        _minutes_begun(s, meeting)
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
                case, _me = load_case(s, me, linked, write=True, details=False)
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
        _minutes_begun(s, meeting)
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
        _minutes_begun(s, meeting)
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
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
        commit_change(uow, _conflict(), [("meeting", meeting.id)])
        return meeting_data(s, meeting, me)


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
    "add_amendment",
    "add_decision",
    "add_step",
    "approve_minutes",
    "discard_draft",
    "pending_drafts",
    "remove_decision",
    "restore_draft",
    "review_step",
    "save_draft",
    "save_minutes",
    "send_local_drafts",
    "set_attendance",
]
