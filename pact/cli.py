"""The command line: for scripts, tests and support. No Qt in here.

Rules for every subcommand (see the README):

* exit 0 ok; 1 failed and nothing changed; 2 the database cannot be unlocked
  (wrong or missing key); 3 log-in or permission refused; 64 usage error;
* without a terminal on stdin pact never prompts: secrets come from
  PACT_PASSPHRASE / PACT_RECOVERY_KEY, or the command exits 2;
* ``--db`` and ``--user`` are accepted before or after the subcommand. Every
  command that reads or changes pact data logs in as a pact user
  (``pact.services.auth.login``, the same rules as the app's log-in dialog: the
  wait after wrong passwords is stored in the database): the user is --user or
  PACT_USER, the password PACT_PASSWORD or, with a terminal, asked for; without
  either, or when the log-in is refused: exit 3. What the user does is audited
  like in the app (``Database.actor``; the workstation says "command line").
  Exceptions: ``pact demo``, and a database without users yet (``users add`` of
  the first user, ``partners import`` into a new or empty database);
* reading commands never upgrade the database layout (``open_current``);
* lists are UTF-8, tab-separated, without a header line, with ISO dates and
  English codes; messages and errors go to stderr, never a traceback (the log
  file keeps it, without messages or personal data).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO, TypeVar

from pact import __version__, argparse_texts, log
from pact.config import FileExistsRefusal, atomic_write, default_db_path
from pact.db import server_roles
from pact.db.database import Database, create_database, is_new_file, open_server_database
from pact.db.engine import RawKey
from pact.db.migrate import SchemaState
from pact.db.server import ServerAddressError, ServerPasswordError, ServerUrl, parse_url
from pact.errors import (
    AccessDeniedError,
    BreakGlassRequiredError,
    DatabaseLockedError,
    LoginError,
    MeldcodeKeepError,
    NotADatabaseError,
    NotFoundError,
    NoUserError,
    PactError,
    PasswordChangeRequiredError,
    SchemaOutdatedError,
    ValidationError,
    WrongKeyError,
    os_reason,
)
from pact.i18n import N_, _, ngettext
from pact.models.case import LEVELS
from pact.models.meeting import MEETING_KINDS
from pact.models.user import ROLES
from pact.security import passwords
from pact.security.audit import set_channel
from pact.services import (
    access,
    audit,
    auth,
    backup,
    calendar,
    cases,
    demo,
    documents,
    figures,
    maintenance,
    meetings,
    partner_csv,
    retention,
    scope,
    subject_access,
    timeline,
    users,
)
from pact.services import partners as p
from pact.services import validation as v
from pact.services.consent_rules import FOREVER
from pact.services.users import Actor

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 2
EXIT_DENIED = 3  # log-in or permission refused: no (active) acting user, no access
EXIT_USAGE = 64

PROMPT_ATTEMPTS = 3
LIST_PAGE = 500
STDOUT = "-"  # as FILE of partners export: write to standard output
ENV_USER = "PACT_USER"  # the acting user when --user is not given
ENV_PASSWORD = "PACT_PASSWORD"  # the acting user's password, for scripts
ENV_NEW_PASSWORD = "PACT_NEW_PASSWORD"  # the password of a user made by pact users add
CASE_STATUSES = ("open", "registered", "active", "closed", "all")

_T = TypeVar("_T")

logger = logging.getLogger("pact.cli")


class UsageError(Exception):
    """A command line that cannot be parsed; ``usage`` is the parser's usage text."""

    def __init__(self, message: str, usage: str):
        super().__init__(message)
        self.usage = usage


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error raises UsageError (exit 64) instead of exiting 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.format_usage())


# ---------------------------------------------------------------- parsing


