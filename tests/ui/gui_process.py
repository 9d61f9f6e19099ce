"""pact's real GUI in a separate process, for the tests that must see what a real
session leaves on disk or survives (a plaintext scan, a SIGKILL).

``private_session`` gives the process its own HOME, XDG folders and TMPDIR (everything
it may write is in them) and a handshake folder; ``driver(body)`` is a script that
starts pact the normal way (``PactApp`` on the default database, ``sys.argv[1]`` the
handshake folder) with a ``wait(condition, what)`` helper, followed by ``body``.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

_START = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from pact import config
    from pact.ui import ops
    from pact.ui.app import PactApp, apply_language, setup_logging

    handshake = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("pact"); app.setApplicationName("pact")
    app.setQuitOnLastWindowClosed(False)
    setup_logging()
    apply_language(config.Settings.load().language)
    ctl = PactApp(config.default_db_path())
    ctl.start()

    def wait(cond, what, limit=60.0):
        end = time.monotonic() + limit
        while not cond():
            if time.monotonic() > end:
                sys.exit("timed out waiting for " + what)
            app.processEvents(); time.sleep(0.02)
    """
)


def driver(body: str) -> str:
    """The start of every driver, then ``body`` (indented freely)."""
    return _START + textwrap.dedent(body)


def private_session(
    tmp_path: Path, passphrase: str, **env_extra: str
) -> tuple[dict[str, Path], dict[str, str], Path]:
    """The private folders (by variable name), the environment for the process and the
    handshake folder. The keyring is the ``fail`` backend: the passphrase opens pact."""
    home = tmp_path / "home"
    dirs = {
        "XDG_DATA_HOME": home / "data",
        "XDG_CONFIG_HOME": home / "config",
        "XDG_CACHE_HOME": home / "cache",
        "XDG_STATE_HOME": home / "state",
        "TMPDIR": home / "tmp",
    }
    for d in dirs.values():
        d.mkdir(parents=True)
    handshake = tmp_path / "handshake"
    handshake.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PACT_"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env.update(
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        PACT_PASSPHRASE=passphrase,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **env_extra,
    )
    return dirs, env, handshake
