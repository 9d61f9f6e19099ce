"""Typed errors shared by every layer. Messages are for people, already translated."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import datetime

from pact.i18n import _


class PactError(Exception):
    """Base of every error pact expects and explains."""


class DatabaseLockedError(PactError):
    """The database cannot be unlocked: wrong or missing key/passphrase."""


class WrongKeyError(DatabaseLockedError):
    """The key or passphrase does not open this database."""


class NotADatabaseError(PactError):
    """The file is not a pact database (or it is damaged)."""


class SchemaTooNewError(PactError):
    """The database was made by a newer pact."""


class NotLocalError(PactError):
    """Only a database on this computer has it (a file, a key, backups, compaction)."""


class SchemaOutdatedError(PactError):
    """The database needs an upgrade that a read-only action may not do."""


class ConflictError(PactError):
    """Someone else saved the record first.

    ``who`` names them (their display name, or the user name the audit log kept when
    the user is gone) and ``at`` says when (an aware UTC time), both from the newest
    audit entry of the record; empty and None when the log has none.
    ``record_type``/``record_id`` name the record as the audit log does; ``user_id``
    is who saved first (the acting user themselves, in another window, perhaps)."""

    def __init__(
        self,
        message: str,
        who: str = "",
        at: datetime | None = None,
        record_type: str = "",
        record_id: str = "",
        user_id: int | None = None,
    ):
        super().__init__(message)
        self.who = who
        self.at = at
        self.record_type = record_type
        self.record_id = record_id
        self.user_id = user_id


class NotFoundError(PactError):
    """The record does not exist (any more)."""


class AccessDeniedError(PactError):
    """The acting user may not see or do this (need-to-know, roles, inactive user)."""


class BreakGlassRequiredError(AccessDeniedError):
    """A coordinator asks for a case file outside their own scope: only with a
    reason (break-glass, ``scope.break_glass``), which the audit log keeps."""

    def __init__(self, message: str, case_id: int, code: str):
        super().__init__(message)
        self.case_id = case_id
        self.code = code


class LoginError(AccessDeniedError):
    """The user name or password is wrong, or the user must wait before trying again.
    ``wait_seconds`` > 0: how long until the next attempt is taken."""

    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.wait_seconds = wait_seconds


class PasswordChangeRequiredError(AccessDeniedError):
    """The password is right, but an administrator reset it: choose a new one first."""


class NoUserError(AccessDeniedError):
    """No acting user was named, or the name is not an active pact user."""


class CaseClosedError(PactError):
    """A closed case is read-only until it is reopened."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(PactError):
    """Input that cannot be saved. ``errors`` names each field with its message."""

    def __init__(self, errors: list[FieldError] | FieldError):
        self.errors: list[FieldError] = [errors] if isinstance(errors, FieldError) else errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @property
    def text(self) -> str:
        """The messages as a person reads them (without field names), one per line."""
        return "\n".join(e.message for e in self.errors)

    def for_field(self, field: str) -> str | None:
        for e in self.errors:
            if e.field == field:
                return e.message
        return None


class NeedsConfirmationError(ValidationError):
    """The change is allowed, but has a consequence the user must confirm first (the
    message, on the field, says which); repeat the call with ``confirm=True``."""


class ConsentRequiredError(ValidationError):
    """Case information would reach a partner that no consent (and no Meldcode
    justification) covers."""


class MeldcodeKeepError(ValidationError):
    """A Meldcode case may have to be kept: erasing it needs a written justification
    (the message is on the field ``justification``)."""


def error_text(exc: BaseException) -> str:
    """What a message bar shows for a refused action: a ValidationError's messages, or
    the message of any other error."""
    return exc.text if isinstance(exc, ValidationError) else str(exc)


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the user's language where the
    reason is a common one; otherwise what the operating system says."""
    reasons = {
        errno.ENOENT: _("the file or folder does not exist"),
        errno.EACCES: _("you do not have permission for that"),
        errno.EPERM: _("you do not have permission for that"),
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk is full"),
        errno.EFBIG: _("the file would be larger than this disk or folder allows"),
        errno.EROFS: _("the disk can only be read, not written"),
        errno.EISDIR: _("it is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    return exc.strerror or type(exc).__name__