def build_parser() -> Parser:
    """The parser, with translated help texts (call after i18n.set_language)."""
    argparse_texts.install()  # argparse's own texts ("usage: ", errors) from pact's catalogue
    db_help = _("the database file (default: pact's database in your data folder)")
    server_help = _(
        "a team's PostgreSQL server instead of a file: postgresql://USER@HOST:PORT/DATABASE "
        "(TLS: the URL's sslmode, else PGSSLMODE, else verify-full); the server password "
        "comes from the keyring, else PGPASSWORD, else a prompt at a terminal"
    )
    user_help = _(
        "log in as this pact user (default: the environment variable PACT_USER); the "
        "password comes from the environment variable PACT_PASSWORD or, when there is "
        "a terminal, is asked for"
    )
    # --db and --user after the subcommand; SUPPRESS keeps a value given before it
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    common.add_argument("--server", metavar="URL", default=argparse.SUPPRESS, help=server_help)
    common.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help=user_help)

    parser = Parser(
        prog="pact",
        description=_(
            "pact: the partner directory, consultations and meetings of a local divorce pact. "
            "Without a command, pact opens its window."
        ),
        epilog=_(
            "Every command except demo logs in as a pact user: --user NAME (or "
            "PACT_USER) with the password from PACT_PASSWORD or typed at the terminal; "
            "what the user may see and do depends on their roles. check, audit "
            "verify, backup and restore need a coordinator or an administrator; figures, "
            "retention, cases access and cases erase need a coordinator; users list and "
            "users add need an administrator (the first user of a database needs no "
            "log-in). "
            "Exit codes: 0 ok, 1 failed (nothing changed), 2 the database cannot be "
            "unlocked, 3 log-in or permission refused, 64 usage error."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"pact {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument("--db", metavar="PATH", default=None, help=db_help)
    parser.add_argument("--server", metavar="URL", default=None, help=server_help)
    parser.add_argument("--user", metavar="NAME", default=None, help=user_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    commands.add_parser(
        "demo",
        parents=[common],
        help=_("create a new database filled with a fictional demo pact"),
        description=_(
            "Create a new database filled with a fictional demo pact. "
            "Refuses a file that already exists. With --server URL it fills an empty "
            "database on a team's server (making its tables first) and refuses one that "
            "already holds data. Needs no log-in; every demo account "
            "has the password {password}."
        ).format(password=auth.DEMO_PASSWORD),
    )
    commands.add_parser(
        "check",
        parents=[common],
        help=_(
            "check the key, the file, the database layout and the audit log; prints ok "
            "(coordinators and administrators)"
        ),
        description=_(
            "Check that the key opens the database, that the encrypted pages and the "
            "database structure are intact, that every reference points to an existing "
            "record, that the layout is the current one and that no entry of the audit "
            "log was changed or removed. Prints ok on standard output, or what is wrong "
            "on standard error (exit 1). Needs a coordinator or an administrator; "
            "changes nothing but the audit log's log-in entry. A database with an older "
            "layout is not checked: open it in pact first."
        ),
    )
    audit_group = commands.add_parser(
        "audit",
        parents=[common],
        help=_("the audit log: verify (coordinators and administrators)"),
    )
    audit_actions = audit_group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    audit_actions.add_parser(
        "verify",
        parents=[common],
        help=_("check that no entry of the audit log was changed or removed; prints ok"),
        description=_(
            "Check the audit log's hash chain from the first entry to the last. Prints "
            "ok on standard output (exit 0), or the number of the first broken entry and "
            "why on standard error (exit 1). Needs a coordinator or an administrator."
        ),
    )
    partners = commands.add_parser(
        "partners",
        parents=[common],
        help=_("the partner directory: list, import, export"),
    )
    actions = partners.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    listing = actions.add_parser(
        "list",
        parents=[common],
        help=_("one line per organisation: id, name, sector, municipalities"),
        description=_(
            "One line per organisation, tab-separated: id, name, sector code, "
            "municipalities separated by |."
        ),
    )
    listing.add_argument("--all", action="store_true", help=_("include archived organisations"))
    importing = actions.add_parser(
        "import",
        parents=[common],
        help=_("import organisations and contact persons from a CSV file"),
        description=_(
            "Import a CSV file (the columns of the export). All or nothing: any bad row "
            "is reported and nothing is imported. Organisations that already exist are "
            "skipped and reported. When the database does not exist yet, it is created "
            "(as pact demo creates one); if the import fails, it is removed again. A new "
            "database, or one without users yet, needs no log-in."
        ),
    )
    importing.add_argument("file", metavar="FILE", help=_("the CSV file"))
    importing.add_argument(
        "--dry-run",
        action="store_true",
        help=_("show what would be imported; change nothing"),
    )
    exporting = actions.add_parser(
        "export",
        parents=[common],
        help=_("export the partner directory to a CSV file"),
        description=_(
            "Write the partner directory to a CSV file: UTF-8 with BOM and ; (for Excel), "
            "or plain CSV with --comma. FILE - writes it to standard output."
        ),
    )
    exporting.add_argument(
        "file", metavar="FILE", help=_("the CSV file to write; - for standard output")
    )
    exporting.add_argument(
        "--comma", action="store_true", help=_("plain CSV: UTF-8 without BOM, with commas")
    )
    _add_user_commands(commands, common)
    _add_case_commands(commands, common)
    _add_retention_commands(commands, common)
    _add_meeting_commands(commands, common)
    _add_print_command(commands, common)
    _add_backup_commands(commands, common)
    _add_server_commands(commands, common)
    return parser


def _add_backup_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    making = commands.add_parser(
        "backup",
        parents=[common],
        help=_("write an encrypted backup of the database (coordinators and administrators)"),
        description=_(
            "Write a complete backup of the database to FILE, encrypted with the database's "
            "own key: it opens with the same recovery key or passphrase, also on another "
            "computer. The database is checked first; the backup is written to a temporary "
            "file and checked, and only then replaces a file of the same name. Prints the "
            "backup's path. Needs a coordinator or an administrator."
        ),
    )
    making.add_argument(
        "-o", "--output", metavar="FILE", required=True, help=_("the backup file to write")
    )
    restoring = commands.add_parser(
        "restore",
        parents=[common],
        help=_("replace the database by a backup (coordinators and administrators)"),
        description=_(
            "Replace the database (--db, or pact's database in your data folder) by the "
            "backup FILE. The key comes from PACT_PASSPHRASE, from the key this computer's "
            "keyring holds for the database, from PACT_RECOVERY_KEY or, at a terminal, is "
            "asked for. The backup is checked on a copy first (key, encrypted pages, "
            "structure, audit log), and you log in to it as one of its coordinators or "
            "administrators. Only then is the current database set aside and replaced; it "
            "is removed once the restored database has opened and passed its check. On any "
            "problem nothing is changed."
        ),
    )
    restoring.add_argument("file", metavar="FILE", help=_("the backup file"))


def _add_server_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    group = commands.add_parser(
        "server",
        parents=[common],
        help=_("a team's PostgreSQL server: grant (administrators)"),
    )
    actions = group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    granting = actions.add_parser(
        "grant",
        parents=[common],
        help=_("let a database role of the workstations use pact (run as the tables' owner)"),
        description=_(
            "Connected with --server as the role that owns pact's tables (the one the "
            "migrations ran as), grant ROLE what pact's workstations need: read and write "
            "every table, but only read and append to the audit log, so no workstation "
            "can change or remove audit entries or their triggers. Run it again after an "
            "upgrade of pact. Needs a pact administrator. Prints the statements run."
        ),
    )
    granting.add_argument("role", metavar="ROLE", help=_("the role, e.g. pact_app"))


def _add_user_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    group = commands.add_parser(
        "users", parents=[common], help=_("the people who use pact: list, add")
    )
    actions = group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    actions.add_parser(
        "list",
        parents=[common],
        help=_("one line per user: user name, name, organisation, roles, active"),
        description=_(
            "One line per user, tab-separated: user name, display name, organisation, "
            "roles separated by |, and active or inactive."
        ),
    )
    adding = actions.add_parser(
        "add",
        parents=[common],
        help=_("add a user"),
        description=_(
            "Add a user. The first user of a database needs no log-in and becomes "
            "administrator and coordinator; after that an administrator adds users "
            "(log in with --user). The new user's password comes from the environment "
            "variable PACT_NEW_PASSWORD or is asked for twice at the terminal. A password "
            "an administrator gives is temporary: the user chooses their own at the first "
            "log-in."
        ),
    )
    adding.add_argument("username", metavar="USERNAME", help=_("the user name, e.g. i.kamphuis"))
    adding.add_argument(
        "--name", required=True, metavar="NAME", help=_("the name pact shows, e.g. Ingrid Kamphuis")
    )
    adding.add_argument(
        "--organisation", metavar="NAME", help=_("the partner organisation the user works for")
    )
    adding.add_argument(
        "--contact",
        metavar="NAME",
        help=_("the user's contact person in the partner directory"),
    )
    adding.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        metavar="ROLE",
        help=_("administrator, coordinator or worker; repeat for more roles (default: worker)"),
    )


def _add_case_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    group = commands.add_parser(
        "cases", parents=[common], help=_("the cases you may see: list, show, access, erase")
    )
    actions = group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    listing = actions.add_parser(
        "list",
        parents=[common],
        help=_("one line per case the acting user may see"),
        description=_(
            "One line per case the acting user may see, tab-separated: code, status, level, "
            "municipality, consent state, meldcode (or empty), alias, case lead, open next "
            "steps, overdue next steps."
        ),
    )
    listing.add_argument(
        "--status",
        choices=CASE_STATUSES,
        default="open",
        metavar="STATUS",
        help=_("open (registered or active, the default), registered, active, closed or all"),
    )
    listing.add_argument(
        "--municipality", metavar="NAME", help=_("only cases in this municipality")
    )
    listing.add_argument(
        "--level", type=int, choices=LEVELS, metavar="N", help=_("only cases at this level (1-4)")
    )
    listing.add_argument("--mine", action="store_true", help=_("only cases I registered or lead"))
    listing.add_argument(
        "--consent-problem",
        action="store_true",
        help=_("only cases whose consent is missing, incomplete, expired or expiring"),
    )
    listing.add_argument(
        "--overdue", action="store_true", help=_("only cases with an overdue next step")
    )
    listing.add_argument(
        "--search", metavar="TEXT", default="", help=_("search in code, alias and family name")
    )
    showing = actions.add_parser(
        "show",
        parents=[common],
        help=_("the case file and timeline of one case"),
        description=_(
            "The case file of one case as key and value lines, tab-separated, then an empty "
            "line and the timeline: date, kind, title, detail. Opening it is logged in the "
            "audit log. A coordinator opens a case outside their own cases only with "
            "--reason (break-glass); for eight hours after that it opens without one."
        ),
    )
    showing.add_argument("code", metavar="CODE", help=_("the case code, e.g. 2026-0042"))
    showing.add_argument(
        "--reason",
        metavar="TEXT",
        default="",
        help=_(
            "why you open a case outside your own cases (coordinators, at least 10 "
            "characters); kept in the audit log as break-glass"
        ),
    )
    answering = actions.add_parser(
        "access",
        parents=[common],
        help=_("export everything pact holds about one case, for the family (coordinators)"),
        description=_(
            "Answer a family's request to see its data (AVG article 15): write everything "
            "pact holds about the case as a readable PDF and as JSON into FOLDER "
            "(access-CODE-DATE.pdf and .json). Both files or neither; an existing file is "
            "never overwritten. Prints the two paths. The export is logged in the audit "
            "log. Coordinators only."
        ),
    )
    answering.add_argument("code", metavar="CODE", help=_("the case code, e.g. 2026-0042"))
    answering.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FOLDER",
        help=_("the folder for the two files"),
    )
    _add_erase_command(actions, common)
    counting = commands.add_parser(
        "figures",
        parents=[common],
        help=_("the figures for funders per municipality and quarter (coordinators)"),
        description=_(
            "The figures the pact reports to municipalities, tab-separated: quarter, "
            "municipality (total for all), families, children, consultations, partners, "
            "next steps done, done on time, children with a buddy, schools. Coordinators only."
        ),
    )
    counting.add_argument("--year", type=int, required=True, metavar="YEAR", help=_("the year"))
    counting.add_argument(
        "--quarter",
        type=int,
        choices=(1, 2, 3, 4),
        metavar="Q",
        help=_("one quarter (1-4); default: all four"),
    )


def _iso_date(text: str) -> date:
    """An argument that is a date written like 2026-06-15."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date like 2026-06-15: {text}").format(text=text)
        ) from None


def _add_erase_command(actions: argparse._SubParsersAction[Parser], common: Parser) -> None:
    erasing = actions.add_parser(
        "erase",
        parents=[common],
        help=_("erase the personal data of one case on the family's request (coordinators)"),
        description=_(
            "Carry out a family's request to erase its data (AVG article 17): the names, "
            "free texts and contact details of the case are removed; the case code, dates, "
            "levels, municipality, partners and the counts for reports stay, and the "
            "minutes of its agenda items say only that the case was discussed. An open "
            "case is closed. A case shared under the Meldcode, with a Meldcode "
            "justification, or with Veilig Thuis or youth protection still involved, may "
            "have to be kept: it is erased only with --justification. More than three "
            "months after the request it is erased with a warning that the legal term has "
            "passed. Prints the case code. Cannot be undone; backups keep the old data "
            "until they are rotated out. Coordinators only."
        ),
    )
    erasing.add_argument("code", metavar="CODE", help=_("the case code, e.g. 2026-0042"))
    erasing.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help=_("whose request it is and how it came in (at least 10 characters)"),
    )
    erasing.add_argument(
        "--requested-on",
        required=True,
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help=_("the day the request was made"),
    )
    erasing.add_argument(
        "--justification",
        default="",
        metavar="TEXT",
        help=_("for a Meldcode case: why it is erased anyway (at least 20 characters)"),
    )


def _add_retention_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    group = commands.add_parser(
        "retention",
        parents=[common],
        help=_("cases past their retention term: list, anonymise (coordinators)"),
    )
    actions = group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    actions.add_parser(
        "list",
        parents=[common],
        help=_("one line per closed case past its retention term"),
        description=_(
            "One line per closed case whose retention term has ended (by default 20 years "
            "after the case was closed), tab-separated: code, level, municipality, closed "
            "on, retention ended on. The longest closed first. Coordinators only."
        ),
    )
    anonymising = actions.add_parser(
        "anonymise",
        parents=[common],
        help=_("remove the names and texts of cases past their retention term"),
        description=_(
            "Anonymise the cases named, or with --all-due every case past its retention "
            "term: their names, free texts and contact details are removed; the case "
            "codes, dates, levels, municipalities, partners and the counts for reports "
            "stay. All or nothing: a case whose term has not ended refuses the whole "
            "command. Prints the code of every anonymised case. Cannot be undone; backups "
            "keep the old data until they are rotated out. Coordinators only."
        ),
    )
    anonymising.add_argument(
        "codes", nargs="*", metavar="CODE", help=_("the case codes, e.g. 2026-0042")
    )
    anonymising.add_argument(
        "--all-due",
        action="store_true",
        help=_("every case past its retention term (pact retention list)"),
    )


def _meeting_id_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "meeting_id",
        type=int,
        metavar="MEETING_ID",
        help=_("the meeting's id (pact meetings list)"),
    )


def _add_meeting_commands(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    group = commands.add_parser(
        "meetings",
        parents=[common],
        help=_("network meetings and case consultations: list, ics"),
    )
    actions = group.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    listing = actions.add_parser(
        "list",
        parents=[common],
        help=_("one line per meeting the acting user may see"),
        description=_(
            "One line per meeting the acting user may see, tab-separated: id, date, kind "
            "(network or case), title, status. Upcoming meetings soonest first, otherwise "
            "newest first."
        ),
    )
    when = listing.add_mutually_exclusive_group()
    when.add_argument(
        "--upcoming",
        action="store_const",
        dest="when",
        const="upcoming",
        default="all",
        help=_("only meetings from today on that are not cancelled"),
    )
    when.add_argument(
        "--past",
        action="store_const",
        dest="when",
        const="past",
        help=_("only meetings before today"),
    )
    listing.add_argument(
        "--kind",
        choices=MEETING_KINDS,
        metavar="KIND",
        help=_("only network meetings (network) or case consultations (case)"),
    )
    invite = actions.add_parser(
        "ics",
        parents=[common],
        help=_("export a meeting as a calendar invite (iCalendar file)"),
        description=_(
            "Write a meeting as an iCalendar file (.ics) that Outlook and Thunderbird "
            "accept. The description lists the agenda as every invitee may read it: case "
            "items only by case code and level. -o - writes it to standard output."
        ),
    )
    _meeting_id_argument(invite)
    invite.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=_("the .ics file to write; - for standard output"),
    )


def _add_print_command(commands: argparse._SubParsersAction[Parser], common: Parser) -> None:
    printing = commands.add_parser(
        "print",
        parents=[common],
        help=_("save a meeting's agenda, chair's copy or minutes as PDF"),
        description=_(
            "Save the agenda, the chair's copy of the agenda or the minutes of a meeting "
            "as a PDF file. Without --for the full edition is made (only for a user who may "
            "see every case on the agenda); --for ORGANISATION_ID makes that organisation's "
            "edition, where a case item shows its details only when the organisation is "
            "involved in the case and covered by consent or the Meldcode; --for all makes "
            "one file per receiving organisation in the folder given with -o, named "
            "<date>_<document>_<organisation-id>.pdf. An existing file is never "
            "overwritten. Every file made is recorded in the disclosure record."
        ),
    )
    printing.add_argument(
        "document",
        choices=("agenda", "minutes", "chair"),
        metavar="DOCUMENT",
        help=_("agenda, minutes or chair (the chair's copy of the agenda)"),
    )
    _meeting_id_argument(printing)
    printing.add_argument(
        "--for",
        dest="recipient",
        metavar="ORGANISATION_ID",
        default=None,
        help=_("an organisation's id (pact partners list), or all; default: the full edition"),
    )
    printing.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=_("the PDF file to write; with --for all, the folder for the files"),
    )


def parse(argv: Sequence[str]) -> argparse.Namespace | int:
    """The parsed arguments, or an exit code (0 after --help/--version, 64 on errors)."""
    parser = build_parser()
    try:
        return parser.parse_args(list(argv))
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        _err(_("pact: {problem}").format(problem=exc))
        _err(_("Run “pact --help” for help."))
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK


def db_path(args: argparse.Namespace) -> Path | None:
    """The --db value, or None for the default database."""
    value = getattr(args, "db", None)
    return Path(value).expanduser() if value else None


def server_url(args: argparse.Namespace) -> ServerUrl | None:
    """The --server address, or None for a database file. UsageError (64) for a bad
    address, or one given together with --db."""
    value = getattr(args, "server", None)
    if not value:
        return None
    if getattr(args, "db", None):
        raise UsageError(
            _("Give either --db PATH or --server URL, not both."),
            _("usage: ") + "pact [--db PATH | --server URL] COMMAND ...\n",
        )
    try:
        return parse_url(value)
    except ServerAddressError as exc:
        raise UsageError(str(exc), _("usage: ") + "pact --server URL COMMAND ...\n") from exc


def connect_server(url: ServerUrl) -> Database:
    """The team's server database, connected (the password from the keyring or
    PGPASSWORD, asked for at a terminal only when the server asks), its schema not
    newer than this pact, and not migrated. Exit 2 when a password is needed and
    nobody can be asked."""

    def ask(reason: str) -> str | None:
        _err(reason)
        return _ask(_("Password of {user} on the server: ").format(user=url.user))

    try:
        opened = access.connect_server(url, ask if can_prompt() else None)
    except ServerPasswordError as exc:
        if can_prompt():
            raise
        raise DatabaseLockedError(
            _("{reason} There is no terminal to ask on: set PGPASSWORD.").format(reason=exc)
        ) from exc
    return open_server_database(url, opened.engine)


def open_server(url: ServerUrl, writing: bool = False) -> Database:
    """The team's server database (``connect_server``): reading commands need the
    current schema, writing ones bring it up to date."""
    db = connect_server(url)
    try:
        if writing:
            db.upgrade()
        else:
            state = db.schema_state()
            if state is not SchemaState.CURRENT:
                raise SchemaOutdatedError(
                    _(
                        "The server's database has an older layout or none yet. A command "
                        "that changes data brings it up to date; nothing was changed."
                    )
                )
    except BaseException:
        db.close()
        raise
    return db


def user_name(args: argparse.Namespace) -> str:
    """The acting user's name: --user, else PACT_USER, else ''."""
    value = getattr(args, "user", None) or os.environ.get(ENV_USER, "")
    return value.strip()


