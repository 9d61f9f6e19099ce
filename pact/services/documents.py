"""Printed agendas and minutes, one edition per recipient, and the disclosure record.

A meeting document exists in editions:

- the *full* edition, for the chair and the minute-taker: every item with its
  details (only for a user who may see every case on the agenda);
- the *chair's copy* of the agenda: the full agenda with the internal items, the
  planned times and the chair's notes;
- one *recipient* edition per receiving organisation: internal items are left out,
  and a case item shows its details only when that organisation is involved in the
  case and covered by consent (or a recorded Meldcode justification) and the case was
  not discussed anonymously. Otherwise the item reads "Case <code> (level N)" (and in
  the minutes ": discussed"), with only the next steps that organisation owns.

``prepare`` reads the meeting once and composes every edition asked for (plain data);
``render`` turns one into PDF bytes without touching the database (so a progress bar
can follow the editions); ``record`` writes the disclosure record of an edition that
was printed or saved, ``save_pdf`` does both for a file. A family's request to see its
data reads the record per case with ``case_disclosures``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.utils import ImageReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from pact.config import FileExistsRefusal, atomic_create, atomic_write
from pact.db.uow import UnitOfWork
from pact.errors import AccessDeniedError, FieldError, ValidationError
from pact.i18n import _, format_date
from pact.models import AppSetting, Case, Meeting, Organisation
from pact.models.disclosure import CHANNELS, DOCUMENTS, Disclosure, DisclosureCase
from pact.reports.documents import (
    AgendaDocument,
    AgendaLine,
    AmendmentLine,
    Letterhead,
    MinutesDocument,
    MinutesItem,
    StepLine,
)
from pact.reports.meeting_docs import render_agenda, render_minutes
from pact.services import audit, clock
from pact.services import consent as consent_svc
from pact.services.consultations import ActionData, meeting_label
from pact.services.lookup import commit_change, mapping, user_names
from pact.services.meetings import (
    InviteData,
    ItemData,
    MeetingData,
    case_reference,
    invite_rows,
    kind_label,
    load_meeting,
    may_run,
    meeting_data,
)
from pact.services.scope import load_case, visible_ids
from pact.services.users import Actor, acting_user

PACT_NAME_SETTING = "pact_name"
PACT_LOGO_SETTING = "pact_logo"
MAX_LOGO_BYTES = 512 * 1024
MAX_PACT_NAME = 120

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


def document_label(document: str) -> str:
    return {
        "agenda": _("Agenda"),
        "chair": _("Chair's copy of the agenda"),
        "minutes": _("Minutes"),
    }[document]


def channel_label(channel: str) -> str:
    return {
        "printer": _("printed"),
        "pdf": _("saved as PDF"),
        "email": _("saved for e-mail"),
    }[channel]


def full_edition_label() -> str:
    return _("Full edition (chair and minute-taker)")


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class DocumentSettings:
    pact_name: str
    logo: bytes | None


@dataclass(frozen=True)
class Recipient:
    """An organisation that receives a meeting's documents (invited or attending)."""

    organisation_id: int
    name: str
    contacts: str  # the invited contact persons, comma-separated ("" when none)
    emails: str  # where to send it: the contact persons', else the organisation's
    invited: bool = True  # False: involved in a case on the agenda, but not invited


@dataclass(frozen=True)
class PreparedEdition:
    """One edition, composed and ready to render (no database needed any more)."""

    meeting_id: int
    meeting: str  # title and date
    held_on: date
    kind: str  # the meeting kind's code ("network" / "case")
    document: str  # agenda / chair / minutes
    recipient_org_id: int | None  # None: the full edition or the chair's copy
    recipient: str  # as recorded: "Organisation (contact)" or the full edition's label
    head: Letterhead
    agenda: AgendaDocument | None
    minutes: MinutesDocument | None
    case_ids: tuple[int, ...]  # the cases whose details this edition holds
    case_codes: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # about an unexpected recipient (check_recipients)

    @property
    def file_name(self) -> str:
        """``<date>_<document>_<organisation-id>.pdf``; ``full`` for the full edition."""
        who = "full" if self.recipient_org_id is None else str(self.recipient_org_id)
        return f"{self.held_on.isoformat()}_{self.document}_{who}.pdf"


