"""Users and the acting user: validation, unique names, administrators only, at
least one active administrator, the first user."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pact.errors import AccessDeniedError, ConflictError, NoUserError, ValidationError
from pact.i18n import _
from pact.models import User
from pact.models.user import ROLES
from pact.services import cases, users
from pact.services.users import UserData
from tests.conftest import TEST_PASSWORD


def errors_of(call, *args) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args)
    return {e.field: e.message for e in info.value.errors}


# ---------------------------------------------------------------- the first user


def test_the_first_user_is_administrator_and_coordinator(db):
    assert users.count_users(db.uow()) == 0
    actor = users.create_first_user(
        db.uow(),
        UserData(
            username=" Beheer ",
            display_name="  Bea   Beheer ",
            roles=("worker",),
            password=TEST_PASSWORD,
        ),
    )
    assert actor.username == "beheer"
    assert actor.display_name == "Bea Beheer"
    assert actor.roles == frozenset({"administrator", "coordinator"})
    assert actor.is_administrator and actor.is_coordinator
    assert users.count_users(db.uow()) == 1
    assert users.find_actor(db.uow(), "BEHEER") == actor


def test_a_second_first_user_is_refused(db):
    users.create_first_user(
        db.uow(), UserData(username="een", display_name="Een", password=TEST_PASSWORD)
    )
    with pytest.raises(AccessDeniedError):
        users.create_first_user(
            db.uow(), UserData(username="twee", display_name="Twee", password=TEST_PASSWORD)
        )
    assert users.count_users(db.uow()) == 1


def test_the_first_user_is_validated(db):
    errors = errors_of(users.create_first_user, db.uow(), UserData(username="", display_name=""))
    assert errors == {
        "username": _("This field is required."),
        "display_name": _("This field is required."),
        "password": _("Choose a password."),
    }
    assert users.count_users(db.uow()) == 0


# ---------------------------------------------------------------- saving users


def test_an_administrator_adds_a_user_with_organisation_contact_and_roles(world):
    saved = users.save_user(
        world.uow(),
        world.admin,
        UserData(
            username="M.Olthof",
            display_name="Marieke Olthof",
            organisation_id=world.org("school"),
            contact_id=world.contact("Marieke Olthof"),
            roles=("worker", "coordinator", "worker"),
        ),
    )
    assert saved.username == "m.olthof"
    assert saved.roles == ("coordinator", "worker")
    assert saved.version == 1
    row = next(u for u in users.list_users(world.uow()) if u.id == saved.id)
    assert (row.organisation, row.contact) == ("Basisschool De Wilgenhoek", "Marieke Olthof")
    actor = users.find_actor(world.uow(), "m.olthof")
    assert actor.organisation_id == world.org("school")
    assert actor.contact_id == world.contact("Marieke Olthof")


@pytest.mark.parametrize("who", ["coordinator", "worker"])
def test_only_administrators_change_users(world, who):
    before = world.snapshot()
    with pytest.raises(AccessDeniedError):
        users.save_user(
            world.uow(), world.actor(who), UserData(username="nieuw", display_name="Nieuw")
        )
    me = users.get_user(world.uow(), world.actor(who), world.actor(who).id)
    with pytest.raises(AccessDeniedError):
        users.save_user(world.uow(), world.actor(who), replace(me, roles=("administrator",)))
    assert world.snapshot() == before


def test_a_user_sees_their_own_details_but_not_others(world):
    me = users.get_user(world.uow(), world.worker, world.worker.id)
    assert me.username == "worker"
    with pytest.raises(AccessDeniedError):
        users.get_user(world.uow(), world.worker, world.coordinator.id)
    assert users.get_user(world.uow(), world.admin, world.worker.id) == me


@pytest.mark.parametrize("name", ["worker", "WORKER", " Worker "])
def test_user_names_are_unique_whatever_the_case(world, name):
    before = world.snapshot()
    errors = errors_of(
        users.save_user, world.uow(), world.admin, UserData(username=name, display_name="Twee")
    )
    assert errors == {"username": _("This user name is already taken.")}
    assert world.snapshot() == before


def test_renaming_a_user_to_their_own_name_is_no_clash(world):
    me = users.get_user(world.uow(), world.admin, world.worker.id)
    saved = users.save_user(world.uow(), world.admin, replace(me, display_name="Wendy W."))
    assert saved.display_name == "Wendy W."
    assert saved.version == me.version + 1


@pytest.mark.parametrize(
    ("data", "field", "message", "n"),
    [
        (UserData("", "X"), "username", "This field is required.", None),
        (UserData("a" * 65, "X"), "username", "Use at most {n} characters.", 64),
        (UserData("i kamphuis", "X"), "username", None, None),
        (UserData(".punt", "X"), "username", None, None),
        (UserData("ok", "   "), "display_name", "This field is required.", None),
        (UserData("ok", "x" * 201), "display_name", "Use at most {n} characters.", 200),
        (UserData("ok", "X", roles=()), "roles", "Give the user at least one role.", None),
        (UserData("ok", "X", roles=("boss",)), "roles", "Unknown role: {code}", None),
        (
            UserData("ok", "X", contact_id=1),
            "organisation_id",
            "Choose the organisation of this contact person.",
            None,
        ),
    ],
)
def test_user_validation_messages(world, data, field, message, n):
    before = world.snapshot()
    errors = errors_of(users.save_user, world.uow(), world.admin, data)
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == _(message).format(n=n, code="boss")
    assert world.snapshot() == before


def test_the_contact_person_must_work_for_the_users_organisation(world):
    errors = errors_of(
        users.save_user,
        world.uow(),
        world.admin,
        UserData(
            "ok", "X", organisation_id=world.org("school"), contact_id=world.contact("Otto Elders")
        ),
    )
    assert errors == {
        "contact_id": _("Choose a contact person of {organisation}.").format(
            organisation="Basisschool De Wilgenhoek"
        )
    }
    errors = errors_of(
        users.save_user, world.uow(), world.admin, UserData("ok", "X", organisation_id=99999)
    )
    assert errors == {"organisation_id": _("This organisation no longer exists.")}


def test_a_stale_version_is_a_conflict(world):
    me = users.get_user(world.uow(), world.admin, world.worker.id)
    users.save_user(world.uow(), world.admin, replace(me, display_name="Eerst"))
    with pytest.raises(ConflictError):
        users.save_user(world.uow(), world.admin, replace(me, display_name="Later"))
    assert users.get_user(world.uow(), world.admin, world.worker.id).display_name == "Eerst"


# ---------------------------------------------------------------- administrators


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(world):
    admin = users.get_user(world.uow(), world.admin, world.admin.id)
    message = _(
        "pact needs at least one active administrator: give another user the administrator "
        "role first."
    )
    before = world.snapshot()
    for change in (replace(admin, active=False), replace(admin, roles=("coordinator",))):
        assert errors_of(users.save_user, world.uow(), world.admin, change) == {"roles": message}
    assert world.snapshot() == before

    # with a second administrator the first may step down
    other = users.get_user(world.uow(), world.admin, world.coordinator.id)
    users.save_user(
        world.uow(), world.admin, replace(other, roles=("administrator", "coordinator"))
    )
    admin = users.get_user(world.uow(), world.admin, world.admin.id)
    demoted = users.save_user(world.uow(), world.admin, replace(admin, roles=("coordinator",)))
    assert demoted.roles == ("coordinator",)
    # and now the remaining one is the last: refused again
    with pytest.raises(AccessDeniedError):  # the demoted user is no administrator any more
        users.save_user(world.uow(), world.admin, replace(other, active=False))
    other = users.get_user(world.uow(), world.coordinator, world.coordinator.id)
    assert errors_of(
        users.save_user, world.uow(), world.coordinator, replace(other, active=False)
    ) == {"roles": message}


def test_an_inactive_administrator_does_not_count(world):
    other = users.get_user(world.uow(), world.admin, world.coordinator.id)
    users.save_user(
        world.uow(), world.admin, replace(other, roles=("administrator",), active=False)
    )
    admin = users.get_user(world.uow(), world.admin, world.admin.id)
    with pytest.raises(ValidationError):
        users.save_user(world.uow(), world.admin, replace(admin, active=False))


# ---------------------------------------------------------------- the acting user


def test_find_actor_names_the_problem(world):
    with pytest.raises(NoUserError) as info:
        users.find_actor(world.uow(), "   ")
    assert str(info.value) == _("Name the acting user.")
    with pytest.raises(NoUserError) as info:
        users.find_actor(world.uow(), "niemand")
    assert str(info.value) == _("There is no pact user named {name}.").format(name="niemand")
    assert users.find_actor(world.uow(), " Teacher ").username == "teacher"


def test_an_inactive_user_can_no_longer_act(world):
    me = users.get_user(world.uow(), world.admin, world.worker.id)
    users.save_user(world.uow(), world.admin, replace(me, active=False))
    with pytest.raises(NoUserError):
        users.find_actor(world.uow(), "worker")
    with pytest.raises(NoUserError):
        users.get_actor(world.uow(), world.worker.id)
    # an Actor obtained earlier is refused on its next call
    with pytest.raises(NoUserError):
        cases.list_cases(world.uow(), world.worker)
    with pytest.raises(NoUserError):
        cases.count_cases(world.uow(), world.worker)
    names = [u.username for u in users.list_users(world.uow(), include_inactive=False)]
    assert "worker" not in names
    assert "worker" in [u.username for u in users.list_users(world.uow())]


def test_changed_roles_take_effect_on_the_next_call(world):
    """The services reload the acting user: a worker made coordinator sees every case."""
    world.case(world.actor("outsider"))
    assert cases.count_cases(world.uow(), world.actor("teacher")) == 0
    me = users.get_user(world.uow(), world.admin, world.actor("teacher").id)
    users.save_user(world.uow(), world.admin, replace(me, roles=("coordinator",)))
    assert cases.count_cases(world.uow(), world.actor("teacher")) == 1


def test_users_are_listed_by_display_name(world):
    names = [u.display_name for u in users.list_users(world.uow())]
    assert names == sorted(names, key=str.lower)
    with world.db.sessions() as s:
        assert len(names) == s.query(User).count()


# ---------------------------------------------------------------- properties of field_errors

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
GOOD_NAMES = st.builds(
    str.__add__,
    st.sampled_from(_ALNUM),
    st.text(alphabet=_ALNUM + "._-", max_size=30),
)
GOOD_DISPLAY = st.text(
    alphabet=st.characters(categories=("L", "N", "Zs"), exclude_characters="\x85\xa0"),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip())
ANY_TEXT = st.text(max_size=300)


@settings(max_examples=300)
@given(
    st.builds(
        UserData,
        username=ANY_TEXT,
        display_name=ANY_TEXT,
        organisation_id=st.none() | st.integers(),
        contact_id=st.none() | st.integers(),
        roles=st.lists(st.sampled_from([*ROLES, "boss", ""]), max_size=4).map(tuple),
        active=st.booleans(),
    )
)
def test_user_field_errors_never_crash_and_name_known_fields(data):
    errors = users.field_errors(users.normalised(data))
    assert {e.field for e in errors} <= {"username", "display_name", "roles", "organisation_id"}
    assert all(e.message for e in errors)
    assert len({e.field for e in errors}) == len(errors)  # one message per field


@settings(max_examples=300)
@given(
    GOOD_NAMES,
    GOOD_DISPLAY,
    st.lists(st.sampled_from(ROLES), min_size=1, unique=True),
    st.booleans(),
)
def test_good_user_input_has_no_errors(username, display, roles, with_contact):
    data = UserData(
        username=username.upper() if username.isalpha() else username,
        display_name=f"  {display} ",
        roles=tuple(roles),
        organisation_id=3 if with_contact else None,
        contact_id=5 if with_contact else None,
    )
    assert users.field_errors(users.normalised(data)) == []


@settings(max_examples=200)
@given(
    st.text(min_size=1, max_size=40).filter(
        lambda t: not __import__("re").fullmatch(r"[a-z0-9][a-z0-9._-]*", t.strip().lower())
    ),
    GOOD_DISPLAY,
)
def test_bad_user_names_get_a_message(username, display):
    errors = users.field_errors(users.normalised(UserData(username, display)))
    assert [e.field for e in errors] == ["username"]
