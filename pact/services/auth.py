"""Log-in, passwords and locking: who is acting, proven by a password.

The same rules hold for the app and the command line, because what they rest on
is in the database:

* Five wrong passwords in a row are free; after that each next attempt must
  wait, longer each time (30 s, 1 min, 2 min, ... at most 15 min). An attempt
  during the wait is refused without looking at the password.
* Every log-in, failed log-in, lock, unlock and password change is an entry in
  the audit log; an unknown user name is logged with the name as typed.
* A password set by an administrator is temporary: the right password then asks
  for a new one (PasswordChangeRequiredError) before anything else.

These functions write the audit entries themselves (``audit_off`` keeps the
automatic change log from also recording the counters they update).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pact.db.uow import UnitOfWork
from pact.errors import (
    AccessDeniedError,
    FieldError,
    LoginError,
    NotFoundError,
    PasswordChangeRequiredError,
    ValidationError,
)
from pact.i18n import _, ngettext
from pact.models import User
from pact.models.base import utcnow
from pact.security import passwords
from pact.services import audit
from pact.services import validation as v
from pact.services.users import Actor, _actor, acting_user, set_password

DEMO_PASSWORD = "pact-demo-2026"  # every account of pact demo (the DEMO banner says so)
FREE_ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when there is no such user costs what a real check
    costs, so the time taken does not tell whether a user name exists."""
    return passwords.hash_password("pact: no such user, no such password")


def wait_after(failed: int) -> timedelta:
    """How long the next attempt waits after ``failed`` wrong passwords in a row."""
    if failed < FREE_ATTEMPTS:
        return timedelta(0)
    wait = FIRST_WAIT * (2 ** (failed - FREE_ATTEMPTS))
    return min(wait, LONGEST_WAIT)


def wait_text(seconds: int) -> str:
    if seconds < 90:
        return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def _wrong() -> str:
    return _("The user name or the password is not right.")


def _waiting(seconds: int) -> str:
    return _("Too many wrong passwords: try again in {wait}.").format(wait=wait_text(seconds))


def _find(s: Session, username: str) -> User | None:
    return s.scalars(
        select(User)
        .where(User.username_key == v.fold(username.strip()))
        .options(selectinload(User.role_links))
    ).one_or_none()


def _seconds_left(user: User, now: datetime) -> int:
    if user.locked_until is None or user.locked_until <= now:
        return 0
    return max(1, math.ceil((user.locked_until - now).total_seconds()))


