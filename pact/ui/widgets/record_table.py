"""A read-only table of the few records of one case (its children, signals, next
steps...): columns that fill the width, one row per record, Enter or a double click
opens the record (``activated_key``). Long texts are elided and shown whole in a
tooltip, or wrapped over several lines with ``wrap=True``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from pact.ui.widgets.fit_columns import FitColumns, FitTableView

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Cell:
    text: str
    tooltip: str = ""
    colour: str = ""
    background: str = ""
    bold: bool = False
    icon: QIcon | None = None
    accessible: str = ""  # what a screen reader says, when more than the text


@dataclass(frozen=True)
class Column:
    title: str
    weight: float = 1.0
    min_chars: int = 8


class RecordTable(FitTableView):
    activated_key = Signal(object)
    current_key_changed = Signal(object)

    def __init__(
        self,
        name: str,
        accessible_name: str,
        columns: Sequence[Column],
        wrap: bool = False,
        hide_first: Sequence[int] = (),
        fit_rows: tuple[int, int] | None = None,
        select_first: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        self._model = QStandardItemModel(0, len(columns), self)
        self._model.setHorizontalHeaderLabels([c.title for c in columns])
        self.setModel(self._model)
        self._keys: list[Any] = []
        self._wrap = wrap
        self._fit_rows = fit_rows
        self._select_first = select_first
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setWordWrap(wrap)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        rows = self.verticalHeader()
        if wrap:
            rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            # some air around wrapped lines
            self.setStyleSheet(f"QTableView#{name}::item {{ padding: 3px 0px; }}")
        else:
            rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        digit = self.fontMetrics().horizontalAdvance("0")
        self.columns = FitColumns(
            self,
            [c.weight for c in columns],
            minimum=[c.min_chars * digit for c in columns],
            hide_first=hide_first,
        )
        self.activated.connect(self._on_activated)
        self.selectionModel().currentRowChanged.connect(self._on_current)
        # wrapped rows are as tall as their text at the columns' width: again when a
        # column's width changes (the table is shown, the window resized)
        self._rewrap = QTimer(self)
        self._rewrap.setSingleShot(True)
        self._rewrap.setInterval(0)
        self._rewrap.timeout.connect(self.resizeRowsToContents)
        if wrap:
            header.sectionResized.connect(lambda *_args: self._rewrap.start())

    def set_rows(self, rows: Sequence[Sequence[Cell | str]], keys: Sequence[Any]) -> None:
        """Replace the rows, keeping the current record current when it is still there."""
        keep = self.current_key()
        self._model.removeRows(0, self._model.rowCount())
        self._keys = list(keys)
        for values, key in zip(rows, keys, strict=True):
            items = []
            for value in values:
                cell = value if isinstance(value, Cell) else Cell(value)
                item = QStandardItem(cell.text)
                item.setEditable(False)
                item.setData(key, KEY_ROLE)
                tip = cell.tooltip or cell.text
                if tip:
                    item.setToolTip(tip)
                if cell.accessible:
                    item.setData(cell.accessible, Qt.ItemDataRole.AccessibleTextRole)
                if cell.colour:
                    item.setForeground(QBrush(QColor(cell.colour)))
                if cell.background:
                    item.setBackground(QBrush(QColor(cell.background)))
                if cell.bold:
                    font = QFont(self.font())
                    font.setBold(True)
                    item.setFont(font)
                if cell.icon is not None:
                    item.setIcon(cell.icon)
                items.append(item)
            self._model.appendRow(items)
        kept = keep is not None and self.select_key(keep)
        if not kept and self._select_first and self._keys:
            # the first record is current: its details show under the table
            self.select_row(0)
        if self._wrap:
            self._rewrap.start()
        self._fit_height()

    def _fit_height(self) -> None:
        """With ``fit_rows=(fewest, most)`` the table is as tall as its rows (within
        those bounds), instead of an empty area under a short list."""
        if self._fit_rows is None:
            return
        fewest, most = self._fit_rows
        rows = min(max(self._model.rowCount(), fewest), most)
        height = (
            self.horizontalHeader().sizeHint().height()
            + rows * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
            + 2
        )
        self.setFixedHeight(height)

    def keys(self) -> list[Any]:
        return list(self._keys)

    def row_count(self) -> int:
        return self._model.rowCount()

    def text(self, row: int, column: int) -> str:
        return str(self._model.index(row, column).data() or "")

    def row_texts(self, row: int) -> list[str]:
        return [self.text(row, c) for c in range(self._model.columnCount())]

    def current_key(self) -> Any:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= len(self._keys):
            return None
        return self._keys[index.row()]

    def select_key(self, key: Any) -> bool:
        if key not in self._keys:
            return False
        index = self._model.index(self._keys.index(key), 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)
        return True

    def select_row(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.select_key(self._keys[row])

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < len(self._keys):
            self.activated_key.emit(self._keys[index.row()])

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = (
            self._keys[current.row()]
            if current.isValid() and current.row() < len(self._keys)
            else None
        )
        self.current_key_changed.emit(key)

    def focusInEvent(self, event: Any) -> None:
        super().focusInEvent(event)
        # arriving with Tab on a list without a current row: the first row becomes current
        if not self.currentIndex().isValid() and self._keys:
            self.select_row(0)
