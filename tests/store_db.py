"""Stores for the store tests: a SQLite file, and a throwaway PostgreSQL cluster.

The cluster is made with `initdb` in a temporary folder and listens on a Unix socket in that
folder only (no TCP). initdb refuses to run as root, so as root (CI) the server runs as the
unprivileged system user `sheetsync-test`, created when missing. Without PostgreSQL's server
binaries the PostgreSQL cases are skipped with the reason, or fail under SHEETSYNC_REQUIRE_ALL=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_USER = "sheetsync-test"
_DEFAULT_STORE = tempfile.mkdtemp(prefix="sheetsync-test-store-")


def pytest_configure(config: pytest.Config) -> None:
    """A test that syncs into the store in force (the ribbon's Sync) never touches the user's own."""
    os.environ.setdefault("SHEETSYNC_STORE", f"sqlite:///{_DEFAULT_STORE}/store.sqlite")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_DEFAULT_STORE, ignore_errors=True)


def _server_bin() -> Path | None:
    for candidate in [
        shutil.which("pg_ctl"),
        *sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")), reverse=True),
    ]:
        if candidate and Path(candidate).with_name("initdb").exists():
            return Path(candidate).parent
    return None


def _missing(reason: str) -> None:
    if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
        pytest.fail(reason + " (SHEETSYNC_REQUIRE_ALL=1)")
    pytest.skip(reason)


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    if subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                       check=True, capture_output=True)  # fmt: skip
    return ["runuser", "-u", PG_USER, "--", *args]


class Cluster:
    """A running throwaway PostgreSQL cluster; `database()` makes a fresh database in it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="sheetsync-pg-"))
        if os.geteuid() == 0:
            _as_server_user(["true"])
            shutil.chown(self.dir, PG_USER)
        self.data = self.dir / "data"
        self.port = 5432 + (os.getpid() % 1000) + 1000
        initdb = [str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--no-instructions"]  # fmt: skip
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        start = [
            str(bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        ]
        subprocess.run(_as_server_user(start), check=True, capture_output=True)
        self.admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.dir}&port={self.port}"

    def database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        self.admin.dispose()
        stop = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_server_user(stop), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = _server_bin()
    if bindir is None:
        _missing("PostgreSQL server binaries (initdb, pg_ctl) are not installed; apt-get install postgresql")
    assert bindir is not None
    cluster = Cluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: a SQLite file, or a new database in the throwaway cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.database()
