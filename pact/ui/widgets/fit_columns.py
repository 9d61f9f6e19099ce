"""Columns that always fill a table's width, in proportion, instead of running off
to the right behind a horizontal scroll bar."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def distribute(total: int, weights: Sequence[float], minimum: Sequence[int]) -> list[int]:
    """Split ``total`` pixels over the columns in proportion to ``weights``, none
    narrower than its ``minimum``; the widths add up to ``total`` unless even the
    minimums do not fit (then each column gets its minimum)."""
    n = len(weights)
    if n == 0:
        return []
    if sum(minimum) >= total:
        return list(minimum)
    fixed = [False] * n
    widths = list(minimum)
    # columns that would fall below their minimum get it; the rest share what is left
    while True:
        free = [i for i in range(n) if not fixed[i]]
        room = total - sum(minimum[i] for i in range(n) if fixed[i])
        weight = sum(max(weights[i], 0.0) for i in free) or float(len(free))
        share = {i: room * (max(weights[i], 0.0) or 1.0) / weight for i in free}
        below = [i for i in free if share[i] < minimum[i]]
        if not below:
            break
        for i in below:
            fixed[i] = True
    # round so that the widths add up exactly
    done = 0.0
    placed = 0
    for i in range(n):
        if fixed[i]:
            continue
        done += share[i]
        widths[i] = round(done) - placed
        placed += widths[i]
    return widths


class FitTableView(QTableView):
    """A table view that refits its columns (``columns``, once set) whenever its
    viewport changes size, and then emits ``viewport_resized(old, new)``."""

    viewport_resized = Signal(QSize, QSize)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns: FitColumns | None = None
        self._viewport_size = QSize()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = self.viewport().size()
        if size != self._viewport_size:
            old, self._viewport_size = self._viewport_size, QSize(size)
            if self.columns is not None:
                self.columns.fit()
            self.viewport_resized.emit(old, QSize(size))


class FitColumns(QObject):
    """Keeps the columns of ``view`` exactly as wide as its viewport, each in
    proportion to its weight and never narrower than its minimum. When the
    ``comfortable`` widths (the minimums, unless given) do not all fit, the columns in
    ``hide_first`` are hidden, in that order, until they do (and shown again when
    there is room). Dragging a column's edge
    moves width between it and the columns to its right; the new proportions are
    kept (``weights``) when the view is resized."""

    @classmethod
    def in_characters(
        cls,
        view: QTableView,
        weights: Sequence[float],
        minimum: Sequence[int],
        hide_first: Sequence[int] = (),
        comfortable: Sequence[int] | None = None,
    ) -> FitColumns:
        """Widths given in characters (the width of a digit in the view's font)."""
        digit = view.fontMetrics().horizontalAdvance("0")
        return cls(
            view,
            weights,
            [n * digit for n in minimum],
            hide_first,
            None if comfortable is None else [n * digit for n in comfortable],
        )

    def __init__(
        self,
        view: QTableView,
        weights: Sequence[float],
        minimum: Sequence[int],
        hide_first: Sequence[int] = (),
        comfortable: Sequence[int] | None = None,
    ):
        super().__init__(view)
        self.view = view
        self.header = view.horizontalHeader()
        self.minimum = list(minimum)
        self.comfortable = [max(c, m) for c, m in zip(comfortable or minimum, minimum, strict=True)]
        self.hide_first = list(hide_first)
        self._weights = self._normalised(weights)
        self._fitting = False
        self.header.setStretchLastSection(False)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header.setMinimumSectionSize(min(self.minimum))
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.header.sectionResized.connect(self._on_section_resized)

    @staticmethod
    def _normalised(weights: Sequence[float]) -> list[float]:
        clean = [max(float(w), 0.0) for w in weights]
        total = sum(clean) or 1.0
        return [w / total for w in clean]

    def weights(self) -> list[float]:
        return list(self._weights)

    def set_weights(self, weights: Sequence[float]) -> None:
        if len(weights) == len(self._weights):
            self._weights = self._normalised(weights)
            self.fit()

    def available(self) -> int:
        return self.view.viewport().width()

    def visible(self) -> list[int]:
        return [c for c in range(self.header.count()) if not self.header.isSectionHidden(c)]

    def fit(self, width: int | None = None) -> None:
        total = self.available() if width is None else width
        count = self.header.count()
        if total <= 0 or count != len(self.minimum):
            return
        shown = list(range(count))
        for column in self.hide_first:
            if sum(self.comfortable[c] for c in shown) <= total:
                break
            shown.remove(column)
        widths = distribute(
            total, [self._weights[c] for c in shown], [self.minimum[c] for c in shown]
        )
        self._fitting = True
        try:
            for column in range(count):
                hidden = column not in shown
                if self.header.isSectionHidden(column) != hidden:
                    self.header.setSectionHidden(column, hidden)
            for column, size in zip(shown, widths, strict=True):
                if self.header.sectionSize(column) != size:
                    self.header.resizeSection(column, size)
        finally:
            self._fitting = False

    def _on_section_resized(self, column: int, old: int, new: int) -> None:
        if self._fitting or self.header.isSectionHidden(column):
            return
        # the person dragged the edge of ``column``: the visible columns to its right
        # give (or take) the difference, as far as their minimums allow
        shown = self.visible()
        right = [c for c in shown if c > column]
        sizes = {c: self.header.sectionSize(c) for c in shown}
        grow = new - old
        room = sum(sizes[c] - self.minimum[c] for c in right)
        if not right:  # the last column: its right edge is the view's
            grow = 0
        grow = min(grow, max(room, 0))
        sizes[column] = max(old + grow, self.minimum[column])
        grow = sizes[column] - old
        if right:
            rest = distribute(
                sum(sizes[c] for c in right) - grow,
                [sizes[c] for c in right],
                [self.minimum[c] for c in right],
            )
            sizes.update(zip(right, rest, strict=True))
        self._fitting = True
        try:
            for c in shown:
                if self.header.sectionSize(c) != sizes[c]:
                    self.header.resizeSection(c, sizes[c])
        finally:
            self._fitting = False
        # keep the proportions of the visible columns; hidden ones keep their share
        share = sum(self._weights[c] for c in shown)
        total = sum(sizes.values()) or 1
        for c in shown:
            self._weights[c] = share * sizes[c] / total
