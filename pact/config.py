"""Where pact keeps its files, and the few settings that are not in the database.

Nothing sensitive lives here: the settings file holds only the language, similar
preferences and the address of the last team server (never its password). Folders
are created with owner-only permissions.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

APP_NAME = "pact"
DB_FILENAME = "pact.db"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# the main window locks after this many minutes without input (Settings.lock_minutes)
DEFAULT_LOCK_MINUTES = 5
LOCK_MINUTES_RANGE = (1, 120)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def data_dir() -> Path:
    return _private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def config_dir() -> Path:
    return _private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def log_dir() -> Path:
    return _private_dir(Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    return _private_dir(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resources_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "resources"


def _lock_minutes(value: object) -> int:
    """A stored lock delay, or the default when it is missing or out of range."""
    low, high = LOCK_MINUTES_RANGE
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return DEFAULT_LOCK_MINUTES


SERVER_SCHEME = "postgresql://"
MAX_SERVER_ADDRESS = 2000


def _server_address(value: object) -> str:
    """A remembered server address (``ServerUrl.text()``: never with a password), or ""
    when it is missing or does not look like one."""
    if not isinstance(value, str) or not value.startswith(SERVER_SCHEME):
        return ""
    if len(value) > MAX_SERVER_ADDRESS or any(ch in value for ch in "\r\n"):
        return ""
    return value


@dataclass
class Settings:
    """``last_server``: the last team server pact connected to (its address without a
    password); ``use_server``: pact was last used on that server, so it starts there."""

    language: str = DEFAULT_LANGUAGE
    lock_minutes: int = DEFAULT_LOCK_MINUTES
    last_server: str = ""
    use_server: bool = False

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        language = raw.get("language", DEFAULT_LANGUAGE)
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        last_server = _server_address(raw.get("last_server"))
        return cls(
            language=language,
            lock_minutes=_lock_minutes(raw.get("lock_minutes")),
            last_server=last_server,
            use_server=raw.get("use_server") is True and bool(last_server),
        )

    def save(self) -> None:
        atomic_write(self.path(), json.dumps(asdict(self), indent=2).encode("utf-8"))


class FileExistsRefusal(FileExistsError):
    """``atomic_create`` found a file at the path: it is never overwritten."""


def _complete_temp_file(path: Path, data: bytes, mode: int) -> str:
    """``data`` in a new temp file beside ``path``, flushed to disk, with ``mode``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_create(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Like ``atomic_write``, but never replaces an existing file: the complete temp
    file is hard-linked to ``path`` (which fails when ``path`` exists), then removed.
    Raises FileExistsRefusal when ``path`` exists."""
    path = Path(path)
    tmp = _complete_temp_file(path, data, mode)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError as exc:
            raise FileExistsRefusal(str(path)) from exc
        except OSError:
            # a file system without hard links (FAT, some shares): check, then rename
            if path.exists():
                raise FileExistsRefusal(str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write to a temp file in the same folder, flush, fsync, rename into place."""
    path = Path(path)
    tmp = _complete_temp_file(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
