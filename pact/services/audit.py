"""The audit log (NEN 7513): who did what, when, to which record, on whose behalf.

Two ways in:

* Changes are recorded on their own. A session whose ``info["actor"]`` is set
  (the unit of work of a logged-in user, and every service that calls
  ``users.acting_user``) writes, on commit, one entry per changed record:
  create, update or delete of a case, consent, consultation, next step, meeting,
  organisation, user, setting. Rows that belong to a record (a child of a case,
  an agenda item of a meeting) count as a change of that record. Autosaved
  minutes drafts and the disclosure rows (recorded as print or export) are left
  out; a change of a user's roles, activity or password is a permission change.
* Everything else is recorded by the service that does it: reading a case file,
  searching in cases, printing and exporting, log-in and failed log-in, lock and
  unlock, break-glass.

Entries are appended to the hash chain of ``pact.security.audit`` in the same
transaction as the change they describe: both are saved, or neither.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, event, func, inspect, select
from sqlalchemy.orm import Session, object_session

from pact.db.uow import UnitOfWork
from pact.errors import AccessDeniedError
from pact.i18n import _, ngettext
from pact.models import (
    Action,
    ActionReview,
    AgendaItem,
    Amendment,
    AppSetting,
    Carer,
    Case,
    CaseLevelChange,
    CasePartner,
    CaseSignal,
    CaseStatusEvent,
    Child,
    Consent,
    ConsentGiver,
    ConsentInfo,
    ConsentPartner,
    Consultation,
    ConsultationPartner,
    Contact,
    Decision,
    Meeting,
    MeetingInvite,
    MeetingSeries,
    MeldcodeJustification,
    MeldcodePartner,
    Municipality,
    Organisation,
    OrganisationDomain,
    SeriesInvite,
    SeriesTemplateItem,
    User,
    UserRole,
)
from pact.models.audit import AuditEntry
from pact.models.base import Base, utcnow
from pact.security import audit as chain

if TYPE_CHECKING:
    from pact.services.users import Actor

CREATE = "create"
READ = "read"
UPDATE = "update"
DELETE = "delete"
PRINT = "print"
EXPORT = "export"
SEARCH = "search"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
LOCK = "lock"
UNLOCK = "unlock"
BREAK_GLASS = "break_glass"
PERMISSION_CHANGE = "permission_change"
PASSWORD_CHANGE = "password_change"
VERIFY = "verify"
BACKUP = "backup"
RESTORE = "restore"
ANONYMISE = "anonymise"
ERASE = "erase"

EVENTS = (
    CREATE,
    READ,
    UPDATE,
    DELETE,
    PRINT,
    EXPORT,
    SEARCH,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    LOCK,
    UNLOCK,
    BREAK_GLASS,
    PERMISSION_CHANGE,
    PASSWORD_CHANGE,
    VERIFY,
    BACKUP,
    RESTORE,
    ANONYMISE,
    ERASE,
)

SUCCESS = "success"
REFUSED = "refused"
FAILED = "failed"  # e.g. a check of the log that found it broken


def event_label(code: str) -> str:
    return {
        CREATE: _("created"),
        READ: _("read"),
        UPDATE: _("changed"),
        DELETE: _("deleted"),
        PRINT: _("printed"),
        EXPORT: _("exported"),
        SEARCH: _("searched"),
        LOGIN: _("logged in"),
        LOGIN_FAILED: _("log-in failed"),
        LOGOUT: _("logged out"),
        LOCK: _("locked"),
        UNLOCK: _("unlocked"),
        BREAK_GLASS: _("break-glass"),
        PERMISSION_CHANGE: _("permission changed"),
        PASSWORD_CHANGE: _("password changed"),
        VERIFY: _("log verified"),
        BACKUP: _("backup made"),
        RESTORE: _("backup restored"),
        ANONYMISE: _("anonymised"),
        ERASE: _("erased on request"),
    }.get(code, code)


def record_type_label(code: str) -> str:
    return {
        "case": _("case"),
        "consent": _("consent"),
        "consultation": _("consultation"),
        "next_step": _("next step"),
        "meeting": _("meeting"),
        "meeting_series": _("meeting series"),
        "organisation": _("organisation"),
        "municipality": _("municipality"),
        "user": _("user"),
        "setting": _("setting"),
        "audit_log": _("audit log"),
        "partner_directory": _("partner directory"),
        "database": _("database"),
    }.get(code, code)


def outcome_label(code: str) -> str:
    return {SUCCESS: _("done"), REFUSED: _("refused"), FAILED: _("failed")}.get(code, code)


# ---------------------------------------------------------------- writing


def _who(s: Session, actor: Actor | None) -> dict[str, Any]:
    if actor is None:
        return {}
    on_behalf = ""
    if actor.organisation_id is not None:
        on_behalf = (
            s.connection().scalar(
                select(Organisation.name).where(Organisation.id == actor.organisation_id)
            )
            or ""
        )
    return {
        "user_id": actor.id,
        "username": actor.username,
        "roles": ",".join(sorted(actor.roles)),
        "on_behalf_of": on_behalf,
    }


def _case_codes(s: Session, case_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {c for c in case_ids if c is not None}
    if not wanted:
        return {}
    found = s.connection().execute(select(Case.id, Case.code).where(Case.id.in_(wanted)))
    return {row[0]: row[1] for row in found}


def record(
    s: Session,
    actor: Actor | None,
    event_code: str,
    *,
    record_type: str = "",
    record_id: object = "",
    case_id: int | None = None,
    case_code: str = "",
    outcome: str = SUCCESS,
    detail: str = "",
    username: str = "",
) -> None:
    """Append one entry in ``s``'s transaction (the caller commits)."""
    record_many(
        s,
        actor,
        [
            dict(
                event=event_code,
                record_type=record_type,
                record_id=record_id,
                case_id=case_id,
                case_code=case_code,
                outcome=outcome,
                detail=detail,
                username=username,
            )
        ],
    )


