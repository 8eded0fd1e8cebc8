"""Where the store is, and an engine on it.

The URL comes from, in order: `--store`; the environment variable `SHEETSYNC_STORE`; the
`store = "..."` line of the user's configuration file (`config.toml` in the platform's user
configuration folder, e.g. `~/.config/sheetsync/` on Linux, `%LOCALAPPDATA%\\sheetsync\\` on
Windows); else a SQLite file `store.sqlite` in the platform's user data folder (e.g.
`~/.local/share/sheetsync/`). A password therefore never has to be typed on the command line,
where other users see it in the process list; it is never printed back (`shown`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_config_dir, user_data_dir

ENV = "SHEETSYNC_STORE"
APP = "sheetsync"


def config_file() -> Path:
    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


def default_url() -> str:
    return f"sqlite:///{Path(user_data_dir(APP, appauthor=False)) / 'store.sqlite'}"


@dataclass(frozen=True)
class StoreUrl:
    """A store URL and where it came from (flag, environment, config file, default)."""

    url: str
    source: str

    @property
    def shown(self) -> str:
        """The URL with any password hidden."""
        return sa.make_url(self.url).render_as_string(hide_password=True)


def resolve(flag: str | None = None) -> StoreUrl:
    """The store URL in force, by the order in the module's docstring."""
    if flag:
        return StoreUrl(flag, "--store")
    if env := os.environ.get(ENV, "").strip():
        return StoreUrl(env, ENV)
    path = config_file()
    if path.is_file():
        with path.open("rb") as fh:
            found = tomllib.load(fh).get("store")
        if isinstance(found, str) and found.strip():
            return StoreUrl(found.strip(), str(path))
    return StoreUrl(default_url(), "default")


def engine_for(url: str) -> sa.Engine:
    """An engine: PostgreSQL through psycopg 3; SQLite in WAL mode, writers taking the lock up front."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 120})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB: a big book's load stays in memory
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


__all__ = ["ENV", "StoreUrl", "config_file", "default_url", "engine_for", "resolve"]
