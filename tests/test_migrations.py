"""The migrations build exactly the schema the models describe, on both engines."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db.base import Base
from db.migrate import include_object


async def test_migrated_database_matches_the_models(database):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []


async def test_address_search_triggers_survive_every_migration(database):
    """Batch-mode ALTERs on SQLite copy the table and drop its triggers; the address index needs them."""
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's address index (pg_trgm) needs no triggers")
    async with database.engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers'"
        )
        triggers = {name for (name,) in rows}
    assert triggers == {"customers_address_ai", "customers_address_ad", "customers_address_au"}
