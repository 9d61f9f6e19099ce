"""Entry point: ``pact`` and ``python -m pact``.

Sets the language and the log file, parses the command line (pact/cli.py) and
runs a subcommand, or starts the GUI when there is none. PySide6 is imported
only on the way to the GUI, so the command line works without a display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pact import cli, config, i18n, log


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(config.Settings.load().language)
    log.setup_logging()
    cli.use_utf8()
    parsed = cli.parse(args)
    if isinstance(parsed, int):
        return parsed
    if parsed.command is None:
        from pact.ui.app import run_gui

        program = sys.argv[0] if sys.argv and sys.argv[0] else "pact"
        return run_gui(cli.db_path(parsed), [program, *args])
    return cli.run(parsed)


if __name__ == "__main__":
    sys.exit(main())
