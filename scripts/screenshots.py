"""Take the README's screenshots in a real window under Xvfb.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py docs/screenshots

Creates a throwaway demo database (passphrase mode), takes the log-in dialog
(login.png) and the first-user dialog of a new database (first-run.png), opens pact
on it with the xcb platform as the demo's coordinator (PACT_USER and PACT_PASSWORD),
and saves PNGs of the partner
directory (main-window.png), the partner editor, "Who can help?", the start page
(dashboard.png), the case list, the Tukker case file (its consent tab and its
timeline), the next steps overview (next-steps.png), the agenda builder of the planned
meeting (agenda-builder.png), the minutes of a held meeting during the meeting
(minutes.png), the print preview of a redacted minutes edition (print-preview.png),
the first pages of an agenda, full minutes and a redacted edition rendered with
pdftoppm (page-*.png), the case file's disclosure record (case-disclosures.png),
the audit log as the demo's administrator (audit-view.png), the backups dialog
(backups.png), page 1 of the Tukker case's access export (access-export.png) and
the locked window (lock-screen.png).
The start screen of a computer without a database (start-screen.png) and the
connection dialog of a team server, empty and with an error (connect-server.png,
connect-server-error.png): shot_start_screen, shot_connect_server; the conflict
dialog when a colleague saved first (conflict-dialog.png): shot_conflict_dialog.
Also the retention area (retention-view.png, retention-confirm.png), an anonymised
case file (case-file-anonymised.png) and the erase dialog of a Meldcode case
(erase-dialog.png, erase-dialog-errors.png): shot_retention.
Look at them before committing. Only the start-up dialogs, or only the retention
shots, by name:

    ... scripts/screenshots.py OUT login first-run
    ... scripts/screenshots.py OUT start-screen connect-server
    ... scripts/screenshots.py OUT retention-view erase-dialog
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
out.mkdir(parents=True, exist_ok=True)
work = Path(tempfile.mkdtemp(prefix="pact-shots-"))
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    (work / var).mkdir()
    os.environ[var] = str(work / var)
os.environ["PACT_PASSPHRASE"] = "screenshots only, not secret"
os.environ["PACT_USER"] = "coordinator"  # the demo's pact coordinator: no user dialog
os.environ["PACT_PASSWORD"] = "pact-demo-2026"  # every demo account's (auth.DEMO_PASSWORD)
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
db_path = work / "demo.db"
subprocess.run(
    [sys.executable, "-m", "pact", "demo", "--db", str(db_path)],
    check=True,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL,
)

from PySide6.QtWidgets import QApplication  # noqa: E402

from pact import config  # noqa: E402
from pact.services import demo  # noqa: E402
from pact.ui.app import PactApp, apply_language  # noqa: E402

app = QApplication(sys.argv[:1])
app.setOrganizationName("pact")
app.setApplicationName("pact")
app.setQuitOnLastWindowClosed(False)
apply_language(config.Settings.load().language)


# -- the start-up dialogs, each on a controller of its own: the log-in dialog
# (login.png) and the first user of a new database (first-run.png). Named after the
# output folder (`screenshots.py OUT login first-run`) only these are taken.
def _pump(limit: float, until: object = None) -> None:
    """Process events for ``limit`` seconds, or until ``until()`` is true."""
    end = time.monotonic() + limit
    while time.monotonic() < end and not (until is not None and until()):  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.02)


def _quit_startup(controller: PactApp) -> None:
    if controller.dialog is not None:
        controller.dialog.reject()  # Quit: closes the database
    _pump(30, lambda: controller.exit_code is not None)
    controller.status.close()


def shot_login() -> None:
    """The log-in dialog as it opens on the demo database, the user name filled in
    (PACT_USER, without PACT_PASSWORD), the password being typed."""
    from pact.ui.dialogs.login import LoginDialog

    password = os.environ.pop("PACT_PASSWORD", None)
    try:
        controller = PactApp(db_path)
        controller.start()
        _pump(60, lambda: isinstance(controller.dialog, LoginDialog))
        dialog = controller.dialog
        assert isinstance(dialog, LoginDialog), "the log-in dialog did not appear"
        dialog.password_edit.setText("pact-demo")
        _pump(0.8)
        dialog.grab().save(str(out / "login.png"))
        _quit_startup(controller)
    finally:
        if password is not None:
            os.environ["PACT_PASSWORD"] = password


def shot_first_run() -> None:
    """A new database: the first user types their details and a password twice."""
    from pact.ui.dialogs.first_user import FirstUserDialog

    controller = PactApp(work / "first-run.db")
    controller.start()
    _pump(60, lambda: isinstance(controller.dialog, FirstUserDialog))
    dialog = controller.dialog
    assert isinstance(dialog, FirstUserDialog), "the first-user dialog did not appear"
    form = dialog.form
    form.username_edit.setText("i.kamphuis")
    form.display_name_edit.setText("Ilse Kamphuis")
    assert form.passwords is not None and form.passwords.repeat_edit is not None
    form.passwords.edit.setText("Zomer in Delden, 1999")
    form.passwords.repeat_edit.setText("Zomer in Delden, 1999")
    form.passwords.repeat_edit.setFocus()
    _pump(0.8)
    dialog.grab().save(str(out / "first-run.png"))
    _quit_startup(controller)


def shot_start_screen() -> None:
    """The start screen of a computer without a database and without a usable keyring
    (the passphrase form), with its buttons to restore a backup or connect to a team
    server (start-screen.png)."""
    from pact.ui.dialogs.create_database import CreateDatabaseDialog

    passphrase = os.environ.pop("PACT_PASSPHRASE", None)
    try:
        controller = PactApp(work / "start-screen" / "pact.db")
        controller.start()
        _pump(60, lambda: isinstance(controller.dialog, CreateDatabaseDialog))
        dialog = controller.dialog
        assert isinstance(dialog, CreateDatabaseDialog), "the start screen did not appear"
        _pump(0.8)
        dialog.grab().save(str(out / "start-screen.png"))
        _quit_startup(controller)
    finally:
        if passphrase is not None:
            os.environ["PACT_PASSPHRASE"] = passphrase


def shot_connect_server() -> None:
    """The connection dialog as ``pact --server`` opens it without an address
    (connect-server.png), then with a server that does not answer on its port: the
    message under the server's name (connect-server-error.png)."""
    import socket

    from pact.ui.dialogs.connect_server import ConnectServerDialog

    controller = PactApp(work / "connect" / "pact.db", server="")
    controller.start()
    _pump(30, lambda: isinstance(controller.dialog, ConnectServerDialog))
    dialog = controller.dialog
    assert isinstance(dialog, ConnectServerDialog), "the connection dialog did not appear"
    _pump(0.8)
    dialog.grab().save(str(out / "connect-server.png"))
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(port)
    dialog.database_edit.setText("pact")
    dialog.user_edit.setText("wijkteam")
    dialog.connect_now()
    _pump(20, lambda: not dialog.is_busy())
    _pump(0.8)
    dialog.grab().save(str(out / "connect-server-error.png"))
    _quit_startup(controller)


