"""Alembic environment: runs on the engine Duban hands over (models.storage.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    # SQLite cannot ALTER most things in place: batch mode rebuilds tables when a migration needs it.
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
