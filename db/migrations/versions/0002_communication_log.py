"""communication log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:02:56.287649
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dispositions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_dispositions_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispositions'))
    )
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispositions_client_id_code'), ['client_id', 'code'], unique=True)

    op.create_table('letter_templates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('WELCOME_KIT', 'CONTRACT', 'RENEWAL_LETTER', 'RATE_CHANGE', 'GENERAL', name='letterkind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_letter_templates_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates'))
    )
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_templates_client_id_code'), ['client_id', 'code'], unique=True)

    op.create_table('bulk_note_jobs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('number_type', sa.Enum('CUSTOMER_NUMBER', 'LDC_ACCOUNT_NUMBER', name='accountnumbertype', native_enum=False, length=20), nullable=False),
    sa.Column('only_statuses', sa.JSON(), nullable=True),
    sa.Column('note', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('skipped_status', sa.Integer(), nullable=False),
    sa.Column('not_found', sa.Integer(), nullable=False),
    sa.Column('duplicate', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('found_inactive', sa.Integer(), nullable=False),
    sa.Column('found_drop_accepted', sa.Integer(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_bulk_note_jobs_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_bulk_note_jobs_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_note_jobs'))
    )
    with op.batch_alter_table('bulk_note_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_note_jobs_client_id_id'), ['client_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulk_note_jobs_client_id_idempotency_key'), ['client_id', 'idempotency_key'], unique=True)

    op.create_table('bulk_note_results',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'ACTIVE', 'PENDING_DROP', 'DROP_ACCEPTED', 'DROPPED', 'INACTIVE', name='enrollmentstatus', native_enum=False, length=20), nullable=True),
    sa.Column('outcome', sa.Enum('ADDED', 'SKIPPED_STATUS', 'NOT_FOUND', 'DUPLICATE', 'INVALID', name='bulknoteoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_bulk_note_results_customer_id_customers')),
    sa.ForeignKeyConstraint(['job_id'], ['bulk_note_jobs.id'], name=op.f('fk_bulk_note_results_job_id_bulk_note_jobs')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_bulk_note_results_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_note_results'))
    )
    with op.batch_alter_table('bulk_note_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_note_results_job_id_id'), ['job_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulk_note_results_job_id_outcome_id'), ['job_id', 'outcome', 'id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('template_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.Enum('WELCOME_KIT', 'CONTRACT', 'RENEWAL_LETTER', 'RATE_CHANGE', 'GENERAL', name='letterkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('generated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_documents_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_documents_customer_id_customers')),
    sa.ForeignKeyConstraint(['template_id'], ['letter_templates.id'], name=op.f('fk_documents_template_id_letter_templates')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_documents_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_customer_id_id'), ['customer_id', 'id'], unique=False)

    op.create_table('comm_log_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('utility_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.Enum('NOTE', 'CALL', 'EMAIL', 'LETTER', 'SYSTEM', name='commlogkind', native_enum=False, length=20), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('disposition', sa.String(length=40), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('relationship', sa.String(length=100), nullable=True),
    sa.Column('is_account_holder', sa.Boolean(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('additional_info', sa.Text(), nullable=True),
    sa.Column('follow_up', sa.Text(), nullable=True),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('bulk_job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comm_log_entries_author_id_users')),
    sa.ForeignKeyConstraint(['bulk_job_id'], ['bulk_note_jobs.id'], name=op.f('fk_comm_log_entries_bulk_job_id_bulk_note_jobs')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_comm_log_entries_client_id_clients')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_comm_log_entries_customer_id_customers')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_comm_log_entries_document_id_documents')),
    sa.ForeignKeyConstraint(['utility_account_id'], ['utility_accounts.id'], name=op.f('fk_comm_log_entries_utility_account_id_utility_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comm_log_entries'))
    )
    with op.batch_alter_table('comm_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comm_log_entries_bulk_job_id'), ['bulk_job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comm_log_entries_customer_id_critical_id'), ['customer_id', 'critical', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comm_log_entries_customer_id_id'), ['customer_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comm_log_entries_utility_account_id_id'), ['utility_account_id', 'id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel', sa.Enum('EMAIL', 'MAIL', name='notificationchannel', native_enum=False, length=20), nullable=False),
    sa.Column('recipient', sa.String(length=400), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('QUEUED', 'SENT', 'FAILED', name='notificationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('transport', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_notifications_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_notifications_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_notifications_customer_id_customers')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_notifications_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_customer_id_id'), ['customer_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_status_next_attempt_at'), ['status', 'next_attempt_at'], unique=False)

    op.create_table('comm_log_memos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comm_log_memos_author_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_comm_log_memos_client_id_clients')),
    sa.ForeignKeyConstraint(['entry_id'], ['comm_log_entries.id'], name=op.f('fk_comm_log_memos_entry_id_comm_log_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comm_log_memos'))
    )
    with op.batch_alter_table('comm_log_memos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comm_log_memos_entry_id_id'), ['entry_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('comm_log_memos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comm_log_memos_entry_id_id'))

    op.drop_table('comm_log_memos')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_status_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_notifications_customer_id_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('comm_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comm_log_entries_utility_account_id_id'))
        batch_op.drop_index(batch_op.f('ix_comm_log_entries_customer_id_id'))
        batch_op.drop_index(batch_op.f('ix_comm_log_entries_customer_id_critical_id'))
        batch_op.drop_index(batch_op.f('ix_comm_log_entries_bulk_job_id'))

    op.drop_table('comm_log_entries')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_customer_id_id'))

    op.drop_table('documents')
    with op.batch_alter_table('bulk_note_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_note_results_job_id_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_bulk_note_results_job_id_id'))

    op.drop_table('bulk_note_results')
    with op.batch_alter_table('bulk_note_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_note_jobs_client_id_idempotency_key'))
        batch_op.drop_index(batch_op.f('ix_bulk_note_jobs_client_id_id'))

    op.drop_table('bulk_note_jobs')
    with op.batch_alter_table('letter_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_templates_client_id_code'))

    op.drop_table('letter_templates')
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispositions_client_id_code'))

    op.drop_table('dispositions')
