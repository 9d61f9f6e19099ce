"""Today's date, in one place (tests move it with monkeypatch)."""

from __future__ import annotations

from datetime import date


def today() -> date:
    return date.today()
