"""search indexes: trigram indexes for the public search on PostgreSQL

The public search finds a word anywhere in a pledge's title or text or in its actions'
headings, summaries and details, ignoring case (`ILIKE '%word%'`, tracker/catalogue.py).
Without an index every search reads every text; PostgreSQL's pg_trgm GIN indexes let it
read only the rows that contain the word's trigrams. SQLite has no such index: it reads
the texts (fine for the embedded default's sizes).

The extension needs a role allowed to create it (the database owner on PostgreSQL 13+,
since pg_trgm is a "trusted" extension). The indexes are kept out of the models (they
exist on PostgreSQL only); migrations/env.py tells autogenerate to leave them alone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (index, table, column): every column the search reads.
TRIGRAM_INDEXES = [
    ('ix_pledges_title_trgm', 'pledges', 'title'),
    ('ix_pledges_text_trgm', 'pledges', 'text'),
    ('ix_actions_heading_trgm', 'actions', 'heading'),
    ('ix_actions_summary_trgm', 'actions', 'summary'),
    ('ix_actions_details_trgm', 'actions', 'details'),
]


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, table, column in TRIGRAM_INDEXES:
        op.create_index(name, table, [column], postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, table, _column in TRIGRAM_INDEXES:
        op.drop_index(name, table_name=table)
    # Extensions belong to one database: this one's was created for these indexes.
    op.execute('DROP EXTENSION IF EXISTS pg_trgm')
