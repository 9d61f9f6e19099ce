"""The partner directory (sociale kaart): organisations and their contact persons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from pact.db.uow import UnitOfWork
from pact.errors import FieldError, NotFoundError, ValidationError
from pact.i18n import _
from pact.models import (
    Action,
    Case,
    CaseSignal,
    Contact,
    Municipality,
    Organisation,
    OrganisationDomain,
    User,
)
from pact.models import organisation_municipality as org_mun
from pact.models.base import utcnow
from pact.models.partner import DOMAINS, SECTORS
from pact.services import validation as v
from pact.services.lookup import commit_change, conflict
from pact.services.vocab import sector_label

PAGE_SIZE = 200


@dataclass(frozen=True)
class ContactData:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    representative: bool = False
    active: bool = True
    notes: str = ""
    id: int | None = None


@dataclass(frozen=True)
class OrganisationData:
    """An organisation with its contacts: what the editor shows and saves."""

    name: str
    sector: str
    municipality_ids: tuple[int, ...] = ()
    domains: tuple[str, ...] = ()
    offer: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    member_since: date | None = None
    notes: str = ""
    contacts: tuple[ContactData, ...] = ()
    archived: bool = False
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    sector: str
    municipalities: tuple[str, ...]
    domains: tuple[str, ...]
    phone: str
    email: str
    archived: bool
    contact_count: int


@dataclass(frozen=True)
class PartnerFilter:
    text: str = ""
    sector: str | None = None
    municipality_id: int | None = None
    domain: str | None = None
    include_archived: bool = False


@dataclass(frozen=True)
class MunicipalityData:
    id: int
    name: str
    active: bool
    organisation_count: int = 0


@dataclass(frozen=True)
class HelpMatch:
    organisation: OrganisationRow
    covered: tuple[str, ...]
    serves_municipality: bool
    contacts: tuple[ContactData, ...] = field(default_factory=tuple)


SORT_COLUMNS = ("name", "sector", "municipalities", "domains", "phone", "email", "contacts")


# ---------------------------------------------------------------- queries


def _filtered(f: PartnerFilter) -> Select[int]:
    q = select(Organisation.id)
    if not f.include_archived:
        q = q.where(Organisation.archived.is_(False))
    if f.sector:
        q = q.where(Organisation.sector == f.sector)
    if f.municipality_id is not None:
        q = q.where(
            exists().where(
                org_mun.c.organisation_id == Organisation.id,
                org_mun.c.municipality_id == f.municipality_id,
            )
        )
    if f.domain:
        q = q.where(
            exists().where(
                OrganisationDomain.organisation_id == Organisation.id,
                OrganisationDomain.domain == f.domain,
            )
        )
    for word in v.fold(f.text).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(Organisation.search_text.like(pattern, escape="\\"))
    return q


def _sort_expr(sort: str) -> Any:
    if sort == "sector":
        # sort by the (translated) label the user sees, not by the stored code
        return case(
            {code: v.fold(sector_label(code)) for code in SECTORS},
            value=Organisation.sector,
            else_=Organisation.sector,
        )
    if sort == "phone":
        return Organisation.phone
    if sort == "email":
        return func.lower(Organisation.email)
    if sort == "municipalities":
        return (
            select(func.min(Municipality.name))
            .join(org_mun, org_mun.c.municipality_id == Municipality.id)
            .where(org_mun.c.organisation_id == Organisation.id)
            .scalar_subquery()
        )
    if sort == "domains":
        return (
            select(func.count())
            .where(OrganisationDomain.organisation_id == Organisation.id)
            .scalar_subquery()
        )
    if sort == "contacts":
        return (
            select(func.count()).where(Contact.organisation_id == Organisation.id).scalar_subquery()
        )
    return Organisation.name_key


def count_organisations(uow: UnitOfWork, f: PartnerFilter = PartnerFilter()) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(_filtered(f).subquery())) or 0


def list_organisations(
    uow: UnitOfWork,
    f: PartnerFilter = PartnerFilter(),
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[OrganisationRow]:
    """One page of organisations, filtered and sorted in SQL."""
    expr = _sort_expr(sort)
    order = [expr.desc() if descending else expr.asc()]
    if sort != "name":
        order.append(Organisation.name_key.asc())
    order.append(Organisation.id.asc())
    q = _filtered(f).order_by(*order).offset(offset).limit(limit)
    with uow:
        ids = list(uow.session.scalars(q))
        return _rows(uow.session, ids)


def _rows(s: Session, ids: Sequence[int]) -> list[OrganisationRow]:
    if not ids:
        return []
    orgs = {
        o.id: o
        for o in s.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.sector,
                Organisation.phone,
                Organisation.email,
                Organisation.archived,
            ).where(Organisation.id.in_(ids))
        )
    }
    muns: dict[int, list[str]] = defaultdict(list)
    for oid, name in s.execute(
        select(org_mun.c.organisation_id, Municipality.name)
        .join(Municipality, Municipality.id == org_mun.c.municipality_id)
        .where(org_mun.c.organisation_id.in_(ids))
        .order_by(Municipality.name)
    ):
        muns[oid].append(name)
    doms: dict[int, list[str]] = defaultdict(list)
    for oid, dom in s.execute(
        select(OrganisationDomain.organisation_id, OrganisationDomain.domain).where(
            OrganisationDomain.organisation_id.in_(ids)
        )
    ):
        doms[oid].append(dom)
    counts = dict(
        s.execute(
            select(Contact.organisation_id, func.count())
            .where(Contact.organisation_id.in_(ids))
            .group_by(Contact.organisation_id)
        ).all()
    )
    rows = []
    for oid in ids:
        o = orgs[oid]
        rows.append(
            OrganisationRow(
                id=oid,
                name=o.name,
                sector=o.sector,
                municipalities=tuple(muns[oid]),
                domains=tuple(d for d in DOMAINS if d in doms[oid]),
                phone=o.phone,
                email=o.email,
                archived=o.archived,
                contact_count=counts.get(oid, 0),
            )
        )
    return rows


def _contact_data(c: Contact) -> ContactData:
    return ContactData(
        id=c.id,
        name=c.name,
        function=c.function,
        email=c.email,
        phone=c.phone,
        representative=c.representative,
        active=c.active,
        notes=c.notes,
    )


def _organisation_data(o: Organisation) -> OrganisationData:
    return OrganisationData(
        id=o.id,
        version=o.version,
        name=o.name,
        sector=o.sector,
        municipality_ids=tuple(m.id for m in o.municipalities),
        domains=tuple(d for d in DOMAINS if d in {link.domain for link in o.domain_links}),
        offer=o.offer,
        address=o.address,
        phone=o.phone,
        email=o.email,
        website=o.website,
        member_since=o.member_since,
        notes=o.notes,
        archived=o.archived,
        contacts=tuple(_contact_data(c) for c in o.contacts),
    )


def _load(s: Session, organisation_id: int) -> Organisation:
    org = s.scalars(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.municipalities),
            selectinload(Organisation.domain_links),
            selectinload(Organisation.contacts),
        )
        # after a save in this session: reload the collections in their sorted order
        .execution_options(populate_existing=True)
    ).one_or_none()
    if org is None:
        raise NotFoundError(_("This organisation no longer exists."))
    return org


def get_organisation(uow: UnitOfWork, organisation_id: int) -> OrganisationData:
    with uow:
        return _organisation_data(_load(uow.session, organisation_id))


# ---------------------------------------------------------------- validation


def normalised(data: OrganisationData) -> OrganisationData:
    """Trimmed text (without NUL), unique ids and codes, in a stable order."""
    data = v.storable_fields(data)
    return replace(
        data,
        name=" ".join(data.name.split()),
        offer=data.offer.strip(),
        address=data.address.strip(),
        phone=v.clean(data.phone),
        email=v.clean(data.email),
        website=v.clean(data.website),
        notes=data.notes.strip(),
        municipality_ids=tuple(sorted(set(data.municipality_ids))),
        # known codes in their fixed order; unknown ones are kept for field_errors to report
        domains=tuple(d for d in DOMAINS if d in set(data.domains))
        + tuple(sorted(set(data.domains) - set(DOMAINS))),
        contacts=tuple(
            replace(
                c,
                name=" ".join(c.name.split()),
                function=v.clean(c.function),
                email=v.clean(c.email),
                phone=v.clean(c.phone),
                notes=c.notes.strip(),
            )
            for c in data.contacts
        ),
    )


def field_errors(data: OrganisationData) -> list[FieldError]:
    """Errors that need no database. Contact fields are named ``contacts.<i>.<field>``."""
    errors: list[FieldError] = []

    def check(name: str, message: str | None) -> None:
        if message:
            errors.append(FieldError(name, message))

    check("name", v.required(data.name) or v.max_length(data.name, 200))
    if data.sector not in SECTORS:
        errors.append(FieldError("sector", _("Choose a sector.")))
    for dom in data.domains:
        if dom not in DOMAINS:
            errors.append(
                FieldError("domains", _("Unknown expertise domain: {code}").format(code=dom))
            )
    check("phone", v.phone(data.phone) or v.max_length(data.phone, 40))
    check("email", v.email(data.email))
    check("website", v.url(data.website) or v.max_length(data.website, 300))
    if data.member_since and data.member_since > date.today():
        errors.append(FieldError("member_since", _("This date lies in the future.")))
    seen: set[str] = set()
    for i, c in enumerate(data.contacts):
        prefix = f"contacts.{i}."
        check(prefix + "name", v.required(c.name) or v.max_length(c.name, 200))
        check(prefix + "function", v.max_length(c.function, 200))
        check(prefix + "email", v.email(c.email))
        check(prefix + "phone", v.phone(c.phone) or v.max_length(c.phone, 40))
        key = v.fold(c.name)
        if key and key in seen:
            errors.append(FieldError(prefix + "name", _("This contact person is listed twice.")))
        seen.add(key)
    return errors


def duplicate_error(s: Session, data: OrganisationData) -> FieldError | None:
    """The editor's duplicate rule: another organisation with the same (folded) name
    shares a municipality with ``data``, or neither names a municipality."""
    key = v.fold(data.name)
    q = select(Organisation.id, Organisation.name, Organisation.archived).where(
        Organisation.name_key == key
    )
    if data.id is not None:
        q = q.where(Organisation.id != data.id)
    for oid, name, archived in s.execute(q):
        theirs = set(
            s.scalars(select(org_mun.c.municipality_id).where(org_mun.c.organisation_id == oid))
        )
        shared = theirs & set(data.municipality_ids)
        if shared or (not theirs and not data.municipality_ids):
            where = ", ".join(
                s.scalars(
                    select(Municipality.name)
                    .where(Municipality.id.in_(shared))
                    .order_by(Municipality.name)
                )
            )
            if archived:
                msg = _(
                    "An archived organisation named “{name}” already works in {where}. "
                    "Restore it instead."
                )
            else:
                msg = _("An organisation named “{name}” already works in {where}.")
            return FieldError("name", msg.format(name=name, where=where or _("the same area")))
    return None


def validate(s: Session, data: OrganisationData) -> list[FieldError]:
    errors = field_errors(data)
    known = set(s.scalars(select(Municipality.id)))
    if any(mid not in known for mid in data.municipality_ids):
        errors.append(FieldError("municipalities", _("Unknown municipality.")))
    if not any(e.field == "name" for e in errors):
        dup = duplicate_error(s, data)
        if dup:
            errors.append(dup)
    return errors


def removed_contact_errors(s: Session, data: OrganisationData) -> list[FieldError]:
    """Contact persons left out of ``data`` that case records still name: they
    cannot be removed (the records would lose who they mean), only made inactive."""
    if data.id is None:
        return []
    kept = {c.id for c in data.contacts if c.id is not None}
    current = dict(
        s.execute(select(Contact.id, Contact.name).where(Contact.organisation_id == data.id)).all()
    )
    named = referenced_contacts(s, [cid for cid in current if cid not in kept])
    return [
        FieldError(
            "contacts",
            _(
                "{name} cannot be removed: {what} names this contact person. Untick "
                "“Active” instead."
            ).format(name=current[cid], what=what),
        )
        for cid, what in sorted(named.items())
    ]


def referenced_contacts(s: Session, contact_ids: Sequence[int]) -> dict[int, str]:
    """Contacts that case records name (as lead, signal source, next-step owner or
    user), with what names them: such a contact cannot be removed, only deactivated."""
    ids = set(contact_ids)
    if not ids:
        return {}
    found: dict[int, str] = {}
    checks = (
        (select(Case.lead_contact_id).where(Case.lead_contact_id.in_(ids)), _("a case lead")),
        (
            select(Action.owner_contact_id).where(Action.owner_contact_id.in_(ids)),
            _("a next step"),
        ),
        (
            select(CaseSignal.source_contact_id).where(CaseSignal.source_contact_id.in_(ids)),
            _("a signal"),
        ),
        (select(User.contact_id).where(User.contact_id.in_(ids)), _("a pact user")),
    )
    for q, what in checks:
        for cid in s.scalars(q.distinct()):
            if cid is not None:
                found.setdefault(cid, what)
    return found


# ---------------------------------------------------------------- writes


def _search_text(data: OrganisationData) -> str:
    parts: list[str] = [data.name, data.offer]
    for c in data.contacts:
        parts.extend((c.name, c.function))
    return v.fold(" ".join(p for p in parts if p))


def _apply(s: Session, org: Organisation, data: OrganisationData) -> None:
    org.name = data.name
    org.name_key = v.fold(data.name)
    org.sector = data.sector
    org.offer = data.offer
    org.address = data.address
    org.phone = data.phone
    org.email = data.email
    org.website = data.website
    org.member_since = data.member_since
    org.notes = data.notes
    org.search_text = _search_text(data)
    org.archived = data.archived
    # Always touch the row: the version then also increases when only contacts
    # changed, so a second save from the same version is refused (optimistic lock).
    org.updated_at = utcnow()
    org.municipalities = (
        list(s.scalars(select(Municipality).where(Municipality.id.in_(data.municipality_ids))))
        if data.municipality_ids
        else []
    )
    current = {link.domain: link for link in org.domain_links}
    org.domain_links = [current.get(d) or OrganisationDomain(domain=d) for d in data.domains]
    existing = {c.id: c for c in org.contacts}
    kept: list[Contact] = []
    for cd in data.contacts:
        contact = existing.get(cd.id) if cd.id is not None else None
        if contact is None:
            contact = Contact()
        contact.name = cd.name
        contact.function = cd.function
        contact.email = cd.email
        contact.phone = cd.phone
        contact.representative = cd.representative
        contact.active = cd.active
        contact.notes = cd.notes
        kept.append(contact)
    org.contacts = kept


def add_organisations(s: Session, items: Iterable[OrganisationData]) -> list[int]:
    """Insert already-validated organisations in the caller's transaction (importers)."""
    ids = []
    for data in items:
        org = Organisation()
        _apply(s, org, data)
        s.add(org)
        s.flush()
        ids.append(org.id)
    return ids


