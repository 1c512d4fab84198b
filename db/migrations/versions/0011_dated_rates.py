"""dated rates: rate plan prices, delivery charges and sales tax each effective from a day, and each client's own

Rate plans lose their price columns to rate_plan_prices (one row per price, never edited). The delivery and
tax tables were shared by every client, one row per utility or market; they become one client's rows each,
dated. What was there is copied into every client, effective from MIGRATED_FROM: in force before any billing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 12:00:00.000000
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

MIGRATED_FROM = date(2000, 1, 1)
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _dated_table(name: str, key: str, key_table: str, *values: sa.Column) -> sa.Table:
    """Create a dated rate table: client, key, effective day, values, who entered it and when."""
    return op.create_table(
        name,
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column(key, ID, nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        *values,
        sa.Column('created_by', ID, nullable=True),
        sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column('client_id', ID, nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f(f'fk_{name}_client_id_clients')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f(f'fk_{name}_created_by_users')),
        sa.ForeignKeyConstraint([key], [f'{key_table}.id'], name=op.f(f'fk_{name}_{key}_{key_table}')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    )


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    clients = [row.id for row in bind.execute(sa.text('SELECT id FROM clients'))]
    deliveries = bind.execute(sa.text('SELECT utility_id, per_kwh_millicents, fixed_cents FROM delivery_rates')).all()
    taxes = bind.execute(sa.text('SELECT market_id, rate_ppm FROM tax_rates')).all()
    plans = bind.execute(sa.text('SELECT id, client_id, energy_rate_millicents, monthly_fee_cents FROM rate_plans')).all()
    op.drop_table('delivery_rates')
    op.drop_table('tax_rates')

    prices = _dated_table('rate_plan_prices', 'rate_plan_id', 'rate_plans',
                          sa.Column('energy_rate_millicents', sa.Integer(), nullable=False),
                          sa.Column('monthly_fee_cents', sa.BigInteger(), nullable=False))
    op.create_index(op.f('ix_rate_plan_prices_rate_plan_id_effective_from_id'), 'rate_plan_prices',
                    ['rate_plan_id', 'effective_from', 'id'], unique=False)
    delivery = _dated_table('delivery_rates', 'utility_id', 'utilities',
                            sa.Column('per_kwh_millicents', sa.Integer(), nullable=False),
                            sa.Column('fixed_cents', sa.BigInteger(), nullable=False))
    op.create_index(op.f('ix_delivery_rates_client_id_utility_id_effective_from_id'), 'delivery_rates',
                    ['client_id', 'utility_id', 'effective_from', 'id'], unique=False)
    tax = _dated_table('tax_rates', 'market_id', 'markets', sa.Column('rate_ppm', sa.Integer(), nullable=False))
    op.create_index(op.f('ix_tax_rates_client_id_market_id_effective_from_id'), 'tax_rates',
                    ['client_id', 'market_id', 'effective_from', 'id'], unique=False)

    dated = {'effective_from': MIGRATED_FROM, 'created_at': now}
    op.bulk_insert(prices, [{'rate_plan_id': p.id, 'client_id': p.client_id, 'energy_rate_millicents':
                             p.energy_rate_millicents, 'monthly_fee_cents': p.monthly_fee_cents or 0, **dated}
                            for p in plans])
    op.bulk_insert(delivery, [{'client_id': c, 'utility_id': d.utility_id, 'per_kwh_millicents': d.per_kwh_millicents,
                               'fixed_cents': d.fixed_cents, **dated} for c in clients for d in deliveries])
    op.bulk_insert(tax, [{'client_id': c, 'market_id': t.market_id, 'rate_ppm': t.rate_ppm, **dated}
                         for c in clients for t in taxes])
    # Native DROP COLUMN (SQLite 3.35+), not batch mode: batch copies rate_plans and drops the original, which
    # SQLite refuses inside a transaction while other tables' foreign keys point at its rows.
    for column in ('monthly_fee_cents', 'energy_rate_millicents'):
        op.execute(f'ALTER TABLE rate_plans DROP COLUMN {column}')


def downgrade() -> None:
    """Back to one price per plan and shared rates: each the latest entry (the lowest client's, for the shared
    tables). The history is lost."""
    bind = op.get_bind()
    prices = _latest(bind, 'SELECT rate_plan_id, energy_rate_millicents, monthly_fee_cents FROM rate_plan_prices')
    first = 'WHERE client_id = (SELECT min(id) FROM clients)'
    deliveries = _latest(bind, f'SELECT utility_id, per_kwh_millicents, fixed_cents FROM delivery_rates {first}')
    taxes = _latest(bind, f'SELECT market_id, rate_ppm FROM tax_rates {first}')
    op.add_column('rate_plans', sa.Column('energy_rate_millicents', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('rate_plans', sa.Column('monthly_fee_cents', sa.Integer(), nullable=False, server_default='0'))
    for plan_id, (rate, fee) in prices.items():
        bind.execute(sa.text('UPDATE rate_plans SET energy_rate_millicents = :rate, monthly_fee_cents = :fee '
                             'WHERE id = :id'), {'rate': rate, 'fee': fee, 'id': plan_id})
    for name in ('rate_plan_prices', 'delivery_rates', 'tax_rates'):
        op.drop_table(name)
    tax = op.create_table(
        'tax_rates', sa.Column('id', ID, autoincrement=True, nullable=False), sa.Column('market_id', ID, nullable=False),
        sa.Column('rate_ppm', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_tax_rates_market_id_markets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_rates')),
        sa.UniqueConstraint('market_id', name=op.f('uq_tax_rates_market_id')))
    delivery = op.create_table(
        'delivery_rates', sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('utility_id', ID, nullable=False), sa.Column('per_kwh_millicents', sa.Integer(), nullable=False),
        sa.Column('fixed_cents', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['utility_id'], ['utilities.id'], name=op.f('fk_delivery_rates_utility_id_utilities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_rates')),
        sa.UniqueConstraint('utility_id', name=op.f('uq_delivery_rates_utility_id')))
    op.bulk_insert(tax, [{'market_id': m, 'rate_ppm': r} for m, (r,) in taxes.items()])
    op.bulk_insert(delivery, [{'utility_id': u, 'per_kwh_millicents': k, 'fixed_cents': f}
                              for u, (k, f) in deliveries.items()])


def _latest(bind: sa.Connection, select: str) -> dict:
    """{key: values} of the entry in force last per key (latest effective day, then latest entered)."""
    rows = bind.execute(sa.text(f'{select} ORDER BY effective_from, id')).all()
    return {row[0]: tuple(row[1:]) for row in rows}
