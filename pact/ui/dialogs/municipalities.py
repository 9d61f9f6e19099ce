"""The municipalities list: add, rename, set inactive (never delete: partners refer to them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import PactError, ValidationError
from pact.i18n import _, format_number, ngettext
from pact.services import partners
from pact.services.partners import MunicipalityData
from pact.ui.context import AppContext
from pact.ui.dialogs.create_database import fit_height
from pact.ui.ops import Op
from pact.ui.widgets.field import error_label

ID_ROLE = Qt.ItemDataRole.UserRole


class MunicipalitiesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("municipalitiesDialog")
        self.setWindowTitle(_("Municipalities"))
        self.setMinimumSize(460, 480)
        self.ctx = ctx
        self._items: dict[int, MunicipalityData] = {}
        self._select_after_load: int | None = None
        self.loaded = False

        intro = QLabel(
            _(
                "The municipalities partners can serve. A municipality that is no longer "
                "needed is set inactive: partners keep it, but it is no longer offered."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.list = QListWidget(self)
        self.list.setObjectName("municipalityList")
        self.list.setAccessibleName(_("Municipalities"))
        self.list.currentItemChanged.connect(self._selected)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("municipalityName")
        self.name_edit.setAccessibleName(_("Name of the municipality"))
        self.name_edit.textEdited.connect(lambda _t: self._clear_error())
        self.name_edit.returnPressed.connect(self._return_pressed)
        name_label = QLabel(_("&Name:"), self)
        name_label.setBuddy(self.name_edit)
        self.error_label = error_label(self, "municipalityError")
        form = QFormLayout()
        form.addRow(name_label, self.name_edit)
        form.addRow("", self.error_label)

        self.add_button = QPushButton(_("&Add"), self)
        self.add_button.setObjectName("addMunicipalityButton")
        self.add_button.setAccessibleName(_("Add a municipality with this name"))
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton(_("&Rename"), self)
        self.rename_button.setObjectName("renameMunicipalityButton")
        self.rename_button.setAccessibleName(_("Rename the selected municipality"))
        self.rename_button.clicked.connect(self.rename)
        self.active_button = QPushButton(_("Set &inactive"), self)
        self.active_button.setObjectName("toggleActiveButton")
        self.active_button.setAccessibleName(_("Set the selected municipality inactive or active"))
        self.active_button.clicked.connect(self.toggle_active)
        for b in (self.add_button, self.rename_button, self.active_button):
            b.setAutoDefault(False)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.rename_button)
        actions.addWidget(self.active_button)
        actions.addStretch(1)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeButton")
        close.setAccessibleName(_("Close"))
        close.setText(_("Close"))
        close.setAutoDefault(False)
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(box)
        self._update_buttons()
        self.reload()

    # -- loading
    def reload(self) -> None:
        uow = self.ctx.uow()
        Op(self, lambda: partners.list_municipalities(uow, include_inactive=True)).success(
            self._fill
        ).run()

    def _fill(self, items: list[MunicipalityData]) -> None:
        if not isValid(self):  # closed before the answer came
            return
        keep = self._select_after_load if self._select_after_load is not None else self.current_id()
        self._select_after_load = None
        self.list.blockSignals(True)
        self.list.clear()
        self._items = {m.id: m for m in items}
        for m in items:
            item = QListWidgetItem(self._label(m))
            item.setData(ID_ROLE, m.id)
            if not m.active:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
            if m.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.loaded = True
        self._update_buttons()

    def _label(self, m: MunicipalityData) -> str:
        count = ngettext("{n} partner", "{n} partners", m.organisation_count).format(
            n=format_number(m.organisation_count)
        )
        if m.active:
            return _("{name} ({count})").format(name=m.name, count=count)
        return _("{name} ({count}, inactive)").format(name=m.name, count=count)

    def names(self) -> list[str]:
        return [m.name for m in self._items.values()]

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def current(self) -> MunicipalityData | None:
        mid = self.current_id()
        return None if mid is None else self._items.get(mid)

    def _selected(self, *_args: object) -> None:
        m = self.current()
        if m is not None:
            self.name_edit.setText(m.name)
        self._clear_error()
        self._update_buttons()

    def _update_buttons(self) -> None:
        m = self.current()
        self.rename_button.setEnabled(m is not None)
        self.active_button.setEnabled(m is not None)
        self.active_button.setText(_("Set &active") if m and not m.active else _("Set &inactive"))

    # -- saving
    def _return_pressed(self) -> None:
        m = self.current()
        if m is not None and self.name_edit.text().strip() == m.name:
            return
        self.add()

    def add(self) -> None:
        self._save(self.name_edit.text(), True, None)

    def rename(self) -> None:
        m = self.current()
        if m is not None:
            self._save(self.name_edit.text(), m.active, m.id)

    def toggle_active(self) -> None:
        m = self.current()
        if m is not None:
            self._save(m.name, not m.active, m.id)

    def _save(self, name: str, active: bool, municipality_id: int | None) -> None:
        self._clear_error()
        uow = self.ctx.uow()
        Op(
            self,
            lambda: partners.save_municipality(uow, name, active, municipality_id),
            write=True,
        ).success(self._saved).failure(self._failed).run()

    def _saved(self, m: MunicipalityData) -> None:
        self.ctx.changed.emit("municipalities")
        if not isValid(self):  # closed before the answer came
            return
        self._select_after_load = m.id
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc  # the global excepthook shows it
        if not isValid(self):  # closed before the answer came
            return
        if isinstance(exc, ValidationError):
            self.show_error(exc.for_field("name") or str(exc))
        else:
            self.show_error(str(exc))
            self.reload()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        fit_height(self)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _clear_error(self) -> None:
        self.error_label.setVisible(False)

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""