def record_many(s: Session, actor: Actor | None, items: Sequence[dict[str, Any]]) -> None:
    who = _who(s, actor)
    codes = _case_codes(s, (i.get("case_id") for i in items if not i.get("case_code")))
    entries = []
    for item in items:
        case_id = item.get("case_id")
        code = item.get("case_code") or (codes.get(case_id, "") if case_id is not None else "")
        fields = {**who}
        if item.get("username") and not fields.get("username"):
            fields["username"] = item["username"]
        entries.append(
            chain.Entry(
                event=item["event"],
                record_type=item.get("record_type", ""),
                record_id=str(item.get("record_id", "") or ""),
                case_id=case_id,
                case_code=code,
                outcome=item.get("outcome", SUCCESS),
                detail=item.get("detail", ""),
                **fields,
            )
        )
    chain.append(s.connection(), entries)


def acting(s: Session) -> Actor | None:
    """The acting user of this session, if any (see the module's text)."""
    actor: Actor | None = s.info.get("actor")
    return actor


# ---------------------------------------------------------------- changes, on their own


def _parent(s: Session, model: type, key: int | None, column: str) -> Any:
    if key is None:
        return None
    found = s.identity_map.get(inspect(model).identity_key_from_primary_key((key,)))
    if found is not None:
        return getattr(found, column)
    return s.connection().scalar(
        select(getattr(model, column)).where(inspect(model).primary_key[0] == key)
    )


def _target(s: Session, obj: object) -> tuple[str, object, int | None, bool] | None:
    """(record type, record id, case id, is the record itself) for a changed row;
    None for rows the log leaves out."""
    if isinstance(obj, Case):
        return "case", obj.id, obj.id, True
    if isinstance(
        obj,
        Child
        | Carer
        | CaseSignal
        | CasePartner
        | CaseLevelChange
        | CaseStatusEvent
        | MeldcodeJustification,
    ):
        return "case", obj.case_id, obj.case_id, False
    if isinstance(obj, MeldcodePartner):
        case_id = _parent(s, MeldcodeJustification, obj.justification_id, "case_id")
        return "case", case_id, case_id, False
    if isinstance(obj, Consent):
        return "consent", obj.id, obj.case_id, True
    if isinstance(obj, ConsentGiver | ConsentPartner | ConsentInfo):
        return "consent", obj.consent_id, _parent(s, Consent, obj.consent_id, "case_id"), False
    if isinstance(obj, Consultation):
        return "consultation", obj.id, obj.case_id, True
    if isinstance(obj, ConsultationPartner):
        case_id = _parent(s, Consultation, obj.consultation_id, "case_id")
        return "consultation", obj.consultation_id, case_id, False
    if isinstance(obj, Action):
        return "next_step", obj.id, obj.case_id, True
    if isinstance(obj, Meeting):
        return "meeting", obj.id, None, True
    if isinstance(obj, AgendaItem):
        return "meeting", obj.meeting_id, obj.case_id, False
    if isinstance(obj, MeetingInvite | Amendment | ActionReview):
        return "meeting", obj.meeting_id, None, False
    if isinstance(obj, Decision):
        meeting_id = _parent(s, AgendaItem, obj.item_id, "meeting_id")
        return "meeting", meeting_id, _parent(s, AgendaItem, obj.item_id, "case_id"), False
    if isinstance(obj, MeetingSeries):
        return "meeting_series", obj.id, None, True
    if isinstance(obj, SeriesTemplateItem | SeriesInvite):
        return "meeting_series", obj.series_id, None, False
    if isinstance(obj, Organisation):
        return "organisation", obj.id, None, True
    if isinstance(obj, Contact | OrganisationDomain):
        return "organisation", obj.organisation_id, None, False
    if isinstance(obj, Municipality):
        return "municipality", obj.id, None, True
    if isinstance(obj, User):
        return "user", obj.id, None, True
    if isinstance(obj, UserRole):
        return "user", obj.user_id, None, False
    if isinstance(obj, AppSetting):
        return "setting", obj.key, None, True
    return None  # MinutesDraft, Disclosure(Case): recorded otherwise or not at all


