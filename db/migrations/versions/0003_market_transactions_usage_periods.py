"""market transactions, status changes, usage periods, premise meter type and read cycle

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:22:00.795991
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('market_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.Enum('ENROLLMENT', 'DROP', 'CHANGE', 'REINSTATEMENT', 'HISTORICAL_USAGE_REQUEST', 'MOVE_IN', 'MOVE_OUT', 'USAGE', 'INVOICE', 'REMITTANCE', name='markettransactiontype', native_enum=False, length=30), nullable=False),
    sa.Column('direction', sa.Enum('OUTBOUND', 'INBOUND', name='marketdirection', native_enum=False, length=30), nullable=False),
    sa.Column('status', sa.Enum('QUEUED', 'SENT', 'ACCEPTED', 'REJECTED', 'RECEIVED', name='markettransactionstatus', native_enum=False, length=30), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('related_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('responded_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_market_transactions_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_market_transactions_created_by_users')),
    sa.ForeignKeyConstraint(['related_id'], ['market_transactions.id'], name=op.f('fk_market_transactions_related_id_market_transactions')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_market_transactions_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_transactions'))
    )
    with op.batch_alter_table('market_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_transactions_client_id_reference'), ['client_id', 'reference'], unique=True)
        batch_op.create_index(batch_op.f('ix_market_transactions_related_id'), ['related_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_transactions_utility_account_id_id'), ['utility_account_id', 'id'], unique=False)

    op.create_table('enrollment_status_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=30), nullable=False),
    sa.Column('to_status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=30), nullable=False),
    sa.Column('changed_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('market_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_enrollment_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_enrollment_status_changes_client_id_clients')),
    sa.ForeignKeyConstraint(['market_transaction_id'], ['market_transactions.id'], name=op.f('fk_enrollment_status_changes_market_transaction_id_market_transactions')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_enrollment_status_changes_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_status_changes'))
    )
    with op.batch_alter_table('enrollment_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_status_changes_market_transaction_id'), ['market_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_status_changes_utility_account_id_id'), ['utility_account_id', 'id'], unique=False)

    op.create_table('usage_periods',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('wh', sa.BigInteger(), nullable=False),
    sa.Column('demand_w', sa.BigInteger(), nullable=True),
    sa.Column('read_type', sa.Enum('ACTUAL', 'ESTIMATED', name='readtype', native_enum=False, length=30), nullable=False),
    sa.Column('meter_number', sa.String(length=40), nullable=True),
    sa.Column('source_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_usage_periods_client_id_clients')),
    sa.ForeignKeyConstraint(['source_transaction_id'], ['market_transactions.id'], name=op.f('fk_usage_periods_source_transaction_id_market_transactions')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_usage_periods_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_periods'))
    )
    with op.batch_alter_table('usage_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_periods_utility_account_id_period_start'), ['utility_account_id', 'period_start'], unique=True)

    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meter_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('read_cycle', sa.String(length=10), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.drop_column('read_cycle')
        batch_op.drop_column('meter_type')

    with op.batch_alter_table('usage_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_periods_utility_account_id_period_start'))

    op.drop_table('usage_periods')
    with op.batch_alter_table('enrollment_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_status_changes_utility_account_id_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_status_changes_market_transaction_id'))

    op.drop_table('enrollment_status_changes')
    with op.batch_alter_table('market_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_transactions_utility_account_id_id'))
        batch_op.drop_index(batch_op.f('ix_market_transactions_related_id'))
        batch_op.drop_index(batch_op.f('ix_market_transactions_client_id_reference'))

    op.drop_table('market_transactions')
