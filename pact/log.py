"""pact's log file, for the GUI and the command line.

One rotating file in the platform log folder (``pact.config.log_dir()``),
readable by its owner only. What goes in: what pact did (a command, an exit
code) and, for unexpected errors, where in pact's code they happened.

What never goes in: key material, passphrases and personal data. Exception
*messages* are left out of logged tracebacks, because they can quote the data
being processed (an SQL error lists its parameters, a ValueError the value it
rejected); the log keeps the exception types and the stack of code locations,
which is what a developer needs to find the fault.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from typing import Any

from pact import config

LOGGER_NAME = "pact"
LOG_FILENAME = "pact.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_handler: logging.Handler | None = None


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created with mode 0600."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding, errors="replace")


def redacted_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` and of its causes, without exception messages."""
    chain: list[tuple[BaseException, str | None]] = []  # newest first, with its link
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__cause__ is not None:
            link, nxt = "cause", current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link, nxt = "context", current.__context__
        else:
            link, nxt = None, None
        chain.append((current, link))
        current = nxt
    lines: list[str] = []
    for item, link in reversed(chain):  # the root cause first, as Python prints it
        if link == "cause":
            lines.append("The above exception was the direct cause of the following exception:")
        elif link == "context":
            lines.append("During handling of the above exception, another exception occurred:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        kind = type(item)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)")
    return "\n".join(lines)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # logging caches the formatted traceback on the record (exc_text); another
        # handler's formatter may have put the full one, messages included, there.
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        exc = ei[1] if ei else None
        if exc is None:
            return ""
        return redacted_traceback(exc)


def log_path() -> Path:
    return config.log_dir() / LOG_FILENAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the ``pact`` logger to the rotating log file. Safe to call more than once;
    returns the file's path, or None when the log folder cannot be written."""
    global _handler
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    logger.propagate = False
    try:
        path = log_path()
        if isinstance(_handler, PrivateRotatingFileHandler) and _handler.baseFilename == str(path):
            return path
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(RedactingFormatter(FORMAT))
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    logger.addHandler(handler)
    _handler = handler
    return path


def current_log_file() -> Path | None:
    """The file the log goes to, or None when setup_logging found no writable folder."""
    if isinstance(_handler, PrivateRotatingFileHandler):
        return Path(_handler.baseFilename)
    return None


def get_logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)