@dataclass(frozen=True)
class RenderedEdition:
    edition: PreparedEdition
    pdf: bytes
    pages: int
    sha256: str


@dataclass(frozen=True)
class DisclosureRow:
    id: int
    made_at: datetime
    made_by: str
    meeting_id: int | None
    meeting: str
    document: str
    recipient_org_id: int | None
    recipient: str
    channel: str
    destination: str
    pages: int
    sha256: str
    case_codes: tuple[str, ...]


# ---------------------------------------------------------------- settings


def document_settings(uow: UnitOfWork) -> DocumentSettings:
    """The pact's name and logo, printed on every document."""
    with uow:
        return _document_settings(uow.session)


def _document_settings(s: Session) -> DocumentSettings:
    values = mapping(
        s,
        select(AppSetting.key, AppSetting.value).where(
            AppSetting.key.in_((PACT_NAME_SETTING, PACT_LOGO_SETTING))
        ),
    )
    logo = None
    if values.get(PACT_LOGO_SETTING):
        try:
            logo = base64.b64decode(values[PACT_LOGO_SETTING], validate=True)
        except (binascii.Error, ValueError):
            logo = None
    return DocumentSettings(
        pact_name=values.get(PACT_NAME_SETTING) or _("Divorce pact"),
        logo=logo,
    )


def logo_error(logo: bytes) -> str:
    """Why an image cannot be the logo ("" when it can)."""
    if not (logo.startswith(_PNG) or logo.startswith(_JPEG)):
        return _("Choose a PNG or JPEG picture.")
    if len(logo) > MAX_LOGO_BYTES:
        return _("This picture is too large ({size} kB): choose one of at most {limit} kB.").format(
            size=len(logo) // 1024, limit=MAX_LOGO_BYTES // 1024
        )
    try:  # read the picture as the PDFs will
        width, height = ImageReader(io.BytesIO(logo)).getSize()
    except Exception:
        return _("This picture cannot be read: it may be damaged.")
    if width < 1 or height < 1:
        return _("This picture cannot be read: it may be damaged.")
    return ""


def save_document_settings(
    uow: UnitOfWork, actor: Actor, pact_name: str, logo: bytes | None
) -> DocumentSettings:
    """Change the name and logo on the documents (coordinators and administrators)."""
    pact_name = " ".join(pact_name.split())
    errors = []
    if not pact_name:
        errors.append(FieldError("pact_name", _("Fill in the name of the pact.")))
    elif len(pact_name) > MAX_PACT_NAME:
        errors.append(
            FieldError(
                "pact_name",
                _("At most {n} characters.").format(n=MAX_PACT_NAME),
            )
        )
    if logo is not None:
        message = logo_error(logo)
        if message:
            errors.append(FieldError("logo", message))
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        if not (me.is_coordinator or me.is_administrator):
            raise AccessDeniedError(
                _("Only a coordinator or an administrator can change the documents' letterhead.")
            )
        if errors:
            raise ValidationError(errors)
        s.merge(AppSetting(key=PACT_NAME_SETTING, value=pact_name))
        s.merge(
            AppSetting(
                key=PACT_LOGO_SETTING,
                value=base64.b64encode(logo).decode("ascii") if logo else "",
            )
        )
        uow.commit()
        return _document_settings(s)


# ---------------------------------------------------------------- recipients


