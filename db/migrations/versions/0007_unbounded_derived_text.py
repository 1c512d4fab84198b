"""unbounded derived text: search keys and posting descriptions made from user text hold it whole

A folded name key or token can be longer than the name (NFKD turns one ligature into several letters), and a
ledger or reversal line description quotes a reason of up to 500 characters: as varchar(200/100) PostgreSQL
refused them (SQLite stored them), and the postings cut them to fit. varchar -> text is a catalog change on
PostgreSQL (no rewrite); SQLite copies the tables (batch mode), which drops their triggers (the address
search's on `customers`, migration 0001): they are read before the copy and made again after it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = (
    ('customers', 'name_key', 200),
    ('customer_name_tokens', 'token', 100),
    ('authorized_contacts', 'name_key', 200),
    ('ledger_entries', 'description', 200),
    ('invoice_lines', 'description', 200),
)


def upgrade() -> None:
    for table, column, length in COLUMNS:
        _retype(table, column, sa.String(length=length), sa.Text())


def downgrade() -> None:
    for table, column, length in reversed(COLUMNS):
        _retype(table, column, sa.Text(), sa.String(length=length))


def _retype(table: str, column: str, old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    bind = op.get_bind()
    triggers = []
    if bind.dialect.name == "sqlite":
        found = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))
        triggers = [sql for (sql,) in found]
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=False)
    for sql in triggers:
        op.execute(sql)
