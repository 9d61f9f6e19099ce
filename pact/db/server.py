"""A team's PostgreSQL server: its address, how the connection is secured, and the
SQLAlchemy engine over psycopg 3.

The address is a URL ``postgresql://user@host:port/database`` (``sslmode`` and
``sslrootcert`` may be given as query parameters). It never carries the server
password: that lives in the OS keyring, comes from ``PGPASSWORD``, or is asked for
(``pact.security.credentials``), so a URL may be remembered and shown safely.

TLS: the URL's ``sslmode``, else ``PGSSLMODE``, else ``verify-full`` (the server's
certificate must be signed by the CA and name the host).
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError

from pact.errors import DatabaseLockedError, PactError
from pact.i18n import _

DEFAULT_PORT = 5432
DEFAULT_TLS = "verify-full"
TLS_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
ENV_TLS = "PGSSLMODE"
CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is said so, not waited for
SCHEMES = ("postgresql", "postgres")


class ServerAddressError(PactError):
    """The server URL cannot be used (a message for people)."""


class ServerPasswordError(DatabaseLockedError):
    """The server asks for a password (``needed``) or refused the one given."""

    def __init__(self, message: str, needed: bool):
        super().__init__(message)
        self.needed = needed


class ServerUnreachableError(PactError):
    """No connection: the server does not answer, refuses, or TLS failed. ``field``
    says which part of the address to look at: host (and port), database, user or tls
    (the TLS mode and the CA file), for a message next to that field."""

    def __init__(self, message: str, field: str = "host"):
        super().__init__(message)
        self.field = field


class ConnectionLostError(ServerUnreachableError):
    """The connection to the server broke while pact was working (a server restart, a
    network drop): what was being done did not happen. The engine reconnects by itself
    once the server answers again (``pool_pre_ping``)."""


@dataclass(frozen=True)
class ServerUrl:
    user: str
    host: str
    port: int
    database: str
    tls: str  # one of TLS_MODES: the URL's sslmode, PGSSLMODE or verify-full
    ca_file: Path | None = None  # sslrootcert

    def text(self) -> str:
        """The URL as pact shows and remembers it: never with a password."""
        query = []
        if self.tls != DEFAULT_TLS:
            query.append(f"sslmode={self.tls}")
        if self.ca_file is not None:
            query.append(f"sslrootcert={quote(str(self.ca_file))}")
        tail = ("?" + "&".join(query)) if query else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return (
            f"postgresql://{quote(self.user, safe='')}@{host}:{self.port}/"
            f"{quote(self.database, safe='')}{tail}"
        )

    def key(self) -> str:
        """Who connects to which database where: the keyring entry of its password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def connect_args(self, password: str | None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": self.user,
            "sslmode": self.tls,
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "pact",
        }
        if self.ca_file is not None:
            args["sslrootcert"] = str(self.ca_file)
        if password is not None:
            args["password"] = password
        return args


def parse_url(text: str, environ: dict[str, str] | None = None) -> ServerUrl:
    """The server address in ``text``; ServerAddressError says what is wrong with it."""
    environ = dict(os.environ) if environ is None else environ
    text = text.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ServerAddressError(
            _("The server address is not a valid URL: {problem}").format(problem=exc)
        ) from exc
    if parts.scheme not in SCHEMES:
        raise ServerAddressError(
            _("A server address starts with postgresql://, e.g. {example}").format(
                example="postgresql://pact@db.example.nl:5432/pact"
            )
        )
    if parts.password is not None:
        raise ServerAddressError(
            _(
                "Leave the password out of the server address: pact keeps it in the "
                "keyring of this computer, or takes it from PGPASSWORD."
            )
        )
    host = parts.hostname or ""
    user = unquote(parts.username or "")
    database = unquote(parts.path.lstrip("/"))
    missing = [
        name
        for name, value in ((_("user"), user), (_("host"), host), (_("database"), database))
        if not value
    ]
    if missing:
        raise ServerAddressError(
            _("The server address lacks: {parts}. Example: {example}").format(
                parts=", ".join(missing), example="postgresql://pact@db.example.nl:5432/pact"
            )
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"sslmode", "sslrootcert"})
    if unknown:
        raise ServerAddressError(
            _("pact does not know these settings in the server address: {names}").format(
                names=", ".join(unknown)
            )
        )
    tls = query.get("sslmode") or environ.get(ENV_TLS) or DEFAULT_TLS
    if tls not in TLS_MODES:
        raise ServerAddressError(
            _("Unknown TLS mode {mode}: use one of {modes}.").format(
                mode=tls, modes=", ".join(TLS_MODES)
            )
        )
    ca = query.get("sslrootcert")
    return ServerUrl(
        user=user,
        host=host,
        port=port or DEFAULT_PORT,
        database=database,
        tls=tls,
        ca_file=Path(ca).expanduser() if ca else None,
    )


