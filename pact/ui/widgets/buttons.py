"""The push buttons of an area's action bar: a name for tests, the text a screen
reader says (without the mnemonic's ``&`` and the trailing ``…``) and a tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget


def spoken(text: str) -> str:
    """A button's text as a screen reader should say it: no ``&``, no trailing ``…``."""
    return text.replace("&", "").rstrip("…")


def action_button(parent: QWidget, name: str, text: str, tip: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAccessibleName(spoken(text))
    button.setToolTip(tip)
    return button
