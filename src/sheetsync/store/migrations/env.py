"""Alembic environment: the store's migrations run on the connection sheetsync hands over."""

from __future__ import annotations

from alembic import context

from sheetsync.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("sheetsync runs its migrations itself (sheetsync.store.migrate.upgrade)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