def _recipients(s: Session, invites: Sequence[InviteData]) -> list[Recipient]:
    """Per invited organisation, by name: its invited contact persons and where to
    e-mail (the contact persons' addresses, else the organisation's)."""
    org_mail = mapping(
        s,
        select(Organisation.id, Organisation.email).where(
            Organisation.id.in_({i.organisation_id for i in invites})
        ),
    )
    rows: dict[int, tuple[str, list[str], list[str]]] = {}
    for invite in invites:
        _name, people, found = rows.setdefault(
            invite.organisation_id, (invite.organisation, [], [])
        )
        if invite.contact and invite.contact not in people:
            people.append(invite.contact)
        address = invite.email or org_mail.get(invite.organisation_id, "")
        if address and address not in found:
            found.append(address)
    out = [
        Recipient(oid, name, ", ".join(people), ", ".join(found))
        for oid, (name, people, found) in rows.items()
    ]
    out.sort(key=lambda r: r.name.casefold())
    return out


def _involved(s: Session, meeting: Meeting) -> dict[int, list[str]]:
    """Organisation id -> the codes of the cases on the agenda it is involved in."""
    out: dict[int, list[str]] = {}
    for item in meeting.items:
        case = s.get(Case, item.case_id) if item.case_id is not None else None
        if case is None:
            continue
        for p in consent_svc.active_involvements(case):
            codes = out.setdefault(p.organisation_id, [])
            if case.code not in codes:
                codes.append(case.code)
    return out


def recipients(
    uow: UnitOfWork, actor: Actor, meeting_id: int, include_involved: bool = False
) -> list[Recipient]:
    """The organisations that receive the meeting's documents: every invited one; with
    ``include_involved`` also the partners involved in a case on the agenda that were
    not invited (after the invited ones; printing for them is warned about)."""
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id)
        out = _recipients(s, invite_rows(s, meeting))
        if not may_run(meeting, me):  # an invited worker prints their own edition only
            return [r for r in out if r.organisation_id == me.organisation_id]
        if include_involved:
            extra = set(_involved(s, meeting)) - {r.organisation_id for r in out}
            rows = s.execute(
                select(Organisation.id, Organisation.name, Organisation.email).where(
                    Organisation.id.in_(extra)
                )
            )
            out += sorted(
                (Recipient(oid, name, "", email or "", invited=False) for oid, name, email in rows),
                key=lambda r: r.name.casefold(),
            )
        return out


def check_recipients(
    uow: UnitOfWork, actor: Actor, meeting_id: int, organisation_ids: Iterable[int]
) -> list[str]:
    """Warnings about recipients nobody would expect: an organisation not invited to
    the meeting (and whether it is involved in a case on the agenda), or archived.
    ``prepare`` gives each edition the warnings about its own recipient."""
    with uow:
        s = uow.session
        meeting, _me = load_meeting(s, actor, meeting_id)
        found = _recipient_warnings(s, meeting, organisation_ids)
        return [w for org_id in dict.fromkeys(organisation_ids) for w in found.get(org_id, ())]


def _recipient_warnings(
    s: Session, meeting: Meeting, organisation_ids: Iterable[int]
) -> dict[int, list[str]]:
    wanted = list(dict.fromkeys(organisation_ids))
    invited = {i.organisation_id for i in meeting.invites}
    orgs = {o.id: o for o in s.scalars(select(Organisation).where(Organisation.id.in_(wanted)))}
    involved = _involved(s, meeting) if set(wanted) - invited else {}
    out: dict[int, list[str]] = {}
    for org_id, org in orgs.items():
        warnings = out.setdefault(org_id, [])
        if org_id not in invited:
            if org_id in involved:
                warnings.append(
                    _(
                        "{name} was not invited to this meeting; it is involved in case "
                        "{codes} and receives only what it may read of it."
                    ).format(name=org.name, codes=", ".join(involved[org_id]))
                )
            else:
                warnings.append(
                    _(
                        "{name} was not invited to this meeting and is not involved in any "
                        "case on its agenda."
                    ).format(name=org.name)
                )
        if org.archived:
            warnings.append(_("{name} is archived in the partner directory.").format(name=org.name))
    return out


# ---------------------------------------------------------------- composing