# the server of each engine made here (pact.services.local_drafts keeps drafts per server)
_servers: weakref.WeakKeyDictionary[Engine, ServerUrl] = weakref.WeakKeyDictionary()


def server_of(engine: Engine) -> ServerUrl | None:
    """The team's server ``engine`` connects to; None for a file's engine."""
    return _servers.get(engine)


def make_server_engine(url: ServerUrl, password: str | None) -> Engine:
    """An engine for the server over psycopg 3. Connections are checked before use
    (``pool_pre_ping``), so one that died with a server restart is replaced.

    Once a first connection worked, a connection that breaks (or cannot be made
    again) raises ConnectionLostError: an error pact explains, not a driver's
    traceback. Before that, the driver's errors come through as they are, for
    ``connect`` to explain (a password, TLS, a missing database)."""

    def creator() -> Any:
        import psycopg

        return psycopg.connect(**url.connect_args(password))

    engine = create_engine("postgresql+psycopg://", creator=creator, pool_pre_ping=True)
    _servers[engine] = url
    connected = [False]

    def first_connection(_dbapi_conn: Any, _record: Any) -> None:
        connected[0] = True

    def explain_loss(ctx: ExceptionContext) -> BaseException | None:
        if ctx.is_pre_ping:
            return None  # the pool replaces the dead connection itself
        import psycopg

        broke = ctx.is_disconnect
        refused = (
            connected[0]
            and ctx.connection is None
            and isinstance(ctx.original_exception, psycopg.OperationalError)
        )
        if not (broke or refused):
            return None
        return ConnectionLostError(
            _(
                "The connection to the team server {where} is lost; pact reconnects by "
                "itself. Try again in a moment."
            ).format(where=f"{url.host}:{url.port}")
        )

    event.listen(engine, "connect", first_connection)
    event.listen(engine, "handle_error", explain_loss)
    return engine


def is_connection_loss(exc: BaseException) -> bool:
    """Whether ``exc`` means the server went away (pact's ConnectionLostError, or a
    driver's error about a broken connection that reached pact unexplained)."""
    if isinstance(exc, ConnectionLostError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    return False


def _reason(text: str) -> str:
    """The cause in a libpq message: 'connection to server at "h", port p failed:
    Connection refused' gives 'Connection refused' (not the hint on the next line)."""
    lines = text.strip().splitlines()
    if not lines:
        return ""
    first = lines[0]
    return first.rsplit(" failed: ", 1)[-1].strip() if " failed: " in first else lines[-1]


def _explain(url: ServerUrl, exc: BaseException) -> PactError:
    """What a failed connection means, for people."""
    text = str(getattr(exc, "orig", None) or exc)
    low = text.lower()
    where = f"{url.host}:{url.port}"
    if "no password supplied" in low:
        return ServerPasswordError(
            _("The server {where} asks for the password of {user}.").format(
                where=where, user=url.user
            ),
            needed=True,
        )
    if "password authentication failed" in low:
        return ServerPasswordError(
            _("The server {where} did not accept the password of {user}.").format(
                where=where, user=url.user
            ),
            needed=False,
        )
    if "does not exist" in low and "database" in low:
        return ServerUnreachableError(
            _("The server {where} has no database {name}.").format(where=where, name=url.database),
            field="database",
        )
    if "does not exist" in low and "role" in low:
        return ServerUnreachableError(
            _("The server {where} has no user {user}.").format(where=where, user=url.user),
            field="user",
        )
    if "ssl" in low or "certificate" in low or "tls" in low:
        return ServerUnreachableError(
            _(
                "The secure connection (TLS mode {mode}) to {where} failed: {reason}. Check "
                "the CA file and the host name, or ask the server's administrator."
            ).format(mode=url.tls, where=where, reason=_reason(text)),
            field="tls",
        )
    return ServerUnreachableError(
        _(
            "The server {where} cannot be reached (is it running, is the network up?): {reason}"
        ).format(where=where, reason=_reason(text))
    )


def connect(url: ServerUrl, password: str | None) -> Engine:
    """An engine whose first connection worked; ServerPasswordError or
    ServerUnreachableError (with the engine disposed) otherwise."""
    engine = make_server_engine(url, password)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise _explain(url, exc) from exc
    except OSError as exc:
        engine.dispose()
        raise _explain(url, exc) from exc
    return engine
