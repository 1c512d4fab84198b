"""The migrations build exactly the schema the models describe, on both engines."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from db.base import Base
from db.migrate import include_object
from db.models import CustomerNameToken
from db.search_keys import name_token_rows
from tests.factories.customers import make_customer


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



async def test_name_tokens_compare_by_code_point(database, session, tenant):
    """The name prefix count (resolvers/customers/search/queries._first_of_customer) counts the token whose previous
    token, in Python's sort, is below the prefix: the database must order and compare tokens by code point as well,
    whatever the database's own collation (db.base.CodePointText); a language's collation puts some of these words
    apart from their code points (digits, case, Greek beside Latin, CJK)."""
    name = "Zoe 09 Δήμος δήμος ǆ dz Ñandú n 北京 émile Eve"
    customer = await make_customer(session, tenant, name)
    ordered = await session.execute(select(CustomerNameToken.token, CustomerNameToken.previous_token)
                                    .where(CustomerNameToken.customer_id == customer.id)
                                    .order_by(CustomerNameToken.token))
    assert ordered.all() == name_token_rows(name)
    if database.engine.dialect.name == "postgresql":
        rows = await session.execute(text(
            "SELECT column_name, collation_name FROM information_schema.columns "
            "WHERE table_name = 'customer_name_tokens' AND column_name IN ('token', 'previous_token')"
        ))
        assert dict(rows.all()) == {"token": "C", "previous_token": "C"}