def _step_line(step: ActionData, status: str | None = None, today: date | None = None) -> StepLine:
    what = step.what or _("Next step in case {code}").format(code=step.case_code)
    status = status or step.status
    return StepLine(
        what=what,
        owner=step.owner,
        due_on=step.due_on,
        status=status,
        done_on=step.done_on,
        case_reference=_("Case {code}").format(code=step.case_code) if step.case_code else "",
        overdue=status == "open" and step.due_on < (today or clock.today()),
    )


@dataclass(frozen=True)
class _Reader:
    """Who an edition is for, and which cases' details it may hold."""

    org_id: int | None  # None: full edition or chair's copy
    detail_cases: frozenset[int]

    def may_hold_step(self, step: ActionData) -> bool:
        return (
            self.org_id is None
            or step.case_id is None
            or step.owner_org_id == self.org_id
            or step.case_id in self.detail_cases
        )


def _details(item: ItemData, reader: _Reader) -> bool:
    if item.case_id is None:
        return True
    if reader.org_id is None:
        return item.case_mode == "full"
    return item.case_id in reader.detail_cases and item.case_mode == "full"


def _case_title(item: ItemData) -> str:
    return case_reference(item.case_code, item.case_level or 0)


def _agenda(data: MeetingData, reader: _Reader, chair: bool) -> AgendaDocument:
    lines = []
    for item in data.items:
        internal = item.visibility == "internal"
        if internal and not chair:
            continue
        details = _details(item, reader)
        title, description = item.title, item.description
        note = ""
        presenter = item.presenter
        if item.case_id is not None:
            if not details:
                # who brings a case in says which school or team knows the family
                title, description, presenter = _case_title(item), "", ""
            notes = []
            if item.case_mode == "anonymous":
                notes.append(_("discussed anonymously (case code and level only)"))
            elif item.meldcode:
                notes.append(_("shared under the Meldcode"))
            if item.case_mode == "full" and item.consent is not None and item.consent.uncovered:
                notes.append(
                    _("Without the case's details for: {names}.").format(
                        names=", ".join(name for _id, name in item.consent.uncovered)
                    )
                )
            note = " ".join(notes)
        lines.append(
            AgendaLine(
                number=item.number,
                title=title,
                starts_at=item.starts_at,
                planned_minutes=item.planned_minutes,
                presenter=presenter,
                description=description,
                internal=internal,
                chair_notes=item.chair_notes if chair else "",
                case_reference=_case_title(item) if item.case_id is not None and details else "",
                consent_note=note if chair else "",
            )
        )
    steps = tuple(
        _step_line(r.action)
        for r in data.action_list
        if r.action.status == "open" and reader.may_hold_step(r.action)
    )
    return AgendaDocument(
        title=data.title,
        kind=kind_label(data.kind),
        held_on=data.held_on,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location=data.location,
        video_link=data.video_link,
        chair=data.chair,
        minute_taker=data.minute_taker,
        invited=_invited(data),
        items=tuple(lines),
        open_steps=steps,
        chair_copy=chair,
        planned_end=data.plan.planned_end if chair else None,
        overrun_minutes=data.plan.overrun if chair else 0,
    )


def _invited(data: MeetingData) -> tuple[str, ...]:
    out: list[str] = []
    for invite in data.invites:
        label = (
            _("{organisation} ({contact})").format(
                organisation=invite.organisation, contact=invite.contact
            )
            if invite.contact
            else invite.organisation
        )
        if label not in out:
            out.append(label)
    return tuple(out)


def _person(organisation: str, contact: str) -> str:
    if contact:
        return _("{contact} ({organisation})").format(contact=contact, organisation=organisation)
    return organisation


