"""enrollment and customer import: per-utility LDC number rules (with the known utilities' defaults), import jobs and rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:37:54.556857
"""

import sqlalchemy as sa
from alembic import op

import db.base
from db.ldc_rules import missing_rule_inserts

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_import_jobs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('STAGING', 'APPLYING', 'DONE', name='importjobstatus', native_enum=False, length=30), nullable=False),
    sa.Column('staged_through', sa.Integer(), nullable=False),
    sa.Column('applied_through', sa.String(length=40), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('customers_created', sa.Integer(), nullable=False),
    sa.Column('customers_updated', sa.Integer(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_customer_import_jobs_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_customer_import_jobs_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_import_jobs'))
    )
    with op.batch_alter_table('customer_import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_import_jobs_client_id_id'), ['client_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_import_jobs_client_id_idempotency_key'), ['client_id', 'idempotency_key'], unique=True)

    op.create_table('ldc_number_rules',
    sa.Column('utility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lengths', sa.JSON(), nullable=False),
    sa.Column('digits_only', sa.Boolean(), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=True),
    sa.Column('check_digit', sa.Enum('NONE', 'LUHN', 'MOD11', name='checkdigit', native_enum=False, length=30), nullable=False),
    sa.ForeignKeyConstraint(['utility_id'], ['utilities.id'], name=op.f('fk_ldc_number_rules_utility_id_utilities')),
    sa.PrimaryKeyConstraint('utility_id', name=op.f('pk_ldc_number_rules'))
    )
    for statement in missing_rule_inserts():  # the utilities already there get their rules
        op.execute(statement)
    op.create_table('customer_import_rows',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('CREATED', 'UPDATED', 'UNCHANGED', 'REFUSED', name='importrowoutcome', native_enum=False, length=30), nullable=True),
    sa.Column('reason', sa.Enum('MISSING_CUSTOMER_NUMBER', 'MISSING_NAME', 'UNKNOWN_UTILITY', 'BAD_LDC_NUMBER', 'DATE_ORDER', 'INVALID_VALUE', 'UNKNOWN_RATE_PLAN', 'CONFLICTING_CUSTOMER_DATA', 'DUPLICATE_LDC_NUMBER', 'LDC_NUMBER_HELD', name='importrefusal', native_enum=False, length=30), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('changes', sa.Text(), nullable=True),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('customer_number', sa.String(length=40), nullable=False),
    sa.Column('customer_hash', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('name_key', sa.Text(), nullable=True),
    sa.Column('name_tokens', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('billing_line1', sa.String(length=200), nullable=True),
    sa.Column('billing_line2', sa.String(length=200), nullable=True),
    sa.Column('billing_city', sa.String(length=100), nullable=True),
    sa.Column('billing_state', sa.String(length=2), nullable=True),
    sa.Column('billing_zip', sa.String(length=10), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('billing_key', sa.Text(), nullable=True),
    sa.Column('ldc_account_number', sa.String(length=40), nullable=False),
    sa.Column('utility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('market_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rate_plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=30), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('contract_term_months', sa.Integer(), nullable=True),
    sa.Column('service_line1', sa.String(length=200), nullable=True),
    sa.Column('service_line2', sa.String(length=200), nullable=True),
    sa.Column('service_city', sa.String(length=100), nullable=True),
    sa.Column('service_state', sa.String(length=2), nullable=True),
    sa.Column('service_zip', sa.String(length=10), nullable=True),
    sa.Column('meter_number', sa.String(length=40), nullable=True),
    sa.Column('service_key', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_import_rows_customer_id_customers')),
    sa.ForeignKeyConstraint(['job_id'], ['customer_import_jobs.id'], name=op.f('fk_customer_import_rows_job_id_customer_import_jobs')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_customer_import_rows_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_import_rows'))
    )
    with op.batch_alter_table('customer_import_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_import_rows_job_id_customer_number_line'), ['job_id', 'customer_number', 'line'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_import_rows_job_id_ldc_account_number'), ['job_id', 'ldc_account_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('customer_import_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_import_rows_job_id_ldc_account_number'))
        batch_op.drop_index(batch_op.f('ix_customer_import_rows_job_id_customer_number_line'))

    op.drop_table('customer_import_rows')
    op.drop_table('ldc_number_rules')
    with op.batch_alter_table('customer_import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_import_jobs_client_id_idempotency_key'))
        batch_op.drop_index(batch_op.f('ix_customer_import_jobs_client_id_id'))

    op.drop_table('customer_import_jobs')
