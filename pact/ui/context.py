"""What every view needs: the open database, the acting user and a 'changed' signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pact.db.database import Database
from pact.db.uow import UnitOfWork
from pact.services.access import KeyMode
from pact.services.users import Actor


class AppContext(QObject):
    """Owned by the start-up controller. After a write, emit ``changed`` with what
    changed; each view decides what to refresh. The kinds in use:

    ``partners``, ``municipalities`` (the directory), ``users``, ``cases`` (a case was
    registered, changed, closed or reopened, or anything in a case file changed),
    ``actions`` (next steps), ``key_mode``, ``settings`` (machine settings such as the
    idle-lock minutes).

    ``elsewhere`` is True while ``changed`` reports a change made on another
    workstation (pact.ui.live), e.g. so that an open case file being edited is not
    read again under its editor.

    ``actor`` is the logged-in user; every service call passes it, and the database's
    ``actor`` is the same user, so what the unit of work writes is audited for them.
    """

    changed = Signal(str)

    def __init__(
        self,
        db: Database,
        mode: KeyMode,
        actor: Actor | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.mode = mode
        self._actor = actor
        self.elsewhere = False
        if actor is not None:
            db.actor = actor

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("no acting user chosen yet")
        return self._actor

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    def set_actor(self, actor: Actor) -> None:
        self._actor = actor
        self.db.actor = actor

    def uow(self) -> UnitOfWork:
        return self.db.uow()
