"""The main window under test, made directly on the test's context (no start-up
dialogs), for the lock and clipboard tests. Test modules take it with
``from .window_fixtures import *``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.main_window import MainWindow

MakeWindow = Callable[[], MainWindow]


@pytest.fixture
def make_window(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> Iterator[MakeWindow]:
    """The main window for the test's user (a coordinator and administrator), shown."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    made: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield make
    for window in made:
        window._discard_changes = True
        window.close()
    ops.drop_held()
    ops.wait_idle()


__all__ = ["MakeWindow", "make_window"]
