"""The users of pact and the acting user (``Actor``) every service takes.

The acting user is who logged in (``pact.services.auth``); the services check on
every call that this user still exists, is active, and may do what is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    FieldError,
    NotFoundError,
    NoUserError,
    ValidationError,
)
from pact.i18n import _
from pact.models import Contact, Organisation, User, UserRole
from pact.models.base import utcnow
from pact.models.user import ROLES
from pact.security import passwords
from pact.services import audit
from pact.services import validation as v
from pact.services.lookup import commit_change, conflict

ADMINISTRATOR = "administrator"
COORDINATOR = "coordinator"
WORKER = "worker"
FIRST_USER_ROLES = (ADMINISTRATOR, COORDINATOR)

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class Actor:
    """Who is acting. The services reload the user on every call, so a user made
    inactive (or given other roles) meanwhile is refused (or limited) at once."""

    id: int
    username: str
    display_name: str
    organisation_id: int | None
    contact_id: int | None
    roles: frozenset[str]

    @property
    def is_coordinator(self) -> bool:
        return COORDINATOR in self.roles

    @property
    def is_administrator(self) -> bool:
        return ADMINISTRATOR in self.roles


@dataclass(frozen=True)
class UserData:
    username: str
    display_name: str
    organisation_id: int | None = None
    contact_id: int | None = None
    roles: tuple[str, ...] = (WORKER,)
    active: bool = True
    id: int | None = None
    version: int | None = None
    # a new password set by an administrator ("" = unchanged); the user must choose
    # their own at the next log-in unless ``password_is_temporary`` is False
    password: str = ""
    password_is_temporary: bool = True


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    organisation_id: int | None
    organisation: str
    contact_id: int | None
    contact: str
    roles: tuple[str, ...]
    active: bool
    has_password: bool = True
    must_change_password: bool = False


def _actor(user: User) -> Actor:
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        organisation_id=user.organisation_id,
        contact_id=user.contact_id,
        roles=user.roles,
    )


def acting_user(s: Session, actor: Actor) -> Actor:
    """The acting user as the database knows them now; NoUserError when they no
    longer exist or are inactive."""
    user = s.get(User, actor.id, populate_existing=True)
    if user is None or not user.active:
        raise NoUserError(
            _("The user {name} is no longer an active pact user.").format(name=actor.username)
        )
    me = _actor(user)
    s.info["actor"] = me  # whose changes the audit log records (pact.services.audit)
    return me


def count_users(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(User)) or 0


def find_actor(uow: UnitOfWork, username: str) -> Actor:
    """The active user named ``username`` (case-insensitive)."""
    name = username.strip()
    if not name:
        raise NoUserError(_("Name the acting user."))
    with uow:
        user = uow.session.scalars(
            select(User)
            .where(User.username_key == v.fold(name))
            .options(selectinload(User.role_links))
        ).one_or_none()
        if user is None:
            raise NoUserError(_("There is no pact user named {name}.").format(name=name))
        if not user.active:
            raise NoUserError(
                _("The user {name} is no longer active; ask an administrator.").format(
                    name=user.username
                )
            )
        return _actor(user)


def get_actor(uow: UnitOfWork, user_id: int) -> Actor:
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.active:
            raise NoUserError(_("This user is no longer an active pact user."))
        return _actor(user)


def list_users(uow: UnitOfWork, include_inactive: bool = True) -> list[UserRow]:
    """Every user, by display name (a pact has tens of users, not thousands)."""
    q = (
        select(User, Organisation.name, Contact.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Contact, Contact.id == User.contact_id)
        .options(selectinload(User.role_links))
        .order_by(func.lower(User.display_name), User.username_key)
    )
    if not include_inactive:
        q = q.where(User.active.is_(True))
    with uow:
        return [
            UserRow(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                organisation_id=u.organisation_id,
                organisation=org or "",
                contact_id=u.contact_id,
                contact=contact or "",
                roles=tuple(r for r in ROLES if r in u.roles),
                active=u.active,
                has_password=u.password_hash is not None,
                must_change_password=u.must_change_password,
            )
            for u, org, contact in uow.session.execute(q)
        ]


def require_administrator(uow: UnitOfWork, actor: Actor) -> Actor:
    """The acting user, when an administrator; AccessDeniedError otherwise."""
    with uow:
        me = acting_user(uow.session, actor)
        if not me.is_administrator:
            raise AccessDeniedError(_("Only an administrator can do this."))
        return me


def users_overview(uow: UnitOfWork, actor: Actor, include_inactive: bool = True) -> list[UserRow]:
    """Every user, for the administrator (the users area, pact users list)."""
    with uow:
        me = acting_user(uow.session, actor)
        if not me.is_administrator:
            raise AccessDeniedError(_("Only an administrator can see the list of users."))
    return list_users(uow, include_inactive)


def _data(u: User) -> UserData:
    return UserData(
        id=u.id,
        version=u.version,
        username=u.username,
        display_name=u.display_name,
        organisation_id=u.organisation_id,
        contact_id=u.contact_id,
        roles=tuple(r for r in ROLES if r in u.roles),
        active=u.active,
    )


def get_user(uow: UnitOfWork, actor: Actor, user_id: int) -> UserData:
    with uow:
        me = acting_user(uow.session, actor)
        if not me.is_administrator and me.id != user_id:
            raise AccessDeniedError(_("Only an administrator can see other users' details."))
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user no longer exists."))
        return _data(user)


# ---------------------------------------------------------------- validation


def normalised(data: UserData) -> UserData:
    return replace(
        data,
        username=data.username.strip().lower(),
        display_name=" ".join(data.display_name.split()),
        roles=tuple(r for r in ROLES if r in set(data.roles))
        + tuple(sorted(set(data.roles) - set(ROLES))),
    )


def field_errors(data: UserData) -> list[FieldError]:
    """What is wrong without looking in the database."""
    errors: list[FieldError] = []
    if not data.username:
        errors.append(FieldError("username", _("This field is required.")))
    elif len(data.username) > 64:
        errors.append(FieldError("username", _("Use at most {n} characters.").format(n=64)))
    elif not _USERNAME.fullmatch(data.username):
        errors.append(
            FieldError(
                "username",
                _(
                    "Use lower-case letters, digits and . _ - only, starting with a letter "
                    "or digit (e.g. i.kamphuis)."
                ),
            )
        )
    message = v.required(data.display_name) or v.max_length(data.display_name, 200)
    if message:
        errors.append(FieldError("display_name", message))
    unknown = [r for r in data.roles if r not in ROLES]
    if unknown:
        errors.append(FieldError("roles", _("Unknown role: {code}").format(code=unknown[0])))
    elif not data.roles:
        errors.append(FieldError("roles", _("Give the user at least one role.")))
    if data.contact_id is not None and data.organisation_id is None:
        errors.append(
            FieldError("organisation_id", _("Choose the organisation of this contact person."))
        )
    if data.password:
        problem = passwords.check_new(data.password, data.username, data.display_name)
        if problem:
            errors.append(FieldError("password", problem))
    return errors


def _validate(s: Session, data: UserData) -> list[FieldError]:
    errors = field_errors(data)
    if data.username and not any(e.field == "username" for e in errors):
        q = select(User.id).where(User.username_key == v.fold(data.username))
        if data.id is not None:
            q = q.where(User.id != data.id)
        if s.scalar(q) is not None:
            errors.append(FieldError("username", _("This user name is already taken.")))
    if data.organisation_id is not None:
        org = s.get(Organisation, data.organisation_id)
        if org is None:
            errors.append(FieldError("organisation_id", _("This organisation no longer exists.")))
        elif data.contact_id is not None:
            contact = s.get(Contact, data.contact_id)
            if contact is None or contact.organisation_id != org.id:
                errors.append(
                    FieldError(
                        "contact_id",
                        _("Choose a contact person of {organisation}.").format(
                            organisation=org.name
                        ),
                    )
                )
    return errors


def _admins_left(s: Session, without: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.active.is_(True), UserRole.role == ADMINISTRATOR, User.id != without)
        )
        or 0
    )


def _apply(user: User, data: UserData) -> None:
    user.username = data.username
    user.username_key = v.fold(data.username)
    user.display_name = data.display_name
    user.organisation_id = data.organisation_id
    user.contact_id = data.contact_id
    user.active = data.active
    current = {link.role: link for link in user.role_links}
    user.role_links = [current.get(r) or UserRole(role=r) for r in data.roles]
    if data.password:
        set_password(user, data.password, temporary=data.password_is_temporary)


def set_password(user: User, password: str, temporary: bool) -> None:
    """Store the hash of ``password``; a temporary one must be changed at log-in.
    A new password also ends a wait after wrong attempts."""
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = temporary
    user.failed_logins = 0
    user.locked_until = None


def _user_conflict() -> str:
    return _("Someone else changed this user after you opened it. Reload it first.")


def save_user(uow: UnitOfWork, actor: Actor, data: UserData) -> UserData:
    """Create or change a user: administrators only. At least one active
    administrator always remains."""
    data = normalised(data)
    with uow:
        s = uow.session
        me = acting_user(s, actor)
        if not me.is_administrator:
            raise AccessDeniedError(_("Only an administrator can add or change users."))
        errors = _validate(s, data)
        if errors:
            raise ValidationError(errors)
        if data.id is None:
            user = User()
            s.add(user)
        else:
            found = s.get(User, data.id)
            if found is None:
                raise NotFoundError(_("This user no longer exists."))
            user = found
            if data.version is not None and user.version != data.version:
                raise conflict(s, _user_conflict(), [("user", user.id)])
            stays_admin = data.active and ADMINISTRATOR in data.roles
            if not stays_admin and ADMINISTRATOR in user.roles and not _admins_left(s, user.id):
                raise ValidationError(
                    FieldError(
                        "roles",
                        _(
                            "pact needs at least one active administrator: give another "
                            "user the administrator role first."
                        ),
                    )
                )
        _apply(user, data)
        commit_change(uow, _user_conflict(), [("user", user.id)])
        return _data(user)


def create_first_user(uow: UnitOfWork, data: UserData) -> Actor:
    """The first user of a new database, administrator and coordinator, with their
    own password (``data.password``, required); refused once any user exists."""
    data = normalised(
        replace(data, roles=FIRST_USER_ROLES, active=True, id=None, password_is_temporary=False)
    )
    with uow:
        s = uow.session
        if s.scalar(select(func.count()).select_from(User)):
            raise AccessDeniedError(
                _("This database already has users: ask an administrator to add you.")
            )
        errors = _validate(s, data)
        if not data.password:
            errors.append(FieldError("password", _("Choose a password.")))
        if errors:
            raise ValidationError(errors)
        user = User()
        _apply(user, data)
        s.add(user)
        s.flush()
        actor = _actor(user)
        audit.record(
            s,
            actor,
            audit.CREATE,
            record_type="user",
            record_id=user.id,
            detail=_("first user: administrator and coordinator"),
        )
        uow.commit()
        return actor


__all__ = [
    "ADMINISTRATOR",
    "COORDINATOR",
    "WORKER",
    "Actor",
    "UserData",
    "UserRow",
    "acting_user",
    "count_users",
    "create_first_user",
    "field_errors",
    "find_actor",
    "get_actor",
    "get_user",
    "list_users",
    "normalised",
    "save_user",
    "users_overview",
]
