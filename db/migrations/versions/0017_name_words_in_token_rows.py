"""each name token row carries its customer's words: several words typed read one word's rows alone

A search of two common words ("joseph mar": 7,754 and 33,511 token rows on a million customers) read both words'
customer ids and intersected them (2.5-5 ms, the name prefix's p95 tail, issue 12). Each token row now holds every
token of its customer's name, each after a space (`words`, db.search_keys.name_words), in an index after
(client_id, token, customer_id): the rows of one word's prefix test the other words there (instr / strpos of
" " + token), one range of one index read (0.5 ms for "joseph mar"). An index on (client_id, customer_id, token) to
probe the second word per candidate of the first was measured first and is slower than the intersection (0.65 us a
probe: 5.2 ms for "joseph mar"; without it, through ix_customer_name_tokens_customer_id, 1.2 us).

On the bench's million customers (2,088,936 token rows, SQLite, the file in the OS cache) this migration took 5.2 s:
the words written into every row, then the index built; see docs/search.md.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

WORDS_INDEX = 'ix_customer_name_tokens_client_id_token_customer_id_words'

# Every token of the row's customer, each after a space, in token order (the order does not matter to the search).
_WORDS = {
    'sqlite': "SELECT customer_id, group_concat(' ' || token, '') AS words FROM ("
              "SELECT customer_id, token FROM customer_name_tokens ORDER BY customer_id, token) GROUP BY customer_id",
    'postgresql': "SELECT customer_id, string_agg(' ' || token, '' ORDER BY token) AS words "
                  "FROM customer_name_tokens GROUP BY customer_id",
}


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('customer_name_tokens', sa.Column('words', sa.Text(), server_default='', nullable=False))
    op.execute(f"UPDATE customer_name_tokens SET words = w.words FROM ({_WORDS[bind.dialect.name]}) AS w "
               "WHERE customer_name_tokens.customer_id = w.customer_id")
    op.create_index(WORDS_INDEX, 'customer_name_tokens', ['client_id', 'token', 'customer_id', 'words'], unique=False)
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        # an analyzed database (seeded, bulk-loaded) gives its new index statistics too, as 0015 and 0016 do
        op.execute(f'ANALYZE {WORDS_INDEX}')


def downgrade() -> None:
    op.drop_index(WORDS_INDEX, table_name='customer_name_tokens')
    with op.batch_alter_table('customer_name_tokens', schema=None) as batch_op:
        batch_op.drop_column('words')
