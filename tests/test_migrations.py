"""The schema is Alembic's: migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from models.storage.db import HEAD_REVISION, MIGRATIONS, alembic_config, current_revision, open_ledger


def test_the_known_head_is_the_newest_migration(tmp_path):
    engine = open_ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    assert MIGRATIONS.is_dir()


def test_migrations_match_the_models(engine):
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_opening_an_up_to_date_ledger_twice_is_harmless(ledger_url):
    open_ledger(ledger_url).dispose()
    engine = open_ledger(ledger_url)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
