"""export indexes: the AR ledger by day and open invoices by customer, read in order as a client's exports stream

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:00:00.000000
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ledger_entries_client_id_effective_on_id', 'ledger_entries',
                    ['client_id', 'effective_on', 'id'], unique=False)
    op.create_index('ix_invoices_client_id_customer_id_due_on', 'invoices', ['client_id', 'customer_id', 'due_on'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_invoices_client_id_customer_id_due_on', table_name='invoices')
    op.drop_index('ix_ledger_entries_client_id_effective_on_id', table_name='ledger_entries')
