"""event log: the transactional outbox of domain events (ids only), read by every worker for subscriptions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:46:52.820021
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('domain_events',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('kind', sa.Enum('COMMLOG_ENTRY_ADDED', 'COMMLOG_MEMO_ADDED', name='eventkind', native_enum=False, length=40), nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('entry_id', ID, nullable=False),
    sa.Column('memo_id', ID, nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_domain_events_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events')),
    sqlite_autoincrement=True  # ids never come back after a purge: a cursor names one event forever
    )
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domain_events_client_id_customer_id_id'), ['client_id', 'customer_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_events_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domain_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_domain_events_client_id_customer_id_id'))
    op.drop_table('domain_events')
