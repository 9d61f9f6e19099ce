"""The users of pact (administrators only): who may work with pact, in which roles,
linked to which organisation and contact person, and whether they have a password
of their own. A pact has tens of users, so the list is loaded whole (in an op) and
filtered as you type. "Reset password…" gives the selected user a temporary one."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError
from pact.i18n import _, format_number, ngettext
from pact.services import users as svc
from pact.services import validation
from pact.services.users import UserRow
from pact.ui.context import AppContext
from pact.ui.dialogs.reset_password import ResetPasswordDialog
from pact.ui.dialogs.user_editor import RoomyRows, UserEditorDialog, role_names
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.message_bar import MessageBar

ID_ROLE = Qt.ItemDataRole.UserRole + 1
USERNAME, NAME, ORGANISATION, CONTACT, ROLES, ACTIVE, PASSWORD = range(7)
COLUMNS = 7


def password_state(user: UserRow) -> str:
    """Whether the user can log in with a password of their own, in words."""
    if not user.has_password:
        return _("None yet")
    if user.must_change_password:
        return _("Temporary")
    return _("Own")


def password_tip(user: UserRow) -> str:
    if not user.has_password:
        return _("This user cannot log in yet: give them a temporary password.")
    if user.must_change_password:
        return _("This user chooses a password of their own at the next log-in.")
    return _("This user logs in with a password of their own.")


class UsersView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("usersView")
        self.ctx = ctx
        self.users: list[UserRow] = []
        self.loaded = False
        self.open_dialog: UserEditorDialog | ResetPasswordDialog | None = None
        self._select_after_load: int | None = None
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._build()
        ctx.changed.connect(self._on_changed)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        intro = QLabel(
            _(
                "The people who work with pact. Everyone logs in with their user name and "
                "a password of their own. A new user, or one who forgot their password, "
                "gets a temporary password from you and chooses their own at the next "
                "log-in."
            ),
            self,
        )
        intro.setObjectName("usersIntro")
        intro.setWordWrap(True)
        outer.addWidget(intro)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("userFilter")
        self.search_edit.setAccessibleName(_("Find a user"))
        self.search_edit.setPlaceholderText(_("Find a user name, name or organisation…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(_("Find a user (Ctrl+F)"))
        bar.addWidget(self.search_edit, 2)
        self.inactive_check = QCheckBox(_("Show inactive users"), self)
        self.inactive_check.setObjectName("showInactiveUsers")
        self.inactive_check.setAccessibleName(_("Show inactive users"))
        self.inactive_check.setChecked(True)
        bar.addWidget(self.inactive_check)
        bar.addStretch(1)
        self.new_button = QPushButton(_("New user…"), self)
        self.new_button.setObjectName("newUserButton")
        self.new_button.setAccessibleName(_("New user"))
        self.new_button.setToolTip(_("Add a user of pact (Ctrl+N)"))
        bar.addWidget(self.new_button)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.edit_button.setObjectName("editUserButton")
        self.edit_button.setAccessibleName(_("Edit the selected user"))
        self.edit_button.setEnabled(False)
        bar.addWidget(self.edit_button)
        self.reset_button = QPushButton(_("Reset password…"), self)
        self.reset_button.setObjectName("resetPasswordButton")
        self.reset_button.setAccessibleName(_("Reset the password of the selected user"))
        self.reset_button.setToolTip(
            _("Give the selected user a temporary password; they choose their own at log-in")
        )
        self.reset_button.setEnabled(False)
        bar.addWidget(self.reset_button)
        outer.addLayout(bar)

        self.busy = busy_bar(self, "usersBusy")
        outer.addWidget(self.busy)
        self.message = MessageBar("usersMessage", self)
        outer.addWidget(self.message)

        self.stack = QStackedWidget(self)
        self.table = QTreeWidget(self.stack)
        self.table.setObjectName("userTable")
        self.table.setAccessibleName(_("Users"))
        self.table.setColumnCount(COLUMNS)
        self.table.setHeaderLabels(
            [
                _("User name"),
                _("Name"),
                _("Organisation"),
                _("Contact person"),
                _("Roles"),
                _("Active"),
                _("Password"),
            ]
        )
        self.table.setRootIsDecorated(False)
        self.table.setItemDelegate(RoomyRows(self.table))
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.header()
        header.setStretchLastSection(False)
        for column in range(COLUMNS):
            header.setSectionResizeMode(
                column,
                QHeaderView.ResizeMode.Stretch
                if column in (ORGANISATION, CONTACT)
                else QHeaderView.ResizeMode.ResizeToContents,
            )
        self.stack.addWidget(self.table)
        self.no_match = EmptyState(
            "usersNoMatch",
            _("No user matches"),
            _("Clear the search field, or show inactive users too."),
            self.stack,
        )
        self.stack.addWidget(self.no_match)
        outer.addWidget(self.stack, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("userCount")
        outer.addWidget(self.count_label)

        self.search_edit.textChanged.connect(lambda _t: self._filter())
        self.inactive_check.toggled.connect(lambda _on: self._filter())
        self.new_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_current)
        self.reset_button.clicked.connect(self.reset_password)
        self.table.itemActivated.connect(lambda _item, _col: self.edit_current())
        self.table.currentItemChanged.connect(lambda *_a: self._update_buttons())
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self.table.setFocus)
        for a, b in (
            (self.search_edit, self.inactive_check),
            (self.inactive_check, self.new_button),
            (self.new_button, self.edit_button),
            (self.edit_button, self.reset_button),
            (self.reset_button, self.table),
        ):
            QWidget.setTabOrder(a, b)

    # ------------------------------------------------------------ loading

    def _on_changed(self, what: str) -> None:
        if what in ("users", "partners"):
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        self.busy.show()
        uow, actor = self.ctx.uow, self.ctx.actor
        Op(self, lambda: svc.users_overview(uow(), actor)).success(
            lambda rows: self._loaded(generation, rows)
        ).failure(lambda exc: self._failed(generation, exc)).run()

    def _loaded(self, generation: int, rows: list[UserRow]) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        keep = self._select_after_load or self.current_id()
        self._select_after_load = None
        self.users = rows
        self.table.setSortingEnabled(False)
        self.table.clear()
        for user in rows:
            item = QTreeWidgetItem(self.table)
            texts = (
                user.username,
                user.display_name,
                user.organisation,
                user.contact,
                role_names(user.roles),
                _("Yes") if user.active else _("No"),
                password_state(user),
            )
            for column, text in enumerate(texts):
                item.setText(column, text)
                if text:
                    item.setToolTip(column, text)
            item.setToolTip(PASSWORD, password_tip(user))
            item.setData(0, ID_ROLE, user.id)
            if not user.active:
                for column in range(COLUMNS):
                    item.setForeground(column, self.palette().placeholderText())
        self.table.setSortingEnabled(True)
        self.loaded = True
        self._filter()
        self.select(keep)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self) or generation != self._generation:
            return
        self.busy.hide()
        self.message.show_message(str(exc), "error")

    # ------------------------------------------------------------ list

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount()))
        return [i for i in items if i is not None]

    def _filter(self) -> None:
        needle = validation.fold(self.search_edit.text().strip())
        inactive = self.inactive_check.isChecked()
        shown = 0
        by_id = {u.id: u for u in self.users}
        for item in self._items():
            user = by_id.get(int(item.data(0, ID_ROLE)))
            text = validation.fold(" ".join(item.text(c) for c in range(ACTIVE)))
            hidden = (bool(needle) and needle not in text) or (
                user is not None and not user.active and not inactive
            )
            item.setHidden(hidden)
            shown += not hidden
        current = self.table.currentItem()
        if current is None or current.isHidden():
            first = next((i for i in self._items() if not i.isHidden()), None)
            if first is not None:
                self.table.setCurrentItem(first)
        self.stack.setCurrentWidget(self.table if shown or not self.users else self.no_match)
        total = len(self.users)
        active = sum(u.active for u in self.users)
        self.count_label.setText(
            ngettext("{n} user, {active} active", "{n} users, {active} active", total).format(
                n=format_number(total), active=format_number(active)
            )
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.current_id() is not None)
        self.reset_button.setEnabled(self.current_id() is not None)

    def current_id(self) -> int | None:
        item = self.table.currentItem()
        if item is None or item.isHidden():
            return None
        return int(item.data(0, ID_ROLE))

    def select(self, user_id: int | None) -> None:
        for item in self._items():
            if item.data(0, ID_ROLE) == user_id and not item.isHidden():
                self.table.setCurrentItem(item)
                self.table.scrollToItem(item)
                break
        self._update_buttons()

    def visible_rows(self) -> list[tuple[str, ...]]:
        """The cells of the rows shown, in order (tests, screen readers)."""
        return [tuple(i.text(c) for c in range(COLUMNS)) for i in self._items() if not i.isHidden()]

    def focus_filter(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # ------------------------------------------------------------ editing

    def new_user(self) -> None:
        self._edit(None)

    def edit_current(self) -> None:
        user_id = self.current_id()
        row = next((u for u in self.users if u.id == user_id), None)
        if row is not None:
            self._edit(row)

    def _edit(self, row: UserRow | None) -> None:
        dialog = UserEditorDialog(self.ctx, row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._edited(dialog))
        self.open_dialog = dialog
        dialog.open()

    def _edited(self, dialog: UserEditorDialog) -> None:
        if dialog.saved is not None and dialog.saved.id is not None:
            self._select_after_load = dialog.saved.id
            self.message.show_message(
                _("Saved: {name}.").format(name=dialog.saved.display_name), "info"
            )
        self.table.setFocus()

    # ------------------------------------------------------------ passwords

    def reset_password(self) -> None:
        user_id = self.current_id()
        row = next((u for u in self.users if u.id == user_id), None)
        if row is None:
            return
        dialog = ResetPasswordDialog(self.ctx, row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._password_reset(row))
        self.open_dialog = dialog
        dialog.open()

    def _password_reset(self, row: UserRow) -> None:
        if row.id == self.ctx.actor.id:
            text = _("Your password has been changed.")
        else:
            text = _(
                "The password of {name} has been reset: they choose a new one at their next log-in."
            ).format(name=row.display_name)
        self.message.show_message(text, "info")
        self.table.setFocus()
