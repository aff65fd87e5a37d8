"""A real PostgreSQL server for the tests, from Debian's postgresql package.

One server per test session, in a temporary folder owned by the postgres user (the server
refuses to run as root), on a free port, with trust authentication on loopback only."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.browser import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


class PostgresServer:
    def __init__(self):
        if not (BIN / "initdb").exists():
            subprocess.run(["bash", str(Path(__file__).resolve().parents[1] / "scripts" / "install-system-packages.sh")], check=True)
        self.folder = Path(tempfile.mkdtemp(prefix="scorecard-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        subprocess.run(_as_postgres(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                    "--no-sync", "-E", "UTF8"), check=True, capture_output=True)
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                                    str(self.folder / "server.log"), "-w", "start"), check=True, capture_output=True)
        self._count = 0

    def admin(self):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def new_database(self) -> str:
        """A fresh empty database; its SQLAlchemy URL."""
        self._count += 1
        name = f"scorecard_test_{self._count}_{int(time.time() * 1000) % 100000}"
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