def require_user_name(args: argparse.Namespace) -> str:
    """The acting user's name, or NoUserError (exit 3) when none is named."""
    name = user_name(args)
    if not name:
        raise NoUserError(
            _(
                "Name the acting pact user: --user NAME, or set the environment variable "
                "PACT_USER. pact users list shows the users."
            )
        )
    return name


def _env_secret(name: str) -> str | None:
    """A secret from the environment; an empty value counts as none."""
    return os.environ.get(name) or None


@dataclass(frozen=True)
class Login:
    """Who logs in: the user name and the password from PACT_PASSWORD (None: it is
    asked for at the terminal once the database is open)."""

    username: str
    password: str | None


def require_login(args: argparse.Namespace) -> Login:
    """Who logs in, settled before the database is opened (so a script learns at
    once, without a key being asked for): a user name, and PACT_PASSWORD or a
    terminal to type the password at. Exit 3 otherwise."""
    name = require_user_name(args)
    password = _env_secret(ENV_PASSWORD)
    if password is None and not can_prompt():
        raise LoginError(
            _(
                "pact needs the password of {name}, and there is no terminal to ask for it: "
                "set the environment variable PACT_PASSWORD."
            ).format(name=name)
        )
    return Login(name, password)


def _ask_new_password(
    problem: Callable[[str], str | None], prompt: str, failed: Callable[[], PactError]
) -> str:
    """A new password typed twice at the terminal; ``problem`` says why one may not
    be used; ``failed()`` is raised after PROMPT_ATTEMPTS tries."""
    for _attempt in range(PROMPT_ATTEMPTS):
        first = _ask(prompt)
        reason = problem(first)
        if reason:
            _err(reason)
            continue
        if _ask(_("Repeat the password: ")) != first:
            _err(_("The two passwords differ."))
            continue
        return first
    raise failed()