def _organisation_conflict() -> str:
    return _(
        "Someone else changed this organisation after you opened it. "
        "Reload it to see their changes."
    )


def save_organisation(uow: UnitOfWork, data: OrganisationData) -> OrganisationData:
    """Create or update an organisation with its contacts, all or nothing.

    Raises ValidationError (fields named as in ``field_errors``) or
    ConflictError when someone else saved the organisation in the meantime.
    """
    data = normalised(data)
    with uow:
        s = uow.session
        errors = validate(s, data) + removed_contact_errors(s, data)
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            org = Organisation()
            s.add(org)
        else:
            org = _load(s, data.id)
            if data.version is not None and org.version != data.version:
                raise conflict(s, _organisation_conflict(), [("organisation", org.id)])
        try:
            _apply(s, org, data)  # its queries flush what it set so far
        except StaleDataError as exc:
            uow.rollback()
            raise conflict(s, _organisation_conflict(), [("organisation", org.id)]) from exc
        commit_change(uow, _organisation_conflict(), [("organisation", org.id)])
        return _organisation_data(_load(s, org.id))


def set_archived(uow: UnitOfWork, organisation_id: int, archived: bool) -> OrganisationData:
    """Archive (or restore) an organisation. Organisations are never deleted."""
    with uow:
        s = uow.session
        org = _load(s, organisation_id)
        if not archived:
            data = replace(_organisation_data(org), archived=False)
            dup = duplicate_error(s, data)
            if dup:
                raise ValidationError(dup)
        org.archived = archived
        uow.commit()
        return _organisation_data(_load(s, organisation_id))


