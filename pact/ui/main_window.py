"""The main window: a navigation of the areas, menus, status bar.

The window does not own the database: the start-up controller (pact.ui.app)
does, and rebuilds this window when the language or the acting user changes.

Areas: Start (the dashboard), Cases, Partners, Who can help?, Retention (for
coordinators), and Users and the Audit log (for administrators). Ctrl+1 … go to an
area; Ctrl+N and Ctrl+F act on the current area (new / find a case, a partner or a
user).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import N_, _
from pact.ui.backup_schedule import BackupScheduler
from pact.ui.context import AppContext
from pact.ui.dialogs.about import AboutDialog
from pact.ui.dialogs.backups import BackupDialog
from pact.ui.dialogs.change_password import ChangePasswordDialog
from pact.ui.dialogs.connect_server import server_backups_text
from pact.ui.dialogs.settings import SettingsDialog, key_mode_text
from pact.ui.dialogs.user_editor import role_names
from pact.ui.live import LiveWatcher
from pact.ui.views.audit import AuditView
from pact.ui.views.cases import CasesView
from pact.ui.views.dashboard import DashboardView
from pact.ui.views.meetings import MeetingsView
from pact.ui.views.next_steps import NextStepsView
from pact.ui.views.partners import PartnersView
from pact.ui.views.retention import RetentionView
from pact.ui.views.users import UsersView
from pact.ui.views.who_can_help import WhoCanHelpView
from pact.ui.widgets.connection_banner import ConnectionBanner
from pact.ui.widgets.lock import LockController

SETTINGS_ORG = "pact"
SETTINGS_APP = "pact"
AREAS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start")),
    ("cases", N_("Cases")),
    ("meetings", N_("Meetings")),
    ("next_steps", N_("Next steps")),
    ("partners", N_("Partners")),
    ("who_can_help", N_("Who can help?")),
    ("retention", N_("Retention")),  # coordinators only
    ("users", N_("Users")),  # administrators only
    ("audit", N_("Audit log")),  # administrators only
)
# what Ctrl+N and Ctrl+F do in each area: new / find a case, partner or user
AREA_KIND = {
    "start": "case",
    "cases": "case",
    "meetings": "meeting",
    "next_steps": "next_step",
    "partners": "partner",
    "who_can_help": "partner",
    "retention": "case",
    "users": "user",
    "audit": "audit",
}
KEY_ROLE = Qt.ItemDataRole.UserRole


SAVE_WAIT_MS = 10_000
SAVE_POLL_MS = 100


def qsettings() -> QSettings:
    """Window geometry and similar; never anything sensitive."""
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


class ElidedLabel(QLabel):
    """A one-line label that elides in the middle instead of widening the window;
    ``text()`` keeps the full text."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        elided = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, rect.width()
        )
        painter.drawText(rect, int(self.alignment()), elided)


