"""argparse's own texts ("usage: ", "options", its error messages) in pact's catalogue.

argparse translates what it prints with the module globals ``argparse._`` and
``argparse.ngettext`` (Python's gettext, domain "messages"), so inside the Dutch
command line its texts would stay English. ``install()`` points those globals at
pact's catalogue; call it before a parser is built, because some texts (the
group titles, the help of -h) are translated when the parser is made.

Babel extracts messages only from pact/, never from the standard library, so the
msgids argparse uses are marked below, exactly as argparse spells them in
Python 3.11 to 3.14 (tests/cli/test_cli.py compares this list with the argparse
that runs). Messages that only report a programming error in pact's parser
definition are left out: no user can cause them.
"""

from __future__ import annotations

import argparse

from pact import i18n
from pact.i18n import N_, ngettext

# TRANSLATORS: argparse's texts. Keep the %-placeholders exactly: %(name)s, %(name)r
# and %s. Subcommand and option names in them are inserted, never translated.
MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),
    N_("%(heading)s:"),  # the title of a group in --help (Python 3.14)
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("%(prog)s: warning: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("unexpected option string: %s"),
    N_("option '%(option)s' is deprecated"),
    N_("argument '%(argument_name)s' is deprecated"),
    N_("command '%(parser_name)s' is deprecated"),
)

# plural messages: (singular, plural), as argparse passes them to ngettext
PLURAL_MESSAGES = (("expected %s argument", "expected %s arguments"),)


def _plural_marks() -> None:  # pragma: no cover - never called; read by Babel only
    ngettext("expected %s argument", "expected %s arguments", 2)


def install() -> None:
    """Let argparse translate with pact's catalogue (the current language)."""
    setattr(argparse, "_", i18n._)  # noqa: B010 - a module global argparse looks up
    setattr(argparse, "ngettext", i18n.ngettext)  # noqa: B010
