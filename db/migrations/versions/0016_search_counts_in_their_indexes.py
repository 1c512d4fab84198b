"""search counts in their indexes: the client inside the address index, and each name token's previous token

totalCount of an address or a name prefix counted thousands of matches one by one (issue 12's p95 tail):
- Address: SQLite's trigram index spanned every client, so a common street ("maple way") matched 9,000 addresses
  and each was looked up in `customers` to test its client (20-29 ms on a million customers). Its rowid now carries
  the client (client_id * 2^40 + customer id), so a MATCH with the client's rowid range reads only that client's
  entries and counts them in the index (2.5 ms). The table becomes contentless (content=''): an external content
  table's rowid must be the customer's id. PostgreSQL keeps its pg_trgm index: its planner already tests the client
  in an index (a BitmapAnd of the trigram and the client's btree bitmaps) before reading rows; an index on
  (client_id, address_key gin_trgm_ops) (btree_gin) was tried, measured no faster (1.8 ms either way for "maple way"
  on 60,000 customers) and, before its table was vacuumed, planned a walk of every customer of the client (11 ms).
- Name prefix: count(DISTINCT customer_id) of the tokens starting with a prefix sorted them in a temporary B-tree
  (8 ms for the 32,760 customers of "mar"). A customer's tokens starting with a prefix are consecutive in its
  sorted tokens, so exactly one of them has a previous token (`previous_token`, '' for its first) below the prefix:
  counting those counts each customer once, as an index range (0.8 ms), with the index below covering it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 22:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TOKEN_INDEX = 'ix_customer_name_tokens_client_id_token_previous_token'
CLIENT_SHIFT = 2 ** 40  # db.search_keys.ADDRESS_ROWID_CLIENT: a customer id below it, the client above

# SQLite: the trigram index's rowid = client_id * CLIENT_SHIFT + customer id; contentless, so a deletion names the
# values it indexed (the old row's).
_ROWID_NEW = f'new.client_id * {CLIENT_SHIFT} + new.id'
_ROWID_OLD = f'old.client_id * {CLIENT_SHIFT} + old.id'
SQLITE_CLIENT_ADDRESS_SEARCH = [
    "CREATE VIRTUAL TABLE customer_address_fts USING fts5(address_key, content='', tokenize='trigram')",
    f"INSERT INTO customer_address_fts(rowid, address_key) SELECT client_id * {CLIENT_SHIFT} + id, address_key "
    "FROM customers",
    "CREATE TRIGGER customers_address_ai AFTER INSERT ON customers BEGIN "
    f"INSERT INTO customer_address_fts(rowid, address_key) VALUES ({_ROWID_NEW}, new.address_key); END",
    "CREATE TRIGGER customers_address_ad AFTER DELETE ON customers BEGIN "
    "INSERT INTO customer_address_fts(customer_address_fts, rowid, address_key) "
    f"VALUES ('delete', {_ROWID_OLD}, old.address_key); END",
    "CREATE TRIGGER customers_address_au AFTER UPDATE OF address_key, client_id ON customers BEGIN "
    "INSERT INTO customer_address_fts(customer_address_fts, rowid, address_key) "
    f"VALUES ('delete', {_ROWID_OLD}, old.address_key); "
    f"INSERT INTO customer_address_fts(rowid, address_key) VALUES ({_ROWID_NEW}, new.address_key); END",
]
# Migration 0001's, to go back to.
SQLITE_ADDRESS_SEARCH = [
    "CREATE VIRTUAL TABLE customer_address_fts USING fts5("
    "address_key, content='customers', content_rowid='id', tokenize='trigram')",
    "INSERT INTO customer_address_fts(customer_address_fts) VALUES ('rebuild')",
    "CREATE TRIGGER customers_address_ai AFTER INSERT ON customers BEGIN "
    "INSERT INTO customer_address_fts(rowid, address_key) VALUES (new.id, new.address_key); END",
    "CREATE TRIGGER customers_address_ad AFTER DELETE ON customers BEGIN "
    "INSERT INTO customer_address_fts(customer_address_fts, rowid, address_key) "
    "VALUES ('delete', old.id, old.address_key); END",
    "CREATE TRIGGER customers_address_au AFTER UPDATE OF address_key ON customers BEGIN "
    "INSERT INTO customer_address_fts(customer_address_fts, rowid, address_key) "
    "VALUES ('delete', old.id, old.address_key); "
    "INSERT INTO customer_address_fts(rowid, address_key) VALUES (new.id, new.address_key); END",
]

# Each token's previous one among its customer's tokens (in the database's order, as the search compares them).
PREVIOUS_TOKENS = (
    "UPDATE customer_name_tokens SET previous_token = w.previous FROM ("
    "SELECT client_id, token, customer_id, "
    "lag(token, 1, '') OVER (PARTITION BY customer_id ORDER BY token) AS previous FROM customer_name_tokens) AS w "
    "WHERE customer_name_tokens.client_id = w.client_id AND customer_name_tokens.token = w.token "
    "AND customer_name_tokens.customer_id = w.customer_id AND w.previous <> ''"
)


def upgrade() -> None:
    bind = op.get_bind()
    # The count needs the database to compare tokens in the order they are sorted in (by code point, as Python's
    # sort in db.search_keys.name_token_rows); PostgreSQL's default is the database's collation.
    code_point_text = sa.Text(collation='C') if bind.dialect.name == 'postgresql' else sa.Text()
    if bind.dialect.name == 'postgresql':
        op.alter_column('customer_name_tokens', 'token', type_=code_point_text, existing_type=sa.Text(),
                        existing_nullable=False)
    op.add_column('customer_name_tokens', sa.Column('previous_token', code_point_text, server_default='',
                                                    nullable=False))
    op.execute(PREVIOUS_TOKENS)
    op.create_index(TOKEN_INDEX, 'customer_name_tokens', ['client_id', 'token', 'previous_token'], unique=False)
    if bind.dialect.name == 'sqlite':
        _drop_sqlite_address_search()
        for statement in SQLITE_CLIENT_ADDRESS_SEARCH:
            op.execute(statement)
        _analyze(bind, TOKEN_INDEX)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _drop_sqlite_address_search()
        for statement in SQLITE_ADDRESS_SEARCH:
            op.execute(statement)
    op.drop_index(TOKEN_INDEX, table_name='customer_name_tokens')
    with op.batch_alter_table('customer_name_tokens', schema=None) as batch_op:
        batch_op.drop_column('previous_token')
    if bind.dialect.name == 'postgresql':
        op.alter_column('customer_name_tokens', 'token', type_=sa.Text(), existing_type=sa.Text(collation='C'),
                        existing_nullable=False)


def _drop_sqlite_address_search() -> None:
    for trigger in ('ai', 'ad', 'au'):
        op.execute(f'DROP TRIGGER IF EXISTS customers_address_{trigger}')
    op.execute('DROP TABLE IF EXISTS customer_address_fts')


def _analyze(bind: sa.Connection, index: str) -> None:
    """Statistics for a new index of an analyzed database (seeded, bulk-loaded), as migration 0015 gives its own:
    SQLite takes an index without them for a selective one."""
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f'ANALYZE {index}')