# ---------------------------------------------------------------- municipalities


def list_municipalities(uow: UnitOfWork, include_inactive: bool = False) -> list[MunicipalityData]:
    counts = (
        select(org_mun.c.municipality_id, func.count().label("n"))
        .group_by(org_mun.c.municipality_id)
        .subquery()
    )
    q = (
        select(Municipality.id, Municipality.name, Municipality.active, counts.c.n)
        .outerjoin(counts, counts.c.municipality_id == Municipality.id)
        .order_by(Municipality.name)
    )
    if not include_inactive:
        q = q.where(Municipality.active.is_(True))
    with uow:
        return [
            MunicipalityData(mid, name, active, n or 0)
            for mid, name, active, n in uow.session.execute(q)
        ]


def save_municipality(
    uow: UnitOfWork, name: str, active: bool = True, municipality_id: int | None = None
) -> MunicipalityData:
    name = " ".join(name.split())
    message = v.required(name) or v.max_length(name, 120)
    if not message and "|" in name:
        message = _("A name may not contain “|”.")
    if message:
        raise ValidationError(FieldError("name", message))
    with uow:
        s = uow.session
        key = v.fold(name)
        # a small reference table: compare folded names in Python (SQLite's lower()
        # only folds ASCII)
        clash = any(
            v.fold(other) == key
            for mid, other in s.execute(select(Municipality.id, Municipality.name))
            if mid != municipality_id
        )
        if clash:
            raise ValidationError(FieldError("name", _("This municipality is already listed.")))
        if municipality_id is None:
            m = Municipality(name=name, active=active)
            s.add(m)
        else:
            found = s.get(Municipality, municipality_id)
            if found is None:
                raise NotFoundError(_("This municipality no longer exists."))
            m = found
            m.name = name
            m.active = active
        s.flush()
        result = MunicipalityData(m.id, m.name, m.active)
        uow.commit()
        return result


