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


async def test_address_walk_index_survives_every_migration(database):
    """The address search's sample and walk read each address from this index (migration 0015), not the table."""
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's address search reads its pg_trgm index and never walks")
    async with database.engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers'"
        )
        definitions = {sql for (sql,) in rows}
    assert ("CREATE INDEX ix_customers_client_id_name_key_id_address_key "
            "ON customers (client_id, name_key, id, address_key)") in definitions