def shot_conflict_dialog() -> None:
    """The conflict dialog as a welfare worker meets it when a colleague saved the
    same child's details three minutes before her (conflict-dialog.png)."""
    from datetime import UTC, datetime, timedelta

    from pact.errors import ConflictError
    from pact.i18n import _
    from pact.ui.dialogs.conflict import ConflictDialog, Difference

    exc = ConflictError(
        _("Someone else changed this child's details. Reload the case first."),
        who="Wendy Wolters",
        at=datetime.now(UTC) - timedelta(minutes=3),
        record_type="case",
        record_id="4",
        user_id=2,
    )
    dialog = ConflictDialog(
        exc,
        [
            Difference(
                _("Notes"),
                "Vader woont voorlopig apart. Wesley is vaker afwezig op maandag.",
                "Wesley praat elke week kort met de IB'er; hij geeft zijn thuis een 5,5.",
                "notes",
            ),
            Difference(
                _("School"),
                "Basisschool De Wilgenhoek",
                "Basisschool Het Kompas",
                "school_id",
            ),
        ],
        _("this child's details"),
        me_id=1,
    )
    dialog.show()
    _pump(0.8)
    dialog.grab().save(str(out / "conflict-dialog.png"))
    dialog.close()


STARTUP_SHOTS = {
    "login": shot_login,
    "first-run": shot_first_run,
    "start-screen": shot_start_screen,
    "connect-server": shot_connect_server,
    "conflict-dialog": shot_conflict_dialog,
}
only = sys.argv[2:]
for shot_name, shot in STARTUP_SHOTS.items():
    if not only or shot_name in only:
        shot()
# shots of the main window that may also be asked for by name (the retention area:
# shot_retention below)
WINDOW_SHOTS = (
    "retention-view",
    "retention-confirm",
    "case-file-anonymised",
    "erase-dialog",
    "erase-dialog-errors",
)
if only and not set(only) & set(WINDOW_SHOTS):
    print("\n".join(str(out / f"{n}.png") for n in only if n in STARTUP_SHOTS))
    sys.exit(0)