def _minutes(data: MeetingData, reader: _Reader) -> MinutesDocument:
    items = []
    for item in data.items:
        if item.visibility == "internal" and reader.org_id is not None:
            continue
        details = _details(item, reader)
        title = item.title
        steps = item.steps
        if item.case_id is not None and not details:
            title = _("{reference}: discussed").format(reference=_case_title(item))
            steps = tuple(
                st for st in item.steps if reader.org_id is None or st.owner_org_id == reader.org_id
            )
        else:
            steps = tuple(st for st in steps if reader.may_hold_step(st))
        items.append(
            MinutesItem(
                number=item.number,
                title=title,
                starts_at=item.starts_at,
                minutes=item.minutes if details else "",
                decisions=tuple(d.text for d in item.decisions) if details else (),
                steps=tuple(_step_line(st) for st in steps),
                details=details,
                internal=item.visibility == "internal",
            )
        )
    people: dict[str, list[str]] = {"present": [], "excused": [], "absent": []}
    replacements = []
    for invite in data.invites:
        label = _person(invite.organisation, invite.contact)
        if invite.attendance in people:
            people[invite.attendance].append(label)
        if invite.replaced_by:
            replacements.append(
                _("{person} replaced by {name}").format(person=label, name=invite.replaced_by)
            )
    outcome_status = {"done": "done", "cancelled": "cancelled", "continue": "open"}
    all_steps = [
        _step_line(r.action, outcome_status.get(r.outcome or "", r.action.status))
        for r in data.action_list
        if reader.may_hold_step(r.action)
    ]
    for printed in items:
        all_steps += printed.steps
    amendments = tuple(
        AmendmentLine(made_on=a.made_on, text=a.text, item=a.item_title)
        for a in data.amendments
        if reader.org_id is None or _amendment_allowed(a.item_id, data, reader)
    )
    return MinutesDocument(
        title=data.title,
        kind=kind_label(data.kind),
        held_on=data.held_on,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location=data.location or data.video_link,
        chair=data.chair,
        minute_taker=data.minute_taker,
        present=tuple(people["present"]),
        excused=tuple(people["excused"]),
        absent=tuple(people["absent"]),
        replacements=tuple(replacements),
        items=tuple(items),
        all_steps=tuple(all_steps),
        next_meeting=data.next_meeting.held_on if data.next_meeting else None,
        status=(
            _("Approved on {date}").format(date=format_date(data.approved_on, "long"))
            if data.approved_on
            else _("Draft")
        ),
        approved=data.approved_on is not None,
        amendments=amendments,
    )


def _amendment_allowed(item_id: int | None, data: MeetingData, reader: _Reader) -> bool:
    """An amendment to a case item goes only to those who may read that item."""
    if item_id is None:
        return True
    item = next((i for i in data.items if i.id == item_id), None)
    if item is None or (item.visibility == "internal"):
        return False
    return _details(item, reader)


def _require_full(data: MeetingData, s: Session, me: Actor) -> None:
    """The full edition holds every case on the agenda: only for a runner of the
    meeting who may see all of them."""
    case_ids = [i.case_id for i in data.items if i.case_id is not None]
    hidden = set(case_ids) - visible_ids(s, me, case_ids)
    if hidden:
        codes = sorted({i.case_code for i in data.items if i.case_id in hidden})
        raise AccessDeniedError(
            _(
                "The full edition holds every case on the agenda, and you may not see "
                "case {codes}. Print the edition of your organisation instead."
            ).format(codes=", ".join(codes))
        )


