"""Text copied in pact leaves the clipboard 30 seconds later (shortened here), at a
lock and when pact quits, unless another program put something else there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pact.ui import clipboard
from pact.ui.main_window import MainWindow

from .window_fixtures import *  # noqa: F403
from .window_fixtures import MakeWindow

DELAY_MS = 400


@pytest.fixture(autouse=True)
def short_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "CLEAR_AFTER_MS", DELAY_MS)
    QApplication.clipboard().clear()


def system_clipboard() -> QClipboard:
    return QApplication.clipboard()


def copy_search_text(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type ``text`` in the case search, select it, Ctrl+C: what a person does."""
    window.show_area("cases")
    edit = window.cases.search_edit
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert system_clipboard().text() == text


def test_copied_text_is_cleared_after_the_delay(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    assert clipboard.guard().watching()
    qtbot.wait(DELAY_MS // 2)
    assert system_clipboard().text() == "Fam. Tukker"  # not at once
    qtbot.waitUntil(lambda: system_clipboard().text() == "", timeout=DELAY_MS * 5)
    assert not clipboard.guard().watching()


def test_a_new_copy_gets_its_own_delay(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    qtbot.wait(DELAY_MS * 3 // 4)
    window.cases.search_edit.clear()
    copy_search_text(qtbot, window, "Fam. Jansen")
    qtbot.wait(DELAY_MS // 2)  # past the first copy's time
    assert system_clipboard().text() == "Fam. Jansen"
    qtbot.waitUntil(lambda: system_clipboard().text() == "", timeout=DELAY_MS * 5)


def test_what_another_program_copied_is_left_alone(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    # another program takes the clipboard (offscreen has one clipboard in the process:
    # the platform's "whose is it" answer is what tells pact it is not its own)
    monkeypatch.setattr(clipboard, "pact_owns", lambda _cb, _mode: False)
    system_clipboard().setText("a shopping list")
    assert not clipboard.guard().watching()
    qtbot.wait(DELAY_MS * 2)
    assert system_clipboard().text() == "a shopping list"
    clipboard.guard().clear_now()  # at a lock or quit: still not pact's
    assert system_clipboard().text() == "a shopping list"


def test_text_replaced_without_notice_is_left_alone(qtbot: QtBot, make_window: MakeWindow) -> None:
    """Even when the change notice is missed, the text is compared before clearing."""
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    guard = clipboard.guard()
    system_clipboard().blockSignals(True)
    try:
        system_clipboard().setText("someone else's text")
    finally:
        system_clipboard().blockSignals(False)
    assert guard.watching()  # it did not notice
    qtbot.wait(DELAY_MS * 2)
    assert system_clipboard().text() == "someone else's text"


def test_the_clipboard_is_cleared_at_a_lock(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    window.lock()
    assert system_clipboard().text() == ""


def test_the_clipboard_is_cleared_when_pact_quits(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    copy_search_text(qtbot, window, "Fam. Tukker")
    window._discard_changes = True
    window.close()
    assert system_clipboard().text() == ""