ctl = PactApp(db_path)
ctl.start()


def settle(seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


deadline = time.monotonic() + 60
while ctl.window is None or not ctl.window.isVisible():
    if time.monotonic() > deadline:
        sys.exit("the main window did not appear")
    app.processEvents()
    time.sleep(0.05)
window = ctl.window
window.resize(1360, 860)


def shot_retention() -> None:
    """The retention area with cases past their term (retention-view.png), its
    confirmation (retention-confirm.png), an anonymised case file
    (case-file-anonymised.png) and the erase dialog of a Meldcode case
    (erase-dialog.png). The demo's cases closed only months ago: on this throwaway
    copy the term is set to 1 year and the clock moved on 400 days (both undone)."""
    from datetime import timedelta

    from PySide6.QtCore import QItemSelectionModel

    from pact.services import cases as case_svc
    from pact.services import clock, retention
    from pact.ui.dialogs.erase_case import EraseCaseDialog

    me = window.ctx.actor
    uow = window.ctx.uow
    real_today = clock.today
    clock.today = lambda: real_today() + timedelta(days=400)  # type: ignore[assignment]
    try:
        retention.set_years(uow(), me, 1)
        view = window.retention
        assert view is not None
        window.show_area("retention")
        deadline = time.monotonic() + 30
        while (view.model.busy or not view.model.has_loaded) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        settle(0.5)
        if view.model.rowCount() > 1:
            view.table.selectRow(0)
            view.table.selectionModel().select(
                view.model.index(1, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        settle(0.8)
        window.grab().save(str(out / "retention-view.png"))
        view.ask_anonymise()
        settle(0.8)
        if view.confirm_box is not None:
            view.confirm_box.grab().save(str(out / "retention-confirm.png"))
            view.confirm_box.reject()
        # an anonymised case file: a closed case of the coordinator's own
        own = [
            r
            for r in case_svc.list_cases(uow(), me, case_svc.CaseFilter(status="closed"))
            if r.id in {d.case_id for d in retention.list_due(uow(), me)}
        ]
        for row in own:
            try:
                case_svc.get_case(uow(), me, row.id, opening=False)
            except Exception:
                continue
            retention.anonymise(uow(), me, [row.id])
            window.open_case(row.id, "family")
            deadline = time.monotonic() + 30
            while window.cases.showing_case() != row.id and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.05)
            settle(1.2)
            window.grab().save(str(out / "case-file-anonymised.png"))
            break
    finally:
        clock.today = real_today  # type: ignore[assignment]
        retention.set_years(uow(), me, retention.DEFAULT_YEARS)
    # the erase dialog of a Meldcode case, a reason typed
    for row in case_svc.list_cases(uow(), me, case_svc.CaseFilter(status=None), limit=100):
        info = retention.erasure_info(uow(), me, row.id)
        if info.keep_reasons and not info.anonymised_on:
            dialog = EraseCaseDialog(window.ctx, info, window)
            dialog.show()
            dialog.reason_edit.setPlainText("Brief van beide ouders, afgegeven op het spreekuur")
            dialog.justification_edit.setFocus()
            settle(1.0)
            dialog.grab().save(str(out / "erase-dialog.png"))
            dialog.accept()  # no justification yet: the message next to its field
            deadline = time.monotonic() + 30
            while not dialog.error_of("justification") and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.05)
            settle(0.8)
            dialog.grab().save(str(out / "erase-dialog-errors.png"))
            dialog.discard()
            break


if only:
    shot_retention()
    window._discard_changes = True
    window.close()
    settle(0.5)
    print("\n".join(str(out / f"{n}.png") for n in only))
    sys.exit(0)
window.show_area("partners")
settle()
view = window.partners
model = view.table.model()
for row in range(model.rowCount()):
    if model.index(row, 0).data() == "Basisschool De Wilgenhoek":
        view.table.selectRow(row)
        break
settle(1.0)
window.grab().save(str(out / "main-window.png"))
bar = view.editor.scroll_area.verticalScrollBar()
bar.setValue(bar.maximum())
settle()
view.editor.grab().save(str(out / "partner-editor.png"))

window.show_area("who_can_help")
who = window.who_can_help
index = who.municipality_combo.findText("Hengelo")
who.municipality_combo.setCurrentIndex(index)
for code in ("relational", "child_school"):
    who.domain_checks[code].setChecked(True)
settle(1.0)
window.grab().save(str(out / "who-can-help.png"))

window.show_area("start")
dashboard = window.dashboard
loaded = []
dashboard.loaded.connect(lambda: loaded.append(1))
dashboard.refresh()
deadline = time.monotonic() + 30
while not loaded and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.05)
settle(1.0)
window.grab().save(str(out / "dashboard.png"))

