"""The main window on a team's server, with a second workstation working at the same
time (another Database with its own engine, logged in as a colleague): what the
colleague saves shows in the open lists within seconds, keeping the selection and
the scroll position; and a server that goes away mid-session (stopped, then started
again) shows a banner, keeps the typed minutes on this computer, encrypted, and
writes them to the server once it is back, without restarting pact.

A real throwaway PostgreSQL server of this module's own (it is stopped and started).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pact.db.database import Database, open_server_database
from pact.db.server import ServerUrl, connect, parse_url
from pact.models import MinutesDraft
from pact.security import audit as chain
from pact.security import credentials
from pact.services import cases, changes, clock, consultations, local_drafts, partners
from pact.services import users as users_svc
from pact.services.access import KeyMode
from pact.services.cases import CaseInput
from pact.services.partners import OrganisationData
from pact.services.users import Actor, UserData
from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.main_window import MainWindow
from pact.ui.widgets.connection_banner import lost_text, restored_text
from tests import postgres
from tests.conftest import TEST_PASSWORD
from tests.db.conftest import secret_service  # noqa: F401  (the real keyring, on request)
from tests.postgres import PgServer

from .case_fixtures import CaseWorld, build_world
from .conftest import add_first_user
from .test_minutes_panel import build_meetings, choose_item

WAIT_MS = 15_000  # "within a few seconds": one poll is 3 s; generous for a loaded CI


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """This module's own server: its tests stop and start it."""
    why = postgres.missing()
    if why:
        if postgres.REQUIRE:
            pytest.fail(why)
        pytest.skip(why)
    with postgres.running_server() as server:
        yield server


@dataclass
class Team:
    url: ServerUrl
    server: PgServer
    world: CaseWorld  # this workstation's database and people
    other: Database  # the colleague's workstation
    colleague: Actor

    @property
    def db(self) -> Database:
        return self.world.db


def _open(server: PgServer, url: ServerUrl) -> Database:
    return open_server_database(url, connect(url, server.password))


@pytest.fixture
def team(own_server: PgServer, qapp: object) -> Iterator[Team]:
    if not _running(own_server):  # (a failed test may have left it stopped)
        own_server.start()
    url = parse_url(own_server.url(own_server.create_database()), environ={})
    db = _open(own_server, url)
    db.upgrade()
    admin = add_first_user(db)
    world = build_world(db, admin)
    saved = users_svc.save_user(
        db.uow(),
        admin,
        UserData(
            username="collega",
            display_name="Cor Collega",
            roles=("coordinator",),
            password=TEST_PASSWORD,
            password_is_temporary=False,
        ),
    )
    assert saved.id is not None
    colleague = users_svc.get_actor(db.uow(), saved.id)
    other = _open(own_server, url)
    other.actor = colleague  # what the colleague writes is audited for them
    try:
        yield Team(url, own_server, world, other, colleague)
    finally:
        ops.wait_idle()
        local_drafts.close_all()
        other.close()
        db.close()


def _running(server: PgServer) -> bool:
    return (server.data / "postmaster.pid").exists()


@pytest.fixture
def window(team: Team, qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    ctx = AppContext(team.db, KeyMode.SERVER, team.world.admin)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1300, 860)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win._discard_changes = True
    win.close()
    ops.drop_held()
    ops.wait_idle()


def _names(win: MainWindow) -> list[str]:
    model = win.partners.model
    return [model.row(r).name for r in range(model.rowCount())]


def _current_partner(win: MainWindow) -> int | None:
    index = win.partners.table.currentIndex()
    return win.partners.model.row(index.row()).id if index.isValid() else None


