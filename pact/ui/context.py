"""What every view needs: the open database and a 'changed' signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pact.db.database import Database
from pact.db.uow import UnitOfWork
from pact.services.access import KeyMode


class AppContext(QObject):
    """Owned by the main window. After a write, emit ``changed`` with what changed
    (e.g. ``"partners"``, ``"municipalities"``); each view decides what to refresh."""

    changed = Signal(str)

    def __init__(self, db: Database, mode: KeyMode, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.mode = mode

    def uow(self) -> UnitOfWork:
        return self.db.uow()
