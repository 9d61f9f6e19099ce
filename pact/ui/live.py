"""Live lists and the connection to the team's server.

``LiveWatcher`` asks the change counter of ``pact.services.changes`` every few seconds,
in the background (never on the UI thread, never while the window is locked). What
other workstations wrote since the last answer is told through ``ctx.changed`` (with
``ctx.elsewhere`` set meanwhile), so each open list reloads as after a change of its
own: the partners, cases, next steps, meetings, the dashboard, the users and the audit
log, keeping the selection and the scroll position. This window's own writes are left
out: they were told when they were made.

When a poll or any other database call finds the server gone (ConnectionLostError,
``pact.db.server``), ``lost`` fires at once (the connection banner shows); pact keeps
working on what is loaded, and asks again after 1, 2, 4, 8 and then every 10 seconds
(the engine's pre-ping replaces the dead connections). The first answer fires
``restored``: every list reloads, and the minutes drafts kept on this computer
meanwhile (``pact.services.local_drafts``) are written to the server.

On a local file the watcher does nothing unless asked (``enabled=True``): one window
works on a file, and writes of another program on the same file are rare.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView
from shiboken6 import isValid
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext

from pact.db.server import ConnectionLostError, is_connection_loss
from pact.errors import PactError
from pact.security import audit as chain
from pact.services import changes, local_drafts, minutes
from pact.ui import ops
from pact.ui.context import AppContext
from pact.ui.itemmodels.paged import RowTableModel
from pact.ui.ops import Op

log = logging.getLogger(__name__)

POLL_MS = 3000
RETRY_MS = (1000, 2000, 4000, 8000, 10_000)


class LiveWatcher(QObject):
    """``lost`` / ``restored``: the server went away / answers again; ``polled`` after
    every answer (with the kinds told); ``drafts_sent(n)`` after the drafts kept here
    reached the server."""

    lost = Signal()
    restored = Signal()
    polled = Signal(object)
    drafts_sent = Signal(int)
    offline_storage = Signal(bool)  # whether drafts are kept on disk (else in memory)
    _engine_lost = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
        enabled: bool | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.interval_ms = interval_ms
        self.enabled = ctx.db.server is not None if enabled is None else enabled
        self.online = True
        self.after: int | None = None  # the newest entry seen
        self._busy = False
        self._failures = 0
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.poll_now)
        self._engine_lost.connect(self._engine_failed, Qt.ConnectionType.QueuedConnection)
        self._listening = False
        self.offline = local_drafts.store_for(ctx.db.engine)
        if self.enabled:
            event.listen(ctx.db.engine, "handle_error", self._seen_error)
            self._listening = True
            self._timer.start(0)

    # ------------------------------------------------------------ any failed call

    def _seen_error(self, context: ExceptionContext) -> None:
        """On whichever thread the call failed: a lost connection shows at once."""
        # (an exception raised here would replace the call's own: none may escape)
        try:
            lost = getattr(context, "chained_exception", None)
            if not context.is_pre_ping and isinstance(lost, ConnectionLostError) and isValid(self):
                self._engine_lost.emit()
        except Exception:  # e.g. the watcher is being deleted
            log.debug("connection loss not signalled", exc_info=True)

    # ------------------------------------------------------------ polling

    def poll_now(self) -> None:
        """Ask now (the banner's "Try again now"; the timer)."""
        if self._stopped or not self.enabled or self._busy:
            return
        self._timer.stop()
        if ops.holding() or not self.ctx.has_actor:
            self._schedule(self.interval_ms)  # locked: nothing touches the database
            return
        self._busy = True
        uow, after = self.ctx.uow, self.after
        me, workstation = self.ctx.actor.id, chain.workstation()

        def work() -> changes.Changes:
            if after is None:
                return changes.Changes(changes.newest(uow()), frozenset())
            return changes.poll(uow(), after, me, workstation)

        Op(None, work).success(self._answered).failure(self._refused).run()

    def _schedule(self, ms: int) -> None:
        if not self._stopped and isValid(self):
            self._timer.start(ms)

    def _answered(self, answer: changes.Changes) -> None:
        if not isValid(self) or self._stopped:
            return
        self._busy = False
        came_back = not self.online
        self.after = answer.seq
        if came_back:
            self._back_online()
        self.tell(answer.kinds)
        self.polled.emit(answer.kinds)
        self._schedule(self.interval_ms)

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self) or self._stopped:
            return
        self._busy = False
        if is_connection_loss(exc):
            self._on_lost()
            return  # _on_lost schedules the next try
        if isinstance(exc, PactError):
            log.warning("asking for changes was refused: %s", exc)
        else:
            log.error("asking for changes failed", exc_info=exc)
        self._schedule(self.interval_ms)

    def tell(self, kinds: Iterable[str]) -> None:
        """Tell the open views what another workstation changed."""
        kinds = set(kinds)
        if kinds - {changes.AUDIT}:
            kinds.discard(changes.AUDIT)  # the audit log reloads on any kind anyway
        if not kinds:
            return
        self.ctx.elsewhere = True
        try:
            for kind in sorted(kinds):
                self.ctx.changed.emit(kind)
        finally:
            self.ctx.elsewhere = False

    # ------------------------------------------------------------ lost and back

    def _engine_failed(self) -> None:
        # (while offline the retries are already planned: no new plan per failed call)
        if self.online:
            self._on_lost()

    def _on_lost(self) -> None:
        if self._stopped or not isValid(self):
            return
        if self.online:
            self.online = False
            self._failures = 0
            self.lost.emit()
            self._prepare_offline()
        if not self._busy:  # (a poll under way plans the next try when it fails)
            self._schedule(RETRY_MS[min(self._failures, len(RETRY_MS) - 1)])
            self._failures += 1

    def _prepare_offline(self) -> None:
        store = self.offline
        if store is None:
            return

        def done(on_disk: bool) -> None:
            if isValid(self):
                self.offline_storage.emit(on_disk)

        # the keyring may take a moment: not on the UI thread
        Op(None, store.prepare).success(done).failure(lambda exc: log.error("%s", exc)).run()

    def _back_online(self) -> None:
        self.online = True
        self._failures = 0
        self.restored.emit()
        # what failed to load meanwhile loads again
        self.tell((*changes.EVERYTHING, changes.AUDIT))
        self.send_drafts()

    def send_drafts(self) -> None:
        """Write the minutes drafts kept on this computer to the server."""
        if self.offline is None or not self.ctx.has_actor:
            return
        uow, actor = self.ctx.uow, self.ctx.actor

        def failed(exc: BaseException) -> None:
            if is_connection_loss(exc):
                self._on_lost()
            elif isinstance(exc, PactError):
                log.warning("offline drafts not sent: %s", exc)
            else:
                log.error("offline drafts not sent", exc_info=exc)

        Op(None, lambda: minutes.send_local_drafts(uow(), actor), write=True).success(
            lambda n: self.drafts_sent.emit(n) if isValid(self) else None
        ).failure(failed).run()

    def stop(self) -> None:
        """No more polls (the window closes or is rebuilt)."""
        self._stopped = True
        self._timer.stop()
        if self._listening:
            self._listening = False
            event.remove(self.ctx.db.engine, "handle_error", self._seen_error)


