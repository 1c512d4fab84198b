"""notification log entry: each notification points at the communication-log entry that records it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:54:25.936108
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comm_log_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_comm_log_entry_id_id'), ['comm_log_entry_id', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_comm_log_entry_id_comm_log_entries'), 'comm_log_entries', ['comm_log_entry_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_comm_log_entry_id_comm_log_entries'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_comm_log_entry_id_id'))
        batch_op.drop_column('comm_log_entry_id')
