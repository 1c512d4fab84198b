"""identity providers: a client's OpenID Connect provider, its claims and role mapping

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:37:50.499892
"""

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identity_providers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('audience', sa.String(length=500), nullable=False),
    sa.Column('email_claim', sa.String(length=100), nullable=False),
    sa.Column('role_source', sa.Enum('STORED', 'CLAIM', name='rolesource', native_enum=False, length=20), nullable=False),
    sa.Column('role_claim', sa.String(length=100), nullable=True),
    sa.Column('role_mapping', sa.JSON(), nullable=False),
    sa.Column('just_in_time', sa.Boolean(), nullable=False),
    sa.Column('provisioned_role', sa.Enum('AGENT', 'TEAM_LEAD', 'ADMIN', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('local_tokens', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_identity_providers_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_providers')),
    sa.UniqueConstraint('client_id', name=op.f('uq_identity_providers_client_id')),
    sa.UniqueConstraint('issuer', 'audience', name=op.f('uq_identity_providers_issuer_audience'))
    )


def downgrade() -> None:
    op.drop_table('identity_providers')