def test_other_workstations_changes_appear_in_the_open_lists(
    team: Team, window: MainWindow, qtbot: QtBot
) -> None:
    world, other, colleague = team.world, team.other, team.colleague
    hengelo = world.municipalities["Hengelo"]
    for n in range(60):  # enough for the list to scroll
        partners.save_organisation(
            world.db.uow(),
            OrganisationData(
                name=f"Partner {n:02d}", sector="welfare", municipality_ids=(hengelo,)
            ),
        )
    assert window.live.enabled  # on a server the watcher runs by itself

    # the partner list, scrolled down, one partner chosen
    window.show_area("partners")
    window.partners.model.reload()
    qtbot.waitUntil(lambda: "Partner 59" in _names(window), timeout=WAIT_MS)
    table = window.partners.table
    row = _names(window).index("Partner 40")
    table.selectRow(row)
    table.scrollTo(window.partners.model.index(row, 0))
    qtbot.waitUntil(lambda: window.partners.editor.organisation_id is not None, timeout=WAIT_MS)
    chosen = _current_partner(window)
    scrolled = table.verticalScrollBar().value()
    assert scrolled > 0 and chosen is not None

    # the colleague adds an organisation on their workstation
    partners.save_organisation(
        other.uow(),
        OrganisationData(name="Mediation Oost", sector="legal", municipality_ids=(hengelo,)),
    )
    started = time.monotonic()
    qtbot.waitUntil(lambda: "Mediation Oost" in _names(window), timeout=WAIT_MS)
    assert time.monotonic() - started < 10
    assert _current_partner(window) == chosen  # the same partner stays chosen
    assert table.verticalScrollBar().value() == scrolled  # and the list where it was

    # the colleague registers a case and changes another: the case list follows
    window.show_area("cases")
    first = cases.register_case(
        other.uow(), colleague, CaseInput(alias="Familie Tukker", municipality_id=hengelo)
    )
    for n in range(40):  # enough for the case list to scroll
        cases.register_case(
            world.db.uow(),
            world.admin,
            CaseInput(alias=f"Familie {n:02d}", municipality_id=hengelo),
        )
    window.cases.model.reload()
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 41, timeout=WAIT_MS)
    case_table = window.cases.table
    last = window.cases.model.index(40, 0)
    case_table.setCurrentIndex(last)  # the last case chosen, the list scrolled to it
    case_table.scrollTo(last)
    qtbot.waitUntil(lambda: case_table.verticalScrollBar().value() > 0)
    case_scroll = case_table.verticalScrollBar().value()
    chosen_case = window.cases.model.row(40).id
    cases.register_case(
        other.uow(),
        colleague,
        CaseInput(alias="Familie Jansen", municipality_id=hengelo, level=2),
    )
    cases.change_level(other.uow(), colleague, first.id, 3, reason="Strijd over omgang")

    def case_rows() -> dict[str, int]:
        m = window.cases.model
        return {m.row(r).alias: m.row(r).level for r in range(m.rowCount())}

    qtbot.waitUntil(
        lambda: case_rows().get("Familie Tukker") == 3 and "Familie Jansen" in case_rows(),
        timeout=WAIT_MS,
    )
    qtbot.wait(50)  # (the scroll position is put back on the next turn of the event loop)
    current = case_table.currentIndex()
    assert current.isValid() and window.cases.model.row(current.row()).id == chosen_case
    assert case_table.verticalScrollBar().value() == case_scroll

    # a next step that the welfare worker adds on her workstation shows in the next steps
    window.show_area("next_steps")
    other.actor = world.worker
    own_case = cases.register_case(
        other.uow(),
        world.worker,
        CaseInput(
            alias="Familie Smit",
            municipality_id=hengelo,
            lead_contact_id=world.contacts["Wendy Wolters"],
        ),
    )
    consultations.add_action(
        other.uow(),
        world.worker,
        own_case.id,
        consultations.ActionInput(
            "Gesprek met school",
            clock.today() + timedelta(days=7),
            owner_contact_id=world.contacts["Wendy Wolters"],
        ),
    )
    other.actor = colleague
    model = window.next_steps.model
    qtbot.waitUntil(
        lambda: any(model.row(r).what == "Gesprek met school" for r in range(model.rowCount())),
        timeout=WAIT_MS,
    )

    # the audit log (an administrator's) shows the colleague's entries as they come
    assert window.audit is not None
    window.show_area("audit")
    audit_model = window.audit.model

    def colleague_entries() -> int:
        return sum(
            1 for r in range(audit_model.rowCount()) if audit_model.row(r).username == "collega"
        )

    qtbot.waitUntil(lambda: colleague_entries() > 0, timeout=WAIT_MS)
    before = colleague_entries()
    partners.save_organisation(
        other.uow(),
        OrganisationData(name="Schuldhulp Twente", sector="financial", municipality_ids=(hengelo,)),
    )
    qtbot.waitUntil(lambda: colleague_entries() == before + 1, timeout=WAIT_MS)


def test_nothing_is_asked_while_the_window_is_locked(
    team: Team, window: MainWindow, qtbot: QtBot
) -> None:
    window.live.interval_ms = 300
    window.show_area("partners")
    hengelo = team.world.municipalities["Hengelo"]
    qtbot.waitUntil(lambda: window.live.after is not None, timeout=WAIT_MS)
    ops.hold()  # what locking the window does: nothing touches the database
    try:
        seen = window.live.after
        partners.save_organisation(
            team.other.uow(),
            OrganisationData(name="Buurtteam Noord", sector="welfare", municipality_ids=(hengelo,)),
        )
        qtbot.wait(1500)  # several poll intervals
        assert window.live.after == seen
        assert "Buurtteam Noord" not in _names(window)
    finally:
        ops.release()
    qtbot.waitUntil(lambda: "Buurtteam Noord" in _names(window), timeout=WAIT_MS)