def _failed(s: Session, user: User, now: datetime, event: str) -> LoginError:
    """Count a wrong password; the error to raise (after the caller commits)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    wait = wait_after(user.failed_logins)
    user.locked_until = now + wait if wait else None
    audit.record(
        s,
        _actor(user),
        audit.LOGIN_FAILED,
        record_type="user",
        record_id=user.id,
        outcome=audit.REFUSED,
        detail=_("wrong password ({n} in a row)").format(n=user.failed_logins)
        + {
            audit.UNLOCK: " – " + _("unlocking"),
            audit.PASSWORD_CHANGE: " – " + _("changing the password"),
        }.get(event, ""),
    )
    if wait:
        return LoginError(_waiting(int(wait.total_seconds())), int(wait.total_seconds()))
    return LoginError(_wrong())


def _check(
    uow: UnitOfWork, username: str, password: str, event: str, new_password: str | None
) -> Actor:
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        now = utcnow()
        user = _find(s, username) if username.strip() else None
        if user is None:
            passwords.verify_password(_dummy_hash(), password)
            audit.record(
                s,
                None,
                audit.LOGIN_FAILED,
                record_type="user",
                outcome=audit.REFUSED,
                detail=_("unknown user name"),
                username=username.strip()[:64],
            )
            uow.commit()
            raise LoginError(_wrong())
        left = _seconds_left(user, now)
        if left:
            audit.record(
                s,
                _actor(user),
                audit.LOGIN_FAILED,
                record_type="user",
                record_id=user.id,
                outcome=audit.REFUSED,
                detail=_("attempt during the wait after wrong passwords"),
            )
            uow.commit()
            raise LoginError(_waiting(left), left)
        if not passwords.verify_password(user.password_hash, password):
            error = _failed(s, user, now, event)
            uow.commit()
            raise error
        if not user.active:
            audit.record(
                s,
                _actor(user),
                audit.LOGIN_FAILED,
                record_type="user",
                record_id=user.id,
                outcome=audit.REFUSED,
                detail=_("user not active"),
            )
            uow.commit()
            raise LoginError(
                _("The user {name} is no longer active; ask an administrator.").format(
                    name=user.username
                )
            )
        user.failed_logins = 0
        user.locked_until = None
        actor = _actor(user)
        if user.must_change_password:
            if new_password is None:
                uow.commit()
                raise PasswordChangeRequiredError(
                    _("An administrator set this password: choose a new password of your own.")
                )
            _new_password(s, user, new_password, old=password)
        elif user.password_hash and passwords.needs_rehash(user.password_hash):
            set_password(user, password, temporary=False)
        audit.record(s, actor, event, record_type="user", record_id=user.id)
        uow.commit()
        return actor


def _new_password(s: Session, user: User, new_password: str, old: str) -> None:
    problem = passwords.check_new(new_password, user.username, user.display_name)
    if problem is None and new_password == old:
        problem = _("Choose a password that differs from the old one.")
    if problem:
        raise ValidationError(FieldError("new_password", problem))
    set_password(user, new_password, temporary=False)
    audit.record(s, _actor(user), audit.PASSWORD_CHANGE, record_type="user", record_id=user.id)


def login(uow: UnitOfWork, username: str, password: str, new_password: str | None = None) -> Actor:
    """The user who logs in with ``password``; LoginError otherwise (wrong name or
    password, a wait after wrong attempts, an inactive user).
    PasswordChangeRequiredError when the password is temporary: call again with
    ``new_password``."""
    return _check(uow, username, password, audit.LOGIN, new_password)


def unlock(uow: UnitOfWork, actor: Actor, password: str) -> Actor:
    """The locked window opens again for the same user with their password (the
    same counting and waiting as at log-in)."""
    return _check(uow, actor.username, password, audit.UNLOCK, None)


def lock(uow: UnitOfWork, actor: Actor, idle: bool) -> None:
    """Log that the window locked (``idle``: after minutes without input)."""
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        audit.record(
            s,
            actor,
            audit.LOCK,
            record_type="user",
            record_id=actor.id,
            detail=_("no input for a while") if idle else _("locked by the user"),
        )
        uow.commit()


def logout(uow: UnitOfWork, actor: Actor) -> None:
    """Log that the user logged out (the app asks for a log-in again)."""
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        audit.record(s, actor, audit.LOGOUT, record_type="user", record_id=actor.id)
        uow.commit()


def change_password(uow: UnitOfWork, actor: Actor, old: str, new: str) -> None:
    """The acting user changes their own password; the old one must be right (a
    wrong one counts as a wrong attempt)."""
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        me = acting_user(s, actor)
        user = s.get(User, me.id)
        assert user is not None
        now = utcnow()
        left = _seconds_left(user, now)
        if left:
            raise ValidationError(FieldError("old_password", _waiting(left)))
        if not passwords.verify_password(user.password_hash, old):
            error = _failed(s, user, now, audit.PASSWORD_CHANGE)
            uow.commit()
            raise ValidationError(
                FieldError(
                    "old_password",
                    str(error) if error.wait_seconds else _("This is not your current password."),
                )
            )
        _new_password(s, user, new, old=old)
        uow.commit()


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, new_password: str) -> None:
    """An administrator gives a user a temporary password (the user chooses their
    own at the next log-in); any wait after wrong attempts ends."""
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        me = acting_user(s, actor)
        if not me.is_administrator:
            raise AccessDeniedError(_("Only an administrator can reset a password."))
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user no longer exists."))
        problem = passwords.check_new(new_password, user.username, user.display_name)
        if problem:
            raise ValidationError(FieldError("new_password", problem))
        set_password(user, new_password, temporary=user.id != me.id)
        audit.record(
            s,
            me,
            audit.PERMISSION_CHANGE,
            record_type="user",
            record_id=user.id,
            detail=_("password reset for {name}").format(name=user.username),
        )
        uow.commit()


def needs_password_setup(uow: UnitOfWork) -> bool:
    """Users exist but none has a password (a database from before log-in existed)."""
    with uow:
        s = uow.session
        if not s.scalar(select(func.count()).select_from(User)):
            return False
        return not s.scalar(
            select(func.count()).select_from(User).where(User.password_hash.is_not(None))
        )


def administrators_without_password(uow: UnitOfWork) -> list[tuple[int, str]]:
    """The active administrators (id, user name) who could set the first password."""
    with uow:
        s = uow.session
        found = s.scalars(select(User).options(selectinload(User.role_links))).all()
        return sorted(
            ((u.id, u.username) for u in found if u.active and "administrator" in u.roles),
            key=lambda r: r[1],
        )


def set_first_password(uow: UnitOfWork, user_id: int, password: str) -> Actor:
    """In a database from before log-in existed, nobody has a password: whoever can
    open the encrypted file chooses the password of an administrator (as at first
    start). Refused as soon as any user has a password."""
    with uow:
        s = uow.session
        s.info["audit_off"] = True
        if s.scalar(select(func.count()).select_from(User).where(User.password_hash.is_not(None))):
            raise AccessDeniedError(_("Users of this database already have passwords: log in."))
        user = s.get(User, user_id)
        if user is None or not user.active or "administrator" not in user.roles:
            raise ValidationError(FieldError("username", _("Choose an active administrator.")))
        problem = passwords.check_new(password, user.username, user.display_name)
        if problem:
            raise ValidationError(FieldError("password", problem))
        set_password(user, password, temporary=False)
        actor = _actor(user)
        audit.record(
            s,
            actor,
            audit.PASSWORD_CHANGE,
            record_type="user",
            record_id=user.id,
            detail=_("first password after the upgrade to log-in"),
        )
        uow.commit()
        return actor


@dataclass(frozen=True)
class LoginState:
    """What the log-in dialog shows before anyone types: the wait, if any."""

    wait_seconds: int


def login_state(uow: UnitOfWork, username: str) -> LoginState:
    with uow:
        user = _find(uow.session, username) if username.strip() else None
        return LoginState(_seconds_left(user, utcnow()) if user is not None else 0)
