"""A list of check boxes with a filter field above it, for choosing a few out of many
(the partners a consent is for, the partners consulted). Keyboard: type in the
filter, Down to the list, Space ticks, Up from the first row back to the filter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _
from pact.services.validation import fold

VALUE_ROLE = Qt.ItemDataRole.UserRole


class ElidedLine(QLabel):
    """One line that ends in "…" when it is wider than the widget (``text()`` keeps
    the whole text; the tooltip shows it)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The text as painted (elided to the width)."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            self.contentsRect(),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.shown_text(),
        )


class CheckPicker(QWidget):
    """``changed`` fires when the person ticks or unticks an item. The list is
    ``list`` (object name ``name``), the filter ``<name>Filter``."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        accessible_name: str,
        rows: int = 7,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name + "Picker")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName(name + "Filter")
        self.filter_edit.setAccessibleName(_("Filter: {list}").format(list=accessible_name))
        self.filter_edit.setPlaceholderText(_("Type to filter…"))
        self.filter_edit.setClearButtonEnabled(True)
        layout.addWidget(self.filter_edit)
        self.list = QListWidget(self)
        self.list.setObjectName(name)
        self.list.setAccessibleName(accessible_name)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        line = self.list.fontMetrics().height() + 8
        self.list.setFixedHeight(line * rows + 2 * self.list.frameWidth())
        layout.addWidget(self.list)
        self.summary = ElidedLine(self)
        self.summary.setObjectName(name + "Summary")
        layout.addWidget(self.summary)
        self._names: dict[Any, str] = {}
        self._updating = False
        self.list.itemChanged.connect(self._on_item_changed)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.filter_edit.installEventFilter(self)
        self.list.installEventFilter(self)
        self.setFocusProxy(self.filter_edit)
        self._update_summary()

    def set_items(
        self,
        items: Iterable[tuple[Any, str]],
        checked: Iterable[Any] = (),
        tooltips: dict[Any, str] | None = None,
        names: dict[Any, str] | None = None,
    ) -> None:
        """``names``: what the line under the list calls a ticked item (its text in
        the list, unless given)."""
        wanted = set(checked)
        self._names = dict(names or {})
        self._updating = True
        height = self.list.fontMetrics().height() + 8
        try:
            self.list.clear()
            for value, text in items:
                item = QListWidgetItem(text, self.list)
                item.setSizeHint(QSize(0, height))
                item.setData(VALUE_ROLE, value)
                item.setToolTip((tooltips or {}).get(value, text))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(
                    Qt.CheckState.Checked if value in wanted else Qt.CheckState.Unchecked
                )
        finally:
            self._updating = False
        self._apply_filter(self.filter_edit.text())
        self._update_summary()

    def values(self) -> list[Any]:
        return [self.list.item(i).data(VALUE_ROLE) for i in range(self.list.count())]

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def checked_values(self) -> tuple[Any, ...]:
        return tuple(
            self.list.item(i).data(VALUE_ROLE)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, values: Sequence[Any]) -> None:
        wanted = set(values)
        self._updating = True
        try:
            for i in range(self.list.count()):
                item = self.list.item(i)
                on = item.data(VALUE_ROLE) in wanted
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._updating = False
        self._update_summary()

    def item_for(self, value: Any) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(VALUE_ROLE) == value:
                return self.list.item(i)
        return None

    def toggle(self, value: Any) -> None:
        item = self.item_for(value)
        if item is not None:
            on = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)

    # ------------------------------------------------------------ behaviour

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_summary()
        if not self._updating:
            self.changed.emit()

    def _apply_filter(self, text: str) -> None:
        words = fold(text).split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            haystack = fold(item.text())
            shown = all(w in haystack for w in words) or (
                item.checkState() == Qt.CheckState.Checked
            )
            self.list.setRowHidden(i, not shown)

    def checked_names(self) -> list[str]:
        """The ticked items, as the line under the list names them."""
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(self._names.get(item.data(VALUE_ROLE)) or item.text())
        return out

    def _update_summary(self) -> None:
        names = self.checked_names()
        if not names:
            self.summary.setText(_("Nothing ticked yet."))
            self.summary.setToolTip("")
        else:
            self.summary.setText(_("Ticked: {names}").format(names=", ".join(names)))
            self.summary.setToolTip(_("Ticked:") + "\n" + "\n".join(names))

    def _first_visible(self) -> int:
        for i in range(self.list.count()):
            if not self.list.isRowHidden(i):
                return i
        return -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.filter_edit and key == Qt.Key.Key_Down:
                first = self._first_visible()
                if first >= 0:
                    self.list.setFocus(Qt.FocusReason.OtherFocusReason)
                    if self.list.currentRow() < 0 or self.list.isRowHidden(self.list.currentRow()):
                        self.list.setCurrentRow(first)
                return True
            if (
                watched is self.list
                and key == Qt.Key.Key_Up
                and self.list.currentRow() == self._first_visible()
            ):
                self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
