"""'Who is working?': choose the acting user from the active users.

Until log-in arrives (step 5) this is how pact knows who acts. Type to find a
name, arrows to move, Enter to choose. The dialog only says who was chosen
(``chosen`` with the user's id); the caller loads that user in an op and reports
a problem with ``show_error``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _
from pact.services import validation
from pact.services.users import UserRow
from pact.ui.dialogs.create_database import fit_height
from pact.ui.dialogs.user_editor import RoomyRows, role_names
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.message_bar import MessageBar

ID_ROLE = Qt.ItemDataRole.UserRole
NAME, ORGANISATION, ROLES = range(3)


class ChooseUserDialog(QDialog):
    chosen = Signal(int)

    def __init__(
        self,
        users: Sequence[UserRow],
        last_id: int | None = None,
        message: str = "",
        switching: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("chooseUserDialog")
        self.setWindowTitle(_("Who is working?"))
        self.setMinimumSize(600, 420)
        self.users = [u for u in users if u.active]

        title = QLabel(_("Who is working?"), self)
        title.setObjectName("chooseUserTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            _(
                "Choose your name. pact shows you the cases you may see and records what "
                "you do under this name."
            ),
            self,
        )
        intro.setObjectName("chooseUserIntro")
        intro.setWordWrap(True)
        self.message = MessageBar("chooseUserMessage", self)
        if message:
            self.message.show_message(message, "warning")

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("userSearch")
        self.search_edit.setAccessibleName(_("Find a user"))
        self.search_edit.setPlaceholderText(_("Type to find a name or organisation…"))
        self.search_edit.setClearButtonEnabled(True)
        search_label = QLabel(_("&Find:"), self)
        search_label.setBuddy(self.search_edit)
        search = QHBoxLayout()
        search.addWidget(search_label)
        search.addWidget(self.search_edit, 1)

        self.list = QTreeWidget(self)
        self.list.setObjectName("userList")
        self.list.setAccessibleName(_("Active users"))
        self.list.setColumnCount(3)
        self.list.setHeaderLabels([_("Name"), _("Organisation"), _("Roles")])
        self.list.setRootIsDecorated(False)
        self.list.setItemDelegate(RoomyRows(self.list))
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ORGANISATION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ROLES, QHeaderView.ResizeMode.ResizeToContents)
        for user in self.users:
            item = QTreeWidgetItem(self.list)
            texts = (
                _("{name} ({username})").format(name=user.display_name, username=user.username),
                user.organisation or _("No organisation"),
                role_names(user.roles),
            )
            for column, text in enumerate(texts):
                item.setText(column, text)
                item.setToolTip(column, text)
            item.setData(NAME, ID_ROLE, user.id)
        self.no_match = QLabel(_("No active user matches what you typed."), self)
        self.no_match.setObjectName("chooseUserNoMatch")
        self.no_match.setWordWrap(True)
        self.no_match.hide()

        self.busy = busy_bar(self, "chooseUserBusy")
        self.choose_button = QPushButton(_("&Continue"), self)
        self.choose_button.setObjectName("chooseUserButton")
        self.choose_button.setAccessibleName(_("Continue as the chosen user"))
        self.choose_button.setDefault(True)
        self.choose_button.clicked.connect(self._choose)
        self.cancel_button = QPushButton(_("Cancel") if switching else _("&Quit"), self)
        self.cancel_button.setObjectName("cancelButton" if switching else "quitButton")
        self.cancel_button.setAccessibleName(_("Cancel") if switching else _("Quit pact"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.no_match)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.search_edit, self.list)
        QWidget.setTabOrder(self.list, self.choose_button)
        QWidget.setTabOrder(self.choose_button, self.cancel_button)

        self.search_edit.textChanged.connect(self._filter)
        self.list.itemDoubleClicked.connect(lambda _item, _col: self._choose())
        self.list.currentItemChanged.connect(lambda *_a: self._update_button())
        for key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            down = QShortcut(QKeySequence(key), self.search_edit)
            down.setContext(Qt.ShortcutContext.WidgetShortcut)
            down.activated.connect(self._to_list)

        self._select(last_id)
        self.search_edit.setFocus()

    # ------------------------------------------------------------ list

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [i for i in items if i is not None]

    def _select(self, user_id: int | None) -> None:
        items = self._items()
        wanted = next((i for i in items if i.data(NAME, ID_ROLE) == user_id), None)
        item = wanted or (items[0] if items else None)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.scrollToItem(item)
        self._update_button()

    def _filter(self, text: str) -> None:
        needle = validation.fold(text.strip())
        current = self.list.currentItem()
        first: QTreeWidgetItem | None = None
        for item in self._items():
            haystack = validation.fold(" ".join(item.text(c) for c in range(3)))
            hidden = bool(needle) and needle not in haystack
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if current is None or current.isHidden():
            self.list.setCurrentItem(first)  # type: ignore[arg-type]
        self.no_match.setVisible(first is None)
        self._update_button()

    def _to_list(self) -> None:
        self.list.setFocus()
        current = self.list.currentItem()
        if current is not None and not current.isHidden():
            below = self.list.itemBelow(current)
            if below is not None:
                self.list.setCurrentItem(below)

    def _update_button(self) -> None:
        self.choose_button.setEnabled(self.current_id() is not None and not self.busy.isVisible())

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return int(item.data(NAME, ID_ROLE))

    def visible_names(self) -> list[str]:
        return [i.text(NAME) for i in self._items() if not i.isHidden()]

    # ------------------------------------------------------------ choosing

    def _choose(self) -> None:
        user_id = self.current_id()
        if user_id is None or self.busy.isVisible():
            return
        self.message.hide()
        self.set_busy(True)
        self.chosen.emit(user_id)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.list.setEnabled(not busy)
        self.search_edit.setEnabled(not busy)
        self._update_button()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.message.show_message(message, "error")
        fit_height(self)
        self.list.setFocus()

    def message_text(self) -> str:
        return self.message.message()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.busy.isVisible():
            return
        super().keyPressEvent(event)