# ---------------------------------------------------------------- who can help


def who_can_help(
    uow: UnitOfWork, municipality_id: int | None, domains: Sequence[str], limit: int = 100
) -> list[HelpMatch]:
    """Active partners ranked by how many of ``domains`` they cover, then whether
    they serve the municipality, then name. Partners covering none are left out
    (when no domain is chosen: the partners serving the municipality)."""
    wanted = [d for d in DOMAINS if d in set(domains)]
    covered = (
        select(func.count())
        .where(
            OrganisationDomain.organisation_id == Organisation.id,
            OrganisationDomain.domain.in_(wanted),
        )
        .scalar_subquery()
        if wanted
        else None
    )
    serves = (
        exists().where(
            org_mun.c.organisation_id == Organisation.id,
            org_mun.c.municipality_id == municipality_id,
        )
        if municipality_id is not None
        else None
    )
    q = select(Organisation.id).where(Organisation.archived.is_(False))
    order: list[Any] = []
    if covered is not None:
        q = q.where(covered > 0)
        order.append(covered.desc())
    elif serves is not None:
        q = q.where(serves)
    else:
        return []
    if serves is not None:
        order.append(case((serves, 0), else_=1))
    order.extend([Organisation.name_key, Organisation.id])
    q = q.order_by(*order).limit(limit)
    with uow:
        s = uow.session
        ids = list(s.scalars(q))
        rows = _rows(s, ids)
        serving = (
            set(
                s.scalars(
                    select(org_mun.c.organisation_id).where(
                        org_mun.c.municipality_id == municipality_id,
                        org_mun.c.organisation_id.in_(ids),
                    )
                )
            )
            if municipality_id is not None
            else set()
        )
        contacts: dict[int, list[ContactData]] = defaultdict(list)
        for c in s.scalars(
            select(Contact)
            .where(Contact.organisation_id.in_(ids), Contact.active.is_(True))
            .order_by(Contact.representative.desc(), Contact.name)
        ):
            contacts[c.organisation_id].append(_contact_data(c))
        return [
            HelpMatch(
                organisation=row,
                covered=tuple(d for d in row.domains if d in wanted),
                serves_municipality=row.id in serving,
                contacts=tuple(contacts[row.id]),
            )
            for row in rows
        ]


__all__ = [
    "ContactData",
    "HelpMatch",
    "MunicipalityData",
    "OrganisationData",
    "OrganisationRow",
    "PartnerFilter",
    "add_organisations",
    "count_organisations",
    "duplicate_error",
    "field_errors",
    "get_organisation",
    "list_municipalities",
    "list_organisations",
    "normalised",
    "save_municipality",
    "set_archived",
    "validate",
    "who_can_help",
]
