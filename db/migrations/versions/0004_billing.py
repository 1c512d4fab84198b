"""billing: invoices, lines, special charges, adjustments, payments, allocations, refunds, ledger, idempotency keys, rate tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:02:56.275029
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('operation', sa.String(length=40), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_idempotency_keys_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_client_id_key'), ['client_id', 'key'], unique=True)
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)

    op.create_table('tax_rates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('market_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rate_ppm', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_tax_rates_market_id_markets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_rates')),
    sa.UniqueConstraint('market_id', name=op.f('uq_tax_rates_market_id'))
    )
    op.create_table('delivery_rates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('utility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('per_kwh_millicents', sa.Integer(), nullable=False),
    sa.Column('fixed_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['utility_id'], ['utilities.id'], name=op.f('fk_delivery_rates_utility_id_utilities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_rates')),
    sa.UniqueConstraint('utility_id', name=op.f('uq_delivery_rates_utility_id'))
    )
    op.create_table('payments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.Enum('CHECK', 'ACH', 'CARD', 'CASH', 'MONEY_ORDER', 'WIRE', name='paymentmethod', native_enum=False, length=20), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('card_last4', sa.String(length=4), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.Enum('FIFO', 'SPEC', name='allocationmode', native_enum=False, length=20), nullable=False),
    sa.Column('scope', sa.Enum('CUSTOMER', 'HIERARCHY', name='paymentscope', native_enum=False, length=20), nullable=False),
    sa.Column('unapplied_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('POSTED', 'RETURNED', name='paymentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('returned_reason', sa.String(length=500), nullable=True),
    sa.Column('returned_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_payments_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payments_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payments_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_customer_id_received_on_id'), ['customer_id', 'received_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_customer_id_status_unapplied_cents'), ['customer_id', 'status', 'unapplied_cents'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'PARTIALLY_PAID', 'PAID', 'REVERSED', name='invoicestatus', native_enum=False, length=20), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('charges_cents', sa.BigInteger(), nullable=False),
    sa.Column('open_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_invoices_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invoices_customer_id_customers')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_invoices_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_client_id_number'), ['client_id', 'number'], unique=True)
        batch_op.create_index(batch_op.f('ix_invoices_client_id_status_due_on'), ['client_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_customer_id_due_on_issued_on_number'), ['customer_id', 'due_on', 'issued_on', 'number'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_utility_account_id_period_start'), ['utility_account_id', 'period_start'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('approved_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_refunds_approved_by_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_refunds_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_refunds_customer_id_customers')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_payment_id_id'), ['payment_id', 'id'], unique=False)

    op.create_table('adjustments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('direction', sa.Enum('DEBIT', 'CREDIT', name='adjustmentdirection', native_enum=False, length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_adjustments_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_adjustments_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_adjustments_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_adjustments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustments'))
    )
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustments_customer_id_id'), ['customer_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustments_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('ENERGY', 'DELIVERY', 'TAX', 'FEE', 'SPECIAL_CHARGE', 'REVERSAL', name='invoicelinekind', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('quantity_milli', sa.BigInteger(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('reverses_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_invoice_lines_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_invoice_lines_created_by_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['reverses_line_id'], ['invoice_lines.id'], name=op.f('fk_invoice_lines_reverses_line_id_invoice_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id_id'), ['invoice_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_lines_reverses_line_id'), ['reverses_line_id'], unique=False)

    op.create_table('payment_allocations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_payment_allocations_client_id_clients')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_allocations_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments')),
    sa.ForeignKeyConstraint(['reverses_id'], ['payment_allocations.id'], name=op.f('fk_payment_allocations_reverses_id_payment_allocations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations'))
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id_id'), ['invoice_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_payment_id_id'), ['payment_id', 'id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('INVOICE', 'PAYMENT', 'ADJUSTMENT', 'REVERSAL', 'REFUND', 'RETURNED_PAYMENT', 'CREDIT_TRANSFER', name='ledgerkind', native_enum=False, length=20), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('adjustment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('refund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['adjustment_id'], ['adjustments.id'], name=op.f('fk_ledger_entries_adjustment_id_adjustments')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_ledger_entries_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_ledger_entries_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_ledger_entries_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_ledger_entries_payment_id_payments')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_ledger_entries_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_client_id_customer_id'), ['client_id', 'customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_customer_id_effective_on_id'), ['customer_id', 'effective_on', 'id'], unique=False)

    op.create_table('special_charges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'BILLED', 'REMOVED', name='specialchargestatus', native_enum=False, length=20), nullable=False),
    sa.Column('invoice_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('removed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.String(length=500), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_special_charges_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_special_charges_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_special_charges_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_line_id'], ['invoice_lines.id'], name=op.f('fk_special_charges_invoice_line_id_invoice_lines')),
    sa.ForeignKeyConstraint(['removed_by'], ['users.id'], name=op.f('fk_special_charges_removed_by_users')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_special_charges_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_charges'))
    )
    with op.batch_alter_table('special_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_charges_customer_id_status_id'), ['customer_id', 'status', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('special_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_charges_customer_id_status_id'))

    op.drop_table('special_charges')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_customer_id_effective_on_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_client_id_customer_id'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_payment_id_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id_id'))

    op.drop_table('payment_allocations')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_reverses_line_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustments_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_adjustments_customer_id_id'))

    op.drop_table('adjustments')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_utility_account_id_period_start'))
        batch_op.drop_index(batch_op.f('ix_invoices_customer_id_due_on_issued_on_number'))
        batch_op.drop_index(batch_op.f('ix_invoices_client_id_status_due_on'))
        batch_op.drop_index(batch_op.f('ix_invoices_client_id_number'))

    op.drop_table('invoices')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_customer_id_status_unapplied_cents'))
        batch_op.drop_index(batch_op.f('ix_payments_customer_id_received_on_id'))

    op.drop_table('payments')
    op.drop_table('delivery_rates')
    op.drop_table('tax_rates')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_client_id_key'))

    op.drop_table('idempotency_keys')
