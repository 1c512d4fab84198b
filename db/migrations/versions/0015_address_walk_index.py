"""address walk index (SQLite): the client's customers in name order with their address key, so the address
search's sample and its walk in page order test each address in the index instead of reading each customer's row

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:00:00.000000
"""

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# SQLite only, built by hand like the address indexes of migration 0001 (db.migrate.include_object leaves it out of
# the models' comparison). PostgreSQL answers address search from its pg_trgm index and never walks; and an
# address key is unbounded text (migration 0007), which a btree entry there could not hold.
INDEX = 'ix_customers_client_id_name_key_id_address_key'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    op.execute(f'CREATE INDEX {INDEX} ON customers (client_id, name_key, id, address_key)')
    # A database analyzed before (seeded, bulk-loaded) has statistics for every index but a new one, and SQLite
    # takes an index without them for a selective one: it walked this one for an exact LDC number (74 ms where
    # 2; bench/search.py). Its own statistics (0.2 s for a million customers) put it in its place.
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f'ANALYZE {INDEX}')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP INDEX IF EXISTS {INDEX}')
