"""A compact multi-select: check boxes in a fixed number of columns, one tab stop;
arrow keys move, Space toggles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QWidget,
)


class CheckList(QListWidget):
    """Every item is visible at once (no scrolling): the height follows from the
    number of items and how many of at most ``columns`` columns fit the width.
    ``changed`` fires when the user ticks one."""

    changed = Signal()

    def __init__(
        self, name: str, accessible_name: str, columns: int = 3, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        self.columns = max(1, columns)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._label_width = 80
        self._updating = False
        self.itemChanged.connect(self._on_item_changed)

    def set_items(self, items: Iterable[tuple[Any, str]], checked: Iterable[Any] = ()) -> None:
        wanted = set(checked)
        self._updating = True
        try:
            self.clear()
            width = 0
            for value, label in items:
                item = QListWidgetItem(label, self)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setToolTip(label)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(
                    Qt.CheckState.Checked if value in wanted else Qt.CheckState.Unchecked
                )
                width = max(width, self.fontMetrics().horizontalAdvance(label))
            self._label_width = width
            # full-height rows: the check box is centred in its row, not clipped at the top
            hint = QSize(self._cell_width(), self._row_height())
            for i in range(self.count()):
                self.item(i).setSizeHint(hint)
        finally:
            self._updating = False
        self._relayout(self.viewport().width())

    def values(self) -> list[Any]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def checked_values(self) -> tuple[Any, ...]:
        return tuple(
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, values: Sequence[Any]) -> None:
        wanted = set(values)
        self._updating = True
        try:
            for i in range(self.count()):
                item = self.item(i)
                state = item.data(Qt.ItemDataRole.UserRole) in wanted
                item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        finally:
            self._updating = False

    def item_for(self, value: Any) -> QListWidgetItem | None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == value:
                return self.item(i)
        return None

    def toggle(self, value: Any) -> None:
        item = self.item_for(value)
        if item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        if not self._updating:
            self.changed.emit()

    # ------------------------------------------------------------ geometry

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def _cell_width(self) -> int:
        indicator = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        return self._label_width + indicator + 16

    def _columns_for(self, viewport_width: int) -> int:
        if viewport_width <= 0:
            return self.columns
        return max(1, min(self.columns, (viewport_width - 2) // self._cell_width()))

    def _relayout(self, viewport_width: int) -> None:
        columns = self._columns_for(viewport_width)
        rows = max(1, -(-self.count() // columns))
        height = rows * self._row_height() + 2 * self.frameWidth() + 4
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)
        cell = max(self._cell_width(), (viewport_width - 2) // columns)
        self.setGridSize(QSize(cell, self._row_height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout(self.viewport().width())
        self.verticalScrollBar().setValue(0)

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        # every item is always visible: never scroll (Qt would shift the rows by a
        # few pixels to "show" the current item, clipping the first row)
        self.verticalScrollBar().setValue(0)

    def sizeHint(self) -> QSize:
        width = self.columns * self._cell_width() + 2 * self.frameWidth() + 4
        return QSize(width, self.height())

    def minimumSizeHint(self) -> QSize:
        # narrower than all columns: the items flow into fewer, taller columns
        return QSize(self._cell_width() + 2 * self.frameWidth() + 4, self.height())
