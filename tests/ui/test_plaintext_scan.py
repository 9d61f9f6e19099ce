"""After a real GUI session that creates its first user and a partner, none of their
names, e-mail addresses or phone numbers may be readable in any file pact wrote: the database,
its WAL, or anything in pact's data, config, cache, state (log) and temp folders.

The session runs in a separate process with its own XDG folders, driven through
the widgets, and the files are scanned twice: while pact is still running (the
WAL holds the fresh pages) and after it has quit.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pact.db.database import open_database
from pact.db.engine import Passphrase
from pact.services import partners, users
from pact.services.auth import DEMO_PASSWORD

from .gui_process import driver, private_session

PASSPHRASE = "plaintext-scan passphrase"
SECRETS = {
    "organisation name": "Vechtscheidingsloket Zuidkamp",
    "organisation e-mail": "geheim.adres@zuidkamp-loket.nl",
    "organisation phone": "053 7654321",
    "contact name": "Hendrikje Wolterink",
    "contact e-mail": "h.wolterink@zuidkamp-loket.nl",
    "contact phone": "06 98765432",
    "user's name": "Geertruida Zwiersema",
    "user's password": "Ganzenbord-op-zondag-42",
}

DRIVER = driver(
    """
    secrets = dict(arg.split("=", 1) for arg in sys.argv[2:])

    # a new database: who is going to work with it (the first user)
    from pact.ui.dialogs.first_user import FirstUserDialog
    wait(lambda: isinstance(ctl.dialog, FirstUserDialog) and ctl.dialog.isVisible(),
         "the first-user dialog")
    form = ctl.dialog.form
    QTest.keyClicks(form.username_edit, "g.zwiersema")
    QTest.keyClicks(form.display_name_edit, secrets["user's name"])
    QTest.keyClicks(form.passwords.edit, secrets["user's password"])
    QTest.keyClicks(form.passwords.repeat_edit, secrets["user's password"])
    QTest.keyClick(form.passwords.repeat_edit, Qt.Key.Key_Return)
    wait(lambda: ctl.window is not None and ctl.window.isVisible(), "the main window")
    window = ctl.window
    window.new_partner()
    from pact.ui.views.partners import PartnersView
    view = window.findChild(PartnersView)
    ed = view.editor
    QTest.keyClicks(ed.name_edit, secrets["organisation name"])
    ed.sector_combo.setCurrentIndex(ed.sector_combo.findData("welfare"))
    QTest.keyClicks(ed.phone_edit, secrets["organisation phone"])
    QTest.keyClicks(ed.email_edit, secrets["organisation e-mail"])
    QTest.mouseClick(ed.add_contact_button, Qt.MouseButton.LeftButton)
    QTest.keyClicks(ed.contact_name, secrets["contact name"])
    QTest.keyClicks(ed.contact_email, secrets["contact e-mail"])
    QTest.keyClicks(ed.contact_phone, secrets["contact phone"])
    window.save()
    wait(lambda: not view.has_unsaved_changes(), "the save")
    ops.wait_idle()
    # search for it too, as a worker would
    window.find_partner()
    QTest.keyClicks(view.search_edit, secrets["contact name"].split()[0])
    wait(lambda: view.table.model().rowCount() == 1, "the filtered list")
    (handshake / "saved").write_text("1")
    wait(lambda: (handshake / "scanned").exists(), "the first scan", 120.0)
    window.close()
    wait(lambda: ctl.exit_code is not None, "pact to quit")
    sys.exit(ctl.exit_code)
    """
)


def _variants(text: str) -> list[bytes]:
    forms = {text, text.lower(), text.upper(), text.replace(" ", "")}
    out: list[bytes] = []
    for form in forms:
        out += [form.encode("utf-8"), form.encode("utf-16-le"), form.encode("utf-16-be")]
    return out


def _scan(folders: list[Path]) -> list[str]:
    found = []
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert files, "the session wrote no files at all"
    for path in files:
        data = path.read_bytes()
        for label, secret in SECRETS.items():
            if any(v in data for v in _variants(secret)):
                found.append(f"{label} in {path}")
    return found


@pytest.mark.slow
def test_no_partner_detail_in_plaintext_anywhere(tmp_path: Path) -> None:
    dirs, env, handshake = private_session(tmp_path, PASSPHRASE)
    args = [sys.executable, "-c", DRIVER, str(handshake)]
    args += [f"{k}={v}" for k, v in SECRETS.items()]
    proc = subprocess.Popen(
        args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while not (handshake / "saved").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                _out, err = proc.communicate(timeout=10)
                pytest.fail(f"GUI session ended early ({proc.returncode}): {err.decode()[-2000:]}")
            time.sleep(0.1)
        db_file = dirs["XDG_DATA_HOME"] / "pact" / "pact.db"
        wal = db_file.with_name("pact.db-wal")
        assert db_file.exists() and wal.exists() and wal.stat().st_size > 0
        running = _scan(list(dirs.values()))
        (handshake / "scanned").write_text("1")
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert running == []
    assert _scan(list(dirs.values())) == []

    # the partner really was saved (so the scan looked at files that hold it)
    db = open_database(db_file, Passphrase(PASSPHRASE))
    try:
        rows = partners.list_organisations(db.uow(), partners.PartnerFilter(text="Zuidkamp"))
        assert [r.name for r in rows] == [SECRETS["organisation name"]]
        detail = partners.get_organisation(db.uow(), rows[0].id)
        assert detail.contacts[0].email == SECRETS["contact e-mail"]
        assert [u.display_name for u in users.list_users(db.uow())] == [SECRETS["user's name"]]
    finally:
        db.close()


DEMO_DRIVER = driver(
    """
    from pact.services import demo

    def settle(seconds=0.5):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(); time.sleep(0.02)

    # PACT_USER=worker: the school's internal coach, who sees the Tukker case
    wait(lambda: ctl.window is not None and ctl.window.isVisible(), "the main window")
    window = ctl.window
    settle()
    window.show_area("cases")
    view = window.cases
    table = view.table
    # a worker looks the family up by its name, as people do
    window.find_case()
    QTest.keyClicks(view.search_edit, demo.TUKKER_FAMILY)
    wait(lambda: table.model().rowCount() == 1 and not view.model.busy, "the found case")
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key.Key_Return)
    wait(lambda: view.showing_case() is not None, "the case file")
    file = view.case_file
    for key in file.TAB_KEYS:
        file.show_tab(key)
        settle(0.4)
    window.show_area("start")
    settle(1.0)
    ops.wait_idle()
    (handshake / "looked").write_text("1")
    wait(lambda: (handshake / "scanned").exists(), "the first scan", 120.0)
    window.close()
    wait(lambda: ctl.exit_code is not None, "pact to quit")
    sys.exit(ctl.exit_code)
    """
)


@pytest.mark.slow
def test_no_demo_child_or_family_name_in_plaintext_after_a_gui_session(tmp_path: Path) -> None:
    """The demo's children and families (demo.SENSITIVE_NAMES) stay inside the encrypted
    database while a worker searches a family by name, reads its case file tab by tab
    and looks at the start page: nothing in the WAL, log, settings, cache or temp."""
    from pact.services import demo

    dirs, env, handshake = private_session(tmp_path, PASSPHRASE)
    db_file = dirs["XDG_DATA_HOME"] / "pact" / "pact.db"
    made = subprocess.run(
        [sys.executable, "-m", "pact", "demo", "--db", str(db_file)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert made.returncode == 0, made.stderr.decode()[-2000:]
    env["PACT_USER"] = demo.WORKER
    env["PACT_PASSWORD"] = DEMO_PASSWORD
    names = re.compile(
        b"|".join(re.escape(v) for name in demo.SENSITIVE_NAMES for v in _variants(name))
    )

    def scan() -> list[str]:
        found = []
        files = [p for folder in dirs.values() for p in folder.rglob("*") if p.is_file()]
        assert db_file in files
        for path in files:
            found += [f"{m.group()!r} in {path}" for m in names.finditer(path.read_bytes())]
        return found

    proc = subprocess.Popen(
        [sys.executable, "-c", DEMO_DRIVER, str(handshake)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (handshake / "looked").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                _out, err = proc.communicate(timeout=10)
                pytest.fail(f"GUI session ended early ({proc.returncode}): {err.decode()[-2000:]}")
            time.sleep(0.1)
        running = scan()
        (handshake / "scanned").write_text("1")
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert running == []
    assert scan() == []
    # the settings were written (so the scan looked at them) and hold no search text
    assert any(dirs["XDG_CONFIG_HOME"].rglob("*"))