def _choose_own_password(
    db: Database, name: str, password: str, exc: PasswordChangeRequiredError
) -> Actor:
    """An administrator set the password: the user chooses their own first (at a
    terminal; otherwise in the app)."""
    if not can_prompt():
        raise LoginError(
            _(
                "{reason} There is no terminal to choose it on: log in to the pact app "
                "once and choose it there (or run this command at a terminal)."
            ).format(reason=exc)
        ) from exc
    _err(str(exc))

    def problem(text: str) -> str | None:
        if text == password:
            return _("Choose a password that differs from the old one.")
        return passwords.check_new(text, name)

    new = _ask_new_password(
        problem,
        _("New password: "),
        lambda: LoginError(_("No new password was chosen; you are not logged in.")),
    )
    try:
        return auth.login(db.uow(), name, password, new_password=new)
    except ValidationError as invalid:  # made of the user's name, seen only now
        raise LoginError(" ".join(e.message for e in invalid.errors)) from invalid


def log_in(db: Database, who: Login) -> Actor:
    """Log in to the open ``db`` (pact.services.auth: the same counting of wrong
    passwords and waiting as in the app, and audit entries), and make everything
    done through ``db`` from now on act, and be audited, as this user. LoginError
    (exit 3) when the log-in is refused."""
    if users.count_users(db.uow()) == 0:
        raise NoUserError(
            _(
                "This database has no users yet. Add the first one (administrator and "
                "coordinator) with: pact users add USERNAME --name NAME"
            )
        )
    if auth.needs_password_setup(db.uow()):
        raise LoginError(
            _(
                "Nobody has a password in this database yet (it was made by a version of "
                "pact before log-in): open it in the pact app to choose the "
                "administrator's password."
            )
        )
    password = who.password
    if password is None:
        password = _ask(_("Password of {name}: ").format(name=who.username))
        if not password:
            raise LoginError(_("No password was entered; you are not logged in."))
    try:
        actor = auth.login(db.uow(), who.username, password)
    except PasswordChangeRequiredError as exc:
        actor = _choose_own_password(db, who.username, password, exc)
    db.actor = actor
    return actor


@contextlib.contextmanager
def logged_in(
    args: argparse.Namespace, who: Login, opener: Callable[[Path], Database] | None = None
) -> Iterator[tuple[Database, Actor]]:
    """The database (``open_current`` unless ``opener`` says otherwise) with ``who``
    logged in; closed afterwards."""
    url = server_url(args)
    if url is not None:
        db = open_server(url, writing=opener is open_for_writing)
    else:
        db = (opener or open_current)(db_path(args) or default_db_path())
    try:
        yield db, log_in(db, who)
    finally:
        db.close()


# ---------------------------------------------------------------- output