# what makes a change of a user a permission change
_PERMISSION_FIELDS = ("active", "password_hash", "must_change_password")
# columns a record updates because its rows changed (not a change of its own)
_BOOKKEEPING = {
    "version",
    "updated_at",
    "search_text",
    "consent_state",
    "consent_ok_until",
    "consent_checked_on",
}
# what a log-in changes on its own (the log-in itself is the entry)
_LOGIN_FIELDS = {"failed_logins", "locked_until", "updated_at", "version"}


def _changed_fields(obj: object) -> list[str]:
    """The columns of ``obj`` changed in this flush (not its relationships)."""
    state = inspect(obj)
    columns = state.mapper.column_attrs
    return [a.key for a in state.attrs if a.key in columns and a.history.has_changes()]


def _note(obj: object, kind: str) -> None:
    """Note a row the flush wrote (mapper events: they see every row, orphans deleted
    by a cascade too); the entries are written once per transaction
    (``_before_commit``), so a record changed in several flushes is one entry."""
    s = object_session(obj)
    if s is None or s.info.get("actor") is None or s.info.get("audit_off"):
        return
    target = _target(s, obj)
    if target is None:
        return
    record_type, record_id, case_id, itself = target
    if record_id is None:
        return
    changed: set[str] = set()
    if kind == UPDATE:
        changed = set(_changed_fields(obj))
        if not changed:
            return  # no column changed (only a relationship)
        if isinstance(obj, User) and changed <= _LOGIN_FIELDS:
            return
    groups: dict[tuple[str, str], dict[str, Any]] = s.info.setdefault("audit_pending", {})
    group = groups.setdefault(
        (record_type, str(record_id)),
        {
            "record_type": record_type,
            "record_id": record_id,
            "case_id": case_id,
            "kinds": set(),
            "parts": set(),
        },
    )
    if group["case_id"] is None and case_id is not None:
        group["case_id"] = case_id
    if itself:
        if kind == UPDATE and not changed - _BOOKKEEPING:
            return  # only what follows from a change of its rows
        group["kinds"].add(kind)
    else:
        table = getattr(obj, "__tablename__", type(obj).__name__)
        group["parts"].add((table, kind))
    if isinstance(obj, UserRole) or (
        isinstance(obj, User) and kind == UPDATE and changed & set(_PERMISSION_FIELDS)
    ):
        group["kinds"].add(PERMISSION_CHANGE)


def _before_commit(s: Session) -> None:
    s.flush()  # a last flush may still note changes
    groups: dict[tuple[str, str], dict[str, Any]] = s.info.pop("audit_pending", {})
    actor = s.info.get("actor")
    if not groups or actor is None:
        return
    items = []
    for group in groups.values():
        kinds, parts = group["kinds"], group["parts"]
        if CREATE in kinds:
            ev = CREATE
        elif DELETE in kinds:
            ev = DELETE
        elif PERMISSION_CHANGE in kinds:
            ev = PERMISSION_CHANGE
        elif not kinds and parts and all(kind == DELETE for _t, kind in parts):
            ev = DELETE  # only rows of the record removed (a child, a contact person)
        else:
            ev = UPDATE
        # which rows of the record changed, e.g. "child deleted; carer created"
        detail = (
            ""
            if ev == CREATE
            else "; ".join(f"{table} {kind}" for table, kind in sorted(parts))[:1000]
        )
        items.append(
            {
                "event": ev,
                "record_type": group["record_type"],
                "record_id": group["record_id"],
                "case_id": group["case_id"],
                "detail": detail,
            }
        )
    items.sort(key=lambda i: (i["record_type"], str(i["record_id"])))
    record_many(s, actor, items)


