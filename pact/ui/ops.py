"""Background work, like Anki's CollectionOp.

    Op(parent, fn).success(cb).failure(cb).with_progress(label).run()

``fn`` runs on a worker thread and never touches widgets; ``success`` and
``failure`` run on the UI thread. Writes (``Op(..., write=True)``) are serialised
on one worker thread, reads may run in parallel on the global pool.

While the main window is locked (``hold``) nothing may touch the database: an op
started then waits until ``release`` (after the unlock), unless it is the unlock
itself (``even_when_held``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)
T = TypeVar("T")

_write_pool: QThreadPool | None = None
_running: set[Op[Any]] = set()
_lock = threading.Lock()
_holding = False
_held: list[Op[Any]] = []


def write_pool() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class Op(Generic[T]):
    def __init__(self, parent: QWidget | None, fn: Callable[[], T], write: bool = False):
        self._parent = parent
        self._fn = fn
        self._write = write
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self._dialog: QProgressDialog | None = None
        self._signals = _Signals()
        self._even_when_held = False

    def success(self, cb: Callable[[T], None]) -> Op[T]:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op[T]:
        self._on_failure = cb
        return self

    def with_progress(self, label: str) -> Op[T]:
        self._progress_label = label
        return self

    def even_when_held(self) -> Op[T]:
        """Run at once even while ops are held (the unlock of a locked window)."""
        self._even_when_held = True
        return self

    def run(self) -> None:
        if _holding and not self._even_when_held:
            _held.append(self)  # started by ``release``
            return
        with _lock:
            _running.add(self)
        self._signals.done.connect(self._finish_ok, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._finish_err, Qt.ConnectionType.QueuedConnection)
        if self._progress_label is not None:
            dialog = QProgressDialog(self._progress_label, "", 0, 0, self._parent)
            dialog.setObjectName("progressDialog")
            dialog.setCancelButton(None)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(400)
            self._dialog = dialog
        pool = write_pool() if self._write else QThreadPool.globalInstance()
        pool.start(_Task(self._fn, self._signals))

    def _close(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        with _lock:
            _running.discard(self)

    def _finish_ok(self, result: T) -> None:
        self._close()
        if self._on_success is not None:
            self._on_success(result)

    def _finish_err(self, exc: BaseException) -> None:
        self._close()
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            # no handler: the global excepthook shows it, never silently lost
            QTimer.singleShot(0, lambda: _reraise(exc))


def _reraise(exc: BaseException) -> None:
    raise exc


def hold() -> None:
    """From now on an op waits until ``release`` (the window is locked)."""
    global _holding
    _holding = True


def holding() -> bool:
    return _holding


def release() -> None:
    """Start the ops that waited, in the order they were started."""
    global _holding
    _holding = False
    waiting = list(_held)
    _held.clear()
    for op in waiting:
        op.run()


def drop_held() -> None:
    """Forget the ops that waited and stop holding (pact quits while locked)."""
    global _holding
    _holding = False
    _held.clear()


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until every background op finished (tests and shutdown)."""
    ok = write_pool().waitForDone(timeout_ms)
    return QThreadPool.globalInstance().waitForDone(timeout_ms) and ok
