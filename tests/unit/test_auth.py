"""Log-in: Argon2id hashes, the wait after wrong passwords, temporary passwords."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from pact.db.database import Database
from pact.errors import (
    AccessDeniedError,
    LoginError,
    PasswordChangeRequiredError,
    ValidationError,
)
from pact.i18n import _
from pact.models import AuditEntry, User
from pact.models.base import utcnow
from pact.security import passwords
from pact.services import audit, auth, users
from pact.services.users import UserData
from tests.conftest import TEST_PASSWORD
from tests.unit.conftest import World

# ---------------------------------------------------------------- hashing


def test_a_password_is_stored_as_an_argon2id_hash_only(world: World) -> None:
    with world.db.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "worker"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert TEST_PASSWORD not in stored
    assert passwords.verify_password(stored, TEST_PASSWORD)
    assert not passwords.verify_password(stored, TEST_PASSWORD + "x")
    assert not passwords.verify_password(None, TEST_PASSWORD)
    assert not passwords.verify_password("not a hash", TEST_PASSWORD)
    # the same password hashes differently each time (a salt per hash)
    assert passwords.hash_password("Een-lange-zin-2026") != passwords.hash_password(
        "Een-lange-zin-2026"
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "Use at least {n} characters."),
        ("wachtwoord123", "This password is one of the most used passwords: choose another."),
        ("Welkom2026!!", "This password is one of the most used passwords: choose another."),
        ("1234567890", "This password is one of the most used passwords: choose another."),
        ("aaaaaaaaaaaa", "This password is one of the most used passwords: choose another."),
        ("wendy.wolters1", "Do not make the password from your own name."),
        (" met-spatie-voor", "Do not start or end the password with a space."),
    ],
)
def test_a_weak_password_is_refused(password: str, message: str) -> None:
    assert passwords.check_new(password, "wendy", "Wendy Wolters") == _(message).format(
        n=passwords.MIN_LENGTH
    )


def test_a_good_password_is_accepted() -> None:
    for good in (TEST_PASSWORD, auth.DEMO_PASSWORD, "fiets op de dijk bij Delden"):
        assert passwords.check_new(good, "wendy", "Wendy Wolters") is None


# ---------------------------------------------------------------- log-in


def _entries(world: World, event: str | None = None) -> list[audit.AuditRow]:
    rows = audit.list_entries(world.uow(), world.admin, audit.AuditFilter(event=event), 0, 1000)
    return list(reversed(rows))


def test_log_in_with_the_right_password(world: World) -> None:
    actor = auth.login(world.uow(), " Worker ", TEST_PASSWORD)
    assert actor == world.worker
    last = _entries(world, audit.LOGIN)[-1]
    assert (last.username, last.user_id, last.outcome) == ("worker", world.worker.id, "success")
    assert last.roles == "worker"
    assert last.on_behalf_of == world.org_name("home")
    assert last.workstation


def test_a_wrong_password_or_unknown_name_is_refused_and_logged(world: World) -> None:
    for name, password in (("worker", "niet-het-wachtwoord"), ("nobody", TEST_PASSWORD)):
        with pytest.raises(LoginError) as info:
            auth.login(world.uow(), name, password)
        assert str(info.value) == _("The user name or the password is not right.")
        assert info.value.wait_seconds == 0
    failed = _entries(world, audit.LOGIN_FAILED)
    assert [(e.username, e.outcome) for e in failed] == [
        ("worker", "refused"),
        ("nobody", "refused"),
    ]
    assert failed[1].user_id is None
    assert failed[1].detail == _("unknown user name")


def test_an_inactive_user_cannot_log_in(world: World) -> None:
    data = users.get_user(world.uow(), world.admin, world.worker.id)
    users.save_user(world.uow(), world.admin, replace(data, active=False))
    with pytest.raises(LoginError) as info:
        auth.login(world.uow(), "worker", TEST_PASSWORD)
    assert "worker" in str(info.value)


def test_after_five_wrong_passwords_the_next_attempt_waits_longer_each_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [utcnow()]
    monkeypatch.setattr("pact.services.auth.utcnow", lambda: now[0])
    for n in range(1, 5):
        with pytest.raises(LoginError) as info:
            auth.login(world.uow(), "worker", f"fout-{n}")
        assert info.value.wait_seconds == 0, n
    with pytest.raises(LoginError) as info:
        auth.login(world.uow(), "worker", "fout-5")
    assert info.value.wait_seconds == 30
    assert str(info.value) == _("Too many wrong passwords: try again in {wait}.").format(
        wait=auth.wait_text(30)
    )
    # during the wait even the right password is not looked at
    now[0] += timedelta(seconds=20)
    with pytest.raises(LoginError) as info:
        auth.login(world.uow(), "worker", TEST_PASSWORD)
    assert info.value.wait_seconds == 10
    assert auth.login_state(world.uow(), "worker").wait_seconds == 10
    # after the wait one more wrong password: twice as long
    now[0] += timedelta(seconds=11)
    with pytest.raises(LoginError) as info:
        auth.login(world.uow(), "worker", "fout-6")
    assert info.value.wait_seconds == 60
    now[0] += timedelta(seconds=61)
    assert auth.login(world.uow(), "worker", TEST_PASSWORD) == world.worker
    # a right password starts the count again
    with pytest.raises(LoginError) as info:
        auth.login(world.uow(), "worker", "fout-7")
    assert info.value.wait_seconds == 0
    details = [e.detail for e in _entries(world, audit.LOGIN_FAILED)]
    assert _("attempt during the wait after wrong passwords") in details


def test_the_wait_grows_to_at_most_fifteen_minutes() -> None:
    waits = [auth.wait_after(n).total_seconds() for n in range(4, 12)]
    assert waits == [0, 30, 60, 120, 240, 480, 900, 900]


def test_the_wait_is_kept_in_the_database(world: World) -> None:
    for n in range(5):
        with pytest.raises(LoginError):
            auth.login(world.uow(), "worker", f"fout-{n}")
    again: Database = world.reopen()
    try:
        with pytest.raises(LoginError) as info:
            auth.login(again.uow(), "worker", TEST_PASSWORD)
        assert 0 < info.value.wait_seconds <= 30
        with again.sessions() as s:
            user = s.scalars(select(User).where(User.username == "worker")).one()
            assert user.failed_logins == 5
            assert user.locked_until is not None and user.locked_until > datetime.now() - timedelta(
                days=1
            )
    finally:
        again.close()


# ---------------------------------------------------------------- temporary and own passwords


def test_a_reset_password_must_be_changed_at_the_next_log_in(world: World) -> None:
    auth.reset_password(world.uow(), world.admin, world.worker.id, "Tijdelijk-Wachtwoord-9")
    assert [e.detail for e in _entries(world, audit.PERMISSION_CHANGE)][-1] == _(
        "password reset for {name}"
    ).format(name="worker")
    with pytest.raises(LoginError):
        auth.login(world.uow(), "worker", TEST_PASSWORD)  # the old one no longer works
    with pytest.raises(PasswordChangeRequiredError):
        auth.login(world.uow(), "worker", "Tijdelijk-Wachtwoord-9")
    with pytest.raises(ValidationError) as info:
        auth.login(world.uow(), "worker", "Tijdelijk-Wachtwoord-9", new_password="kort")
    assert info.value.for_field("new_password") == _("Use at least {n} characters.").format(n=10)
    with pytest.raises(ValidationError) as info:
        auth.login(
            world.uow(),
            "worker",
            "Tijdelijk-Wachtwoord-9",
            new_password="Tijdelijk-Wachtwoord-9",
        )
    assert info.value.for_field("new_password")
    actor = auth.login(
        world.uow(), "worker", "Tijdelijk-Wachtwoord-9", new_password="Mijn-Eigen-Zin-2026"
    )
    assert actor == world.worker
    assert auth.login(world.uow(), "worker", "Mijn-Eigen-Zin-2026") == world.worker
    assert _entries(world, audit.PASSWORD_CHANGE)[-1].username == "worker"


def test_only_an_administrator_resets_a_password(world: World) -> None:
    with pytest.raises(AccessDeniedError):
        auth.reset_password(world.uow(), world.coordinator, world.worker.id, "Tijdelijk-Wachtwoord")
    assert auth.login(world.uow(), "worker", TEST_PASSWORD) == world.worker


def test_change_own_password(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        auth.change_password(world.uow(), world.worker, "fout-wachtwoord", "Nieuwe-Zin-Op-Dinsdag")
    assert info.value.for_field("old_password") == _("This is not your current password.")
    with pytest.raises(ValidationError) as info:
        auth.change_password(world.uow(), world.worker, TEST_PASSWORD, "wachtwoord1")
    assert info.value.for_field("new_password")
    auth.change_password(world.uow(), world.worker, TEST_PASSWORD, "Nieuwe-Zin-Op-Dinsdag")
    with pytest.raises(LoginError):
        auth.login(world.uow(), "worker", TEST_PASSWORD)
    assert auth.login(world.uow(), "worker", "Nieuwe-Zin-Op-Dinsdag") == world.worker


def test_a_new_user_gets_a_temporary_password_from_the_administrator(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        users.save_user(
            world.uow(),
            world.admin,
            UserData(username="nina", display_name="Nina Nieuw", password="nina12345678"),
        )
    assert info.value.for_field("password") == _("Do not make the password from your own name.")
    users.save_user(
        world.uow(),
        world.admin,
        UserData(username="nina", display_name="Nina Nieuw", password="Eerste-Dag-Op-Kantoor"),
    )
    with pytest.raises(PasswordChangeRequiredError):
        auth.login(world.uow(), "nina", "Eerste-Dag-Op-Kantoor")


def test_a_database_from_before_log_in_gets_an_administrator_password(world: World) -> None:
    with world.db.engine.begin() as conn:
        conn.execute(text("UPDATE pact_user SET password_hash = NULL"))
    assert auth.needs_password_setup(world.uow())
    with pytest.raises(LoginError):
        auth.login(world.uow(), "admin", TEST_PASSWORD)
    admins = auth.administrators_without_password(world.uow())
    assert admins == [(world.admin.id, "admin")]
    with pytest.raises(ValidationError):
        auth.set_first_password(world.uow(), world.worker.id, "Beheer-Vanaf-Vandaag")
    actor = auth.set_first_password(world.uow(), world.admin.id, "Beheer-Vanaf-Vandaag")
    assert actor == world.admin
    assert not auth.needs_password_setup(world.uow())
    with pytest.raises(AccessDeniedError):  # only while nobody has a password
        auth.set_first_password(world.uow(), world.admin.id, "Nog-Een-Keer-Proberen")
    assert auth.login(world.uow(), "admin", "Beheer-Vanaf-Vandaag") == world.admin


def test_lock_and_unlock_are_logged(world: World) -> None:
    auth.lock(world.uow(), world.worker, idle=True)
    with pytest.raises(LoginError):
        auth.unlock(world.uow(), world.worker, "fout")
    assert auth.unlock(world.uow(), world.worker, TEST_PASSWORD) == world.worker
    events = [(e.event, e.outcome) for e in _entries(world) if e.username == "worker"]
    assert events[-3:] == [
        (audit.LOCK, "success"),
        (audit.LOGIN_FAILED, "refused"),
        (audit.UNLOCK, "success"),
    ]
    with world.db.sessions() as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.event == "lock")) == _(
            "no input for a while"
        )
