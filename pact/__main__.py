"""Entry point: ``pact`` and ``python -m pact``.

Sets the language and the log file, parses the command line (pact/cli.py) and
runs a subcommand, or starts the GUI when there is none. PySide6 is imported
only on the way to the GUI, so the command line works without a display.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from pact import cli, config, i18n, log
from pact.i18n import _

# Qt platform plugins that need a display server (X11 or Wayland)
DISPLAY_PLATFORMS = frozenset({"xcb", "wayland", "wayland-egl", "wayland-brcm"})


def has_no_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt would abort for want of a display (Linux without X11 or Wayland).

    QT_QPA_PLATFORM may name other plugins (offscreen, vnc, eglfs, ...) that need
    none; it may also list several, separated by ';', each with ':options'.
    """
    env = os.environ if environ is None else environ
    if not (sys.platform if platform is None else platform).startswith("linux"):
        return False
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    names = {
        part.split(":", 1)[0].strip()
        for part in env.get("QT_QPA_PLATFORM", "").split(";")
        if part.strip()
    }
    if not names <= DISPLAY_PLATFORMS:
        return False
    # without WAYLAND_DISPLAY, Wayland clients try the socket "wayland-0"
    runtime = env.get("XDG_RUNTIME_DIR")
    return not (runtime and (Path(runtime) / "wayland-0").exists())


def _main(args: list[str]) -> int:
    i18n.set_language(config.Settings.load().language)
    log.setup_logging()
    cli.use_utf8()
    parsed = cli.parse(args)
    if isinstance(parsed, int):
        return parsed
    if parsed.command is None:
        if has_no_display():
            sys.stderr.write(
                _(
                    "pact needs a graphical desktop to open its window; the commands "
                    "(pact --help) work without one."
                )
                + "\n"
            )
            return cli.EXIT_FAILED
        server = getattr(parsed, "server", None) or None
        if server is not None and cli.db_path(parsed) is not None:
            both = _("Give either --db PATH or --server URL, not both.")
            sys.stderr.write(_("pact: {problem}").format(problem=both) + "\n")
            return cli.EXIT_USAGE
        from pact.ui.app import run_gui

        program = sys.argv[0] if sys.argv and sys.argv[0] else "pact"
        # pact --user NAME: the acting user, as for the commands (else PACT_USER);
        # pact --server URL: the connection dialog, filled in (a bad address: it says why)
        user = getattr(parsed, "user", None)
        if server is None:
            return run_gui(cli.db_path(parsed), [program, *args], user)
        return run_gui(None, [program, *args], user, server=server)
    return cli.run(parsed)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _main(args)
        sys.stdout.flush()  # here, not at exit, where a closed pipe cannot be handled
    except BrokenPipeError:
        # the reader of stdout has gone (pact --help | head -1): stop quietly
        cli.silence(sys.stdout)
        return cli.EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