class MainWindow(QMainWindow):
    closed = Signal()  # the person closed the window: quit pact
    language_requested = Signal()  # the settings chose another language: rebuild
    log_out_requested = Signal()  # File → Log out: ask the log-in dialog again
    # File → Backups → Restore: (backup file, typed key or "", the restore dialog)
    restore_requested = Signal(object, str, object)

    def __init__(self, ctx: AppContext, demo: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.demo = demo
        self._closing_for_rebuild = False
        self._discard_changes = False
        self.settings_dialog: SettingsDialog | None = None
        self.open_dialog: QDialog | None = None  # the last dialog opened (tests use it)
        title = _("pact: {name}").format(name=ctx.db.name())
        self.setWindowTitle(_("{title} (DEMO)").format(title=title) if demo else title)

        # -- areas
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("areaStack")
        self.dashboard = DashboardView(ctx, self.stack)
        self.dashboard.open_case.connect(self.open_case)
        self.dashboard.new_case_requested.connect(self.new_case)
        self.cases = CasesView(ctx, self.stack)
        self.meetings = MeetingsView(ctx, self.stack)
        self.meetings.open_case.connect(self.open_case)
        self.next_steps = NextStepsView(ctx, self.stack)
        self.next_steps.open_case.connect(self.open_case)
        self.partners = PartnersView(ctx, self.stack)
        self.who_can_help = WhoCanHelpView(ctx, self.stack)
        self.who_can_help.open_partner.connect(self.open_partner)
        self.users: UsersView | None = None
        self.audit: AuditView | None = None
        self._areas: dict[str, QWidget] = {
            "start": self.dashboard,
            "cases": self.cases,
            "meetings": self.meetings,
            "next_steps": self.next_steps,
            "partners": self.partners,
            "who_can_help": self.who_can_help,
        }
        self.retention: RetentionView | None = None
        if ctx.actor.is_coordinator:
            self.retention = RetentionView(ctx, self.stack)
            self.retention.open_case.connect(self.open_case)
            self._areas["retention"] = self.retention
        if ctx.actor.is_administrator:
            self.users = UsersView(ctx, self.stack)
            self._areas["users"] = self.users
            self.audit = AuditView(ctx, self.stack)
            self._areas["audit"] = self.audit
        self.areas: tuple[tuple[str, str], ...] = tuple(
            (key, label) for key, label in AREAS if key in self._areas
        )
        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName(_("Areas of pact"))
        for n, (key, label) in enumerate(self.areas, start=1):
            item = QListWidgetItem(_(label))
            item.setData(KEY_ROLE, key)
            item.setToolTip(_("{area} (Ctrl+{n})").format(area=_(label), n=n))
            self.navigation.addItem(item)
            self.stack.addWidget(self._areas[key])
        font = self.navigation.font()
        font.setPointSize(font.pointSize() + 1)
        self.navigation.setFont(font)
        self.navigation.setStyleSheet("QListWidget#navigation::item { padding: 6px 8px; }")
        self.navigation.setMinimumWidth(150)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 900])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # the team's server cannot be reached (pact.ui.live): over everything else
        self.connection_banner = ConnectionBanner(central)
        layout.addWidget(self.connection_banner)
        self.demo_banner: QLabel | None = None
        if demo:
            banner = QLabel(_("DEMO: fictional data, not for real families"), central)
            banner.setObjectName("demoBanner")
            banner.setAccessibleName(_("Demo database"))
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            banner.setStyleSheet(
                "QLabel#demoBanner { background: #c62828; color: white; font-weight: bold;"
                " padding: 6px; letter-spacing: 1px; }"
            )
            layout.addWidget(banner)
            self.demo_banner = banner
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        # Ctrl+L and minutes without input: the lock screen in place of the content
        self.locker = LockController(self)
        self.backups: BackupScheduler | None = None

        self._build_menus()
        self._build_status_bar()
        if ctx.actor.is_coordinator or ctx.actor.is_administrator:
            # daily backups run for the keepers of the data, who see their status
            self.backups = BackupScheduler(self)
        self.navigation.currentRowChanged.connect(self._area_changed)
        self.navigation.setCurrentRow(0)
        self._area_changed(0)
        ctx.changed.connect(self._context_changed)
        # other workstations' changes, and the connection to the team's server
        self.live = LiveWatcher(ctx, self)
        self.live.lost.connect(self._connection_lost)
        self.live.offline_storage.connect(self._offline_storage)
        self.live.restored.connect(self._connection_restored)
        self.connection_banner.retry_requested.connect(self.live.poll_now)
        self.resize(1180, 760)
        self.restore_state()

    # -- menus
    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(_("&File"))
        self.file_menu.setObjectName("fileMenu")
        self.edit_menu = bar.addMenu(_("&Edit"))
        self.edit_menu.setObjectName("editMenu")
        self.help_menu = bar.addMenu(_("&Help"))
        self.help_menu.setObjectName("helpMenu")

        # Ctrl+N and Ctrl+F belong to the action of the current area (_area_changed)
        self.action_new_case = self._action(
            "actionNewCase", _("&Register a case…"), self.new_case, tip=_("Register a new case")
        )
        self.action_new_meeting: QAction | None = None
        if self.ctx.actor.is_coordinator:
            self.action_new_meeting = self._action(
                "actionNewMeeting",
                _("Plan a &meeting…"),
                self.new_meeting,
                tip=_("Plan a network meeting or case consultation"),
            )
        self.action_new = self._action(
            "actionNewPartner",
            _("&New partner"),
            self.new_partner,
            tip=_("Add a partner organisation"),
        )
        self.action_new_user: QAction | None = None
        if self.users is not None:
            self.action_new_user = self._action(
                "actionNewUser", _("New &user…"), self.new_user, tip=_("Add a user of pact")
            )
        self.action_import = self._action(
            "actionImport", _("&Import partners (CSV)…"), self.import_csv
        )
        self.action_export = self._action(
            "actionExport", _("E&xport partners (CSV)…"), self.export_csv
        )
        # nothing to export in an empty directory
        self.action_export.setEnabled(self.partners.has_partners)
        self.partners.has_partners_changed.connect(self.action_export.setEnabled)
        self.action_change_password = self._action(
            "actionChangePassword",
            _("Change &password…"),
            self.change_password,
            tip=_("Choose a new password for logging in"),
        )
        self.action_log_out = self._action(
            "actionLogOut",
            _("Log &out / log in as someone else"),
            self.log_out,
            tip=_("Log out, so that you or someone else can log in"),
        )
        self.action_lock = self._action(
            "actionLock",
            _("&Lock"),
            self.lock,
            "Ctrl+L",
            tip=_("Hide everything until your password is typed again"),
        )
        self.action_settings = self._action("actionSettings", _("&Settings…"), self.open_settings)
        self.action_backups: QAction | None = None
        if self.ctx.actor.is_coordinator or self.ctx.actor.is_administrator:
            self.action_backups = self._action(
                "actionBackups",
                _("&Backups…"),
                self.open_backups,
                tip=_("Make a backup, plan daily backups or restore one"),
            )
            if not self.ctx.db.local:  # a team server's backups are its administrator's
                self.action_backups.setText(_("&Backups: made by the server's administrator"))
                self.action_backups.setEnabled(False)
                self.action_backups.setToolTip(server_backups_text())
                self.action_backups.setStatusTip(server_backups_text())
                self.file_menu.setToolTipsVisible(True)
        self.action_quit = self._action("actionQuit", _("&Quit"), self.close, "Ctrl+Q")
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        new_actions = [
            self.action_new_case,
            self.action_new_meeting,
            self.action_new,
            self.action_new_user,
        ]
        for a in (*new_actions, None, self.action_import, self.action_export, None):
            if a is None:
                self.file_menu.addSeparator()
            elif a is not None:
                self.file_menu.addAction(a)
        self.file_menu.addAction(self.action_change_password)
        self.file_menu.addAction(self.action_log_out)
        self.file_menu.addAction(self.action_settings)
        if self.action_backups is not None:
            self.file_menu.addAction(self.action_backups)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.action_lock)
        self.file_menu.addAction(self.action_quit)

        self.action_find_case = self._action(
            "actionFindCase", _("Find &case"), self.find_case, tip=_("Search the case list")
        )
        self.action_find_meeting = self._action(
            "actionFindMeeting",
            _("Find &meeting"),
            self.find_meeting,
            tip=_("Search the meetings"),
        )
        self.action_find_step = self._action(
            "actionFindStep",
            _("Find next &step"),
            self.find_step,
            tip=_("Search the next steps"),
        )
        self.action_find = self._action(
            "actionFindPartner",
            _("&Find partner"),
            self.find_partner,
            tip=_("Filter the partner list"),
        )
        self.action_find_user: QAction | None = None
        if self.users is not None:
            self.action_find_user = self._action(
                "actionFindUser", _("Find &user"), self.find_user, tip=_("Filter the users")
            )
        self.action_find_audit: QAction | None = None
        if self.audit is not None:
            self.action_find_audit = self._action(
                "actionFindAudit",
                _("Find in the &audit log"),
                self.find_audit,
                tip=_("Show the audit log of one case"),
            )
        self.action_save = self._action("actionSave", _("&Save"), self.save, "Ctrl+S")
        for a in (
            self.action_find_case,
            self.action_find_meeting,
            self.action_find_step,
            self.action_find,
            self.action_find_user,
            self.action_find_audit,
        ):
            if a is not None:
                self.edit_menu.addAction(a)
        self.edit_menu.addAction(self.action_save)

        self.action_about = self._action("actionAbout", _("&About pact"), self.about)
        self.help_menu.addAction(self.action_about)

        # keyboard: Ctrl+1, Ctrl+2 … go to an area
        for n, (key, label) in enumerate(self.areas, start=1):
            self._action(f"actionArea{n}", _(label), partial(self.show_area, key), f"Ctrl+{n}")

    def _new_and_find(self) -> dict[str, tuple[QAction | None, QAction | None]]:
        return {
            "case": (self.action_new_case, self.action_find_case),
            "meeting": (self.action_new_meeting, self.action_find_meeting),
            "next_step": (None, self.action_find_step),
            "partner": (self.action_new, self.action_find),
            "user": (self.action_new_user, self.action_find_user),
            "audit": (None, self.action_find_audit),
        }

    def _area_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        kind = AREA_KIND.get(self.current_area(), "case")
        for key, (new, find) in self._new_and_find().items():
            for action, shortcut in ((new, "Ctrl+N"), (find, "Ctrl+F")):
                if action is not None:
                    action.setShortcut(QKeySequence(shortcut) if key == kind else QKeySequence())

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.db_label = ElidedLabel(_("Database: {path}").format(path=self.ctx.db.location()), bar)
        self.db_label.setObjectName("statusDatabase")
        self.db_label.setToolTip(self.ctx.db.location())
        self.user_label = QLabel("", bar)
        self.user_label.setObjectName("statusUser")
        self.user_label.setContentsMargins(12, 0, 12, 0)
        self.mode_label = QLabel("", bar)
        self.mode_label.setObjectName("statusKeyMode")
        # a normal widget: a passing notice (showMessage) takes its place for a while;
        # as a permanent widget with stretch it left notices no room at all
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.mode_label)
        self._show_mode()
        self._show_user()

    def _show_mode(self) -> None:
        self.mode_label.setText(key_mode_text(self.ctx.mode))

    def _show_user(self) -> None:
        actor = self.ctx.actor
        self.user_label.setText(_("User: {name}").format(name=actor.display_name))
        self.user_label.setToolTip(
            _("{name} ({username}): {roles}").format(
                name=actor.display_name, username=actor.username, roles=role_names(actor.roles)
            )
        )

    def actor_changed(self) -> None:
        """The acting user's details changed (not their administrator role)."""
        self._show_user()
        self.dashboard.refresh()

    def _context_changed(self, what: str) -> None:
        if what == "key_mode":
            self._show_mode()

    # -- the connection to the team's server
    def _connection_lost(self) -> None:
        store = self.live.offline
        self.connection_banner.show_lost(store.on_disk if store is not None else None)

    def _offline_storage(self, on_disk: bool) -> None:
        if self.connection_banner.lost:
            self.connection_banner.show_lost(on_disk)

    def _connection_restored(self) -> None:
        self.connection_banner.show_restored()
        self.statusBar().showMessage(_("Connection restored."), 10_000)

    # -- areas
    def show_area(self, key: str) -> None:
        for row in range(self.navigation.count()):
            if self.navigation.item(row).data(KEY_ROLE) == key:
                self.navigation.setCurrentRow(row)
                return

    def current_area(self) -> str:
        item = self.navigation.currentItem()
        return str(item.data(KEY_ROLE)) if item is not None else self.areas[0][0]

    def area_titles(self) -> list[str]:
        return [self.navigation.item(r).text() for r in range(self.navigation.count())]

    # -- actions (switch to their area first)
    def open_case(self, case_id: int, tab: str | None = None) -> None:
        """Show one case file in the cases area (from the dashboard), at ``tab`` (a
        key of ``CaseFileView.TAB_KEYS``; None or "": the first)."""
        self.show_area("cases")
        self.cases.show_case(case_id, tab=tab or None)

    def new_case(self) -> None:
        self.show_area("cases")
        self.cases.new_case()

    def find_case(self) -> None:
        self.show_area("cases")
        self.cases.focus_filter()

    def open_meeting(self, meeting_id: int, tab: str | None = None) -> None:
        self.show_area("meetings")
        self.meetings.show_meeting(meeting_id, tab)

    def new_meeting(self) -> None:
        self.show_area("meetings")
        self.meetings.new_meeting()

    def find_meeting(self) -> None:
        self.show_area("meetings")
        self.meetings.focus_filter()

    def find_step(self) -> None:
        self.show_area("next_steps")
        self.next_steps.focus_filter()

    def open_partner(self, organisation_id: int) -> None:
        """Show one organisation in the partner editor (from "Who can help?")."""
        self.show_area("partners")
        self.partners.show_organisation(organisation_id)

    def new_partner(self) -> None:
        self.show_area("partners")
        self.partners.new_organisation()

    def find_partner(self) -> None:
        self.show_area("partners")
        self.partners.focus_filter()

    def new_user(self) -> None:
        if self.users is not None:
            self.show_area("users")
            self.users.new_user()

    def find_user(self) -> None:
        if self.users is not None:
            self.show_area("users")
            self.users.focus_filter()

    def find_audit(self) -> None:
        if self.audit is not None:
            self.show_area("audit")
            self.audit.focus_filter()

    def save(self) -> None:
        if self.current_area() == "meetings":
            self.meetings.save()
            return
        self.show_area("partners")
        self.partners.save()

    def import_csv(self) -> None:
        self.show_area("partners")
        self.partners.import_csv()

    def export_csv(self) -> None:
        self.show_area("partners")
        self.partners.export_csv()

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_dialog = dialog
        dialog.open()
        return dialog

    def open_backups(self) -> None:
        dialog = BackupDialog(self.ctx, self)
        dialog.restore_requested.connect(
            lambda path, secret: self.restore_requested.emit(path, secret, dialog.restore_dialog)
        )
        if self.backups is not None:
            dialog.schedule_saved.connect(self.backups.refresh)
        self._open(dialog)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.ctx, self)
        self.settings_dialog = dialog
        dialog.accepted.connect(lambda: self._settings_done(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "settings_dialog", None))
        self._open(dialog)

    # -- unsaved changes (the partner editor, a case file)
    def has_unsaved_changes(self) -> bool:
        return self._unsaved() is not None

    def _unsaved(self) -> str | None:
        """Which area has typed input that is not saved: "partners", "cases" or None."""
        if self.partners.has_unsaved_changes():
            return "partners"
        if self.cases.has_unsaved_changes():
            return "cases"
        if self.meetings.has_unsaved_changes():
            return "meetings"
        return None

    @staticmethod
    def _unsaved_text(area: str) -> str:
        if area == "cases":
            return _("The case you are editing has changes that are not saved.")
        if area == "meetings":
            return _("The minutes you are typing are not saved as minutes yet.")
        return _("The partner you are editing has changes that are not saved.")

    def _confirm_discard(
        self, name: str, title: str, question: str, go_text: str, go: Callable[[], None]
    ) -> None:
        """Ask before an action that would lose unsaved input; ``go`` if confirmed."""
        area = self._unsaved()
        if area is None:
            go()
            return
        box = QMessageBox(self)
        box.setObjectName(name)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(
            _("{unsaved} {question}").format(unsaved=self._unsaved_text(area), question=question)
        )
        now = box.addButton(go_text, QMessageBox.ButtonRole.DestructiveRole)
        now.setObjectName("switchNowButton")
        now.setAccessibleName(now.text())
        later = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        later.setObjectName("switchLaterButton")
        later.setAccessibleName(later.text())
        box.setDefaultButton(later)
        box.setEscapeButton(later)
        box.buttonClicked.connect(lambda b: go() if b is now else None)
        self._open(box)

    def _settings_done(self, dialog: SettingsDialog) -> None:
        if not dialog.language_changed:
            return
        area = self._unsaved()
        if area is None:
            self.language_requested.emit()
            return
        box = QMessageBox(self)
        box.setObjectName("languageUnsavedBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Change the language"))
        box.setText(
            _("{unsaved} Switching the language now discards them.").format(
                unsaved=self._unsaved_text(area)
            )
        )
        now = box.addButton(_("Switch now"), QMessageBox.ButtonRole.DestructiveRole)
        now.setObjectName("switchNowButton")
        now.setAccessibleName(now.text())
        later = box.addButton(_("At the next start"), QMessageBox.ButtonRole.RejectRole)
        later.setObjectName("switchLaterButton")
        later.setAccessibleName(later.text())
        box.setDefaultButton(later)
        box.buttonClicked.connect(lambda b: self.language_requested.emit() if b is now else None)
        self._open(box)

    def log_out(self) -> None:
        self._confirm_discard(
            "logOutUnsavedBox",
            _("Log out"),
            _("Logging out now discards them."),
            _("Log out"),
            self.log_out_requested.emit,
        )

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.ctx, self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(_("Your password has been changed."), 10_000)
        )
        self._open(dialog)

    def about(self) -> None:
        self._open(AboutDialog(self.ctx.db.path, self))

    def lock(self) -> None:
        """Ctrl+L: lock the window now (pact.ui.widgets.lock)."""
        self.locker.lock()

    # -- state kept between runs (QSettings: nothing sensitive)
    def save_state(self) -> None:
        s = qsettings()
        s.setValue("mainWindow/geometry", self.saveGeometry())
        s.setValue("mainWindow/state", self.saveState())
        s.setValue("mainWindow/splitter", self.splitter.saveState())
        s.setValue("mainWindow/area", self.current_area())

    def restore_state(self) -> None:
        s = qsettings()
        for key, restore in (
            ("mainWindow/geometry", self.restoreGeometry),
            ("mainWindow/state", self.restoreState),
            ("mainWindow/splitter", self.splitter.restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray | bytes) and value:
                restore(QByteArray(value))
        area = s.value("mainWindow/area")
        if isinstance(area, str):
            self.show_area(area)

    # -- closing
    def close_for_rebuild(self) -> None:
        """Close without asking and without quitting (the language or user changed)."""
        self._closing_for_rebuild = True
        self.live.stop()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_for_rebuild:
            event.accept()
            return
        if self.locker.locked and not self._discard_changes:
            event.ignore()  # no question about unsaved data over the lock screen
            self.locker.request_quit()
            return
        area = None if self._discard_changes else self._unsaved()
        if area is not None:
            event.ignore()
            self._ask_unsaved(area)
            return
        self.save_state()
        self.live.stop()
        event.accept()
        self.closed.emit()

    def _ask_unsaved(self, area: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("unsavedBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Unsaved changes"))
        box.setText(self._unsaved_text(area))
        # the partner editor can save from here; a case file is saved in its own dialogs
        save: QPushButton | None = None
        if area in ("partners", "meetings"):
            box.setInformativeText(_("Save them before pact closes?"))
            save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
            save.setObjectName("saveButton")
            save.setAccessibleName(save.text())
        else:
            box.setInformativeText(_("Close pact and discard them?"))
        discard = box.addButton(_("Don't save"), QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardButton")
        discard.setAccessibleName(discard.text())
        cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        cancel.setAccessibleName(cancel.text())
        box.setDefaultButton(save or cancel)
        box.setEscapeButton(cancel)

        def answered(button: object) -> None:
            if save is not None and button is save:
                if area == "meetings":
                    self.meetings.save()
                else:
                    self.show_area("partners")
                    self.partners.save()
                self._close_when_saved(SAVE_WAIT_MS // SAVE_POLL_MS)
            elif button is discard:
                self._discard_changes = True
                QTimer.singleShot(0, self.close)

        box.buttonClicked.connect(answered)
        self._open(box)

    def _close_when_saved(self, tries: int) -> None:
        # the view saves in a background op; close once it reports nothing unsaved.
        # If saving fails (a message next to a field), the window stays open.
        if not self.has_unsaved_changes():
            self.close()
        elif tries > 0:
            QTimer.singleShot(SAVE_POLL_MS, lambda: self._close_when_saved(tries - 1))