class KeepPlace(QObject):
    """A list refreshed after a change (``reload(keep_loaded=True)``, e.g. what another
    workstation saved) keeps its place: the chosen rows (by id) and the scroll position.
    A new filter or sort starts at the top as before."""

    def __init__(self, table: QAbstractItemView, model: RowTableModel[Any]):
        super().__init__(table)
        self.table = table
        self.model = model
        self._saved: tuple[int | None, list[int], int, int] | None = None
        model.modelAboutToBeReset.connect(self._save)
        model.modelReset.connect(self._restore)

    def _save(self) -> None:
        if not getattr(self.model, "keeps_place", False):
            self._saved = None
            return
        current = self.table.currentIndex()
        selection = self.table.selectionModel()
        rows = sorted({i.row() for i in selection.selectedRows()}) if selection else []
        ids = [self.model.row(r).id for r in rows if r < self.model.rowCount()]
        self._saved = (
            self.model.row(current.row()).id if current.isValid() else None,
            ids,
            self.table.verticalScrollBar().value(),
            self.table.horizontalScrollBar().value(),
        )

    def _restore(self) -> None:
        saved, self._saved = self._saved, None
        if saved is None:
            return
        current_id, ids, vertical, horizontal = saved
        selection = self.table.selectionModel()
        if selection is not None:
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            for row_id in ids:
                row = self.model.row_of(row_id)
                if row is not None:
                    selection.select(self.model.index(row, 0), flags)
            row = self.model.row_of(current_id) if current_id is not None else None
            if row is not None:
                selection.setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        # after the view has laid out the rows again
        QTimer.singleShot(0, lambda: self._scroll(vertical, horizontal))

    def _scroll(self, vertical: int, horizontal: int) -> None:
        if isValid(self.table):
            self.table.verticalScrollBar().setValue(vertical)
            self.table.horizontalScrollBar().setValue(horizontal)
