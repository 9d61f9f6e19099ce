"""What the list tables of the main areas (cases, next steps, partners) share: one
look and behaviour, and their column widths and sort order kept in QSettings."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from pact.ui.widgets.fit_columns import FitColumns


def configure_list_table(
    table: QTableView,
    object_name: str,
    accessible_name: str,
    model: QAbstractItemModel,
    row_height: int,
) -> QHeaderView:
    """Name ``table``, show ``model`` in it as a read-only list of whole rows, one
    selected at a time, one line per row of ``row_height`` pixels; returns the
    horizontal header (columns that stay in place)."""
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionsMovable(False)
    header.setHighlightSections(False)
    return header


class LayoutSaver:
    """Writes a view's remembered layout (``save``: column widths, sort order, splitter)
    once ``delay_ms`` have passed since the last ``changed`` (a drag ends), and at once
    on ``flush`` (the view hides) when a change is still waiting."""

    def __init__(self, parent: QObject, save: Callable[[], None], delay_ms: int = 500):
        self._save = save
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(save)

    def changed(self, *_args: object) -> None:
        self.timer.start()

    def flush(self) -> None:
        if self.timer.isActive():  # a change not written yet: now
            self.timer.stop()
            self._save()


def restore_column_weights(settings: QSettings, key: str, columns: FitColumns) -> None:
    """Give ``columns`` the weights kept under ``key``, if there are as many."""
    weights = settings.value(key)
    if isinstance(weights, list) and len(weights) == len(columns.weights()):
        with contextlib.suppress(TypeError, ValueError):
            columns.set_weights([float(w) for w in weights])


def save_column_weights(settings: QSettings, key: str, columns: FitColumns) -> None:
    settings.setValue(key, [f"{w:.4f}" for w in columns.weights()])


def restore_sort_indicator(
    settings: QSettings, group: str, header: QHeaderView, column_keys: Sequence[str]
) -> None:
    """Put the sort indicator back on the column kept under ``group`` (by its key,
    so a column added later does not shift it)."""
    sort = settings.value(f"{group}/sortColumn")
    order = settings.value(f"{group}/sortDescending")
    if isinstance(sort, str) and sort in column_keys:
        descending = str(order).lower() in ("true", "1")
        header.setSortIndicator(
            list(column_keys).index(sort),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )


def save_sort_indicator(
    settings: QSettings, group: str, header: QHeaderView, column_keys: Sequence[str]
) -> None:
    column = header.sortIndicatorSection()
    if 0 <= column < len(column_keys):
        settings.setValue(f"{group}/sortColumn", column_keys[column])
        settings.setValue(
            f"{group}/sortDescending",
            header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` the current, selected row of ``table`` and scroll it into view."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    table.scrollTo(index)