def test_the_change_counter_reads_the_index(team: Team) -> None:
    """Both poll queries can be answered from the audit log's primary key (on this
    small log the planner would read the table; benchmarks/bench_server_load.py shows
    the plans on a large one)."""
    with team.db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        newest = conn.exec_driver_sql("EXPLAIN SELECT max(seq) FROM audit_entry").scalars().all()
        since = (
            conn.exec_driver_sql(
                "EXPLAIN SELECT DISTINCT record_type FROM audit_entry "
                "WHERE seq > 5 AND seq <= 9 AND event IN ('create', 'update')"
            )
            .scalars()
            .all()
        )
    assert any("Index Only Scan Backward using pk_audit_entry" in line for line in newest), newest
    assert any("using pk_audit_entry" in line for line in since), since
    assert not any("Seq Scan" in line for line in newest + since)
    # and the poll: a colleague's write is seen, this window's own writes are not
    me = team.world.admin
    team.db.actor = me  # (as the logged-in window sets it)
    start = changes.newest(team.db.uow())
    partners.save_organisation(
        team.db.uow(), OrganisationData(name="Eigen", sector="welfare", municipality_ids=())
    )
    own = changes.poll(team.db.uow(), start, me.id, chain.workstation())
    assert own.kinds == {changes.AUDIT} and own.seq > start
    partners.save_organisation(
        team.other.uow(), OrganisationData(name="Van een ander", sector="welfare")
    )
    theirs = changes.poll(team.db.uow(), own.seq, me.id, chain.workstation())
    assert theirs.kinds == {"partners", changes.AUDIT}


# ---------------------------------------------------------------- the server goes away


def _server_draft(team: Team, item_id: int) -> str | None:
    with team.other.sessions() as s:
        return s.scalar(
            select(MinutesDraft.text).where(
                MinutesDraft.item_id == item_id, MinutesDraft.user_id == team.world.admin.id
            )
        )


@pytest.mark.parametrize("keeper", ["keyring", "memory"])
def test_a_server_restart_mid_session_keeps_the_typed_minutes(
    team: Team, window: MainWindow, qtbot: QtBot, keeper: str, request: pytest.FixtureRequest
) -> None:
    if keeper == "keyring":
        request.getfixturevalue("secret_service")
    data = build_meetings(team.world)
    window.open_meeting(data.second.id, "minutes")
    panel = window.meetings.page.minutes
    qtbot.waitUntil(
        lambda: panel.data is not None and panel.data.id == data.second.id, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: panel.step_owner.count() > 1, timeout=WAIT_MS)
    choose_item(qtbot, panel, "theme")
    item = panel.current_item()
    assert item is not None
    editor = panel.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Eerste punt besproken. ")
    panel.flush_draft()
    qtbot.waitUntil(lambda: (_server_draft(team, item.id) or "").strip() != "", timeout=WAIT_MS)
    banner = window.connection_banner
    assert not banner.isVisible()

    team.server.stop()
    try:
        secret = "Wesley voelt zich schuldig aan de ruzie"
        qtbot.keyClicks(editor, secret)
        # the banner within seconds (the next poll, or the autosave that failed)
        qtbot.waitUntil(lambda: banner.isVisible() and banner.lost, timeout=WAIT_MS)
        panel.flush_draft()
        store = window.live.offline
        assert store is not None
        qtbot.waitUntil(
            lambda: any(secret in d.text for d in store.drafts(team.world.admin.id)),
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: store.on_disk is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: banner.text() == lost_text(keeper == "keyring"), timeout=WAIT_MS)
        assert store.on_disk is (keeper == "keyring")
        if keeper == "keyring":
            files = store.files()
            assert store.path in files
            for path in files:  # encrypted: the typed words are nowhere in the file
                raw = path.read_bytes()
                assert secret.encode("utf-8") not in raw and b"Wesley" not in raw, path
        else:
            assert store.files() == []  # memory only: nothing on disk
        # pact keeps working on what is loaded; the typed text is still there
        assert secret in editor.toPlainText()
        window.show_area("partners")
        window.show_area("meetings")
        qtbot.wait(500)  # (failed reloads meanwhile must not crash or clear anything)
        assert secret in editor.toPlainText()
    finally:
        team.server.start()

    # reconnected by itself: the banner says so and hides, the draft reaches the server
    qtbot.waitUntil(lambda: not banner.lost, timeout=30_000)
    assert banner.text() in (restored_text(), "")
    qtbot.waitUntil(lambda: secret in (_server_draft(team, item.id) or ""), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: store.drafts(team.world.admin.id) == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT_MS)
    assert secret in editor.toPlainText()
    assert window.isVisible()  # the same window: pact was not restarted
    if keeper == "keyring":
        credentials.delete_key(store.path)
    # and it works as before: the minutes are saved on the server
    panel.save_all()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=WAIT_MS)
    saved = next(i for i in panel.data.items if i.id == item.id)  # type: ignore[union-attr]
    assert secret in saved.minutes