def _after_rollback(s: Session) -> None:
    s.info.pop("audit_pending", None)


event.listen(Base, "after_insert", lambda _m, _c, obj: _note(obj, CREATE), propagate=True)
event.listen(Base, "after_update", lambda _m, _c, obj: _note(obj, UPDATE), propagate=True)
event.listen(Base, "after_delete", lambda _m, _c, obj: _note(obj, DELETE), propagate=True)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


# ---------------------------------------------------------------- reading the log


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    case_code: str = ""
    event: str | None = None
    since: date | None = None  # from this day on
    until: date | None = None  # up to and including this day


@dataclass(frozen=True)
class AuditRow:
    id: int  # the entry's position in the chain
    at: datetime
    event: str
    user_id: int | None
    username: str
    roles: str
    on_behalf_of: str
    workstation: str
    record_type: str
    record_id: str
    case_code: str
    outcome: str
    detail: str


def require_auditor(s: Session, actor: Actor) -> Actor:
    """The administrator who may read the audit log; AccessDeniedError otherwise."""
    from pact.services.users import acting_user

    me = acting_user(s, actor)
    if not me.is_administrator:
        raise AccessDeniedError(_("Only an administrator can see the audit log."))
    return me


def require_keeper(s: Session, actor: Actor) -> Actor:
    """A coordinator or administrator (pact check, pact audit verify, backups)."""
    from pact.services.users import acting_user

    me = acting_user(s, actor)
    if not (me.is_administrator or me.is_coordinator):
        raise AccessDeniedError(_("Only a coordinator or an administrator can do this."))
    return me


def _filtered(f: AuditFilter) -> Select[Any]:
    q = select(AuditEntry)
    if f.user_id is not None:
        q = q.where(AuditEntry.user_id == f.user_id)
    if f.case_code.strip():
        q = q.where(AuditEntry.case_code == f.case_code.strip().upper())
    if f.event:
        q = q.where(AuditEntry.event == f.event)
    if f.since is not None:
        q = q.where(AuditEntry.at >= _utc_midnight(f.since))
    if f.until is not None:
        q = q.where(AuditEntry.at < _utc_midnight(f.until + timedelta(days=1)))
    return q


def _utc_midnight(day: date) -> datetime:
    """The start of ``day`` on this computer's clock, in UTC (what ``at`` holds)."""
    local = datetime.combine(day, datetime.min.time()).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(
        id=e.seq,
        at=e.at,
        event=e.event,
        user_id=e.user_id,
        username=e.username,
        roles=e.roles,
        on_behalf_of=e.on_behalf_of,
        workstation=e.workstation,
        record_type=e.record_type,
        record_id=e.record_id,
        case_code=e.case_code,
        outcome=e.outcome,
        detail=e.detail,
    )


def count_entries(uow: UnitOfWork, actor: Actor, f: AuditFilter = AuditFilter()) -> int:
    with uow:
        s = uow.session
        require_auditor(s, actor)
        return s.scalar(select(func.count()).select_from(_filtered(f).subquery())) or 0


def list_entries(
    uow: UnitOfWork,
    actor: Actor,
    f: AuditFilter = AuditFilter(),
    offset: int = 0,
    limit: int = 200,
) -> list[AuditRow]:
    """The entries ``f`` asks for, newest first, one page."""
    with uow:
        s = uow.session
        require_auditor(s, actor)
        q = _filtered(f).order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)
        return [_row(e) for e in s.scalars(q)]


def user_choices(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """The users that appear in the log, for the filter (id, user name)."""
    with uow:
        s = uow.session
        require_auditor(s, actor)
        # the distinct users come from the index; per user the name of their newest entry
        ids = s.scalars(
            select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None)).distinct()
        ).all()
        found: list[tuple[int, str]] = []
        for uid in ids:
            if uid is None:
                continue
            name = s.scalar(
                select(AuditEntry.username)
                .where(AuditEntry.user_id == uid)
                .order_by(AuditEntry.seq.desc())
                .limit(1)
            )
            found.append((uid, name or ""))
        return sorted(found, key=lambda r: r[1])