def prepare(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    document: str,
    organisation_ids: Sequence[int | None],
    printed_at: datetime | None = None,
) -> list[PreparedEdition]:
    """Compose the editions of ``document`` (agenda / chair / minutes) for these
    recipients (``None``: the full edition). The meeting, its cases' consent and the
    letterhead are read once for all of them."""
    if document not in DOCUMENTS:
        raise ValidationError(FieldError("document", _("Choose agenda, chair or minutes.")))
    printed_at = (printed_at or datetime.now()).replace(microsecond=0)
    with uow:
        s = uow.session
        meeting, me = load_meeting(s, actor, meeting_id)
        if not may_run(meeting, me) and (
            document == "chair"
            or me.organisation_id is None
            or any(o != me.organisation_id for o in organisation_ids)
        ):
            raise AccessDeniedError(
                _(
                    "Only a coordinator, the chair or the minute-taker can print this "
                    "meeting's documents for others; you can print your own "
                    "organisation's edition."
                )
            )
        data = meeting_data(s, meeting, me)
        wanted = [o for o in organisation_ids if o is not None]
        if document == "chair" and wanted:
            raise ValidationError(
                FieldError(
                    "recipient", _("The chair's copy is for the chair only, not per recipient.")
                )
            )
        if document == "chair" or None in organisation_ids:
            _require_full(data, s, me)
        if document == "minutes" and meeting.status in ("planned", "cancelled"):
            raise ValidationError(
                FieldError(
                    "document",
                    _("There are no minutes yet: the meeting has not been held."),
                )
            )
        orgs = {
            o.id: o.name for o in s.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
        }
        missing = [o for o in wanted if o not in orgs]
        if missing:
            raise ValidationError(
                FieldError(
                    "recipient",
                    _("There is no organisation {id}. pact partners list shows them.").format(
                        id=", ".join(map(str, missing))
                    ),
                )
            )
        # per case on the agenda: which of the recipients may hold its details
        detail: dict[int, set[int]] = {o: set() for o in wanted}
        for case_id in {i.case_id for i in data.items if i.case_id is not None}:
            case = s.get(Case, case_id)
            assert case is not None
            involved = {p.organisation_id for p in consent_svc.active_involvements(case)}
            bases = consent_svc.sharing_bases(s, case, [o for o in wanted if o in involved])
            for sharing_org, basis in bases.items():
                if basis is not None:
                    detail[sharing_org].add(case_id)
        contacts = {r.organisation_id: r.contacts for r in _recipients(s, data.invites)}
        warnings = _recipient_warnings(s, meeting, wanted)
        settings = _document_settings(s)
        label = meeting_label(data.title, data.held_on)
    out = []
    for org_id in organisation_ids:
        held_cases = detail.get(org_id, set()) if org_id is not None else set()
        reader = _Reader(org_id, frozenset(held_cases))
        chair = document == "chair"
        agenda = _agenda(data, reader, chair) if document != "minutes" else None
        minutes = _minutes(data, reader) if document == "minutes" else None
        head = Letterhead(
            pact_name=settings.pact_name,
            logo=settings.logo,
            printed_at=printed_at,
            recipient=orgs.get(org_id, "") if org_id is not None else "",
            recipient_contact=contacts.get(org_id, "") if org_id is not None else "",
            edition_label=(_("Chair's copy") if chair else full_edition_label())
            if org_id is None
            else "",
        )
        if org_id is None:
            recipient = _("the chair") if chair else head.edition_label
        else:
            recipient = _person(orgs[org_id], contacts.get(org_id, ""))
        held = _held_cases(data, reader, document)
        out.append(
            PreparedEdition(
                meeting_id=data.id,
                meeting=label,
                held_on=data.held_on,
                kind=data.kind,
                document=document,
                recipient_org_id=org_id,
                recipient=recipient,
                head=head,
                agenda=agenda,
                minutes=minutes,
                case_ids=tuple(sorted(c for c, _code in held)),
                case_codes=tuple(sorted(code for _c, code in held)),
                warnings=tuple(warnings.get(org_id, ())) if org_id is not None else (),
            )
        )
    return out


def _held_cases(data: MeetingData, reader: _Reader, document: str) -> set[tuple[int, str]]:
    """The cases whose details an edition holds (for the disclosure record)."""
    held = set()
    for item in data.items:
        if item.case_id is None:
            continue
        if item.visibility == "internal" and not (
            document == "chair" or (reader.org_id is None and document == "minutes")
        ):
            continue
        if _details(item, reader):
            held.add((item.case_id, item.case_code))
    return held


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def render(edition: PreparedEdition) -> RenderedEdition:
    """The PDF of one prepared edition (no database access: safe in a worker thread)."""
    if edition.minutes is not None:
        pdf = render_minutes(edition.minutes, edition.head)
    else:
        assert edition.agenda is not None
        pdf = render_agenda(edition.agenda, edition.head)
    return RenderedEdition(
        edition=edition,
        pdf=pdf,
        pages=len(_PAGE.findall(pdf)),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )


# ---------------------------------------------------------------- the record


def record(
    uow: UnitOfWork, actor: Actor, rendered: RenderedEdition, channel: str, destination: str
) -> DisclosureRow:
    """Write the disclosure record of an edition that was printed or saved, and the
    audit log's entries: print (to a printer) or export (a PDF file, for e-mail too),
    one for each case whose details the edition holds (one for the meeting when it
    holds none)."""
    if channel not in CHANNELS:
        raise ValueError(channel)
    ed = rendered.edition
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        entry = Disclosure(
            made_at=datetime.now().replace(microsecond=0),
            made_by_id=me.id,
            meeting_id=ed.meeting_id,
            meeting=ed.meeting[:400],
            document=ed.document,
            recipient_org_id=ed.recipient_org_id,
            recipient=ed.recipient[:400],
            channel=channel,
            destination=destination[:500],
            pages=rendered.pages,
            sha256=rendered.sha256,
            cases=[
                DisclosureCase(case_id=cid, case_code=code)
                for cid, code in zip(ed.case_ids, _codes_by_id(s, ed.case_ids), strict=True)
            ],
        )
        s.add(entry)
        detail = _("{document} – {recipient}, {channel}: {destination}").format(
            document=document_label(ed.document),
            recipient=ed.recipient,
            channel=channel_label(channel),
            destination=destination,
        )
        audit.record_many(
            s,
            me,
            [
                {
                    "event": audit.PRINT if channel == "printer" else audit.EXPORT,
                    "record_type": "meeting",
                    "record_id": ed.meeting_id,
                    "case_id": case_id,
                    "detail": detail,
                }
                for case_id in (ed.case_ids or (None,))
            ],
        )
        commit_change(uow, _("The meeting was changed meanwhile. Print it again."))
        return _row(entry, me.display_name)


def _codes_by_id(s: Session, case_ids: Sequence[int]) -> list[str]:
    codes = mapping(s, select(Case.id, Case.code).where(Case.id.in_(case_ids)))
    return [codes.get(c, "") for c in case_ids]


def _row(entry: Disclosure, made_by: str) -> DisclosureRow:
    return DisclosureRow(
        id=entry.id,
        made_at=entry.made_at,
        made_by=made_by,
        meeting_id=entry.meeting_id,
        meeting=entry.meeting,
        document=entry.document,
        recipient_org_id=entry.recipient_org_id,
        recipient=entry.recipient,
        channel=entry.channel,
        destination=entry.destination,
        pages=entry.pages,
        sha256=entry.sha256,
        case_codes=tuple(c.case_code for c in entry.cases),
    )


