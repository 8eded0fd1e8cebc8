"""Bring a store's tables to the current version with Alembic; safe when two syncs start at once."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_ID = 0x5EE75  # PostgreSQL advisory lock held while migrating


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest migration's revision id."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def current(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Migrate to the newest version when behind; concurrent callers wait for one another."""
    wanted = head()
    with engine.connect() as connection:
        if current(connection) == wanted:
            return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        if current(connection) == wanted:
            return
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


__all__ = ["head", "upgrade"]
