"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a private
temp folder, listening on a free loopback port, with password (SCRAM) log-in.

initdb refuses to run as root: as root the server runs as the unprivileged user
``nobody`` (through ``runuser``), in a folder that user owns. The binaries come from
PATH, else from Debian's ``/usr/lib/postgresql/<version>/bin``. Without them the tests
that need the server skip, unless PACT_REQUIRE_POSTGRES=1 (``make test``): then they fail.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REQUIRE = os.environ.get("PACT_REQUIRE_POSTGRES") == "1"
ADMIN = "pact_admin"  # the server's superuser in the tests
RUN_AS = "nobody"  # who runs the server when the tests run as root
TIMEOUT = 60


def binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def missing() -> str:
    """Why no server can be started here ("" when one can)."""
    absent = [n for n in ("initdb", "pg_ctl", "postgres") if binary(n) is None]
    if absent:
        return f"no PostgreSQL binaries ({', '.join(absent)})"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class PgServer:
    root: Path
    port: int
    password: str  # the superuser's
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str, user: str = ADMIN) -> str:
        """A pact server address (no password: that comes from PGPASSWORD or the keyring)."""
        return f"postgresql://{user}@{self.host}:{self.port}/{database}?sslmode=disable"

    def admin_connect(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            dbname=database,
            user=ADMIN,
            password=self.password,
            sslmode="disable",
            autocommit=True,
        )

    def create_database(self, name: str | None = None) -> str:
        """A new, empty database; its name."""
        name = name or f"pact_{secrets.token_hex(4)}"
        with self.admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = binary("pg_ctl")
        assert pg_ctl is not None
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(self.data), *args]),
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses={self.host} -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-w", "-l", str(self.root / "server.log"), "-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()


RAM_FOLDER = Path("/dev/shm")
RAM_NEEDED = 1 << 30  # free bytes a RAM folder needs for the server's files (with WAL)


def server_folder() -> str:
    """Where the server's files go: PACT_PG_DIR, else a RAM folder (/dev/shm) with room
    enough, else /tmp. In RAM, CREATE DATABASE ... TEMPLATE (one per service test) takes
    about 15 ms instead of 300-700 ms on a disk (it creates and copies some 300 files)."""
    given = os.environ.get("PACT_PG_DIR")
    if given:
        return given
    with contextlib.suppress(OSError):
        if RAM_FOLDER.is_dir() and shutil.disk_usage(RAM_FOLDER).free >= RAM_NEEDED:
            return str(RAM_FOLDER)
    return "/tmp"


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a fresh server; stop it and remove its folder afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pact-pg-", dir=server_folder()))
    root.chmod(0o755)
    password = secrets.token_urlsafe(18)
    if os.geteuid() == 0:
        shutil.chown(root, user=RUN_AS)
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(pwfile, user=RUN_AS)
    server = PgServer(root, free_port(), password)
    initdb = binary("initdb")
    assert initdb is not None
    try:
        subprocess.run(
            _as_server_user(
                [
                    initdb,
                    "-D",
                    str(server.data),
                    "-U",
                    ADMIN,
                    "-A",
                    "scram-sha-256",
                    f"--pwfile={pwfile}",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            ),
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
        )
        pwfile.unlink()
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(subprocess.SubprocessError):
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
