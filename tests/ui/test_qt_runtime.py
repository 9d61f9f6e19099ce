"""The Qt binding must not corrupt the interpreter during a long session."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_calls_returning_nothing_keep_the_reference_count_of_none(qtbot):
    # PySide6 6.12.0 lost one reference to None per such call; after enough calls a
    # real session aborted with "Fatal Python error: none_dealloc".
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 50