# the case list, then the Tukker case file: its consent tab and its timeline
window.show_area("cases")
cases = window.cases
deadline = time.monotonic() + 30
while (cases.model.busy or not cases.model.rowCount()) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.05)
settle(1.0)
window.grab().save(str(out / "case-list.png"))
tukker = next(
    cases.model.row(i).id
    for i in range(cases.model.rowCount())
    if cases.model.row(i).alias == demo.TUKKER_ALIAS
)
cases.show_case(tukker)
deadline = time.monotonic() + 30
while cases.showing_case() != tukker and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.05)
settle(1.0)
cases.case_file.show_tab("consent")
settle(1.0)
window.grab().save(str(out / "case-file.png"))
cases.case_file.show_tab("timeline")
settle(1.0)
window.grab().save(str(out / "case-timeline.png"))

# the next steps overview: every open next step, the overdue ones first, the top one current
window.show_area("next_steps")
steps = window.next_steps
deadline = time.monotonic() + 30
while (steps.model.busy or not steps.model.has_loaded) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.05)
settle(1.0)
if steps.model.rowCount():
    steps.table.selectRow(0)
settle(0.5)
window.grab().save(str(out / "next-steps.png"))

# meetings: the planned meeting's agenda (its case item with the consent warning)
window.show_area("meetings")
view = window.meetings


def wait_for(cond: object, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not cond() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.05)


wait_for(lambda: view.model.has_loaded)
if view.model.rowCount():
    view.table.selectRow(0)  # "Upcoming": the planned meeting comes first
wait_for(lambda: view.page.data is not None)
settle(1.0)
page = view.page
page.show_tab("agenda")
data = page.data
if data is not None:
    case_items = [i for i in data.items if i.consent is not None and i.consent.uncovered]
    if case_items:
        page.agenda.select_item(case_items[0].id)
settle(1.0)
window.grab().save(str(out / "agenda-builder.png"))

# the minutes of the last held network meeting, at its theme item
view.when.setCurrentIndex(view.when.findData("past"))
wait_for(lambda: view.model.rowCount() > 0 and view.model.meeting_filter.when == "past")
settle(0.5)
for row in range(view.model.rowCount()):
    if view.model.row(row).kind == "network":
        view.table.selectRow(row)
        break
held_id = view.model.row(row).id if view.model.rowCount() else None
wait_for(lambda: page.data is not None and page.data.id == held_id)
settle(0.5)
page.show_tab("minutes")
if page.data is not None:
    themes = [i for i in page.data.items if i.kind == "theme" and i.minutes]
    if themes:
        page.minutes.show_item(themes[0].id)
settle(1.0)
window.grab().save(str(out / "minutes.png"))

# printed documents: find a held meeting with a case item and a recipient that may not
# read that case (its redacted edition), print-preview that, and render pages as PNGs
from pact.services import documents, meetings  # noqa: E402

ctx = window.ctx
me = ctx.actor
chosen = None
for row in meetings.list_meetings(ctx.uow(), me, meetings.MeetingFilter(when="past")):
    full = meetings.get_meeting(ctx.uow(), me, row.id)
    if full.status == "cancelled" or not any(i.case_id for i in full.items) or not full.may_run:
        continue
    people = documents.recipients(ctx.uow(), me, row.id)
    editions = documents.prepare(
        ctx.uow(), me, row.id, "minutes", [p.organisation_id for p in people]
    )
    codes = {i.case_code for i in full.items if i.case_id}
    redacted = [e for e in editions if not codes <= set(e.case_codes)]
    if redacted:
        chosen = (full, redacted[0])
        break
