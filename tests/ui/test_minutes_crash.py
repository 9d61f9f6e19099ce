"""Minutes typed in a real pact process survive a crash: the process is killed with
SIGKILL right after the autosave, and the next start offers the text again in the
"Recovered minutes" dialog, whose Restore makes it the item's minutes.

The first session runs pact's GUI (offscreen) in its own process with its own XDG
folders, started the normal way (PactApp: open the database with PACT_PASSPHRASE,
PACT_USER acting, the main window); the driver types into a MinutesPanel through
QTest and tells the test by a handshake file when the autosave is done. The second
start goes through the normal start-up in this process (pytest-qt).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTextEdit
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pact.db.database import create_database
from pact.db.engine import Passphrase
from pact.i18n import _
from pact.services import meetings, minutes
from pact.ui.dialogs.recovered_minutes import RecoveredMinutesDialog
from tests.conftest import TEST_PASSWORD

from .case_fixtures import build_world
from .conftest import TEST_USER, StartApp, add_first_user
from .gui_process import driver, private_session
from .test_minutes_panel import build_meetings

PASSPHRASE = "minutes crash passphrase"

DRIVER = driver(
    """
    from pact.services import meetings
    from pact.ui.widgets.minutes_panel import MinutesPanel
    meeting_id = int(sys.argv[2])

    wait(lambda: ctl.window is not None and ctl.window.isVisible(), "the main window")
    ctx = ctl.ctx
    panel = MinutesPanel(ctx)
    panel.resize(1200, 800)
    panel.show()
    panel.show_meeting(meetings.get_meeting(ctx.uow(), ctx.actor, meeting_id))
    wait(lambda: panel.step_owner.count() > 1, "the choices")
    theme = next(i for i in panel.data.items if i.kind == "theme")
    panel.show_item(theme.id)
    editor = panel.editor
    editor.setFocus()
    QTest.keyClicks(editor, "Afspraak: ")
    QTest.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "folder voor ouders")
    QTest.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, " in juli klaar.")
    typed_at = time.monotonic()
    typed = editor.document().toMarkdown().strip()
    wait(lambda: panel.last_autosave is not None and not panel.busy(), "the autosave", 10.0)
    took = time.monotonic() - typed_at
    (handshake / "typed.md").write_text(typed, encoding="utf-8")
    (handshake / "autosaved").write_text(f"{os.getpid()} {took:.3f}")
    # pact keeps running, the text unsaved as minutes, until it is killed
    while True:
        app.processEvents(); time.sleep(0.02)
    """
)


def test_minutes_typed_before_a_crash_are_recovered(
    tmp_path: Path, qtbot: QtBot, start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    t0 = time.monotonic()
    dirs, env, handshake = private_session(
        tmp_path, PASSPHRASE, PACT_USER=TEST_USER, PACT_PASSWORD=TEST_PASSWORD
    )
    db_file = dirs["XDG_DATA_HOME"] / "pact" / "pact.db"
    db_file.parent.mkdir(parents=True)
    db = create_database(db_file, Passphrase(PASSPHRASE))
    try:
        admin = add_first_user(db)
        world = build_world(db, admin)
        made = build_meetings(world)
        meeting_id = made.second.id
        theme_id = next(i.id for i in made.second.items if i.kind == "theme")
    finally:
        db.close()

    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(handshake), str(meeting_id)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (handshake / "autosaved").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                _out, err = proc.communicate(timeout=10)
                pytest.fail(f"GUI session ended early ({proc.returncode}): {err.decode()[-3000:]}")
            time.sleep(0.05)
        pid_text, autosave_took = (handshake / "autosaved").read_text().split()
        assert int(pid_text) == proc.pid
        assert proc.poll() is None, "pact is still running when it is killed"
        started = time.monotonic() - t0
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    typed = (handshake / "typed.md").read_text(encoding="utf-8")
    assert typed == "Afspraak: **folder voor ouders** in juli klaar."
    # the autosave came within 5 seconds of the last keystroke
    assert float(autosave_took) < 5.0
    # and what was typed is in the encrypted database only: not readable in the
    # database file, its WAL, or anything else pact wrote (home, XDG folders, temp)
    secret = "folder voor ouders"
    files = [p for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert db_file in files and any(p.name.endswith("-wal") for p in files), files
    forms = [f.encode(enc) for f in (secret, secret.upper()) for enc in ("utf-8", "utf-16-le")]
    leaks = [str(p) for p in files if any(f in p.read_bytes() for f in forms)]
    assert leaks == [], f"typed minutes readable in {leaks}"

    # the next start, the normal way: the recovered text is offered
    t1 = time.monotonic()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    app = start_app(db_file, first_user=False)
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: app.recovered_dialog is not None, timeout=10_000)
    dialog = app.recovered_dialog
    assert isinstance(dialog, RecoveredMinutesDialog)
    assert dialog.isVisible()
    assert len(dialog.boxes) == 1
    draft_id, box = next(iter(dialog.boxes.items()))
    assert box.draft.item_id == theme_id
    shown = dialog.findChild(QTextEdit, f"draft{draft_id}Text")
    assert shown is not None and shown.isReadOnly()
    assert shown.toPlainText() == "Afspraak: folder voor ouders in juli klaar."
    assert shown.document().toMarkdown().strip() == typed
    restore = dialog.findChild(QPushButton, f"restoreDraft{draft_id}")
    assert restore is not None
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=10_000)
    recovered = time.monotonic() - t1

    assert app.ctx is not None
    data = meetings.get_meeting(app.ctx.uow(), app.ctx.actor, meeting_id)
    item = next(i for i in data.items if i.id == theme_id)
    assert item.minutes == typed
    assert minutes.pending_drafts(app.ctx.uow(), app.ctx.actor) == []
    print(
        f"\ncrash test: setup+typing+autosave {started:.1f}s "
        f"(autosave {float(autosave_took):.2f}s after the last key), "
        f"restart+restore {recovered:.1f}s"
    )


def test_decide_later_offers_the_text_again(
    tmp_path: Path, qtbot: QtBot, start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Decide later" closes the dialog and changes nothing; Discard forgets the text."""
    db_file = tmp_path / "pact.db"
    db = create_database(db_file, Passphrase(PASSPHRASE))
    try:
        admin = add_first_user(db)
        made = build_meetings(build_world(db, admin))
        item_id = made.second.items[0].id
        minutes.save_draft(db.uow(), admin, item_id, "Welkom **iedereen**")
    finally:
        db.close()
    monkeypatch.setenv("PACT_PASSPHRASE", PASSPHRASE)
    app = start_app(db_file, first_user=False)
    qtbot.waitUntil(lambda: app.recovered_dialog is not None, timeout=30_000)
    dialog = app.recovered_dialog
    assert isinstance(dialog, RecoveredMinutesDialog)
    qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.recovered_dialog is None, timeout=5_000)
    assert app.ctx is not None
    drafts = minutes.pending_drafts(app.ctx.uow(), app.ctx.actor)
    assert [d.text for d in drafts] == ["Welkom **iedereen**"]
    # the saved minutes are shown beside the recovered text; Discard forgets it
    dialog = RecoveredMinutesDialog(app.ctx, drafts, app.window)
    qtbot.addWidget(dialog)
    dialog.show()
    saved = dialog.findChild(QTextEdit, f"draft{drafts[0].id}Saved")
    assert saved is not None and _("*Nothing saved yet.*").strip("*") in saved.toPlainText()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.boxes[drafts[0].id].discard_button, Qt.MouseButton.LeftButton)
    assert minutes.pending_drafts(app.ctx.uow(), app.ctx.actor) == []