CSV_COLUMNS = (
    "nr",
    "datum_tijd_utc",
    "gebeurtenis",
    "gebruiker",
    "rol",
    "namens",
    "werkplek",
    "soort_gegeven",
    "gegeven_id",
    "casus",
    "uitkomst",
    "toelichting",
)


def _csv_cell(text: str) -> str:
    # a cell starting with = + - @ would run as a formula in a spreadsheet
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(uow: UnitOfWork, actor: Actor, f: AuditFilter = AuditFilter()) -> bytes:
    """The entries ``f`` asks for, oldest first, as CSV (UTF-8 with BOM, semicolons:
    what Excel in the Netherlands opens as columns) for the privacy officer. The
    export itself is logged."""
    with uow:
        s = uow.session
        me = require_auditor(s, actor)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        count = 0
        q = _filtered(f).order_by(AuditEntry.seq)
        for e in s.scalars(q.execution_options(yield_per=2000)):
            count += 1
            writer.writerow(
                [
                    str(e.seq),
                    e.at.strftime("%Y-%m-%d %H:%M:%S"),
                    event_label(e.event),
                    _csv_cell(e.username),
                    _csv_cell(e.roles),
                    _csv_cell(e.on_behalf_of),
                    _csv_cell(e.workstation),
                    record_type_label(e.record_type),
                    _csv_cell(e.record_id),
                    e.case_code,
                    outcome_label(e.outcome),
                    _csv_cell(e.detail),
                ]
            )
        record(
            s,
            me,
            EXPORT,
            record_type="audit_log",
            detail=ngettext("{n} entry to CSV", "{n} entries to CSV", count).format(n=count)
            + _describe(f),
        )
        uow.commit()
        return out.getvalue().encode("utf-8")


def _describe(f: AuditFilter) -> str:
    parts = []
    if f.user_id is not None:
        parts.append(f"user_id={f.user_id}")
    if f.case_code:
        parts.append(f"case={f.case_code}")
    if f.event:
        parts.append(f"event={f.event}")
    if f.since:
        parts.append(f"since={f.since.isoformat()}")
    if f.until:
        parts.append(f"until={f.until.isoformat()}")
    return f" ({', '.join(parts)})" if parts else ""


# ---------------------------------------------------------------- the chain


def verify_chain(uow: UnitOfWork) -> chain.Verified:
    """Check the whole chain (no permission check: ``check_log`` is the use case;
    this is for pact check and tests)."""
    with uow:
        return chain.verify(uow.session.connection())


def check_log(uow: UnitOfWork, actor: Actor) -> chain.Verified:
    """A coordinator or administrator checks the whole chain; the check itself is
    logged (with its outcome) after the entries it checked."""
    with uow:
        s = uow.session
        me = require_keeper(s, actor)
        result = chain.verify(s.connection())
        record(
            s,
            me,
            VERIFY,
            record_type="audit_log",
            outcome=SUCCESS if result.ok else FAILED,
            detail=ngettext("{n} entry intact", "{n} entries intact", result.entries).format(
                n=result.entries
            )
            if result.ok
            else broken_message(result),
        )
        uow.commit()
        return result


def broken_message(result: chain.Verified) -> str:
    assert result.broken is not None
    reason = {
        "changed": _("its content was changed after it was written"),
        "missing": _("one or more entries before it were removed"),
        "link": _("it does not follow on the entry before it"),
    }.get(result.broken.reason, result.broken.reason)
    return _("audit log broken at entry {seq}: {reason}").format(
        seq=result.broken.seq, reason=reason
    )


def last_opened(s: Session, user_id: int, case_id: int, within: timedelta) -> bool:
    """Whether ``user_id`` opened ``case_id`` through break-glass within ``within``."""
    since = utcnow() - within
    return (
        s.scalar(
            select(AuditEntry.seq)
            .where(
                AuditEntry.user_id == user_id,
                AuditEntry.event == BREAK_GLASS,
                AuditEntry.case_id == case_id,
                AuditEntry.outcome == SUCCESS,
                AuditEntry.at >= since,
            )
            .limit(1)
        )
        is not None
    )


__all__ = [
    "EVENTS",
    "AuditFilter",
    "AuditRow",
    "count_entries",
    "event_label",
    "export_csv",
    "list_entries",
    "record",
    "verify_chain",
]