if chosen is not None:
    held, redacted_edition = chosen
    view.when.setCurrentIndex(view.when.findData("all"))
    wait_for(lambda: view.model.rowCount() > 0 and view.model.meeting_filter.when == "all")
    for row in range(view.model.rowCount()):
        if view.model.row(row).id == held.id:
            view.table.selectRow(row)
            break
    wait_for(lambda: page.data is not None and page.data.id == held.id)
    settle(0.5)
    preview = page.print_preview("minutes")
    assert preview is not None
    wait_for(lambda: preview.recipient.count() > 1)
    preview.recipient.setCurrentIndex(preview.recipient.findData(redacted_edition.recipient_org_id))
    wait_for(lambda: preview.rendered is not None)
    settle(1.5)
    preview.grab().save(str(out / "print-preview.png"))
    preview.save_edition(str(work / "redacted.pdf"))
    settle(1.0)
    preview.close()
    pages = work / "pages"
    pages.mkdir()
    for name, document, org in (
        ("agenda", "agenda", None),
        ("minutes-full", "minutes", None),
        ("minutes-redacted", "minutes", redacted_edition.recipient_org_id),
    ):
        [edition] = documents.prepare(ctx.uow(), me, held.id, document, [org])
        pdf = pages / f"{name}.pdf"
        pdf.write_bytes(documents.render(edition).pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(out / f"page-{name}")],
            check=True,
        )  # fmt: skip
    # the Tukker case file shows where its details went: the minutes of its case
    # consultation, saved in full and printed for each involved partner
    consultation = next(
        m
        for m in meetings.list_meetings(ctx.uow(), me, meetings.MeetingFilter(when="past"))
        if m.kind == "case"
        and any(i.case_id == tukker for i in meetings.get_meeting(ctx.uow(), me, m.id).items)
    )
    [full_edition] = documents.prepare(ctx.uow(), me, consultation.id, "minutes", [None])
    documents.save_pdf(ctx.uow(), me, documents.render(full_edition), work / "full.pdf")
    people = documents.recipients(ctx.uow(), me, consultation.id)
    for one in documents.prepare(
        ctx.uow(), me, consultation.id, "minutes", [p.organisation_id for p in people]
    ):
        if one.case_codes:
            documents.record(ctx.uow(), me, documents.render(one), "printer", "Kantoor-printer")
    case_id = tukker
    window.show_area("cases")
    cases.show_case(case_id)
    wait_for(lambda: cases.showing_case() == case_id)
    settle(1.0)
    cases.case_file.show_tab("disclosures")
    settle(0.8)
    window.grab().save(str(out / "case-disclosures.png"))

# the audit log, as the demo's administrator (who sees users, settings and the log, no
# case): a main window of its own, logged in through the service; the log checked
from pact.services import auth  # noqa: E402
from pact.ui.context import AppContext  # noqa: E402
from pact.ui.main_window import MainWindow  # noqa: E402

admin = auth.login(ctx.uow(), "admin", auth.DEMO_PASSWORD)
admin_window = MainWindow(AppContext(ctx.db, ctx.mode, admin), demo=True)
admin_window.resize(1360, 860)
admin_window.show()
admin_window.show_area("audit")
log_view = admin_window.audit
assert log_view is not None
wait_for(lambda: log_view.model.has_loaded and not log_view.model.busy)
log_view.verify()
wait_for(lambda: bool(log_view.message.message()))
for row in range(log_view.model.rowCount()):
    if log_view.model.row(row).detail:  # an entry with a detail, shown whole below
        log_view.table.selectRow(row)
        break
settle(1.0)
admin_window.grab().save(str(out / "audit-view.png"))
admin_window._discard_changes = True
admin_window.close()


def shot_backups() -> None:
    """File → Backups… of the coordinator, after the first daily backup to a USB stick
    (backups.png)."""
    from pact.services import backup as backups
    from pact.ui.dialogs.backups import BackupDialog

    stick = work / "USB-stick" / "pact-back-ups"
    stick.mkdir(parents=True)
    backups.save_schedule(ctx.uow(), ctx.actor, True, str(stick), 7)
    backups.run_scheduled(ctx.db, ctx.actor)
    window.open_backups()
    dialog = window.open_dialog
    assert isinstance(dialog, BackupDialog)
    wait_for(lambda: dialog.status is not None)
    settle(1.0)
    dialog.grab().save(str(out / "backups.png"))
    dialog.close()


shot_backups()


shot_retention()


def shot_access_export() -> None:
    """Page 1 of the Tukker case's access export (AVG article 15), made by the service
    as the case file's button makes it and rendered with pdftoppm (access-export.png)."""
    from pact.services import subject_access

    folder = work / "access-export"
    folder.mkdir()
    files = subject_access.export_files(ctx.uow(), ctx.actor, tukker, folder)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(files.pdf),
         str(out / "access-export")],
        check=True,
    )  # fmt: skip


shot_access_export()


def shot_lock_screen() -> None:
    """The coordinator's window locked (Ctrl+L): nothing of the data, the password
    field (lock-screen.png)."""
    window.show_area("cases")
    settle(0.5)
    window.lock()
    settle(1.0)
    window.grab().save(str(out / "lock-screen.png"))


shot_lock_screen()
window._discard_changes = True
window.close()
settle(0.5)
print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
