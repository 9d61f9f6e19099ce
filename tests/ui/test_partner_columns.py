"""The partner list's columns fill its width: no horizontal scroll bar at 1280 pixels
with the editor open, the name column gets the most room, long texts show whole in a
tooltip."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pact.services import partners as svc
from pact.ui.context import AppContext
from pact.ui.main_window import MainWindow
from pact.ui.widgets.fit_columns import distribute

from .conftest import MakePartner

LONG_NAME = "Basisschool De Wilgenhoek"


def shown_widths(window: MainWindow) -> dict[int, int]:
    table = window.partners.table
    header = table.horizontalHeader()
    return {c: header.sectionSize(c) for c in range(header.count()) if not table.isColumnHidden(c)}


def test_distribute_fills_the_width_in_proportion_above_the_minimums() -> None:
    assert distribute(100, [1, 1, 2], [10, 10, 10]) == [25, 25, 50]
    assert sum(distribute(101, [1, 1, 1], [0, 0, 0])) == 101
    # a column that would fall below its minimum gets it; the others share the rest
    assert distribute(100, [1, 8, 1], [20, 0, 20]) == [20, 60, 20]
    # too narrow for the minimums: the minimums (a scroll bar, but nothing squashed)
    assert distribute(30, [1, 1], [20, 20]) == [20, 20]


def test_no_horizontal_scroll_bar_at_1280_with_the_editor_open(
    ctx: AppContext, make_partner: MakePartner, qtbot: QtBot
) -> None:
    make_partner(
        LONG_NAME,
        "school",
        places=("Hengelo", "Borne", "Enschede", "Almelo"),
        domains=("parenting", "child_school", "psychoeducation"),
        phone="074 250 1140",
        email="info@wilgenhoek.voorbeeld.nl",
        contacts=[svc.ContactData(name="Marieke Olthof")],
    )
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("partners")
    view = window.partners
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.editor.isVisible())
    table = view.table
    qtbot.waitUntil(lambda: sum(shown_widths(window).values()) == table.viewport().width())
    assert not table.horizontalScrollBar().isVisible()
    widths = shown_widths(window)
    # the name column is the widest, wide enough for a usual name
    assert max(widths, key=lambda c: widths[c]) == 0
    assert widths[0] >= table.fontMetrics().horizontalAdvance(LONG_NAME)
    # the phone number is never cut off
    phone = table.model().index(0, 4)
    assert widths[4] >= table.fontMetrics().horizontalAdvance(phone.data()) + 8
    # what is cut off shows whole in a tooltip
    for column in (0, 1, 2, 3, 5):
        index = table.model().index(0, column)
        assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()

    # with more room every column is shown, still without a scroll bar
    window.resize(1900, 900)
    qtbot.waitUntil(lambda: len(shown_widths(window)) == 7)
    qtbot.waitUntil(lambda: sum(shown_widths(window).values()) == table.viewport().width())
    assert not table.horizontalScrollBar().isVisible()


def test_dragging_a_column_edge_keeps_the_columns_filling_the_width(
    ctx: AppContext, make_partner: MakePartner, qtbot: QtBot
) -> None:
    make_partner(LONG_NAME)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1900, 900)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("partners")
    table = window.partners.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: sum(shown_widths(window).values()) == table.viewport().width())
    before = header.sectionSize(0)

    # drag the right edge of the name column 60 pixels to the right
    edge = header.sectionViewportPosition(0) + header.sectionSize(0) - 1
    y = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 30, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 60, y))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 60, y))
    QApplication.processEvents()
    assert header.sectionSize(0) == before + 60
    assert sum(shown_widths(window).values()) == table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()

    # the new proportions are kept when the window changes size
    ratio = header.sectionSize(0) / header.sectionSize(2)
    window.resize(2200, 900)
    qtbot.waitUntil(lambda: sum(shown_widths(window).values()) == table.viewport().width())
    assert len(shown_widths(window)) == 7
    assert abs(header.sectionSize(0) / header.sectionSize(2) - ratio) < 0.05
