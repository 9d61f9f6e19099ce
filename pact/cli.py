"""The command line: for scripts, tests and support. No Qt in here.

Rules for every subcommand (see the README):

* exit 0 ok; 1 failed and nothing changed; 2 the database cannot be unlocked
  (wrong or missing key); 3 log-in or permission refused (from later steps on);
  64 usage error;
* without a terminal on stdin pact never prompts: secrets come from
  PACT_PASSPHRASE / PACT_RECOVERY_KEY, or the command exits 2;
* ``--db`` is accepted before or after the subcommand;
* lists are UTF-8, tab-separated, without a header line, with ISO dates and
  English codes; messages and errors go to stderr, never a traceback (the log
  file keeps it, without messages or personal data).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import getpass
import io
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TextIO, TypeVar

from pact import __version__, argparse_texts, log
from pact.config import atomic_write, default_db_path
from pact.db.database import Database, create_database, is_new_file
from pact.db.engine import RawKey
from pact.db.migrate import SchemaState
from pact.errors import (
    DatabaseLockedError,
    NotADatabaseError,
    PactError,
    SchemaOutdatedError,
    ValidationError,
    WrongKeyError,
)
from pact.i18n import _, ngettext
from pact.services import access, demo, maintenance, partner_csv
from pact.services import partners as p

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 2
EXIT_DENIED = 3  # log-in or permission refused: used from later steps on
EXIT_USAGE = 64

PROMPT_ATTEMPTS = 3
LIST_PAGE = 500
STDOUT = "-"  # as FILE of partners export: write to standard output

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
    # --db after the subcommand; SUPPRESS keeps a value given before it
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)

    parser = Parser(
        prog="pact",
        description=_(
            "pact: the partner directory, consultations and meetings of a local divorce pact. "
            "Without a command, pact opens its window."
        ),
        epilog=_(
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    commands.add_parser(
        "demo",
        parents=[common],
        help=_("create a new database filled with a fictional demo pact"),
        description=_(
            "Create a new database filled with a fictional demo pact. "
            "Refuses a file that already exists."
        ),
    )
    commands.add_parser(
        "check",
        parents=[common],
        help=_("check the key, the file and the database layout; prints ok"),
        description=_(
            "Check that the key opens the database, that the encrypted pages and the "
            "database structure are intact, that every reference points to an existing "
            "record and that the layout is the current one. Prints ok, or what is wrong. "
            "Changes nothing."
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
            "(as pact demo creates one); if the import fails, it is removed again."
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
    return parser


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


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the user's language where the
    reason is a common one; otherwise what the operating system says."""
    reasons = {
        errno.ENOENT: _("the file or folder does not exist"),
        errno.EACCES: _("you do not have permission for that"),
        errno.EPERM: _("you do not have permission for that"),
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk is full"),
        errno.EROFS: _("the disk can only be read, not written"),
        errno.EISDIR: _("it is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    return exc.strerror or type(exc).__name__


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
    path = db_path(args)
    if path is None:
        raise UsageError(
            _("pact demo needs --db PATH: a demo never goes into your own database."),
            _("usage: ") + "pact demo --db PATH\n",
        )
    made = _new_database(lambda passphrase: demo.create_demo(path, passphrase))
    made.created.db.close()
    _tell_key(made.created)
    _err(
        _("Demo database created at {path}: {organisations} with {contacts}.").format(
            path=made.created.db.path,
            organisations=ngettext(
                "{n} partner", "{n} partners", made.summary.organisations
            ).format(n=made.summary.organisations),
            contacts=_contacts(made.summary.contacts),
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    db = open_database(db_path(args) or default_db_path())
    try:
        report = maintenance.check(db)
    finally:
        db.close()
    if report.ok:
        _out("ok")
        return EXIT_OK
    for problem in report.problems:
        _err(problem.message)
    return EXIT_FAILED


def cmd_partners_list(args: argparse.Namespace) -> int:
    db = open_current(db_path(args) or default_db_path())
    try:
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
    finally:
        db.close()
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


def cmd_partners_import(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
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
            return _dry_run(db, data)
        finally:
            db.close()
    if new:
        return _import_into_new(path, data)
    db = open_for_writing(path)
    try:
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
    to_stdout = args.file == STDOUT
    target = Path(args.file)
    if not to_stdout and not target.parent.exists():  # before the key is asked for
        raise PactError(_("The folder {folder} does not exist.").format(folder=target.parent))
    db = open_current(db_path(args) or default_db_path())
    try:
        data = partner_csv.export_csv(db.uow(), comma=args.comma)
    finally:
        db.close()
    if to_stdout:
        write_stdout(data)
        return EXIT_OK
    write_file(target, data)
    _err(_("The partner directory was written to {path}.").format(path=target))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": cmd_demo,
    "check": cmd_check,
    "partners list": cmd_partners_list,
    "partners import": cmd_partners_import,
    "partners export": cmd_partners_export,
}


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
    try:
        code = COMMANDS[name](args)
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        _err(_("pact: {problem}").format(problem=exc))
        code = EXIT_USAGE
    except DatabaseLockedError as exc:
        logger.warning("command %s: %s", name, type(exc).__name__)
        _err(str(exc))
        code = EXIT_LOCKED
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
