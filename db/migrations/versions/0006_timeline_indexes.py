"""timeline indexes: each source of the customer timeline read as one index range on its owner, time and id

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 03:26:37.917386
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustments_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_client_id_object_type_object_id_created_at_id'), ['client_id', 'object_type', 'object_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('comm_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comm_log_entries_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('enrollment_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_status_changes_utility_account_id_changed_at_id'), ['utility_account_id', 'changed_at', 'id'], unique=False)

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id_kind_created_at_id_client_id'), ['invoice_id', 'kind', 'created_at', 'id', 'client_id'], unique=False)

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('market_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_transactions_utility_account_id_created_at_id'), ['utility_account_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id_created_at_id_client_id'), ['invoice_id', 'created_at', 'id', 'client_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_customer_id_returned_at_id'), ['customer_id', 'returned_at', 'id'], unique=False)

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_customer_id_created_at_id'), ['customer_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_customer_id_created_at_id'))

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_customer_id_created_at_id'))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_customer_id_returned_at_id'))
        batch_op.drop_index(batch_op.f('ix_payments_customer_id_created_at_id'))

    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id_created_at_id_client_id'))

    with op.batch_alter_table('market_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_transactions_utility_account_id_created_at_id'))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_customer_id_created_at_id'))

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id_kind_created_at_id_client_id'))

    with op.batch_alter_table('enrollment_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_status_changes_utility_account_id_changed_at_id'))

    with op.batch_alter_table('comm_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comm_log_entries_customer_id_created_at_id'))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_client_id_object_type_object_id_created_at_id'))

    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustments_customer_id_created_at_id'))