def save_pdf(
    uow: UnitOfWork,
    actor: Actor,
    rendered: RenderedEdition,
    path: Path,
    overwrite: bool = True,
    channel: str = "pdf",
) -> DisclosureRow:
    """Write the edition to ``path`` atomically, then record it. ``overwrite=False``
    never replaces an existing file (FileExistsRefusal). When recording fails the
    file is removed again, so no edition leaves pact unrecorded."""
    path = Path(path)
    if overwrite:
        atomic_write(path, rendered.pdf)
    else:
        atomic_create(path, rendered.pdf)
    try:
        return record(uow, actor, rendered, channel, path.name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def case_disclosures(uow: UnitOfWork, actor: Actor, case_id: int) -> list[DisclosureRow]:
    """To whom this case's details went, newest first (needs access to the case)."""
    with uow:
        s = uow.session
        load_case(s, actor, case_id)
        entries = list(
            s.scalars(
                select(Disclosure)
                .join(DisclosureCase, DisclosureCase.disclosure_id == Disclosure.id)
                .where(DisclosureCase.case_id == case_id)
                .order_by(Disclosure.made_at.desc(), Disclosure.id.desc())
            ).unique()
        )
        names = user_names(s, [e.made_by_id for e in entries])
        return [_row(e, names.get(e.made_by_id, "")) for e in entries]


def meeting_disclosures(uow: UnitOfWork, actor: Actor, meeting_id: int) -> list[DisclosureRow]:
    """Every edition of this meeting's documents that left pact, newest first."""
    with uow:
        s = uow.session
        load_meeting(s, actor, meeting_id, write=True)
        entries = list(
            s.scalars(
                select(Disclosure)
                .where(Disclosure.meeting_id == meeting_id)
                .order_by(Disclosure.made_at.desc(), Disclosure.id.desc())
            )
        )
        names = user_names(s, [e.made_by_id for e in entries])
        return [_row(e, names.get(e.made_by_id, "")) for e in entries]


# ---------------------------------------------------------------- for all recipients


@dataclass(frozen=True)
class SavedEditions:
    folder: Path
    files: tuple[Path, ...]
    skipped: tuple[Path, ...]  # existed already: never overwritten
    recipients_file: Path | None
    missing: tuple[str, ...]  # recipients without an e-mail address


def save_all(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    document: str,
    folder: Path,
    *,
    for_email: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> SavedEditions:
    """One file per receiving organisation in ``folder`` (``<date>_<kind>_<id>.pdf``);
    an existing file is never overwritten (it is skipped and reported). With
    ``for_email`` a list of the e-mail addresses is written beside them and the minutes
    are recorded as sent."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    people = recipients(uow, actor, meeting_id)
    prepared = prepare(uow, actor, meeting_id, document, [r.organisation_id for r in people])
    files, skipped = [], []
    for n, (person, edition) in enumerate(zip(people, prepared, strict=True), start=1):
        path = folder / edition.file_name
        if path.exists():
            skipped.append(path)
        else:
            try:
                save_pdf(
                    uow,
                    actor,
                    render(edition),
                    path,
                    overwrite=False,
                    channel="email" if for_email else "pdf",
                )
                files.append(path)
            except FileExistsRefusal:
                skipped.append(path)
        if progress is not None:
            progress(n, len(people), person.name)
    recipients_file = None
    missing = tuple(r.name for r in people if not r.emails)
    if for_email:
        listing = [_("Recipient\tE-mail\tFile")]
        for person, edition in zip(people, prepared, strict=True):
            if person.emails:
                listing.append(f"{person.name}\t{person.emails}\t{edition.file_name}")
        if missing:
            listing += ["", _("Without an e-mail address:"), *missing]
        stem = prepared[0].file_name.rsplit("_", 1)[0] if prepared else "pact"
        listing_name = _("recipients")  # a word of the file name, in the user's language
        recipients_file = folder / f"{stem}_{listing_name}.txt"
        atomic_write(recipients_file, ("\n".join(listing) + "\n").encode("utf-8"))
        if document == "minutes":
            _mark_sent(uow, actor, meeting_id)
    return SavedEditions(
        folder=folder,
        files=tuple(files),
        skipped=tuple(skipped),
        recipients_file=recipients_file,
        missing=missing,
    )


def _mark_sent(uow: UnitOfWork, actor: Actor, meeting_id: int) -> None:
    with uow:
        s = uow.session
        meeting, _me = load_meeting(s, actor, meeting_id, write=True)
        if meeting.status in ("held", "minutes_draft"):
            meeting.status = "minutes_sent"
        if meeting.status != "minutes_approved" or meeting.minutes_sent_on is None:
            meeting.minutes_sent_on = clock.today()
        commit_change(uow, _("The meeting was changed meanwhile. Save the minutes again."))


__all__ = [
    "DisclosureRow",
    "DocumentSettings",
    "PreparedEdition",
    "Recipient",
    "RenderedEdition",
    "SavedEditions",
    "case_disclosures",
    "channel_label",
    "check_recipients",
    "document_label",
    "document_settings",
    "meeting_disclosures",
    "prepare",
    "recipients",
    "record",
    "render",
    "save_all",
    "save_document_settings",
    "save_pdf",
]
