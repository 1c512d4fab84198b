"""customers, accounts, admin

Revision ID: 0001
Revises:
Create Date: 2026-11-23 00:51:10.828410
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('slug', name=op.f('uq_clients_slug'))
    )
    op.create_table('markets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_markets')),
    sa.UniqueConstraint('code', name=op.f('uq_markets_code'))
    )
    op.create_table('customers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('RESIDENTIAL', 'COMMERCIAL', name='customerkind', native_enum=False, length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('billing_line1', sa.String(length=200), nullable=True),
    sa.Column('billing_line2', sa.String(length=200), nullable=True),
    sa.Column('billing_city', sa.String(length=100), nullable=True),
    sa.Column('billing_state', sa.String(length=2), nullable=True),
    sa.Column('billing_zip', sa.String(length=10), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('is_master', sa.Boolean(), nullable=False),
    sa.Column('master_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('address_key', sa.Text(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_customers_client_id_clients')),
    sa.ForeignKeyConstraint(['master_id'], ['customers.id'], name=op.f('fk_customers_master_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_client_id_name_key_id'), ['client_id', 'name_key', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_client_id_number'), ['client_id', 'number'], unique=True)
        batch_op.create_index(batch_op.f('ix_customers_master_id'), ['master_id'], unique=False)

    op.create_table('rate_plans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('FIXED', 'VARIABLE', 'INDEXED', name='rateplankind', native_enum=False, length=20), nullable=False),
    sa.Column('market_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('energy_rate_millicents', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('monthly_fee_cents', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_rate_plans_client_id_clients')),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_rate_plans_market_id_markets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_plans'))
    )
    with op.batch_alter_table('rate_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_plans_client_id_code'), ['client_id', 'code'], unique=True)

    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('AGENT', 'TEAM_LEAD', 'ADMIN', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('preferences', sa.JSON(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_users_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('utilities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('market_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_utilities_market_id_markets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_utilities')),
    sa.UniqueConstraint('code', name=op.f('uq_utilities_code'))
    )
    with op.batch_alter_table('utilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utilities_market_id'), ['market_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_audit_events_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_client_id_object_type_object_id_id'), ['client_id', 'object_type', 'object_id', 'id'], unique=False)

    op.create_table('customer_name_tokens',
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_customer_name_tokens_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_name_tokens_customer_id_customers')),
    sa.PrimaryKeyConstraint('client_id', 'token', 'customer_id', name=op.f('pk_customer_name_tokens'))
    )
    with op.batch_alter_table('customer_name_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_name_tokens_customer_id'), ['customer_id'], unique=False)

    op.create_table('utility_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ldc_account_number', sa.String(length=40), nullable=False),
    sa.Column('utility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('market_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rate_plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('contract_term_months', sa.Integer(), nullable=True),
    sa.Column('renewal_pending', sa.Boolean(), nullable=False),
    sa.Column('pending_transfer', sa.Boolean(), nullable=False),
    sa.Column('service_line1', sa.String(length=200), nullable=False),
    sa.Column('service_line2', sa.String(length=200), nullable=True),
    sa.Column('service_city', sa.String(length=100), nullable=False),
    sa.Column('service_state', sa.String(length=2), nullable=False),
    sa.Column('service_zip', sa.String(length=10), nullable=False),
    sa.Column('meter_number', sa.String(length=40), nullable=True),
    sa.Column('rate_class', sa.String(length=40), nullable=True),
    sa.Column('load_profile', sa.String(length=40), nullable=True),
    sa.Column('premise_type', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_utility_accounts_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_utility_accounts_customer_id_customers')),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_utility_accounts_market_id_markets')),
    sa.ForeignKeyConstraint(['rate_plan_id'], ['rate_plans.id'], name=op.f('fk_utility_accounts_rate_plan_id_rate_plans')),
    sa.ForeignKeyConstraint(['utility_id'], ['utilities.id'], name=op.f('fk_utility_accounts_utility_id_utilities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_utility_accounts'))
    )
    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_accounts_client_id_ldc_account_number'), ['client_id', 'ldc_account_number'], unique=True)
        batch_op.create_index(batch_op.f('ix_utility_accounts_client_id_market_id_status_customer_id'), ['client_id', 'market_id', 'status', 'customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_utility_accounts_client_id_status_customer_id'), ['client_id', 'status', 'customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_utility_accounts_client_id_utility_id_status_customer_id'), ['client_id', 'utility_id', 'status', 'customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_utility_accounts_customer_id_id'), ['customer_id', 'id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rate_plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_enrollments_client_id_clients')),
    sa.ForeignKeyConstraint(['rate_plan_id'], ['rate_plans.id'], name=op.f('fk_enrollments_rate_plan_id_rate_plans')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_enrollments_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_utility_account_id_start_date_id'), ['utility_account_id', 'start_date', 'id'], unique=False)


    create_address_search()


def downgrade() -> None:
    drop_address_search()
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_utility_account_id_start_date_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_accounts_customer_id_id'))
        batch_op.drop_index(batch_op.f('ix_utility_accounts_client_id_utility_id_status_customer_id'))
        batch_op.drop_index(batch_op.f('ix_utility_accounts_client_id_status_customer_id'))
        batch_op.drop_index(batch_op.f('ix_utility_accounts_client_id_market_id_status_customer_id'))
        batch_op.drop_index(batch_op.f('ix_utility_accounts_client_id_ldc_account_number'))

    op.drop_table('utility_accounts')
    with op.batch_alter_table('customer_name_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_name_tokens_customer_id'))

    op.drop_table('customer_name_tokens')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_client_id_object_type_object_id_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('utilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utilities_market_id'))

    op.drop_table('utilities')
    op.drop_table('users')
    with op.batch_alter_table('rate_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_plans_client_id_code'))

    op.drop_table('rate_plans')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_master_id'))
        batch_op.drop_index(batch_op.f('ix_customers_client_id_number'))
        batch_op.drop_index(batch_op.f('ix_customers_client_id_name_key_id'))

    op.drop_table('customers')
    op.drop_table('markets')
    op.drop_table('clients')


# Address "contains" search must not scan a million rows: SQLite gets an FTS5 trigram index
# kept in step by triggers, PostgreSQL a pg_trgm GIN index that serves LIKE '%term%'.
SQLITE_ADDRESS_SEARCH = [
    "CREATE VIRTUAL TABLE customer_address_fts USING fts5("
    "address_key, content='customers', content_rowid='id', tokenize='trigram')",
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
POSTGRES_ADDRESS_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_customers_address_key_trgm ON customers USING gin (address_key gin_trgm_ops)",
]


def create_address_search() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_ADDRESS_SEARCH if sqlite else POSTGRES_ADDRESS_SEARCH:
        op.execute(statement)


def drop_address_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS customers_address_{trigger}")
        op.execute("DROP TABLE IF EXISTS customer_address_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_customers_address_key_trgm")
