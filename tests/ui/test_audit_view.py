"""The audit log area (administrators only): entries newest first, the filters (user,
case code, event, period) querying the real log, the CSV export for the privacy
officer (itself logged), the check of the hash chain before and after tampering
through the raw database, refused actions marked, local times, and no audit area
(nor entries) for anyone but an administrator."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.db.engine import connect_raw
from pact.errors import AccessDeniedError, LoginError
from pact.i18n import _, format_datetime, ngettext
from pact.security import audit as chain
from pact.services import audit, auth, cases
from pact.services.access import KeyMode
from pact.services.cases import CaseHeader
from pact.services.users import Actor
from pact.ui.context import AppContext
from pact.ui.itemmodels.audit import (
    AT,
    CASE,
    EVENT,
    OUTCOME,
    REFUSED_RED,
    REFUSED_ROLE,
    SEQ,
    USER,
)
from pact.ui.main_window import MainWindow
from pact.ui.ops import wait_idle
from pact.ui.views.audit import AuditView
from tests.conftest import TEST_KEY, TEST_PASSWORD
from tests.ui.case_fixtures import CaseWorld, build_world
from tests.ui.conftest import TEST_USER, MakeUser, _shown

WAIT = 15_000


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )


@pytest.fixture
def world(db: Database, actor: Actor) -> CaseWorld:
    return build_world(db, actor)


@pytest.fixture
def audit_view(qtbot: QtBot, ctx: AppContext) -> Iterator[Callable[[], AuditView]]:
    """Build the view after the test has written its entries; shown and loaded."""
    built: list[AuditView] = []

    def build() -> AuditView:
        view = _shown(qtbot, AuditView(ctx), 1300, 800)
        wait_loaded(qtbot, view)
        built.append(view)
        return view

    yield build
    for view in built:
        view.close()
    wait_idle()


def wait_loaded(qtbot: QtBot, view: AuditView) -> None:
    qtbot.waitUntil(lambda: view.model.has_loaded and not view.model.busy, timeout=WAIT)
    QApplication.processEvents()


def shown(view: AuditView, column: int) -> list[str]:
    model = view.table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def two_cases(world: CaseWorld) -> tuple[CaseHeader, CaseHeader]:
    """Two cases registered and opened by the welfare worker, through the services."""
    first = world.make_case("Fam. A.")
    second = world.make_case("Fam. B.", municipality="Enschede")
    for case in (first, second, first):
        cases.get_case(world.db.uow(), world.worker, case.id)
    return first, second


def all_entries(db: Database, admin: Actor) -> list[audit.AuditRow]:
    return audit.list_entries(db.uow(), admin, audit.AuditFilter(), 0, 10_000)


def old_entry(db: Database, at: datetime, detail: str) -> None:
    """An entry written at ``at`` (UTC), through the chain (the services write 'now')."""
    with db.uow() as uow:
        chain.append(uow.session.connection(), [chain.Entry(event="search", detail=detail, at=at)])
        uow.commit()


def choose_data(combo: object, value: object) -> None:
    from PySide6.QtWidgets import QComboBox

    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


# ---------------------------------------------------------------- the list


def test_the_log_is_listed_newest_first(
    qtbot: QtBot, db: Database, actor: Actor, world: CaseWorld, audit_view: Callable[[], AuditView]
) -> None:
    first, _second = two_cases(world)
    entries = all_entries(db, actor)
    view = audit_view()
    assert view.model.total == len(entries)
    numbers = [int(n) for n in shown(view, SEQ)]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers == [e.id for e in entries]
    # the newest: the worker opened the first case again
    top = view.visible_rows()[0]
    assert top[EVENT] == audit.event_label(audit.READ)
    assert top[USER] == "wendy"
    assert top[CASE] == first.code
    assert top[OUTCOME] == audit.outcome_label(audit.SUCCESS)
    assert view.count_label.text() == ngettext("{n} entry", "{n} entries", len(entries)).format(
        n=len(entries)
    )
    # the detail pane shows the chosen entry whole
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    head = _("Entry {seq} · {when} · {event} · {outcome}").split("{seq}")[0]
    assert view.detail.toPlainText().startswith(f"{head}{entries[0].id} ")
    assert first.code in view.detail.toPlainText()


def test_filters_by_user_case_event_and_period(
    qtbot: QtBot, db: Database, actor: Actor, world: CaseWorld, audit_view: Callable[[], AuditView]
) -> None:
    _first, second = two_cases(world)
    auth.login(db.uow(), TEST_USER, TEST_PASSWORD)
    old_entry(db, datetime(2025, 3, 10, 12, 0), "in March")
    old_entry(db, datetime(2025, 3, 20, 12, 0), "later in March")
    view = audit_view()
    everything = view.model.total

    # user: only the worker's entries
    # the users of the filter are read in the background
    qtbot.waitUntil(lambda: view.user_filter.findData(world.worker.id) >= 0, timeout=WAIT)
    choose_data(view.user_filter, world.worker.id)
    qtbot.waitUntil(lambda: set(shown(view, USER)) == {"wendy"}, timeout=WAIT)
    wendy = audit.count_entries(db.uow(), actor, audit.AuditFilter(user_id=world.worker.id))
    assert view.model.total == wendy < everything
    choose_data(view.user_filter, None)

    # case code, typed (in lower case): after a short pause, only that case
    qtbot.keyClicks(view.case_edit, second.code.lower())
    qtbot.waitUntil(lambda: set(shown(view, CASE)) == {second.code}, timeout=WAIT)
    # created and opened once
    assert shown(view, EVENT) == [
        audit.event_label(audit.READ),
        audit.event_label(audit.CREATE),
    ]
    view.case_edit.clear()

    # event: the log-in of the administrator
    choose_data(view.event_filter, audit.LOGIN)
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: shown(view, USER) == [TEST_USER], timeout=WAIT)
    assert shown(view, EVENT) == [audit.event_label(audit.LOGIN)]
    choose_data(view.event_filter, None)

    # period: 1 to 15 March 2025 (both days included)
    view.since_edit.setDate(QDate(2025, 3, 1))
    view.until_edit.setDate(QDate(2025, 3, 15))
    view.since_check.setChecked(True)
    view.until_check.setChecked(True)
    qtbot.waitUntil(lambda: view.model.total == 1, timeout=WAIT)
    wait_loaded(qtbot, view)
    assert view.model.row(0).detail == "in March"
    view.until_check.setChecked(False)  # from 1 March on: both of March and today's
    qtbot.waitUntil(lambda: view.model.total == everything, timeout=WAIT)
    view.since_edit.setDate(QDate(2025, 3, 11))
    qtbot.waitUntil(lambda: view.model.total == everything - 1, timeout=WAIT)

    # nothing matches: the empty state says what to do; Clear filter shows all again
    qtbot.keyClicks(view.case_edit, "1999-9999")
    qtbot.waitUntil(lambda: view.list_stack.currentWidget() is view.no_matches, timeout=WAIT)
    assert view.no_matches.texts().startswith(_("No entries match this filter"))
    assert view.count_label.text() == ngettext("{n} entry", "{n} entries", 0).format(n=0)
    qtbot.mouseClick(view.empty_clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.list_stack.currentWidget() is view.table, timeout=WAIT)
    assert view.model.total == everything
    assert not view.since_check.isChecked() and view.case_edit.text() == ""


def test_refused_actions_are_marked(
    qtbot: QtBot, db: Database, world: CaseWorld, audit_view: Callable[[], AuditView]
) -> None:
    with pytest.raises(LoginError):
        auth.login(db.uow(), TEST_USER, "not the password")
    view = audit_view()
    index = view.model.index(0, OUTCOME)
    assert index.data() == audit.outcome_label(audit.REFUSED)
    assert index.data(REFUSED_ROLE) is True
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == REFUSED_RED
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    assert view.model.index(0, EVENT).data() == audit.event_label(audit.LOGIN_FAILED)
    # a successful entry further down is not
    done = next(
        r
        for r in range(view.model.rowCount())
        if view.model.index(r, OUTCOME).data(REFUSED_ROLE) is False
    )
    assert view.model.index(done, OUTCOME).data(Qt.ItemDataRole.ForegroundRole) is None


@pytest.fixture
def amsterdam(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_shown_in_local_time(
    qtbot: QtBot, db: Database, amsterdam: None, audit_view: Callable[[], AuditView]
) -> None:
    old_entry(db, datetime(2025, 7, 1, 12, 0, 5), "summer")
    view = audit_view()
    row = next(r for r in range(view.model.rowCount()) if view.model.row(r).detail == "summer")
    text = view.model.index(row, AT).data()
    local = datetime(2025, 7, 1, 12, 0, 5, tzinfo=UTC).astimezone()
    assert local.utcoffset() == timedelta(hours=2)  # summer time in Amsterdam
    assert text == format_datetime(local, "medium")
    assert "14:00:05" in text
    assert "2025-07-01 12:00:05" in view.model.index(row, AT).data(Qt.ItemDataRole.ToolTipRole)
    tip = view.model.headerData(AT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "UTC+01:00" in tip or "UTC+02:00" in tip


# ---------------------------------------------------------------- export


def test_the_csv_export_holds_what_the_filter_shows_and_is_logged(
    qtbot: QtBot,
    db: Database,
    actor: Actor,
    world: CaseWorld,
    audit_view: Callable[[], AuditView],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, _second = two_cases(world)
    view = audit_view()
    qtbot.keyClicks(view.case_edit, first.code)
    qtbot.keyClick(view.case_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: set(shown(view, CASE)) == {first.code}, timeout=WAIT)
    wait_loaded(qtbot, view)
    expected = [view.model.row(r) for r in range(view.model.rowCount())]
    assert len(expected) == 3  # created, opened twice

    target = tmp_path / "out" / "audit.csv"
    target.parent.mkdir()
    asked: list[str] = []

    def save_name(*args: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(target.with_suffix("")), ""  # typed without .csv

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.exists(), timeout=WAIT)
    assert Path(asked[0]).name == f"pact-audit-{date.today().isoformat()}.csv"
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert [int(r[0]) for r in rows[1:]] == sorted(e.id for e in expected)  # oldest first
    assert {r[9] for r in rows[1:]} == {first.code}
    assert [f.name for f in target.parent.iterdir()] == ["audit.csv"]  # no temp file left
    qtbot.waitUntil(lambda: bool(view.message.message()), timeout=WAIT)
    assert str(target) in view.message.message()

    # the export is an entry of its own (not of the case: the filter shows all again)
    view.clear_filter()
    qtbot.waitUntil(
        lambda: (
            view.model.rowCount() > 0
            and view.model.row(0).event == audit.EXPORT
            and not view.model.busy
        ),
        timeout=WAIT,
    )
    top = view.model.row(0)
    assert top.username == TEST_USER
    assert top.record_type == "audit_log"
    assert first.code in top.detail  # which filter was exported


# ---------------------------------------------------------------- the chain


def test_check_the_log_finds_a_tampered_entry(
    qtbot: QtBot,
    db: Database,
    db_path: Path,
    actor: Actor,
    world: CaseWorld,
    audit_view: Callable[[], AuditView],
) -> None:
    two_cases(world)
    entries = all_entries(db, actor)
    view = audit_view()
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.message.message()), timeout=WAIT)
    newest = format_datetime(entries[0].at.replace(tzinfo=UTC).astimezone(), "medium")
    assert view.message.message() == _(
        "The audit log is intact ({entries}, newest {when})."
    ).format(
        entries=ngettext("{n} entry", "{n} entries", len(entries)).format(n=len(entries)),
        when=newest,
    )
    assert view.message.kind == "info"

    # someone with the key edits an entry behind pact's back
    victim = entries[len(entries) // 2].id
    conn = connect_raw(db_path, TEST_KEY)
    try:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(
                "UPDATE audit_entry SET detail = 'nothing to see' WHERE seq = ?", (victim,)
            )
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET detail = 'nothing to see' WHERE seq = ?", (victim,))
    finally:
        conn.close()
    view.message.hide()
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.message.message()), timeout=WAIT)
    result = audit.verify_chain(db.uow())
    assert result.broken is not None and result.broken.seq == victim
    text = view.message.message()
    assert view.message.kind == "error"
    assert audit.broken_message(result)[1:] in text
    assert str(victim) in text


# ---------------------------------------------------------------- who sees it


def test_only_an_administrator_has_the_audit_area(
    qtbot: QtBot, db: Database, actor: Actor, make_user: MakeUser
) -> None:
    worker = make_user("wendy", "Wendy Wolters")
    coordinator = make_user("cora", "Cora Coördinator", roles=("coordinator",))
    for who in (worker, coordinator):
        window = MainWindow(AppContext(db, KeyMode.KEYRING, who))
        qtbot.addWidget(window)
        window.show()
        assert _("Audit log") not in window.area_titles()
        assert window.audit is None
        assert window.findChild(AuditView) is None
        with pytest.raises(AccessDeniedError):
            audit.list_entries(db.uow(), who, audit.AuditFilter())
        with pytest.raises(AccessDeniedError):
            audit.count_entries(db.uow(), who)
        with pytest.raises(AccessDeniedError):
            audit.export_csv(db.uow(), who)
        window._discard_changes = True
        window.close()

    # the administrator has it; Ctrl+F there goes to the case filter
    window = MainWindow(AppContext(db, KeyMode.KEYRING, actor))
    qtbot.addWidget(window)
    window.show()
    assert window.area_titles()[-1] == _("Audit log")
    window.show_area("audit")
    view = window.audit
    assert view is not None and view.isVisible()
    wait_loaded(qtbot, view)
    assert view.model.total > 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(view.case_edit.hasFocus)
    # a change elsewhere while the area is shown: asked again
    before = view.model.total
    auth.login(db.uow(), TEST_USER, TEST_PASSWORD)
    window.ctx.changed.emit("users")
    qtbot.waitUntil(lambda: view.model.total == before + 1, timeout=WAIT)
    wait_idle()
    window._discard_changes = True
    window.close()


def test_every_widget_is_named_for_tests_and_screen_readers(
    audit_view: Callable[[], AuditView],
) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QWidget,
    )

    def qts_own(widget: QWidget) -> bool:
        """A line edit's clear button, a table's corner button, a combo's popup list."""
        parent = widget.parentWidget()
        if isinstance(parent, QLineEdit | QAbstractItemView):
            return True
        while parent is not None:
            if isinstance(parent, QComboBox) or parent.inherits("QComboBoxPrivateContainer"):
                return True
            parent = parent.parentWidget()
        return False

    view = audit_view()
    interactive = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit)
    checked = 0
    for widget in view.findChildren(QWidget):
        if isinstance(widget, interactive) and not qts_own(widget):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
            checked += 1
    assert checked >= 15
