"""The audit log: one entry per audited event, append-only, a hash chain that shows
a changed or removed entry."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text

from pact.db.engine import connect_raw
from pact.errors import AccessDeniedError, ValidationError
from pact.i18n import _, ngettext
from pact.models import AuditEntry, MinutesDraft
from pact.security import audit as chain
from pact.services import audit, auth, cases, meetings, minutes, partners, scope, users
from pact.services.audit import AuditFilter
from pact.services.cases import CaseFilter, ChildData
from pact.services.meetings import ItemInput, MeetingInput
from pact.services.partners import ContactData, OrganisationData
from pact.services.users import UserData
from tests.conftest import TEST_KEY, TEST_PASSWORD
from tests.unit.conftest import START, World


def _new(world: World, since: int) -> list[audit.AuditRow]:
    """The entries written after entry ``since``, oldest first."""
    rows = audit.list_entries(world.uow(), world.admin, AuditFilter(), 0, 10_000)
    return [r for r in reversed(rows) if r.id > since]


def _last(world: World) -> int:
    with world.db.sessions() as s:
        return s.scalar(select(func.max(AuditEntry.seq))) or 0


def _events(rows: list[audit.AuditRow]) -> list[tuple[str, str, str]]:
    return [(r.event, r.record_type, r.case_code) for r in rows]


# ---------------------------------------------------------------- one entry per event


def test_creating_reading_changing_and_deleting_a_case_each_write_one_entry(
    world: World,
) -> None:
    start = _last(world)
    header = world.case()
    assert _events(_new(world, start)) == [("create", "case", header.code)]

    start = _last(world)
    cases.get_case(world.uow(), world.worker, header.id)
    cases.get_case(world.uow(), world.worker, header.id, opening=False)  # a reload
    assert _events(_new(world, start)) == [("read", "case", header.code)]

    start = _last(world)
    child = cases.save_child(
        world.uow(), world.worker, header.id, ChildData(name="Wesley", birth_year=2016)
    )
    changed = _new(world, start)
    assert _events(changed) == [("update", "case", header.code)]
    assert changed[0].detail == "child create"

    start = _last(world)
    assert child.id is not None
    cases.remove_child(world.uow(), world.worker, header.id, child.id)
    removed = _new(world, start)
    assert removed[0].detail == "child delete"
    assert _events(removed) == [("delete", "case", header.code)]
    assert removed[0].detail == "child delete"
    entry = removed[0]
    # NEN 7513: what, when, which client record, who, in which role, on whose behalf, where
    assert entry.username == "worker" and entry.user_id == world.worker.id
    assert entry.roles == "worker"
    assert entry.on_behalf_of == world.org_name("home")
    # the computer's name, and "(app)" or "(command line)"
    assert entry.workstation == chain.workstation()
    assert entry.workstation.startswith(socket.gethostname() + " (")
    assert entry.record_id == str(header.id)
    assert entry.outcome == "success"


def test_a_refused_change_writes_nothing_but_a_search_is_logged(world: World) -> None:
    header = world.case()
    start = _last(world)
    with pytest.raises(AccessDeniedError):
        cases.get_case(world.uow(), world.actor("outsider"), header.id)
    with pytest.raises(ValidationError):
        cases.save_child(world.uow(), world.worker, header.id, ChildData(name="", birth_year=2016))
    assert _new(world, start) == []
    cases.list_cases(world.uow(), world.worker, CaseFilter(text="  Familie   T1 "))
    cases.list_cases(world.uow(), world.worker, CaseFilter(text="Familie T1"), offset=50)
    cases.list_cases(world.uow(), world.worker, CaseFilter())  # no search: not logged
    cases.list_cases(world.uow(), world.worker, CaseFilter(text="Nobody"))
    found = _new(world, start)
    # that a search was made and what it found, never the typed text (a family's name)
    assert [(e.event, e.detail, e.username) for e in found] == [
        ("search", ngettext("search, {n} case", "search, {n} cases", 1).format(n=1), "worker"),
        ("search", ngettext("search, {n} case", "search, {n} cases", 0).format(n=0), "worker"),
    ]
    assert not any("Familie" in e.detail or "Nobody" in e.detail for e in found)


def test_a_search_with_more_than_a_page_of_matches_logs_the_whole_count(world: World) -> None:
    for _n in range(3):
        world.case()
    start = _last(world)
    rows = cases.list_cases(world.uow(), world.worker, CaseFilter(text="familie"), limit=2)
    assert len(rows) == 2
    [entry] = _new(world, start)
    assert entry.detail == ngettext("search, {n} case", "search, {n} cases", 3).format(n=3)


def test_a_minutes_draft_is_not_logged_but_saving_minutes_is(world: World) -> None:
    base = meetings.meeting_defaults(world.uow(), world.coordinator)
    meeting = meetings.save_meeting(
        world.uow(), world.coordinator, MeetingInput(**{**base.__dict__, "held_on": START})
    )
    meeting = meetings.save_item(
        world.uow(), world.coordinator, meeting.id, ItemInput(kind="theme", title="Thema")
    )
    item = meeting.items[-1]
    start = _last(world)
    minutes.save_draft(world.uow(), world.coordinator, item.id, "Eerste zin")
    with world.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MinutesDraft)) == 1
    assert _new(world, start) == []
    minutes.save_minutes(world.uow(), world.coordinator, item.id, "Eerste zin. Tweede zin.")
    assert _events(_new(world, start)) == [("update", "meeting", "")]


def test_partner_changes_are_logged_for_the_user_of_the_session(world: World) -> None:
    world.db.actor = world.coordinator
    start = _last(world)
    saved = partners.save_organisation(
        world.uow(),
        OrganisationData(
            name="Bibliotheek Hengelo",
            sector="other",
            municipality_ids=(world.mun("Hengelo"),),
            contacts=(ContactData(name="Bea Boek"),),
        ),
    )
    entries = _new(world, start)
    assert [(e.event, e.record_type, e.record_id, e.username) for e in entries] == [
        ("create", "organisation", str(saved.id), "coordinator")
    ]
    # without a logged-in user (pact demo, the tests' template) nothing is logged
    world.db.actor = None
    start = _last(world)
    partners.save_organisation(world.uow(), replace(saved, phone="074 123 4567"))
    assert _new(world, start) == []


def test_log_ins_locks_break_glass_and_permission_changes_are_logged(world: World) -> None:
    outside = world.case(world.actor("outsider"))
    start = _last(world)
    auth.login(world.uow(), "coordinator", TEST_PASSWORD)
    with pytest.raises(Exception, match=_("The user name or the password is not right.")):
        auth.login(world.uow(), "coordinator", "fout")
    auth.lock(world.uow(), world.coordinator, idle=False)
    auth.unlock(world.uow(), world.coordinator, TEST_PASSWORD)
    scope.break_glass(world.uow(), world.coordinator, outside.id, "Spoedoverleg met Veilig Thuis")
    data = users.get_user(world.uow(), world.admin, world.actor("colleague").id)
    users.save_user(world.uow(), world.admin, replace(data, roles=("worker", "coordinator")))
    data = users.get_user(world.uow(), world.admin, data.id or 0)
    users.save_user(world.uow(), world.admin, replace(data, display_name="Koen de Collega"))
    entries = _new(world, start)
    assert [(e.event, e.username, e.outcome) for e in entries] == [
        ("login", "coordinator", "success"),
        ("login_failed", "coordinator", "refused"),
        ("lock", "coordinator", "success"),
        ("unlock", "coordinator", "success"),
        ("break_glass", "coordinator", "success"),
        ("permission_change", "admin", "success"),
        ("update", "admin", "success"),
    ]
    glass = entries[4]
    assert (glass.case_code, glass.detail) == (outside.code, "Spoedoverleg met Veilig Thuis")
    assert entries[5].record_id == str(data.id)
    assert entries[5].detail == "user_role create"


def test_a_new_user_is_one_create_entry(world: World) -> None:
    start = _last(world)
    saved = users.save_user(
        world.uow(),
        world.admin,
        UserData(username="nieuw", display_name="Nina Nieuw", password="Eerste-Dag-Op-Kantoor"),
    )
    assert [(e.event, e.record_type, e.record_id) for e in _new(world, start)] == [
        ("create", "user", str(saved.id))
    ]


# ---------------------------------------------------------------- break-glass


def test_a_coordinator_opens_a_case_outside_her_own_only_with_a_reason(world: World) -> None:
    outside = world.case(world.actor("outsider"))
    coordinator = world.coordinator
    # in the lists she sees it (its code and level), as every case of the pact
    assert outside.code in [r.code for r in cases.list_cases(world.uow(), coordinator)]
    with pytest.raises(AccessDeniedError):
        cases.get_case(world.uow(), coordinator, outside.id)
    with pytest.raises(ValidationError) as info:
        scope.break_glass(world.uow(), coordinator, outside.id, "  omdat  ")
    assert info.value.for_field("reason")
    scope.break_glass(world.uow(), coordinator, outside.id, "Vraag van de wijkagent")
    assert cases.get_case(world.uow(), coordinator, outside.id).header.code == outside.code
    # a worker cannot break the glass; the attempt is logged as refused
    start = _last(world)
    with pytest.raises(AccessDeniedError):
        scope.break_glass(world.uow(), world.worker, outside.id, "Ik wil het graag weten")
    assert [(e.event, e.outcome) for e in _new(world, start)] == [("break_glass", "refused")]
    with pytest.raises(AccessDeniedError):
        cases.get_case(world.uow(), world.worker, outside.id)


# ---------------------------------------------------------------- append-only and the chain


def test_the_database_refuses_to_change_or_delete_an_entry(world: World) -> None:
    world.case()
    with world.db.engine.connect() as conn:
        for statement in (
            "UPDATE audit_entry SET detail = 'anders' WHERE seq = 1",
            "DELETE FROM audit_entry WHERE seq = 1",
            "DELETE FROM audit_entry",
        ):
            with pytest.raises(Exception, match="the audit log is append-only"):
                conn.execute(text(statement))
            conn.rollback()
    assert audit.verify_chain(world.uow()).ok


def _raw(world: World, *statements: str) -> None:
    """Tamper with the file itself, as someone with the key and a SQLite tool could;
    on a server, as the owner of the tables with psql could (DROP TRIGGER names the
    table there)."""
    if world.on_server:
        with world.db.engine.begin() as server:
            for statement in statements:
                if statement.startswith("DROP TRIGGER"):
                    statement += " ON audit_entry"
                server.exec_driver_sql(statement)
        return
    world.db.close()
    path = world.db.file()
    conn = connect_raw(path, TEST_KEY)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def test_a_changed_entry_is_found(world: World) -> None:
    world.case()
    before = audit.verify_chain(world.uow())
    assert before.ok and before.entries > 5 and before.newest is not None
    _raw(
        world,
        "DROP TRIGGER audit_entry_no_update",
        "UPDATE audit_entry SET username = 'iemand' WHERE seq = 3",
    )
    result = audit.verify_chain(world.uow())
    assert not result.ok and result.broken is not None
    assert (result.broken.seq, result.broken.reason) == (3, "changed")
    assert result.entries == 2
    assert audit.broken_message(result).startswith(
        _("audit log broken at entry {seq}: {reason}").format(seq=3, reason="")[:20]
    )


def test_a_removed_entry_is_found(world: World) -> None:
    world.case()
    _raw(world, "DROP TRIGGER audit_entry_no_delete", "DELETE FROM audit_entry WHERE seq = 4")
    result = audit.verify_chain(world.uow())
    assert result.broken == chain.Broken(5, "missing")


def test_an_entry_rewritten_with_a_new_hash_breaks_the_link(world: World) -> None:
    world.case()
    with world.db.sessions() as s:
        row = s.get(AuditEntry, 2)
        assert row is not None
        fields = {k: getattr(row, k) for k in chain._FIELDS}
        fields["detail"] = "weggepoetst"
        forged = chain.entry_hash(2, row.at, fields, "f" * 64)
    _raw(
        world,
        "DROP TRIGGER audit_entry_no_update",
        f"UPDATE audit_entry SET detail = 'weggepoetst', prev_hash = '{'f' * 64}', "
        f"hash = '{forged}' WHERE seq = 2",
    )
    result = audit.verify_chain(world.uow())
    assert result.broken == chain.Broken(2, "link")


# ---------------------------------------------------------------- who reads the log


def test_only_an_administrator_reads_the_log(world: World) -> None:
    for who in (world.coordinator, world.worker):
        with pytest.raises(AccessDeniedError):
            audit.list_entries(world.uow(), who)
        with pytest.raises(AccessDeniedError):
            audit.count_entries(world.uow(), who)
        with pytest.raises(AccessDeniedError):
            audit.export_csv(world.uow(), who)
    assert audit.count_entries(world.uow(), world.admin) > 0


def test_the_csv_export_holds_the_filtered_entries_and_is_logged(world: World) -> None:
    header = world.case()
    cases.get_case(world.uow(), world.worker, header.id)
    data = audit.export_csv(world.uow(), world.admin, AuditFilter(case_code=header.code))
    text_ = data.decode("utf-8")
    assert text_.startswith("\ufeff")
    lines = text_.lstrip("\ufeff").splitlines()
    assert lines[0].split(";") == list(audit.CSV_COLUMNS)
    assert len(lines) == 3  # the header, created, read
    assert all(header.code in line for line in lines[1:])
    last = _new(world, _last(world) - 1)[-1]
    assert (last.event, last.record_type, last.username) == ("export", "audit_log", "admin")