def use_utf8() -> None:
    """Lists are UTF-8 whatever the locale says."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def silence(stream: TextIO) -> None:
    """The reader of ``stream`` has gone (``pact ... | head -1``): send what is still
    buffered, and anything written later, to the null device, so that Python does not
    report a BrokenPipeError when it flushes the stream at exit (the Python docs'
    recipe for SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    try:
        sys.stderr.write(text + "\n")
    except BrokenPipeError:
        silence(sys.stderr)


def _cell(text: str) -> str:
    """A field of a tab-separated line: no tabs or line breaks inside."""
    return " ".join(text.replace("\t", " ").splitlines()).strip()


# ---------------------------------------------------------------- unlocking


def can_prompt() -> bool:
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (ValueError, OSError):
        return False


def _ask(prompt: str) -> str:
    return getpass.getpass(prompt)


def check_file(path: Path) -> None:
    """NotADatabaseError (exit 1) when ``path`` is missing, a folder, or a file that
    cannot be a pact database whatever the key."""
    if path.is_dir():
        raise NotADatabaseError(_("{path} is a folder, not a pact database.").format(path=path))
    if is_new_file(path):
        raise NotADatabaseError(_("There is no pact database at {path}.").format(path=path))
    problem = maintenance.file_problem(path)
    if problem:
        raise NotADatabaseError(problem)


def _wrong_key(path: Path, exc: WrongKeyError) -> WrongKeyError:
    """An encrypted file that a key does not open looks exactly like random bytes (a
    file that is no database, or a damaged one): say both."""
    return WrongKeyError(
        _("{reason} If the key is right, {path} is not a pact database or is damaged.").format(
            reason=exc, path=path
        )
    )


def open_database(path: Path) -> Database:
    """Open without migrating. Exit-code errors: NotADatabaseError (1), and
    DatabaseLockedError (2) when no key works and nobody can be asked."""
    path = path.resolve()
    check_file(path)
    try:
        return access.open_auto(path).db
    except WrongKeyError as exc:  # PACT_PASSPHRASE or PACT_RECOVERY_KEY does not fit
        raise _wrong_key(path, exc) from exc
    except access.NeedSecretError as exc:
        if not can_prompt():
            raise DatabaseLockedError(
                _(
                    "{reason} There is no terminal to ask on: set PACT_PASSPHRASE or "
                    "PACT_RECOVERY_KEY."
                ).format(reason=exc)
            ) from exc
        _err(str(exc))
    wrong: WrongKeyError | None = None
    for _attempt in range(PROMPT_ATTEMPTS):
        secret = _ask(_("Recovery key or passphrase: "))
        if not secret.strip():
            _err(_("Nothing was entered."))
            continue
        try:
            return access.open_with(path, secret).db
        except WrongKeyError as exc:
            _err(str(exc))
            wrong = exc
    if wrong is not None:
        raise _wrong_key(path, wrong)
    raise DatabaseLockedError(_("No key was entered; the database stays locked."))


def _ask_new_passphrase() -> str:
    for _attempt in range(PROMPT_ATTEMPTS):
        first = _ask(_("New passphrase: "))
        problem = access.check_new_passphrase(first)
        if problem:
            _err(problem)
            continue
        if _ask(_("Repeat the passphrase: ")) != first:
            _err(_("The two passphrases differ."))
            continue
        return first
    raise DatabaseLockedError(_("No passphrase was chosen; nothing was created."))


def _outdated_message(state: SchemaState) -> str:
    if state is SchemaState.EMPTY:
        return _(
            "This database has no pact tables: it was never set up. Open it in pact first "
            "(pact --db PATH); nothing was changed."
        )
    return _(
        "This database has an older layout. Open it in pact first to upgrade it "
        "(pact --db PATH); nothing was changed."
    )


def open_current(path: Path) -> Database:
    """For reading commands: never migrates; an older layout is an error (exit 1)."""
    db = open_database(path)
    state = db.schema_state()
    if state is not SchemaState.CURRENT:
        db.close()
        raise SchemaOutdatedError(_outdated_message(state))
    return db


def open_for_writing(path: Path) -> Database:
    """For writing commands: brings the layout up to date first (old file copied aside)."""
    db = open_database(path)
    try:
        backup = db.upgrade()
    except BaseException:
        db.close()
        raise
    if backup is not None:
        _err(
            _(
                "The database was upgraded to this version of pact; the old file was "
                "copied to {path}."
            ).format(path=backup)
        )
    return db


# ---------------------------------------------------------------- counts, files


def _organisations(n: int) -> str:
    return ngettext("{n} organisation", "{n} organisations", n).format(n=n)


def _contacts(n: int) -> str:
    return ngettext("{n} contact person", "{n} contact persons", n).format(n=n)


def write_file(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once (atomic_write), or raise a PactError
    that names ``target`` (never the temporary file) and leave nothing behind."""
    folder = target.parent
    if not folder.exists():
        raise PactError(_("The folder {folder} does not exist.").format(folder=folder))
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise PactError(
            _("Cannot write {path}: {reason}.").format(path=target, reason=os_reason(exc))
        ) from exc


def write_stdout(data: bytes) -> None:
    """``data`` as bytes on standard output (for FILE ``-``)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


# ---------------------------------------------------------------- new databases


def _new_database(create: Callable[[str | None], _T]) -> _T:
    """Run ``create(passphrase)`` the way every new database is made: without a
    passphrase first (PACT_PASSPHRASE, else the keyring); with no usable keyring, a
    passphrase typed at the terminal, or DatabaseLockedError (exit 2) without one."""
    try:
        return create(None)
    except access.NeedPassphraseError as exc:
        if not can_prompt():
            raise DatabaseLockedError(
                _(
                    "{reason} There is no terminal to ask on: set PACT_PASSPHRASE to the "
                    "passphrase for the new database. Nothing was created."
                ).format(reason=exc)
            ) from exc
        _err(str(exc))
    return create(_ask_new_passphrase())


def _tell_key(created: access.Created) -> None:
    """The recovery key (keyring mode: shown only this once, on stdout), or that the
    passphrase is the only key."""
    if created.recovery_key:
        _out(
            _(
                "Recovery key of the new database. It is shown only this once: keep it "
                "somewhere safe, away from this computer. Without it the database cannot be "
                "opened on another computer."
            )
        )
        _out(created.recovery_key)
    else:
        _err(
            _(
                "The database is protected by its passphrase only: without the passphrase "
                "nobody can open it, not even pact's makers."
            )
        )


@contextlib.contextmanager
def _empty_directory() -> Iterator[Database]:
    """A throw-away empty database in a private temporary folder, with a random key:
    what a dry run previews against when the target database does not exist yet."""
    with tempfile.TemporaryDirectory(prefix="pact-preview-") as folder:
        db = create_database(Path(folder) / "preview.db", RawKey(secrets.token_bytes(32)))
        try:
            yield db
        finally:
            db.close()


# ---------------------------------------------------------------- commands


def cmd_demo(args: argparse.Namespace) -> int:
    url = server_url(args)
    path = db_path(args)
    if url is None and path is None:
        raise UsageError(
            _(
                "pact demo needs --db PATH (a new file) or --server URL (an empty database "
                "on a server): a demo never goes into your own database."
            ),
            _("usage: ") + "pact demo --db PATH | --server URL\n",
        )
    if url is not None:
        db = connect_server(url)
        try:
            summary = demo.fill_server_demo(db)
        finally:
            db.close()
        place = url.text()
        partners_made = ngettext("{n} partner", "{n} partners", summary.organisations).format(
            n=summary.organisations
        )
        _err(
            _(
                "The demo pact was written to the empty server database {where}: "
                "{organisations} with {contacts}."
            ).format(where=place, organisations=partners_made, contacts=_contacts(summary.contacts))
        )
        _tell_demo(summary)
        _err(
            _(
                "Every demo account has the password {password}. Log in with --user and that "
                "password (typed when asked, or from PACT_PASSWORD), e.g. pact cases list "
                "--server {where} --user {coordinator}"
            ).format(password=auth.DEMO_PASSWORD, where=place, coordinator=demo.COORDINATOR)
        )
        return EXIT_OK
    assert path is not None
    made = _new_database(lambda passphrase: demo.create_demo(path, passphrase))
    made.created.db.close()
    _tell_key(made.created)
    summary = made.summary
    where = made.created.db.path
    _err(
        _("Demo database created at {path}: {organisations} with {contacts}.").format(
            path=where,
            organisations=ngettext("{n} partner", "{n} partners", summary.organisations).format(
                n=summary.organisations
            ),
            contacts=_contacts(summary.contacts),
        )
    )
    _tell_demo(summary)
    _err(
        _(
            "Every demo account has the password {password}. Log in with --user and that "
            "password (typed when asked, or from PACT_PASSWORD), e.g. pact cases list --db "
            "{path} --user {coordinator}"
        ).format(password=auth.DEMO_PASSWORD, path=where, coordinator=demo.COORDINATOR)
    )
    return EXIT_OK


def _tell_demo(summary: demo.DemoSummary) -> None:
    """What the demo holds besides the directory: cases, users, meetings."""
    others = len(summary.users) - len(demo.MAIN_USERS)
    _err(
        _(
            "It holds {cases} and {users}: {admin} (administrator), {coordinator} (the pact "
            "coordinator), {worker} (the internal coach of a primary school) and {others} "
            "more workers (pact users list)."
        ).format(
            cases=ngettext("{n} case", "{n} cases", summary.cases).format(n=summary.cases),
            users=ngettext("{n} user", "{n} users", len(summary.users)).format(
                n=len(summary.users)
            ),
            admin=demo.ADMIN,
            coordinator=demo.COORDINATOR,
            worker=demo.WORKER,
            others=others,
        )
    )
    _err(
        _("It also holds {meetings} of the pact, held and planned (pact meetings list).").format(
            meetings=ngettext(
                "{n} network meeting or case consultation",
                "{n} network meetings and case consultations",
                summary.meetings,
            ).format(n=summary.meetings)
        )
    )


def cmd_check(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        maintenance.require_keeper(db.uow(), me)
        report = maintenance.check(db)
    if report.ok:
        _out("ok")
        return EXIT_OK
    for problem in report.problems:
        _err(problem.message)
    return EXIT_FAILED


def cmd_audit_verify(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        result = audit.check_log(db.uow(), me)  # refuses a worker; the check is logged
    if result.ok:
        _out("ok")
        return EXIT_OK
    _err(audit.broken_message(result))
    return EXIT_FAILED


def cmd_partners_list(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, _me):
        f = p.PartnerFilter(include_archived=args.all)
        offset = 0
        while True:
            rows = p.list_organisations(db.uow(), f, offset=offset, limit=LIST_PAGE)
            for row in rows:
                _out(
                    "\t".join(
                        (
                            str(row.id),
                            _cell(row.name),
                            row.sector,
                            "|".join(_cell(m) for m in row.municipalities),
                        )
                    )
                )
            if len(rows) < LIST_PAGE:
                break
            offset += LIST_PAGE
    return EXIT_OK


class _ImportRejected(Exception):
    """The file has bad rows: nothing is imported."""

    def __init__(self, preview: partner_csv.ImportPreview):
        super().__init__("import rejected")
        self.preview = preview


def _report_rejected(preview: partner_csv.ImportPreview) -> int:
    for error in preview.errors:
        _err(partner_csv.describe(error))
    n = len(preview.errors)
    _err(
        ngettext(
            "Nothing was imported: the file has {n} problem. Correct it and import the file again.",
            "Nothing was imported: the file has {n} problems. Correct them and import the "
            "file again.",
            n,
        ).format(n=n)
    )
    return EXIT_FAILED


def _dry_run(db: Database, data: bytes) -> int:
    preview = partner_csv.preview_import(db.uow(), data)
    if preview.errors:
        return _report_rejected(preview)
    names = {m.id: m.name for m in p.list_municipalities(db.uow(), include_inactive=True)}
    for org in preview.organisations:
        _out(
            "\t".join(
                (
                    _cell(org.name),
                    org.sector,
                    "|".join(_cell(names.get(i, str(i))) for i in org.municipality_ids),
                    str(len(org.contacts)),
                )
            )
        )
    for duplicate in preview.duplicates:
        _err(duplicate)
    _err(
        _(
            "Dry run, nothing was changed. Would import: {organisations} with {contacts}; "
            "skipped as duplicates: {skipped}."
        ).format(
            organisations=_organisations(len(preview.organisations)),
            contacts=_contacts(sum(len(o.contacts) for o in preview.organisations)),
            skipped=len(preview.duplicates),
        )
    )
    return EXIT_OK


def _import(db: Database, data: bytes) -> partner_csv.ImportResult:
    preview = partner_csv.preview_import(db.uow(), data)
    if preview.errors:
        raise _ImportRejected(preview)
    return partner_csv.apply_import(db.uow(), preview)


def _report_imported(result: partner_csv.ImportResult) -> None:
    for skipped in result.skipped:
        _err(skipped)
    _err(
        _("Imported: {organisations} with {contacts}; skipped as duplicates: {skipped}.").format(
            organisations=_organisations(result.organisations),
            contacts=_contacts(result.contacts),
            skipped=len(result.skipped),
        )
    )


def _log_in_if_users(db: Database, args: argparse.Namespace) -> None:
    """The import acts as a logged-in user, once the database has users; before the
    first user there is nobody to log in as (as for pact users add)."""
    if users.count_users(db.uow()):
        log_in(db, require_login(args))


def cmd_partners_import(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
    url = server_url(args)
    if url is not None:
        return _import_on_server(args, url, data)
    path = (db_path(args) or default_db_path()).resolve()
    new = not path.is_dir() and is_new_file(path)
    if args.dry_run:
        if new:
            _err(
                _(
                    "There is no pact database at {path} yet; the import would create it. "
                    "Preview against an empty partner directory:"
                ).format(path=path)
            )
            with _empty_directory() as empty:
                return _dry_run(empty, data)
        db = open_current(path)
        try:
            _log_in_if_users(db, args)
            return _dry_run(db, data)
        finally:
            db.close()
    if new:
        return _import_into_new(path, data)
    db = open_for_writing(path)
    try:
        _log_in_if_users(db, args)
        result = _import(db, data)
    except _ImportRejected as exc:
        return _report_rejected(exc.preview)
    finally:
        db.close()
    _report_imported(result)
    return EXIT_OK


def _import_on_server(args: argparse.Namespace, url: ServerUrl, data: bytes) -> int:
    """partners import --server: into the server's database, all or nothing. A
    database without pact's tables yet gets them (as for its first user), but only
    once the file has no bad rows: a rejected file leaves the server untouched."""
    db = connect_server(url)
    try:
        if db.schema_state() is SchemaState.EMPTY:
            with _empty_directory() as empty:
                preview = partner_csv.preview_import(empty.uow(), data)
                if preview.errors:
                    return _report_rejected(preview)
                if args.dry_run:
                    _err(
                        _(
                            "The server's database {name} has no pact tables yet; the import "
                            "would make them. Preview against an empty partner directory:"
                        ).format(name=url.database)
                    )
                    return _dry_run(empty, data)
        elif args.dry_run:
            db.close()
            db = open_server(url)  # reading: the current schema, never upgraded
            _log_in_if_users(db, args)
            return _dry_run(db, data)
        db.upgrade()  # as every writing command: the layout first, then the log-in
        _log_in_if_users(db, args)
        result = _import(db, data)
    except _ImportRejected as exc:
        return _report_rejected(exc.preview)
    finally:
        db.close()
    _report_imported(result)
    return EXIT_OK


def _import_into_new(path: Path, data: bytes) -> int:
    """Create the database and import into it, or leave nothing (file, keyring entry)."""
    try:
        created, result = _new_database(
            lambda passphrase: access.create_filled(path, lambda db: _import(db, data), passphrase)
        )
    except _ImportRejected as exc:
        return _report_rejected(exc.preview)
    created.db.close()
    _tell_key(created)
    _err(_("A new database was created at {path}.").format(path=created.db.path))
    _report_imported(result)
    return EXIT_OK


def cmd_partners_export(args: argparse.Namespace) -> int:
    who = require_login(args)
    to_stdout = args.file == STDOUT
    target = Path(args.file)
    if not to_stdout and not target.parent.exists():  # before the key is asked for
        raise PactError(_("The folder {folder} does not exist.").format(folder=target.parent))
    with logged_in(args, who) as (db, _me):
        data = partner_csv.export_csv(db.uow(), comma=args.comma)
    if to_stdout:
        write_stdout(data)
        return EXIT_OK
    write_file(target, data)
    _err(_("The partner directory was written to {path}.").format(path=target))
    return EXIT_OK


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None and value != FOREVER else ""


def cmd_users_list(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        rows = users.users_overview(db.uow(), me)
    for row in rows:
        _out(
            "\t".join(
                (
                    row.username,
                    _cell(row.display_name),
                    _cell(row.organisation),
                    "|".join(row.roles),
                    "active" if row.active else "inactive",
                )
            )
        )
    return EXIT_OK


def _find_organisation(db: Database, name: str) -> int:
    wanted = v.fold(name)
    found = [o.id for o in cases.partner_options(db.uow()) if v.fold(o.label) == wanted]
    if not found:
        raise PactError(
            _("There is no active partner organisation named {name}.").format(name=name)
        )
    if len(found) > 1:
        raise PactError(
            _("Several partner organisations are named {name}; rename one first.").format(name=name)
        )
    return found[0]


def _find_contact(db: Database, name: str, organisation_id: int | None) -> tuple[int, int]:
    """(contact id, organisation id) of the active contact person ``name``."""
    wanted = v.fold(name)
    orgs = cases.contact_organisations(db.uow())
    found = [
        o.id
        for o in cases.contact_options(db.uow())
        if v.fold(o.label) == wanted and organisation_id in (None, orgs.get(o.id))
    ]
    if not found:
        raise PactError(_("There is no active contact person named {name}.").format(name=name))
    if len(found) > 1:
        raise PactError(
            _(
                "Several contact persons are named {name}; name their organisation with "
                "--organisation."
            ).format(name=name)
        )
    return found[0], orgs[found[0]]


def _new_user_password(username: str, display_name: str) -> str:
    """The new user's password: PACT_NEW_PASSWORD, else typed twice at the terminal
    (``cmd_users_add`` made sure that one of them is there)."""
    given = _env_secret(ENV_NEW_PASSWORD)
    if given is not None:
        return given
    return _ask_new_password(
        lambda text: passwords.check_new(text, username, display_name),
        _("Password of the new user {name}: ").format(name=username),
        lambda: PactError(_("No password was chosen; the user was not added.")),
    )


def cmd_users_add(args: argparse.Namespace) -> int:
    if _env_secret(ENV_NEW_PASSWORD) is None and not can_prompt():  # before the key
        raise PactError(
            _(
                "The new user needs a password, and there is no terminal to ask for it: set "
                "the environment variable PACT_NEW_PASSWORD."
            )
        )
    url = server_url(args)
    if url is not None:  # a new server database: the schema first
        db = open_server(url, writing=True)
    else:
        db = open_for_writing(db_path(args) or default_db_path())
    try:
        first = users.count_users(db.uow()) == 0
        me = None if first else log_in(db, require_login(args))
        if me is not None and not me.is_administrator:  # before any password is asked for
            raise AccessDeniedError(_("Only an administrator can add or change users."))
        organisation_id = _find_organisation(db, args.organisation) if args.organisation else None
        contact_id = None
        if args.contact:
            contact_id, organisation_id = _find_contact(db, args.contact, organisation_id)
        data = users.UserData(
            username=args.username,
            display_name=args.name,
            organisation_id=organisation_id,
            contact_id=contact_id,
            roles=tuple(args.role or (users.WORKER,)),
        )
        problems = users.field_errors(users.normalised(data))
        if problems:  # before the password is asked for
            raise ValidationError(problems)
        data = replace(data, password=_new_user_password(args.username, args.name))
        roles: tuple[str, ...]
        if me is None:
            made = users.create_first_user(db.uow(), data)
            username, roles = made.username, users.FIRST_USER_ROLES
        else:
            saved = users.save_user(db.uow(), me, data)
            username, roles = saved.username, saved.roles
    finally:
        db.close()
    _err(
        _("User {name} was added with the roles: {roles}.").format(
            name=username, roles=", ".join(roles)
        )
    )
    if me is not None:
        _err(
            _("The password is temporary: {name} chooses their own at the first log-in.").format(
                name=username
            )
        )
    return EXIT_OK


def _municipality_id(db: Database, name: str) -> int:
    known = p.list_municipalities(db.uow(), include_inactive=True)
    for m in known:
        if v.fold(m.name) == v.fold(name):
            return m.id
    raise PactError(
        _("There is no municipality {name}. Choose one of: {names}.").format(
            name=name, names=", ".join(m.name for m in known)
        )
    )


def cmd_cases_list(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        f = cases.CaseFilter(
            text=args.search,
            status=None if args.status == "all" else args.status,
            municipality_id=_municipality_id(db, args.municipality) if args.municipality else None,
            level=args.level,
            mine=args.mine,
            consent_problem=args.consent_problem,
            overdue=args.overdue,
        )
        offset = 0
        while True:
            rows = cases.list_cases(db.uow(), me, f, offset=offset, limit=LIST_PAGE)
            for row in rows:
                _out(
                    "\t".join(
                        (
                            row.code,
                            row.status,
                            str(row.level),
                            _cell(row.municipality),
                            row.consent,
                            "meldcode" if row.meldcode else "",
                            _cell(row.alias),
                            _cell(row.lead),
                            str(row.open_steps),
                            str(row.overdue_steps),
                        )
                    )
                )
            if len(rows) < LIST_PAGE:
                break
            offset += LIST_PAGE
    return EXIT_OK


def _case_lines(file: cases.CaseFile) -> Iterator[tuple[str, str]]:
    h = file.header
    yield from (
        ("code", h.code),
        ("alias", h.alias),
        ("family_name", h.family_name),
        ("status", h.status),
        ("level", str(h.level)),
        ("municipality", h.municipality),
        ("registered_on", _iso(h.registered_on)),
        ("registered_by", h.registered_by),
        ("referred_by", h.referred_by),
        ("lead", h.lead),
        ("lead_organisation", h.lead_organisation),
        ("consent", h.consent),
        ("consent_ok_until", _iso(h.consent_ok_until)),
        ("meldcode", _yes_no(h.meldcode)),
        ("closed_on", _iso(h.closed_on)),
        ("close_reason", h.close_reason),
        ("notes", h.notes),
    )
    for child in file.children:
        yield "child", f"{child.name} ({child.birth_year})"
    for carer in file.carers:
        authority = "parental_authority" if carer.parental_authority else ""
        yield "carer", " ".join(x for x in (carer.alias, f"({carer.relation})", authority) if x)
    for partner in file.partners:
        if partner.ended_on is None:
            yield "partner", f"{partner.organisation} ({partner.role})"
    for warning in file.consent.warnings:
        yield "consent_warning", warning


def cmd_cases_show(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        case_id = cases.find_case(db.uow(), me, args.code)
        try:
            file = cases.get_case(db.uow(), me, case_id)
        except BreakGlassRequiredError as exc:
            if not args.reason.strip():
                raise BreakGlassRequiredError(
                    _("{reason} Give the reason with --reason TEXT.").format(reason=exc),
                    exc.case_id,
                    exc.code,
                ) from exc
            scope.break_glass(db.uow(), me, exc.case_id, args.reason)
            file = cases.get_case(db.uow(), me, case_id)
        entries = timeline.timeline(db.uow(), me, case_id)
    for key, value in _case_lines(file):
        _out(f"{key}\t{_cell(value)}")
    _out("")
    for entry in entries:
        _out("\t".join((entry.on.isoformat(), entry.kind, _cell(entry.title), _cell(entry.detail))))
    return EXIT_OK


def cmd_cases_access(args: argparse.Namespace) -> int:
    who = require_login(args)
    folder = Path(args.output)
    if not folder.exists():  # before the key is asked for
        raise PactError(_("The folder {folder} does not exist.").format(folder=folder))
    if not folder.is_dir():
        raise PactError(_("{path} is not a folder.").format(path=folder))
    with logged_in(args, who) as (db, me):
        case_id = cases.find_case(db.uow(), me, args.code)
        files = subject_access.export_files(db.uow(), me, case_id, folder)
    _out(str(files.pdf))
    _out(str(files.json))
    return EXIT_OK


def cmd_cases_erase(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who, open_for_writing) as (db, me):
        case_id = cases.find_case(db.uow(), me, args.code)
        try:
            result = retention.erase(
                db.uow(), me, case_id, args.reason, args.requested_on, args.justification
            )
        except MeldcodeKeepError as exc:
            raise MeldcodeKeepError(
                [
                    replace(
                        e,
                        message=_("{reason} Give it with --justification TEXT.").format(
                            reason=e.message
                        ),
                    )
                    if e.field == "justification"
                    else e
                    for e in exc.errors
                ]
            ) from exc
    _out(result.code)
    _err(_("The personal data of case {code} were erased.").format(code=result.code))
    if result.closed_now:
        _err(_("The case was still open: it is closed now."))
    if result.warning:
        _err(result.warning)
    return EXIT_OK


def _all_due(db: Database, me: Actor) -> list[retention.DueCase]:
    found: list[retention.DueCase] = []
    while True:
        page = retention.list_due(db.uow(), me, limit=LIST_PAGE, offset=len(found))
        found += page
        if len(page) < LIST_PAGE:
            return found


def cmd_retention_list(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        rows = _all_due(db, me)
    for row in rows:
        _out(
            "\t".join(
                (
                    row.code,
                    str(row.level),
                    _cell(row.municipality),
                    row.closed_on.isoformat(),
                    row.retention_end.isoformat(),
                )
            )
        )
    return EXIT_OK


def cmd_retention_anonymise(args: argparse.Namespace) -> int:
    if bool(args.codes) == bool(args.all_due):
        raise UsageError(
            _("name the cases to anonymise, or give --all-due (not both)"),
            _("usage: ") + "pact retention anonymise (CODE ... | --all-due)\n",
        )
    who = require_login(args)
    with logged_in(args, who, open_for_writing) as (db, me):
        if args.all_due:
            due = _all_due(db, me)
            ids, codes = [r.case_id for r in due], [r.code for r in due]
        else:
            codes = list(dict.fromkeys(c.strip() for c in args.codes))
            ids = [cases.find_case(db.uow(), me, code) for code in codes]
        if not ids:
            _err(_("No case has passed its retention term."))
            return EXIT_OK
        n = retention.anonymise(db.uow(), me, ids)
    for code in codes:
        _out(code)
    _err(ngettext("{n} case anonymised.", "{n} cases anonymised.", n).format(n=n))
    return EXIT_OK


def cmd_figures(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        rows = figures.figures(db.uow(), me, args.year, args.quarter)
    for row in rows:
        where = "total" if row.municipality == figures.TOTAL else _cell(row.municipality)
        counts = (str(getattr(row, f)) for f in figures.FIELDS)
        _out("\t".join((row.quarter.label(), where, *counts)))
    return EXIT_OK


def cmd_meetings_list(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        f = meetings.MeetingFilter(when=args.when, kind=args.kind)
        offset = 0
        while True:
            rows = meetings.list_meetings(db.uow(), me, f, offset=offset, limit=LIST_PAGE)
            for row in rows:
                _out(
                    "\t".join(
                        (
                            str(row.id),
                            row.held_on.isoformat(),
                            row.kind,
                            _cell(row.title),
                            row.status,
                        )
                    )
                )
            if len(rows) < LIST_PAGE:
                break
            offset += LIST_PAGE
    return EXIT_OK


def cmd_meetings_ics(args: argparse.Namespace) -> int:
    who = require_login(args)
    to_stdout = args.output == STDOUT
    target = Path(args.output)
    if not to_stdout and not target.parent.exists():  # before the key is asked for
        raise PactError(_("The folder {folder} does not exist.").format(folder=target.parent))
    with logged_in(args, who) as (db, me):
        try:
            data = calendar.meeting_ics(db.uow(), me, args.meeting_id)
        except NotFoundError as exc:
            raise PactError(
                _("There is no meeting {id}. pact meetings list shows the meetings.").format(
                    id=args.meeting_id
                )
            ) from exc
    if to_stdout:
        write_stdout(data)
        return EXIT_OK
    write_file(target, data)
    _err(_("The calendar invite was written to {path}.").format(path=target))
    return EXIT_OK


PRINT_USAGE = "pact print agenda|minutes|chair MEETING_ID -o FILE.pdf [--for ORGANISATION_ID|all]\n"


def _print_recipient(args: argparse.Namespace) -> int | str | None:
    """--for as given: None (full edition), "all", or an organisation id."""
    value = args.recipient
    if value is None:
        return None
    if value == "all":
        if args.document == "chair":
            raise UsageError(
                _("The chair's copy is for the chair only: --for does not apply."),
                _("usage: ") + PRINT_USAGE,
            )
        return "all"
    try:
        org_id = int(value)
    except ValueError:
        raise UsageError(
            _("--for takes an organisation's id (pact partners list) or all."),
            _("usage: ") + PRINT_USAGE,
        ) from None
    if args.document == "chair":
        raise UsageError(
            _("The chair's copy is for the chair only: --for does not apply."),
            _("usage: ") + PRINT_USAGE,
        )
    return org_id


def cmd_print(args: argparse.Namespace) -> int:
    recipient = _print_recipient(args)  # usage errors first
    who = require_login(args)
    target = Path(args.output)
    if recipient == "all":
        if target.exists() and not target.is_dir():
            raise PactError(
                _("{path} is a file: give a folder for the editions.").format(path=target)
            )
        if not target.parent.exists():
            raise PactError(_("The folder {folder} does not exist.").format(folder=target.parent))
    else:
        if not target.parent.exists():  # before the key is asked for
            raise PactError(_("The folder {folder} does not exist.").format(folder=target.parent))
        if target.is_dir():
            raise PactError(
                _("{path} is a folder: give the name of the PDF file to write.").format(path=target)
            )
        if target.exists():
            raise PactError(
                _("{path} exists already; pact never overwrites a file.").format(path=target)
            )
    with logged_in(args, who) as (db, me):
        try:
            if recipient == "all":
                saved = documents.save_all(db.uow(), me, args.meeting_id, args.document, target)
                for path in saved.files:
                    _out(str(path))
                for path in saved.skipped:
                    _err(_("{path} exists already and was left as it was.").format(path=path))
                if not saved.files and not saved.skipped:
                    _err(_("This meeting has no invited organisations: nothing was made."))
                    return EXIT_FAILED
                return EXIT_FAILED if saved.skipped else EXIT_OK
            org: int | None = None if recipient is None else int(recipient)
            [prepared] = documents.prepare(db.uow(), me, args.meeting_id, args.document, [org])
            for warning in prepared.warnings:
                _err(_("Warning: {text}").format(text=warning))
            rendered = documents.render(prepared)
            try:
                documents.save_pdf(db.uow(), me, rendered, target, overwrite=False)
            except FileExistsRefusal:
                raise PactError(
                    _("{path} exists already; pact never overwrites a file.").format(path=target)
                ) from None
        except NotFoundError as exc:
            raise PactError(
                _("There is no meeting {id}. pact meetings list shows the meetings.").format(
                    id=args.meeting_id
                )
            ) from exc
    _out(str(target))
    _err(
        ngettext(
            "{document} – {recipient}: {n} page, written to {path}.",
            "{document} – {recipient}: {n} pages, written to {path}.",
            rendered.pages,
        ).format(
            document=documents.document_label(args.document),
            recipient=prepared.recipient,
            n=rendered.pages,
            path=target,
        )
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        made = backup.backup_now(db, me, Path(args.output))
    _out(str(made.path))
    _err(
        _(
            "Backup written to {path}. It opens with the recovery key or the passphrase "
            "of this database."
        ).format(path=made.path)
    )
    return EXIT_OK


def _restore_authoriser(
    args: argparse.Namespace,
) -> Callable[[Database], Actor | None]:
    """Log in to the checked copy of the backup as one of its coordinators or
    administrators (a backup without users yet needs no log-in)."""
    try:
        who: Login | PactError = require_login(args)
    except (LoginError, NoUserError) as exc:
        who = exc

    def authorise(copy: Database) -> Actor | None:
        if users.count_users(copy.uow()) == 0:
            return None
        if isinstance(who, PactError):
            raise who
        actor = log_in(copy, who)
        with copy.uow() as uow:
            audit.require_keeper(uow.session, actor)
        return actor

    return authorise


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.file).expanduser().absolute()
    target = (db_path(args) or default_db_path()).expanduser().absolute()
    if target.is_dir():
        raise NotADatabaseError(_("{path} is a folder, not a pact database.").format(path=target))
    backup.check_backup_file(source)
    authorise = _restore_authoriser(args)
    key = access.known_key(target)
    restored: backup.Restored | None = None
    wrong: WrongKeyError | None = None
    if key is not None:
        try:
            restored = backup.restore(source, target, key, authorise)
        except WrongKeyError as exc:
            wrong = exc
    if restored is None:
        if not can_prompt():
            reason = str(wrong) if wrong else _("No key for the backup was found.")
            raise DatabaseLockedError(
                _(
                    "{reason} There is no terminal to ask on: set PACT_PASSPHRASE or "
                    "PACT_RECOVERY_KEY."
                ).format(reason=reason)
            )
        if wrong is not None:
            _err(str(wrong))
        for _attempt in range(PROMPT_ATTEMPTS):
            secret = _ask(_("Recovery key or passphrase of the backup: "))
            if not secret.strip():
                _err(_("Nothing was entered."))
                continue
            try:
                key = access.parse_typed_key(secret)
                restored = backup.restore(source, target, key, authorise)
                break
            except WrongKeyError as exc:
                _err(str(exc))
                wrong = exc
        if restored is None:
            raise wrong or DatabaseLockedError(_("No key was entered; nothing was changed."))
    assert key is not None
    access.remember_restored_key(target, key)
    _out(str(restored.path))
    _err(_("The backup {file} was restored to {path}.").format(file=source, path=restored.path))
    if restored.schema_state is SchemaState.OUTDATED:
        _err(_("It was made by an older pact; pact upgrades it the next time it is opened."))
    return EXIT_OK


def cmd_server_grant(args: argparse.Namespace) -> int:
    role = server_roles.check_role_name(args.role)
    if server_url(args) is None:
        raise UsageError(
            _("pact server grant needs --server URL (as the owner of pact's tables)."),
            _("usage: ") + "pact server grant ROLE --server URL\n",
        )
    who = require_login(args)
    with logged_in(args, who) as (db, me):
        users.require_administrator(db.uow(), me)
        with db.engine.begin() as conn:
            done = server_roles.grant_workstation_role(conn, role)
    for statement in done:
        _out(statement)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": cmd_demo,
    "check": cmd_check,
    "audit verify": cmd_audit_verify,
    "partners list": cmd_partners_list,
    "partners import": cmd_partners_import,
    "partners export": cmd_partners_export,
    "users list": cmd_users_list,
    "users add": cmd_users_add,
    "cases list": cmd_cases_list,
    "cases show": cmd_cases_show,
    "cases erase": cmd_cases_erase,
    "retention list": cmd_retention_list,
    "retention anonymise": cmd_retention_anonymise,
    "cases access": cmd_cases_access,
    "figures": cmd_figures,
    "meetings list": cmd_meetings_list,
    "meetings ics": cmd_meetings_ics,
    "print": cmd_print,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "server grant": cmd_server_grant,
}


# commands that work on a database file only, for now or by their nature
FILE_ONLY = {
    "restore": N_(
        "pact restore puts a backup file in the place of a database file. A server's "
        "backups are restored by its administrator (pg_restore)."
    ),
}


def refuse_server(args: argparse.Namespace, name: str) -> None:
    """UsageError (64) for --server with a command that works on a file only."""
    if getattr(args, "server", None) and name in FILE_ONLY:
        raise UsageError(_(FILE_ONLY[name]), _("usage: ") + f"pact {name} --db PATH ...\n")


def command_name(args: argparse.Namespace) -> str:
    return " ".join(x for x in (args.command, getattr(args, "action", None)) if x)


# ---------------------------------------------------------------- running


def _os_message(exc: OSError) -> str:
    reason = os_reason(exc)
    if exc.filename:
        return _("Cannot use the file {path}: {reason}").format(path=exc.filename, reason=reason)
    return _("A file could not be read or written: {reason}").format(reason=reason)


def run(args: argparse.Namespace) -> int:
    """Run a parsed subcommand. Every error becomes a message and an exit code."""
    name = command_name(args)
    logger.info("command %s started", name)
    set_channel("command line")  # the audit log's workstation column says so
    try:
        refuse_server(args, name)
        code = COMMANDS[name](args)
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        _err(_("pact: {problem}").format(problem=exc))
        code = EXIT_USAGE
    except DatabaseLockedError as exc:
        logger.warning("command %s: %s", name, type(exc).__name__)
        _err(str(exc))
        code = EXIT_LOCKED
    except AccessDeniedError as exc:  # and NoUserError: no (active) acting user
        logger.warning("command %s: %s", name, type(exc).__name__)
        _err(str(exc))
        code = EXIT_DENIED
    except ValidationError as exc:
        logger.warning("command %s: %s", name, type(exc).__name__)
        for error in exc.errors:
            _err(error.message)
        code = EXIT_FAILED
    except PactError as exc:
        logger.warning("command %s: %s", name, type(exc).__name__)
        _err(str(exc))
        code = EXIT_FAILED
    except BrokenPipeError:
        # the reader of stdout has gone (pact partners list | head -1): like other
        # Unix tools, stop quietly; what is still buffered goes to the null device
        logger.info("command %s: the output was closed by its reader", name)
        silence(sys.stdout)
        code = EXIT_OK
    except OSError as exc:
        logger.warning("command %s: %s", name, type(exc).__name__, exc_info=True)
        _err(_os_message(exc))
        code = EXIT_FAILED
    except KeyboardInterrupt:
        logger.warning("command %s interrupted", name)
        _err(_("Interrupted; nothing was changed."))
        code = EXIT_FAILED
    except Exception:
        logger.exception("command %s failed unexpectedly", name)
        where = log.current_log_file()
        _err(
            _(
                "pact stopped because of an unexpected error. Details are in the log file {path}."
            ).format(path=where)
            if where
            else _("pact stopped because of an unexpected error.")
        )
        code = EXIT_FAILED
    logger.info("command %s finished with exit code %d", name, code)
    return code
