"""tickets, authorized contacts, customer settings and dunning holds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 03:10:12.092320
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('authorized_contacts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('relationship', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('added_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('removed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.String(length=500), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_authorized_contacts_added_by_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_authorized_contacts_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_authorized_contacts_customer_id_customers')),
    sa.ForeignKeyConstraint(['removed_by'], ['users.id'], name=op.f('fk_authorized_contacts_removed_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorized_contacts'))
    )
    with op.batch_alter_table('authorized_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorized_contacts_customer_id_id'), ['customer_id', 'id'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.Enum('CONTACT_CHANGE', 'GENERAL', name='ticketkind', native_enum=False, length=20), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('request_type', sa.Enum('ACCOUNT_MANAGEMENT', 'BILLING', 'ENROLLMENT', 'COMPLAINT', 'OTHER', name='ticketrequesttype', native_enum=False, length=20), nullable=False),
    sa.Column('queue', sa.Enum('ACCOUNT_SERVICING', 'BILLING', 'ENROLLMENT', 'CUSTOMER_CARE', name='ticketqueue', native_enum=False, length=20), nullable=False),
    sa.Column('reporter', sa.String(length=254), nullable=False),
    sa.Column('support_channel', sa.Enum('EMAIL', 'PHONE', 'CHAT', name='supportchannel', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'IN_PROGRESS', 'CLOSED', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('assignee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.Enum('DONE', 'WONT_DO', 'DUPLICATE', 'CANNOT_REPRODUCE', name='ticketresolution', native_enum=False, length=20), nullable=True),
    sa.Column('resolution_type', sa.Enum('ACCOUNT_MANAGEMENT', 'BILLING', 'ENROLLMENT', 'COMPLAINT', 'OTHER', name='ticketrequesttype', native_enum=False, length=20), nullable=True),
    sa.Column('platform_area', sa.Enum('ACCOUNT_MANAGEMENT', 'BILLING', 'ENROLLMENT', 'PORTAL', 'OTHER', name='platformarea', native_enum=False, length=20), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('closed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tickets_assignee_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_tickets_client_id_clients')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_tickets_closed_by_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_tickets_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_tickets_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_client_id_assignee_id_status_id'), ['client_id', 'assignee_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_client_id_queue_status_id'), ['client_id', 'queue', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_client_id_status_id'), ['client_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_customer_id_status_id'), ['customer_id', 'status', 'id'], unique=False)

    # Plain ADD COLUMN, not batch mode: on SQLite a batch would copy `customers` into a new
    # table and drop the triggers that keep the address search index (migration 0001) in step.
    op.add_column('customers', sa.Column('autopay', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('customers', sa.Column('paperless', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('customers', sa.Column('dunning_hold_until', sa.Date(), nullable=True))
    op.add_column('customers', sa.Column('dunning_hold_reason', sa.String(length=500), nullable=True))



def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as in upgrade().
    for name in ('dunning_hold_reason', 'dunning_hold_until', 'paperless', 'autopay'):
        op.execute(f'ALTER TABLE customers DROP COLUMN {name}')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_customer_id_status_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_client_id_status_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_client_id_queue_status_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_client_id_assignee_id_status_id'))

    op.drop_table('tickets')
    with op.batch_alter_table('authorized_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorized_contacts_customer_id_id'))

    op.drop_table('authorized_contacts')
